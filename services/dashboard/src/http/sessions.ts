import { randomBytes, timingSafeEqual } from 'node:crypto';

export type Role = 'operator' | 'viewer';

export interface Session {
  id: string;
  role: Role;
  /** Sent back by the page in the X-CSRF-Token header of every POST. */
  csrfToken: string;
  /** Ends after this long without a request. */
  expiresAt: number;
}

/**
 * Signed-in browsers, kept in this process's memory: a session id is 256
 * random bits in an httpOnly cookie, and ends on sign-out, after the idle
 * timeout, or when the dashboard restarts (everyone signs in again). One
 * dashboard replica is enough for a page a few operators open.
 */
export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly tokens: { operator: string; viewer: string | undefined },
    private readonly idleTimeoutMs: number,
  ) {}

  /** The role a token signs in as, or undefined; compared in constant time. */
  roleOf(token: string): Role | undefined {
    if (sameSecret(token, this.tokens.operator)) return 'operator';
    if (this.tokens.viewer !== undefined && sameSecret(token, this.tokens.viewer)) return 'viewer';
    return undefined;
  }

  open(role: Role): Session {
    this.dropExpired();
    const session = {
      id: randomBytes(32).toString('base64url'),
      role,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: Date.now() + this.idleTimeoutMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle timer restarted; undefined when unknown or expired. */
  find(id: string | undefined): Session | undefined {
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= Date.now()) {
      this.sessions.delete(session.id);
      return undefined;
    }
    session.expiresAt = Date.now() + this.idleTimeoutMs;
    return session;
  }

  /** Whether a session is still open, without counting as activity (the live stream asks every second). */
  isOpen(session: Session): boolean {
    return this.sessions.get(session.id) === session && session.expiresAt > Date.now();
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  private dropExpired() {
    const now = Date.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Constant-time comparison, so an answer's timing does not tell how much of a guess was right. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

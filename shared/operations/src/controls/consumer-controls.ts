import type { OutboxDatabase } from '@shared/messaging';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** A consuming service's controls, as every replica and the admin API read them. */
export interface ConsumerControlRow {
  service: string;
  pausedAt: Date | null;
  pausedBy: string | null;
  circuit: CircuitState;
  circuitOpenedAt: Date | null;
  /** open: when a probe may go; half-open: when the probe's claim lapses. */
  circuitUntil: Date | null;
  probeBy: string | null;
  lastError: string | null;
  /** The rate limit its replicas announced ("10/s"); null: none. */
  rateLimit: string | null;
}

const TABLE = 'runtime.consumer_controls';
const COLUMNS = `service, paused_at AS "pausedAt", paused_by AS "pausedBy", circuit,
  circuit_opened_at AS "circuitOpenedAt", circuit_until AS "circuitUntil",
  probe_by AS "probeBy", last_error AS "lastError", rate_limit AS "rateLimit"`;

/**
 * The runtime.consumer_controls table: one row per consuming service, shared
 * by its replicas and by the operators' API. Every write is one conditional
 * statement, so two replicas racing to open a circuit or to take the probe
 * cannot both win; a trigger NOTIFYs every change (migration
 * runtime_controls), and each replica re-reads its row.
 */
export class ConsumerControls {
  constructor(private readonly db: OutboxDatabase) {}

  async read(service: string): Promise<ConsumerControlRow> {
    const [row] = await this.db.$queryRawUnsafe<ConsumerControlRow[]>(
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE service = $1`,
      service,
    );
    return row ?? closedRow(service);
  }

  /** Every service's row; a service never paused nor tripped has none and reads as running. */
  async list(): Promise<ConsumerControlRow[]> {
    return this.db.$queryRawUnsafe<ConsumerControlRow[]>(`SELECT ${COLUMNS} FROM ${TABLE} ORDER BY service`);
  }

  /** A replica starting: the service gets its row, with the rate limit it runs with. */
  async announce(service: string, rateLimit: string | null): Promise<void> {
    await this.db.$executeRawUnsafe(
      `INSERT INTO ${TABLE} (service, rate_limit) VALUES ($1, $2)
       ON CONFLICT (service) DO UPDATE SET rate_limit = $2
         WHERE ${TABLE}.rate_limit IS DISTINCT FROM $2`,
      service,
      rateLimit,
    );
  }

  async pause(service: string, by: string): Promise<ConsumerControlRow> {
    return this.one(
      `INSERT INTO ${TABLE} (service, paused_at, paused_by) VALUES ($1, now(), $2)
       ON CONFLICT (service) DO UPDATE
         SET paused_at = COALESCE(${TABLE}.paused_at, now()), paused_by = $2, updated_at = now()
       RETURNING ${COLUMNS}`,
      service,
      by,
    );
  }

  async resume(service: string): Promise<ConsumerControlRow> {
    return this.one(
      `INSERT INTO ${TABLE} (service) VALUES ($1)
       ON CONFLICT (service) DO UPDATE SET paused_at = NULL, paused_by = NULL, updated_at = now()
       RETURNING ${COLUMNS}`,
      service,
    );
  }

  /**
   * Opens the circuit for `coolDownMs`: from closed (a replica saw too many
   * failures in a row) or from half-open (its probe failed; only the
   * replica holding the probe may). True if this call opened it.
   */
  async open(service: string, replica: string, coolDownMs: number, error: string): Promise<boolean> {
    return this.changed(
      `INSERT INTO ${TABLE} (service, circuit, circuit_opened_at, circuit_until, last_error)
       VALUES ($1, 'open', now(), now() + $3 * interval '1 millisecond', $4)
       ON CONFLICT (service) DO UPDATE
         SET circuit = 'open', circuit_opened_at = now(),
             circuit_until = now() + $3 * interval '1 millisecond',
             probe_by = NULL, last_error = $4, updated_at = now()
         WHERE ${TABLE}.circuit = 'closed' OR (${TABLE}.circuit = 'half-open' AND ${TABLE}.probe_by = $2)
       RETURNING service`,
      service,
      replica,
      coolDownMs,
      error,
    );
  }

  /**
   * Takes the probe once the cool-down is over (or the last prober's claim
   * lapsed): half-open, held by `replica` for `leaseMs`. The holder calls it
   * again to extend its claim while it waits for a message to probe with.
   */
  async claimProbe(service: string, replica: string, leaseMs: number): Promise<boolean> {
    return this.changed(
      `UPDATE ${TABLE}
       SET circuit = 'half-open', probe_by = $2, circuit_until = now() + $3 * interval '1 millisecond',
           updated_at = now()
       WHERE service = $1
         AND ((circuit IN ('open', 'half-open') AND circuit_until <= now())
              OR (circuit = 'half-open' AND probe_by = $2))
       RETURNING service`,
      service,
      replica,
      leaseMs,
    );
  }

  /** The probe reached the downstream: closed again. Only the probe's holder may. */
  async close(service: string, replica: string): Promise<boolean> {
    return this.changed(
      `UPDATE ${TABLE}
       SET circuit = 'closed', circuit_opened_at = NULL, circuit_until = NULL, probe_by = NULL,
           last_error = NULL, updated_at = now()
       WHERE service = $1 AND circuit = 'half-open' AND probe_by = $2
       RETURNING service`,
      service,
      replica,
    );
  }

  private async one(sql: string, ...values: unknown[]): Promise<ConsumerControlRow> {
    const [row] = await this.db.$queryRawUnsafe<ConsumerControlRow[]>(sql, ...values);
    return row!;
  }

  private async changed(sql: string, ...values: unknown[]): Promise<boolean> {
    return (await this.db.$queryRawUnsafe<unknown[]>(sql, ...values)).length === 1;
  }
}

function closedRow(service: string): ConsumerControlRow {
  return {
    service,
    pausedAt: null,
    pausedBy: null,
    circuit: 'closed',
    circuitOpenedAt: null,
    circuitUntil: null,
    probeBy: null,
    lastError: null,
    rateLimit: null,
  };
}

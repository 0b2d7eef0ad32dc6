import { randomUUID } from 'node:crypto';
import type { ConsumerMode } from '@shared/messaging';
import { type ConsumerControlRow, ConsumerControls, ConsumerSwitch } from '@shared/operations';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { databaseUrl, testLogger, waitFor } from '../../../test/support';

/** Controls whose next read, once armed, returns what it read only when the test lets it. */
class HeldRead extends ConsumerControls {
  private armed: { started: () => void; release: Promise<void> } | undefined;

  /** The next read runs its query at once, then waits for `release` to hand its row over. */
  holdNextRead(release: Promise<void>): Promise<void> {
    return new Promise((started) => {
      this.armed = { started, release };
    });
  }

  override async read(service: string): Promise<ConsumerControlRow> {
    const armed = this.armed;
    this.armed = undefined;
    const row = await super.read(service);
    if (armed) {
      armed.started();
      await armed.release;
    }
    return row;
  }
}

/**
 * Every replica follows its service's row in runtime.consumer_controls. A
 * change it makes itself, or hears of, while an earlier read is under way must
 * not be answered by that read, which may have been taken before the change.
 */
describe('consumer switch', () => {
  let prisma: PrismaClient;
  const switches: ConsumerSwitch[] = [];

  beforeAll(() => {
    prisma = createPrismaClient(databaseUrl());
  });

  afterAll(async () => {
    await Promise.all(switches.map((consumerSwitch) => consumerSwitch.stop()));
    await prisma.$disconnect();
  });

  test('When the circuit opens while a read taken before it is under way, then the replica still holds, without waiting for its poll', async () => {
    const service = `switch-${randomUUID().slice(0, 8)}`;
    const controls = new HeldRead(prisma);
    const modes: ConsumerMode[] = [];
    const consumerSwitch = new ConsumerSwitch({
      service,
      controls,
      databaseUrl: databaseUrl(),
      breaker: { opensOn: new Set(['DOWNSTREAM.UNREACHABLE']), threshold: 1, coolDownMs: 60_000 },
      probeLeaseMs: 30_000,
      pollMs: 60_000,
      log: testLogger(),
      onMode: (mode) => modes.push(mode),
    });
    switches.push(consumerSwitch);
    await consumerSwitch.start();
    expect(modes).toEqual(['consume']);

    // A change to the row (here, a touch) makes the replica read it; that read takes the
    // row while the circuit is still closed, and is held.
    let release: () => void = () => {};
    const held = controls.holdNextRead(new Promise<void>((resolve) => (release = resolve)));
    await prisma.$executeRawUnsafe(
      'UPDATE runtime.consumer_controls SET updated_at = now() WHERE service = $1',
      service,
    );
    await held;

    consumerSwitch.outcome('DOWNSTREAM.UNREACHABLE', 'connection refused');
    await waitFor(
      'the circuit open in the row',
      async () => (await controls.read(service)).circuit === 'open',
    );
    release();

    await waitFor('the replica holding', () => modes.at(-1) === 'hold', 3_000);
    expect(consumerSwitch.current?.circuit).toBe('open');
  });
});

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The boundary rules (.dependency-cruiser.cjs) against small trees laid out
 * like this repository: each planted import breaks the rule named, and the
 * check says so and fails; the imports the rules allow pass.
 */
const repoRoot = resolve(__dirname, '..');
const config = join(repoRoot, '.dependency-cruiser.cjs');
const depcruise = join(repoRoot, 'node_modules', '.bin', 'depcruise');

/** Planted imports: each file, the files it imports (paths in the tree). */
const PLANTED: Record<string, string[]> = {
  // runtime-knows-no-shop
  'shared/messaging/src/broker.ts': ['services/checkout/src/config.ts'],
  'services/checkout/src/config.ts': [],
  // services-stay-apart
  'services/email/src/main.ts': ['services/checkout/src/index.ts'],
  // http-below-messaging
  'shared/http/src/error-table.ts': ['shared/messaging/src/index.ts'],
  // core-below-the-runtime
  'shared/core/src/logging/index.ts': ['shared/messaging/src/index.ts'],
  // messaging-below-operations
  'shared/messaging/src/consumer.ts': ['shared/operations/src/index.ts'],
  // packages-through-their-entry, between runtime packages
  'shared/operations/src/queue-census.ts': ['shared/messaging/src/broker.ts'],
  // products-import-no-tests
  'services/pdf/src/main.ts': ['test/support.ts'],
  // packages-through-their-entry, services-through-their-entry
  'scripts/dlq.ts': ['services/checkout/src/http/checkout-api.ts', 'shared/messaging/src/broker.ts'],
  // service-tests-through-other-entries
  'services/dashboard/test/api.test.ts': ['services/checkout/src/http/checkout-api.ts'],
  // scripts-below-bench
  'scripts/chaos/chaos.ts': ['bench/support/environment.ts'],
  'bench/support/environment.ts': ['scripts/database/scratch-run.ts'],
  'scripts/database/scratch-run.ts': [],
  // no-circular
  'scripts/k8s/a.ts': ['scripts/k8s/b.ts'],
  'scripts/k8s/b.ts': ['scripts/k8s/a.ts'],
  // allowed: through the entries, down the floors
  'scripts/contracts.ts': ['services/checkout/src/index.ts', 'shared/http/src/index.ts'],
  'services/checkout/src/index.ts': ['services/checkout/src/http/checkout-api.ts'],
  'services/checkout/src/http/checkout-api.ts': ['shared/http/src/index.ts', 'contracts/src/events/index.ts'],
  'services/checkout/test/orders.test.ts': ['services/checkout/src/http/checkout-api.ts', 'test/support.ts'],
  'services/dashboard/test/harness-user.test.ts': ['services/checkout/test/checkout-harness.ts'],
  'services/checkout/test/checkout-harness.ts': ['services/checkout/src/index.ts'],
  'shared/http/src/index.ts': ['shared/core/src/errors/index.ts'],
  'shared/operations/src/index.ts': ['shared/messaging/src/index.ts', 'shared/http/src/index.ts'],
  'shared/messaging/src/index.ts': ['shared/messaging/src/broker.ts', 'shared/core/src/errors/index.ts'],
  'shared/core/src/errors/index.ts': [],
  'contracts/src/events/index.ts': ['shared/core/src/errors/index.ts'],
  'test/support.ts': [],
};

/** Each violation the check reported, as "from -> to: rule". */
let violations: string[];

beforeAll(async () => {
  const tree = await mkdtemp(join(tmpdir(), 'boundaries-'));
  try {
    await writeFile(join(tree, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext' } }));
    for (const [file, imports] of Object.entries(PLANTED)) {
      const path = join(tree, file);
      await mkdir(dirname(path), { recursive: true });
      const lines = imports.map((target) => `import '${specifier(file, target)}';`);
      await writeFile(path, `${lines.join('\n')}\nexport const here = true;\n`);
    }
    const roots = ['shared', 'contracts', 'services', 'scripts', 'bench', 'test'];
    // The check exits non-zero when it finds a violation; its report is on stdout either way.
    const { stdout } = await promisify(execFile)(
      depcruise,
      [...roots, '--config', config, '--output-type', 'json'],
      { cwd: tree },
    ).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const { summary } = JSON.parse(stdout) as {
      summary: { violations: { from: string; to: string; rule: { name: string } }[] };
    };
    violations = summary.violations.map(({ from, to, rule }) => `${from} -> ${to}: ${rule.name}`);
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
});

/** The rules the imports of `file` break. */
const brokenBy = (file: string) =>
  violations
    .filter((violation) => violation.startsWith(`${file} -> `))
    .map((violation) => violation.slice(violation.lastIndexOf(': ') + 2))
    .sort();

function specifier(from: string, to: string): string {
  const up = from
    .split('/')
    .slice(0, -1)
    .map(() => '..');
  return [...up, to.replace(/\.ts$/, '')].join('/');
}

test('When the runtime imports a service, then runtime-knows-no-shop fails the check', () => {
  expect(brokenBy('shared/messaging/src/broker.ts')).toEqual(['runtime-knows-no-shop']);
});

test('When one service imports another, then services-stay-apart fails the check', () => {
  expect(brokenBy('services/email/src/main.ts')).toEqual(['services-stay-apart']);
});

test('When HTTP imports messaging, then http-below-messaging fails the check', () => {
  expect(brokenBy('shared/http/src/error-table.ts')).toEqual(['http-below-messaging']);
});

test('When a runtime package imports one above it, then the floor it belongs to fails the check', () => {
  expect(brokenBy('shared/core/src/logging/index.ts')).toEqual(['core-below-the-runtime']);
  expect(brokenBy('shared/messaging/src/consumer.ts')).toEqual(['messaging-below-operations']);
});

test('When one runtime package reaches past the entry of another, then packages-through-their-entry fails the check', () => {
  expect(brokenBy('shared/operations/src/queue-census.ts')).toEqual(['packages-through-their-entry']);
  expect(brokenBy('shared/messaging/src/index.ts')).toEqual([]);
});

test('When product code imports a test helper, then products-import-no-tests fails the check', () => {
  expect(brokenBy('services/pdf/src/main.ts')).toEqual(['products-import-no-tests']);
});

test('When tooling or a service test reaches past an entry, then the check fails', () => {
  expect(brokenBy('scripts/dlq.ts')).toEqual([
    'packages-through-their-entry',
    'services-through-their-entry',
  ]);
  expect(brokenBy('services/dashboard/test/api.test.ts')).toEqual(['service-tests-through-other-entries']);
});

test('When a script imports a benchmark, then scripts-below-bench fails the check', () => {
  expect(brokenBy('scripts/chaos/chaos.ts')).toEqual(['scripts-below-bench']);
  expect(brokenBy('bench/support/environment.ts')).toEqual([]);
});

test('When two files import each other, then no-circular fails the check', () => {
  expect(brokenBy('scripts/k8s/a.ts')).toEqual(['no-circular']);
});

test('When imports go through the entries, down the floors, then the check passes them', () => {
  const planted = new Set(Object.keys(PLANTED).filter((file) => brokenBy(file).length > 0));
  expect([...planted].sort()).toEqual(
    [
      'shared/messaging/src/broker.ts',
      'services/email/src/main.ts',
      'shared/http/src/error-table.ts',
      'shared/core/src/logging/index.ts',
      'shared/messaging/src/consumer.ts',
      'shared/operations/src/queue-census.ts',
      'services/pdf/src/main.ts',
      'scripts/dlq.ts',
      'services/dashboard/test/api.test.ts',
      'scripts/chaos/chaos.ts',
      // A circle is reported once, at the file the check met first.
      'scripts/k8s/a.ts',
    ].sort(),
  );
});

/**
 * One Jest run covers every package, in two projects:
 *
 * - unit: tests beside the code (`<package>/src/**`, `scripts/**`), pure logic,
 *   no RabbitMQ or Postgres; `npm run test:unit` runs only these;
 * - integration: tests in `test/` folders, against the real RabbitMQ and
 *   Postgres. Their global setup fails the run loudly when either is missing,
 *   and gives the run its own database and queue-name prefix so runs never
 *   collide.
 *
 * @type {import('jest').Config}
 */
const common = {
  testEnvironment: 'node',
  // Resolve workspace packages to their TypeScript sources (the "source" export condition).
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'require', 'default'] },
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  // A bound, not a measurement: hooks that start a whole stack need it on a busy two-core machine.
  testTimeout: 90_000,
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/shared/*/src/**/*.test.ts',
        '<rootDir>/contracts/src/**/*.test.ts',
        '<rootDir>/services/*/src/**/*.test.ts',
        '<rootDir>/scripts/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/shared/*/test/**/*.test.ts',
        '<rootDir>/services/*/test/**/*.test.ts',
        '<rootDir>/test/**/*.test.ts',
      ],
      // The cluster test starts three RabbitMQ nodes of its own, so it runs on its own:
      // `npm run test:cluster`, a step of its own in .ci/run.
      testPathIgnorePatterns: [
        ...common.testPathIgnorePatterns,
        ...(process.env.CLUSTER_TESTS ? [] : ['/cluster-failover\\.test\\.ts$']),
      ],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
};

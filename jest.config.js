/**
 * One Jest run covers every package. Tests talk to the real RabbitMQ and Postgres:
 * the global setup fails the run loudly when either is missing, and gives the run
 * its own database and queue-name prefix so runs never collide.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  // Resolve workspace packages to their TypeScript sources (the "source" export condition).
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'require', 'default'] },
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: [
    '<rootDir>/shared/**/*.test.ts',
    '<rootDir>/services/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};

// Unit specs live beside the code; integration specs in test/ run against real Postgres and Redis.
const transform = { '^.+\\.(ts|js|mjs)$': '<rootDir>/test/support/jest-transform.js' };
// ESM-only packages that jest must compile to CommonJS (see test/support/jest-transform.js).
const transformIgnorePatterns = ['/node_modules/(?!@nestjs/)'];

const shared = { rootDir: __dirname, transform, transformIgnorePatterns, testEnvironment: 'node' };

module.exports = {
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};

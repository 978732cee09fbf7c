const root = require('./jest.config');

/**
 * The unit specs of the pure domain only, for mutation testing (stryker.config.mjs): no
 * globalSetup (it needs PostgreSQL) and no e2e contract setup, so each of Stryker's many runs
 * starts in well under a second. The swc transform is the root config's.
 */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: root.moduleFileExtensions,
  transform: root.transform,
  transformIgnorePatterns: root.transformIgnorePatterns,
  testMatch: [
    '<rootDir>/src/phase-model/**/*.spec.ts',
    '<rootDir>/src/reset/indicators/**/*.spec.ts',
    '<rootDir>/src/reset/rules/**/*.spec.ts',
    '<rootDir>/src/history-chain/**/*.spec.ts',
  ],
};

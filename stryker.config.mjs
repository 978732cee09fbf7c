// Mutation testing of the pure domain (issue 12): `npm run mutation`, not part of `npm test`.
// The unit specs only (jest.unit.config.js: no PostgreSQL), one worker (the machine has 2 cores
// shared with others). Reports go to reports/mutation/ (git-ignored); `--incremental` reuses the
// last run's results kept there.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.unit.config.js', enableFindRelatedTests: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.stryker.json',
  coverageAnalysis: 'perTest',
  concurrency: 1,
  mutate: [
    'src/phase-model/**/*.ts',
    'src/reset/indicators/**/*.ts',
    'src/reset/rules/**/*.ts',
    'src/history-chain/**/*.ts',
    '!src/**/*.spec.ts',
    // Test data, not code under test.
    '!src/**/*.fixture.ts',
    '!src/reset/indicators/fixtures.ts',
    // Re-exports only.
    '!src/**/index.ts',
    // Nest wiring only (a provider list): the e2e tests cover it, the unit specs cannot.
    '!src/history-chain/history-chain.module.ts',
    // Pure data: the vocabulary lists and labels of the phase model, and the dated SGB II figures
    // (Stryker mutates no numbers, only their ids, dates and sources). Every mutant there is
    // static, so each would rerun whole spec files for no logic under test.
    '!src/phase-model/phase-model.types.ts',
    '!src/reset/rules/rates.data.ts',
  ],
  // Only what the unit specs and the type check need is copied into the sandbox.
  ignorePatterns: [
    '/dist',
    '/data',
    '/coverage',
    '/clients',
    '/bench',
    '/docs',
    '/test',
    '/test-output',
    '/scripts',
    '/openapi.json',
  ],
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'html', 'progress'],
  clearTextReporter: {
    reportScoreTable: true,
    reportTests: false,
    logTests: false,
    reportMutants: true,
  },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: 'reports/mutation/.stryker-tmp',
};

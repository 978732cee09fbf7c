const fs = require('fs');
const path = require('path');

/**
 * NestJS 12 and a few of its dependencies ship as ES modules only. Node (22.12+) can require()
 * them, but Jest's own module loader can only on Node 24.9+ with --experimental-vm-modules (it
 * needs vm.SourceTextModule); without that flag, on Node 22 and 24 alike (checked on 24.22 with
 * Jest 30.5), Jest compiles exactly those packages to CommonJS with swc. The list is read from
 * node_modules so that an upgrade needs no edit here.
 */
function esmOnlyPackages(dir = path.join(__dirname, 'node_modules'), prefix = '') {
  const names = [];
  if (!fs.existsSync(dir)) return names;
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      names.push(...esmOnlyPackages(path.join(dir, entry), `${entry}/`));
      continue;
    }
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, entry, 'package.json'), 'utf8'));
      if (pkg.type === 'module') names.push(prefix + entry);
    } catch {
      // not a package folder
    }
  }
  return names;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Unit specs live next to the code (src/**\/*.spec.ts); database-backed tests in test/. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
    '<rootDir>/test/medium/**/*.medium-spec.ts',
  ],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages().map(escape).join('|')})/)`],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // Every e2e response is checked against the served OpenAPI document (test/support/openapi-contract.ts).
  setupFilesAfterEnv: ['<rootDir>/test/support/contract-setup.ts'],
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
};

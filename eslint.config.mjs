import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated or copied trees (builds, mutation-testing sandboxes, test output), and the root's
    // JavaScript configuration files.
    ignores: [
      'dist/**',
      'clients/typescript/dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'bench/results/**',
      'reports/**',
      'test-output/**',
      '*.js',
      '*.mjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Each file is checked with the tsconfig.json nearest to it: the root one (src, migrations,
      // scripts, test, bench) or clients/typescript's own.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch without `default` must name every member of the union it switches on; a `default`
      // is a deliberate "everything else" (e.g. the error codes a form does not show specially).
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // Each feature declares its error codes by merging `interface ErrorCodes extends Record<…> {}`
    // into common/errors/error-codes.ts: the empty body is the point of that idiom.
    files: ['src/**/*.errors.ts', 'src/common/errors/error-codes.ts'],
    rules: {
      '@typescript-eslint/no-empty-object-type': [
        'error',
        { allowInterfaces: 'with-single-extends' },
      ],
    },
  },
  {
    // Plain JavaScript (the client's generator script) is in no tsconfig: linted without types.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // HTTP response bodies (supertest's res.body), JSON parsed from files and child-process output
    // are `any` by nature in tests and benchmarks; checking every property read of them would mean a
    // cast on each line and find no bug. The type-aware rules that do find bugs (floating and
    // misused promises, await-thenable, unbound-method, switch exhaustiveness, ...) stay on.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Landed migrations are frozen (never edited, not even for types); TypeORM's QueryRunner.query
    // answers `any`. Only these two read rows: new migrations type their rows (query<T>).
    files: [
      'migrations/1764115600000-HistoryHashChain.ts',
      'migrations/1764115800000-ResetHistoryChain.ts',
    ],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // The generated client and the test that drives the service through it must need no casts.
    files: ['clients/typescript/**/*.ts', 'test/typescript-client.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
);

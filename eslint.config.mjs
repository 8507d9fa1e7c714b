import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Lower layers (src/common, src/compose) import no feature module: features build on them, never the reverse.
const FEATURE_MODULES = [
  'app.module',
  'audit',
  'auth',
  'console',
  'containers',
  'events',
  'files',
  'health',
  'idempotency',
  'logs',
  'metrics',
  'network',
  'openapi',
  'reaper',
  'stats',
  'terminal',
];
const lowerLayerImports = {
  patterns: [
    {
      regex: `^(\\.\\.?/)+(${FEATURE_MODULES.join('|')})(/|$)`,
      message: 'src/common and src/compose are lower layers: they must not import feature modules.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'eslint.config.mjs',
      'jest.config.js',
      'clients/typescript/dist/',
      'clients/typescript/src/generated/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: 'error',
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/common/**/*.ts', 'src/compose/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', lowerLayerImports],
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts', 'bench/**/*.ts', 'clients/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
    },
  },
);

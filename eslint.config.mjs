// ESLint flat config: eslint's and typescript-eslint's recommended rules; formatting is Prettier's
// (eslint-config-prettier turns off the rules that would disagree with it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['cdk.out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'test/audit/peers/inputs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      // Parsed JSON (templates, inspect documents, API responses) is read field by field as `any`;
      // the typed models (lib/audit/model.ts, lib/local/task-spec.ts) are where types are enforced.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // CommonJS config files (jest), and tests that load built bundles, data files and rule modules by
    // a path computed at run time.
    files: ['**/*.js', '**/*.cjs', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

// ESLint: typescript-eslint's type-aware recommended rules over the TypeScript (each file checked with the types of
// the nearest tsconfig.json), ESLint's recommended ones over our plain JavaScript (bin/, scripts/).
// `npm run lint`, clean and run in CI (.ci/run, with `npm run format:check`). A rule is turned off here only for a
// whole category of files, with its reason; a single line that must break a rule says why in an
// `eslint-disable-next-line <rule> -- <reason>` comment.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const NODE_GLOBALS = { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly' };

export default defineConfig(
  { ignores: ['dist/', 'smart-app/public/', 'profiles/generated/', 'bench/**/results/', 'mappings/test-fixtures/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      // A leading underscore marks what is left out on purpose (`const { a: _a, ...rest } = x`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests read parsed JSON (supertest's `res.body`, `JSON.parse` of ndjson) as `any` on purpose, and may say so
    // (`type Json = Record<string, any>`): the assertions are the type check there. Everywhere else, `any` must be
    // narrowed before use.
    files: ['tests/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked], languageOptions: { globals: NODE_GLOBALS } },
);

// The lint gate: typescript-eslint with type-checked rules, import cycles and the folders' one-way
// imports (see ARCHITECTURE.md), size limits, and prettier's formatting left to prettier.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Folders of src/ and the folders each must not import (the table in ARCHITECTURE.md). */
const layers = [
  { target: './src/protocol', from: ['./src/commands', './src/rootly', './src/synthetic', './src/stream', './src/cursor', './src/http'] },
  { target: './src/http', from: ['./src/commands', './src/rootly', './src/synthetic', './src/stream', './src/cursor'] },
  { target: './src/cursor', from: ['./src/commands', './src/rootly', './src/synthetic', './src/stream', './src/http'] },
  { target: './src/stream', from: ['./src/commands', './src/rootly', './src/synthetic', './src/http'] },
  { target: './src/synthetic', from: ['./src/commands', './src/http'] },
  { target: './src/rootly', from: ['./src/commands', './src/synthetic'] },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/dist/**', 'reports/**', '.stryker-tmp/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layers.map(({ target, from }) => ({ target, from, except: [] })) }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Tests: a describe block is one function by nature, and fixtures may be long.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      'max-lines': 'off',
      'max-lines-per-function': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);

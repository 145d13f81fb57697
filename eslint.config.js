import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './scripts/eslint-boundaries.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'libs/database/generated/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.ts', '**/*.tsx'], plugins: { boundaries }, rules: { 'boundaries/imports': 'error' } },
  {
    // Domain rules are pure: no framework, no database, no queue, no network, no wall clock source.
    files: ['libs/**/domain/**/*.ts', 'libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: '^(@nestjs|@prisma|bullmq|ioredis|pg|masto|twitter-api-v2|@atproto)(/|$)', message: 'Domain code is pure: no Nest, Prisma, BullMQ, Redis or network clients.' },
        { regex: '^#(database|queue|networks)/', message: 'Domain code is pure: it does not load, store, enqueue or call a network.' },
      ] }],
    },
  },
  {
    // libs/strikes builds on libs/database (Prisma), never the other way round.
    files: ['libs/database/**/*.ts'],
    ignores: ['libs/database/generated/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^#strikes/', message: 'libs/database does not import libs/strikes: strike persistence lives in libs/strikes/persistence.' }] }],
    },
  },
  {
    // The web app runs in browsers: no Node globals outside its tests.
    files: ['apps/web/src/**/*.{ts,tsx}'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', 'global'] },
  },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', AbortSignal: 'readonly', setTimeout: 'readonly' } } },
);

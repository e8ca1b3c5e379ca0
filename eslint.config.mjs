import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Import boundaries. A file gets its rule from the last block matching it, and a block's options replace (not extend)
// an earlier block's, so every block below lists ACROSS_LIBRARIES together with its own patterns.
const ACROSS_LIBRARIES = {
  regex: '^(\\.\\./)+(libs|providers|apps|migrations)/',
  message: 'Import other libraries through their @berth/<lib> alias.',
};
const NO_DATABASE = {
  group: ['typeorm', '@berth/persistence'],
  message: 'Adapters implement core ports and never touch the database.',
};
const NO_NEST = {
  group: ['@nestjs/*'],
  message: 'Only apps/* use NestJS: libraries and adapters are framework-free.',
};
const NO_DATABASE_LIBRARY = {
  group: ['@berth/persistence'],
  message: '@berth/persistence is imported only by apps/*.',
};
const boundary = (files, ...patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [ACROSS_LIBRARIES, ...patterns] }] },
});

/** Each provider: no database, and none of its sibling providers (by alias or by relative path). */
const PROVIDERS = readdirSync(new URL('./providers', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const providerBoundaries = PROVIDERS.map((name) => {
  const siblings = PROVIDERS.filter((other) => other !== name);
  return boundary(
    [`providers/${name}/**/*.ts`],
    NO_DATABASE,
    NO_NEST,
    ...(siblings.length === 0
      ? []
      : [
          {
            group: siblings.map((other) => `@berth/provider-${other}`),
            message: 'A provider never imports another provider: shared code belongs in a library.',
          },
          {
            regex: `^(\\.\\./)+(${siblings.join('|')})/`,
            message: 'A provider never imports another provider: shared code belongs in a library.',
          },
        ]),
  );
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.berth/**',
      'coverage/**',
      'examples/**/*.js',
      'scripts/**/*.js',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-restricted-imports': ['error', { patterns: [ACROSS_LIBRARIES] }],
    },
  },
  {
    // Library code and specs use their own fixtures or a library's `testing` folder, never the end-to-end tree.
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'providers/**/*.ts', 'migrations/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+test/',
              message: 'Libraries do not reach into test/ by relative path; keep fixtures beside the code.',
            },
          ],
        },
      ],
    },
  },
  {
    // The app layer reads and writes the database through the repositories of @berth/persistence only.
    files: ['apps/**/*.ts'],
    ignores: ['apps/**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(getRepository|createQueryBuilder)$/]',
          message: 'Use (or add) a repository method in @berth/persistence instead of querying from the app layer.',
        },
      ],
    },
  },
  {
    // Tests and benchmarks drive the service from outside, so they may import apps/* by path.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  boundary(['libs/core/**/*.ts'], {
    group: ['@nestjs/*', 'typeorm', '@berth/*'],
    message: 'libs/core is framework-free and imports nothing of ours.',
  }),
  boundary(['libs/oam/**/*.ts'], {
    group: ['@nestjs/*', 'typeorm', '@berth/*', '!@berth/core', '!@berth/types'],
    message: 'libs/oam depends only on @berth/core and @berth/types.',
  }),
  boundary(['libs/types/**/*.ts'], {
    group: ['@nestjs/*', 'typeorm', '@berth/*', '!@berth/core'],
    message: 'libs/types (the built-in types) is framework-free and depends only on @berth/core of ours.',
  }),
  boundary(['libs/kube/**/*.ts'], NO_DATABASE, NO_NEST),
  // @berth/persistence is imported only by apps/* (and tests): libs/oam, libs/kube, libs/pulumi and the providers
  // already refuse it above; the migrations run on their own QueryRunner.
  boundary(['migrations/**/*.ts'], NO_DATABASE_LIBRARY),
  boundary(['libs/pulumi/**/*.ts'], {
    group: ['@nestjs/*', 'typeorm', '@berth/*', '!@berth/core'],
    message: 'libs/pulumi is framework-free, never touches the database, and depends only on @berth/core of ours.',
  }),
  ...providerBoundaries,
  prettier,
);

import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

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
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../libs/*', '../../../libs/*', '../../providers/*', '../../../providers/*', '../../apps/*'],
              message: 'Import other libraries through their @berth/<lib> alias.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks drive the service from outside, so they may import apps/* by path.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['libs/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', '@berth/*'],
              message: 'libs/core is framework-free and imports nothing of ours.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/oam/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', '@berth/persistence', '@berth/kube', '@berth/provider-*'],
              message: 'libs/oam depends only on @berth/core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['providers/**/*.ts', 'libs/kube/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['typeorm', '@berth/persistence'],
              message: 'Adapters implement core ports and never touch the database.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);

import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const here = (path: string) => resolve(__dirname, path);

export default defineConfig({
  plugins: [
    // SWC instead of esbuild: esbuild cannot emit decorator metadata, which Nest DI and class-validator need.
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
    }),
  ],
  resolve: {
    // A more specific alias first: '@berth/pulumi' would also match '@berth/pulumi/testing'.
    alias: {
      '@berth/core': here('libs/core/src/index.ts'),
      '@berth/oam': here('libs/oam/src/index.ts'),
      '@berth/types': here('libs/types/src/index.ts'),
      '@berth/persistence/testing': here('libs/persistence/src/testing/index.ts'),
      '@berth/persistence': here('libs/persistence/src/index.ts'),
      '@berth/kube/testing': here('libs/kube/src/testing/index.ts'),
      '@berth/kube': here('libs/kube/src/index.ts'),
      '@berth/pulumi/testing': here('libs/pulumi/src/testing/index.ts'),
      '@berth/pulumi': here('libs/pulumi/src/index.ts'),
      '@berth/provider-local': here('providers/local/src/index.ts'),
      '@berth/provider-alicloud': here('providers/alicloud/src/index.ts'),
      '@berth/migrations': here('migrations/index.ts'),
    },
  },
  test: {
    include: ['{apps,libs,providers,migrations}/**/*.spec.ts', 'test/**/*.e2e-spec.ts', 'test/**/*.spec.ts'],
    exclude: ['node_modules', 'dist'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

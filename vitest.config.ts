import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

const migrations = await readD1Migrations(new URL('./migrations', import.meta.url).pathname);

// Two projects run under one `npm test`: the library in real workerd, and the setup CLI in Node
// (its tests spawn the real wrangler binary, which cannot run inside workerd).
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './test/wrangler.toml' },
            miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
          }),
        ],
        test: {
          name: 'workerd',
          include: ['test/**/*.test.ts'],
          exclude: ['test/node/**'],
          setupFiles: ['./test/apply-migrations.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      './test/node/vitest.config.ts',
    ],
  },
});

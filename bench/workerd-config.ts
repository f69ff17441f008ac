import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/**
 * The vitest config of a benchmark that runs inside workerd: the `wrangler.toml` and `*.bench.ts`
 * files of its folder, with Flowflare's migrations passed in as `TEST_MIGRATIONS`.
 */
export async function workerdBenchConfig(folder: URL) {
  const root = new URL('..', import.meta.url);
  const migrations = await readD1Migrations(new URL('migrations', root).pathname);
  const name = folder.pathname.replace(/\/$/, '').split('/').at(-1);
  return defineConfig({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: new URL('wrangler.toml', folder).pathname },
        miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
      }),
    ],
    test: { include: [`bench/${name}/*.bench.ts`], root: root.pathname },
  });
}

import { defineProject } from 'vitest/config';

// The setup CLI's tests: Node-side, because they spawn the CLI and the real wrangler binary.
export default defineProject({
  test: {
    name: 'node',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/node/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    globalSetup: ['test/node/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});

import { defineProject } from 'vitest/config';

// End to end: the built-in dashboard and the React component in real Chromium against the
// example service under `wrangler dev`, and `npm run demo` itself. One file at a time: each drives
// a browser or a whole wrangler, and the machine has two cores.
export default defineProject({
  test: {
    name: 'e2e',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    // a worker count of its own requires a group of its own: after the workerd and node tests
    sequence: { groupOrder: 2 },
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});

import { defineProject } from 'vitest/config';

// The setup CLI's tests: Node-side, because they spawn the CLI and the real wrangler binary.
export default defineProject({
  test: {
    name: 'node',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/node/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // the tests mostly wait on child processes (the CLI, wrangler), so two files at a time fit 2 cores
    maxWorkers: 2,
    // a worker count of its own requires a group of its own: these run after the workerd tests
    sequence: { groupOrder: 1 },
    globalSetup: ['test/node/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});

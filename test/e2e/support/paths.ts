import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The example service project that `npm run demo` runs. */
export const EXAMPLES = `${REPO}examples`;
/** The package's static folder the example service's Static Assets serve (built by vitest.config.ts). */
export const STATIC = `${REPO}dist/static`;
/** Where screenshots go (gitignored). */
export const ARTIFACTS = `${REPO}test-artifacts`;
/** The API key the end-to-end service runs with. */
export const TEST_API_KEY = 'e2e-test-key';
/** The secret the end-to-end service signs alert webhooks with. */
export const TEST_WEBHOOK_SECRET = 'e2e-alert-webhook-secret';

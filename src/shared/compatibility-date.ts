/**
 * The Workers compatibility date Flowflare is built and tested with: the newest date that both the
 * pinned wrangler's workerd and the test runner's workerd support. Every config in this repository
 * uses it (a test checks), and `flowflare-setup` writes it into the configs it creates.
 */
export const COMPATIBILITY_DATE = '2026-11-02';

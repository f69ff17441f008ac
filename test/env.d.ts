import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      TEST_MIGRATIONS: D1Migration[];
      EMAIL_CAMPAIGN: Workflow;
      HELPERS: Workflow;
      DURABLE: Workflow;
      ORDER: Workflow;
      SEED_STYLE: Workflow;
      OUTAGE: Workflow;
    }
  }
}
export {};

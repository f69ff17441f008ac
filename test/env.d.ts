import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      TEST_MIGRATIONS: D1Migration[];
      EMAIL_CAMPAIGN: Workflow;
      HELPERS: Workflow;
      DURABLE: Workflow;
      CONTROL: Workflow;
      ORDER: Workflow;
      QUIET_ORDER: Workflow;
      SEED_STYLE: Workflow;
      PLAIN: Workflow;
      LIFECYCLE_EVENTS: Queue;
      ALERTS: Queue;
      ALERT_WEBHOOK_SECRET: string;
      SERVICE_API_KEY: string;
      SERVICE_API_KEY_PREVIOUS: string;
      RESTORE_DB: D1Database;
      /** Static Assets of the package's static folder (dist/static/). */
      ASSETS: Fetcher;
      ARCHIVE: R2Bucket;
      WORKFLOW_TRACKER: DurableObjectNamespace<import('../src/index.js').WorkflowTracker>;
      /** The separate client Worker, which reaches the service only through its service binding. */
      CLIENT_WORKER: Fetcher;
    }
    interface GlobalProps {
      mainModule: typeof import('./fixtures/worker.js');
      durableNamespaces: 'WorkflowTracker';
    }
  }
}
export {};

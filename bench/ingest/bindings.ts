import { applyD1Migrations, env } from 'cloudflare:test';
import { followerOf } from '../followers.js';

export { until } from '../followers.js';

/** The ingestion benchmarks' bindings (bench/ingest/wrangler.toml). */
export interface Bindings {
  DB: D1Database;
  TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1];
  INGEST_BENCH: Workflow;
  WORKFLOW_TRACKER: DurableObjectNamespace;
}

/** The bindings, typed. */
export const b = env as unknown as Bindings;

/** The follower of a run (its Durable Object). */
export const follower = (id: string) => followerOf(b.WORKFLOW_TRACKER, id);

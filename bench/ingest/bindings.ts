import { applyD1Migrations, env } from 'cloudflare:test';

/** The ingestion benchmarks' bindings (bench/ingest/wrangler.toml). */
export interface Bindings {
  DB: D1Database;
  TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1];
  INGEST_BENCH: Workflow;
  WORKFLOW_TRACKER: DurableObjectNamespace;
}

/** The bindings, typed. */
export const b = env as unknown as Bindings;

interface Follower {
  follow(request: { runId: string; workflowName: string; binding: string }): Promise<void>;
}

/** The follower of a run (its Durable Object). */
export const follower = (id: string) => b.WORKFLOW_TRACKER.get(b.WORKFLOW_TRACKER.idFromName(`follow:${id}`)) as unknown as Follower;

/** Polls `check` until it holds, for at most 5 minutes. */
export async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

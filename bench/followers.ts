/** What the workerd benchmarks ask of a run's follower (the `follow:<id>` tracker object). */
export interface Follower {
  follow(request: { runId: string; workflowName: string; binding: string }): Promise<void>;
}

/** The follower of a run, through the tracker namespace. */
export function followerOf(namespace: DurableObjectNamespace, runId: string): Follower {
  return namespace.get(namespace.idFromName(`follow:${runId}`)) as unknown as Follower;
}

/** Polls `check` every 5 ms until it holds; fails after five minutes, naming `what`. */
export async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

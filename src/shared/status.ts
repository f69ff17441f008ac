/** Statuses of a workflow run (and of a workflow: the status of its latest run). */
export const RUN_STATUSES = [
  'Pending',
  'Queued',
  'Running',
  'Sleeping',
  'Waiting',
  'Paused',
  'Completed',
  'Errored',
  'Terminated',
] as const;

/** Status of a workflow run. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses of a step. `Sleeping` and `Waiting` belong to sleep and waitForEvent steps. */
export const STEP_STATUSES = [
  'Pending',
  'Running',
  'Retrying',
  'Completed',
  'Failed',
  'Sleeping',
  'Waiting',
] as const;

/** Status of a step. */
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Outcome of one attempt of a step. */
export type AttemptStatus = 'Running' | 'Completed' | 'Failed';

/** Run statuses after which nothing more happens to a run unless it is restarted. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['Completed', 'Errored', 'Terminated'];

const INSTANCE_STATUS_MAP: Record<string, RunStatus> = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  waitingForPause: 'Paused',
  waiting: 'Waiting',
  errored: 'Errored',
  terminated: 'Terminated',
  complete: 'Completed',
  unknown: 'Pending',
};

/**
 * Maps a Cloudflare Workflows instance status (`complete`, `errored`, …) to a Flowflare run status.
 * @param status the `status` field of `InstanceStatus`
 */
export function runStatusFromInstance(status: string): RunStatus {
  return INSTANCE_STATUS_MAP[status] ?? 'Pending';
}

/**
 * Reads a run status the way users write it: `Completed`, `completed` or Cloudflare's `complete`.
 * @returns the canonical status, or `undefined` when the text names none
 */
export function parseRunStatus(value: string): RunStatus | undefined {
  const exact = RUN_STATUSES.find((s) => s.toLowerCase() === value.toLowerCase());
  return exact ?? INSTANCE_STATUS_MAP[value];
}

/**
 * Reads a step status case-insensitively.
 * @returns the canonical status, or `undefined` when the text names none
 */
export function parseStepStatus(value: string): StepStatus | undefined {
  return STEP_STATUSES.find((s) => s.toLowerCase() === value.toLowerCase());
}

import type { Statement } from '../store/statement.js';
import type { JsonObject } from '../shared/json.js';

/**
 * Asks a run's follower to follow the run's engine events into D1. Sent by the service when it
 * starts, controls or sends an event to a run, and by the tracking helpers (TrackedWorkflow's start
 * signal) with the facts the engine does not know. Repeating a request is harmless.
 */
export interface FollowRequest {
  runId: string;
  /** The workflow the run is recorded under if it has no record yet. */
  workflowName: string;
  /** The Workflow binding (in the service's `env`) that owns the instance. @default the upper-cased name */
  binding?: string;
  /** The run's input as it may be stored (JSON text, redacted by the sender), when the sender decides it. */
  input?: string | null;
  /** Run metadata from the sender. */
  metadata?: JsonObject | null;
  /** Business object of the run, from the sender. */
  ref_id?: string | null;
  ref_type?: string | null;
  /** The run this one retries, from the service. */
  retryOf?: string | null;
  /** Keep step and run outputs out of D1. @default 'all' */
  outputs?: 'all' | 'none';
  /** Largest JSON text stored per value. */
  maxJsonBytes?: number;
  /** A `waitForEvent` the run has just entered, with its deadline (the engine's event has none). */
  wait?: { stepName: string; stepCount: number; until: string | null };
  /** A step's output as it may be stored (JSON text), for an outputs policy applied by the sender. */
  stepOutput?: { stepName: string; stepCount: number; output: string | null };
  /** The run's output as it may be stored (JSON text), likewise. */
  runOutput?: string | null;
  /** Tracking writes D1 refused for now (a helper's), for the follower to write when it can. */
  statements?: Statement[];
}

/** The follower methods callers use on a `WorkflowTracker` stub. */
export interface FollowerStub {
  follow(request: FollowRequest): Promise<void>;
  sync(timeoutMs?: number): Promise<void>;
  restarted(): Promise<void>;
}

/** Name of the tracker object that follows one run. */
export function followerName(runId: string): string {
  return `follow:${runId}`;
}

/** The follower of a run, through `env.WORKFLOW_TRACKER`, or null when the binding is missing. */
export function followerOf(env: unknown, runId: string): FollowerStub | null {
  const ns = (env as { WORKFLOW_TRACKER?: DurableObjectNamespace } | null | undefined)?.WORKFLOW_TRACKER;
  if (!ns || typeof ns.idFromName !== 'function' || typeof ns.get !== 'function') return null;
  return ns.get(ns.idFromName(followerName(runId))) as unknown as FollowerStub;
}

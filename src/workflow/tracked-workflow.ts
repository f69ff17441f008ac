import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers';
import type { JsonObject } from '../shared/json.js';
import { DEFAULT_MAX_JSON_BYTES } from '../tracking/attempts.js';
import type { StorePolicy } from '../tracking/redact.js';
import { RunTracker } from '../tracking/run-tracker.js';
import { publisherFor } from '../realtime/publish.js';
import { isEngineAbort, requireDb, type TrackingEnv } from './guards.js';
import { trackedStep, type TrackedStep } from './tracked-step.js';

/** How a `TrackedWorkflow` records its runs; set as `static tracking = { … }` on the subclass. */
export interface TrackingOptions<Params = unknown> {
  /**
   * Name the runs are recorded under. Runs started through the service keep the name they were
   * started by. @default the class name without a trailing `Workflow`, in snake_case
   * (`EmailCampaignWorkflow` → `email_campaign`, the name its binding `EMAIL_CAMPAIGN` gives)
   */
  name?: string;
  /** What to store of the payload (`input_params`): `'all'`, `'none'` or a function that returns what to keep. @default 'all' */
  inputs?: StorePolicy<Params>;
  /** What to store of step results, received events and the run's output. @default 'all' */
  outputs?: StorePolicy<unknown>;
  /** Largest JSON text stored per value; longer values are replaced by a marker. @default 262144 (256 KiB) */
  maxJsonBytes?: number;
  /** Run metadata from the payload. @default `payload.metadata` when it is an object */
  metadata?: (payload: Params) => JsonObject | null | undefined;
}

type RunFn = (event: Readonly<WorkflowEvent<unknown>>, step: WorkflowStep) => Promise<unknown>;

const trackedPrototypes = new WeakMap<object, object>();

/**
 * A drop-in for Cloudflare's `WorkflowEntrypoint` that records every run, `step.do`, attempt, retry,
 * sleep and `waitForEvent` in D1, with no code in `run()`. Change `extends WorkflowEntrypoint` to
 * `extends TrackedWorkflow`; Workflows' own durable retries still do the retrying.
 *
 * The `step` given to `run()` behaves exactly like Cloudflare's and also carries `instanceId`.
 * Recording is replay-safe (a replayed `run()` adds no rows and no events) and never fails or slows
 * down a step beyond one bounded retry of a failed write.
 *
 * @example
 * export class EmailCampaignWorkflow extends TrackedWorkflow<Env, { ref_id: string; ref_type: string }> {
 *   static tracking = { inputs: ({ apiToken, ...rest }) => rest };
 *   async run(event, step) {
 *     const sent = await step.do('send-emails', () => send(event.payload));
 *     await step.sleep('cool-down', '1 hour');
 *     return sent;
 *   }
 * }
 */
export abstract class TrackedWorkflow<Env extends TrackingEnv = TrackingEnv, Params = unknown> extends WorkflowEntrypoint<Env, Params> {
  /** Tracking options of this workflow class. */
  static tracking?: TrackingOptions<never>;

  constructor(ctx: ExecutionContext, env: Env) {
    super(ctx, env);
    // Workflows calls run() on the instance; put a prototype in front of the subclass's own that
    // records around it, so that the subclass keeps writing a plain run().
    const own = Object.getPrototypeOf(this) as object;
    let tracked = trackedPrototypes.get(own);
    if (!tracked) {
      tracked = Object.create(own, {
        run: { value: trackedRun((own as { run: RunFn }).run), writable: true, configurable: true },
      }) as object;
      trackedPrototypes.set(own, tracked);
    }
    Object.setPrototypeOf(this, tracked);
  }

  abstract override run(event: Readonly<WorkflowEvent<Params>>, step: TrackedStep): Promise<unknown>;
}

function trackedRun(run: RunFn) {
  return async function (this: TrackedWorkflow, event: Readonly<WorkflowEvent<unknown>>, step: WorkflowStep): Promise<unknown> {
    const env = (this as unknown as { env: unknown }).env;
    const options = optionsOf(this);
    const tracker = new RunTracker(requireDb(env, 'TrackedWorkflow'), event.instanceId, {
      workflowName: options.name ?? defaultName(Object.getPrototypeOf(Object.getPrototypeOf(this)).constructor.name as string),
      inputs: (options.inputs ?? 'all') as StorePolicy<unknown>,
      outputs: options.outputs ?? 'all',
      maxJsonBytes: options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES,
      sink: publisherFor(env),
    });
    const payload = event.payload;
    tracker.start(payload, refsOf(payload), metadataOf(payload, options));
    let output: unknown;
    try {
      output = await run.call(this, event, trackedStep(step, tracker));
    } catch (error) {
      // Workflows stops an invocation it pauses or terminates by throwing into it; that is not
      // the run's failure.
      if (isEngineAbort(error)) await tracker.flush();
      else await tracker.fail(error);
      throw error;
    }
    await tracker.complete(output);
    return output;
  };
}

function optionsOf(instance: object): TrackingOptions<unknown> {
  const ctor = Object.getPrototypeOf(Object.getPrototypeOf(instance)).constructor as { tracking?: TrackingOptions<unknown> };
  return ctor.tracking ?? {};
}

/** `EmailCampaignWorkflow` → `email_campaign`. */
export function defaultName(className: string): string {
  const base = className.replace(/Workflow$/, '') || className;
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function refsOf(payload: unknown): { ref_id: string | null; ref_type: string | null } {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null);
  return { ref_id: text(p.ref_id), ref_type: text(p.ref_type) };
}

function metadataOf(payload: unknown, options: TrackingOptions<unknown>): JsonObject | null {
  if (options.metadata) {
    try {
      return options.metadata(payload) ?? null;
    } catch (error) {
      console.error('[flowflare] tracking.metadata threw; the run is recorded without metadata:', error);
      return null;
    }
  }
  const m = (payload as { metadata?: unknown } | null)?.metadata;
  return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as JsonObject) : null;
}

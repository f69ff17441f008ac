import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers';
import type { JsonObject } from '../shared/json.js';
import { DEFAULT_MAX_JSON_BYTES } from '../ingest/attempts.js';
import type { StorePolicy } from '../ingest/redact.js';
import { followerOf, type FollowRequest } from '../engine/follow-request.js';
import { TIMED_OUT, TRACKER_CALL_TIMEOUT_MS, withDeadline } from '../shared/deadline.js';
import { payloadFacts } from '../ingest/engine-changes.js';
import { storeValue } from '../ingest/redact.js';
import type { TrackingEnv } from './guards.js';
import { trackedStep, type StepSignals, type TrackedStep } from './tracked-step.js';

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
    const self = this as unknown as { env: unknown; ctx: ExecutionContext };
    const options = optionsOf(this);
    const runId = event.instanceId;
    const follower = followerOf(self.env, runId);
    if (!follower) warnUnfollowed();
    const maxJsonBytes = options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
    const outputs = options.outputs ?? 'all';
    const base = {
      runId,
      workflowName: options.name ?? defaultName(Object.getPrototypeOf(Object.getPrototypeOf(this)).constructor.name as string),
      // a function policy is applied here, to each value; the follower then stores no engine output
      outputs: outputs === 'all' ? ('all' as const) : ('none' as const),
      maxJsonBytes,
    };
    // Signals are never awaited: the run goes on whatever becomes of them (a replay sends them
    // again), and nothing is kept waiting on a follower that does not answer.
    const signal = (request: Partial<FollowRequest>) => {
      if (!follower) return;
      self.ctx.waitUntil(
        withDeadline(follower.follow({ ...base, ...request }), TRACKER_CALL_TIMEOUT_MS).then(
          (answer) => {
            if (answer === TIMED_OUT) console.error(`[flowflare] the follower of run ${runId} did not answer a signal within ${TRACKER_CALL_TIMEOUT_MS} ms`);
          },
          (error: unknown) => {
            console.error(`[flowflare] TrackedWorkflow could not signal the follower of run ${runId}:`, error);
          },
        ),
      );
    };
    const payload = event.payload;
    const refs = payloadFacts(payload);
    signal({
      input: storeValue(payload, (options.inputs ?? 'all') as StorePolicy<unknown>, maxJsonBytes),
      metadata: metadataOf(payload, options),
      ref_id: refs.ref_id,
      ref_type: refs.ref_type,
    });
    const custom = typeof outputs === 'function' ? outputs : null;
    const signals: StepSignals = {
      waiting: (stepName, stepCount, until) => signal({ wait: { stepName, stepCount, until: until?.toISOString() ?? null } }),
      resumed: () => signal({}),
      returned: (stepName, stepCount, value) => {
        if (custom) signal({ stepOutput: { stepName, stepCount, output: storeValue(value, custom, maxJsonBytes) } });
      },
      received: (stepName, stepCount, value) => {
        if (outputs !== 'none') signal({ stepOutput: { stepName, stepCount, output: storeValue(value, outputs, maxJsonBytes) } });
        else signal({});
      },
    };
    const output = await run.call(this, event, trackedStep(step, runId, signals));
    if (custom) signal({ runOutput: storeValue(output, custom, maxJsonBytes) });
    return output;
  };
}

let warned = false;
function warnUnfollowed(): void {
  if (warned) return;
  warned = true;
  console.warn(
    '[flowflare] TrackedWorkflow: this Worker has no WORKFLOW_TRACKER binding, so runs not started through the workflow service are not followed. Bind the WorkflowTracker Durable Object (npx flowflare-setup does it).',
  );
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

import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers';
import { TrackedWorkflow, trackDurableStep, type TrackedStep } from '../../src/workflow/index.js';

/** Steps per benchmark run. */
export const STEPS = 50;

/** D1 round trips (batch, run, all, first, raw) per run, read by the benchmark after the run. */
export const roundTrips = new Map<string, { n: number }>();

function counting(db: D1Database, counter: { n: number }): D1Database {
  const wrapStatement = (stmt: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'run' || prop === 'all' || prop === 'first' || prop === 'raw') {
          return (...args: unknown[]) => {
            counter.n++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        if (prop === 'bind') return (...args: unknown[]) => wrapStatement((value as (...a: unknown[]) => D1PreparedStatement).apply(target, args));
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          counter.n++;
          return target.batch(statements);
        };
      }
      if (prop === 'prepare') return (q: string) => wrapStatement(target.prepare(q));
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function countedEnv(env: Cloudflare.Env): { env: Cloudflare.Env; counter: { n: number } } {
  const counter = { n: 0 };
  return { env: { ...env, DB: counting(env.DB, counter) }, counter };
}

/** 50 no-op steps, no tracking. */
export class PlainBench extends WorkflowEntrypoint<Cloudflare.Env, object> {
  override async run(_event: WorkflowEvent<object>, step: WorkflowStep) {
    let sum = 0;
    for (let i = 0; i < STEPS; i++) sum += await step.do(`s${i}`, async () => i);
    return sum;
  }
}

/** The same steps in a TrackedWorkflow. */
export class TrackedBench extends TrackedWorkflow<Cloudflare.Env, object> {
  private readonly counter: { n: number };

  constructor(ctx: ExecutionContext, env: Cloudflare.Env) {
    const counted = countedEnv(env);
    super(ctx, counted.env);
    this.counter = counted.counter;
  }

  override async run(event: WorkflowEvent<object>, step: TrackedStep) {
    roundTrips.set(event.instanceId, this.counter);
    let sum = 0;
    for (let i = 0; i < STEPS; i++) sum += await step.do(`s${i}`, async () => i);
    return sum;
  }
}

/** The same steps through trackDurableStep (followed: the engine's events record them). */
export class DurableHelperBench extends WorkflowEntrypoint<Cloudflare.Env, object> {
  override async run(event: WorkflowEvent<object>, step: WorkflowStep) {
    const { env, counter } = countedEnv(this.env);
    roundTrips.set(event.instanceId, counter);
    let sum = 0;
    for (let i = 0; i < STEPS; i++) sum += await trackDurableStep(env, event.instanceId, step, `s${i}`, async () => i);
    return sum;
  }
}

import { followerOf } from '../engine/follow-request.js';
import { ValidationError } from '../shared/errors.js';
import { writeBatch } from '../store/batch.js';
import { archivedRuns } from '../store/archive.js';
import { deleteOldEvents, deleteRuns, runsUnchangedSince } from '../store/retention.js';
import { archiveRuns } from './archive.js';
import { durationMs } from '../workflow/duration.js';
import { workflowBindingName } from './bindings.js';
import type { ResolvedOptions } from './options.js';
import { alertMaintenance, type AlertMaintenance } from '../alerts/maintenance.js';
import type { FireEnv } from '../alerts/fire.js';

/** A duration (`'90 days'`, `'1 year'`, milliseconds), or `false`: keep for ever. */
export type Keep = string | number | false;

/**
 * How long finished runs (by outcome) and the live event log are kept, counted from a run's last
 * change (its end) and an event's time. A run that has not finished is never deleted.
 */
export interface RetentionPolicy {
  /** @default '90 days' */
  completed?: Keep;
  /** @default '1 year' */
  errored?: Keep;
  /** @default '1 year' */
  terminated?: Keep;
  /** The live event log (resume with `since`); runs keep their steps and attempts regardless. @default '30 days' */
  events?: Keep;
  /** A run not finished whose record has not changed for this long is checked against the engine. @default '15 minutes' */
  stalledAfter?: string | number;
}

/** The policy with its defaults applied, in milliseconds (`null`: keep for ever). */
export interface ResolvedRetention {
  Completed: number | null;
  Errored: number | null;
  Terminated: number | null;
  events: number | null;
  stalledAfter: number;
}

/** Defaults: generous, so that history outlives Cloudflare's (3 to 30 days) and the database does not fill. */
export const DEFAULT_RETENTION = { completed: '90 days', errored: '1 year', terminated: '1 year', events: '30 days', stalledAfter: '15 minutes' } as const;

/**
 * A duration option in milliseconds: `'24 hours'`, `'30 days'`, milliseconds.
 * @throws ValidationError naming the option for anything else
 */
export function positiveDuration(value: string | number, field: string): number {
  const ms = durationMs(value);
  if (ms === null || !Number.isFinite(ms) || ms <= 0) throw new ValidationError(`${field}: a duration such as '30 days', not ${JSON.stringify(value)}`);
  return ms;
}

function keepMs(value: Keep, field: string): number | null {
  return value === false ? null : positiveDuration(value, `retention.${field}`);
}

/** Applies the defaults and checks every duration (a bad one fails at startup, naming the field). */
export function resolveRetention(policy: RetentionPolicy = {}): ResolvedRetention {
  const p = { ...DEFAULT_RETENTION, ...policy };
  return {
    Completed: keepMs(p.completed, 'completed'),
    Errored: keepMs(p.errored, 'errored'),
    Terminated: keepMs(p.terminated, 'terminated'),
    events: keepMs(p.events, 'events'),
    stalledAfter: keepMs(p.stalledAfter, 'stalledAfter')!,
  };
}

/** Runs deleted per D1 batch: each batch is short, and one invocation that ends early loses nothing. */
const PRUNE_BATCH = 100;
/** Events deleted per statement. */
const EVENTS_BATCH = 1000;
/** Stalled runs checked per invocation, picked at random among them. */
const SWEEP_LIMIT = 200;
/** Finished statuses, each with its own retention. */
const FINISHED = ['Completed', 'Errored', 'Terminated'] as const;
/** Unfinished statuses the sweep checks; a paused run may rest for ever. */
const SWEPT: readonly string[] = ['Pending', 'Queued', 'Running', 'Sleeping', 'Waiting'];

function isBucket(value: unknown): value is R2Bucket {
  return typeof value === 'object' && value !== null && typeof (value as R2Bucket).put === 'function' && typeof (value as R2Bucket).list === 'function';
}

/** What one maintenance pass did. */
export interface MaintenanceReport {
  /** Finished runs deleted, by status. */
  pruned: Record<string, number>;
  /** Archive files written to R2 (`env.ARCHIVE`) before the runs in them were deleted. */
  archived: number;
  /** Events deleted from the live log. */
  events: number;
  /** Runs not finished, unchanged for too long, handed to their followers to be checked against the engine. */
  checked: number;
  /** False when the time budget ran out first (the next pass goes on where this one stopped). */
  complete: boolean;
  /** Stuck-run alerts fired and lost cooldown summaries sent (`null` when that part failed; it is logged). */
  alerts?: AlertMaintenance | null;
}

/**
 * One maintenance pass, as the `scheduled` handler runs it: deletes finished runs past their
 * retention (oldest first, in batches of 100, each batch one D1 transaction; with an R2 bucket
 * bound as `ARCHIVE`, each batch is archived there first and kept if R2 refuses it), trims the live event
 * log, and hands runs that have stalled to their followers, which ask the engine and repair the
 * record (a run the engine no longer knows is closed with the reason). It also fires stuck-run
 * alert rules as of `now`. Stops at `budgetMs`.
 * @param now the time the pass runs at (the scheduled time), epoch ms
 */
export async function runMaintenance(env: Record<string, unknown>, options: ResolvedOptions, now: number, budgetMs = 20_000): Promise<MaintenanceReport> {
  const db = env.DB as D1Database;
  const bucket = isBucket(env.ARCHIVE) ? env.ARCHIVE : null;
  const policy = options.retention;
  const deadline = Date.now() + budgetMs;
  const report: MaintenanceReport = { pruned: {}, archived: 0, events: 0, checked: 0, complete: true };
  const outOfTime = () => Date.now() > deadline && !(report.complete = false);

  // stuck-run rules first: they are about now, pruning can wait for the next pass
  report.alerts = await alertMaintenance(env as unknown as FireEnv, options.alerts, now).catch((error: unknown) => {
    console.error('[flowflare] the alerts part of maintenance failed; the next pass tries again:', error);
    return null;
  });

  for (const status of FINISHED) {
    const keep = policy[status];
    if (keep === null) continue;
    const before = new Date(now - keep).toISOString();
    for (;;) {
      if (outOfTime()) return report;
      const runs = await runsUnchangedSince(db, status, before, PRUNE_BATCH);
      if (runs.length === 0) break;
      if (bucket) {
        try {
          report.archived += (await archiveRuns(bucket, status, await archivedRuns(db, runs.map((r) => r.id)), now)).length;
        } catch (error) {
          // archive before delete: a run R2 did not take stays in D1 for the next pass
          console.error(`[flowflare] archiving ${status} runs to R2 failed; they are kept and archived on a later pass:`, error);
          report.complete = false;
          break;
        }
      }
      await writeBatch(db, deleteRuns(runs));
      report.pruned[status] = (report.pruned[status] ?? 0) + runs.length;
    }
  }

  if (policy.events !== null) {
    const before = new Date(now - policy.events).toISOString();
    for (;;) {
      if (outOfTime()) return report;
      const deleted = await deleteOldEvents(db, before, EVENTS_BATCH);
      report.events += deleted;
      if (deleted < EVENTS_BATCH) break;
    }
  }

  const stalledBefore = new Date(now - policy.stalledAfter).toISOString();
  for (const status of SWEPT) {
    if (outOfTime()) return report;
    // a sleeping or waiting run rests until its deadline (its follower wakes it then); past it, it has stalled
    const resting = status === 'Sleeping' || status === 'Waiting';
    const runs = await runsUnchangedSince(db, status, stalledBefore, SWEEP_LIMIT - report.checked, {
      dueBefore: resting ? new Date(now).toISOString() : undefined,
      shuffled: true,
    });
    await Promise.all(
      runs.map(async (run) => {
        const follower = followerOf(env, run.id);
        if (!follower) return;
        try {
          await follower.follow({ runId: run.id, workflowName: run.workflow_name, binding: workflowBindingName(run.workflow_name, options) });
          report.checked++;
        } catch (error) {
          console.error(`[flowflare] the follower of stalled run ${run.id} did not answer; the next pass tries again:`, error);
        }
      }),
    );
    if (report.checked >= SWEEP_LIMIT) break;
  }
  return report;
}

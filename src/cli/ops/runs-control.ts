import type { Command } from 'commander';
import * as z from 'zod/mini';
import type { ControlResult, JsonValue, StartResult, WorkflowClient } from '../../client/index.js';
import { FlowflareError, UserError } from '../../shared/errors.js';
import { Cancelled } from '../failure.js';
import { describeFilters, listFilters, parseFlags, withFilterFlags, type FilterFlags } from './filters.js';
import { explainServiceError, opsContext, withCommonFlags, type CommonFlags, type OpsContext, type OpsSession } from './context.js';
import { RUN_COLUMNS } from './runs-list.js';
import { renderTable } from './table.js';

/** An event to send, from `--type` and `--payload`. */
interface EventFlags {
  type: string;
  payload?: JsonValue;
}

/** One control action as the CLI offers it. */
interface Action {
  name: string;
  description: string;
  /** `Terminate 3 runs?` */
  verb: string;
  /** `terminated` */
  done: string;
  call(client: WorkflowClient, id: string, event?: EventFlags): Promise<ControlResult | StartResult>;
}

const ACTIONS: Action[] = [
  { name: 'retry', description: 'start an Errored or Terminated run again as a new run, with the same params', verb: 'Retry', done: 'retried', call: (c, id) => c.retryRun(id) },
  { name: 'terminate', description: 'terminate a run (the engine stops it for good)', verb: 'Terminate', done: 'terminated', call: (c, id) => c.terminateRun(id) },
  { name: 'pause', description: 'pause a run', verb: 'Pause', done: 'paused', call: (c, id) => c.pauseRun(id) },
  { name: 'resume', description: 'resume a paused run', verb: 'Resume', done: 'resumed', call: (c, id) => c.resumeRun(id) },
  { name: 'restart', description: 'restart a run from the beginning, under the same id', verb: 'Restart', done: 'restarted', call: (c, id) => c.restartRun(id) },
  {
    name: 'send-event',
    description: 'send an event to a run waiting in step.waitForEvent({ type })',
    verb: 'Send the event to',
    done: 'sent the event to',
    call: (c, id, event) => c.sendEvent(id, event!.type, event!.payload),
  },
];

/** Runs acted on at the same time in a bulk action. */
const CONCURRENCY = 4;

interface ControlFlags extends CommonFlags, FilterFlags {
  yes?: boolean;
  type?: string;
  payload?: string;
}

const eventSchema = z.object({
  type: z.string().check(z.minLength(1, 'required: the event type the run waits for')),
  payload: z.optional(
    z.pipe(
      z.string(),
      z.transform((text, ctx) => {
        try {
          return JSON.parse(text) as JsonValue;
        } catch (error) {
          ctx.issues.push({ code: 'custom', input: text, message: `not JSON (${(error as Error).message})` });
          return z.NEVER;
        }
      }),
    ),
  ),
});

/** What happened to one run of a bulk action. */
type Outcome = { id: string; ok: true; result: ControlResult | StartResult } | { id: string; ok: false; error: { code: string; message: string } };

/**
 * `flowflare runs retry|terminate|pause|resume|restart|send-event`: on one run by id, or on every run
 * the filters select after showing how many and asking (`--yes` asks nothing; with no terminal and
 * no `--yes` it refuses). Each failure is reported; the exit code is 1 when any run failed.
 */
export function runsControlCommands(runs: Command, session: OpsSession, setExit: (code: number) => void): void {
  for (const action of ACTIONS) {
    const command = withCommonFlags(withFilterFlags(runs.command(action.name).description(`${action.description}; one by id, or every run the filters select`)))
      .argument('[id]', 'the run id; or select runs with the filters')
      .option('-y, --yes', 'ask nothing: act on every run the filters select');
    if (action.name === 'send-event') {
      command.requiredOption('--type <type>', 'the event type the run waits for').option('--payload <json>', 'the event payload, as JSON');
    }
    command.action(async (id: string | undefined, flags: ControlFlags) => {
      const event = action.name === 'send-event' ? parseFlags(eventSchema, { type: flags.type, payload: flags.payload }) : undefined;
      const ctx = opsContext(session, flags);
      const filters = listFilters(flags);
      const filtered = Object.keys(filters).length > 0;
      if (id && filtered) throw new UserError(`Give a run id or filters, not both (flowflare runs ${action.name} ID, or --workflow/--status/… to select runs).`, { code: 'BAD_FLAG' });
      if (!id && !filtered) {
        throw new UserError(`Name a run (flowflare runs ${action.name} ID) or select runs with filters such as --workflow or --status (see --help).`, { code: 'BAD_FLAG' });
      }
      if (id) {
        const outcome = await act(ctx, action, id, event);
        if (!outcome.ok) throw explainServiceError(new FlowflareError(outcome.error.code, outcome.error.message), ctx.connection);
        report(ctx, action, [outcome], 1);
        return;
      }
      const selected = [];
      for await (const run of ctx.client.iterateRuns({ ...filters, limit: 100 })) selected.push(run);
      if (selected.length === 0) {
        if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ ok: true, action: action.name, selected: 0, succeeded: [], failed: [] }, null, 2)}\n`);
        else ctx.reporter.line(`No run matches (${describeFilters(filters)}); nothing to do.`);
        return;
      }
      const noun = `${selected.length} run${selected.length === 1 ? '' : 's'}`;
      ctx.reporter.line(`${noun} ${selected.length === 1 ? 'matches' : 'match'} (${describeFilters(filters)}):`);
      const shown = selected.slice(0, 20);
      for (const line of renderTable(RUN_COLUMNS, shown, ctx.width, (t, c) => ctx.reporter.paint(t, c))) ctx.reporter.line(line);
      if (selected.length > shown.length) ctx.reporter.line(`… and ${selected.length - shown.length} more`);
      await confirm(ctx, `${action.verb} ${noun}?`, flags.yes === true, `${action.name} the ${noun} the filters select`);
      const outcomes = await pool(selected.map((r) => r.id), (runId) => act(ctx, action, runId, event));
      report(ctx, action, outcomes, selected.length);
      if (outcomes.some((o) => !o.ok)) setExit(1);
    });
  }
}

async function act(ctx: OpsContext, action: Action, id: string, event: EventFlags | undefined): Promise<Outcome> {
  try {
    return { id, ok: true, result: await action.call(ctx.client, id, event) };
  } catch (error) {
    if (!(error instanceof FlowflareError)) throw error;
    return { id, ok: false, error: { code: error.code, message: error.message } };
  }
}

/** Asks before a bulk action; refuses without a terminal unless `--yes` was given. */
async function confirm(ctx: OpsContext, question: string, yes: boolean, what: string): Promise<void> {
  if (yes) return;
  const promptOutput = ctx.json ? ctx.io.stderr : ctx.io.stdout;
  if (ctx.io.stdin.isTTY !== true || promptOutput.isTTY !== true) {
    throw new UserError(`No terminal to confirm on: pass --yes to ${what}.`, { code: 'NOT_INTERACTIVE' });
  }
  let ok: boolean;
  try {
    // loaded only when there is something to ask: the prompt library is most of a start's cost
    const { inquirerPrompter } = await import('../prompts.js');
    ok = await inquirerPrompter(ctx.io.stdin, promptOutput).confirm(question, false);
  } catch (error) {
    if (error instanceof Cancelled) ok = false;
    else throw error;
  }
  if (!ok) throw new Cancelled('Cancelled; no run was changed.');
}

async function pool<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

function report(ctx: OpsContext, action: Action, outcomes: Outcome[], selected: number): void {
  const succeeded = outcomes.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
  const failed = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  if (ctx.json) {
    const body = {
      ok: failed.length === 0,
      action: action.name,
      selected,
      succeeded: succeeded.map((o) => ({ id: o.id, ...o.result })),
      failed: failed.map((o) => ({ id: o.id, error: o.error })),
    };
    return void ctx.io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  }
  for (const o of outcomes) {
    if (o.ok) {
      const after = 'workflowId' in o.result ? `as ${o.result.workflowId}` : `(now ${o.result.run.status})`;
      ctx.reporter.success(`${action.done} ${o.id} ${after}`);
    } else ctx.io.stderr.write(`✘ ${o.id}: ${o.error.message}\n`);
  }
  if (selected > 1) {
    const summary = `${action.verb}: ${succeeded.length} of ${selected} runs done${failed.length > 0 ? `, ${failed.length} failed` : ''}.`;
    if (failed.length > 0) ctx.io.stderr.write(`✘ ${summary}\n`);
    else ctx.reporter.line(summary);
  }
}

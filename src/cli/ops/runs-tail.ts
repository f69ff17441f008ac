import type { Command } from 'commander';
import * as z from 'zod/mini';
import type { EventRecord, TopicQuery } from '../../client/index.js';
import { subscribe } from '../../browser/subscribe.js';
import { UserError } from '../../shared/errors.js';
import { parseFlags, wholeNumber } from './filters.js';
import { opsContext, withCommonFlags, type CommonFlags, type OpsContext, type OpsSession } from './context.js';
import { statusColor, truncate } from './table.js';

interface TailFlags extends CommonFlags {
  run?: string;
  workflow?: string;
  ref?: string;
  since?: string;
}

/** Life of the subscription tokens tail mints; a new one is minted when one expires. */
const TOKEN_TTL_SECONDS = 3600;

const tailSchema = z.object({
  since: z.optional(wholeNumber(0, Number.MAX_SAFE_INTEGER)),
  ref: z.optional(z.string().check(z.regex(/^[^:]+:.+$/, 'TYPE:ID, such as order:o-123'))),
});

/** The topic the flags name: everything, one run, one workflow or one business object. */
function topicOf(flags: TailFlags): TopicQuery {
  const given = [flags.run, flags.workflow, flags.ref].filter((v) => v !== undefined);
  if (given.length > 1) throw new UserError('Follow one topic: --run, --workflow or --ref (or none for every run).', { code: 'BAD_FLAG' });
  if (flags.run) return { run_id: flags.run };
  if (flags.workflow) return { workflow: flags.workflow };
  if (flags.ref) {
    const at = flags.ref.indexOf(':');
    return { ref_type: flags.ref.slice(0, at), ref_id: flags.ref.slice(at + 1) };
  }
  return 'all';
}

const describeTopic = (topic: TopicQuery) =>
  topic === 'all' ? 'every run' : 'run_id' in topic ? `run ${topic.run_id}` : 'workflow' in topic ? `workflow ${topic.workflow}` : `${topic.ref_type}:${topic.ref_id}`;

/** One event as a line: its id and time, what changed and its status. */
function eventLine(ctx: OpsContext, event: EventRecord): string {
  const data = event.data as Record<string, unknown>;
  const status = typeof data.status === 'string' ? data.status : '';
  const what =
    event.kind === 'step'
      ? `${String(data.step_name)} ${status}${typeof data.attempts === 'number' && data.attempts > 1 ? ` (attempt ${data.attempts})` : ''}`
      : event.kind === 'control'
        ? `${String(data.action)}${status ? ` → ${status}` : ''}`
        : status;
  const text = `#${event.id}  ${event.created_at.slice(11, 19)}  ${event.kind.padEnd(7)}  ${event.run_id ?? ''}  ${event.workflow_name ?? ''}  ${what}`;
  const line = truncate(text, Number.isFinite(ctx.width) ? ctx.width : Number.MAX_SAFE_INTEGER);
  const color = statusColor(status);
  return color && line.endsWith(status) ? `${line.slice(0, -status.length)}${ctx.reporter.paint(status, color)}` : line;
}

/**
 * `flowflare runs tail`: follows runs live over the service's WebSocket with a subscription token
 * minted by the client, one line (or, with `--json`, one event as NDJSON) per change. A dropped
 * connection is resumed from the last event id: no gap, no duplicate. Ends on Ctrl+C.
 */
export function runsTailCommand(runs: Command, session: OpsSession): void {
  withCommonFlags(runs.command('tail').description('follow runs live: every change as it happens (Ctrl+C stops)'))
    .option('--run <id>', 'only this run')
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--ref <type:id>', 'only runs about this business object')
    .option('--since <event-id>', 'first replay the events after this id (the # of a line)')
    .action(async (flags: TailFlags) => {
      const { since } = parseFlags(tailSchema, { since: flags.since, ref: flags.ref });
      const topic = topicOf(flags);
      const ctx = opsContext(session, flags);
      const mint = async () => (await ctx.client.createSubscriptionToken(topic, TOKEN_TTL_SECONDS)).token;
      // the first token is minted here, so that a refused key fails at once instead of retrying
      const token = await mint();
      const note = (text: string, code: string) => ctx.io.stderr.write(`${ctx.reporter.paint(text, code)}\n`);
      let dropped = false;
      await new Promise<void>((resolve, reject) => {
        const subscription = subscribe({
          url: `${ctx.connection.url.replace(/^http/, 'ws')}/api/tracker-websocket`,
          token,
          getToken: mint,
          topic,
          since,
          onInitialData: (data) => note(`Following ${describeTopic(topic)}: ${data.runs.length} recent run${data.runs.length === 1 ? '' : 's'}, at event #${data.cursor}.`, '2'),
          onUpdate: (event) => ctx.io.stdout.write(`${ctx.json ? JSON.stringify(event) : eventLine(ctx, event)}\n`),
          onStatus: (status, detail) => {
            if (status === 'live' && dropped) note(`Reconnected: resumed after event #${subscription.cursor ?? '—'}.`, '32');
            dropped = status === 'reconnecting';
            if (status === 'reconnecting') note(`Connection lost (${detail ?? 'closed'}); reconnecting, to resume after event #${subscription?.cursor ?? '—'}…`, '33');
            if (status === 'unauthorized') {
              stop();
              reject(new UserError(`The service stopped the live connection: ${detail ?? 'unauthorized'}.`, { code: 'UNAUTHORIZED' }));
            }
          },
        });
        const stop = () => {
          process.off('SIGINT', interrupt);
          process.off('SIGTERM', interrupt);
          subscription.close();
        };
        const interrupt = () => {
          stop();
          resolve();
        };
        process.on('SIGINT', interrupt);
        process.on('SIGTERM', interrupt);
      });
    });
}

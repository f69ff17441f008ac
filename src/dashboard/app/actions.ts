import type { JsonValue } from '../../shared/json.js';
import type { RunStatus } from '../../shared/status.js';
import type { RunDetail } from '../../shared/types.js';
import { errorText, isUnauthorized } from './api.js';
import type { AppContext } from './context.js';
import { askForEvent, confirmAction } from './dialogs.js';
import { h } from './dom.js';
import { runHash } from './routes.js';

/** A control button: when it applies, what it asks, and what it does. */
interface Action {
  id: string;
  label: string;
  applies(status: RunStatus): boolean;
  danger?: boolean;
  run(ctx: AppContext, run: RunDetail): Promise<string | null>;
}

const LIVE: readonly RunStatus[] = ['Pending', 'Queued', 'Running', 'Sleeping', 'Waiting', 'Paused'];

/** An action that asks "are you sure?", then calls the service. */
function confirmed(
  id: string,
  label: string,
  applies: (status: RunStatus) => boolean,
  question: [title: string, detail: string],
  work: (ctx: AppContext, run: RunDetail) => Promise<string>,
  danger = false,
): Action {
  return {
    id,
    label,
    applies,
    danger,
    async run(ctx, run) {
      if (!(await confirmAction(question[0], question[1], label, danger))) return null;
      return work(ctx, run);
    },
  };
}

const ACTIONS: Action[] = [
  confirmed('pause', 'Pause', (s) => ['Queued', 'Running', 'Sleeping', 'Waiting'].includes(s), ['Pause this run?', 'It stops after its current step until it is resumed.'], async (ctx, run) => {
    await ctx.api.client.pauseRun(run.id);
    return 'Pause requested.';
  }),
  confirmed('resume', 'Resume', (s) => s === 'Paused', ['Resume this run?', 'It continues where it stopped.'], async (ctx, run) => {
    await ctx.api.client.resumeRun(run.id);
    return 'Resumed.';
  }),
  {
    id: 'event',
    label: 'Send event',
    applies: (s) => LIVE.includes(s),
    async run(ctx, run) {
      // the event form is its own confirmation: nothing is sent until "Send event"
      const event = await askForEvent(run.waiting_for ?? '');
      if (!event) return null;
      await ctx.api.client.sendEvent(run.id, event.type, event.payload as JsonValue);
      return `Event '${event.type}' sent.`;
    },
  },
  confirmed('restart', 'Restart', () => true, ['Restart this run?', 'It starts again from the beginning, under the same id.'], async (ctx, run) => {
    await ctx.api.client.restartRun(run.id);
    return 'Restarted.';
  }),
  confirmed('retry', 'Retry', (s) => s === 'Errored' || s === 'Terminated', ['Retry this run?', 'A new run starts with the same input, references and metadata.'], async (ctx, run) => {
    const started = await ctx.api.client.retryRun(run.id);
    location.hash = runHash(started.workflowId);
    return 'Started a new run.';
  }),
  confirmed(
    'terminate',
    'Terminate',
    (s) => LIVE.includes(s),
    ['Terminate this run?', 'It stops for good; it can be restarted or retried later.'],
    async (ctx, run) => {
      await ctx.api.client.terminateRun(run.id);
      return 'Terminated.';
    },
    true,
  ),
];

/**
 * The control buttons of a run. Each asks for confirmation first; the result shows up through
 * the live connection, so the page is never updated by hand.
 */
export function createActions(ctx: AppContext, current: () => RunDetail | null): { element: HTMLElement; update(status: RunStatus): void } {
  const buttons = ACTIONS.map((action) => {
    const button = h('button', { type: 'button', class: action.danger ? 'button button-danger' : 'button', 'data-action': action.id }, action.label);
    button.addEventListener('click', async () => {
      const run = current();
      if (!run) return;
      button.disabled = true;
      try {
        const done = await action.run(ctx, run);
        if (done) ctx.notify(done);
      } catch (error) {
        if (isUnauthorized(error)) ctx.signOut('The service refused the key.');
        else ctx.notify(`${action.label}: ${errorText(error)}`, 'error');
      } finally {
        button.disabled = !action.applies(current()?.status ?? run.status);
      }
    });
    return { action, button };
  });
  return {
    element: h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Run actions' }, buttons.map((b) => b.button)),
    update(status) {
      for (const { action, button } of buttons) button.disabled = !action.applies(status);
    },
  };
}

import { subscribe } from '../../browser/subscribe.js';
import { FINAL_RUN_STATUSES } from '../../shared/status.js';
import type { RunDetailResult } from '../../shared/api.js';
import type { RunDetail } from '../../shared/types.js';
import { createActions } from './actions.js';
import { can, errorText, isUnauthorized } from './api.js';
import { createAuditList } from './audit-list.js';
import { createRunAlerts } from './run-alerts.js';
import type { AppContext } from './context.js';
import { h, replaceChildren, type View } from './dom.js';
import { createJsonSection } from './json-section.js';
import { renderRunFacts } from './run-facts.js';
import { runHash } from './routes.js';
import { renderTimeline } from './timeline.js';

/**
 * One run: its facts, control buttons, step waterfall, and input, output and metadata as JSON,
 * kept live by a subscription to the run's topic.
 */
export function runView(ctx: AppContext, runId: string): View {
  let stored: RunDetailResult | null = null;
  let live: RunDetail | null = null;
  let disposed = false;

  const facts = h('header', { class: 'run-facts' }, h('p', { class: 'loading' }, 'Loading…'));
  const retryOf = h('a', { class: 'retry-of', hidden: true }, 'Open the run this one retries');
  const actions = createActions(ctx, () => current());
  const timeline = h('div', { class: 'timeline' });
  const input = createJsonSection('Input');
  const output = createJsonSection('Output');
  const metadata = createJsonSection('Metadata');
  const workflowMetadata = createJsonSection('Workflow metadata', false);
  const audit = createAuditList();
  const alerts = createRunAlerts(ctx, runId);
  const body = h(
    'div',
    { class: 'run-body', hidden: true },
    // a read key sees no control buttons: the service would refuse them
    can(ctx.api, 'operate') ? actions.element : null,
    alerts.element,
    h('section', { class: 'timeline-section', 'aria-label': 'Steps' }, h('h2', null, 'Steps'), timeline),
    h('section', { class: 'data-section', 'aria-label': 'Data' }, input.element, output.element, metadata.element, workflowMetadata.element),
    audit.element,
  );
  const element = h(
    'article',
    { class: 'run-view' },
    h('nav', { class: 'run-nav' }, h('a', { href: ctx.lastListHash(), class: 'back' }, '← All runs'), retryOf, alerts.badge),
    facts,
    body,
  );

  // The REST answer has the workflow; the live one is newer. Events carry no input, so keep it.
  function current(): RunDetail | null {
    if (!live) return stored;
    if (!stored) return live;
    return { ...live, workflow: stored.workflow, input_params: live.input_params ?? stored.input_params };
  }

  const render = () => {
    const run = current();
    if (!run || disposed) return;
    body.hidden = false;
    renderRunFacts(facts, run);
    retryOf.hidden = !run.retry_of;
    if (run.retry_of) retryOf.href = runHash(run.retry_of);
    actions.update(run.status);
    renderTimeline(timeline, run);
    input.set(run.input_params);
    output.set(run.output_result);
    metadata.set(run.metadata);
    workflowMetadata.set(run.workflow?.metadata ?? null);
    if (stored) audit.set(stored.audit);
  };

  const load = () =>
    ctx.api.client.getRun(runId).then(
      (run) => {
        stored = run;
        render();
      },
      (error: unknown) => {
        if (disposed) return;
        if (isUnauthorized(error)) return ctx.signOut('The service refused the key.');
        replaceChildren(facts, h('p', { class: 'form-error', role: 'alert' }, errorText(error)));
      },
    );
  void load();
  // The audit trail is not in live events: read the run again when its status changes.
  let lastStatus: string | null = null;

  const topic = { run_id: runId };
  const subscription = subscribe({
    url: ctx.api.websocketUrl,
    topic,
    getToken: () => ctx.api.token(topic),
    onInitialData: (_data, runs) => {
      alerts.load();
      live = runs.find((r) => r.id === runId) ?? live;
      render();
    },
    onUpdate: (event, runs) => {
      if (event.run_id !== runId || alerts.apply(event)) return;
      live = runs.find((r) => r.id === runId) ?? live;
      render();
      if (live && live.status !== lastStatus) {
        lastStatus = live.status;
        void load();
      }
    },
    onStatus: (status, detail) => ctx.setConnection(status, detail),
  });
  // Bars of running steps and "in 12 s" deadlines move on while the page is open.
  const ticker = setInterval(() => {
    const run = current();
    if (run && !FINAL_RUN_STATUSES.includes(run.status)) {
      renderTimeline(timeline, run);
      renderRunFacts(facts, run);
    }
  }, 1000);

  return {
    element,
    dispose() {
      disposed = true;
      subscription.close();
      clearInterval(ticker);
      alerts.dispose();
    },
  };
}

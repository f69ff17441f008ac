// The demo's traffic: starts example runs through the service's REST API, one every interval, in
// turn, and answers every other approval by itself (the rest wait for someone on the dashboard).

/** What the demo starts, in turn; `n` counts the runs started so far. */
const KINDS = [
  (n) => ({
    workflow: 'email_campaign',
    ref_type: 'campaign',
    ref_id: `campaign-${100 + n}`,
    params: { recipients: ['ana@example.com', 'bo@example.com', 'cy@example.com'].slice(0, 1 + (n % 3)), subject: `Newsletter #${n}`, body: 'Hello!' },
    metadata: { triggeredBy: 'demo', source: 'npm run demo' },
  }),
  (n) => ({
    workflow: 'order',
    ref_type: 'order',
    ref_id: `order-${1000 + n}`,
    // every fifth order keeps being declined until its retries run out
    params: { items: [{ sku: 'tea', quantity: 1 + (n % 4) }], failPayments: n % 5 === 1 ? 9 : n % 3, cardToken: 'tok_demo_secret' },
  }),
  (n) => ({
    workflow: 'approval',
    ref_type: 'expense',
    ref_id: `expense-${n}`,
    params: { amount: 50 * (1 + (n % 7)), requestedBy: ['ana', 'bo', 'cy'][n % 3] },
  }),
  () => ({ workflow: 'nightly_report', params: { sleepSeconds: 45 } }),
];

/** Milliseconds an approval waits before the demo answers it itself. */
const AUTO_APPROVE_AFTER_MS = 15_000;

/** Starts example runs through the REST API on a timer, and answers some approvals. */
export class DemoTraffic {
  /** @param {{ url: string, apiKey: string, log: (line: string) => void, maxRuns?: number }} options */
  constructor({ url, apiKey, log, maxRuns = 200 }) {
    this.url = url;
    this.apiKey = apiKey;
    this.log = log;
    this.maxRuns = maxRuns;
    this.started = 0;
    this.pendingApprovals = [];
    this.timer = null;
  }

  /** Starts a run now, then one every `intervalMs`. */
  start(intervalMs) {
    const tick = () => void this.tick().catch((error) => this.log(`! ${error.message}`));
    tick();
    this.timer = setInterval(tick, intervalMs);
  }

  /** Stops starting runs (the service keeps running). */
  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Answers the approvals that are due, then starts the next run in turn. */
  async tick() {
    await this.approveDue();
    if (this.started >= this.maxRuns) {
      if (this.started === this.maxRuns) this.log(`Started ${this.maxRuns} runs; starting no more (the service keeps running).`);
      this.started += 1;
      return;
    }
    const n = this.started;
    this.started += 1;
    const body = KINDS[n % KINDS.length](Math.floor(n / KINDS.length));
    const { workflowId } = await this.call('POST', '/api/runs', body);
    const ref = body.ref_type ? `${body.ref_type}:${body.ref_id}` : '';
    this.log(`+ ${body.workflow.padEnd(15)} ${workflowId.slice(0, 8)}  ${ref}`);
    if (body.workflow === 'approval' && Math.floor(n / KINDS.length) % 2 === 0) {
      this.pendingApprovals.push({ id: workflowId, due: Date.now() + AUTO_APPROVE_AFTER_MS });
    }
  }

  async approveDue() {
    const now = Date.now();
    const due = this.pendingApprovals.filter((a) => a.due <= now);
    this.pendingApprovals = this.pendingApprovals.filter((a) => a.due > now);
    for (const { id } of due) {
      try {
        await this.call('POST', `/api/runs/${id}/events`, { type: 'approval', payload: { approved: true, by: 'demo' } });
        this.log(`✓ approved       ${id.slice(0, 8)}`);
      } catch (error) {
        this.log(`! could not approve ${id.slice(0, 8)}: ${error.message}`);
      }
    }
  }

  async call(method, path, body) {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.apiKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => null);
    if (!response.ok) throw new Error(json?.error?.message ?? `${method} ${path} answered ${response.status}`);
    return json;
  }
}

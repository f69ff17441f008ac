import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowClient, type EventRecord, type MetricsReport, type RunDetailResult, type RunRecord, type RunStatus } from '../../src/client/index.js';
// @ts-expect-error: plain JavaScript helper shared with `npm run demo`
import { applyLocalMigrations, freePort, startWranglerDev, WRANGLER, wranglerEnv } from '../../scripts/lib/local-wrangler.mjs';
import { REPO } from './support/project.js';
import { TerminalSession } from './support/pty.js';

const OPS_BIN = join(REPO, 'bin', 'flowflare.js');
const EXAMPLES = join(REPO, 'examples');
const KEY = 'ops-cli-key';
const execFileAsync = promisify(execFile);

let state: string;
let dir: string;
let port: number;
let service: { url: string; stop: () => Promise<void> };
let client: WorkflowClient;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'flowflare-ops-'));
  dir = mkdtempSync(join(tmpdir(), 'flowflare-ops-cwd-'));
  await applyLocalMigrations({ cwd: EXAMPLES, stateDir: state });
  port = await freePort();
  service = await startWranglerDev({ cwd: EXAMPLES, port, stateDir: state, vars: { SERVICE_API_KEY: KEY }, apiKey: KEY });
  client = new WorkflowClient({ baseUrl: service.url, apiKey: KEY });
}, 90_000);

afterAll(async () => {
  await service?.stop();
  rmSync(state, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `flowflare …` as a user would, without a terminal; the service comes from flags unless `env`/`cwd` say otherwise. */
async function ops(args: string[], options: { env?: Record<string, string>; cwd?: string; connect?: boolean } = {}): Promise<Result> {
  const connection = options.connect === false ? [] : ['--url', service.url, '--key', KEY];
  const env = { ...process.env, NO_COLOR: '1', FLOWFLARE_URL: '', FLOWFLARE_API_KEY: '', COLUMNS: '', ...options.env };
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [OPS_BIN, ...args, ...connection], { cwd: options.cwd ?? dir, env, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Polls until a run reaches one of `statuses`. */
async function until(id: string, statuses: RunStatus[], timeoutMs = 30_000): Promise<RunDetailResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.getRun(id);
    if (statuses.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} is ${run.status}, not ${statuses.join('/')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The engine's own status of an instance, asked of `wrangler workflows instances describe --local`. */
async function engineStatus(workflow: string, id: string): Promise<string> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [WRANGLER, 'workflows', 'instances', 'describe', workflow, id, '--local', '--port', String(port), '--json'],
    { cwd: EXAMPLES, env: wranglerEnv(), maxBuffer: 1 << 24 },
  );
  return (JSON.parse(stdout) as { status: string }).status;
}

const approval = (ref: string, metadata: Record<string, string>) =>
  client.startWorkflow('approval', { amount: 100, requestedBy: 'ana' }, ref, 'request', metadata).then((r) => r.workflowId);

describe('flowflare runs list, show, workflows list and export, against wrangler dev', () => {
  let approvals: string[];
  let order: string;

  beforeAll(async () => {
    approvals = [];
    for (let i = 0; i < 3; i++) approvals.push(await approval(`req-${i}`, { team: i === 1 ? 'blue' : 'red' }));
    order = (await client.startWorkflow('order', { items: [{ sku: 'x', quantity: 1 }], failPayments: 1 }, 'o-1', 'order')).workflowId;
    await Promise.all([...approvals.map((id) => until(id, ['Waiting'])), until(order, ['Completed'])]);
  }, 60_000);

  it('lists runs with the filters of GET /api/runs, as stable JSON', async () => {
    const byWorkflow = await ops(['runs', 'list', '--workflow', 'approval', '--json']);
    expect(byWorkflow.code, byWorkflow.stderr).toBe(0);
    const page = JSON.parse(byWorkflow.stdout) as { data: RunRecord[]; next_cursor: string | null };
    expect(page.data.map((r) => r.id).sort()).toEqual([...approvals].sort());
    expect(page.data.every((r) => r.status === 'Waiting')).toBe(true);
    expect(page.next_cursor).toBeNull();

    const byRef = JSON.parse((await ops(['runs', 'list', '--ref-type', 'request', '--ref-id', 'req-1', '--json'])).stdout) as { data: RunRecord[] };
    expect(byRef.data.map((r) => r.id)).toEqual([approvals[1]]);
    const byMetadata = JSON.parse((await ops(['runs', 'list', '--metadata-key', 'team', '--metadata-value', 'red', '--json'])).stdout) as { data: RunRecord[] };
    expect(byMetadata.data.map((r) => r.id).sort()).toEqual([approvals[0], approvals[2]].sort());
    const byStatus = JSON.parse((await ops(['runs', 'list', '--status', 'completed', '--json'])).stdout) as { data: RunRecord[] };
    expect(byStatus.data.map((r) => r.id)).toContain(order);
    expect(byStatus.data.every((r) => r.status === 'Completed')).toBe(true);
    const future = JSON.parse((await ops(['runs', 'list', '--since', '2999-01-01', '--json'])).stdout) as { data: RunRecord[] };
    expect(future.data).toEqual([]);

    // paging: a page and its cursor give what --all gives, newest first
    const all = (JSON.parse((await ops(['runs', 'list', '--all', '--limit', '2', '--json'])).stdout) as { data: RunRecord[]; next_cursor: null });
    expect(all.next_cursor).toBeNull();
    const first = JSON.parse((await ops(['runs', 'list', '--limit', '2', '--json'])).stdout) as { data: RunRecord[]; next_cursor: string };
    expect(first.data).toHaveLength(2);
    const rest = JSON.parse((await ops(['runs', 'list', '--cursor', first.next_cursor, '--limit', '100', '--json'])).stdout) as { data: RunRecord[] };
    expect([...first.data, ...rest.data].map((r) => r.id)).toEqual(all.data.map((r) => r.id));
    expect(all.data.map((r) => r.id)).toEqual((await client.listRuns({ limit: 100 })).data.map((r) => r.id));

    const bad = await ops(['runs', 'list', '--status', 'Bogus']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^✘ GET \/api\/runs: status: 'Bogus' is not a run status/);
    const badLimit = await ops(['runs', 'list', '--limit', '500']);
    expect(badLimit.stderr).toBe('✘ --limit: at most 100\n');
  });

  it('prints a table that fits the terminal width, cutting cells with an ellipsis, colourless off a terminal', async () => {
    const wide = await ops(['runs', 'list', '--workflow', 'approval']);
    const wideLines = wide.stdout.trimEnd().split('\n');
    expect(wideLines[0]).toMatch(/^ID +WORKFLOW +STATUS +REF +CREATED +TOOK$/);
    for (const id of approvals) expect(wide.stdout).toContain(id);
    expect(wide.stderr).toBe('3 runs\n');

    const narrow = await ops(['runs', 'list', '--workflow', 'approval'], { env: { COLUMNS: '60' } });
    const lines = narrow.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    for (const line of lines.slice(1)) expect(line).toMatch(/^[0-9a-f]{8}-…\s+approval\s+Waiting/);
    expect(narrow.stdout).not.toMatch(/\x1b\[/);
  });

  it('shows a run: its facts, a waterfall line per step scaled to the width, the failed attempt and its error', async () => {
    const shown = await ops(['runs', 'show', order], { env: { COLUMNS: '90' } });
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(90);
    expect(lines[0]).toBe(`Run          ${order}`);
    expect(shown.stdout).toMatch(/^Status +Completed$/m);
    expect(shown.stdout).toMatch(/^Ref +order:o-1$/m);
    const stepLine = (name: string) => lines.find((l) => new RegExp(`^\\d\\. ${name} `).test(l));
    for (const name of ['reserve-stock', 'charge-card', 'ship']) {
      const line = stepLine(name);
      expect(line, shown.stdout).toMatch(/█.*Completed +\d/);
      // each bar is on the run's axis: every step line is laid out to the same width
      expect([...line!].length).toBe([...stepLine('reserve-stock')!].length);
    }
    // the declined payment: a failed attempt, then the wait before the retry, then the success
    expect(stepLine('charge-card')).toMatch(/▓·+.*█/);
    expect(shown.stdout).toMatch(/attempt 1: Failed after .* — Error: card declined/);
    expect(shown.stdout).toMatch(/attempt 2: Completed/);
    // the steps run one after another: each bar starts where the previous one ended or later
    const startOf = (name: string) => stepLine(name)!.search(/[█▓▒░]/);
    expect(startOf('reserve-stock')).toBeLessThanOrEqual(startOf('charge-card'));
    expect(startOf('charge-card')).toBeLessThan(startOf('ship'));

    const json = await ops(['runs', 'show', order, '--json']);
    const detail = JSON.parse(json.stdout) as RunDetailResult;
    expect(detail.steps.map((s) => [s.step_name, s.status, s.attempt_history.length])).toEqual([
      ['reserve-stock', 'Completed', 1],
      ['charge-card', 'Completed', 2],
      ['ship', 'Completed', 1],
    ]);

    const missing = await ops(['runs', 'show', 'no-such-run']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("✘ Unknown run 'no-such-run'.\n");
  });

  it('prints the metrics of a range: the same report as GET /api/metrics, as a summary, sparklines and a step table', async () => {
    const json = await ops(['metrics', '--workflow', 'order', '--range', '1h', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as MetricsReport;
    expect(report.bucket).toBe('minute');
    expect(report.series).toHaveLength(60);
    expect(report.totals).toMatchObject({ completed: 1, errored: 0, terminated: 0, success_rate: 1 });
    const charge = report.steps.find((s) => s.step === 'charge-card');
    expect(charge).toMatchObject({ workflow: 'order', count: 1, attempts: 2, retries: 1 });
    const direct = await client.getMetrics({ workflow: 'order', from: report.from, to: report.to, bucket: 'minute' });
    expect(direct.totals).toEqual(report.totals);

    const text = await ops(['metrics', '--workflow', 'order', '--range', '1h'], { env: { COLUMNS: '80' } });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    const short = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    expect(lines[0]).toBe(`Runs ${short(report.from)} → ${short(report.to)}, per minute (workflow order)`);
    expect(text.stdout).toMatch(/Started \d+ {2}· {2}Completed 1 {2}· {2}Errored 0/);
    expect(text.stdout).toMatch(/Duration p50 \d/);
    expect(text.stdout).toMatch(/Success rate 100 %/);
    // one bar for the minute the order finished in, blank elsewhere
    expect(lines.find((l) => l.startsWith('Finished'))!.replace(/^Finished {2}/, '').trim()).toMatch(/^[▁-█]$/);
    expect(text.stdout).toMatch(/^WORKFLOW +STEP +RUNS +ERRORED +RETRIES +P50 +P95 +P99$/m);
    expect(text.stdout).toMatch(/^order +charge-card +1 +0 +1 /m);

    const bad = await ops(['metrics', '--range', '2w']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('✘ --range: one of 1h, 24h, 7d, 30d\n');
  });

  it('lists workflows and exports runs as NDJSON to stdout or a file', async () => {
    const workflows = JSON.parse((await ops(['workflows', 'list', '--workflow', 'approval', '--json'])).stdout) as { data: { name: string; ref_id: string }[] };
    expect(workflows.data.map((w) => w.ref_id).sort()).toEqual(['req-0', 'req-1', 'req-2']);

    const out = join(dir, 'approvals.ndjson');
    const toFile = await ops(['export', '--workflow', 'approval', '--out', out]);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(toFile.stderr).toBe(`Exported 3 runs to ${out}.\n`);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { format: string; run: { id: string } });
    expect(lines.map((l) => l.format)).toEqual(['flowflare.run.v1', 'flowflare.run.v1', 'flowflare.run.v1']);
    expect(lines.map((l) => l.run.id).sort()).toEqual([...approvals].sort());
    const toStdout = await ops(['export', '--workflow', 'approval']);
    expect(toStdout.stdout).toBe(readFileSync(out, 'utf8'));
  });
});

describe('flowflare runs <action> on a filtered set', () => {
  it('refuses without --yes off a terminal, then terminates every selected run (as the engine confirms) and reports per-run failures', async () => {
    const batch = await Promise.all([0, 1, 2].map((i) => approval(`bulk-${i}`, { batch: 'b1' })));
    const other = await approval('bulk-other', { batch: 'b2' });
    await Promise.all([...batch, other].map((id) => until(id, ['Waiting'])));
    const select = ['--workflow', 'approval', '--metadata-key', 'batch', '--metadata-value', 'b1'];

    const refused = await ops(['runs', 'terminate', ...select]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('✘ No terminal to confirm on: pass --yes to terminate the 3 runs the filters select.\n');
    expect(refused.stdout).toContain('3 runs match (workflow approval, metadata_key batch, metadata_value b1):');
    const before = await Promise.all(batch.map((id) => engineStatus('approval', id)));
    expect(before.every((status) => status !== 'terminated')).toBe(true);

    const done = await ops(['runs', 'terminate', ...select, '--yes', '--json']);
    expect(done.code, done.stderr).toBe(0);
    const body = JSON.parse(done.stdout) as { ok: boolean; selected: number; succeeded: { id: string }[]; failed: unknown[] };
    expect(body).toMatchObject({ ok: true, action: 'terminate', selected: 3, failed: [] });
    expect(body.succeeded.map((s) => s.id).sort()).toEqual([...batch].sort());
    const after = await Promise.all([...batch, other].map((id) => engineStatus('approval', id)));
    expect(after.slice(0, 3)).toEqual(['terminated', 'terminated', 'terminated']);
    expect(after[3]).not.toBe('terminated');
    for (const id of batch) expect((await until(id, ['Terminated'])).status).toBe('Terminated');

    // again: the engine refuses each one, and the command says so for each, exiting 1
    const again = await ops(['runs', 'terminate', ...select, '--yes']);
    expect(again.code).toBe(1);
    for (const id of batch) expect(again.stderr).toContain(`✘ ${id}: Cannot terminate run '${id}': it has finished (Cloudflare Workflows reports it terminated).`);
    expect(again.stderr).toContain('✘ Terminate: 0 of 3 runs done, 3 failed.');

    // one run by id, and an event to a waiting run
    const sent = await ops(['runs', 'send-event', other, '--type', 'approval', '--payload', '{"approved":true,"by":"ops"}']);
    expect(sent.code, sent.stderr).toBe(0);
    const finished = await until(other, ['Completed']);
    expect(finished.output_result).toMatchObject({ booked: { booked: true, by: 'ops' } });
    const badPayload = await ops(['runs', 'send-event', other, '--type', 'approval', '--payload', '{nope']);
    expect(badPayload.code).toBe(1);
    expect(badPayload.stderr).toMatch(/^✘ --payload: not JSON/);
    const both = await ops(['runs', 'pause', other, '--workflow', 'approval']);
    expect(both.stderr).toMatch(/^✘ Give a run id or filters, not both/);
  });

  it('asks on a terminal, in colour, and changes nothing when the answer is no', async () => {
    const id = await approval('tty-1', { batch: 'tty' });
    await until(id, ['Waiting']);
    const env = { ...process.env, FLOWFLARE_URL: service.url, FLOWFLARE_API_KEY: KEY, NO_COLOR: '' };
    const session = new TerminalSession(['runs', 'terminate', '--metadata-key', 'batch', '--metadata-value', 'tty'], dir, env, OPS_BIN);
    await session.waitFor('Terminate 1 run?');
    expect(session.raw).toMatch(/\x1b\[33mWaiting/);
    session.type('n\r');
    expect(await session.exitCode()).toBe(0);
    expect(session.screen).toContain('Cancelled; no run was changed.');
    expect(await engineStatus('approval', id)).not.toBe('terminated');
    expect((await client.getRun(id)).status).toBe('Waiting');

    const plain = new TerminalSession(['runs', 'list', '--metadata-key', 'batch', '--metadata-value', 'tty'], dir, { ...env, NO_COLOR: '1' }, OPS_BIN);
    expect(await plain.exitCode()).toBe(0);
    expect(plain.screen).toContain(id);
    expect(plain.raw).not.toMatch(/\x1b\[3\dm/);
  });
});

/** A TCP relay to the service that can cut every connection and refuse new ones for a while. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private down = false;
  port = 0;

  async start(target: number): Promise<void> {
    this.port = await freePort();
    this.server = createServer((socket) => {
      if (this.down) return void socket.destroy();
      const upstream = connect(target, '127.0.0.1');
      for (const s of [socket, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      socket.pipe(upstream).pipe(socket);
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Cuts every open connection and refuses new ones until {@link restore}. */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** `flowflare runs tail --json` running in the background, its events as they arrive. */
class Tail {
  readonly events: EventRecord[] = [];
  readonly lines: string[] = [];
  stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  /** @param json false: read the lines people read instead of the NDJSON events */
  constructor(args: string[], json = true) {
    const flags = json ? ['--json', ...args] : args;
    this.child = spawn(process.execPath, [OPS_BIN, 'runs', 'tail', ...flags], { cwd: dir, env: { ...process.env, NO_COLOR: '1', COLUMNS: '' } });
    let rest = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (!line.trim()) continue;
        this.lines.push(line);
        if (json) this.events.push(JSON.parse(line) as EventRecord);
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.on('close', resolve));
  }

  async waitFor(what: string, test: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`tail: ${what} did not happen; stderr:\n${this.stderr}\nevents: ${JSON.stringify(this.events.map((e) => e.id))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ends it as Ctrl+C does; resolves to the exit code. */
  async stop(): Promise<number | null> {
    this.child.kill('SIGINT');
    return this.exited;
  }
}

/** The events of the log after `since`, as a socket resuming from it is sent them, up to `lastId`. */
async function logAfter(since: number, lastId: number): Promise<number[]> {
  const { token } = await client.createSubscriptionToken('all');
  const ws = new WebSocket(`${service.url.replace('http', 'ws')}/api/tracker-websocket?since=${since}&token=${token}`, ['flowflare']);
  const ids: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the log replay stopped at ${ids.at(-1)}`)), 20_000);
    ws.addEventListener('message', (message) => {
      const parsed = JSON.parse(String(message.data)) as { type: string; data: EventRecord };
      if (parsed.type !== 'update') return;
      ids.push(parsed.data.id);
      if (parsed.data.id >= lastId) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  ws.close();
  return ids;
}

describe('flowflare runs tail', () => {
  it('prints live events, and after the connection drops resumes from the last event: no gap, no duplicate', async () => {
    const relay = new Relay();
    await relay.start(port);
    const tail = new Tail(['--url', `http://127.0.0.1:${relay.port}`, '--key', KEY]);
    try {
      await tail.waitFor('the live connection', () => tail.stderr.includes('Following every run'));
      const first = (await client.startWorkflow('order', { items: [{ sku: 'a', quantity: 1 }], failPayments: 0 }, 'tail-1', 'order')).workflowId;
      await tail.waitFor('the first run completing', () => tail.events.some((e) => e.run_id === first && e.kind === 'run' && e.data.status === 'Completed'));

      // the connection drops; meanwhile another run starts and finishes
      relay.cut();
      await tail.waitFor('the drop being noticed', () => tail.stderr.includes('Connection lost'));
      const missed = (await client.startWorkflow('order', { items: [{ sku: 'b', quantity: 1 }], failPayments: 0 }, 'tail-2', 'order')).workflowId;
      await until(missed, ['Completed']);
      await new Promise((r) => setTimeout(r, 500));
      relay.restore();

      await tail.waitFor('the missed run after the resume', () => tail.events.some((e) => e.run_id === missed && e.kind === 'run' && e.data.status === 'Completed'), 45_000);
      expect(tail.stderr).toMatch(/Reconnected: resumed after event #\d+\./);
      const ids = tail.events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      // exactly the events the log holds from the first one tail printed to the last
      expect(ids).toEqual(await logAfter(ids[0]! - 1, ids.at(-1)!));
      expect(tail.events.filter((e) => e.run_id === missed && e.kind === 'step').map((e) => e.data.step_name)).toEqual(
        expect.arrayContaining(['reserve-stock', 'charge-card', 'ship']),
      );
      expect(await tail.stop()).toBe(0);
    } finally {
      await tail.stop();
      await relay.stop();
    }
  });

  it('follows one run only with --run, a line per change', async () => {
    const id = await approval('tail-run', { batch: 'tail' });
    const other = await approval('tail-other', { batch: 'tail' });
    await Promise.all([until(id, ['Waiting']), until(other, ['Waiting'])]);
    const tail = new Tail(['--run', id, '--url', service.url, '--key', KEY], false);
    try {
      await tail.waitFor('the live connection', () => tail.stderr.includes(`Following run ${id}`));
      await client.terminateRun(other);
      await client.terminateRun(id);
      const terminated = new RegExp(`^#\\d+  \\d\\d:\\d\\d:\\d\\d  run      ${id}  approval  Terminated$`);
      await tail.waitFor('the terminated run', () => tail.lines.some((l) => terminated.test(l)));
      await new Promise((r) => setTimeout(r, 500));
      // every line is about this run: its id is in each, the other run's in none
      expect(tail.lines.every((l) => l.includes(id) && !l.includes(other)), tail.lines.join('\n')).toBe(true);
      expect(tail.lines.some((l) => /^#\d+  .*  control  .*  terminate/.test(l)), tail.lines.join('\n')).toBe(true);
    } finally {
      await tail.stop();
    }
  });
});

describe('where the service and key come from, and what failures say', () => {
  it("takes the project's wrangler dev port and .dev.vars, the environment over them, and the flags over both", async () => {
    const project = mkdtempSync(join(tmpdir(), 'flowflare-ops-project-'));
    try {
      writeFileSync(join(project, 'wrangler.toml'), `name = "svc"\nmain = "src/index.ts"\n\n[dev]\nip = "127.0.0.1"\nport = ${port}\n`);
      writeFileSync(join(project, '.dev.vars'), `SERVICE_API_KEY="${KEY}"\n`);
      const fromProject = await ops(['runs', 'list', '--limit', '1', '--json'], { cwd: project, connect: false });
      expect(fromProject.code, fromProject.stderr).toBe(0);
      expect((JSON.parse(fromProject.stdout) as { data: unknown[] }).data).toHaveLength(1);

      const envKey = await ops(['runs', 'list'], { cwd: project, connect: false, env: { FLOWFLARE_API_KEY: 'wrong-from-env' } });
      expect(envKey.code).toBe(1);
      expect(envKey.stderr).toBe(
        `✘ The service at http://127.0.0.1:${port} refused the API key (401): Invalid API key (unknown, revoked or expired). Check FLOWFLARE_API_KEY, or pass the key with --key.\n`,
      );
      const flagKey = await ops(['runs', 'list', '--key', KEY], { cwd: project, connect: false, env: { FLOWFLARE_API_KEY: 'wrong-from-env' } });
      expect(flagKey.code, flagKey.stderr).toBe(0);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('says what to do, in one line with exit 1, for a wrong key, an unreachable service, or none at all', async () => {
    const badKey = await ops(['runs', 'list', '--url', service.url, '--key', 'wrong'], { connect: false });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toBe(
      `✘ The service at ${service.url} refused the API key (401): Invalid API key (unknown, revoked or expired). Pass the service's key with --key.\n`,
    );
    const badKeyJson = await ops(['runs', 'list', '--url', service.url, '--key', 'wrong', '--json'], { connect: false });
    expect(JSON.parse(badKeyJson.stdout)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const tailBadKey = await ops(['runs', 'tail', '--url', service.url, '--key', 'wrong'], { connect: false });
    expect(tailBadKey.code).toBe(1);
    expect(tailBadKey.stderr).toMatch(/^✘ The service at .* refused the API key \(401\)/);

    const nobody = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await ops(['runs', 'show', 'x', '--url', nobody, '--key', KEY], { connect: false });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(
      new RegExp(`^✘ Cannot reach the Flowflare service at ${nobody} .*Is it running\\? Start it with \`npx wrangler dev\`, or pass --url \\(or set FLOWFLARE_URL\\)`),
    );

    const noUrl = await ops(['runs', 'list'], { connect: false });
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toBe("✘ No service URL: pass --url https://your-service.workers.dev (or set FLOWFLARE_URL, or run in the service's project folder).\n");
    const noCommand = await ops(['runs', 'lst'], { connect: false });
    expect(noCommand.code).toBe(1);
    expect(noCommand.stderr).toBe("✘ unknown command 'lst' (Did you mean list?) (see --help)\n");
  });
});

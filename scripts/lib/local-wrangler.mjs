// Runs a Worker project locally with the repository's pinned wrangler: local D1 migrations, then
// `wrangler dev` in a process group of its own so that stopping it stops workerd too. Used by
// `npm run demo` and by the end-to-end tests.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The pinned wrangler's entry point. */
export const WRANGLER = `${root}node_modules/wrangler/bin/wrangler.js`;

/**
 * The environment wrangler runs with: nothing leaves the machine (no metrics, no update check, no
 * fetch of the `request.cf` placeholder from Cloudflare).
 */
export function wranglerEnv(extra = {}) {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    NO_COLOR: '1',
    ...extra,
  };
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True when `port` on 127.0.0.1 can be listened on. */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Applies the project's D1 migrations to the local database kept in `stateDir`. */
export async function applyLocalMigrations({ cwd, stateDir, binding = 'DB' }) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [WRANGLER, 'd1', 'migrations', 'apply', binding, '--local', '--persist-to', stateDir],
    { cwd, env: wranglerEnv({ CI: '1' }), maxBuffer: 1 << 24 },
  );
  return stdout;
}

/**
 * Starts `wrangler dev` for the project in `cwd` on 127.0.0.1:`port`, state in `stateDir`, with
 * `vars` injected (they win over `.dev.vars`). Resolves once `readyPath` answers 200 with the key;
 * `onSpawn` gets the process at once, so that a caller can stop it while it starts.
 * @returns {Promise<{ url: string, child: import('node:child_process').ChildProcess, output: () => string, stop: () => Promise<void> }>}
 */
export async function startWranglerDev({ cwd, port, stateDir, vars = {}, apiKey, readyPath = '/api/runs/counts', timeoutMs = 60_000, onLine, onSpawn }) {
  const inspectorPort = await freePort();
  const args = [
    WRANGLER, 'dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--inspector-port', String(inspectorPort),
    '--persist-to', stateDir,
    '--show-interactive-dev-session=false',
    '--log-level', 'warn',
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  // detached: a process group of its own, so one signal reaches wrangler and workerd
  const child = spawn(process.execPath, args, { cwd, env: wranglerEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      onLine?.(line);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  onSpawn?.(child, exited);
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopGroup(child, exited);

  const deadline = Date.now() + timeoutMs;
  let early = null;
  void exited.then((e) => (early = e));
  for (;;) {
    if (early) throw new Error(`wrangler dev exited (${early.code ?? early.signal}) before it was ready:\n${lines.join('\n')}`);
    try {
      const response = await fetch(`${url}${readyPath}`, { headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {} });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev was not ready after ${timeoutMs} ms:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, exited, output: () => lines.join('\n'), stop };
}

/** Stops a process group: SIGTERM, then SIGKILL after a grace period. */
export async function stopGroup(child, exited, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // workerd may outlive wrangler by a moment: make sure nothing of the group is left
  signal('SIGKILL');
}

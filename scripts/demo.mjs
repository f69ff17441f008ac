#!/usr/bin/env node
// `npm run demo`: runs the example workflow service (examples/) locally with wrangler — local D1
// with the migrations applied, Durable Objects, Workflows — prints the dashboard URL and the local
// API key, and keeps starting example runs until Ctrl-C, which stops everything it started. It
// first builds the dashboard and the OpenAPI document into dist/static/ (the service's Static Assets).
//
//   npm run demo -- [--port 8787] [--state <dir>] [--interval <seconds>] [--max-runs <n>] [--verbose]
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildDashboard } from './build-dashboard.mjs';
import { buildOpenApi } from './build-openapi.mjs';
import { applyLocalMigrations, freePort, portIsFree, startWranglerDev, stopGroup } from './lib/local-wrangler.mjs';
import { DemoTraffic } from './lib/demo-traffic.mjs';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string' },
    state: { type: 'string', default: `${examples}.wrangler/state` },
    interval: { type: 'string', default: '4' },
    'max-runs': { type: 'string', default: '200' },
    verbose: { type: 'boolean', default: false },
  },
});

/** The key in examples/.dev.vars, or a new one written there (the file is not committed). */
function localApiKey() {
  const file = `${examples}.dev.vars`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const found = /^SERVICE_API_KEY\s*=\s*"?([^"\n]+)"?\s*$/m.exec(text);
  if (found) return found[1].trim();
  const key = `ff_local_${randomBytes(18).toString('hex')}`;
  writeFileSync(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}SERVICE_API_KEY=${key}\n`, { mode: 0o600 });
  return key;
}

async function choosePort() {
  if (flags.port) return Number(flags.port);
  return (await portIsFree(8787)) ? 8787 : freePort();
}

/** What is running, so that a signal at any moment stops it. */
const running = { child: null, exited: null, traffic: null, stopping: false };

async function stop(code) {
  if (running.stopping) return;
  running.stopping = true;
  running.traffic?.stop();
  if (running.child) {
    console.log('\nStopping wrangler…');
    await stopGroup(running.child, running.exited);
  }
  console.log('Stopped.');
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
// last resort when this process ends another way: take the wrangler group with it
process.on('exit', () => {
  const { child } = running;
  if (child && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function main() {
  const apiKey = localApiKey();
  const port = await choosePort();
  // the dashboard's files and the OpenAPI document, which the example service serves from Static Assets
  console.log('Building the dashboard and the OpenAPI document into dist/static/…');
  buildDashboard();
  await buildOpenApi();
  console.log('Applying the D1 migrations to the local database…');
  await applyLocalMigrations({ cwd: examples, stateDir: flags.state });
  console.log(`Starting the example service with wrangler dev on port ${port}…`);
  const service = await startWranglerDev({
    cwd: examples,
    port,
    stateDir: flags.state,
    vars: { SERVICE_API_KEY: apiKey },
    apiKey,
    onLine: flags.verbose ? (line) => console.log(`[wrangler] ${line}`) : undefined,
    onSpawn: (child, exited) => Object.assign(running, { child, exited }),
  });
  const traffic = new DemoTraffic({ url: service.url, apiKey, log: (line) => console.log(line), maxRuns: Number(flags['max-runs']) });
  running.traffic = traffic;
  service.exited.then(({ code, signal }) => {
    if (running.stopping) return;
    console.error(`wrangler dev stopped on its own (${code ?? signal}):\n${service.output()}`);
    void stop(1);
  });

  console.log(`
Flowflare demo is running.

  Dashboard   ${service.url}/
  API key     ${apiKey}
              (sign in with it; it is kept in examples/.dev.vars)

Example runs start every ${flags.interval} s, in turn: an email campaign; an order whose payment
is declined a few times before it goes through (now and then, never); an approval that waits for
an event (the demo answers every other one; answer the rest from the dashboard with "Send event",
type approval); and a nightly report that sleeps.
Press Ctrl-C to stop.
`);
  traffic.start(Number(flags.interval) * 1000);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  void stop(1);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript helper shared with `npm run demo`
import { freePort } from '../../scripts/lib/local-wrangler.mjs';
import { EXAMPLES, REPO } from './support/paths.js';

const DEV_VARS = join(EXAMPLES, '.dev.vars');
const hadDevVars = existsSync(DEV_VARS);
const state = mkdtempSync(join(tmpdir(), 'flowflare-demo-'));
let demo: ChildProcess | undefined;

afterAll(() => {
  // after a failure the demo may still run, with wrangler in a process group of its own: stop
  // every process below it, then the demo
  if (demo && demo.exitCode === null) {
    for (const pid of descendants(demo.pid!)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    demo.kill('SIGKILL');
  }
  rmSync(state, { recursive: true, force: true });
  // leave the examples as they were: the demo writes a key there when there is none
  if (!hadDevVars) rmSync(DEV_VARS, { force: true });
});

/** Every live process below `pid` (zombies count as gone), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') parents.set(Number(entry), Number(ppid));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('npm run demo', () => {
  it('starts the example service, keeps starting runs, prints the dashboard URL and key, and Ctrl-C stops everything', async () => {
    const port = await freePort();
    demo = spawn(process.execPath, [join(REPO, 'scripts/demo.mjs'), '--port', String(port), '--state', state, '--interval', '1'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout!.on('data', (chunk) => (output += String(chunk)));
    demo.stderr!.on('data', (chunk) => (output += String(chunk)));
    const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 60_000;
    while (!/API key\s+(\S+)/.test(output)) {
      if (Date.now() > deadline || demo.exitCode !== null) throw new Error(`the demo did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const url = /Dashboard\s+(\S+)/.exec(output)![1]!;
    const key = /API key\s+(\S+)/.exec(output)![1]!;
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    expect(readFileSync(DEV_VARS, 'utf8')).toContain(`SERVICE_API_KEY=${key}`);
    expect((await fetch(url)).headers.get('content-type')).toMatch(/^text\/html/);

    // runs of every example workflow appear through the API
    let names = new Set<string>();
    while (names.size < 4) {
      if (Date.now() > deadline) throw new Error(`runs seen: ${[...names].join(', ')}\n${output}`);
      const response = await fetch(`${url}api/runs?limit=50`, { headers: { Authorization: `Bearer ${key}` } });
      const page = (await response.json()) as { data: { workflow_name: string }[] };
      names = new Set(page.data.map((r) => r.workflow_name));
      await new Promise((r) => setTimeout(r, 500));
    }
    expect([...names].sort()).toEqual(['approval', 'email_campaign', 'nightly_report', 'order']);

    const processes = descendants(demo.pid!);
    expect(processes.length).toBeGreaterThanOrEqual(2); // wrangler and workerd at least
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
    const left = processes.filter(alive);
    expect(left, `processes left running: ${left.join(', ')}`).toEqual([]);
    await expect(fetch(url)).rejects.toThrow();
  });
});

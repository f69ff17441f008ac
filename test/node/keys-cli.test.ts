import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript helper shared with the benchmark
import { startLocalService } from '../../bench/service/local-service.mjs';
import { BIN } from './support/project.js';

const run = promisify(execFile);

interface LocalService {
  url: string;
  apiKey: string;
  dispose(): Promise<void>;
}

let service: LocalService;
let dir: string;

beforeAll(async () => {
  service = (await startLocalService({ apiKey: 'keys-cli-admin' })) as LocalService;
  dir = mkdtempSync(join(tmpdir(), 'flowflare-keys-'));
}, 60_000);

afterAll(async () => {
  await service?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `flowflare-setup keys …` in the temporary folder; resolves with the exit code and output. */
async function keys(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'keys', ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('flowflare-setup keys, against the real local service', () => {
  it('creates a scoped key that works, lists it without its secret, and revokes it', async () => {
    // the admin key comes from .dev.vars, the service from the environment
    writeFileSync(join(dir, '.dev.vars'), `SERVICE_API_KEY=${service.apiKey}\n`);
    const env = { FLOWFLARE_URL: service.url };
    const created = await keys(['create', '--name', 'partner', '--role', 'read', '--ref-type', 'invoice', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; scopes: unknown };
    expect(key.scopes).toEqual({ ref_types: ['invoice'] });

    const me = await fetch(`${service.url}/api/me`, { headers: { Authorization: `Bearer ${key.key}` } });
    expect(((await me.json()) as { caller: { name: string } }).caller.name).toBe('partner');

    const listed = await keys(['list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${key.id}  ${key.key.slice(0, 10)}…  read     partner  (ref_types=invoice; active)`);
    expect(listed.stdout).not.toContain(key.key);

    const revoked = await keys(['revoke', key.id], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('Revoked');
    expect((await fetch(`${service.url}/api/me`, { headers: { Authorization: `Bearer ${key.key}` } })).status).toBe(401);
  });

  it('says what to do when the URL or the key is missing, or the key may not manage keys', async () => {
    rmSync(join(dir, '.dev.vars'), { force: true });
    const noUrl = await keys(['list'], { FLOWFLARE_URL: '' });
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toBe("✘ No service URL: pass --url https://your-service.workers.dev (or set FLOWFLARE_URL, or run in the service's project folder).\n");
    const noKey = await keys(['list', '--url', service.url], { FLOWFLARE_API_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('No admin key');

    const operator = await keys(['create', '--url', service.url, '--key', service.apiKey, '--name', 'ops', '--role', 'operate', '--json']);
    const opsKey = (JSON.parse(operator.stdout) as { key: string }).key;
    const refused = await keys(['list', '--url', service.url, '--key', opsKey]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('✘ This key (ops, role operate) cannot manage API keys: that needs the admin role.\n');
    const badRole = await keys(['create', '--url', service.url, '--key', service.apiKey, '--name', 'x', '--role', 'owner']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain("argument 'owner' is invalid");
  });
});

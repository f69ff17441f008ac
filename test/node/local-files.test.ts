import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { planDevVars, planGitignore, readDevVar } from '../../src/cli/secrets.js';

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowflare-local-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('.dev.vars', () => {
  test('an existing key is reused, quoted or not', async () => {
    expect(readDevVar('A=1\nSERVICE_API_KEY="abc def"\n', 'SERVICE_API_KEY')).toBe('abc def');
    const plan = await planDevVars(folder({ '.dev.vars': 'OTHER=1\nexport SERVICE_API_KEY=kept-key' }), 'SERVICE_API_KEY');
    expect(plan).toEqual({ key: 'kept-key', created: false, change: undefined });
  });

  test('a new key is appended after what is there, and its summary hides it', async () => {
    const plan = await planDevVars(folder({ '.dev.vars': 'OTHER=1' }), 'SERVICE_API_KEY');
    expect(plan.created).toBe(true);
    expect(plan.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(plan.change!.after).toBe(`OTHER=1\n# Flowflare: the key clients send to the workflow service (keep this file out of git)\nSERVICE_API_KEY=${plan.key}\n`);
    expect(plan.change!.summary).not.toContain(plan.key);
    const another = await planDevVars(folder({}), 'SERVICE_API_KEY');
    expect(another.key).not.toBe(plan.key);
  });
});

describe('.gitignore', () => {
  test('a rule that already ignores .dev.vars is enough', async () => {
    expect(await planGitignore(folder({ '.gitignore': 'node_modules\n.dev.vars*\n' }))).toBeUndefined();
    expect(await planGitignore(folder({ '.gitignore': '/.dev.vars\n' }))).toBeUndefined();
  });

  test('a re-included or missing .dev.vars gets a rule at the end', async () => {
    const change = await planGitignore(folder({ '.gitignore': '.dev.*\n!.dev.vars' }));
    expect(change!.after).toBe('.dev.*\n!.dev.vars\n# local secrets for wrangler dev\n.dev.vars\n');
  });
});

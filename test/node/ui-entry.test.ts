import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const made: string[] = [];

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Runs an ES module in `cwd` with Node; resolves to its output, or the error it ended with. */
async function node(cwd: string, source: string): Promise<{ stdout: string; stderr: string; code: number }> {
  writeFileSync(join(cwd, 'main.mjs'), source);
  return run(process.execPath, ['main.mjs'], { cwd }).then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => ({ stdout: error.stdout, stderr: error.stderr, code: error.code }),
  );
}

/** An app folder with React installed and the package linked in. */
function appWithReact(): string {
  const app = mkdtempSync(join(tmpdir(), 'flowflare-react-'));
  made.push(app);
  mkdirSync(join(app, 'node_modules', '@biggidea'), { recursive: true });
  for (const name of ['react', 'react-dom']) symlinkSync(join(root, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  symlinkSync(root, join(app, 'node_modules', '@biggidea', 'flowflare'), 'dir');
  return app;
}

describe('@biggidea/flowflare/ui', () => {
  it('without React installed, fails to import with a message that says to install it', async () => {
    // the built package alone in an app's node_modules, with no React anywhere above it
    const app = mkdtempSync(join(tmpdir(), 'flowflare-no-react-'));
    made.push(app);
    const pkg = join(app, 'node_modules', '@biggidea', 'flowflare');
    mkdirSync(pkg, { recursive: true });
    cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
    cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true });
    const result = await node(app, "await import('@biggidea/flowflare/ui');\n");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('@biggidea/flowflare/ui needs React, which is not installed. Install it with `npm install react react-dom`');
    // the rest of the package does not need React
    expect((await node(app, "const m = await import('@biggidea/flowflare/client'); console.log(typeof m.WorkflowClient);\n")).stdout.trim()).toBe('function');
  });

  it('with React, renders the dashboard on the server before any connection', async () => {
    const app = appWithReact();
    const result = await node(
      app,
      [
        "import { createElement } from 'react';",
        "import { renderToString } from 'react-dom/server';",
        "const { WorkflowDashboard } = await import('@biggidea/flowflare/ui');",
        "console.log(renderToString(createElement(WorkflowDashboard, { websocketUrl: 'wss://flows.example.com/api/tracker-websocket' })));",
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('data-connection="connecting"');
    expect(result.stdout).toContain('No runs yet.');
  });

  it('renders WorkflowInsights on the server as loading, with no chart drawn', async () => {
    const app = appWithReact();
    const result = await node(
      app,
      [
        "import { createElement } from 'react';",
        "import { renderToString } from 'react-dom/server';",
        "const { WorkflowInsights } = await import('@biggidea/flowflare/ui');",
        'const client = { getMetrics: () => new Promise(() => {}) };',
        "console.log(renderToString(createElement(WorkflowInsights, { client, range: '7d' })));",
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('data-range="7d"');
    expect(result.stdout).toContain('Loading…');
    expect(result.stdout).not.toContain('<canvas');
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPATIBILITY_DATE } from '../../src/shared/compatibility-date.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
let work: string;
let tarball: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'flowflare-pack-'));
  // dist/ was built by the global setup; `prepack` would rebuild it (rm -rf) under the other test files
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, maxBuffer: 1 << 24 });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the built entry points, their types and the migrations, and no sources or tests', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['dist/workflow/index.js', 'dist/workflow/index.d.ts', 'dist/ui/index.js', 'dist/ui/index.d.ts', 'dist/static/index.html', 'dist/static/assets/dashboard.js', 'dist/static/assets/dashboard.css', 'dist/static/api/openapi.json', 'migrations/0001_initial.sql', 'README.md', 'API.md', 'package.json', 'bin/flowflare-setup.js', 'bin/flowflare.js', 'dist/cli/main.js', 'dist/cli/ops/main.js', 'docs/ops-cli.md']));
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
  });

  it('installs into a separate Worker project where wrangler resolves and bundles @biggidea/flowflare/workflow and binds its static folder', async () => {
    const project = join(work, 'app');
    await mkdir(join(project, 'src'), { recursive: true });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await writeFile(
      join(project, 'src', 'index.js'),
      [
        "import { WorkflowEntrypoint } from 'cloudflare:workers';",
        "import { trackStep, trackDurableStep, updateWorkflowRun } from '@biggidea/flowflare/workflow';",
        'export class EmailCampaignWorkflow extends WorkflowEntrypoint {',
        '  async run(event, step) {',
        "    await updateWorkflowRun({ id: event.instanceId, workflow_name: 'email_campaign', status: 'Running' }, this.env);",
        "    await trackDurableStep(this.env, event.instanceId, step, 'a', async () => 1);",
        "    return trackStep(this.env, event.instanceId, 'b', 2, async () => 2);",
        '  }',
        '}',
        "export default { fetch: () => new Response('ok') };",
      ].join('\n'),
    );
    await writeFile(
      join(project, 'wrangler.toml'),
      [
        'name = "app"',
        'main = "src/index.js"',
        `compatibility_date = "${COMPATIBILITY_DATE}"`,
        '[[d1_databases]]',
        'binding = "DB"',
        'database_name = "flowflare_db"',
        'database_id = "00000000-0000-4000-8000-000000000000"',
        '[[workflows]]',
        'name = "email_campaign"',
        'binding = "EMAIL_CAMPAIGN"',
        'class_name = "EmailCampaignWorkflow"',
        '[assets]',
        'directory = "node_modules/@biggidea/flowflare/dist/static"',
        'binding = "ASSETS"',
        'run_worker_first = true',
      ].join('\n'),
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: project }).catch(() =>
      run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: project }),
    );
    const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
    const deploy = await run(wrangler, ['deploy', '--dry-run', '--outdir', 'out'], {
      cwd: project,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', HOME: project, XDG_CONFIG_HOME: join(project, '.config') },
    });
    // the installed package's static folder is what [assets] serves, and its OpenAPI export resolves
    expect(deploy.stdout).toMatch(/env\.ASSETS\s+Assets/);
    const openapi = JSON.parse(await readFile(join(project, 'node_modules', '@biggidea', 'flowflare', 'dist', 'static', 'api', 'openapi.json'), 'utf8')) as { openapi: string };
    expect(openapi.openapi).toBe('3.1.0');
    const resolved = (await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('@biggidea/flowflare/openapi.json'))"], { cwd: project })).stdout.trim();
    expect(resolved).toMatch(/node_modules\/@biggidea\/flowflare\/dist\/static\/api\/openapi\.json$/);
    // both command-line tools are installed as the package's bins and start
    const bins = join(project, 'node_modules', '.bin');
    expect((await run(process.execPath, [join(bins, 'flowflare'), '--version'])).stdout.trim()).toBe(JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version);
    expect((await run(process.execPath, [join(bins, 'flowflare'), 'runs', '--help'])).stdout).toMatch(/tail .*follow runs live/);
    expect((await run(process.execPath, [join(bins, 'flowflare-setup'), '--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const bundle = await readFile(join(project, 'out', 'index.js'), 'utf8');
    expect(bundle.includes('function trackDurableStep')).toBe(true);
    expect(bundle.includes('INSERT INTO workflow_events')).toBe(true);
    expect(bundle.includes('// node_modules/@biggidea/flowflare/dist/workflow/')).toBe(true);
  });
});

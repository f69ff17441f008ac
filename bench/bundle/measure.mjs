// Builds the service Worker a user gets from `flowflare-setup` (its wrangler.toml from the service
// template with the bindings setup adds, its [assets] the package's dist/static/ found through
// node_modules/@biggidea/flowflare as in a user's project, and the entry point the README shows), bundles it with
// `wrangler deploy --dry-run`, and measures what Cloudflare would upload: raw and gzipped bytes,
// the Worker Startup Time wrangler reports, and the largest inputs by esbuild's metafile.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Startup profiles taken; the median is reported. */
const STARTUP_SAMPLES = 5;

/** The service entry point of the README (section "Create a Workflow Service Worker"), at the template's `main`. */
const ENTRY = `import { createWorkflowService } from '@biggidea/flowflare';
import { TrackedWorkflow } from '@biggidea/flowflare/workflow';

export default createWorkflowService({ allowedOrigins: ['https://your-app.com'] });
export { WorkflowTracker } from '@biggidea/flowflare';

export class EmailCampaignWorkflow extends TrackedWorkflow {
  async run(event, step) {
    return step.do('send', async () => 'sent');
  }
}
`;

/**
 * Where an input file's bytes are counted: `zod`, `itty-router`, Flowflare, or the user's own entry
 * point. (The dashboard's files and the OpenAPI document are Static Assets, not in the bundle.)
 */
function groupOf(path) {
  if (path.includes('node_modules/zod/')) return 'zod';
  if (path.includes('node_modules/itty-router/')) return 'itty-router';
  if (path.includes('/dist/')) return 'flowflare';
  if (path.includes('node_modules/')) return path.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1');
  return 'entry';
}

/**
 * Measures the setup-made service bundle of the package at `root` (its built `dist/`).
 * @param options.startup profile the startup too (a few seconds per sample)
 * @returns sizes in bytes (and in KiB as wrangler prints them), whether wrangler bound the static folder as ASSETS, the local startup CPU time in ms (null without `startup`), input bytes per group and per file, largest first
 */
export async function measureServiceBundle(root, { startup = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'flowflare-bundle-'));
  try {
    const modules = join(dir, 'node_modules');
    mkdirSync(join(modules, '@biggidea'), { recursive: true });
    symlinkSync(root, join(modules, '@biggidea', 'flowflare'), 'dir');
    symlinkSync(join(root, 'node_modules', 'wrangler'), join(modules, 'wrangler'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'index.ts'), ENTRY);
    writeFileSync(join(dir, 'wrangler.toml'), await setupConfig(root));

    const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), NO_COLOR: '1' };
    const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
    const deploy = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', 'out'], { cwd: dir, env, encoding: 'utf8' });
    if (deploy.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${deploy.stdout}\n${deploy.stderr}`);
    const bundle = readFileSync(join(dir, 'out', 'index.js'));
    // wrangler's own figures, which Cloudflare's size limits are about
    const total = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(deploy.stdout);
    if (!total) throw new Error(`wrangler deploy --dry-run printed no upload size:\n${deploy.stdout}`);
    // the [assets] of the static folder, which wrangler lists among the bindings
    const assetsBound = /env\.ASSETS\s+Assets/.test(deploy.stdout);
    const startupMs = startup ? localStartup(dir, wrangler, env) : null;

    // wrangler does not write a metafile: the same entry bundled by esbuild as wrangler does (ESM, workerd conditions)
    const meta = await build({
      entryPoints: [join(dir, 'src', 'index.ts')],
      absWorkingDir: dir,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      external: ['cloudflare:*', 'node:*'],
      metafile: true,
      minify: false,
      write: false,
    });
    const groups = {};
    const files = [];
    for (const [path, input] of Object.entries(meta.metafile.outputs[Object.keys(meta.metafile.outputs)[0]].inputs)) {
      const group = groupOf(path);
      groups[group] = (groups[group] ?? 0) + input.bytesInOutput;
      files.push({ path: path.replace(/.*node_modules\//, ''), bytes: input.bytesInOutput });
    }
    files.sort((a, b) => b.bytes - a.bytes);
    return {
      rawBytes: bundle.length,
      gzipBytes: gzipSync(bundle).length,
      wranglerKiB: { total: Number(total[1]), gzip: Number(total[2]) },
      assetsBound,
      startupMs,
      groups,
      files,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Worker's startup CPU time as \`wrangler check startup\` profiles it in local workerd (its
 * "Active" time: evaluating the bundle's top level), the median of `STARTUP_SAMPLES` runs. The
 * "Worker Startup Time" of a real \`wrangler deploy\` comes from Cloudflare's upload answer, which a
 * dry run does not get.
 */
function localStartup(dir, wrangler, env) {
  const samples = [];
  for (let i = 0; i < STARTUP_SAMPLES; i++) {
    const check = spawnSync(process.execPath, [wrangler, 'check', 'startup', '--outfile', join(dir, 'startup.cpuprofile')], { cwd: dir, env, encoding: 'utf8' });
    const active = /Active:\s*(\d+(?:\.\d+)?) ms/.exec(`${check.stdout}\n${check.stderr}`);
    if (check.status !== 0 || !active) throw new Error(`wrangler check startup failed:\n${check.stdout}\n${check.stderr}`);
    samples.push(Number(active[1]));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** wrangler.toml as `flowflare-setup --role service --workflow email_campaign` writes it for a new project. */
async function setupConfig(root) {
  const { renderTemplate } = await import(join(root, 'dist', 'cli', 'templates.js'));
  const { parseConfig, editConfig } = await import(join(root, 'dist', 'cli', 'config-document.js'));
  const { readWranglerConfig } = await import(join(root, 'dist', 'cli', 'wrangler-config.js'));
  const { planServiceConfig } = await import(join(root, 'dist', 'cli', 'service-plan.js'));
  const { parseWorkflowSpec } = await import(join(root, 'dist', 'cli', 'names.js'));
  // the package is node_modules/@biggidea/flowflare of the temporary project, as in a user's
  const text = await renderTemplate('service', 'toml', 'workflow-service', 'node_modules/@biggidea/flowflare/dist/static');
  const doc = parseConfig('wrangler.toml', text);
  const plan = planServiceConfig(readWranglerConfig('wrangler.toml', doc.data), {
    databaseName: 'flowflare_db',
    databaseId: '00000000-0000-4000-8000-000000000000',
    workflows: [parseWorkflowSpec('email_campaign')],
    configName: 'wrangler.toml',
    assetsDirectory: 'node_modules/@biggidea/flowflare/dist/static',
  });
  return editConfig(doc, plan.edits);
}

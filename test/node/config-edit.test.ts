import { describe, expect, test } from 'vitest';
import { planClientConfig } from '../../src/cli/client-plan.js';
import { editConfig, parseConfig } from '../../src/cli/config-document.js';
import { unifiedDiff } from '../../src/cli/diff.js';
import { defaultWorkflowClass, parseWorkflowSpec } from '../../src/cli/names.js';
import { planServiceConfig } from '../../src/cli/service-plan.js';
import { readWranglerConfig } from '../../src/cli/wrangler-config.js';

const ID = '6f1c3e2a-8d4b-4e5f-9a7b-0c1d2e3f4a5b';
const workflows = [{ name: 'email_campaign', binding: 'EMAIL_CAMPAIGN', class_name: 'EmailCampaignWorkflow' }];

/** Runs the service plan on a config text and returns the edited text. */
function setupService(file: string, text: string): { text: string; notes: string[] } {
  const doc = parseConfig(`/project/${file}`, text);
  const plan = planServiceConfig(readWranglerConfig(doc.path, doc.data), {
    databaseName: 'flowflare_db',
    databaseId: ID,
    workflows,
    configName: file,
  });
  return { text: editConfig(doc, plan.edits), notes: plan.notes };
}

describe('TOML edits', () => {
  test('a new workflow joins the existing [[workflows]] entries, not the end of the file', () => {
    const before = `name = "svc"

# our own workflow
[[workflows]]
name = "existing"
binding = "EXISTING"
class_name = "ExistingWorkflow"

[vars]
A = "1"
`;
    const { text } = setupService('wrangler.toml', before);
    expect(text).toContain(`# our own workflow
[[workflows]]
name = "existing"
binding = "EXISTING"
class_name = "ExistingWorkflow"

[[workflows]]
name = "email_campaign"
binding = "EMAIL_CAMPAIGN"
class_name = "EmailCampaignWorkflow"

[vars]
A = "1"`);
  });

  test('an existing DB binding gets its id in place; an inline bindings array grows in place', () => {
    const before = `name = "svc"

[[d1_databases]]
binding = "DB" # ours
database_name = "flowflare_db"

[durable_objects]
bindings = [
  { name = "OTHER", class_name = "Other" }, # keep me
]
`;
    const { text } = setupService('wrangler.toml', before);
    expect(text).toContain(`[[d1_databases]]
binding = "DB" # ours
database_name = "flowflare_db"
database_id = "${ID}"
`);
    expect(text).toContain(`bindings = [
  { name = "OTHER", class_name = "Other" }, # keep me
  { name = "WORKFLOW_TRACKER", class_name = "WorkflowTracker" },
]`);
    // an existing binding keeps wrangler's default folder rather than getting a new one
    expect(text).not.toContain('migrations_dir');
  });

  test('[[durable_objects.bindings]] tables and CRLF line ends are kept', () => {
    const before = 'name = "svc"\r\n\r\n[[durable_objects.bindings]]\r\nname = "OTHER"\r\nclass_name = "Other"\r\n';
    const { text } = setupService('wrangler.toml', before);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    const config = parseConfig('/p/wrangler.toml', text).data as { durable_objects: { bindings: unknown[] } };
    expect(config.durable_objects.bindings).toEqual([
      { name: 'OTHER', class_name: 'Other' },
      { name: 'WORKFLOW_TRACKER', class_name: 'WorkflowTracker' },
    ]);
  });

  test('new sections after an [env.*] table still land at the top level', () => {
    const before = `name = "svc"

[env.staging]
name = "svc-staging"
`;
    const { text } = setupService('wrangler.toml', before);
    const config = parseConfig('/p/wrangler.toml', text).data as Record<string, any>;
    expect(config.env).toEqual({ staging: { name: 'svc-staging' } });
    expect(config.d1_databases[0].binding).toBe('DB');
  });
});

describe('JSONC edits', () => {
  test('tabs, single-line arrays, trailing commas and comments are kept', () => {
    const before = `{
\t"name": "svc", // the name
\t"compatibility_flags": ["nodejs_compat"],
\t"workflows": [
\t\t{ "name": "existing", "binding": "EXISTING", "class_name": "ExistingWorkflow" }, /* ours */
\t],
}
`;
    const { text } = setupService('wrangler.jsonc', before);
    expect(text).toContain('\t"name": "svc", // the name\n\t"compatibility_flags": ["nodejs_compat"],\n');
    expect(text).toContain(`\t\t{ "name": "existing", "binding": "EXISTING", "class_name": "ExistingWorkflow" }, /* ours */
\t\t{
\t\t\t"name": "email_campaign",`);
    expect(text).toContain('\t// Flowflare: workflows, runs, steps and retries\n\t"d1_databases": [');
  });

  test('a one-line object grows on its line; an empty one opens up', () => {
    const before = `{
  "name": "svc",
  "durable_objects": { "bindings": [{ "name": "OTHER", "class_name": "Other" }] },
  "vars": {}
}`;
    const { text } = setupService('wrangler.json', before);
    expect(text).toContain(
      '"durable_objects": { "bindings": [{ "name": "OTHER", "class_name": "Other" }, { "name": "WORKFLOW_TRACKER", "class_name": "WorkflowTracker" }] },',
    );
    expect(text).toContain('  "vars": {}');
    // a plain .json file gets no comments
    expect(text).not.toContain('//');
  });
});

describe('what the service plan refuses or reports', () => {
  test('a tracker declared with new_classes is reported, not migrated again', () => {
    const { text, notes } = setupService(
      'wrangler.toml',
      `name = "svc"\n\n[[migrations]]\ntag = "v1"\nnew_classes = ["WorkflowTracker"]\n`,
    );
    expect(notes.join('\n')).toMatch(/declares WorkflowTracker with new_classes .* cannot change storage/);
    expect(text.match(/\[\[migrations\]\]/g)).toHaveLength(1);
  });

  test('a taken migration tag is not reused', () => {
    const { text } = setupService('wrangler.toml', `name = "svc"\n\n[[migrations]]\ntag = "flowflare-v1"\nnew_sqlite_classes = ["Other"]\n`);
    expect(text).toContain('tag = "flowflare-v1-2"\nnew_sqlite_classes = ["WorkflowTracker"]');
  });

  test('SERVICE_API_KEY in [vars] is reported as a committed secret', () => {
    const { notes } = setupService('wrangler.toml', `name = "svc"\n\n[vars]\nSERVICE_API_KEY = "hunter2"\n`);
    expect(notes.join('\n')).toMatch(/sets SERVICE_API_KEY in \[vars\], which is committed/);
  });

  test('a client config is not turned into a service, and the reverse', () => {
    const client = parseConfig(
      '/p/wrangler.toml',
      `name = "app"\n[durable_objects]\nbindings = [{ name = "WORKFLOW_TRACKER", class_name = "WorkflowTracker", script_name = "svc" }]\n`,
    );
    expect(() =>
      planServiceConfig(readWranglerConfig(client.path, client.data), {
        databaseName: 'flowflare_db',
        databaseId: ID,
        workflows: [],
        configName: 'wrangler.toml',
      }),
    ).toThrow(/binds WORKFLOW_TRACKER to the Worker 'svc', as a client does: run with --role client/);
    const service = parseConfig(
      '/p/wrangler.toml',
      `name = "svc"\n[durable_objects]\nbindings = [{ name = "WORKFLOW_TRACKER", class_name = "WorkflowTracker" }]\n`,
    );
    expect(() => planClientConfig(readWranglerConfig(service.path, service.data), 'svc', 'wrangler.toml')).toThrow(
      /binds WORKFLOW_TRACKER to its own class, as the service does: run with --role service/,
    );
  });

  test('a config whose sections have the wrong shape names the key', () => {
    const doc = parseConfig('/p/wrangler.toml', `name = "svc"\nd1_databases = "DB"\n`);
    expect(() => readWranglerConfig(doc.path, doc.data)).toThrow(/^wrangler\.toml: d1_databases: /);
  });
});

describe('workflow names', () => {
  test('binding is the upper-cased name, class the PascalCase name + Workflow unless given', () => {
    expect(parseWorkflowSpec('email_campaign')).toEqual({
      name: 'email_campaign',
      binding: 'EMAIL_CAMPAIGN',
      class_name: 'EmailCampaignWorkflow',
    });
    expect(parseWorkflowSpec('order-sync=SyncOrders')).toEqual({ name: 'order-sync', binding: 'ORDER_SYNC', class_name: 'SyncOrders' });
    expect(defaultWorkflowClass('cleanup_workflow')).toBe('CleanupWorkflow');
    expect(parseWorkflowSpec('bad name')).toMatch(/workflow 'bad name'/);
    expect(parseWorkflowSpec('ok=not-a-class')).toMatch(/class 'not-a-class' must be a JavaScript class name/);
  });
});

describe('diffs', () => {
  test('show changed lines with their context and line numbers', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nd\nE\nf\ng\nh\ni\n';
    expect(unifiedDiff('x', 'x', before, after)).toBe(
      ['--- x', '+++ x', '@@ -2,7 +2,8 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', '+i'].join('\n'),
    );
    expect(unifiedDiff('x', 'x', before, before)).toBe('');
  });
});

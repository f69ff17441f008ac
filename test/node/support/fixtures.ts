import { COMPATIBILITY_DATE } from '../../../src/shared/compatibility-date.js';

/** Entry point of a service Worker: exports the tracker and a workflow class, as the README shows. */
export const SERVICE_WORKER = `import { DurableObject, WorkflowEntrypoint } from 'cloudflare:workers';

export class WorkflowTracker extends DurableObject {}

export class EmailCampaignWorkflow extends WorkflowEntrypoint {
  async run() {
    return 'sent';
  }
}

export default { fetch: () => new Response('workflow service') };
`;

/** Entry point of a client Worker. */
export const CLIENT_WORKER = `export default { fetch: () => new Response('client') };
`;

/** The formats a user's config can be in, each with its file name and a commented example. */
export type Format = 'toml' | 'jsonc' | 'json';

export const CONFIG_FILE: Record<Format, string> = {
  toml: 'wrangler.toml',
  jsonc: 'wrangler.jsonc',
  json: 'wrangler.json',
};

/** A Worker config a user wrote by hand, with comments in every place a comment can go. */
export function userConfig(format: Format, name: string): string {
  if (format === 'toml') {
    return `# ${name}: our own settings come first.
name = "${name}" # deployed under this name
main = "src/index.ts"
compatibility_date = "${COMPATIBILITY_DATE}"

# Sessions live in KV.
[[kv_namespaces]]
binding = "SESSIONS" # read on every request
id = "0f2ac74b498b48028cb68387c421e279"

[vars]
# Shown on the home page.
GREETING = "hello"
`;
  }
  return `{
  // ${name}: our own settings come first.
  "name": "${name}", // deployed under this name
  "main": "src/index.ts",
  "compatibility_date": "${COMPATIBILITY_DATE}",
  /* Sessions live in KV. */
  "kv_namespaces": [
    { "binding": "SESSIONS", "id": "0f2ac74b498b48028cb68387c421e279" } // read on every request
  ],
  "vars": {
    // Shown on the home page.
    "GREETING": "hello"
  }${format === 'jsonc' ? ',' : ''}
}
`;
}

/** The comments of {@link userConfig}, which must all survive setup. */
export function userComments(format: Format, name: string): string[] {
  return format === 'toml'
    ? [`# ${name}: our own settings come first.`, '# deployed under this name', '# Sessions live in KV.', '# read on every request', '# Shown on the home page.']
    : [`// ${name}: our own settings come first.`, '// deployed under this name', '/* Sessions live in KV. */', '// read on every request', '// Shown on the home page.'];
}

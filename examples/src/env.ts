import type { ServiceEnv } from '@biggidea/flowflare';

/** The bindings of the example service (see wrangler.toml). */
export interface Env extends ServiceEnv {
  EMAIL_CAMPAIGN: Workflow;
  ORDER: Workflow;
  APPROVAL: Workflow;
  NIGHTLY_REPORT: Workflow;
}

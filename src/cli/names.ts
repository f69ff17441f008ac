import { z } from 'zod';

/** The D1 database Flowflare creates when none is named. */
export const DEFAULT_DATABASE_NAME = 'flowflare_db';
/** The workflow service Worker's name when none is given (the seed deploys `workflow-service`). */
export const DEFAULT_SERVICE_NAME = 'workflow-service';
/** Binding of Flowflare's D1 database in the service Worker. */
export const DB_BINDING = 'DB';
/** Binding of the Queue alert rules are evaluated and delivered through. */
export const ALERTS_BINDING = 'ALERTS';
/** The alerts Queue unless `--alerts <queue>` names another (the service's default `alerts.queue`). */
export const DEFAULT_ALERTS_QUEUE = 'flowflare-alerts';

/** Binding of the Workers Static Assets that serve the dashboard's files and the OpenAPI document. */
export const ASSETS_BINDING = 'ASSETS';

/** Binding of the R2 bucket retention archives runs to. */
export const ARCHIVE_BINDING = 'ARCHIVE';
/** Binding of the tracker Durable Object, in the service and in client Workers alike. */
export const TRACKER_BINDING = 'WORKFLOW_TRACKER';
/** Class the service Worker exports for the tracker Durable Object. */
export const TRACKER_CLASS = 'WorkflowTracker';
/** Service binding through which a client Worker reaches the workflow service. */
export const SERVICE_BINDING = 'WORKFLOW_SERVICE';
/** Secret holding the service's API key. */
export const API_KEY_NAME = 'SERVICE_API_KEY';
/** Where a client Worker keeps the service's API key (the seed reads `env.WORKFLOW_API_KEY`). */
export const CLIENT_API_KEY_NAME = 'WORKFLOW_API_KEY';
/** Where the package's migrations are copied when the project has no D1 binding yet. */
export const DEFAULT_MIGRATIONS_DIR = 'migrations/flowflare';

/**
 * A D1 database name as far as this CLI checks it. Cloudflare decides the rest (wrangler reports
 * its verdict); a leading dash is refused here because wrangler would read the name as a flag.
 */
export const databaseNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\s-][^\s]*$/, 'must not contain spaces or start with a dash');

/** A Worker (script) name: lowercase letters, digits, dashes and underscores. */
export const workerNameSchema = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/,
    'must be 1-63 lowercase letters, digits, dashes or underscores, starting and ending with a letter or digit',
  );

const workflowNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/, 'must be letters, digits, dashes or underscores (at most 64)');
const classNameSchema = z.string().regex(/^[A-Za-z_$][\w$]*$/, 'must be a JavaScript class name');

/** One `[[workflows]]` entry: the workflow's name, its binding and the class that implements it. */
export interface WorkflowSpec {
  name: string;
  binding: string;
  class_name: string;
}

/**
 * Turns `email_campaign` or `email_campaign=EmailCampaignWorkflow` into a workflow entry. The binding
 * is the upper-cased name (how the service finds it); the class defaults to the PascalCase name with a
 * `Workflow` suffix.
 * @returns the entry, or the reason the text is not one
 */
export function parseWorkflowSpec(text: string): WorkflowSpec | string {
  const [rawName = '', rawClass, ...rest] = text.trim().split('=');
  if (rest.length > 0) return `'${text}': use name or name=ClassName`;
  const name = workflowNameSchema.safeParse(rawName.trim());
  if (!name.success) return `workflow '${rawName}' ${name.error.issues[0]?.message ?? 'is invalid'}`;
  const className = classNameSchema.safeParse(rawClass?.trim() || defaultWorkflowClass(name.data));
  if (!className.success) return `class '${rawClass}' ${className.error.issues[0]?.message ?? 'is invalid'}`;
  return { name: name.data, binding: workflowBinding(name.data), class_name: className.data };
}

/** `email-campaign` → `EMAIL_CAMPAIGN`. */
export function workflowBinding(name: string): string {
  const binding = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[0-9]/.test(binding) ? `_${binding}` : binding;
}

/** `email_campaign` → `EmailCampaignWorkflow`. */
export function defaultWorkflowClass(name: string): string {
  const pascal = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  const base = /^[0-9]/.test(pascal) ? `W${pascal}` : pascal;
  return base.endsWith('Workflow') ? base : `${base}Workflow`;
}

/** An R2 bucket name, as R2 accepts them: 3-63 lowercase letters, digits and dashes. */
export const bucketNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'must be 3-63 lowercase letters, digits or dashes, starting and ending with a letter or digit');

/** A Queue name as Cloudflare takes it. */
export const queueNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$/, 'must be 2-60 lowercase letters, digits or dashes, starting and ending with a letter or digit');

import { z } from 'zod';
import { parseRunStatus, parseStepStatus, RUN_STATUSES, STEP_STATUSES } from './status.js';

/** A run status as users write it (`Completed`, `completed`, Cloudflare's `complete`), read into the canonical name. */
export const runStatusSchema = z.string().transform((value, ctx) => {
  const status = parseRunStatus(value);
  if (!status) {
    ctx.addIssue({ code: 'custom', message: `'${value}' is not a run status (one of ${RUN_STATUSES.join(', ')})` });
    return z.NEVER;
  }
  return status;
});

/** A step status, case-insensitively, read into the canonical name. */
export const stepStatusSchema = z.string().transform((value, ctx) => {
  const status = parseStepStatus(value);
  if (!status) {
    ctx.addIssue({ code: 'custom', message: `'${value}' is not a step status (one of ${STEP_STATUSES.join(', ')})` });
    return z.NEVER;
  }
  return status;
});

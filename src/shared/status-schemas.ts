import * as z from 'zod/mini';
import { parseRunStatus, parseStepStatus, RUN_STATUSES, STEP_STATUSES } from './status.js';
import { refuse } from './validate.js';

/** A run status as users write it (`Completed`, `completed`, Cloudflare's `complete`), read into the canonical name. */
export const runStatusSchema = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => parseRunStatus(value) ?? refuse(ctx, `'${value}' is not a run status (one of ${RUN_STATUSES.join(', ')})`)),
);

/** A step status, case-insensitively, read into the canonical name. */
export const stepStatusSchema = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => parseStepStatus(value) ?? refuse(ctx, `'${value}' is not a step status (one of ${STEP_STATUSES.join(', ')})`)),
);

import type * as z from 'zod/mini';
import type { JsonObject } from './json.js';
import type {
  batchStartResultSchema,
  byRefResultSchema,
  controlActionValue,
  controlResultSchema,
  errorBodySchema,
  runDetailResultSchema,
  startResultSchema,
  statusCountsSchema,
  tokenResultSchema,
  workflowNamesSchema,
} from './response-schemas.js';

/**
 * Response bodies of the workflow service's REST API, inferred from their schemas in
 * `response-schemas.ts` (which the OpenAPI document describes too). The service builds them and the
 * client returns them, so both sides are checked against these types.
 */

/** A page of a list (`pageOf` in `response-schemas.ts`). `next_cursor` is `null` on the last page. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** What a start returns. */
export type StartResult = z.output<typeof startResultSchema>;

/** What a batch start returns, one result per requested run, in order. */
export type BatchStartResult = z.output<typeof batchStartResultSchema>;

/** What `GET /api/runs/:id` returns: the run with its workflow, steps, attempts and audit trail. */
export type RunDetailResult = z.output<typeof runDetailResultSchema>;

/** The workflows of one business object and its newest runs. */
export type ByRefResult = z.output<typeof byRefResultSchema>;

/** Number of runs per status. */
export type StatusCounts = z.output<typeof statusCountsSchema>;

/** The control actions the service performs on a run. */
export type ControlAction = z.output<typeof controlActionValue>;

/** What a control action returns: the run as recorded after it. */
export type ControlResult = z.output<typeof controlResultSchema>;

/** Names of the workflows the service can start. */
export type WorkflowNames = z.output<typeof workflowNamesSchema>;

/** The error body of every failed request. */
export type ErrorBody = z.output<typeof errorBodySchema>;

/** Metadata as sent to the service. */
export type Metadata = JsonObject;

/** What `POST /api/tokens` returns: a short-lived subscription token for one topic. */
export type TokenResult = z.output<typeof tokenResultSchema>;

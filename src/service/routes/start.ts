import type { WorkflowNames } from '../../shared/api.js';
import { knownWorkflowNames } from '../bindings.js';
import { callerOf, json, type RouteContext } from '../context.js';
import { publishStarted } from '../publish.js';
import type { RouteHandlers } from '../route-table.js';
import { startRun, startRuns } from '../start.js';

/** `POST /api/runs`, `POST /api/runs/batch`, `GET /api/workflows/names`. */
export function startHandlers({ options }: RouteContext): Pick<RouteHandlers, 'startRun' | 'startRuns' | 'listWorkflowNames'> {
  return {
    startRun: async ({ request, env, ctx, body }) => {
      const outcome = await startRun(env, body, options, callerOf(request));
      publishStarted(env, ctx, outcome);
      return json(outcome.result, outcome.result.created ? 201 : 200);
    },
    startRuns: async ({ request, env, ctx, body }) => {
      const outcome = await startRuns(env, body.runs, options, callerOf(request));
      publishStarted(env, ctx, outcome);
      return json({ results: outcome.results }, outcome.results.some((r) => r.created) ? 201 : 200);
    },
    listWorkflowNames: ({ env }) => json({ names: knownWorkflowNames(env, options) } satisfies WorkflowNames),
  };
}

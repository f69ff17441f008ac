import type { WorkflowNames } from '../../shared/api.js';
import { knownWorkflowNames } from '../bindings.js';
import { callerOf, json, type RouteContext } from '../context.js';
import { publishEvents } from '../publish.js';
import type { RouteHandlers } from '../route-table.js';
import { startRun, startRuns } from '../start.js';

/** `POST /api/runs`, `POST /api/runs/batch`, `GET /api/workflows/names`. */
export function startHandlers({ options }: RouteContext): Pick<RouteHandlers, 'startRun' | 'startRuns' | 'listWorkflowNames'> {
  return {
    startRun: async ({ request, env, ctx, body }) => {
      const { result, events, following } = await startRun(env, body, options, callerOf(request));
      if (following) ctx.waitUntil(following);
      publishEvents(env, ctx, events);
      return json(result, result.created ? 201 : 200);
    },
    startRuns: async ({ request, env, ctx, body }) => {
      const { results, events, following } = await startRuns(env, body.runs, options, callerOf(request));
      ctx.waitUntil(following);
      publishEvents(env, ctx, events);
      return json({ results }, results.some((r) => r.created) ? 201 : 200);
    },
    listWorkflowNames: ({ env }) => json({ names: knownWorkflowNames(env, options) } satisfies WorkflowNames),
  };
}

import type { WorkflowNames } from '../../shared/api.js';
import { knownWorkflowNames } from '../bindings.js';
import { readJson } from '../body.js';
import { callerOf, json, type RouteContext, type ServiceRouter } from '../context.js';
import { publishEvents } from '../publish.js';
import { batchStartSchema, startRunSchema } from '../schemas.js';
import { startRun, startRuns } from '../start.js';

/** `POST /api/runs`, `POST /api/runs/batch`, `GET /api/workflows/names`. */
export function startRoutes(router: ServiceRouter, { options }: RouteContext): void {
  router.post('/runs', async (request, env, ctx) => {
    const input = await readJson(request, startRunSchema, options.maxBodyBytes, 'POST /api/runs');
    const { result, events, following } = await startRun(env, input, options, callerOf(request));
    if (following) ctx.waitUntil(following);
    publishEvents(env, ctx, events);
    return json(result, result.created ? 201 : 200);
  });

  router.post('/runs/batch', async (request, env, ctx) => {
    const input = await readJson(request, batchStartSchema, options.maxBodyBytes, 'POST /api/runs/batch');
    const { results, events, following } = await startRuns(env, input.runs, options, callerOf(request));
    ctx.waitUntil(following);
    publishEvents(env, ctx, events);
    return json({ results }, results.some((r) => r.created) ? 201 : 200);
  });

  router.get('/workflows/names', (_request, env) => json({ names: knownWorkflowNames(env, options) } satisfies WorkflowNames));
}

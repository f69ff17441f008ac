import type { ControlAction } from '../../shared/api.js';
import { readJson } from '../body.js';
import { callerOf, json, param, type RouteContext, type ServiceRouter } from '../context.js';
import { controlRun } from '../control.js';
import { retryRun } from '../retry.js';
import { publishEvents } from '../publish.js';
import { sendEventSchema } from '../schemas.js';

const ACTIONS: readonly Exclude<ControlAction, 'event'>[] = ['pause', 'resume', 'terminate', 'restart'];

/** `POST /api/runs/:id/{pause,resume,terminate,restart,events,retry}`. */
export function controlRoutes(router: ServiceRouter, { options }: RouteContext): void {
  for (const action of ACTIONS) {
    router.post(`/runs/:id/${action}`, async (request, env, ctx) => {
      const { result, events } = await controlRun(env, param(request, 'id'), action, options, callerOf(request));
      publishEvents(env, ctx, events);
      return json(result);
    });
  }

  router.post('/runs/:id/events', async (request, env, ctx) => {
    const id = param(request, 'id');
    const event = await readJson(request, sendEventSchema, options.maxBodyBytes, `POST /api/runs/${id}/events`);
    const { result, events } = await controlRun(env, id, 'event', options, callerOf(request), event);
    publishEvents(env, ctx, events);
    return json(result);
  });

  router.post('/runs/:id/retry', async (request, env, ctx) => {
    const { result, events, following } = await retryRun(env, param(request, 'id'), options, callerOf(request));
    if (following) ctx.waitUntil(following);
    publishEvents(env, ctx, events);
    return json(result, 201);
  });
}

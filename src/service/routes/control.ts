import type { ControlAction } from '../../shared/api.js';
import { callerOf, json, param, type RouteContext } from '../context.js';
import { controlRun } from '../control.js';
import { retryRun } from '../retry.js';
import { publishEvents, publishStarted } from '../publish.js';
import type { RouteCall, RouteHandlers, RouteSpec } from '../route-table.js';

/** `POST /api/runs/:id/{pause,resume,terminate,restart,events,retry}`. */
export function controlHandlers({ options }: RouteContext): Pick<RouteHandlers, 'pauseRun' | 'resumeRun' | 'terminateRun' | 'restartRun' | 'sendEvent' | 'retryRun'> {
  const control =
    (action: Exclude<ControlAction, 'event'>) =>
    async ({ request, env, ctx }: Omit<RouteCall<RouteSpec>, 'query' | 'body'>) => {
      const { result, events } = await controlRun(env, param(request, 'id'), action, options, callerOf(request));
      publishEvents(env, ctx, events);
      return json(result);
    };
  return {
    pauseRun: control('pause'),
    resumeRun: control('resume'),
    terminateRun: control('terminate'),
    restartRun: control('restart'),
    sendEvent: async ({ request, env, ctx, body }) => {
      const { result, events } = await controlRun(env, param(request, 'id'), 'event', options, callerOf(request), body);
      publishEvents(env, ctx, events);
      return json(result);
    },
    retryRun: async ({ request, env, ctx }) => {
      const outcome = await retryRun(env, param(request, 'id'), options, callerOf(request));
      publishStarted(env, ctx, outcome);
      return json(outcome.result, 201);
    },
  };
}

import { serveDashboard } from '../dashboard/serve.js';
import type { RouteEnv } from './context.js';
import { errorResponse } from './error-handler.js';
import { resolveOptions, type ServiceEnv, type WorkflowServiceOptions } from './options.js';
import { handleLifecycleBatch } from './lifecycle-queue.js';
import { handleAlertBatch } from '../alerts/consumer.js';
import { syncOptionsRules } from '../alerts/registry.js';
import { runMaintenance } from './retention.js';
import { withCors } from './cors.js';
import { createRouter } from './router.js';
import { BOOKMARK_HEADER, openSession } from './sessions.js';

/**
 * Creates the workflow service Worker: a REST API under `/api/` to start workflows by name, query
 * runs and workflows, and control runs, the `/api/tracker-websocket` endpoint, and the built-in
 * live dashboard page (at `/` unless `dashboard` says otherwise). Its `queue` handler follows the
 * runs that Cloudflare's Workflows lifecycle events announce (bind a Queue that an event
 * subscription feeds as a consumer). Its `scheduled` handler (give the Worker a cron trigger)
 * prunes finished runs past the `retention` policy and checks stalled runs against the engine.
 * Export the result as the Worker's default export, and
 * `WorkflowTracker` beside it.
 * @example
 * import { createWorkflowService } from '@biggidea/flowflare';
 * export default createWorkflowService({ allowedOrigins: ['https://your-app.com'], debug: true });
 * export { WorkflowTracker } from '@biggidea/flowflare';
 */
export function createWorkflowService<Env extends ServiceEnv = ServiceEnv>(options: WorkflowServiceOptions = {}): ExportedHandler<Env> {
  const resolved = resolveOptions(options);
  const router = createRouter(resolved);
  /** An API request, in its own D1 session; the answer carries the session's bookmark. */
  const apiFetch = async (request: Request, env: RouteEnv, ctx: ExecutionContext): Promise<Response> => {
    let session;
    try {
      session = openSession(request, env);
    } catch (error) {
      return withCors(errorResponse(error), request, resolved);
    }
    const response = (await router.fetch(request, session.env, ctx)) as Response;
    const bookmark = session.bookmark();
    if (bookmark === null || response.status === 101) return response;
    try {
      response.headers.set(BOOKMARK_HEADER, bookmark);
      return response;
    } catch {
      // immutable headers (a response passed through from a fetch): copy it
      const out = new Response(response.body, response);
      out.headers.set(BOOKMARK_HEADER, bookmark);
      return out;
    }
  };
  return {
    async fetch(request, env, ctx) {
      const started = Date.now();
      const db = (env as unknown as RouteEnv).DB as D1Database | undefined;
      if (db && resolved.alerts.rules.length > 0) {
        ctx.waitUntil(syncOptionsRules(db, resolved.alerts).catch((error: unknown) => console.error('[flowflare] could not store the alert rules of the options:', error)));
      }
      let response: Response;
      try {
        const page = resolved.dashboard && (await serveDashboard(request, env as object, resolved.dashboard, resolved.assetsBinding));
        response = page ?? (await apiFetch(request, env as unknown as RouteEnv, ctx));
      } catch (error) {
        // the router catches route errors; this guards the error and CORS handlers themselves
        response = errorResponse(error);
      }
      if (resolved.debug) {
        console.log(`[flowflare] ${request.method} ${new URL(request.url).pathname} ${response.status} ${Date.now() - started}ms`);
      }
      return response;
    },
    async queue(batch, env) {
      // batches of the alerts Queue are alerts; any other Queue carries Workflows lifecycle events
      if (batch.queue === resolved.alerts.queue) await handleAlertBatch(batch, env as unknown as RouteEnv, resolved.alerts);
      else await handleLifecycleBatch(batch, env as object, resolved);
    },
    async scheduled(controller, env) {
      const report = await runMaintenance(env as unknown as Record<string, unknown>, resolved, controller.scheduledTime);
      if (resolved.debug) console.log('[flowflare] maintenance:', JSON.stringify(report));
    },
  } satisfies ExportedHandler<Env>;
}

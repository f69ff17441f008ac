import type { Role } from '../shared/access.js';

/** What a request needs: the role, and what it does (for the 403's message). */
export interface Permission {
  role: Role;
  what: string;
}

/**
 * The role each route needs, in one place: reads and live subscriptions need `read`; starts and
 * control need `operate`, and so does muting an alert rule; API keys, the audit trail, imports and
 * creating or deleting alert rules need `admin`.
 * @param path the path under `/api` (`/runs/abc/pause`)
 */
export function requiredPermission(method: string, path: string): Permission {
  if (path === '/keys' || path.startsWith('/keys/')) return { role: 'admin', what: 'manage API keys' };
  if (path === '/audit' || path.startsWith('/audit/')) return { role: 'admin', what: 'read the audit trail' };
  if (path === '/import') return { role: 'admin', what: 'import runs' };
  if (path.startsWith('/alerts/rules') && method === 'PATCH') return { role: 'operate', what: 'mute alert rules' };
  if (path.startsWith('/alerts/rules') && (method === 'POST' || method === 'DELETE')) return { role: 'admin', what: 'manage alert rules' };
  if (method === 'POST' && (path === '/runs' || path === '/runs/batch')) return { role: 'operate', what: 'start runs' };
  const control = /^\/runs\/[^/]+\/(pause|resume|terminate|restart|retry|events)$/.exec(path);
  if (method === 'POST' && control) return { role: 'operate', what: control[1] === 'events' ? 'send events to runs' : `${control[1]} runs` };
  return { role: 'read', what: 'read runs' };
}

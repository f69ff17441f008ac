import { errorText, isUnauthorized } from './api.js';
import type { AppContext } from './context.js';

/** Shows a failed call: back to sign-in when the service refused the key, else an error notice. */
export function reportError(ctx: AppContext, error: unknown, label?: string): void {
  if (isUnauthorized(error)) ctx.signOut('The service refused the key.');
  else ctx.notify(label ? `${label}: ${errorText(error)}` : errorText(error), 'error');
}

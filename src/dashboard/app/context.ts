import type { SubscriptionStatus } from '../../browser/subscribe.js';
import type { Api } from './api.js';

/** What every view gets from the page. */
export interface AppContext {
  api: Api;
  /** Shows the state of the live connection in the header. */
  setConnection(status: SubscriptionStatus, detail?: string): void;
  /** Shows a short message; `error` ones stay until dismissed. */
  notify(message: string, kind?: 'info' | 'error'): void;
  /** Goes back to the sign-in form (the service refused the key). */
  signOut(reason?: string): void;
  /** The hash of the run list the user came from, for back links. */
  lastListHash(): string;
}

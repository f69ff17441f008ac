/** Something tracking saw that may fire an alert rule. */
export type Signal =
  /** A run ended (Completed, Errored or Terminated). */
  | { type: 'run_ended'; run_id: string; workflow: string | null; ref_type: string | null; status: string }
  /** A step was retried: `retries` so far. */
  | { type: 'step_retried'; run_id: string; workflow: string | null; ref_type: string | null; step: string; retries: number };

/** A message on the alerts Queue. */
export type AlertMessage =
  /** What tracking saw: the consumer matches it against the rules and fires alerts. */
  | { kind: 'signals'; signals: Signal[] }
  /** An alert to deliver to its rule's destinations. */
  | { kind: 'deliver'; alert_id: string };

/** True for a body this service put on the alerts Queue. */
export function isAlertMessage(body: unknown): body is AlertMessage {
  if (typeof body !== 'object' || body === null) return false;
  const message = body as { kind?: unknown; signals?: unknown; alert_id?: unknown };
  return (message.kind === 'signals' && Array.isArray(message.signals)) || (message.kind === 'deliver' && typeof message.alert_id === 'string');
}

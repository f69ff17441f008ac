/** One event of a Workflows instance's own event stream (`instance.subscribe()`). */
export type EngineEvent = WorkflowInstanceEvent;

/** The type of an engine event (`workflow_started`, `step_completed`…). */
export type EngineEventType = EngineEvent['type'];

/** Events after which the engine's stream ends: the run is over. */
const TERMINAL: ReadonlySet<EngineEventType> = new Set(['workflow_completed', 'workflow_errored', 'workflow_terminated']);

/** True for the event that ends a run (completed, errored, terminated). */
export function isTerminal(event: Pick<EngineEvent, 'type'>): boolean {
  return TERMINAL.has(event.type);
}

/**
 * What identifies an event beyond its id: a restarted instance starts its history again, reusing
 * ids, so the event at a stored cursor is recognised by its type and time.
 */
export function eventMark(event: Pick<EngineEvent, 'type' | 'timestamp'>): string {
  return `${event.type}@${event.timestamp}`;
}

/**
 * Splits the engine's step name (`charge-1`: the name given to `step.do`, then which use of that
 * name it is) into Flowflare's step name and count.
 */
export function parseStepName(stepName: string): { name: string; count: number } {
  const match = /^(.*)-(\d+)$/s.exec(stepName);
  if (!match || match[1] === '') return { name: stepName, count: 1 };
  return { name: match[1]!, count: Number(match[2]) };
}

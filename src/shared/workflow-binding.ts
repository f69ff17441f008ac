/** True for a Workflow binding (`create`, `createBatch`, `get`), as opposed to a service binding. */
export function isWorkflowBinding(value: unknown): value is Workflow {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Workflow> & { fetch?: unknown };
  return (
    typeof candidate.create === 'function' &&
    typeof candidate.createBatch === 'function' &&
    typeof candidate.get === 'function' &&
    typeof candidate.fetch !== 'function'
  );
}

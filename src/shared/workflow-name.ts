/**
 * The one form a workflow name is recorded, filtered, published and granted under. Names are
 * case-insensitive, as the binding rule that starts them is (`ORDER`, `Order` and `order` all start
 * through `ORDER`): they are lower-cased, so that runs started by any spelling are one workflow.
 * @example canonicalWorkflowName('Email_Campaign') // 'email_campaign'
 */
export function canonicalWorkflowName(name: string): string {
  return name.toLowerCase();
}

import { runWrangler, type WranglerContext } from './wrangler.js';

/**
 * Creates a Queue in the account with `wrangler queues create`; a queue of that name that exists
 * already is used as it is.
 * @returns true when this call created it
 */
export async function createQueue(ctx: WranglerContext, name: string, configArgs: readonly string[]): Promise<boolean> {
  const result = await runWrangler(ctx, ['queues', 'create', name, ...configArgs], {
    label: `Creating the Queue ${name}`,
    summarise: () => `Created the Queue ${name}`,
    tolerate: (output) => (/already (exists|taken)|name is taken/i.test(output) ? `The Queue ${name} already exists` : undefined),
  });
  return result.ok;
}

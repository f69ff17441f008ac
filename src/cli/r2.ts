import { runWrangler, type WranglerContext } from './wrangler.js';

/**
 * Creates an R2 bucket in the account with `wrangler r2 bucket create`; a bucket of that name that
 * exists already is used as it is.
 * @returns true when this call created it
 */
export async function createBucket(ctx: WranglerContext, name: string, configArgs: readonly string[]): Promise<boolean> {
  const result = await runWrangler(ctx, ['r2', 'bucket', 'create', name, ...configArgs], {
    label: `Creating the R2 bucket ${name}`,
    summarise: () => `Created the R2 bucket ${name}`,
    tolerate: (output) => (/already exists|already own/i.test(output) ? `The R2 bucket ${name} already exists` : undefined),
  });
  return result.ok;
}

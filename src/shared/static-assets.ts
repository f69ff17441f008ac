/** The default name of the Workers Static Assets binding that holds the package's static folder. */
export const DEFAULT_ASSETS_BINDING = 'ASSETS';

/**
 * Where `[assets] directory` points in a project that installed the package: its static folder,
 * with the dashboard's files and the OpenAPI document.
 */
export const STATIC_DIRECTORY = 'node_modules/@biggidea/flowflare/dist/static';

/** Path of the OpenAPI document in the static folder. */
export const OPENAPI_ASSET = '/api/openapi.json';

/** The `[assets]` section the service needs, as wrangler.toml text. */
export function assetsSection(binding: string): string {
  return `[assets]\ndirectory = "${STATIC_DIRECTORY}"\nbinding = "${binding}"\nrun_worker_first = true`;
}

/**
 * Why `what` cannot be served: the binding is missing, or (`missing` set) it does not hold the file.
 * @param missing the path the binding answered 404 for
 */
export function assetsProblem(binding: string, what: string, missing?: string): string {
  const fix = `add to wrangler.toml: [assets] directory = "${STATIC_DIRECTORY}", binding = "${binding}", run_worker_first = true (npx flowflare-setup adds it)`;
  return missing === undefined
    ? `The service has no ${binding} binding, which serves ${what}: ${fix}.`
    : `The ${binding} binding has no ${missing}, so it cannot serve ${what}: its [assets] directory must be "${STATIC_DIRECTORY}" (relative to wrangler.toml).`;
}

/** The generated module, relative to the repository. */
export declare const GENERATED: string;
/** The document, built from the current sources. */
export declare function generateOpenApiDocument(): Promise<Record<string, unknown>>;
/** The text of the generated module for `document`. */
export declare function openApiModule(document: Record<string, unknown>): string;
/** Writes the generated module when it changed, and dist/openapi.json; `stale`: the module on disk was out of date. */
export declare function buildOpenApi(options?: { write?: boolean }): Promise<{ stale: boolean; path: string; document: Record<string, unknown> }>;

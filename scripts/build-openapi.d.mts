/** Where the document is written, below the static folder (dist/static/). */
export declare const OPENAPI_FILE: string;
/** The document, built from the current sources. */
export declare function generateOpenApiDocument(): Promise<Record<string, unknown>>;
/** Writes the document to dist/static/api/openapi.json. */
export declare function buildOpenApi(): Promise<{ path: string; document: Record<string, unknown> }>;

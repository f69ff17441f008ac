#!/usr/bin/env node
// Generates the OpenAPI 3.1 document of the REST API from the route table and its zod schemas
// (src/service/openapi.ts) and writes it to dist/static/api/openapi.json: the service Worker
// serves it at GET /api/openapi.json (behind the API key) from Workers Static Assets, and the
// package exports it as `@biggidea/flowflare/openapi.json`.
//
//   node scripts/build-openapi.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { ROOT, STATIC_DIR, writeStatic } from './lib/static-dir.mjs';

/** Where the document is written, below the static folder. */
export const OPENAPI_FILE = 'api/openapi.json';

/** The document, built from the current sources (bundled by esbuild, as they are TypeScript). */
export async function generateOpenApiDocument() {
  const code = buildSync({
    entryPoints: [`${ROOT}src/service/openapi.ts`],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
  }).outputFiles[0].text;
  const { openApiDocument } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));
  return openApiDocument(version);
}

/**
 * Writes the document into the static folder.
 * @returns the document and the absolute path written
 */
export async function buildOpenApi() {
  const document = await generateOpenApiDocument();
  const path = writeStatic(OPENAPI_FILE, `${JSON.stringify(document, null, 2)}\n`);
  return { path, document };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildOpenApi();
  console.log(`wrote ${STATIC_DIR}/${OPENAPI_FILE}`);
}

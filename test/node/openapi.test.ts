import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { generateOpenApiDocument, OPENAPI_FILE } from '../../scripts/build-openapi.mjs';
import { REPO } from './support/project.js';

type Operation = { operationId: string; 'x-flowflare-role': string; responses: Record<string, unknown>; requestBody?: unknown; parameters?: { name: string; in: string }[] };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document by the 3.1 schema, and every $ref in it resolves', async () => {
    const document = await generateOpenApiDocument();
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // resolveRefs throws on a $ref that points nowhere
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('is what the route table gives today in the static folder the Worker serves it from and the package exports', async () => {
    const document = await generateOpenApiDocument();
    const served = JSON.parse(readFileSync(join(REPO, 'dist', 'static', OPENAPI_FILE), 'utf8'));
    expect(served).toEqual(document);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    expect(pkg.exports['./openapi.json']).toBe(`./dist/static/${OPENAPI_FILE}`);
  });

  it('describes each JSON body with the limits the service enforces, and each answer by its schema', async () => {
    const document = (await generateOpenApiDocument()) as unknown as Document;
    const schemas = document.components.schemas as Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[]; additionalProperties?: boolean }>;
    expect(schemas.StartRunRequest!.required).toEqual(['workflow']);
    expect(schemas.StartRunRequest!.additionalProperties).toBe(false);
    expect(schemas.StartRunRequest!.properties.id).toMatchObject({ maxLength: 100, pattern: '^[a-zA-Z0-9_][a-zA-Z0-9_-]*$' });
    expect(schemas.StartRunsRequest!.properties.runs).toMatchObject({ minItems: 1, maxItems: 100 });
    const start = document.paths['/runs']!.post!;
    expect(start['x-flowflare-role']).toBe('operate');
    expect(start.responses['201']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/StartResult' } } } });
    expect(document.paths['/keys/{id}']!.delete!['x-flowflare-role']).toBe('admin');
    expect(document.paths['/runs']!.get!.parameters!.map((p) => p.name)).toEqual(
      expect.arrayContaining(['workflow', 'status', 'ref_type', 'ref_id', 'since', 'until', 'metadata_key', 'metadata_value', 'cursor', 'limit']),
    );
    expect(schemas.RunRecord!.properties.status).toMatchObject({ enum: expect.arrayContaining(['Running', 'Completed', 'Errored']) });
  });
});

import * as z from 'zod/mini';
import { jsonObjectSchema, jsonValueSchema } from '../shared/json-schema.js';
import {
  apiKeyRecordSchema,
  attemptRecordSchema,
  auditEntrySchema,
  callerSchema,
  keyScopesSchema,
  runRecordSchema,
  stepRecordSchema,
  storedErrorSchema,
  workflowRecordSchema,
} from '../shared/record-schemas.js';
import { RESPONSES } from '../shared/response-schemas.js';
import type { AnySchema } from '../shared/validate.js';
import { requiredPermission } from './permissions.js';
import { ROUTE_DOCS } from './route-docs.js';
import { ROUTES, type RouteName, type RouteSpec } from './route-table.js';

/** Where the document's components are, for the `$ref`s between them. */
const COMPONENTS = '#/components/schemas/';

/** Schemas that many answers share, named once in the document's components. */
const SHARED = {
  JsonValue: jsonValueSchema,
  JsonObject: jsonObjectSchema,
  StoredError: storedErrorSchema,
  RunRecord: runRecordSchema,
  WorkflowRecord: workflowRecordSchema,
  StepRecord: stepRecordSchema,
  AttemptRecord: attemptRecordSchema,
  AuditEntry: auditEntrySchema,
  KeyScopes: keyScopesSchema,
  ApiKeyRecord: apiKeyRecordSchema,
  Caller: callerSchema,
};

/** zod's bounds of a safe integer, which say nothing to a reader of the document. */
const SAFE_INTEGER_BOUNDS = new Set([Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);

type JsonSchema = Record<string, unknown>;

/**
 * Builds the OpenAPI 3.1 document of the REST API from {@link ROUTES} and {@link ROUTE_DOCS}: each route's query
 * parameters and JSON body from the schemas the router validates with (as the client sends them),
 * each answer from its schema in `RESPONSES` (as the service sends it), the role from
 * `permissions.ts`. Runs at build time (`npm run build:openapi`); the Worker serves the result.
 * @param version the package's version, for `info.version`
 */
export function openApiDocument(version: string): JsonSchema {
  const requests = z.registry<{ id: string }>();
  requests.add(jsonValueSchema, { id: 'JsonValue' }).add(jsonObjectSchema, { id: 'JsonObject' });
  const bodies = new Map<RouteName, string>();
  for (const [name, spec] of routeEntries()) {
    if (!spec.body) continue;
    const id = `${name[0]!.toUpperCase()}${name.slice(1)}Request`;
    requests.add(spec.body, { id });
    bodies.set(name, id);
  }
  const answers = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({ ...SHARED, ...RESPONSES })) answers.add(schema, { id });
  const schemas = { ...components(answers, 'output'), ...components(requests, 'input') };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of routeEntries()) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation(name, spec, path, bodies.get(name));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flowflare workflow service',
      version,
      description: 'Track, monitor and manage Cloudflare Workflows. Every route needs an API key with the role it names (read < operate < admin).',
    },
    servers: [{ url: '/api' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      schemas,
      responses: {
        Error: { description: 'An error: a 400 names the field, a 401 or 403 the key, a 404 what was not found.', content: { 'application/json': { schema: { $ref: `${COMPONENTS}ErrorBody` } } } },
      },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'The SERVICE_API_KEY secret or a key from POST /api/keys (X-API-Key works too).' },
      },
    },
  };
}

/**
 * The schemas of a registry as the document's components, each referring to the others by
 * `#/components/schemas/<id>`. What zod puts in `__shared` (schemas used in several places but not
 * named) becomes components of their own.
 */
function components(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const converted = z.toJSONSchema(registry, { target: 'draft-2020-12', io, unrepresentable: 'any', uri: (id) => `${COMPONENTS}${id}` }) as {
    schemas: Record<string, JsonSchema & { $defs?: Record<string, JsonSchema> }>;
  };
  const { __shared: shared, ...named } = converted.schemas;
  const prefix = io === 'input' ? 'SharedInput' : 'Shared';
  const out: Record<string, JsonSchema> = { ...named };
  for (const [key, schema] of Object.entries(shared?.$defs ?? {})) out[`${prefix}_${key}`] = schema;
  const text = JSON.stringify(out, (key, value: unknown) => {
    if (key === '$id' || key === '$schema') return undefined;
    if ((key === 'minimum' || key === 'maximum') && SAFE_INTEGER_BOUNDS.has(value as number)) return undefined;
    return value;
  });
  return JSON.parse(text.replaceAll(`${COMPONENTS}__shared#/$defs/`, `${COMPONENTS}${prefix}_`)) as Record<string, JsonSchema>;
}

function routeEntries(): [RouteName, RouteSpec][] {
  return Object.entries(ROUTES) as [RouteName, RouteSpec][];
}

function operation(name: RouteName, spec: RouteSpec, path: string, bodyId: string | undefined): JsonSchema {
  // a path with its parameters filled in, for the permission rules (`/runs/{id}/pause` → `/runs/x/pause`)
  const permission = requiredPermission(spec.method, path.replace(/\{\w+\}/g, 'x'));
  const parameters = [
    ...[...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
    ...(spec.query ? queryParameters(spec.query) : []),
  ];
  const doc = ROUTE_DOCS[name];
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(doc.responses)) {
    responses[status] =
      typeof answer === 'string'
        ? { description: answer, content: { 'application/json': { schema: { $ref: `${COMPONENTS}${answer}` } } } }
        : 'type' in answer
          ? { description: answer.description, content: { [answer.type]: {} } }
          : { description: answer.description };
  }
  responses.default = { $ref: '#/components/responses/Error' };
  return {
    operationId: name,
    summary: doc.summary,
    description: `Needs the role \`${permission.role}\` (${permission.what}).`,
    'x-flowflare-role': permission.role,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(bodyId
      ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `${COMPONENTS}${bodyId}` } } } } }
      : doc.otherBody
        ? { requestBody: { required: true, description: doc.otherBody.description, content: { [doc.otherBody.type]: {} } } }
        : {}),
    responses,
  };
}

/** The query parameters of an object schema, one per property. */
function queryParameters(schema: AnySchema): JsonSchema[] {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema & {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

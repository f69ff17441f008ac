import * as z from 'zod/mini';
import type { JsonObject, JsonValue } from './json.js';

/**
 * Any JSON value, one schema for every place that takes or gives one (the OpenAPI document names it
 * `JsonValue` once and refers to it).
 */
export const jsonValueSchema = z.json() as unknown as z.ZodMiniType<JsonValue>;

/** A JSON object, such as metadata. */
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema) as unknown as z.ZodMiniType<JsonObject>;

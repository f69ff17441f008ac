import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parse as parseToml, TomlError } from 'smol-toml';
import { UserError } from '../shared/errors.js';
import { editJsonc } from './jsonc-edit.js';
import { editToml } from './toml-edit.js';

/** The three files wrangler reads its configuration from. */
export type ConfigFormat = 'toml' | 'json' | 'jsonc';

/** A key path into the configuration, such as `['d1_databases', 0, 'database_id']`. */
export type ConfigPath = readonly (string | number)[];

/**
 * One change to a wrangler config. `set` adds a key that is not there yet; `append` adds an element
 * to an array, creating the array when it is missing. `comment` says why, in formats that keep
 * comments, when the edit creates a new section.
 */
export interface ConfigEdit {
  op: 'set' | 'append';
  path: ConfigPath;
  value: unknown;
  comment?: string;
}

/** A wrangler config file as read from disk: its text and the plain data it parses to. */
export interface ConfigDocument {
  path: string;
  format: ConfigFormat;
  text: string;
  data: Record<string, unknown>;
}

/** The format of a config file, from its name. */
export function formatOf(path: string): ConfigFormat {
  if (path.endsWith('.toml')) return 'toml';
  if (path.endsWith('.jsonc')) return 'jsonc';
  if (path.endsWith('.json')) return 'json';
  throw new UserError(`${basename(path)}: a wrangler config must end in .toml, .json or .jsonc`);
}

/**
 * Parses a wrangler config with the rules wrangler applies (TOML 1.0; JSON with comments and
 * trailing commas for both `.json` and `.jsonc`).
 * @throws UserError naming the file, line and column when the text does not parse
 */
export function parseConfig(path: string, text: string): ConfigDocument {
  const format = formatOf(path);
  const data = format === 'toml' ? parseTomlText(path, text) : parseJsoncText(path, text);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UserError(`${basename(path)} does not hold an object at the top level`);
  }
  return { path, format, text, data: data as Record<string, unknown> };
}

function parseTomlText(path: string, text: string): unknown {
  try {
    return parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new UserError(pointAt(path, text, error.line, error.column, reason), { code: 'CONFIG_PARSE', cause: error });
  }
}

function parseJsoncText(path: string, text: string): unknown {
  const errors: ParseError[] = [];
  const data: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const before = text.slice(0, first.offset).split('\n');
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    throw new UserError(pointAt(path, text, line, column, describeJsonError(first)), { code: 'CONFIG_PARSE' });
  }
  return data;
}

function describeJsonError(error: ParseError): string {
  // `ColonExpected` → `colon expected`
  return printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function pointAt(path: string, text: string, line: number, column: number, reason: string): string {
  const source = text.split(/\r?\n/)[line - 1]?.trim() ?? '';
  const shown = source.length > 60 ? `${source.slice(0, 57)}...` : source;
  return `${basename(path)}:${line}:${column}: does not parse: ${reason}${shown ? ` (line ${line}: ${shown})` : ''}`;
}

/**
 * The data a config holds once `edits` are applied, computed on plain values. Objects along each
 * edited path are copied; everything else is shared with `data`.
 */
export function applyEditsToValue(data: Record<string, unknown>, edits: readonly ConfigEdit[]): Record<string, unknown> {
  let result = data;
  for (const edit of edits) result = applyEdit(result, edit.path, edit) as Record<string, unknown>;
  return result;
}

function applyEdit(node: unknown, path: ConfigPath, edit: ConfigEdit): unknown {
  if (path.length === 0) {
    if (edit.op === 'set') return edit.value;
    return Array.isArray(node) ? [...node, edit.value] : [edit.value];
  }
  const [head, ...rest] = path;
  if (Array.isArray(node)) {
    const copy = [...node];
    copy[head as number] = applyEdit(copy[head as number], rest, edit);
    return copy;
  }
  const object = typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : {};
  return { ...object, [head as string]: applyEdit(object[head as string], rest, edit) };
}

/**
 * Applies `edits` to the text of a config, keeping its comments, key order and formatting, then
 * parses the result again and checks that it holds exactly the intended data.
 * @throws Error when the edited text would not mean what was intended (nothing is written then)
 */
export function editConfig(doc: ConfigDocument, edits: readonly ConfigEdit[]): string {
  if (edits.length === 0) return doc.text;
  const text = doc.format === 'toml' ? editToml(doc.text, edits) : editJsonc(doc.text, edits, doc.format === 'jsonc');
  const expected = toPlain(applyEditsToValue(doc.data, edits));
  const actual = toPlain(parseConfig(doc.path, text).data);
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(
      `editing ${basename(doc.path)} produced text that does not hold the intended settings; nothing was written.\n` +
        `expected: ${JSON.stringify(expected)}\nactual:   ${JSON.stringify(actual)}`,
    );
  }
  return text;
}

// Parsers hand out null-prototype tables; compare contents, not prototypes.
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlain(item)]));
  }
  return value;
}

import {
  applyEdits,
  createScanner,
  findNodeAtLocation,
  modify,
  parseTree,
  type Edit,
  type JSONPath,
  type Node,
} from 'jsonc-parser';
import type { ConfigEdit } from './config-document.js';

// jsonc-parser declares SyntaxKind as an ambient const enum, which isolated modules cannot read.
const COMMA_TOKEN = 5;
const LINE_COMMENT = 12;
const BLOCK_COMMENT = 13;
const LINE_BREAK = 14;
const WHITESPACE = 15;

interface Style {
  eol: string;
  unit: string;
}

/**
 * Applies edits to JSON or JSONC text. New keys and array elements are inserted after the last
 * existing one, indented like it, after any comment on its line; single-line objects and arrays stay
 * on one line. Nothing else in the file is re-formatted (jsonc-parser's own formatter would re-flow
 * the neighbouring lines). The caller re-parses the result to verify it.
 * @param withComments whether a new section gets a `//` comment saying what it is for
 */
export function editJsonc(text: string, edits: readonly ConfigEdit[], withComments: boolean): string {
  let result = text;
  for (const edit of edits) result = applyEdits(result, editsFor(result, edit, withComments));
  return result;
}

function editsFor(text: string, edit: ConfigEdit, withComments: boolean): Edit[] {
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (!root) throw new Error('cannot edit an empty JSON document');
  const style = detectStyle(text);
  const path = edit.path as JSONPath;
  const target = findNodeAtLocation(root, path);
  if (edit.op === 'append' && target?.type === 'array') {
    return insertInto(text, target, undefined, edit.value, style, undefined);
  }
  const parent = path.length > 1 ? findNodeAtLocation(root, path.slice(0, -1)) : root;
  const value = edit.op === 'append' ? [edit.value] : edit.value;
  if (!target && parent?.type === 'object') {
    const comment = withComments ? edit.comment : undefined;
    return insertInto(text, parent, String(path[path.length - 1]), value, style, comment);
  }
  // Replacing an existing value: jsonc-parser rewrites just that value.
  return modify(text, path, value, {});
}

function insertInto(
  text: string,
  container: Node,
  key: string | undefined,
  value: unknown,
  style: Style,
  comment: string | undefined,
): Edit[] {
  const prefix = key === undefined ? '' : `${JSON.stringify(key)}: `;
  const children = container.children ?? [];
  const last = children[children.length - 1];
  const close = container.offset + container.length - 1;
  if (!last) {
    const outer = indentOfLine(text, container.offset);
    const inner = outer + style.unit;
    const note = comment ? `${inner}// ${comment}${style.eol}` : '';
    const content = `${style.eol}${note}${inner}${prefix}${pretty(value, inner, style)}${style.eol}${outer}`;
    return [{ offset: container.offset + 1, length: close - container.offset - 1, content }];
  }
  const lastEnd = last.offset + last.length;
  const after = scanLineAfter(text, lastEnd);
  if (!text.slice(lastEnd, close).includes('\n')) {
    // `{ "a": 1 }` stays on one line: `{ "a": 1, "b": 2 }`
    const content = after.comma === undefined ? `, ${prefix}${inline(value)}` : ` ${prefix}${inline(value)}`;
    return [{ offset: after.comma === undefined ? lastEnd : after.comma + 1, length: 0, content }];
  }
  const indent = indentOfLine(text, last.offset);
  const note = comment ? `${indent}// ${comment}${style.eol}` : '';
  const line = `${style.eol}${note}${indent}${prefix}${pretty(value, indent, style)}`;
  const edits: Edit[] = [];
  if (after.comma === undefined) edits.push({ offset: lastEnd, length: 0, content: ',' });
  edits.push({ offset: after.lineEnd, length: 0, content: line });
  return edits;
}

/** Where the line of the last element ends (after its comma and comments), and its comma if any. */
function scanLineAfter(text: string, offset: number): { comma: number | undefined; lineEnd: number } {
  const scanner = createScanner(text, false);
  scanner.setPosition(offset);
  let comma: number | undefined;
  let lineEnd = offset;
  for (;;) {
    const kind: number = scanner.scan();
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    if (kind === COMMA_TOKEN && comma === undefined) {
      comma = start;
      lineEnd = end;
    } else if (kind === WHITESPACE || kind === LINE_COMMENT) {
      lineEnd = end;
    } else if (kind === BLOCK_COMMENT) {
      lineEnd = end;
      if (text.slice(start, end).includes('\n')) return { comma, lineEnd };
    } else if (kind === LINE_BREAK) {
      return { comma, lineEnd: start };
    } else {
      return { comma, lineEnd: start };
    }
  }
}

function indentOfLine(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

function detectStyle(text: string): Style {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = /^([ \t]+)["/]/m.exec(text)?.[1] ?? '  ';
  return { eol, unit };
}

function pretty(value: unknown, indent: string, style: Style): string {
  return JSON.stringify(value, null, style.unit).split('\n').join(style.eol + indent);
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
    return `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

import { parse, patch, stringify } from '@decimalturn/toml-patch';
import { applyEditsToValue, type ConfigEdit } from './config-document.js';

/**
 * Applies edits to TOML text without touching what it does not change. Edits inside existing keys
 * and tables go through toml-patch, which keeps comments and layout. A section the file does not
 * have yet (`[[d1_databases]]`, `[durable_objects]`…) is appended at the end as a generated block
 * with a comment, since toml-patch cannot create a new array of tables. The caller re-parses the
 * result to verify it.
 */
export function editToml(text: string, edits: readonly ConfigEdit[]): string {
  const original = parse(text) as Record<string, unknown>;
  const inPlace: ConfigEdit[] = [];
  const newSections = new Map<string, ConfigEdit[]>();
  for (const edit of edits) {
    const key = edit.path[0];
    if (typeof key === 'string' && !(key in original) && isTableLike(edit)) {
      newSections.set(key, [...(newSections.get(key) ?? []), edit]);
    } else {
      inPlace.push(edit);
    }
  }
  let result = inPlace.length > 0 ? patch(text, applyEditsToValue(original, inPlace)) : text;
  for (const [key, sectionEdits] of newSections) {
    const value = applyEditsToValue({}, sectionEdits)[key];
    const comment = sectionEdits.find((edit) => edit.comment)?.comment;
    result = appendBlock(result, stringify({ [key]: value }), comment);
  }
  return result;
}

function isTableLike(edit: ConfigEdit): boolean {
  const isTable = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (edit.path.length > 1) return true; // lands inside a new table
  if (edit.op === 'append') return isTable(edit.value);
  return isTable(edit.value) || (Array.isArray(edit.value) && edit.value.length > 0 && edit.value.every(isTable));
}

function appendBlock(text: string, block: string, comment: string | undefined): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const body = (comment ? `# ${comment}\n` : '') + block.trimEnd() + '\n';
  const separator = text.length === 0 || /\n\s*\n$/.test(text) ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return text + separator.replace(/\n/g, eol) + body.replace(/\n/g, eol);
}

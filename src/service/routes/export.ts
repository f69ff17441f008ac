import { ValidationError } from '../../shared/errors.js';
import { ARCHIVE_FORMAT, archivedRuns, restoredCount, restoreStatements, type ArchivedRun } from '../../store/archive.js';
import { nowIso } from '../../ingest/serialize.js';
import { auditStatement } from '../../store/audit.js';
import { writeBatch } from '../../store/batch.js';
import { listRunRows, type Keyset } from '../../store/queries.js';
import { toNdjson } from '../archive.js';
import { readText } from '../body.js';
import { callerOf, json } from '../context.js';
import type { RouteHandlers } from '../route-table.js';
import { serviceDb } from '../storage.js';
import { toRunFilters } from './filters.js';

/** Runs read per page of an export. */
const EXPORT_PAGE = 100;
/** Runs restored per D1 batch. */
const RESTORE_BATCH = 20;
/** Largest import body, in bytes (an archive file of a day is far smaller). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** True when a parsed line looks like an archived run. */
function isArchivedRun(value: unknown): value is ArchivedRun {
  const v = value as Partial<ArchivedRun> | null;
  return (
    typeof v === 'object' && v !== null && v.format === ARCHIVE_FORMAT && typeof v.run?.id === 'string' && typeof v.workflow?.name === 'string' &&
    Array.isArray(v.steps) && Array.isArray(v.attempts)
  );
}

/**
 * `GET /api/export`: every run the filters select (the list's filters, the key's scopes), newest
 * first, as NDJSON in the archive format, streamed page by page. `POST /api/import` (admin):
 * restores NDJSON in that format (an export, or an archive file gunzipped); runs already recorded
 * are left as they are.
 */
export function exportHandlers(): Pick<RouteHandlers, 'exportRuns' | 'importRuns'> {
  return {
  exportRuns: ({ request, env, query: q }) => {
    const filters = toRunFilters(q, callerOf(request));
    const db = serviceDb(env);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    const pump = async () => {
      let after: Keyset | undefined;
      try {
        do {
          const page = await listRunRows(db, filters, EXPORT_PAGE, after);
          const records = await archivedRuns(db, page.rows.map((r) => r.id));
          if (records.length > 0) await writer.write(encoder.encode(toNdjson(records)));
          after = page.next ?? undefined;
        } while (after);
        await writer.close();
      } catch (error) {
        console.error('[flowflare] export stopped:', error);
        await writer.abort(error);
      }
    };
    void pump();
    return new Response(readable, { headers: { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' } });
  },

  importRuns: async ({ request, env }) => {
    const text = await readText(request, MAX_IMPORT_BYTES);
    const db = serviceDb(env);
    const records: ArchivedRun[] = [];
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new ValidationError(`line ${i + 1}: not JSON`);
      }
      if (!isArchivedRun(value)) throw new ValidationError(`line ${i + 1}: not a run in the ${ARCHIVE_FORMAT} format (see GET /api/export)`);
      records.push(value);
    });
    let restored = 0;
    for (let i = 0; i < records.length; i += RESTORE_BATCH) {
      const { results } = await writeBatch(db, records.slice(i, i + RESTORE_BATCH).flatMap(restoreStatements));
      restored += restoredCount(results);
    }
    const answer = { runs: records.length, restored, skipped: records.length - restored };
    await writeBatch(db, [auditStatement(callerOf(request), { action: 'import', details: answer }, nowIso())]);
    return json(answer);
  },
  };
}

import type { ArchivedRun } from '../store/archive.js';

/** Where archives go in the bucket. */
export const ARCHIVE_PREFIX = 'flowflare/';

/** One archive file as the day's manifest lists it. */
export interface ArchiveFile {
  key: string;
  status: string;
  runs: number;
  bytes: number;
  /** The oldest and newest last change of the runs in the file. */
  first_updated_at: string;
  last_updated_at: string;
  archived_at: string;
}

/** A day's manifest: every archive file of runs that ended that day (UTC). */
export interface ArchiveManifest {
  date: string;
  files: ArchiveFile[];
}

/** Runs as NDJSON, one line each. */
export function toNdjson(records: readonly ArchivedRun[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

async function gzip(text: string): Promise<ArrayBuffer> {
  return new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
}

/**
 * Writes runs to R2 before they are deleted: gzip NDJSON files partitioned by the day each run
 * ended (`flowflare/runs/date=2026-12-03/completed-…ndjson.gz`, as DuckDB's `read_json` and
 * hive partitioning read them), and the day's manifest (`flowflare/manifest/date=2026-12-03.json`)
 * updated to list them. Throws when R2 refuses: the caller then keeps the runs.
 */
export async function archiveRuns(bucket: R2Bucket, status: string, records: readonly ArchivedRun[], now: number): Promise<ArchiveFile[]> {
  const byDay = new Map<string, ArchivedRun[]>();
  for (const r of records) {
    const day = r.run.updated_at.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  const written: ArchiveFile[] = [];
  for (const [day, runs] of byDay) {
    const first = runs[0]!.run;
    const last = runs.at(-1)!.run;
    const key = `${ARCHIVE_PREFIX}runs/date=${day}/${status.toLowerCase()}-${first.updated_at.replace(/[-:.]/g, '')}-${first.id}.ndjson.gz`;
    const body = await gzip(toNdjson(runs));
    await bucket.put(key, body, {
      httpMetadata: { contentType: 'application/x-ndjson', contentEncoding: 'gzip' },
      customMetadata: { runs: String(runs.length), status },
    });
    const file: ArchiveFile = { key, status, runs: runs.length, bytes: body.byteLength, first_updated_at: first.updated_at, last_updated_at: last.updated_at, archived_at: new Date(now).toISOString() };
    const manifestKey = `${ARCHIVE_PREFIX}manifest/date=${day}.json`;
    const existing = await bucket.get(manifestKey);
    const manifest: ArchiveManifest = existing ? await existing.json<ArchiveManifest>() : { date: day, files: [] };
    manifest.files = [...manifest.files.filter((f) => f.key !== key), file];
    await bucket.put(manifestKey, JSON.stringify(manifest, null, 2), { httpMetadata: { contentType: 'application/json' } });
    written.push(file);
  }
  return written;
}

/** Reads an archive file back: its runs. */
export async function readArchive(bucket: R2Bucket, key: string): Promise<ArchivedRun[]> {
  const object = await bucket.get(key);
  if (!object) return [];
  const text = await new Response(object.body.pipeThrough(new DecompressionStream('gzip'))).text();
  return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as ArchivedRun);
}

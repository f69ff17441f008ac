-- Flowflare schema, version 2: what the workflow service needs to start runs idempotently and to
-- answer every filter of its API from an index.
-- No BEGIN/SAVEPOINT transaction statements: remote D1 applies each migration file in its own
-- transaction. (The BEGIN ... END below delimit trigger bodies, which is not a transaction.)

-- Idempotent start: a repeated start with the same key for the same workflow returns the first run.
ALTER TABLE workflow_runs ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX runs_idempotency ON workflow_runs (workflow_name, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- Runs of one workflow in one status (the dashboard's most common filter), and counts by status.
CREATE INDEX runs_by_name_status ON workflow_runs (workflow_name, status, created_at DESC, id DESC);
-- Runs of one kind of business object ("every campaign run"), newest first, without a sort.
CREATE INDEX runs_by_ref_type ON workflow_runs (ref_type, created_at DESC, id DESC);

-- Metadata key/value pairs of runs and workflows, one row per top-level key, so that a metadata
-- filter is an index search instead of a json_extract over every row. Triggers keep them in step
-- with the JSON columns whoever writes them (tracking, the service, or the user's own SQL).
-- Values are stored as text: strings as they are, numbers as written, booleans as true/false.
-- (No CASE ... END inside trigger bodies: wrangler's statement splitter would misread its END.)
CREATE TABLE workflow_run_metadata (
  run_id      TEXT NOT NULL,
  key         TEXT NOT NULL,
  value       TEXT,
  created_at  TEXT NOT NULL,   -- copy of the run's created_at: the index below pages by it
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX run_metadata_lookup ON workflow_run_metadata (key, value, created_at DESC, run_id DESC);

CREATE TABLE workflow_metadata (
  workflow_id INTEGER NOT NULL,
  key         TEXT NOT NULL,
  value       TEXT,
  PRIMARY KEY (workflow_id, key)
) WITHOUT ROWID;
CREATE INDEX workflow_metadata_lookup ON workflow_metadata (key, value, workflow_id);

CREATE TRIGGER run_metadata_after_insert AFTER INSERT ON workflow_runs
WHEN new.metadata IS NOT NULL AND json_valid(new.metadata) AND json_type(new.metadata) = 'object'
BEGIN
  INSERT OR REPLACE INTO workflow_run_metadata (run_id, key, value, created_at)
  SELECT new.id, j.key,
         iif(j.type IN ('true', 'false'), j.type, CAST(j.value AS TEXT)),
         new.created_at
  FROM json_each(new.metadata) j;
END;

CREATE TRIGGER run_metadata_after_update AFTER UPDATE OF metadata ON workflow_runs
BEGIN
  DELETE FROM workflow_run_metadata WHERE run_id = new.id;
  INSERT OR REPLACE INTO workflow_run_metadata (run_id, key, value, created_at)
  SELECT new.id, j.key,
         iif(j.type IN ('true', 'false'), j.type, CAST(j.value AS TEXT)),
         new.created_at
  FROM json_each(iif(json_valid(new.metadata) AND json_type(new.metadata) = 'object', new.metadata, '{}')) j;
END;

CREATE TRIGGER workflow_metadata_after_insert AFTER INSERT ON workflow
WHEN new.metadata IS NOT NULL AND json_valid(new.metadata) AND json_type(new.metadata) = 'object'
BEGIN
  INSERT OR REPLACE INTO workflow_metadata (workflow_id, key, value)
  SELECT new.id, j.key,
         iif(j.type IN ('true', 'false'), j.type, CAST(j.value AS TEXT))
  FROM json_each(new.metadata) j;
END;

CREATE TRIGGER workflow_metadata_after_update AFTER UPDATE OF metadata ON workflow
BEGIN
  DELETE FROM workflow_metadata WHERE workflow_id = new.id;
  INSERT OR REPLACE INTO workflow_metadata (workflow_id, key, value)
  SELECT new.id, j.key,
         iif(j.type IN ('true', 'false'), j.type, CAST(j.value AS TEXT))
  FROM json_each(iif(json_valid(new.metadata) AND json_type(new.metadata) = 'object', new.metadata, '{}')) j;
END;

-- Rows written before this migration.
INSERT OR REPLACE INTO workflow_run_metadata (run_id, key, value, created_at)
SELECT r.id, j.key,
       iif(j.type IN ('true', 'false'), j.type, CAST(j.value AS TEXT)),
       r.created_at
FROM workflow_runs r, json_each(r.metadata) j
WHERE r.metadata IS NOT NULL AND json_valid(r.metadata) AND json_type(r.metadata) = 'object';

INSERT OR REPLACE INTO workflow_metadata (workflow_id, key, value)
SELECT w.id, j.key,
       iif(j.type IN ('true', 'false'), j.type, CAST(j.value AS TEXT))
FROM workflow w, json_each(w.metadata) j
WHERE w.metadata IS NOT NULL AND json_valid(w.metadata) AND json_type(w.metadata) = 'object';

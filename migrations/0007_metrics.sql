-- Flowflare schema, version 7: metrics rollups, kept by triggers in the same transaction (the same
-- D1 batch) as the record write that moves a run or step, so they cost no extra round trip and
-- every writer (followers, tracking helpers, the service) keeps them. A run counts once per move
-- into a status: a rewritten or replayed terminal record finds the stored status already terminal
-- and adds nothing. Rollups outlive the runs (retention prunes runs, not rollups).
-- No BEGIN/SAVEPOINT: remote D1 applies each migration file in its own transaction. (The BEGIN ...
-- END below delimit trigger bodies; no CASE ... END inside them: wrangler's splitter misreads it.)

-- Run counts and duration sketches per grain (minute, hour, day), bucket start (ISO-8601, UTC),
-- workflow and ref_type. '*' is "all" (one row for every workflow, or every ref_type), '' is a run
-- without ref_type. Sketches are sparse JSON objects {bucket index: count} of a logarithmic
-- sketch with relative error 0.02: index = 1 + ceil(ln(ms) / ln(1.02 / 0.98)), 0 for 0 ms.
CREATE TABLE metrics_runs (
  grain          TEXT    NOT NULL,
  bucket         TEXT    NOT NULL,
  workflow_name  TEXT    NOT NULL,
  ref_type       TEXT    NOT NULL,
  started        INTEGER NOT NULL DEFAULT 0,
  completed      INTEGER NOT NULL DEFAULT 0,
  errored        INTEGER NOT NULL DEFAULT 0,
  terminated     INTEGER NOT NULL DEFAULT 0,
  duration       TEXT    NOT NULL DEFAULT '{}',   -- created -> finished, of runs finished in the bucket
  queued         TEXT    NOT NULL DEFAULT '{}',   -- created -> first started, of runs started in the bucket
  PRIMARY KEY (grain, workflow_name, ref_type, bucket)
) WITHOUT ROWID;
CREATE INDEX metrics_runs_age ON metrics_runs (grain, bucket);

-- Finished executions of durable steps ('do') per grain, bucket, workflow and step name.
CREATE TABLE metrics_steps (
  grain          TEXT    NOT NULL,
  bucket         TEXT    NOT NULL,
  workflow_name  TEXT    NOT NULL,
  step_name      TEXT    NOT NULL,
  count          INTEGER NOT NULL DEFAULT 0,
  errored        INTEGER NOT NULL DEFAULT 0,
  attempts       INTEGER NOT NULL DEFAULT 0,
  retries        INTEGER NOT NULL DEFAULT 0,
  duration       TEXT    NOT NULL DEFAULT '{}',
  PRIMARY KEY (grain, workflow_name, step_name, bucket)
) WITHOUT ROWID;
CREATE INDEX metrics_steps_age ON metrics_steps (grain, bucket);

-- Error messages (whitespace folded, cut to 200 characters) of errored runs (step_name '') and
-- failed steps, per hour and day. At most 50 messages per workflow and bucket; the rest count as
-- '(other errors)'. examples: the newest 5 runs that had it, [time, run id], newest first.
CREATE TABLE metrics_errors (
  grain          TEXT    NOT NULL,
  bucket         TEXT    NOT NULL,
  workflow_name  TEXT    NOT NULL,
  step_name      TEXT    NOT NULL,
  message        TEXT    NOT NULL,
  count          INTEGER NOT NULL DEFAULT 0,
  first_seen     TEXT    NOT NULL,
  last_seen      TEXT    NOT NULL,
  examples       TEXT    NOT NULL DEFAULT '[]',
  PRIMARY KEY (grain, workflow_name, bucket, step_name, message)
) WITHOUT ROWID;
CREATE INDEX metrics_errors_age ON metrics_errors (grain, bucket);

-- Runs being restored from an archive (POST /api/import): rollups already hold them (they outlive
-- the runs), so their rows are not counted again. The import's batch fills and empties it.
CREATE TABLE metrics_restoring (
  run_id TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TRIGGER metrics_run_started_insert AFTER INSERT ON workflow_runs
WHEN new.started_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM metrics_restoring WHERE run_id = new.id)
BEGIN
  INSERT INTO metrics_runs (grain, bucket, workflow_name, ref_type, started, queued)
  SELECT g.grain, strftime(g.fmt, new.started_at), d.wf, d.rt, 1, json_object(CAST(iif(max(0, CAST(round((julianday(new.started_at) - julianday(new.created_at)) * 86400000) AS INTEGER)) < 1, 0, 1 + CAST(ceil(ln(max(0, CAST(round((julianday(new.started_at) - julianday(new.created_at)) * 86400000) AS INTEGER))) / 0.04000533461369913) AS INTEGER)) AS TEXT), 1)
  FROM (SELECT 'minute' AS grain, '%Y-%m-%dT%H:%M:00.000Z' AS fmt UNION ALL SELECT 'hour', '%Y-%m-%dT%H:00:00.000Z' UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g, (SELECT new.workflow_name AS wf, ifnull(new.ref_type, '') AS rt UNION ALL SELECT new.workflow_name, '*' UNION ALL SELECT '*', ifnull(new.ref_type, '') UNION ALL SELECT '*', '*') d
  WHERE true
  ON CONFLICT (grain, workflow_name, ref_type, bucket) DO UPDATE SET
    started = started + 1,
    queued = iif(excluded.queued = '{}', metrics_runs.queued, json_set(metrics_runs.queued, '$."' || (SELECT key FROM json_each(excluded.queued)) || '"', ifnull(json_extract(metrics_runs.queued, '$."' || (SELECT key FROM json_each(excluded.queued)) || '"'), 0) + 1));
END;

CREATE TRIGGER metrics_run_started_update AFTER UPDATE OF started_at ON workflow_runs
WHEN old.started_at IS NULL AND new.started_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM metrics_restoring WHERE run_id = new.id)
BEGIN
  INSERT INTO metrics_runs (grain, bucket, workflow_name, ref_type, started, queued)
  SELECT g.grain, strftime(g.fmt, new.started_at), d.wf, d.rt, 1, json_object(CAST(iif(max(0, CAST(round((julianday(new.started_at) - julianday(new.created_at)) * 86400000) AS INTEGER)) < 1, 0, 1 + CAST(ceil(ln(max(0, CAST(round((julianday(new.started_at) - julianday(new.created_at)) * 86400000) AS INTEGER))) / 0.04000533461369913) AS INTEGER)) AS TEXT), 1)
  FROM (SELECT 'minute' AS grain, '%Y-%m-%dT%H:%M:00.000Z' AS fmt UNION ALL SELECT 'hour', '%Y-%m-%dT%H:00:00.000Z' UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g, (SELECT new.workflow_name AS wf, ifnull(new.ref_type, '') AS rt UNION ALL SELECT new.workflow_name, '*' UNION ALL SELECT '*', ifnull(new.ref_type, '') UNION ALL SELECT '*', '*') d
  WHERE true
  ON CONFLICT (grain, workflow_name, ref_type, bucket) DO UPDATE SET
    started = started + 1,
    queued = iif(excluded.queued = '{}', metrics_runs.queued, json_set(metrics_runs.queued, '$."' || (SELECT key FROM json_each(excluded.queued)) || '"', ifnull(json_extract(metrics_runs.queued, '$."' || (SELECT key FROM json_each(excluded.queued)) || '"'), 0) + 1));
END;

CREATE TRIGGER metrics_run_finished_insert AFTER INSERT ON workflow_runs
WHEN new.status IN ('Completed', 'Errored', 'Terminated') AND NOT EXISTS (SELECT 1 FROM metrics_restoring WHERE run_id = new.id)
BEGIN
  INSERT INTO metrics_runs (grain, bucket, workflow_name, ref_type, completed, errored, terminated, duration)
  SELECT g.grain, strftime(g.fmt, ifnull(new.completed_at, new.updated_at)), d.wf, d.rt,
         new.status = 'Completed', new.status = 'Errored', new.status = 'Terminated',
         json_object(CAST(iif(max(0, CAST(round((julianday(ifnull(new.completed_at, new.updated_at)) - julianday(new.created_at)) * 86400000) AS INTEGER)) < 1, 0, 1 + CAST(ceil(ln(max(0, CAST(round((julianday(ifnull(new.completed_at, new.updated_at)) - julianday(new.created_at)) * 86400000) AS INTEGER))) / 0.04000533461369913) AS INTEGER)) AS TEXT), 1)
  FROM (SELECT 'minute' AS grain, '%Y-%m-%dT%H:%M:00.000Z' AS fmt UNION ALL SELECT 'hour', '%Y-%m-%dT%H:00:00.000Z' UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g, (SELECT new.workflow_name AS wf, ifnull(new.ref_type, '') AS rt UNION ALL SELECT new.workflow_name, '*' UNION ALL SELECT '*', ifnull(new.ref_type, '') UNION ALL SELECT '*', '*') d
  WHERE true
  ON CONFLICT (grain, workflow_name, ref_type, bucket) DO UPDATE SET
    completed = completed + excluded.completed,
    errored = errored + excluded.errored,
    terminated = terminated + excluded.terminated,
    duration = iif(excluded.duration = '{}', metrics_runs.duration, json_set(metrics_runs.duration, '$."' || (SELECT key FROM json_each(excluded.duration)) || '"', ifnull(json_extract(metrics_runs.duration, '$."' || (SELECT key FROM json_each(excluded.duration)) || '"'), 0) + 1));
  INSERT INTO metrics_errors (grain, bucket, workflow_name, step_name, message, count, first_seen, last_seen, examples)
  SELECT x.grain, x.bucket, x.wf, x.step,
         iif(EXISTS (SELECT 1 FROM metrics_errors e WHERE e.grain = x.grain AND e.workflow_name = x.wf AND e.bucket = x.bucket AND e.step_name = x.step AND e.message = x.msg)
             OR (SELECT count(*) FROM metrics_errors e WHERE e.grain = x.grain AND e.workflow_name = x.wf AND e.bucket = x.bucket) < 50,
             x.msg, '(other errors)'),
         1, x.at, x.at, json_array(json_array(x.at, x.run_id))
  FROM (SELECT g.grain, strftime(g.fmt, ifnull(new.completed_at, new.updated_at)) AS bucket, new.workflow_name AS wf, '' AS step, substr(trim(replace(replace(replace(iif(json_valid(new.error), ifnull(json_extract(new.error, '$.message'), new.error), new.error), char(13), ' '), char(10), ' '), char(9), ' ')), 1, 200) AS msg, ifnull(new.completed_at, new.updated_at) AS at, new.id AS run_id
        FROM (SELECT 'hour' AS grain, '%Y-%m-%dT%H:00:00.000Z' AS fmt UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g) x
  WHERE new.status = 'Errored' AND x.wf IS NOT NULL AND x.msg IS NOT NULL AND x.msg != ''
  ON CONFLICT (grain, workflow_name, bucket, step_name, message) DO UPDATE SET
    count = count + 1,
    first_seen = min(first_seen, excluded.first_seen),
    last_seen = max(last_seen, excluded.last_seen),
    examples = iif(EXISTS (SELECT 1 FROM json_each(metrics_errors.examples) WHERE json_extract(value, '$[1]') = json_extract(excluded.examples, '$[0][1]')),
                   metrics_errors.examples,
                   (SELECT json_group_array(json(v)) FROM (
                      SELECT value AS v FROM json_each(json_insert(metrics_errors.examples, '$[#]', json(json_extract(excluded.examples, '$[0]'))))
                      ORDER BY json_extract(value, '$[0]') DESC LIMIT 5)));
END;

CREATE TRIGGER metrics_run_finished_update AFTER UPDATE OF status ON workflow_runs
WHEN new.status IN ('Completed', 'Errored', 'Terminated') AND old.status NOT IN ('Completed', 'Errored', 'Terminated') AND NOT EXISTS (SELECT 1 FROM metrics_restoring WHERE run_id = new.id)
BEGIN
  INSERT INTO metrics_runs (grain, bucket, workflow_name, ref_type, completed, errored, terminated, duration)
  SELECT g.grain, strftime(g.fmt, ifnull(new.completed_at, new.updated_at)), d.wf, d.rt,
         new.status = 'Completed', new.status = 'Errored', new.status = 'Terminated',
         json_object(CAST(iif(max(0, CAST(round((julianday(ifnull(new.completed_at, new.updated_at)) - julianday(new.created_at)) * 86400000) AS INTEGER)) < 1, 0, 1 + CAST(ceil(ln(max(0, CAST(round((julianday(ifnull(new.completed_at, new.updated_at)) - julianday(new.created_at)) * 86400000) AS INTEGER))) / 0.04000533461369913) AS INTEGER)) AS TEXT), 1)
  FROM (SELECT 'minute' AS grain, '%Y-%m-%dT%H:%M:00.000Z' AS fmt UNION ALL SELECT 'hour', '%Y-%m-%dT%H:00:00.000Z' UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g, (SELECT new.workflow_name AS wf, ifnull(new.ref_type, '') AS rt UNION ALL SELECT new.workflow_name, '*' UNION ALL SELECT '*', ifnull(new.ref_type, '') UNION ALL SELECT '*', '*') d
  WHERE true
  ON CONFLICT (grain, workflow_name, ref_type, bucket) DO UPDATE SET
    completed = completed + excluded.completed,
    errored = errored + excluded.errored,
    terminated = terminated + excluded.terminated,
    duration = iif(excluded.duration = '{}', metrics_runs.duration, json_set(metrics_runs.duration, '$."' || (SELECT key FROM json_each(excluded.duration)) || '"', ifnull(json_extract(metrics_runs.duration, '$."' || (SELECT key FROM json_each(excluded.duration)) || '"'), 0) + 1));
  INSERT INTO metrics_errors (grain, bucket, workflow_name, step_name, message, count, first_seen, last_seen, examples)
  SELECT x.grain, x.bucket, x.wf, x.step,
         iif(EXISTS (SELECT 1 FROM metrics_errors e WHERE e.grain = x.grain AND e.workflow_name = x.wf AND e.bucket = x.bucket AND e.step_name = x.step AND e.message = x.msg)
             OR (SELECT count(*) FROM metrics_errors e WHERE e.grain = x.grain AND e.workflow_name = x.wf AND e.bucket = x.bucket) < 50,
             x.msg, '(other errors)'),
         1, x.at, x.at, json_array(json_array(x.at, x.run_id))
  FROM (SELECT g.grain, strftime(g.fmt, ifnull(new.completed_at, new.updated_at)) AS bucket, new.workflow_name AS wf, '' AS step, substr(trim(replace(replace(replace(iif(json_valid(new.error), ifnull(json_extract(new.error, '$.message'), new.error), new.error), char(13), ' '), char(10), ' '), char(9), ' ')), 1, 200) AS msg, ifnull(new.completed_at, new.updated_at) AS at, new.id AS run_id
        FROM (SELECT 'hour' AS grain, '%Y-%m-%dT%H:00:00.000Z' AS fmt UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g) x
  WHERE new.status = 'Errored' AND x.wf IS NOT NULL AND x.msg IS NOT NULL AND x.msg != ''
  ON CONFLICT (grain, workflow_name, bucket, step_name, message) DO UPDATE SET
    count = count + 1,
    first_seen = min(first_seen, excluded.first_seen),
    last_seen = max(last_seen, excluded.last_seen),
    examples = iif(EXISTS (SELECT 1 FROM json_each(metrics_errors.examples) WHERE json_extract(value, '$[1]') = json_extract(excluded.examples, '$[0][1]')),
                   metrics_errors.examples,
                   (SELECT json_group_array(json(v)) FROM (
                      SELECT value AS v FROM json_each(json_insert(metrics_errors.examples, '$[#]', json(json_extract(excluded.examples, '$[0]'))))
                      ORDER BY json_extract(value, '$[0]') DESC LIMIT 5)));
END;

CREATE TRIGGER metrics_step_finished_insert AFTER INSERT ON workflow_steps
WHEN new.status IN ('Completed', 'Failed') AND new.step_type = 'do' AND NOT EXISTS (SELECT 1 FROM metrics_restoring WHERE run_id = new.run_id)
BEGIN
  INSERT INTO metrics_steps (grain, bucket, workflow_name, step_name, count, errored, attempts, retries, duration)
  SELECT g.grain, strftime(g.fmt, ifnull(new.completed_at, new.updated_at)), w.wf, new.step_name, 1, new.status = 'Failed',
         max(new.attempts, 1), max(new.retry_count, new.attempts - 1, 0),
         iif(new.duration_ms IS NULL, '{}', json_object(CAST(iif(new.duration_ms < 1, 0, 1 + CAST(ceil(ln(new.duration_ms) / 0.04000533461369913) AS INTEGER)) AS TEXT), 1))
  FROM (SELECT 'minute' AS grain, '%Y-%m-%dT%H:%M:00.000Z' AS fmt UNION ALL SELECT 'hour', '%Y-%m-%dT%H:00:00.000Z' UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g, (SELECT (SELECT workflow_name FROM workflow_runs WHERE id = new.run_id) AS wf) w
  WHERE w.wf IS NOT NULL
  ON CONFLICT (grain, workflow_name, step_name, bucket) DO UPDATE SET
    count = count + 1,
    errored = errored + excluded.errored,
    attempts = attempts + excluded.attempts,
    retries = retries + excluded.retries,
    duration = iif(excluded.duration = '{}', metrics_steps.duration, json_set(metrics_steps.duration, '$."' || (SELECT key FROM json_each(excluded.duration)) || '"', ifnull(json_extract(metrics_steps.duration, '$."' || (SELECT key FROM json_each(excluded.duration)) || '"'), 0) + 1));
  INSERT INTO metrics_errors (grain, bucket, workflow_name, step_name, message, count, first_seen, last_seen, examples)
  SELECT x.grain, x.bucket, x.wf, x.step,
         iif(EXISTS (SELECT 1 FROM metrics_errors e WHERE e.grain = x.grain AND e.workflow_name = x.wf AND e.bucket = x.bucket AND e.step_name = x.step AND e.message = x.msg)
             OR (SELECT count(*) FROM metrics_errors e WHERE e.grain = x.grain AND e.workflow_name = x.wf AND e.bucket = x.bucket) < 50,
             x.msg, '(other errors)'),
         1, x.at, x.at, json_array(json_array(x.at, x.run_id))
  FROM (SELECT g.grain, strftime(g.fmt, ifnull(new.completed_at, new.updated_at)) AS bucket, (SELECT workflow_name FROM workflow_runs WHERE id = new.run_id) AS wf, new.step_name AS step, substr(trim(replace(replace(replace(iif(json_valid(new.error), ifnull(json_extract(new.error, '$.message'), new.error), new.error), char(13), ' '), char(10), ' '), char(9), ' ')), 1, 200) AS msg, ifnull(new.completed_at, new.updated_at) AS at, new.run_id AS run_id
        FROM (SELECT 'hour' AS grain, '%Y-%m-%dT%H:00:00.000Z' AS fmt UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g) x
  WHERE new.status = 'Failed' AND x.wf IS NOT NULL AND x.msg IS NOT NULL AND x.msg != ''
  ON CONFLICT (grain, workflow_name, bucket, step_name, message) DO UPDATE SET
    count = count + 1,
    first_seen = min(first_seen, excluded.first_seen),
    last_seen = max(last_seen, excluded.last_seen),
    examples = iif(EXISTS (SELECT 1 FROM json_each(metrics_errors.examples) WHERE json_extract(value, '$[1]') = json_extract(excluded.examples, '$[0][1]')),
                   metrics_errors.examples,
                   (SELECT json_group_array(json(v)) FROM (
                      SELECT value AS v FROM json_each(json_insert(metrics_errors.examples, '$[#]', json(json_extract(excluded.examples, '$[0]'))))
                      ORDER BY json_extract(value, '$[0]') DESC LIMIT 5)));
END;

CREATE TRIGGER metrics_step_finished_update AFTER UPDATE OF status ON workflow_steps
WHEN new.status IN ('Completed', 'Failed') AND old.status NOT IN ('Completed', 'Failed') AND new.step_type = 'do' AND NOT EXISTS (SELECT 1 FROM metrics_restoring WHERE run_id = new.run_id)
BEGIN
  INSERT INTO metrics_steps (grain, bucket, workflow_name, step_name, count, errored, attempts, retries, duration)
  SELECT g.grain, strftime(g.fmt, ifnull(new.completed_at, new.updated_at)), w.wf, new.step_name, 1, new.status = 'Failed',
         max(new.attempts, 1), max(new.retry_count, new.attempts - 1, 0),
         iif(new.duration_ms IS NULL, '{}', json_object(CAST(iif(new.duration_ms < 1, 0, 1 + CAST(ceil(ln(new.duration_ms) / 0.04000533461369913) AS INTEGER)) AS TEXT), 1))
  FROM (SELECT 'minute' AS grain, '%Y-%m-%dT%H:%M:00.000Z' AS fmt UNION ALL SELECT 'hour', '%Y-%m-%dT%H:00:00.000Z' UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g, (SELECT (SELECT workflow_name FROM workflow_runs WHERE id = new.run_id) AS wf) w
  WHERE w.wf IS NOT NULL
  ON CONFLICT (grain, workflow_name, step_name, bucket) DO UPDATE SET
    count = count + 1,
    errored = errored + excluded.errored,
    attempts = attempts + excluded.attempts,
    retries = retries + excluded.retries,
    duration = iif(excluded.duration = '{}', metrics_steps.duration, json_set(metrics_steps.duration, '$."' || (SELECT key FROM json_each(excluded.duration)) || '"', ifnull(json_extract(metrics_steps.duration, '$."' || (SELECT key FROM json_each(excluded.duration)) || '"'), 0) + 1));
  INSERT INTO metrics_errors (grain, bucket, workflow_name, step_name, message, count, first_seen, last_seen, examples)
  SELECT x.grain, x.bucket, x.wf, x.step,
         iif(EXISTS (SELECT 1 FROM metrics_errors e WHERE e.grain = x.grain AND e.workflow_name = x.wf AND e.bucket = x.bucket AND e.step_name = x.step AND e.message = x.msg)
             OR (SELECT count(*) FROM metrics_errors e WHERE e.grain = x.grain AND e.workflow_name = x.wf AND e.bucket = x.bucket) < 50,
             x.msg, '(other errors)'),
         1, x.at, x.at, json_array(json_array(x.at, x.run_id))
  FROM (SELECT g.grain, strftime(g.fmt, ifnull(new.completed_at, new.updated_at)) AS bucket, (SELECT workflow_name FROM workflow_runs WHERE id = new.run_id) AS wf, new.step_name AS step, substr(trim(replace(replace(replace(iif(json_valid(new.error), ifnull(json_extract(new.error, '$.message'), new.error), new.error), char(13), ' '), char(10), ' '), char(9), ' ')), 1, 200) AS msg, ifnull(new.completed_at, new.updated_at) AS at, new.run_id AS run_id
        FROM (SELECT 'hour' AS grain, '%Y-%m-%dT%H:00:00.000Z' AS fmt UNION ALL SELECT 'day', '%Y-%m-%dT00:00:00.000Z') g) x
  WHERE new.status = 'Failed' AND x.wf IS NOT NULL AND x.msg IS NOT NULL AND x.msg != ''
  ON CONFLICT (grain, workflow_name, bucket, step_name, message) DO UPDATE SET
    count = count + 1,
    first_seen = min(first_seen, excluded.first_seen),
    last_seen = max(last_seen, excluded.last_seen),
    examples = iif(EXISTS (SELECT 1 FROM json_each(metrics_errors.examples) WHERE json_extract(value, '$[1]') = json_extract(excluded.examples, '$[0][1]')),
                   metrics_errors.examples,
                   (SELECT json_group_array(json(v)) FROM (
                      SELECT value AS v FROM json_each(json_insert(metrics_errors.examples, '$[#]', json(json_extract(excluded.examples, '$[0]'))))
                      ORDER BY json_extract(value, '$[0]') DESC LIMIT 5)));
END;

-- Flowflare schema, version 1.
-- No BEGIN/SAVEPOINT: remote D1 applies each migration file in its own transaction.

-- A workflow is a name plus the business object it is about (ref_type, ref_id).
-- Refs may be NULL; the unique index below treats NULL refs as equal so that
-- (name, NULL, NULL) exists once.
CREATE TABLE workflow (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT    NOT NULL,
  ref_id        TEXT,
  ref_type      TEXT,
  status        TEXT,                 -- status of the latest run
  metadata      TEXT,                 -- JSON object
  last_run_id   TEXT,
  run_count     INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX workflow_identity ON workflow (name, ifnull(ref_type, ''), ifnull(ref_id, ''));
CREATE INDEX workflow_by_ref ON workflow (ref_type, ref_id, updated_at DESC, id DESC);
CREATE INDEX workflow_by_name ON workflow (name, updated_at DESC, id DESC);
CREATE INDEX workflow_by_status ON workflow (status, updated_at DESC, id DESC);
CREATE INDEX workflow_newest ON workflow (updated_at DESC, id DESC);

-- A run is one Cloudflare Workflows instance; its id is the instance id.
CREATE TABLE workflow_runs (
  id             TEXT    PRIMARY KEY,
  workflow_id    INTEGER NOT NULL REFERENCES workflow (id),
  workflow_name  TEXT    NOT NULL,   -- copy of workflow.name for indexed filters
  status         TEXT    NOT NULL,
  ref_id         TEXT,
  ref_type       TEXT,
  input_params   TEXT,               -- JSON
  output_result  TEXT,               -- JSON
  error          TEXT,               -- JSON { name, message }
  metadata       TEXT,               -- JSON object
  sleep_until    TEXT,
  waiting_for    TEXT,               -- event type awaited by waitForEvent
  retry_of       TEXT,               -- run this one retries
  started_at     TEXT,
  completed_at   TEXT,
  created_at     TEXT    NOT NULL,
  updated_at     TEXT    NOT NULL
);
CREATE INDEX runs_newest ON workflow_runs (created_at DESC, id DESC);
CREATE INDEX runs_by_workflow ON workflow_runs (workflow_id, created_at DESC, id DESC);
CREATE INDEX runs_by_name ON workflow_runs (workflow_name, created_at DESC, id DESC);
CREATE INDEX runs_by_status ON workflow_runs (status, created_at DESC, id DESC);
CREATE INDEX runs_by_ref ON workflow_runs (ref_type, ref_id, created_at DESC, id DESC);

-- A step of a run. step_count tells repeated uses of one step name apart:
-- Cloudflare's step count for durable steps, the caller's stepNumber for trackStep.
CREATE TABLE workflow_steps (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id         TEXT    NOT NULL,   -- no foreign key: a step may be tracked before its run
  step_name      TEXT    NOT NULL,
  step_count     INTEGER NOT NULL,
  step_number    INTEGER NOT NULL,   -- position of the step in the run
  step_type      TEXT    NOT NULL DEFAULT 'do',  -- do | sleep | waitForEvent
  status         TEXT    NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  retry_count    INTEGER NOT NULL DEFAULT 0,
  max_retries    INTEGER,
  output_result  TEXT,               -- JSON
  error          TEXT,               -- JSON { name, message }
  next_retry_at  TEXT,
  sleep_until    TEXT,
  started_at     TEXT,
  completed_at   TEXT,
  duration_ms    INTEGER,
  created_at     TEXT    NOT NULL,
  updated_at     TEXT    NOT NULL
);
CREATE UNIQUE INDEX steps_identity ON workflow_steps (run_id, step_name, step_count);
CREATE INDEX steps_by_run ON workflow_steps (run_id, step_number, id);

-- One row per attempt of a step (attempt 1 included), with its outcome and,
-- when it failed and will be retried, the time of the next attempt.
CREATE TABLE workflow_step_retries (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id         TEXT    NOT NULL,
  step_name      TEXT    NOT NULL,
  step_count     INTEGER NOT NULL,
  attempt        INTEGER NOT NULL,
  status         TEXT    NOT NULL,   -- Running | Completed | Failed
  error          TEXT,               -- JSON { name, message }
  started_at     TEXT,
  ended_at       TEXT,
  duration_ms    INTEGER,
  next_retry_at  TEXT,
  created_at     TEXT    NOT NULL
);
CREATE UNIQUE INDEX retries_identity ON workflow_step_retries (run_id, step_name, step_count, attempt);

-- Append-only log of every tracked change. The id is monotonic (AUTOINCREMENT
-- never reuses ids), which makes it the cursor for live updates and resume.
-- A change whose content_key equals the latest one of the same entity repeats it
-- (a replayed write) and is not appended again.
CREATE TABLE workflow_events (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  entity         TEXT,               -- run:<id> or step:<run>/<name>/<count>
  content_key    TEXT,
  kind           TEXT    NOT NULL,   -- run | step | attempt | control
  run_id         TEXT,
  workflow_id    INTEGER,
  workflow_name  TEXT,
  ref_type       TEXT,
  ref_id         TEXT,
  data           TEXT    NOT NULL,   -- JSON: the changed row as stored
  created_at     TEXT    NOT NULL
);
CREATE INDEX events_by_run ON workflow_events (run_id, id);
CREATE INDEX events_by_entity ON workflow_events (entity, id);
CREATE INDEX events_by_name ON workflow_events (workflow_name, id);
CREATE INDEX events_by_ref ON workflow_events (ref_type, ref_id, id);
CREATE INDEX events_by_time ON workflow_events (created_at);

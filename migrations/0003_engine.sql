-- Flowflare schema, version 3: how far each run's records follow the Workflows engine's own event
-- stream (instance.subscribe). A batch that records engine events moves the run's cursor in the
-- same D1 batch, so a follower that stops anywhere resumes after the last event recorded.
-- No BEGIN/SAVEPOINT: remote D1 applies each migration file in its own transaction.
CREATE TABLE workflow_run_cursors (
  run_id      TEXT    PRIMARY KEY,
  cursor      INTEGER NOT NULL,   -- eventId of the last engine event recorded
  mark        TEXT    NOT NULL,   -- type@timestamp of that event: a restarted history has another
  updated_at  TEXT    NOT NULL
) WITHOUT ROWID;

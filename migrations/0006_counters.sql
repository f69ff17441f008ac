-- Flowflare schema, version 6: run counts kept on write. Every change to a run's status, workflow
-- or ref_type (whoever writes it: followers, the service, imports, retention) moves its count in
-- the same statement, by trigger, so counting runs reads a few counter rows instead of the runs.
-- No BEGIN/SAVEPOINT: remote D1 applies each migration file in its own transaction.
CREATE TABLE workflow_run_counts (
  workflow_name  TEXT    NOT NULL,
  ref_type       TEXT    NOT NULL,   -- '' for runs with no ref_type
  status         TEXT    NOT NULL,
  n              INTEGER NOT NULL,
  PRIMARY KEY (workflow_name, ref_type, status)
) WITHOUT ROWID;
CREATE INDEX run_counts_by_status ON workflow_run_counts (status, ref_type, workflow_name, n);

CREATE TRIGGER run_counts_after_insert AFTER INSERT ON workflow_runs
BEGIN
  INSERT INTO workflow_run_counts (workflow_name, ref_type, status, n)
  VALUES (new.workflow_name, ifnull(new.ref_type, ''), new.status, 1)
  ON CONFLICT (workflow_name, ref_type, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER run_counts_after_update AFTER UPDATE OF status, workflow_name, ref_type ON workflow_runs
WHEN old.status IS NOT new.status OR old.workflow_name IS NOT new.workflow_name OR old.ref_type IS NOT new.ref_type
BEGIN
  UPDATE workflow_run_counts SET n = n - 1
  WHERE workflow_name = old.workflow_name AND ref_type = ifnull(old.ref_type, '') AND status = old.status;
  INSERT INTO workflow_run_counts (workflow_name, ref_type, status, n)
  VALUES (new.workflow_name, ifnull(new.ref_type, ''), new.status, 1)
  ON CONFLICT (workflow_name, ref_type, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER run_counts_after_delete AFTER DELETE ON workflow_runs
BEGIN
  UPDATE workflow_run_counts SET n = n - 1
  WHERE workflow_name = old.workflow_name AND ref_type = ifnull(old.ref_type, '') AND status = old.status;
END;

-- Runs written before this migration.
INSERT INTO workflow_run_counts (workflow_name, ref_type, status, n)
SELECT workflow_name, ifnull(ref_type, ''), status, count(*) FROM workflow_runs GROUP BY 1, 2, 3;

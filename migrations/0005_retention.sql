-- Flowflare schema, version 5: the index retention and the reconciliation sweep read runs by, a
-- status and the time of the run's last change (a finished run's last change is its end).
-- No BEGIN/SAVEPOINT: remote D1 applies each migration file in its own transaction.
CREATE INDEX runs_by_status_age ON workflow_runs (status, updated_at, id);

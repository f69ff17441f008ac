-- Flowflare schema, version 4: API keys with roles and scopes, and the audit trail.
-- A key's secret is never stored: only its SHA-256 (hex), looked up through a unique index.
-- No BEGIN/SAVEPOINT: remote D1 applies each migration file in its own transaction.
CREATE TABLE api_keys (
  id          TEXT    PRIMARY KEY,             -- 'key_' + 16 hex characters, shown in lists and the audit trail
  name        TEXT    NOT NULL,                -- who or what holds it ("support", "billing-app")
  role        TEXT    NOT NULL CHECK (role IN ('read', 'operate', 'admin')),
  scopes      TEXT,                            -- JSON {"workflows":[...],"ref_types":[...]} or NULL for everything
  hash        TEXT    NOT NULL,                -- SHA-256 of the whole key, hex
  prefix      TEXT    NOT NULL,                -- the key's first characters, to recognise it
  created_at  TEXT    NOT NULL,
  created_by  TEXT    NOT NULL,                -- name of the key that created it
  expires_at  TEXT,
  revoked_at  TEXT,
  last_used_at TEXT
) WITHOUT ROWID;
CREATE UNIQUE INDEX api_keys_hash ON api_keys (hash);

-- Every start, control action and key change, with the key that did it.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT    NOT NULL,
  actor       TEXT    NOT NULL,                -- the key's name ('SERVICE_API_KEY' for the bootstrap key)
  key_id      TEXT,                            -- the key's id, NULL for the bootstrap key
  action      TEXT    NOT NULL,                -- 'start', 'retry', 'pause', 'key.create', ...
  run_id      TEXT,                            -- the run acted on, if any
  details     TEXT                             -- JSON with action-specific facts
);
CREATE INDEX audit_by_run ON audit_log (run_id, id);
CREATE INDEX audit_by_action ON audit_log (action, id);

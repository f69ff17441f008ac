-- Flowflare schema, version 8: alert rules, the alerts they fire, and the small counters windowed
-- rules read (runs ended and failed per rule per time bucket, with a duration histogram).
-- No BEGIN/SAVEPOINT: remote D1 applies each migration file in its own transaction.

-- Rules from the service options (source 'options', written by the service at its first
-- invocation) and from the API (source 'api'). `definition` is the normalised rule as JSON.
CREATE TABLE alert_rules (
  id          TEXT    PRIMARY KEY,             -- 'opt_' + name for options rules, 'rule_' + hex otherwise
  source      TEXT    NOT NULL CHECK (source IN ('options', 'api')),
  name        TEXT    NOT NULL,
  kind        TEXT    NOT NULL,
  definition  TEXT    NOT NULL,                -- JSON: scope, the kind's fields, destinations, cooldown_ms
  muted_until TEXT,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
) WITHOUT ROWID;

-- Every alert (a firing, or a cooldown summary folding several) and its delivery.
CREATE TABLE alerts (
  id            TEXT    PRIMARY KEY,           -- 'alt_' + hex: the notification's idempotency key
  rule_id       TEXT    NOT NULL,
  rule_name     TEXT    NOT NULL,
  kind          TEXT    NOT NULL,
  run_id        TEXT,
  workflow      TEXT,
  summary       TEXT    NOT NULL,
  details       TEXT,                          -- JSON: facts the notification carries
  count         INTEGER NOT NULL DEFAULT 1,
  state         TEXT    NOT NULL CHECK (state IN ('fired', 'delivering', 'delivered', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT,
  delivered_to  TEXT,                          -- JSON array of the destinations already reached
  fired_at      TEXT    NOT NULL,
  delivered_at  TEXT
) WITHOUT ROWID;
CREATE INDEX alerts_by_time ON alerts (fired_at DESC, id DESC);
CREATE INDEX alerts_by_rule ON alerts (rule_id, fired_at DESC, id DESC);
CREATE INDEX alerts_by_run ON alerts (run_id, fired_at DESC, id DESC);
CREATE INDEX alerts_by_state ON alerts (state, fired_at DESC, id DESC);

-- What each firing was (rule and run, or rule and window): a repeated firing is seen and dropped.
CREATE TABLE alert_firings (
  key         TEXT    PRIMARY KEY,             -- rule id | run id (or | window)
  alert_id    TEXT,
  at          INTEGER NOT NULL                 -- epoch ms, for pruning
) WITHOUT ROWID;
CREATE INDEX alert_firings_by_age ON alert_firings (at);

-- A rule's cooldown: until when further firings fold into the summary alert.
CREATE TABLE alert_cooldowns (
  rule_id     TEXT    PRIMARY KEY,
  until       INTEGER NOT NULL,                -- epoch ms
  summary_id  TEXT                             -- the summary alert collecting firings, if any
) WITHOUT ROWID;

-- Windowed rules' counters: runs that ended in a bucket, by duration bin (log scale).
CREATE TABLE alert_counters (
  rule_id     TEXT    NOT NULL,
  bucket      INTEGER NOT NULL,                -- start of the bucket, epoch ms
  bin         INTEGER NOT NULL,                -- duration bucket: the metrics sketch's key (service/metrics/sketch.ts)
  runs        INTEGER NOT NULL DEFAULT 0,
  failed      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (rule_id, bucket, bin)
) WITHOUT ROWID;
CREATE INDEX alert_counters_by_age ON alert_counters (bucket);

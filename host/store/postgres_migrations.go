package store

// pgMigrations are the PostgreSQL form of migrations, one for one: the
// same tables, columns, keys and indexes, numbered alike, so a schema
// version means the same on both (TestSchemasMatch compares them). The
// differences are types: 64-bit integers (times are nanoseconds) are
// BIGINT, blobs BYTEA, and the one column written with a Go bool
// (connections.test_ok) BOOLEAN. integrator_schema records how many ran.
// Never edit one that has shipped: add a new one to both lists.
var pgMigrations = []string{
	// 1: connections, their settings and sealed secrets.
	`CREATE TABLE connections (
		id         TEXT PRIMARY KEY,
		name       TEXT NOT NULL,
		name_key   TEXT NOT NULL UNIQUE,
		type       TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL,
		test_ok    BOOLEAN,
		test_at    BIGINT,
		test_note  TEXT
	);
	CREATE TABLE connection_values (
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		key           TEXT NOT NULL,
		type          BIGINT NOT NULL,
		value         TEXT NOT NULL,
		PRIMARY KEY (connection_id, key)
	);
	CREATE TABLE connection_secrets (
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		key           TEXT NOT NULL,
		key_id        TEXT NOT NULL,
		nonce         BYTEA NOT NULL,
		ciphertext    BYTEA NOT NULL,
		PRIMARY KEY (connection_id, key)
	);`,
	// 2: plugin trust, export checkpoints and import ledgers.
	`CREATE TABLE plugins (
		type        TEXT PRIMARY KEY,
		path        TEXT NOT NULL,
		sha256      TEXT NOT NULL,
		version     TEXT NOT NULL DEFAULT '',
		protocol    BIGINT NOT NULL DEFAULT 0,
		spec_json   TEXT NOT NULL DEFAULT '',
		trusted_at  BIGINT NOT NULL
	);
	CREATE TABLE export_runs (
		id            TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		run_key       TEXT NOT NULL UNIQUE,
		out_path      TEXT NOT NULL,
		cursor        TEXT,
		byte_offset   BIGINT NOT NULL DEFAULT 0,
		records       BIGINT NOT NULL DEFAULT 0,
		pages         BIGINT NOT NULL DEFAULT 0,
		done          BIGINT NOT NULL DEFAULT 0,
		started_at    BIGINT NOT NULL,
		updated_at    BIGINT NOT NULL
	);
	CREATE TABLE import_runs (
		id            TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		run_key       TEXT NOT NULL UNIQUE,
		started_at    BIGINT NOT NULL,
		updated_at    BIGINT NOT NULL
	);
	CREATE TABLE import_records (
		run_id      TEXT NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
		line        BIGINT NOT NULL,
		state       TEXT NOT NULL,
		status      BIGINT NOT NULL DEFAULT 0,
		created_id  TEXT NOT NULL DEFAULT '',
		code        TEXT NOT NULL DEFAULT '',
		message     TEXT NOT NULL DEFAULT '',
		updated_at  BIGINT NOT NULL,
		PRIMARY KEY (run_id, line)
	);`,
	// 3: an export's total count.
	`ALTER TABLE export_runs ADD COLUMN total BIGINT NOT NULL DEFAULT -1;`,
	// 4: report checkpoints and the ids of their jobs.
	`CREATE TABLE report_runs (
		id            TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		run_key       TEXT NOT NULL UNIQUE,
		out_path      TEXT NOT NULL,
		byte_offset   BIGINT NOT NULL DEFAULT 0,
		jobs_done     BIGINT NOT NULL DEFAULT 0,
		rows          BIGINT NOT NULL DEFAULT 0,
		done          BIGINT NOT NULL DEFAULT 0,
		started_at    BIGINT NOT NULL,
		updated_at    BIGINT NOT NULL
	);
	CREATE TABLE report_jobs (
		run_id  TEXT NOT NULL REFERENCES report_runs(id) ON DELETE CASCADE,
		seq     BIGINT NOT NULL,
		job_id  TEXT NOT NULL,
		PRIMARY KEY (run_id, seq)
	);`,
	// 5: leases, the import ledger by content, proved checkpoints and
	// the cursors an export followed.
	`DROP TABLE import_records;
	DROP TABLE import_runs;
	CREATE TABLE import_ledger (
		scope         TEXT NOT NULL,
		record        TEXT NOT NULL,
		occurrence    BIGINT NOT NULL,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		state         TEXT NOT NULL,
		status        BIGINT NOT NULL DEFAULT 0,
		created_id    TEXT NOT NULL DEFAULT '',
		code          TEXT NOT NULL DEFAULT '',
		message       TEXT NOT NULL DEFAULT '',
		owner         TEXT NOT NULL DEFAULT '',
		updated_at    BIGINT NOT NULL,
		PRIMARY KEY (scope, record, occurrence)
	);
	CREATE INDEX import_ledger_connection ON import_ledger (connection_id, state);
	CREATE TABLE run_leases (
		key           TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		run_id        TEXT NOT NULL,
		what          TEXT NOT NULL,
		pid           BIGINT NOT NULL,
		host          TEXT NOT NULL,
		started_at    BIGINT NOT NULL
	);
	CREATE INDEX run_leases_connection ON run_leases (connection_id);
	CREATE INDEX run_leases_run ON run_leases (run_id);
	CREATE TABLE export_cursors (
		run_id TEXT NOT NULL REFERENCES export_runs(id) ON DELETE CASCADE,
		hash   BYTEA NOT NULL,
		PRIMARY KEY (run_id, hash)
	);
	ALTER TABLE export_runs ADD COLUMN digest TEXT NOT NULL DEFAULT '';
	ALTER TABLE export_runs ADD COLUMN what TEXT NOT NULL DEFAULT '';
	ALTER TABLE report_runs ADD COLUMN digest TEXT NOT NULL DEFAULT '';
	ALTER TABLE report_runs ADD COLUMN what TEXT NOT NULL DEFAULT '';`,
	// 6: the history of the runs a front end started in the background
	// (the console's); no foreign key, so it outlives a deleted connection.
	`CREATE TABLE run_history (
		id            TEXT PRIMARY KEY,
		kind          TEXT NOT NULL,
		connection_id TEXT NOT NULL,
		connection    TEXT NOT NULL,
		what          TEXT NOT NULL,
		options       TEXT NOT NULL,
		outcome       TEXT NOT NULL,
		records       BIGINT NOT NULL DEFAULT 0,
		summary       TEXT NOT NULL DEFAULT '',
		error         TEXT NOT NULL DEFAULT '',
		attempts      BIGINT NOT NULL DEFAULT 1,
		started_at    BIGINT NOT NULL,
		ended_at      BIGINT
	);
	CREATE INDEX run_history_started ON run_history (started_at);`,
	// 7: queued runs' artifacts (an export's pages, an import's input,
	// results and errors) and facts about the store (the master key id).
	`CREATE TABLE run_artifacts (
		run_id  TEXT NOT NULL,
		name    TEXT NOT NULL,
		seq     BIGINT NOT NULL,
		data    BYTEA NOT NULL,
		records BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (run_id, name, seq)
	);
	CREATE TABLE store_info (
		name  TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);`,
	// 8: the shared rate-limit budgets, one row per scope.
	`CREATE TABLE rate_limits (
		scope         TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		remaining     BIGINT NOT NULL,
		reset_at      BIGINT NOT NULL,
		probe_until   BIGINT NOT NULL DEFAULT 0,
		inflight      BIGINT NOT NULL DEFAULT 0,
		updated_at    BIGINT NOT NULL
	);
	CREATE INDEX rate_limits_connection ON rate_limits (connection_id);`,
}

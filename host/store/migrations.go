package store

// migrations are applied in order; each runs once, in its own transaction,
// and the database's user_version records how many ran. Never edit one that
// has shipped: add a new one.
var migrations = []string{
	// 1: connections, their settings and sealed secrets.
	`CREATE TABLE connections (
		id         TEXT PRIMARY KEY,
		name       TEXT NOT NULL,
		name_key   TEXT NOT NULL UNIQUE,
		type       TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		test_ok    INTEGER,
		test_at    INTEGER,
		test_note  TEXT
	);
	CREATE TABLE connection_values (
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		key           TEXT NOT NULL,
		type          INTEGER NOT NULL,
		value         TEXT NOT NULL,
		PRIMARY KEY (connection_id, key)
	);
	CREATE TABLE connection_secrets (
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		key           TEXT NOT NULL,
		key_id        TEXT NOT NULL,
		nonce         BLOB NOT NULL,
		ciphertext    BLOB NOT NULL,
		PRIMARY KEY (connection_id, key)
	);`,
	// 2: plugin trust, export checkpoints and import ledgers.
	`CREATE TABLE plugins (
		type        TEXT PRIMARY KEY,
		path        TEXT NOT NULL,
		sha256      TEXT NOT NULL,
		version     TEXT NOT NULL DEFAULT '',
		protocol    INTEGER NOT NULL DEFAULT 0,
		spec_json   TEXT NOT NULL DEFAULT '',
		trusted_at  INTEGER NOT NULL
	);
	CREATE TABLE export_runs (
		id            TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		run_key       TEXT NOT NULL UNIQUE,
		out_path      TEXT NOT NULL,
		cursor        TEXT,
		byte_offset   INTEGER NOT NULL DEFAULT 0,
		records       INTEGER NOT NULL DEFAULT 0,
		pages         INTEGER NOT NULL DEFAULT 0,
		done          INTEGER NOT NULL DEFAULT 0,
		started_at    INTEGER NOT NULL,
		updated_at    INTEGER NOT NULL
	);
	CREATE TABLE import_runs (
		id            TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		run_key       TEXT NOT NULL UNIQUE,
		started_at    INTEGER NOT NULL,
		updated_at    INTEGER NOT NULL
	);
	CREATE TABLE import_records (
		run_id      TEXT NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
		line        INTEGER NOT NULL,
		state       TEXT NOT NULL,
		status      INTEGER NOT NULL DEFAULT 0,
		created_id  TEXT NOT NULL DEFAULT '',
		code        TEXT NOT NULL DEFAULT '',
		message     TEXT NOT NULL DEFAULT '',
		updated_at  INTEGER NOT NULL,
		PRIMARY KEY (run_id, line)
	);`,
	// 3: an export remembers the API's total count, so that a resumed run
	// can show how far it is (the API gives the total only on a first page).
	`ALTER TABLE export_runs ADD COLUMN total INTEGER NOT NULL DEFAULT -1;`,
	// 4: report checkpoints: how much of the output file is durable, and
	// the API's id of every job created, so that a resumed report polls the
	// jobs it already has instead of creating them again.
	`CREATE TABLE report_runs (
		id            TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		run_key       TEXT NOT NULL UNIQUE,
		out_path      TEXT NOT NULL,
		byte_offset   INTEGER NOT NULL DEFAULT 0,
		jobs_done     INTEGER NOT NULL DEFAULT 0,
		rows          INTEGER NOT NULL DEFAULT 0,
		done          INTEGER NOT NULL DEFAULT 0,
		started_at    INTEGER NOT NULL,
		updated_at    INTEGER NOT NULL
	);
	CREATE TABLE report_jobs (
		run_id  TEXT NOT NULL REFERENCES report_runs(id) ON DELETE CASCADE,
		seq     INTEGER NOT NULL,
		job_id  TEXT NOT NULL,
		PRIMARY KEY (run_id, seq)
	);`,
	// 5: runs that hold what they work on, records identified by what they
	// are, checkpoints that prove their file, and the cursors an export
	// followed (hashed), so that a cursor cycle is found across resumes. The import ledger is now
	// keyed by the record's content, not by the line of one input file, so
	// an edited file finds what was done; the line-keyed ledgers of
	// migration 2 cannot be turned into that (they never stored the
	// records) and are dropped. A run in progress holds a lease (a row
	// here and a lock file the kernel releases when the process ends).
	`DROP TABLE import_records;
	DROP TABLE import_runs;
	CREATE TABLE import_ledger (
		scope         TEXT NOT NULL,
		record        TEXT NOT NULL,
		occurrence    INTEGER NOT NULL,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		state         TEXT NOT NULL,
		status        INTEGER NOT NULL DEFAULT 0,
		created_id    TEXT NOT NULL DEFAULT '',
		code          TEXT NOT NULL DEFAULT '',
		message       TEXT NOT NULL DEFAULT '',
		owner         TEXT NOT NULL DEFAULT '',
		updated_at    INTEGER NOT NULL,
		PRIMARY KEY (scope, record, occurrence)
	);
	CREATE INDEX import_ledger_connection ON import_ledger (connection_id, state);
	CREATE TABLE run_leases (
		key           TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		run_id        TEXT NOT NULL,
		what          TEXT NOT NULL,
		pid           INTEGER NOT NULL,
		host          TEXT NOT NULL,
		started_at    INTEGER NOT NULL
	);
	CREATE INDEX run_leases_connection ON run_leases (connection_id);
	CREATE INDEX run_leases_run ON run_leases (run_id);
	CREATE TABLE export_cursors (
		run_id TEXT NOT NULL REFERENCES export_runs(id) ON DELETE CASCADE,
		hash   BLOB NOT NULL,
		PRIMARY KEY (run_id, hash)
	) WITHOUT ROWID;
	ALTER TABLE export_runs ADD COLUMN digest TEXT NOT NULL DEFAULT '';
	ALTER TABLE export_runs ADD COLUMN what TEXT NOT NULL DEFAULT '';
	ALTER TABLE report_runs ADD COLUMN digest TEXT NOT NULL DEFAULT '';
	ALTER TABLE report_runs ADD COLUMN what TEXT NOT NULL DEFAULT '';`,
	// 6: the history of the runs a front end started in the background
	// (the console's): what each was given, so that it can be resumed, and
	// its outcome. It names its connection as text, without a foreign key,
	// so that the history outlives a deleted connection.
	`CREATE TABLE run_history (
		id            TEXT PRIMARY KEY,
		kind          TEXT NOT NULL,
		connection_id TEXT NOT NULL,
		connection    TEXT NOT NULL,
		what          TEXT NOT NULL,
		options       TEXT NOT NULL,
		outcome       TEXT NOT NULL,
		records       INTEGER NOT NULL DEFAULT 0,
		summary       TEXT NOT NULL DEFAULT '',
		error         TEXT NOT NULL DEFAULT '',
		attempts      INTEGER NOT NULL DEFAULT 1,
		started_at    INTEGER NOT NULL,
		ended_at      INTEGER
	);
	CREATE INDEX run_history_started ON run_history (started_at);`,
	// 7: queued runs' artifacts (an export's pages, an import's input,
	// results and errors) and facts about the store (the master key id).
	`CREATE TABLE run_artifacts (
		run_id  TEXT NOT NULL,
		name    TEXT NOT NULL,
		seq     INTEGER NOT NULL,
		data    BLOB NOT NULL,
		records INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (run_id, name, seq)
	);
	CREATE TABLE store_info (
		name  TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);`,
	// 8: the rate-limit budgets the API reported, shared by every process
	// using the store: one row per scope (a connection, or one of its ads
	// accounts), holding what remains until the reset, the request that
	// learns an unknown budget (its lease), and the requests in flight.
	`CREATE TABLE rate_limits (
		scope         TEXT PRIMARY KEY,
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		remaining     INTEGER NOT NULL,
		reset_at      INTEGER NOT NULL,
		probe_until   INTEGER NOT NULL DEFAULT 0,
		inflight      INTEGER NOT NULL DEFAULT 0,
		updated_at    INTEGER NOT NULL
	);
	CREATE INDEX rate_limits_connection ON rate_limits (connection_id);`,
}

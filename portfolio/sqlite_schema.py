"""The SQLite portfolio's schema and its migrations, applied in order, each exactly once.

`schema_version` holds one row per applied migration. Opening a database applies the
missing ones inside `BEGIN IMMEDIATE`, so two processes opening a new file at the same
moment do not both create tables: the second waits, re-reads the version, finds nothing
to do. A migration is a tuple of statements (not a script) because `executescript`
would commit the surrounding transaction.

Search uses two FTS5 indexes over the same `clauses` rows (external content, kept in
step by triggers, so replacing or removing clauses can never leave index entries behind):

* `clause_fts`, `porter unicode61`: the index searched and ranked ("credits" finds
  "credit"; phrases still work because the query words are stemmed the same way);
* `clause_words`, `unicode61` without stemming, `detail=none`: only its vocabulary is
  read (`clause_words_vocab`), to expand a prefix such as `terminat*` into the real words
  "terminate", "termination" that the stemmed index can match.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from portfolio.errors import SchemaTooNew
from portfolio.sqlite_deadline_rules import backfill_and_stamp
from portfolio.sqlite_driver import sqlite3

Step = str | Callable[[sqlite3.Connection], None]
"""A migration step: one SQL statement, or a function that fills new tables from old ones
(run in the same transaction)."""

_V1: tuple[str, ...] = (
    """CREATE TABLE records (
        id TEXT PRIMARY KEY,
        filename TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT,
        governing_law TEXT,
        agreement_date TEXT,
        effective_date TEXT,
        expiration_date TEXT,
        perpetual INTEGER NOT NULL,
        auto_renews INTEGER NOT NULL,
        evergreen INTEGER NOT NULL,
        record_json TEXT NOT NULL,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX records_filename ON records (filename COLLATE NOCASE)",
    "CREATE INDEX records_governing_law ON records (governing_law COLLATE NOCASE)",
    """CREATE TABLE parties (
        record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        name TEXT NOT NULL,
        role TEXT,
        aliases TEXT NOT NULL,
        match_text TEXT NOT NULL,
        PRIMARY KEY (record_id, ordinal)
    )""",
    """CREATE TABLE clauses (
        id INTEGER PRIMARY KEY,
        record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        type TEXT NOT NULL,
        heading TEXT,
        page INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (record_id, ordinal)
    )""",
    "CREATE INDEX clauses_type ON clauses (type)",
    """CREATE VIRTUAL TABLE clause_fts USING fts5 (
        heading, text, content='clauses', content_rowid='id', tokenize='porter unicode61'
    )""",
    """CREATE VIRTUAL TABLE clause_words USING fts5 (
        heading, text, content='clauses', content_rowid='id', tokenize='unicode61',
        detail='none'
    )""",
    "CREATE VIRTUAL TABLE clause_words_vocab USING fts5vocab (clause_words, 'row')",
    """CREATE TRIGGER clauses_after_insert AFTER INSERT ON clauses BEGIN
        INSERT INTO clause_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
        INSERT INTO clause_words (rowid, heading, text) VALUES (new.id, new.heading, new.text);
    END""",
    """CREATE TRIGGER clauses_after_delete AFTER DELETE ON clauses BEGIN
        INSERT INTO clause_fts (clause_fts, rowid, heading, text)
            VALUES ('delete', old.id, old.heading, old.text);
        INSERT INTO clause_words (clause_words, rowid, heading, text)
            VALUES ('delete', old.id, old.heading, old.text);
    END""",
    """CREATE TRIGGER clauses_after_update AFTER UPDATE ON clauses BEGIN
        INSERT INTO clause_fts (clause_fts, rowid, heading, text)
            VALUES ('delete', old.id, old.heading, old.text);
        INSERT INTO clause_words (clause_words, rowid, heading, text)
            VALUES ('delete', old.id, old.heading, old.text);
        INSERT INTO clause_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
        INSERT INTO clause_words (rowid, heading, text) VALUES (new.id, new.heading, new.text);
    END""",
    """CREATE TABLE alerts (
        key TEXT PRIMARY KEY,
        record_id TEXT NOT NULL,
        deadline TEXT NOT NULL,
        lead_days INTEGER NOT NULL,
        channel TEXT NOT NULL,
        sent_at TEXT NOT NULL
    )""",
    "CREATE INDEX alerts_record ON alerts (record_id)",
)
"""Version 1: the initial schema. The alerts ledger has no foreign key on purpose: it is
history, and must survive a record being replaced or removed (else re-adding the same file
would send every alert again)."""

_V2: tuple[str, ...] = (
    """CREATE TABLE alert_lead_days (
        record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
        lead_days TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
)
"""Version 2: per-contract alert lead times (a JSON list of days, most distant first) that
override the global setting. Unlike the ledger it goes with its record: removing a contract
drops its override, replacing it (re-extraction, an UPDATE) keeps it."""

_V3: tuple[str, ...] = (
    "ALTER TABLE records ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE records ADD COLUMN superseded_by TEXT",
)
"""Version 3: versions of a contract. A file dropped again under a known name with other
bytes is a new record that supersedes the current one (`portfolio.sqlite_versions`); the
columns mirror `ContractRecord.version`/`superseded_by` so search and deadlines can keep to
current versions in SQL. Existing rows are each the first and current version."""

_V4: tuple[str, ...] = (
    "CREATE INDEX IF NOT EXISTS clauses_search ON clauses (id, type, record_id)",
)
"""Version 4: an index covering the filter columns of a clause by id, so that clause search
(`portfolio.sqlite_search`) can filter a broad match without reading each clause row, text
and all."""

_V5: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS corrections (
        record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        extracted TEXT NOT NULL,
        corrected_by TEXT NOT NULL,
        corrected_at TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (record_id, field)
    )""",
)
"""Version 5: corrections of extracted fields by a person (`portfolio.sqlite_corrections`),
one per record and field; `value` and `extracted` are JSON. Kept apart from `record_json`
(the extraction, with the corrections applied) so re-extracting the file cannot lose them:
replacing a record (an UPDATE) keeps its corrections and re-applies them; removing it
removes them, like its lead times."""

_V6: tuple[Step, ...] = (
    """CREATE TABLE IF NOT EXISTS deadlines (
        record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
        title TEXT,
        filename TEXT NOT NULL,
        source TEXT NOT NULL,
        parties TEXT NOT NULL,
        evidence TEXT,
        initial_term_end TEXT,
        perpetual INTEGER NOT NULL,
        evergreen INTEGER NOT NULL,
        auto_renews INTEGER NOT NULL,
        renewal_term TEXT,
        notice_period TEXT,
        state TEXT NOT NULL,
        kind TEXT,
        due_date TEXT,
        current_term_end TEXT,
        renewals_elapsed INTEGER NOT NULL,
        note TEXT,
        status_renewal_term TEXT,
        status_notice_period TEXT,
        renews_until TEXT,
        valid_from TEXT,
        valid_until TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines (due_date)",
    "CREATE INDEX IF NOT EXISTS deadlines_valid_until ON deadlines (valid_until)",
    "CREATE INDEX IF NOT EXISTS deadlines_valid_from ON deadlines (valid_from)",
    "CREATE INDEX IF NOT EXISTS deadlines_state ON deadlines (state)",
    """CREATE TABLE IF NOT EXISTS deadline_rules (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL
    )""",
    backfill_and_stamp,
)
"""Version 6: each current record's term inputs, display fields and term position with the
days it holds for (`portfolio.sqlite_deadlines`), so upcoming deadlines are an index range
scan instead of reading every record. Existing databases are backfilled from their records
(as stored, corrections applied) when they are first opened by this version; the rows are
stamped with the code that computed them (`deadline_rules`) and rebuilt whenever a program
computing them differently opens the file (`portfolio.sqlite_deadline_rules`)."""

MIGRATIONS: tuple[tuple[Step, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _V6)
"""Migration N is `MIGRATIONS[N - 1]`. Append, never edit a released one."""

LATEST_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest applied migration, 0 for a new database."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version"
        " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the missing migrations in one write transaction; the versions applied.

    `conn` must be in autocommit mode (`isolation_level=None`).
    """
    if schema_version(conn) == LATEST_VERSION:  # the common case: no write lock taken
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(conn)
        if current > LATEST_VERSION:
            raise SchemaTooNew(
                f"the portfolio database is at schema version {current}, but this program "
                f"only knows up to {LATEST_VERSION}: upgrade contract-intel to open it"
            )
        applied: list[int] = []
        for version in range(current + 1, LATEST_VERSION + 1):
            for step in MIGRATIONS[version - 1]:
                if isinstance(step, str):
                    conn.execute(step)
                else:
                    step(conn)
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (version, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            applied.append(version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return applied

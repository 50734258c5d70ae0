"""Stored deadline rows are derived data: recompute them all when the rules change.

The `deadlines` table (`portfolio.sqlite_deadlines`) holds term positions computed by the
program that wrote them. A later release that computes a term differently (a fix in
`schemas.terms`, a new fallback in `portfolio.renewals`) would otherwise keep answering
with the old rows. So the table is stamped with a fingerprint of the code that computes
positions, and a portfolio opened by a program with another fingerprint rebuilds every
row from the records first (once, under the write lock, like a migration).
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import cache
from pathlib import Path

from portfolio.sqlite_deadlines import backfill_deadlines
from portfolio.sqlite_driver import sqlite3

RULE_MODULES = (
    "schemas.terms",
    "schemas.record",
    "portfolio.renewals",
    "portfolio.sqlite_deadlines",
    "portfolio.sqlite_deadline_queries",
    "portfolio.sqlite_positions",
)
"""The modules whose code decides what a stored deadline row holds."""


@cache
def rules_fingerprint() -> str:
    """sha256 of the source of `RULE_MODULES` (computed once per process)."""
    digest = hashlib.sha256()
    for name in RULE_MODULES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        digest.update(name.encode())
        if origin is not None and Path(origin).is_file():
            digest.update(Path(origin).read_bytes())
    return digest.hexdigest()


def stored_fingerprint(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT fingerprint FROM deadline_rules WHERE id = 1").fetchone()
    return str(row[0]) if row else None


def stamp_rules(conn: sqlite3.Connection) -> None:
    """Record that the rows were computed by this program (inside the caller's write)."""
    conn.execute(
        "INSERT INTO deadline_rules (id, fingerprint) VALUES (1, ?)"
        " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
        (rules_fingerprint(),),
    )


def backfill_and_stamp(conn: sqlite3.Connection) -> None:
    """Migration step: every current record's row, stamped with this program's rules."""
    conn.execute("DELETE FROM deadlines")
    backfill_deadlines(conn)
    stamp_rules(conn)


def rebuild_if_rules_changed(conn: sqlite3.Connection) -> bool:
    """Recompute every row if another program wrote them; True if it did.

    `conn` must be in autocommit mode. The common case (same rules) takes no lock.
    """
    if stored_fingerprint(conn) == rules_fingerprint():
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        rebuilt = stored_fingerprint(conn) != rules_fingerprint()  # another process may have
        if rebuilt:
            backfill_and_stamp(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return rebuilt

"""The SQLite file itself: creation, pragmas, migrations, reopening, several connections."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from portfolio import Portfolio, open_portfolio
from portfolio.errors import SchemaTooNew, UnsupportedStore
from portfolio.models import AddOutcome, ClauseQuery
from portfolio.sqlite import SqlitePortfolio
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_schema import LATEST_VERSION
from schemas.record import ContractRecord

REPO = Path(__file__).resolve().parents[3]


def schema_rows(db_path: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT version, applied_at FROM schema_version ORDER BY version"
        ).fetchall()
    finally:
        conn.close()


def test_creates_folders_and_file(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "portfolio.db"
    with SqlitePortfolio(path) as store:
        assert store.count() == 0
    assert path.is_file()


def test_pragmas(sqlite_store: SqlitePortfolio, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent
    finally:
        conn.close()
    assert sqlite_store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert sqlite_store._conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_new_file_gets_every_migration(db_path: Path) -> None:
    with SqlitePortfolio(db_path) as store:
        assert store.migrations_applied == list(range(1, LATEST_VERSION + 1))
    assert [v for v, _ in schema_rows(db_path)] == list(range(1, LATEST_VERSION + 1))


def test_reopen_keeps_data_and_does_not_migrate_again(
    db_path: Path, contracts: dict[str, ContractRecord]
) -> None:
    with SqlitePortfolio(db_path) as store:
        store.add_many(contracts.values())
    before = schema_rows(db_path)
    with SqlitePortfolio(db_path) as reopened:
        assert reopened.migrations_applied == []
        assert reopened.count() == 5
        assert reopened.get(contracts["msa"].id) == contracts["msa"]
        assert reopened.search(ClauseQuery(text="99.9%")).total == 1
        assert reopened.add(contracts["msa"]) is AddOutcome.unchanged
    assert schema_rows(db_path) == before


def test_newer_schema_is_refused(db_path: Path) -> None:
    SqlitePortfolio(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_version VALUES (?, '2099-01-01')", (LATEST_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNew, match="upgrade"):
        SqlitePortfolio(db_path)


def test_second_instance_sees_committed_data(
    db_path: Path, contracts: dict[str, ContractRecord]
) -> None:
    with SqlitePortfolio(db_path) as writer, SqlitePortfolio(db_path) as reader:
        assert reader.count() == 0
        writer.add(contracts["msa"])
        assert reader.count() == 1
        assert reader.search(ClauseQuery(text="service credit")).total == 2  # MSA only
        writer.remove(contracts["msa"].id)
        assert reader.get(contracts["msa"].id) is None


def test_another_process_sees_committed_data(
    sqlite_store: SqlitePortfolio, db_path: Path, contracts: dict[str, ContractRecord]
) -> None:
    script = (
        "import sys\n"
        "from portfolio.sqlite import SqlitePortfolio\n"
        "from schemas.record import ContractRecord\n"
        "record = ContractRecord.model_validate_json(sys.stdin.read())\n"
        "with SqlitePortfolio(sys.argv[1]) as store:\n"
        "    print(store.add(record).value)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(db_path)],
        input=contracts["nda"].model_dump_json(),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "added"
    assert sqlite_store.get(contracts["nda"].id) == contracts["nda"]
    assert sqlite_store.search(ClauseQuery(text="confidence")).total == 1


def test_writer_waits_for_another_writer(
    sqlite_store: SqlitePortfolio, db_path: Path, contracts: dict[str, ContractRecord]
) -> None:
    """busy_timeout: a second writer waits for the lock instead of failing."""
    blocker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: blocker.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    try:
        assert sqlite_store.add(contracts["msa"]) is AddOutcome.added
    finally:
        release.join()
        blocker.close()
    assert time.monotonic() - started >= 0.25


def test_instance_can_be_shared_between_threads(
    sqlite_store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    errors: list[BaseException] = []

    def work(record: ContractRecord) -> None:
        try:
            for _ in range(5):
                sqlite_store.add(record)
                sqlite_store.search(ClauseQuery(text="agreement OR customer"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(r,)) for r in contracts.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sqlite_store.count() == 5


# --- open_portfolio ---------------------------------------------------------------------------


def test_open_by_path(tmp_path: Path) -> None:
    for location in (tmp_path / "p1.db", str(tmp_path / "p2.db")):
        with open_portfolio(location) as store:
            assert isinstance(store, Portfolio)
            assert isinstance(store, SqlitePortfolio)
    assert (tmp_path / "p1.db").exists() and (tmp_path / "p2.db").exists()


def test_open_sqlite_url_absolute(tmp_path: Path) -> None:
    path = tmp_path / "abs.db"
    with open_portfolio(f"sqlite:///{path}") as store:  # path starts with "/": four slashes
        assert isinstance(store, SqlitePortfolio)
        assert store.path == path


def test_open_sqlite_url_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_portfolio("sqlite:///contracts-data/portfolio.db") as store:
        assert isinstance(store, SqlitePortfolio)
    assert (tmp_path / "contracts-data" / "portfolio.db").is_file()


@pytest.mark.parametrize("url", ["postgres://db/contracts", "s3://bucket/x", "ftp://host/x"])
def test_unknown_scheme_is_a_helpful_error(url: str) -> None:
    with pytest.raises(UnsupportedStore, match="sqlite://"):
        open_portfolio(url)


def test_sqlite_url_needs_a_path() -> None:
    with pytest.raises(UnsupportedStore, match="file path"):
        open_portfolio("sqlite:///")

"""The portfolio runs on one SQLite library, the bundled one where its wheel exists."""

import subprocess
import sys

from portfolio import open_portfolio
from portfolio.sqlite_driver import library_description, sqlite3


def test_portfolio_connections_come_from_the_driver(tmp_path) -> None:
    with open_portfolio(tmp_path / "portfolio.db") as portfolio:
        assert isinstance(portfolio._conn, sqlite3.Connection)
        version = portfolio._conn.execute("select sqlite_version()").fetchone()[0]
    assert version == sqlite3.sqlite_version
    assert library_description().startswith(f"SQLite {version}, ")


def test_without_the_bundled_build_the_standard_module_serves() -> None:
    code = (
        "import sys; sys.modules['pysqlite3'] = None\n"
        "from portfolio.sqlite_driver import sqlite3, library_description\n"
        "import sqlite3 as standard\n"
        "assert sqlite3 is standard, sqlite3\n"
        "print(library_description())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("the system's")

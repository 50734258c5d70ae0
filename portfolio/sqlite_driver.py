"""The SQLite library every portfolio, journal and inbox connection goes through.

Python links whatever SQLite the operating system ships: on Debian 12 that is 3.40 (2022),
built without lookaside memory, so every small allocation takes a trip through malloc and
its mutex. Clause ranking is FTS5's BM25, which costs one docsize lookup per matching
clause, and that per-row cost is where those builds lose. `pysqlite3-binary` is the
standard library's `sqlite3` module compiled against a current SQLite (3.51); where its
wheel exists (Linux x86_64) it is used, elsewhere the standard module is, with the same
API, schema and file format, just slower.

Measured on the 10,000-contract benchmark file (476,879 clauses), median of 7, FTS5 top 10
by BM25: "termination" (74,662 matches) 78 ms on the OS build against 51 ms here,
"liability" 42 against 27, "written notice" 47 against 35 (`python -m bench.search`
prints the whole mix).

Import `sqlite3` from this module, never the standard one, in anything that may open a
portfolio or journal file: two copies of SQLite in one process must not open the same
database, because POSIX locks belong to the process and one copy closing the file drops
the locks the other still counts on (sqlite.org/howtocorrupt.html, section 2.2.1).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the bundled module has no stubs; its API is the standard one
    import sqlite3
else:
    try:
        from pysqlite3 import dbapi2 as sqlite3
    except ImportError:  # no wheel for this platform: the standard module
        import sqlite3

__all__ = ["compile_options", "library_description", "sqlite3"]


@cache
def compile_options() -> frozenset[str]:
    """How this SQLite was built (`PRAGMA compile_options`), e.g. `ENABLE_FTS5`."""
    conn = sqlite3.connect(":memory:")
    try:
        return frozenset(row[0] for row in conn.execute("PRAGMA compile_options"))
    finally:
        conn.close()


def library_description() -> str:
    """Which SQLite the portfolio runs on, for `contracts doctor` and bug reports."""
    module = sqlite3.__name__.split(".")[0]
    origin = "bundled (pysqlite3-binary)" if module == "pysqlite3" else "the system's"
    return f"SQLite {sqlite3.sqlite_version}, {origin}"

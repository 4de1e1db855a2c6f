"""The least a Python program built on click can do for a warm search: start, import click, run the FTS5 query
through the standard library's sqlite3 and print its rows as TSV (a header, then the rows). Used by bench.py as
the floor under chrono.

Usage: python bench/floor.py INDEX.sqlite "SQL"
"""

from __future__ import annotations

import sqlite3
import sys

import click  # noqa: F401 - its import is the cost being measured


def main() -> None:
    """Print the query's rows, tab-separated, under a header of its column names (as chrono prints TSV)."""
    conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    write = sys.stdout.write
    rows = conn.execute(sys.argv[2])
    write("\t".join(d[0] for d in rows.description) + "\n")
    for row in rows:
        write("\t".join(row) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Opening the chronologies in use: load and validate the files, and build the index over them."""

from __future__ import annotations

from chrono.errors import DataError
from chrono.index import Index, build, connect
from chrono.load import LoadedFile, load_file


def load_all(paths: list[str]) -> list[LoadedFile]:
    """Load every file; stdin may be given once."""
    if paths.count("-") > 1:
        raise DataError(["chrono: stdin (-) can be given only once"])
    return [load_file(p) for p in paths]


def open_index(paths: list[str], use_cache: bool = True) -> Index:
    """An index over the given files."""
    conn = connect()
    build(conn, load_all(paths))
    return Index(conn)


def validate_files(paths: list[str]) -> tuple[list[str], list[tuple[str, int]]]:
    """Every problem in the files (FILE:LINE:COL: message) and the event count of each valid file."""
    problems: list[str] = []
    counts: list[tuple[str, int]] = []
    loaded: list[LoadedFile] = []
    for p in paths:
        try:
            f = load_file(p, max_problems=10**9)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append(f)
        counts.append((f.name, len(f.records)))
    if len(loaded) > 1:
        try:
            build(connect(), loaded)
        except DataError as exc:
            problems.extend(exc.problems)
    return problems, counts

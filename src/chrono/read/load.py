"""Loading chronologies: each file's reader, then the normaliser, then the checker, rows to the index.

Files are read as streams and records handed on one at a time, so memory does not grow with the
file. Problems are collected with their place (FILE:LINE:COL), found while the record is still at hand;
by default one bad record means nothing is loaded, and with --skip-invalid the valid records are
loaded and the others counted. Ids used twice are found by the index itself (or, for `validate`, by
a ledger of ids on disk) and placed by reading the files again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chrono.errors import DataError
from chrono.model import FILE_SHIFT, ROW_ID, ROW_SOURCES, ROW_TAGS, Chronology, LoadOptions
from chrono.read.formats.base import STDIN, Reader

MAX_SHOWN_PROBLEMS = 20
BATCH = 5000
Sink = Callable[[list[tuple[Any, ...]]], None]


class Duplicates(Exception):
    """Ids that more than one event has, found when the index was finished."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(", ".join(ids))
        self.ids = ids


@dataclass
class ScanResult:
    """What reading a set of files gave: their readers, metadata, event count, problems and skipped records."""

    readers: list[Reader] = field(default_factory=list)
    chronology: Chronology = field(default_factory=Chronology)
    count: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    counts: dict[str, dict[str, int]] | None = field(default_factory=dict)
    records: int = 0
    skipped: int = 0
    derived: int = 0  # events whose id was derived
    # Per file, when located (a cache build): bytes read, their digest, and where appended records would start.
    states: list[dict[str, Any] | None] = field(default_factory=list)


def scan(paths: list[str], sink: Sink | None = None, options: LoadOptions | None = None,
         max_problems: int = MAX_SHOWN_PROBLEMS, progress: Callable[[Reader, int], None] | None = None,
         notes: Callable[[str], None] | None = None, locate: bool = False, exact_ids: bool = True) -> ScanResult:
    """Read, normalise and check every record of the files, handing index rows to sink in batches.

    Without a sink (validation), ids go to a ledger on disk so that ids used twice are found all the
    same; with one, the sink's index finds them when it is finished (see duplicate_problems). With
    locate, rows of JSON and JSONL files say where their record is (see cold.py), so that the index
    need not keep a second copy of the summary. Without exact_ids, a derived id is kept clear of the derived ids
    only, not of every given id (which would take memory in proportion to the file): an id used twice that may
    be derived (see derived_clash) means reading again with exact_ids.
    """
    if paths.count(STDIN) > 1:
        raise DataError(["chrono: stdin (-) can be given only once"])
    import gc

    options = options or LoadOptions()
    result = ScanResult()
    ledger = None
    if sink is None:
        ledger = IdLedger()
        sink = ledger.add
    loader = _Loader(options, sink, progress, result, notes, exact_ids or sink is None or options.skip_invalid)
    loader.locate = locate
    # Reading creates millions of small objects and no cycles: the cyclic collector would only slow it down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number, path in enumerate(paths):
            loader.checker.base = loader.checker.at = number << FILE_SHIFT
            loader.file(path, number)
        loader.unmapped()
        loader.flush()
    finally:
        if collecting:
            gc.enable()
    if ledger is not None:
        repeated = ledger.duplicates()
        ledger.close()
        if repeated:
            loader.problems.extend(duplicate_problems(paths, options, repeated))
    result.count = loader.checker.n
    result.derived = loader.normaliser.derived
    result.counts = loader.checker.counts()
    result.problem_count += len(loader.problems)
    result.problems.extend(loader.problems[: max(max_problems - len(result.problems), 0)])
    return result


class _Loader:
    """The pipeline over a set of files, in order."""

    def __init__(self, options: LoadOptions, sink: Sink, progress: Callable[[Reader, int], None] | None,
                 result: ScanResult, notes: Callable[[str], None] | None, exact_ids: bool = True) -> None:
        from chrono.read.check import Checker
        from chrono.read.normalise import Normaliser

        self.options = options
        self.sink = sink
        self.progress = progress
        self.result = result
        self.normaliser = Normaliser(options.mapping, options.order, options.strict, notes, options.julian_before,
                                     exact_ids)
        self.checker = Checker(options.strict)
        self.problems: list[str] = []
        self.batch: list[tuple[Any, ...]] = []
        self.locate = False

    def file(self, path: str, number: int = 0) -> None:
        """Load one file; a problem that stops it is recorded and the next file is read."""
        from chrono.read.formats import open_reader

        result = self.result
        located = self.locate and path != STDIN
        derived = self.normaliser.derived
        try:
            reader = open_reader(path, digest=located)
            result.readers.append(reader)
            self.records(reader, number if located else None)
        except DataError as exc:
            result.problems.extend(exc.problems)
            result.problem_count += len(exc.problems)
            if self.locate:
                result.states.append(None)
            return
        if self.locate:
            stream = getattr(reader, "stream", None)
            hasher = getattr(stream, "hasher", None)
            result.states.append(None if hasher is None else file_state(
                reader, hasher, stream.bytes_read, self.normaliser.derived - derived))  # type: ignore[union-attr]
        skip = self.options.skip_invalid
        for p in reader.problems:
            if p.row:
                result.records += 1
            if p.row and skip:
                result.skipped += 1
            else:
                self.problems.append(reader.format(p))
        title = self.normaliser.title
        if title and not reader.chronology.title:
            reader.chronology = reader.chronology._replace(title=title[0], description=title[1])
        self.normaliser.title = None
        result.chronology = result.chronology.merged(reader.chronology)

    def unmapped(self) -> None:
        """A problem for each -m/--map column that no file has (a column only some files have is fine)."""
        normaliser = self.normaliser
        where = normaliser.first_columns
        for column in normaliser.unmapped():
            if where is not None:
                name, names = where
                self.problems.append(f"{name}:1:1: no column named {column!r} (from -m/--map) in any file; the "
                                     f"columns are: {', '.join(names)}")

    def records(self, reader: Reader, number: int | None = None) -> None:
        """Every record of a file through the normaliser and the checker (number: locate rows in file #number)."""
        from re import Match

        from chrono.read.check import Declarations
        from chrono.read.formats.base import pack
        from chrono.read.formats.plain import value as plain_value

        normaliser = self.normaliser
        normalise = normaliser.event
        remember = normaliser.remember if normaliser.exact_ids else None
        check = self.checker.check
        options = self.options
        # Records in the format's plain shape take the checker's quick way (the normaliser would not change them).
        quick = self.checker.quick if not (options.strict or options.mapping or reader.tabular) else None
        quick_plain = self.checker.quick_plain
        reader.plain = quick is not None
        problems = self.problems
        skip = options.skip_invalid
        declarations = Declarations() if options.strict else None
        normaliser.start(reader)
        result = self.result
        name = reader.name
        extent = reader.extent
        origin = reader.origin
        batch = self.batch
        events = 0
        loc = None
        for i, raw in enumerate(reader.records()):
            if number is not None:
                where = extent()
                loc = pack(number, where[0] + origin, where[1]) if where is not None else None
            if type(raw) is Match:
                row = quick_plain(raw, loc)
                if row is None:
                    raw = plain_value(raw)
            else:
                row = quick(raw, loc) if quick is not None else None
            if row is not None:
                events += 1
                if remember is not None and row[ROW_ID][-1:] in "0123456789c":  # perhaps derived-shaped
                    remember(row[ROW_ID])
            else:
                norm = normalise(raw, i)
                rec = norm.record
                if rec is None and not norm.problems:
                    continue  # a row that describes the chronology (a TimelineJS title slide), not an event
                events += 1
                found = norm.problems
                if rec is not None:
                    row, more = check(rec, norm.span, loc)
                    if more:
                        found = found + more
                if found:
                    self._problems(reader, i, norm, found)
                    continue
                assert row is not None and rec is not None  # checked without problems
                if declarations is not None:
                    self._declared(declarations, reader, i, norm.columns.keys, row, rec)
            if skip or not problems:
                batch.append(row)
                if len(batch) >= BATCH:
                    self._flush(reader)
                    batch = self.batch
        reader.count += events
        result.records += events
        normaliser.finish(reader)
        if declarations is not None:
            problems.extend(f"{name}:{line}:{col}: event {eid!r}: {m}" for (line, col), eid, m in
                            declarations.problems(reader.tags_declared, reader.sources_declared))

    def _problems(self, reader: Reader, i: int, norm: Any, found: list[tuple[str | None, str]]) -> None:
        """Record the problems of a record at their places (or, with --skip-invalid, count it as skipped)."""
        if self.options.skip_invalid:
            self.result.skipped += 1
            return
        keys = norm.columns.keys
        who = f"event {norm.given_id!r}" if type(norm.given_id) is str and norm.given_id else f"event #{i + 1}"
        for f, m in found:
            line, col = reader.where(i, keys.get(f, f) if f else None)
            self.problems.append(f"{reader.name}:{line}:{col}: {who}: {m}")

    @staticmethod
    def _declared(declarations: Any, reader: Reader, i: int, keys: dict[str, str], row: tuple[Any, ...],
                  rec: dict[str, Any]) -> None:
        import json

        declarations.note(lambda f: reader.where(i, keys.get(f, f)), row[ROW_ID], json.loads(row[ROW_TAGS]),
                          json.loads(row[ROW_SOURCES]), rec.get("alt_dates"), reader.tags_declared,
                          reader.sources_declared, rec.get("date_basis"))

    def _flush(self, reader: Reader) -> None:
        """Hand a full batch of rows to the sink."""
        self.sink(self.batch)
        self.batch = []
        if self.progress is not None:
            self.progress(reader, self.checker.n)

    def flush(self) -> None:
        """Hand the last rows to the sink, unless a problem means nothing is loaded."""
        clean = self.options.skip_invalid or not (self.problems or self.result.problems)
        if self.batch and clean:
            self.sink(self.batch)
        self.batch = []


def file_state(reader: Reader, hasher: Any, size: int, derived: int | None) -> dict[str, Any]:
    """What a refresh of a read file checks and goes on from (see store.refresh): its bytes and their digests,
    where appended records would start, and how many of its ids were derived (None: not known)."""
    return {"kind": reader.kind, "size": size, "resume": reader.resume(), **hasher.state(), "derived": derived}


def derived_clash(result: ScanResult, repeated: list[str]) -> bool:
    """Whether ids used twice may be a derived id meeting a given one (read without exact_ids: read again)."""
    from chrono.read.normalise import looks_derived

    return result.derived > 0 and any(looks_derived(i) for i in repeated)


class IdLedger:
    """The ids of the rows read, in a private temporary database on disk, to find those used twice."""

    def __init__(self) -> None:
        import sqlite3

        self.conn = sqlite3.connect("", isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("CREATE TABLE ids(id TEXT NOT NULL)")
        self.conn.execute("BEGIN")

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        """Note the ids of a batch of rows."""
        self.conn.executemany("INSERT INTO ids VALUES (?)", [(r[ROW_ID],) for r in rows])

    def duplicates(self, limit: int = 10**6) -> list[str]:
        """The ids noted more than once."""
        return [i for (i,) in self.conn.execute(
            "SELECT id FROM ids GROUP BY id HAVING COUNT(*) > 1 LIMIT ?", (limit,))]

    def close(self) -> None:
        """Drop the ledger."""
        self.conn.close()


def duplicate_problems(paths: list[str], options: LoadOptions, repeated: list[str]) -> list[str]:
    """FILE:LINE:COL problems for ids used more than once, found by reading the files again."""
    from chrono.read.formats import open_reader
    from chrono.read.normalise import Normaliser

    wanted = set(repeated)
    first: dict[str, tuple[str, int, str]] = {}
    out: list[str] = []
    normaliser = Normaliser(options.mapping, options.order, options.strict, julian_before=options.julian_before)
    for path in paths:
        if path == STDIN:
            out.extend(f"<stdin>: duplicate id {eid!r}; rename one of them" for eid in repeated if eid not in first)
            continue
        try:
            reader = open_reader(path)
        except DataError:
            continue
        normaliser.start(reader)
        for i, raw in enumerate(reader.records()):
            norm = normaliser.event(raw, i)
            if norm.record is None:
                continue
            eid = norm.record.get("id")
            if eid not in wanted:
                continue
            line, col = reader.where(i, norm.columns.keys.get("id", "id"))
            place = f"{reader.name}:{line}:{col}"
            if eid not in first:
                first[eid] = (reader.name, i + 1, place)
                continue
            other, number, at = first[eid]
            if other == reader.name:
                out.append(f"{place}: duplicate id {eid!r} (first used by event #{number} at {at})")
            else:
                out.append(f"{place}: duplicate id {eid!r}, also at {at}; rename one of them")
    return out


def raise_problems(result: ScanResult, max_problems: int = MAX_SHOWN_PROBLEMS) -> None:
    """Raise DataError listing the problems found, if any."""
    if not result.problems:
        return
    hint = ""
    if result.problem_count > len(result.problems):
        hint = f"{result.problem_count - len(result.problems)} more problems not shown; chrono validate lists them all"
    raise DataError(result.problems[:max_problems], hint)


class SeenIds(set[str]):
    """The ids a derived id must not repeat: those remembered here, and those an index holds below a row number."""

    def __init__(self, held: Callable[[str, int], bool]) -> None:
        super().__init__()
        self.held = held
        self.below = 0

    def __contains__(self, eid: object) -> bool:
        return set.__contains__(self, eid) or (type(eid) is str and self.held(eid, self.below))


@dataclass
class Appended:
    """Records added to a file already indexed: a reader over the new bytes, the file's number, its last row, and
    the row from which the index's ids are not theirs to avoid (by default, the next file's first)."""

    reader: Reader
    number: int
    last_row: int
    below: int | None = None


def scan_appended(parts: list[Appended], sink: Sink, options: LoadOptions,
                  held: Callable[[str, int], bool]) -> ScanResult:
    """Read records added to indexed files as a fresh build would (held: whether the index has an id below a row).

    The rows go on from each file's last row; a derived id is the one a build would give, as long as no id of a
    later file is taken (the index refuses that, and the caller builds afresh).
    """
    import gc

    result = ScanResult()
    loader = _Loader(options, sink, None, result, None)
    loader.locate = True
    seen = SeenIds(held)
    loader.normaliser.ids = seen
    collecting = gc.isenabled()
    gc.disable()
    try:
        for part in parts:
            base = part.number << FILE_SHIFT
            seen.below = base + (1 << FILE_SHIFT) if part.below is None else part.below
            loader.checker.base = base
            loader.checker.at = part.last_row
            first = loader.checker.n
            try:
                loader.records(part.reader, part.number)
            except DataError as exc:
                result.problems.extend(exc.problems)
                break
            result.count += loader.checker.n - first
            result.problems.extend(part.reader.format(p) for p in part.reader.problems)
            if loader.normaliser.title:
                result.problems.append(f"{part.reader.name}: a title row")
            loader.flush()
    finally:
        if collecting:
            gc.enable()
    result.problems.extend(loader.problems)
    result.derived = loader.normaliser.derived
    return result

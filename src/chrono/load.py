"""Loading chronologies: each file's reader, then the normaliser, then the checker, rows to the index.

Problems are collected with their place (FILE:LINE:COL) and reported together; by default one bad
record means nothing is loaded, and with --skip-invalid the valid records are loaded and the others
counted. Records are read one at a time and handed to the index writer in batches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chrono.errors import DataError
from chrono.formats.base import STDIN, Problem, Reader
from chrono.model import Chronology, LoadOptions

MAX_SHOWN_PROBLEMS = 20
BATCH = 5000


@dataclass
class ScanResult:
    """What reading a set of files gave: their readers, metadata, event count, problems and skipped records."""

    readers: list[Reader] = field(default_factory=list)
    chronology: Chronology = field(default_factory=Chronology)
    count: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    counts: dict[str, Any] = field(default_factory=dict)
    records: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


def scan(paths: list[str], sink: Callable[[list[tuple[Any, ...]]], None] | None = None,
         options: LoadOptions | None = None, max_problems: int = MAX_SHOWN_PROBLEMS,
         progress: Callable[[Reader], None] | None = None, notes: bool = False) -> ScanResult:
    """Read, normalise and check every record of the files, handing index rows to sink in batches."""
    if paths.count(STDIN) > 1:
        raise DataError(["chrono: stdin (-) can be given only once"])
    import gc

    result = ScanResult()
    loader = _Loader(options or LoadOptions(), sink, progress, result, notes)
    # Reading creates millions of small objects and no cycles: the cyclic collector would only slow it down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path in paths:
            loader.file(path)
        loader.flush()
    finally:
        if collecting:
            gc.enable()
    result.count = len(loader.seen)
    result.counts = loader.checker.counts()
    result.problem_count += len(loader.problems)
    for reader, p in loader.problems[: max(max_problems - len(result.problems), 0)]:
        result.problems.append(reader.format(p))
    result.notes = [reader.format(p) for reader, p in loader.notes or ()]
    return result


class _Loader:
    """The pipeline over a set of files: ids are unique across all of them."""

    def __init__(self, options: LoadOptions, sink: Callable[[list[tuple[Any, ...]]], None] | None,
                 progress: Callable[[Reader], None] | None, result: ScanResult, notes: bool) -> None:
        from chrono.check import Checker
        from chrono.normalise import Normaliser

        self.options = options
        self.sink = sink
        self.progress = progress
        self.result = result
        self.notes: list[tuple[Reader, Problem]] | None = [] if notes else None
        self.normaliser = Normaliser(options.mapping, options.order, options.strict, self.notes)
        self.checker = Checker(options.strict)
        self.seen: dict[str, tuple[Reader, int]] = {}
        self.problems: list[tuple[Reader, Problem]] = []
        self.batch: list[tuple[Any, ...]] = []

    def file(self, path: str) -> None:
        """Load one file; a problem that stops it is recorded and the next file is read."""
        from chrono.formats import open_reader

        result = self.result
        try:
            reader = open_reader(path)
            result.readers.append(reader)
            self.records(reader)
        except DataError as exc:
            result.problems.extend(exc.problems)
            result.problem_count += len(exc.problems)
            return
        skip = self.options.skip_invalid
        for p in reader.problems:
            if p.row:
                result.records += 1
            if p.row and skip:
                result.skipped += 1
            else:
                self.problems.append((reader, p))
        title = self.normaliser.title
        if title and not reader.chronology.title:
            reader.chronology = reader.chronology._replace(title=title[0], description=title[1])
        self.normaliser.title = None
        result.chronology = result.chronology.merged(reader.chronology)

    def records(self, reader: Reader) -> None:
        """Every record of a file through the normaliser and the checker."""
        from chrono.check import Declarations

        normalise = self.normaliser.event
        check = self.checker.check
        seen = self.seen
        problems = self.problems
        skip = self.options.skip_invalid
        declarations = Declarations() if self.options.strict else None
        self.normaliser.start(reader)
        result = self.result
        for i, raw in enumerate(reader.records()):
            norm = normalise(raw, i)
            rec = norm.record
            if rec is None and not norm.problems:
                continue  # a row that describes the chronology (a TimelineJS title slide), not an event
            reader.count += 1
            found = norm.problems
            row = None
            if rec is not None:
                row, more = check(rec, norm.span, declarations, i)
                if more:
                    found = found + more
            result.records += 1
            if not found:
                assert row is not None
                first = seen.get(row[1])
                if first is None:
                    seen[row[1]] = (reader, i)
                    if self.sink is not None and (skip or not problems):
                        self._add(row, reader)
                    continue
                if skip:
                    result.skipped += 1
                else:
                    problems.append((reader, Problem(self._duplicate(row[1], first, reader), record=i,
                                                     key=norm.columns.keys.get("id", "id"))))
                continue
            if skip:
                result.skipped += 1
                continue
            keys = norm.columns.keys
            who = f"event {norm.given_id!r}" if type(norm.given_id) is str and norm.given_id else f"event #{i + 1}"
            problems.extend((reader, Problem(f"{who}: {m}", record=i, key=keys.get(f, f) if f else None))
                            for f, m in found)
        self.normaliser.finish(reader)
        if declarations is not None:
            keys = self.normaliser.key_for
            problems.extend((reader, Problem(f"event {eid!r}: {m}", record=index, key=keys(f)))
                            for index, eid, f, m in declarations.problems(reader.tags_declared,
                                                                         reader.sources_declared))

    @staticmethod
    def _duplicate(eid: str, first: tuple[Reader, int], reader: Reader) -> str:
        other, index = first
        line, col = other.where(index, "id")
        if other is reader:
            return f"duplicate id {eid!r} (first used by event #{index + 1} at {other.name}:{line}:{col})"
        return f"duplicate id {eid!r}, also at {other.name}:{line}:{col}; rename one of them"

    def _add(self, row: tuple[Any, ...], reader: Reader) -> None:
        batch = self.batch
        batch.append(row)
        if len(batch) >= BATCH:
            assert self.sink is not None
            self.sink(batch)
            self.batch = []
            if self.progress is not None:
                self.progress(reader)

    def flush(self) -> None:
        """Hand the last rows to the sink, unless a problem means nothing is loaded."""
        clean = self.options.skip_invalid or not (self.problems or self.result.problems)
        if self.batch and self.sink is not None and clean:
            self.sink(self.batch)
        self.batch = []


def raise_problems(result: ScanResult, max_problems: int = MAX_SHOWN_PROBLEMS) -> None:
    """Raise DataError listing the problems found, if any."""
    if not result.problems:
        return
    hint = ""
    if result.problem_count > len(result.problems):
        hint = f"{result.problem_count - len(result.problems)} more problems not shown; chrono validate lists them all"
    raise DataError(result.problems[:max_problems], hint)

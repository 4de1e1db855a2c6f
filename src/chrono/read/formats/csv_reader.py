"""Tables: CSV (comma- or semicolon-separated, sniffed from the header) and TSV, one event per row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chrono.errors import DataError
from chrono.model import FORMULA_STARTS
from chrono.read.formats.base import Problem, Reader
from chrono.read.formats.stream import MAX_RECORD, TextStream, utf8_length


def sniff_delimiter(header: str) -> str:
    """The delimiter of a CSV header line: whichever of , ; and tab splits it most (outside quotes)."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for c in header:
        if c == '"':
            quoted = not quoted
        elif not quoted and c in counts:
            counts[c] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def unguard(cell: str) -> str:
    """A cell without the ' that a spreadsheet-safe export puts before a formula-like start (see render)."""
    if cell[:1] == "'" and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


class CsvReader(Reader):
    """A header row, then one event per row; each record maps column names to non-empty cells."""

    kind = "csv"
    tabular = True
    delimiter: str | None = None

    def __init__(self, name: str, stream: TextStream) -> None:
        super().__init__(name)
        self.stream = stream
        self.current = -1
        self.line = 0
        self.row_size = 0  # characters of the row being read so far (a row may span lines), and its first line
        self.row_line = 1
        self.consumed = 0  # bytes of the lines the rows so far were read from, and where the last row starts
        self.row_at = 0

    def _rows(self) -> Any:
        import csv

        csv.field_size_limit(MAX_RECORD)
        lines = self.stream.lines()
        first = next(lines, "")
        delimiter = self.delimiter or sniff_delimiter(first)

        def all_lines() -> Iterator[str]:
            if first:
                self.consumed = self.stream.bom + utf8_length(first)
                yield first
            for line in lines:
                self.row_size += len(line)
                if self.row_size > MAX_RECORD:
                    raise DataError([f"{self.name}:{self.row_line}:1: a row longer than {MAX_RECORD >> 20} MB; check "
                                     "the quotes before this row (chrono reads rows of up to 16 MB)"])
                self.consumed += utf8_length(line)
                yield line

        return csv.reader(all_lines(), delimiter=delimiter, doublequote=True, quotechar='"',
                          skipinitialspace=False, strict=True)

    def records(self) -> Iterator[Any]:
        """Rows as {column: cell} records; a ragged row is a problem, broken quoting stops the file."""
        import csv

        rows = self._rows()
        try:
            header = next(rows)
        except StopIteration:
            raise DataError([f"{self.name}:1:1: empty input; a table starts with a header row naming its "
                             "columns (date,title,...)"]) from None
        except csv.Error as exc:
            raise DataError([f"{self.name}:{rows.line_num}:1: invalid CSV: {exc}"]) from None
        columns = [h.strip() or f"column {i + 1}" for i, h in enumerate(header)]
        seen: dict[str, int] = {}
        for i, name in enumerate(columns):
            if name in seen:
                raise DataError([f"{self.name}:1:{i + 1}: column {name!r} appears twice (also column "
                                 f"{seen[name] + 1}); rename one of them"])
            seen[name] = i
        self.columns = columns
        self.row_size = 0
        self.row_line = rows.line_num + 1
        width = len(columns)
        while True:
            start = rows.line_num + 1
            at = self.consumed
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                raise DataError([f"{self.name}:{start}:1: invalid CSV: {exc}; check the quotes on this row"]) from None
            self.position = self.stream.bytes_read
            self.row_size = 0
            self.row_line = rows.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                # Spreadsheets leave out empty cells at the end of a row, or add empty ones: both are harmless.
                if len(row) < width:
                    row += [""] * (width - len(row))
                elif not any(c.strip() for c in row[width:]):
                    row = row[:width]
                else:
                    self.problems.append(Problem(
                        f"row has {len(row)} fields but the header has {width}; quote fields that contain "
                        f"{'commas' if rows.dialect.delimiter == ',' else 'the delimiter'}",
                        line=start, col=min(len(row), width) + 1))
                    continue
            self.current += 1
            self.line = start
            self.row_at = at
            yield {k: unguard(v) for k, v in zip(columns, row, strict=True) if v and not v.isspace()}

    def resume(self) -> int | None:
        """The end of the file, when its last line ended (lines added after it are rows of their own)."""
        return self.stream.bytes_read if self.stream.last in (b"\n", b"\r") else None

    def extent(self) -> tuple[int, int] | None:
        """Where the row being read starts, and no length: a row is not read back alone (it needs its header), so
        the index keeps its summary (store.writer)."""
        return self.row_at, 0

    def where(self, record: int | None, key: str | None = None) -> tuple[int, int]:
        """The line of the row being read and the number of the column in it."""
        if record is None or record != self.current:
            return 1, 1
        columns = self.columns or []
        return self.line, columns.index(key) + 1 if key in columns else 1


class TsvReader(CsvReader):
    """Tab-separated values: the same rules as CSV, with tabs between the cells."""

    kind = "tsv"
    delimiter = "\t"

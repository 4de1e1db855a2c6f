"""One renderer for every command: tables for people, JSON/JSONL/CSV/TSV/ids for pipelines."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TextIO

from chrono.model import LIST_FIELDS, whole_number
from chrono.output.escape import TSV_SPECIAL, TSV_SPECIAL_IN_LINES, TSV_TABLE, escape_text, spreadsheet_safe

if TYPE_CHECKING:
    from chrono.model import Event

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "ids")
FIELDS = (
    "id", "date", "when", "date_os", "title", "summary", "tags", "people", "places", "aliases",
    "sources", "certainty", "account", "date_basis", "note", "alt_dates", "replaces", "extra", "earliest", "latest",
    "precision",
)
DEFAULT_FIELDS = ("id", "date", "title", "tags")
# Columns that may be shortened to fit the terminal, most expendable first.
SHRINKABLE = ("summary", "note", "extra", "sources", "aliases", "people", "places", "title", "tags", "alt_dates",
              "description")
ELLIPSIS = "\u2026"
# Table styles that are Markdown, whose cells escape Markdown's own characters.
MARKDOWN_STYLES = ("github", "pipe")
CHUNK = 512

def human(edtf: str, date_os: str | None = None, calendar: str = "both") -> str:
    """The human form of a date (chrono.dates.edtf.human, imported only when a person reads dates)."""
    from chrono.dates.human import human as human_date

    return human_date(edtf, date_os, calendar)


def csv_writerow(out: IO[str]) -> Callable[[Sequence[str]], Any]:
    """A CSV row writer (rows end in \\n) that also quotes a cell holding a carriage return.

    The csv module quotes only the characters of its line terminator, so a lone \\r would end the row early.
    """
    import csv
    import io

    plain = csv.writer(out, lineterminator="\n").writerow
    buf = io.StringIO()
    crlf = csv.writer(buf, lineterminator="\r\n").writerow

    def writerow(row: Sequence[str]) -> Any:
        if not any("\r" in cell for cell in row):
            return plain(row)
        crlf(row)
        text = buf.getvalue()[:-2] + "\n"
        buf.seek(0)
        buf.truncate()
        return out.write(text)

    return writerow


class Output(NamedTuple):
    """How to print: format, table style, fields, header, count only, calendar, colour, width, raw CSV, and whether
    to a terminal (where JSON, CSV and TSV escape what would act on it; to a file or a pipe they stay exact)."""

    format: str = "tsv"
    style: str = "simple"
    fields: tuple[str, ...] | None = None
    header: bool = True
    count_only: bool = False
    calendar: str = "both"
    color: bool = False
    width: int | None = None
    raw: bool = False
    terminal: bool = False


def stdout_is_utf8() -> bool:
    """Whether stdout can carry any character (else JSON escapes non-ASCII)."""
    enc = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return enc in ("utf8", "utf8sig", "utf16", "utf32")


def terminal_width() -> int | None:
    """The width to fit tables to: the terminal's, or $COLUMNS; None when neither applies."""
    columns = whole_number(os.environ.get("COLUMNS", ""))
    if columns is not None:
        return columns
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return None


def bold(text: str, cyan: bool = False) -> str:
    """Text in bold (and cyan) for a terminal that shows colour."""
    return ("\x1b[36m" if cyan else "") + "\x1b[1m" + text + "\x1b[0m"


def use_color() -> bool:
    """Colour only on a terminal, never with NO_COLOR or TERM=dumb."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


# Values ----------------------------------------------------------------------------------------


def source_text(entry: dict[str, Any]) -> str:
    """A source entry as one line: 'key: citation', 'key' or its title."""
    key = entry.get("source")
    if key is None:
        head = entry.get("title") or entry.get("url") or ""
        rest = [f"{k} {v}" for k, v in entry.items() if k != "title" and not (k == "url" and v == head)]
        return ", ".join(str(p) for p in [head, *rest] if p != "")
    cite = entry.get("cite")
    return f"{key}: {cite}" if cite else key


def machine_value(event: Event, name: str) -> Any:
    """A field's value for JSON output."""
    if name in ("earliest", "latest", "precision"):
        return getattr(event, name)
    if name == "when":
        return human(event.date, event.date_os)
    value = getattr(event, name) if name != "extra" else event.extra
    return list(value) if isinstance(value, tuple) else value


def text_value(event: Event, name: str, calendar: str = "both", human_dates: bool = False) -> str:
    """A field's value as one string for CSV, TSV and tables (lists joined with '; ')."""
    return text_getter(name, calendar, human_dates)(event)


def text_getter(name: str, calendar: str = "both", human_dates: bool = False) -> Callable[[Event], str]:
    """A function giving one field of an event as a string, chosen once for every row."""
    if name == "when" or (name == "date" and human_dates):
        return lambda e: human(e.date, e.date_os, calendar)
    if name in LIST_FIELDS:
        from chrono.model import json_list

        column = name + "_text"
        return lambda e: "; ".join(json_list(getattr(e, column)))
    if name == "replaces":
        return lambda e: "; ".join(e.replaces)
    if name == "sources":
        return lambda e: "; ".join(source_text(s) for s in e.sources)
    if name == "alt_dates":
        return lambda e: _alt_dates_text(e, human_dates)
    if name == "extra":
        import json

        return lambda e: json.dumps(e.extra, ensure_ascii=False) if e.extra else ""
    if name in ("id", "date", "title", "summary", "precision"):
        from operator import attrgetter

        return attrgetter(name)

    def other(e: Event) -> str:
        value = getattr(e, name)
        return "" if value is None else str(value)

    return other


def _alt_dates_text(event: Event, human_dates: bool) -> str:
    if not event.alt_dates:
        return ""
    if human_dates:
        return "; ".join(
            f"{a.get('date')} ({', '.join(source_text(s) for s in a.get('sources', []))})" for a in event.alt_dates
        )
    import json

    return json.dumps(list(event.alt_dates), ensure_ascii=False, separators=(",", ":"))


# Writers ---------------------------------------------------------------------------------------


class LineWriter:
    """Writes rows to stdout as they come, in chunks."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.buf: list[str] = []

    def line(self, text: str) -> None:
        """Queue one line."""
        self.buf.append(text)
        if len(self.buf) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write what is queued."""
        if self.buf:
            self.buf.append("")
            self.out.write("\n".join(self.buf))
            self.buf = []

    def close(self) -> None:
        """Write the rest and flush the stream."""
        self.flush()
        self.out.flush()


def render_events(events: Iterable[Event], out: Output) -> int:
    """Print events in the chosen format; return how many there were."""
    fields = out.fields or (("id",) if out.format == "ids" else DEFAULT_FIELDS)
    w = LineWriter()
    n = 0
    if out.count_only:
        n = sum(1 for _ in events)
        w.line(str(n))
    elif out.format == "json":
        n = _json_array(w, (_record(e, out.fields) for e in events), out.terminal)
    elif out.format == "jsonl":
        n = _jsonl(w, (_record(e, out.fields) for e in events), out.terminal)
    elif out.format == "ids":
        for e in events:
            w.line(e.id)
            n += 1
    elif out.format in ("csv", "tsv"):
        getters = [text_getter(f, out.calendar) for f in fields]
        n = _delimited(w, out, fields, ([g(e) for g in getters] for e in events))
    else:
        getters = [text_getter(f, out.calendar, human_dates=True) for f in fields]
        rows = [[g(e) for g in getters] for e in events]
        n = len(rows)
        if rows:
            from chrono.output.table import table

            w.line(table(fields, rows, out))
    w.close()
    return n


# Output fields that are one column of the index, as stored (or a JSON list, joined with '; ').
PLAIN_FIELDS = ("id", "date", "date_os", "title", "summary", "precision", *LIST_FIELDS)


def plain_columns(out: Output) -> tuple[str, ...] | None:
    """The index columns behind a TSV, CSV or ids output made only of plain fields; None otherwise."""
    if out.count_only or out.format not in ("tsv", "csv", "ids"):
        return None
    fields = ("id",) if out.format == "ids" else out.fields or DEFAULT_FIELDS
    return fields if all(f in PLAIN_FIELDS for f in fields) else None


def render_plain(rows: Iterable[Sequence[Any]], fields: tuple[str, ...], out: Output) -> int:
    """Print database rows of the plain_columns(out) fields straight as TSV, CSV or ids (no Event in between)."""
    w = LineWriter()
    if out.format == "ids":
        n = 0
        for (event_id,) in rows:
            w.line(event_id)
            n += 1
    else:
        from chrono.model import json_list

        lists = [i for i, f in enumerate(fields) if f in LIST_FIELDS]
        nullable = [i for i, f in enumerate(fields) if f == "date_os"]

        def text(row: Sequence[Any]) -> list[str]:
            values = list(row)
            for i in lists:
                values[i] = "; ".join(json_list(values[i]))
            for i in nullable:
                if values[i] is None:
                    values[i] = ""
            return values

        n = _delimited(w, out, fields, (text(r) for r in rows))
    w.close()
    return n


def render_tsv_lines(lines: Any, fields: tuple[str, ...], out: Output, texts: Callable[[int], Sequence[str]]) -> int:
    """Print TSV lines that the database joined, a chunk at a time (lines: a cursor of (line, n)).

    A chunk whose lines hold a value with a tab, a line break or another control character is printed
    line by line instead, those values escaped (texts(n) gives a line's fields).
    """
    stdout = sys.stdout
    tabs = len(fields) - 1
    n = 0
    while True:
        rows = lines.fetchmany(CHUNK * 4)
        if not rows:
            break
        chunk = [row[0] for row in rows]
        text = "\n".join(chunk)
        # Every line has at least `tabs` tabs, so the count is exact only when no value holds one.
        if text.count("\t") != tabs * len(chunk) or text.count("\n") != len(chunk) - 1 \
                or re.search(TSV_SPECIAL_IN_LINES, text):
            special = re.compile(TSV_SPECIAL).search
            text = "\n".join(line if line.count("\t") == tabs and not special(line) else
                             "\t".join([v.translate(TSV_TABLE) for v in texts(number)]) for line, number in rows)
        if n == 0 and out.header:
            stdout.write("\t".join(fields) + "\n")
        if out.terminal:
            from chrono.output.escape import terminal_marks

            text = terminal_marks(text)
        stdout.write(text + "\n")
        n += len(chunk)
    stdout.flush()
    return n


def render_rows(headers: Sequence[str], rows: Iterable[Sequence[Any]], out: Output) -> int:
    """Print generic rows (tags, people, places counts) in the chosen format."""
    rows = list(rows)
    w = LineWriter()
    if out.count_only:
        w.line(str(len(rows)))
    elif out.format == "json":
        _json_array(w, (dict(zip(headers, r, strict=True)) for r in rows), out.terminal)
    elif out.format == "jsonl":
        _jsonl(w, (dict(zip(headers, r, strict=True)) for r in rows), out.terminal)
    elif out.format == "ids":
        for r in rows:
            w.line(str(r[0]))
    elif out.format in ("csv", "tsv"):
        _delimited(w, out, tuple(headers), ([("" if v is None else str(v)) for v in r] for r in rows))
    elif rows:
        from chrono.output.table import table

        w.line(table(tuple(headers), [[("" if v is None else str(v)) for v in r] for r in rows], out))
    w.close()
    return len(rows)


def _record(event: Event, fields: tuple[str, ...] | None) -> dict[str, Any]:
    if not fields:
        return event.to_record()
    return {f: machine_value(event, f) for f in fields}


def _json_dumps(terminal: bool = False) -> Any:
    import json

    ascii_only = not stdout_is_utf8()

    def dumps(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=ascii_only)

    if terminal:
        from chrono.output.escape import terminal_json

        return lambda obj: terminal_json(dumps(obj))
    return dumps


def _json_array(w: LineWriter, records: Iterator[dict[str, Any]], terminal: bool = False) -> int:
    dumps = _json_dumps(terminal)
    n = 0
    pending = None
    for rec in records:
        w.line("[" if pending is None else pending + ",")
        pending = dumps(rec)
        n += 1
    if pending is None:
        w.line("[]")
    else:
        w.line(pending)
        w.line("]")
    return n


def _jsonl(w: LineWriter, records: Iterator[dict[str, Any]], terminal: bool = False) -> int:
    dumps = _json_dumps(terminal)
    n = 0
    for rec in records:
        w.line(dumps(rec))
        n += 1
    return n


def _delimited(w: LineWriter, out: Output, fields: tuple[str, ...], rows: Iterator[list[str]]) -> int:
    # Like sqlite3, print nothing at all (not even the header) when nothing matched.
    n = 0
    if out.format == "tsv":
        tabs = len(fields) - 1
        special = re.compile(TSV_SPECIAL).search
        line = w.line
        if out.terminal:
            from chrono.output.escape import terminal_marks

            line = lambda text: w.line(terminal_marks(text))  # noqa: E731
        for row in rows:
            if n == 0 and out.header:
                line("\t".join(fields))
            text = "\t".join(row)
            if text.count("\t") != tabs or special(text):
                text = "\t".join([v.translate(TSV_TABLE) for v in row])
            line(text)
            n += 1
        return n
    import io

    buf = io.StringIO()
    writerow = csv_writerow(buf)
    for row in rows:
        if n == 0 and out.header:
            writerow(fields)
        if not out.raw:
            row = [spreadsheet_safe(v) for v in row]
        writerow([escape_text(v) for v in row] if out.terminal else row)
        n += 1
        if n % CHUNK == 0:
            w.out.write(buf.getvalue())
            buf.seek(0)
            buf.truncate()
    w.flush()
    w.out.write(buf.getvalue())
    return n

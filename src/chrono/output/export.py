"""Exports of the selected events: iCalendar, TimelineJS, SQLite, an HTML timeline, CSV, JSON, JSONL, Markdown.

Every writer takes the events and the chronology's metadata; files are written atomically (to a
temporary file beside the target, then renamed), so a failed export leaves an earlier file as it was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import IO, Any

from chrono import __version__
from chrono.dates.edtf import human, parse_edtf
from chrono.model import FORMAT_FIELDS, Chronology, Event, whole_number

EXPORT_FORMATS = ("ics", "timelinejs", "sqlite", "html", "csv", "json", "jsonl", "markdown")
BINARY_FORMATS = ("sqlite",)


@contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """A temporary path beside path, renamed over it only when the block succeeds (else removed)."""
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        yield tmp
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextmanager
def atomic_file(path: str) -> Iterator[IO[str]]:
    """A text file that replaces path atomically when the block succeeds; a failure leaves path as it was."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        yield f


def _ends(e: Event) -> tuple[date | None, date | None]:
    span = parse_edtf(e.date)
    return span.earliest, span.latest


# iCalendar (RFC 5545) --------------------------------------------------------------------------


def _ics_text(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character; lines end with CRLF."""
    out = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current = " "
            size = 1
            limit = 75
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out) + "\r\n"


def _dtstamp() -> str:
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = whole_number(epoch)
    if seconds is None:
        seconds = int(time.time())
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))


def _controls_out(text: str) -> str:
    # iCalendar forbids control characters other than tab in TEXT; show them as the escapes chrono uses.
    from chrono.output.escape import escape_text

    return escape_text(text) if any(ord(c) < 32 and c not in "\t\n\r" for c in text) else text


def write_ics(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """RFC 5545: one all-day VEVENT per event, from its earliest day to the day after its latest."""
    stamp = _dtstamp()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//chrono//chrono {__version__}//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    if chron.title:
        lines.append(f"X-WR-CALNAME:{_ics_text(_controls_out(chron.title))}")
    for line in lines:
        out.write(_fold(line))
    n = 0
    for e in events:
        first, last = _ends(e)
        start = first or last
        assert start is not None
        end = (last or start) + timedelta(days=1)
        when = human(e.date, e.date_os)
        description = f"{when} ({e.precision}; EDTF {e.date})"
        if e.date_os:
            description += f"; Old Style {e.date_os}"
        if first is None:
            description += "; the start is open: shown on the last day"
        if last is None:
            description += "; the end is open: shown on the first day"
        description += f"\n\n{e.summary}"
        if e.note:
            description += f"\n\nNote: {e.note}"
        from chrono.output.render import source_text

        description += "\n\nSources: " + "; ".join(source_text(s) for s in e.sources)
        block = [
            "BEGIN:VEVENT",
            f"UID:{e.id}@chrono",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{start.year:04d}{start.month:02d}{start.day:02d}",
            f"DTEND;VALUE=DATE:{end.year:04d}{end.month:02d}{end.day:02d}",
            f"SUMMARY:{_ics_text(_controls_out(e.title))}",
            f"DESCRIPTION:{_ics_text(_controls_out(description))}",
            f"CATEGORIES:{','.join(_ics_text(_controls_out(t)) for t in e.tags)}",
        ]
        if e.places:
            block.append(f"LOCATION:{_ics_text(_controls_out(', '.join(e.places)))}")
        block.append("TRANSP:TRANSPARENT")
        block.append("END:VEVENT")
        for line in block:
            out.write(_fold(line))
        n += 1
    out.write(_fold("END:VCALENDAR"))
    return n


# TimelineJS3 ----------------------------------------------------------------------------------


def _tl_date(point: Any, end: bool = False) -> dict[str, str]:
    """A TimelineJS date holding only the parts the EDTF point knows (its first day, or last with end)."""
    d = point.latest if end else point.earliest
    out = {"year": str(d.year)}
    if point.precision in ("month", "day", "season"):
        out["month"] = str(d.month)
    if point.precision == "day":
        out["day"] = str(d.day)
    return out


def _html(text: str) -> str:
    import html

    from chrono.output.escape import escape_text

    return html.escape(escape_text(text))


def write_timelinejs(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """TimelineJS3 JSON: start/end dates with only the known parts, display date, headline, text, group."""
    items = []
    for e in events:
        span = parse_edtf(e.date)
        start_point = span.start or span.end
        assert start_point is not None
        item: dict[str, Any] = {"start_date": _tl_date(start_point)}
        if span.is_interval:
            if span.start is not None and span.end is not None:
                item["end_date"] = _tl_date(span.end, end=True)
        elif start_point.precision in ("season", "decade"):
            item["end_date"] = _tl_date(start_point, end=True)
        from chrono.output.render import source_text

        body = f"<p>{_html(e.summary)}</p>"
        if e.note:
            body += f"<p><em>{_html(e.note)}</em></p>"
        body += "<p>Sources: " + "; ".join(_html(source_text(s)) for s in e.sources) + "</p>"
        item.update({
            "display_date": human(e.date, e.date_os),
            "text": {"headline": _html(e.title), "text": body},
            "group": e.tags[0],
            "unique_id": e.id,
        })
        items.append(item)
    doc: dict[str, Any] = {"events": items}
    if chron.title:
        doc["title"] = {"text": {"headline": _html(chron.title), "text": _html(chron.description)}}
    json.dump(doc, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(items)


# JSON, JSONL, CSV: the chronology format, loadable by chrono again ------------------------------------


def write_json(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """A chronology document (metadata, declared sources and tags, events) that chrono can load again."""
    records = [e.to_record(computed=False) for e in events]
    used_tags = {t for r in records for t in r["tags"]}
    used_sources = {s.get("source") for r in records for s in r["sources"]}
    doc = {
        "chronology": {k: v for k, v in (("title", chron.title), ("description", chron.description),
                                           ("version", chron.version), ("license", chron.license)) if v},
        "sources": {k: v for k, v in chron.sources.items() if k in used_sources},
        "tags": {k: v for k, v in chron.tags.items() if k in used_tags},
        "events": records,
    }
    if chron.tags and not used_tags <= set(chron.tags):
        del doc["tags"]
    if chron.sources and not {s for s in used_sources if s} <= set(chron.sources):
        del doc["sources"]
    json.dump(doc, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(records)


def write_jsonl(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """One event record per line."""
    n = 0
    for e in events:
        out.write(json.dumps(e.to_record(computed=False), ensure_ascii=False) + "\n")
        n += 1
    return n


CSV_FIELDS = FORMAT_FIELDS


def write_csv(events: Iterable[Event], chron: Chronology, out: IO[str], raw: bool = False) -> int:
    """Every field of the format; lists joined with '; ', sources as 'key: citation'; loadable again.

    Unless raw, a cell that a spreadsheet would read as a formula is written with a leading '.
    """
    from chrono.output.escape import spreadsheet_safe
    from chrono.output.render import csv_writerow, text_value

    writerow = csv_writerow(out)
    n = 0
    for e in events:
        if n == 0:
            writerow(CSV_FIELDS)
        cells = [text_value(e, f) for f in CSV_FIELDS]
        writerow(cells if raw else [spreadsheet_safe(c) for c in cells])
        n += 1
    return n


# Markdown ---------------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    from chrono.output.escape import escape_text

    return escape_text(text).translate(_MD_SPECIAL)


def write_markdown(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """A dated list for a paper: bold date, title, summary, sources; disagreements in a footnote-like line."""
    from chrono.output.render import source_text

    if chron.title:
        out.write(f"# {_md(chron.title)}\n\n")
    n = 0
    cited: dict[str, None] = {}
    for e in events:
        out.write(f"- **{_md(human(e.date, e.date_os))}**: {_md(e.title)}. {_md(e.summary)}")
        out.write(f" *Sources:* {_md('; '.join(source_text(s) for s in e.sources))}.")
        if e.certainty:
            out.write(f" *{_md(e.certainty.capitalize())}:* {_md(e.note or '')}")
        out.write("\n")
        cited.update((s["source"], None) for s in e.sources if "source" in s)
        n += 1
    declared = [key for key in cited if key in chron.sources]
    if declared:
        out.write("\n## Sources\n\n")
        for key in declared:
            info = chron.sources[key]
            details = ", ".join(str(info[k]) for k in ("kind", "file", "url") if info.get(k))
            title = str(info.get("title") or key)
            out.write(f"- **{_md(key)}**: {_md(title)}" + (f" ({_md(details)})" if details else "") + "\n")
    return n


# SQLite, ready for Datasette --------------------------------------------------------------------------

SQLITE_SCHEMA = """
CREATE TABLE events (
    id TEXT PRIMARY KEY, date TEXT NOT NULL, date_os TEXT, display_date TEXT NOT NULL,
    earliest TEXT, latest TEXT, precision TEXT NOT NULL,
    title TEXT NOT NULL, summary TEXT NOT NULL, certainty TEXT, note TEXT, alt_dates TEXT
);
CREATE TABLE tags (tag TEXT PRIMARY KEY, description TEXT);
CREATE TABLE event_tags (event_id TEXT NOT NULL REFERENCES events(id), tag TEXT NOT NULL REFERENCES tags(tag),
                         PRIMARY KEY (event_id, tag));
CREATE TABLE sources (key TEXT PRIMARY KEY, title TEXT, file TEXT, kind TEXT);
CREATE TABLE event_sources (event_id TEXT NOT NULL REFERENCES events(id), source TEXT REFERENCES sources(key),
                            cite TEXT, title TEXT);
CREATE TABLE event_people (event_id TEXT NOT NULL REFERENCES events(id), person TEXT NOT NULL);
CREATE TABLE event_places (event_id TEXT NOT NULL REFERENCES events(id), place TEXT NOT NULL);
CREATE TABLE event_aliases (event_id TEXT NOT NULL REFERENCES events(id), alias TEXT NOT NULL);
CREATE VIRTUAL TABLE events_fts USING fts5(title, summary, content='events', content_rowid='rowid',
                                           tokenize='unicode61 remove_diacritics 2');
CREATE INDEX event_tags_tag ON event_tags(tag);
CREATE INDEX event_sources_source ON event_sources(source);
CREATE INDEX events_earliest ON events(earliest);
"""


def write_sqlite(events: Iterable[Event], chron: Chronology, path: str) -> int:
    """A database for Datasette and sqlite3: events, tags, sources, the joins between them, and full text."""
    import sqlite3

    conn = sqlite3.connect(path)
    n = 0
    with conn:
        conn.executescript(SQLITE_SCHEMA)
        tags: dict[str, str] = {}
        keys: set[str] = set()
        for e in events:
            conn.execute(
                "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (e.id, e.date, e.date_os, human(e.date, e.date_os), e.earliest, e.latest, e.precision, e.title,
                 e.summary, e.certainty, e.note,
                 json.dumps(list(e.alt_dates), ensure_ascii=False) if e.alt_dates else None),
            )
            for t in dict.fromkeys(e.tags):
                tags.setdefault(t, chron.tags.get(t, ""))
                conn.execute("INSERT INTO event_tags VALUES (?, ?)", (e.id, t))
            for s in e.sources:
                key = s.get("source")
                if key:
                    keys.add(key)
                conn.execute("INSERT INTO event_sources VALUES (?, ?, ?, ?)",
                             (e.id, key, s.get("cite"), s.get("title")))
            conn.executemany("INSERT INTO event_people VALUES (?, ?)", [(e.id, p) for p in e.people])
            conn.executemany("INSERT INTO event_places VALUES (?, ?)", [(e.id, p) for p in e.places])
            conn.executemany("INSERT INTO event_aliases VALUES (?, ?)", [(e.id, a) for a in e.aliases])
            n += 1
        conn.executemany("INSERT INTO tags VALUES (?, ?)", tags.items())
        conn.executemany(
            "INSERT INTO sources VALUES (?, ?, ?, ?)",
            [(k, chron.sources.get(k, {}).get("title"), chron.sources.get(k, {}).get("file"),
              chron.sources.get(k, {}).get("kind")) for k in sorted(keys)],
        )
        conn.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")
    conn.close()
    return n


# HTML: a self-contained visual timeline -----------------------------------------------------------------

def write_html(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """One page, no network: a year axis, events as bars over their date spans, tag colours, details below."""
    from chrono.output.html_timeline import render_page

    return render_page(list(events), chron, out)


TEXT_WRITERS: dict[str, Callable[[Iterable[Event], Chronology, IO[str]], int]] = {
    "ics": write_ics, "timelinejs": write_timelinejs, "html": write_html, "csv": write_csv,
    "json": write_json, "jsonl": write_jsonl, "markdown": write_markdown,
}

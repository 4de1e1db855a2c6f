"""Exports of the selected events: iCalendar, TimelineJS, SQLite, an HTML timeline, CSV, JSON, JSONL, Markdown.

Every writer takes the events and the chronology's metadata; files are written atomically (to a
temporary file beside the target, then renamed), so a failed export leaves an earlier file as it was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO

from chrono.dates.human import human
from chrono.model import FORMAT_FIELDS, Chronology, Event
from chrono.output.escape import markdown_text

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


# JSON, JSONL, CSV: the chronology format, loadable by chrono again ------------------------------------


def write_json(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """A chronology document (metadata, declared sources and tags, events) that chrono can load again."""
    records = [e.to_record(computed=False) for e in events]
    used_tags = {t for r in records for t in r["tags"]}
    used_sources = {s.get("source") for r in records for s in r["sources"]}
    doc = {
        "chronology": {k: v for k, v in (("title", chron.title), ("description", chron.description),
                                           ("version", chron.version), ("license", chron.license),
                                           ("eras", list(chron.eras))) if v},
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

def write_markdown(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """A dated list for a paper: bold date, title, summary, sources; disagreements in a footnote-like line."""
    from chrono.output.render import source_text

    md = markdown_text
    if chron.title:
        out.write(f"# {md(chron.title)}\n\n")
    n = 0
    cited: dict[str, None] = {}
    for e in events:
        out.write(f"- **{md(human(e.date, e.date_os))}**: {md(e.title)}.")
        if e.summary:
            out.write(f" {md(e.summary)}")
        if e.sources:
            out.write(f" *Sources:* {md('; '.join(source_text(s) for s in e.sources))}.")
        if e.certainty:
            out.write(f" *{md(e.certainty.capitalize())}:* {md(e.note or '')}")
        out.write("\n")
        cited.update((s["source"], None) for s in e.sources if isinstance(s.get("source"), str))
        n += 1
    declared = [key for key in cited if key in chron.sources]
    if declared:
        out.write("\n## Sources\n\n")
        for key in declared:
            info = chron.sources[key]
            details = ", ".join(str(info[k]) for k in ("kind", "file", "url") if info.get(k))
            title = str(info.get("title") or key)
            out.write(f"- **{md(key)}**: {md(title)}" + (f" ({md(details)})" if details else "") + "\n")
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


def write_ics(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """iCalendar (chrono.output.ics)."""
    from chrono.output.ics import write_ics as write

    return write(events, chron, out)


def write_timelinejs(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """TimelineJS 3 JSON (chrono.output.timelinejs)."""
    from chrono.output.timelinejs import write_timelinejs as write

    return write(events, chron, out)


TEXT_WRITERS: dict[str, Callable[[Iterable[Event], Chronology, IO[str]], int]] = {
    "ics": write_ics, "timelinejs": write_timelinejs, "html": write_html, "csv": write_csv,
    "json": write_json, "jsonl": write_jsonl, "markdown": write_markdown,
}

"""iCalendar (RFC 5545): one all-day VEVENT per event, every text through one escaping function (ics_text)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import IO

from chrono import __version__
from chrono.dates.days import Day
from chrono.dates.edtf import parse_edtf
from chrono.dates.human import human
from chrono.errors import warn
from chrono.model import Chronology, Event, whole_number
from chrono.output.escape import ics_text


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character; lines end with CRLF."""
    out = []
    current = ""
    size = 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current = " "
            size = 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out) + "\r\n"


def _dtstamp() -> str:
    import time

    seconds = whole_number(os.environ.get("SOURCE_DATE_EPOCH", ""))
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(int(time.time()) if seconds is None else seconds))


def _date_value(d: Day) -> str | None:
    """A DATE value (YYYYMMDD), None for a day iCalendar cannot hold (before year 1 or after 9999)."""
    if not 1 <= d.year <= 9999:
        return None
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def _description(e: Event, first: Day | None, last: Day | None) -> str:
    from chrono.output.render import source_text

    text = f"{human(e.date, e.date_os)} ({e.precision}; EDTF {e.date})"
    if e.date_os:
        text += f"; Old Style {e.date_os}"
    if first is None:
        text += "; the start is open: shown on the last day"
    if last is None:
        text += "; the end is open: shown on the first day"
    for part in (e.summary, f"Note: {e.note}" if e.note else "",
                 "Sources: " + "; ".join(source_text(s) for s in e.sources) if e.sources else ""):
        if part:
            text += f"\n\n{part}"
    return text


def write_ics(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """RFC 5545: one all-day VEVENT per event, from its earliest day to the day after its latest.

    An event whose days iCalendar cannot hold (before year 1 or after 9999) is left out, with one warning.
    """
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//chrono//chrono {__version__}//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    if chron.title:
        lines.append(f"X-WR-CALNAME:{ics_text(chron.title)}")
    for line in lines:
        out.write(_fold(line))
    stamp = _dtstamp()
    n = left_out = 0
    for e in events:
        span = parse_edtf(e.date)
        first, last = span.earliest, span.latest
        start = first or last
        assert start is not None
        start_value, end_value = _date_value(start), _date_value((last or start).plus_days(1))
        if start_value is None or end_value is None:
            left_out += 1
            continue
        block = [
            "BEGIN:VEVENT",
            f"UID:{e.id}@chrono",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{start_value}",
            f"DTEND;VALUE=DATE:{end_value}",
            f"SUMMARY:{ics_text(e.title)}",
            f"DESCRIPTION:{ics_text(_description(e, first, last))}",
        ]
        if e.tags:
            block.append(f"CATEGORIES:{','.join(ics_text(t) for t in e.tags)}")
        if e.places:
            block.append(f"LOCATION:{ics_text(', '.join(e.places))}")
        block += ["TRANSP:TRANSPARENT", "END:VEVENT"]
        for line in block:
            out.write(_fold(line))
        n += 1
    out.write(_fold("END:VCALENDAR"))
    if left_out:
        warn(f"left out {left_out} event{'s' if left_out != 1 else ''} that iCalendar cannot hold: its dates run "
             "from year 1 to 9999 (the others were written)")
    return n

"""TimelineJS 3 JSON: slides with dates in TimelineJS's own year numbering, and text that is safe as HTML.

TimelineJS puts headline, text, group, display date, eras and media captions into the page as HTML, so
every string of the document passes through one function on the way out (_escaped): only the
paragraphs built here from escaped parts are markup. The group and the display date TimelineJS first
reduces to their text (which decodes entities), then writes as HTML: they are escaped twice.

TimelineJS numbers years BC as negative years without a year 0 (-500 is 500 BCE); chrono's EDTF counts
astronomically (-0499 is 500 BC). Each slide also carries the event as chrono holds it under "chrono"
(TimelineJS ignores it), so that reading the file back gives the same events (where the slide still
shows the same text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from chrono.dates.edtf import Point, parse_edtf
from chrono.dates.human import human
from chrono.model import Chronology, Event
from chrono.output.escape import html_text

# Keys whose values TimelineJS first reads as HTML for their text (decoding entities once), then puts into the page
# as HTML: their text is escaped twice, so that markup in it stays text.
_TEXT_THEN_HTML = frozenset(("group", "display_date"))
# Keys whose values TimelineJS reads as data, not as text to show.
_DATA_KEYS = frozenset(("year", "month", "day", "unique_id", "chrono", "url", "opacity", "color", "scale", "type"))


# Characters a web address keeps as they are; quotes, angle brackets and spaces are percent-encoded.
_URL_SAFE = ":/?#[]@!$&()*+,;=%~-._"


class Markup(str):
    """A string that is already HTML built from escaped parts."""


def tl_year(year: int) -> int:
    """An astronomical year in TimelineJS's numbering (no year 0: 1 BC is -1)."""
    return year if year > 0 else year - 1


def _date(point: Point, end: bool = False) -> dict[str, str]:
    """A TimelineJS date holding only the parts the EDTF point knows (its first day, or its last with end)."""
    d = point.latest if end else point.earliest
    out = {"year": str(tl_year(d.year))}
    if point.precision in ("month", "day", "season"):
        out["month"] = str(d.month)
    if point.precision == "day":
        out["day"] = str(d.day)
    return out


def _paragraphs(*parts: tuple[str, str]) -> Markup:
    """Paragraphs of escaped text, each (css class, text); empty ones left out."""
    return Markup("".join(f'<p class="{cls}">{html_text(text)}</p>' if cls else f"<p>{html_text(text)}</p>"
                          for cls, text in parts if text))


def _escaped(value: Any, key: str = "") -> Any:
    """Every string of the document as HTML text, except markup built here and values TimelineJS reads as data."""
    if isinstance(value, Markup) or key in _DATA_KEYS:
        return str(value) if isinstance(value, Markup) else value
    if isinstance(value, str):
        return html_text(html_text(value)) if key in _TEXT_THEN_HTML else html_text(value)
    if isinstance(value, dict):
        return {k: _escaped(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v, key) for v in value]
    return value


def _media(extra: dict[str, Any]) -> dict[str, Any] | None:
    """The media of a slide read from TimelineJS, when it has a web address (never a script's)."""
    media = extra.get("media")
    if not isinstance(media, dict) or not isinstance(media.get("url"), str):
        return None
    if not media["url"].lower().startswith(("https://", "http://")):
        return None
    from urllib.parse import quote

    shown = {k: v for k, v in media.items() if k in ("caption", "credit") and isinstance(v, str)}
    return {"url": quote(media["url"], safe=_URL_SAFE), **shown}


def slide(e: Event) -> dict[str, Any]:
    """One event as a TimelineJS slide."""
    from chrono.output.render import source_text

    span = parse_edtf(e.date)
    first = span.start or span.end
    assert first is not None
    item: dict[str, Any] = {"start_date": _date(first)}
    if span.is_interval:
        if span.start is not None and span.end is not None:
            item["end_date"] = _date(span.end, end=True)
    elif first.precision in ("season", "decade"):
        item["end_date"] = _date(first, end=True)
    item["display_date"] = human(e.date, e.date_os)
    sources = "; ".join(source_text(s) for s in e.sources)
    item["text"] = {"headline": e.title, "text": _paragraphs(
        ("", e.summary), ("chrono-note", e.note or ""), ("chrono-sources", f"Sources: {sources}" if sources else ""))}
    if e.tags:
        item["group"] = e.tags[0]
    media = _media(e.extra)
    if media:
        item["media"] = media
    item["unique_id"] = e.id
    item["chrono"] = e.to_record(computed=False)
    return item


def write_timelinejs(events: Iterable[Event], chron: Chronology, out: IO[str]) -> int:
    """TimelineJS3 JSON: start/end dates with only the known parts, display date, headline, text, group, eras."""
    items = [slide(e) for e in events]
    doc: dict[str, Any] = {}
    if chron.title:
        doc["title"] = {"text": {"headline": chron.title, "text": _paragraphs(("", chron.description))}}
    doc["events"] = items
    eras = []
    for era in chron.eras:
        span = parse_edtf(era["date"])
        if span.start is None or span.end is None:
            continue
        eras.append({"start_date": _date(span.start), "end_date": _date(span.end, end=True),
                     "text": {"headline": era.get("title", "")}})
    if eras:
        doc["eras"] = eras
    json.dump(_escaped(doc), out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(items)

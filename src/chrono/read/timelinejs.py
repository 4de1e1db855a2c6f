"""TimelineJS 3 JSON as it is: slides with start_date/end_date objects and HTML text, the title slide, and eras.

A slide becomes an event: its date from the date objects (TimelineJS numbers years BC without a year 0:
-500 is 500 BCE, -0499 in EDTF), or from its display_date when that names the same days (c. 1926, spring
1930); headline and text (HTML made plain text) as title and summary; group as a tag; media, background
and the other keys kept as extra fields. A slide that chrono exported carries the event as chrono held
it under "chrono", which fills in what TimelineJS cannot hold (all the tags, sources, Old Style dates).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any, NamedTuple

# The classes of the paragraphs chrono writes for a note and the sources (kept under "chrono" as well).
CHRONO_PARAGRAPHS = ("chrono-note", "chrono-sources")
_BLOCKS = frozenset(("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
                     "table", "section", "article", "header", "footer", "hr"))
_SKIPPED = frozenset(("script", "style", "template", "noscript"))


class _Text(HTMLParser):
    """The text of an HTML fragment, a line for each block, without script or style and chrono's own paragraphs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list[str]] = [[]]
        self.skip = 0
        self.dropped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Begin a block (a new line), or something not to keep."""
        if self.dropped:
            self.dropped += tag == "p"
            return
        classes = next((v or "" for k, v in attrs if k == "class"), "").split()
        if tag == "p" and any(c in CHRONO_PARAGRAPHS for c in classes):
            self.dropped = 1
        elif tag in _SKIPPED:
            self.skip += 1
        elif tag in _BLOCKS:
            self.lines.append([])

    def handle_endtag(self, tag: str) -> None:
        """End a block, or what was not kept."""
        if self.dropped:
            self.dropped -= tag == "p"
        elif tag in _SKIPPED:
            self.skip = max(self.skip - 1, 0)
        elif tag in _BLOCKS:
            self.lines.append([])

    def handle_data(self, data: str) -> None:
        """Text of the current line."""
        if not (self.skip or self.dropped):
            self.lines[-1].append(data)

    def text(self) -> str:
        """The lines, each with its spaces collapsed, empty ones left out."""
        lines = (" ".join("".join(parts).split()) for parts in self.lines)
        return "\n".join(line for line in lines if line)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, one line per block."""
    if "<" not in markup and "&" not in markup:
        return "\n".join(" ".join(line.split()) for line in markup.splitlines() if line.strip())
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return parser.text()


def _words(text: str) -> list[str]:
    """The words of a text, without the controls and spacing that a page does not keep (see output.escape)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]", "",
                  text).split()


def _part(date: dict[str, Any], name: str) -> int | None:
    """A numeric part of a TimelineJS date (a number or a string of digits; '' or absent: not given)."""
    value = date.get(name)
    if value is None or value == "":
        return None
    if type(value) is int or (type(value) is float and value == int(value)):
        return int(value)
    if type(value) is str and value.strip().lstrip("+-").isdigit() and value.strip().isascii():
        return int(value.strip())
    raise ValueError(f"{name} {value!r} is not a whole number")


def date_edtf(date: Any, end: bool = False) -> str:
    """The EDTF of a TimelineJS date object; ValueError saying what is wrong."""
    from chrono.dates.edtf import edtf_year

    if type(date) is not dict:
        raise ValueError("a TimelineJS date is an object such as {\"year\": 1934, \"month\": 12}")
    year = _part(date, "year")
    if year is None:
        raise ValueError("the date has no year")
    month, day = _part(date, "month"), _part(date, "day")
    if day is not None and month is None:
        raise ValueError("the date has a day but no month")
    astronomical = year + 1 if year < 0 else year
    if month is not None and abs(astronomical) > 9999:
        month = day = None  # deep time is known to the year
    text = edtf_year(astronomical)
    if month is not None:
        text += f"-{month:02d}" + (f"-{day:02d}" if day is not None else "")
    return text


def span_edtf(start: Any, end: Any) -> str:
    """The EDTF of a slide's start_date and end_date (an interval when the end is given)."""
    first = date_edtf(start)
    if end is None or (type(end) is dict and not any(v not in (None, "") for v in end.values())):
        return first
    return f"{first}/{date_edtf(end, end=True)}"


class Slide(NamedTuple):
    """A slide read: the event's fields, and what its date may be read from besides the date objects."""

    record: dict[str, Any]
    date_problem: str | None = None
    display: str | None = None
    exported_date: str | None = None
    unique_id: str | None = None


# The fields a slide chrono exported carries under "chrono", beside what TimelineJS holds.
_EXPORTED = ("id", "date_os", "tags", "people", "places", "aliases", "sources", "certainty", "account", "note",
             "alt_dates", "date_basis", "replaces")
_SLIDE_KEYS = frozenset(("start_date", "end_date", "text", "group", "unique_id", "display_date", "chrono"))


def _title(summary: str, media: Any) -> str:
    """A title for a slide without a headline: the first line of its text, else of its media caption."""
    caption = media.get("caption") if type(media) is dict else None
    lines = summary.splitlines() or (html_to_text(caption).splitlines() if type(caption) is str else [])
    return lines[0] if lines else ""


def read_slide(raw: dict[str, Any]) -> Slide:
    """The event a slide describes, in the chronology format's fields (its date still to be checked)."""
    text = raw.get("text") if type(raw.get("text")) is dict else {}
    headline, body = text.get("headline"), text.get("text")
    summary = html_to_text(body) if type(body) is str else ""
    title = (html_to_text(headline) if type(headline) is str else "") or _title(summary, raw.get("media"))
    rec: dict[str, Any] = {"title": title, "summary": summary} if title else {"summary": summary}
    problem = None
    try:
        rec["date"] = span_edtf(raw.get("start_date"), raw.get("end_date"))
    except ValueError as exc:
        rec["date"] = None
        problem = str(exc)
    start = raw.get("start_date")
    display = raw.get("display_date")
    if display is None and type(start) is dict:
        display = start.get("display_date")
    group = raw.get("group")
    if type(group) is str and html_to_text(group):
        rec["tags"] = [html_to_text(html_to_text(group))]  # TimelineJS reads a group as text, then shows it as HTML
    extra = {k: v for k, v in raw.items() if k not in _SLIDE_KEYS}
    exported = raw.get("chrono") if type(raw.get("chrono")) is dict else {}
    rec.update((k, exported[k]) for k in _EXPORTED if k in exported)
    for key in ("title", "summary"):
        # The text as chrono held it, while the slide shows the same words (an edit of the slide wins).
        held = exported.get(key)
        if type(held) is str and _words(held) == _words(rec.get(key, "")):
            rec[key] = held
    if type(exported.get("extra")) is dict:
        extra = {**exported["extra"], **{k: v for k, v in extra.items() if k not in exported["extra"]}}
    if extra:
        rec["extra"] = extra
    unique = raw.get("unique_id")
    return Slide(rec, problem, html_to_text(display) if type(display) is str and display.strip() else None,
                 exported.get("date") if type(exported.get("date")) is str else None,
                 unique if type(unique) is str and unique else None)


def chronology_info(meta: dict[str, Any]) -> dict[str, Any]:
    """Title, description and eras of a TimelineJS document (its title slide and eras)."""
    info: dict[str, Any] = {}
    title = meta.get("title")
    if type(title) is dict and type(title.get("text")) is dict:
        headline, body = title["text"].get("headline"), title["text"].get("text")
        if type(headline) is str:
            info["title"] = html_to_text(headline)
        if type(body) is str:
            info["description"] = html_to_text(body)
    eras = []
    for era in meta.get("eras") or ():
        if type(era) is not dict:
            continue
        try:
            date = span_edtf(era.get("start_date"), era.get("end_date"))
        except ValueError:
            continue
        text = era.get("text") if type(era.get("text")) is dict else {}
        headline = text.get("headline")
        eras.append({"date": date, "title": html_to_text(headline) if type(headline) is str else ""})
    if eras:
        info["eras"] = eras
    return info

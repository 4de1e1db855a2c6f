"""Tables for people: tabulate styles fitted to the terminal, and whole records one block each (for `show`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from chrono.model import LIST_FIELDS
from chrono.output.escape import escape_text
from chrono.output.render import (
    ELLIPSIS,
    MARKDOWN_STYLES,
    SHRINKABLE,
    LineWriter,
    Output,
    bold,
    human,
    source_text,
    text_value,
)

if TYPE_CHECKING:
    from chrono.model import Event


# Tables ----------------------------------------------------------------------------------------


def _truncate(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS


def table(headers: Sequence[str], rows: list[list[str]], out: Output) -> str:
    """A tabulate table of escaped cells, shrunk to the terminal width by truncating long text."""
    from tabulate import tabulate

    if out.style in MARKDOWN_STYLES:
        from chrono.output.escape import markdown_cell

        cells = [[markdown_cell(c) for c in r] for r in rows]
    else:
        cells = [[escape_text(c) for c in r] for r in rows]
    heads = list(headers)
    if out.header and out.color:
        shown = [bold(h) for h in heads]
    else:
        shown = heads
    kwargs: dict[str, Any] = {"tablefmt": out.style, "disable_numparse": True}
    if out.header:
        kwargs["headers"] = shown
    text = tabulate(cells, **kwargs)
    width = out.width
    if width is None or out.style in ("html", "unsafehtml", "latex", "latex_raw", "latex_booktabs",
                                      "latex_longtable", "tsv"):
        return text
    floors = {"title": 24, "summary": 24, "note": 16, "tags": 12}
    # First shorten the columns that matter least, then let the title give way too.
    for pool in (tuple(h for h in SHRINKABLE if h != "title"), SHRINKABLE):
        for _ in range(4):
            excess = max((len(line) for line in text.splitlines()), default=0) - width
            shrinkable = [i for i, h in enumerate(heads) if h in pool]
            if excess <= 0 or not shrinkable:
                break
            widths = {i: max((len(r[i]) for r in cells), default=0) for i in shrinkable}
            floor = {i: max(len(heads[i]), floors.get(heads[i], 10)) for i in shrinkable}
            # Lower a common cap until the columns above it give up enough characters (widest first).
            cap = max(widths.values())
            while cap > 1 and sum(max(0, widths[i] - max(cap, floor[i])) for i in shrinkable) < excess:
                cap -= 1
            if all(widths[i] <= max(cap, floor[i]) for i in shrinkable):
                break
            for i in shrinkable:
                limit = max(cap, floor[i])
                if widths[i] > limit:
                    for r in cells:
                        r[i] = _truncate(r[i], limit)
            text = tabulate(cells, **kwargs)
    return text


# One record per block, for `show` ---------------------------------------------------------------

SHOW_LABELS = (
    ("title", "title"), ("summary", "summary"), ("tags", "tags"), ("people", "people"), ("places", "places"),
    ("aliases", "aliases"), ("date_basis", "date basis"), ("certainty", "certainty"), ("account", "account"),
    ("note", "note"), ("replaces", "replaces"),
)


def _span_text(e: Event) -> str:
    if e.precision == "day" and e.earliest == e.latest:
        return f"{e.date}, day"
    return f"{e.date}: {e.earliest or '..'} to {e.latest or '..'}, {e.precision}"


def render_full(events: Iterable[Event], out: Output, sources: dict[str, dict[str, Any]]) -> int:
    """Print whole records, one block each, with both calendars and sources (for `show`)."""
    import textwrap

    width = min(out.width or 100, 100)
    w = LineWriter()
    n = 0
    label_width = 11
    indent = " " * (label_width + 2)

    def emit(label: str, value: str) -> None:
        value = escape_text(value)
        lines = textwrap.wrap(value, max(width - len(indent), 20)) or [""]
        head = bold(f"{label:<{label_width}}") if out.color else f"{label:<{label_width}}"
        w.line(f"  {head}{lines[0]}")
        for extra in lines[1:]:
            w.line(indent + extra)

    for e in events:
        if n:
            w.line("")
        title = escape_text(e.id)
        w.line(bold(title, cyan=True) if out.color else title)
        emit("date", f"{human(e.date, e.date_os, out.calendar)}   ({_span_text(e)})")
        if e.date_os:
            emit("new style", human(e.date, calendar="gregorian"))
            emit("old style", f"{human(e.date, e.date_os, 'julian')}   (Julian {e.date_os})")
        for name, label in SHOW_LABELS:
            value = text_value(e, name)
            if value:
                emit(label, value.replace("; ", ", ") if name in LIST_FIELDS else value)
        for i, s in enumerate(e.sources):
            emit("sources" if i == 0 else "", _source_line(s, sources))
        for i, a in enumerate(e.alt_dates):
            cites = ", ".join(source_text(s) for s in a.get("sources", []))
            line = f"{human(a['date'])} ({a['date']})" + (f" per {cites}" if cites else "")
            if a.get("note"):
                line += f": {a['note']}"
            emit("alt dates" if i == 0 else "", line)
        for i, (key, value) in enumerate(e.extra.items()):  # the record's other columns, each with its name
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            emit("extra" if i == 0 else "", f"{key}: {text}")
        n += 1
    w.close()
    return n


def _source_line(entry: dict[str, Any], sources: dict[str, dict[str, Any]]) -> str:
    key = entry.get("source")
    if key is None:
        return source_text(entry)
    declared = sources.get(key, {})
    title = declared.get("title")
    text = f"{title} [{key}]" if title else key
    if declared.get("file"):
        text += f" ({declared['file']})"
    if entry.get("cite"):
        text += f": {entry['cite']}"
    return text

"""How an interval between two dates or events is printed: the answer and its ends, or a machine record."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chrono.dates.between import Interval
    from chrono.output.render import Output

COLUMNS = ("from", "to", "years", "months", "days", "total_days", "precision", "text")


def print_ends(interval: Interval, out: Output) -> None:
    """For people: the answer, then the two ends (the day each is counted from, and the event)."""
    from chrono.output.render import render_rows

    rows = [(label, end.when(out.calendar), end.event.id if end.event else "", end.event.title if end.event else "")
            for label, end in (("from", interval.first), ("to", interval.second))]
    sys.stdout.write(interval.text + "\n")
    render_rows(("", "date", "id", "title"), rows, out._replace(header=False, style="plain"))


def print_interval(interval: Interval, out: Output) -> None:
    """The interval in the output's format: a JSON object, a CSV/TSV row, the events' ids, or for people."""
    if out.format in ("json", "jsonl"):
        import json

        from chrono.output.render import stdout_is_utf8

        sys.stdout.write(json.dumps(interval.record(), ensure_ascii=not stdout_is_utf8(),
                                    indent=2 if out.format == "json" else None) + "\n")
    elif out.format == "table":
        print_ends(interval, out)
    elif out.format == "ids":
        for end in (interval.first, interval.second):
            if end.event is not None:
                sys.stdout.write(end.event.id + "\n")
    else:
        from chrono.output.render import render_rows

        rec = interval.record()
        row = [end.event.id if end.event else end.text for end in (interval.first, interval.second)]
        render_rows(COLUMNS, [row + [rec[k] for k in COLUMNS[2:]]], out)

"""The terminal timeline: events per year, decade or month, and the bar chart that shows them."""

from __future__ import annotations

from chrono.model import OPEN_EARLIEST
from chrono.store.index import Index
from chrono.store.query import Filters

BLOCKS = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2588"


def _period_key(ymd: int, period: str) -> int:
    year = ymd // 10000
    if period == "decade":
        return year // 10 * 10
    if period == "month":
        return year * 12 + ymd // 100 % 100 - 1
    return year


def _label(key: int, period: str) -> str:
    if period == "decade":
        return f"{key}s"
    if period == "month":
        year, month = divmod(key, 12)
        return f"{year:04d}-{month + 1:02d}"
    return str(key)


def periods(index: Index, filters: Filters, period: str) -> list[tuple[str, int]]:
    """(period label, number of events starting in it) for every period from the first to the last.

    With --from, events that began earlier count in the first period of the range.
    """
    filters = index.resolve(filters)
    counts: dict[int, int] = {}
    for earliest, latest in index.select(filters._replace(sort="date", reverse=False), columns="earliest, latest"):
        day = earliest if earliest != OPEN_EARLIEST else latest
        if filters.start is not None and day < filters.start:
            # An event that began before the range counts in its first period.
            day = filters.start
        key = _period_key(day, period)
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return []
    low, high = min(counts), max(counts)
    if filters.start is not None:
        low = min(low, _period_key(filters.start, period))
    if filters.end is not None and filters.end < 99991231:
        high = max(high, _period_key(filters.end, period))
    step = 10 if period == "decade" else 1
    return [(_label(k, period), counts.get(k, 0)) for k in range(low, high + 1, step)]


def bar_chart(rows: list[tuple[str, int]], width: int, ascii_only: bool = False) -> str:
    """A horizontal bar per period, scaled to the widest count and fitted to the width."""
    label_width = max(len(label) for label, _ in rows)
    count_width = max(len(str(n)) for _, n in rows)
    room = max(width - label_width - count_width - 3, 10)
    top = max(n for _, n in rows) or 1
    lines = []
    for label, n in rows:
        size = n * room / top
        if ascii_only:
            bar = "#" * round(size)
        else:
            full = int(size)
            bar = BLOCKS[8] * full + (BLOCKS[round((size - full) * 8)] if size > full else "")
            bar = bar.rstrip()
        lines.append(f"{label:>{label_width}} {bar:<{room}} {n:>{count_width}}".rstrip())
    return "\n".join(lines)

"""The terminal timeline: events per year, decade, century or month, and the bar chart that shows them.

Periods are counted as people name them across the era boundary: the decade 530s BC runs from 539 to
530 BC, the 1st century BC from 100 to 1 BC, the 1st century AD from AD 1 to 100.
"""

from __future__ import annotations

from chrono.dates.human import ordinal, year_text
from chrono.model import OPEN_EARLIEST, OPEN_LATEST
from chrono.store.index import Index
from chrono.store.query import Filters

BLOCKS = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2588"
# Beyond this many periods from the first to the last, only the periods with events are shown.
MAX_PERIODS = 2000


def period_key(ymd: int, period: str) -> int:
    """The number of the period a day number falls in (consecutive periods have consecutive numbers)."""
    year = ymd // 10000
    if period == "month":
        return year * 12 + ymd // 100 % 100 - 1
    size = {"decade": 10, "century": 100}.get(period)
    if size is None:
        return year
    if year >= 1:
        return year // size if size == 10 else (year - 1) // size
    bc = 1 - year
    return -(bc // size) - 1 if size == 10 else -((bc - 1) // size) - 1


def period_label(key: int, period: str) -> str:
    """The name of a period: 1934, 530 BC, 1930s, 530s BC, 3rd century BC, 1934-12."""
    if period == "month":
        year, month = divmod(key, 12)
        return f"{year_text(year) if year < 1 else f'{year:04d}'}-{month + 1:02d}"
    if period == "decade":
        if key >= 0:
            return f"{key * 10}s" if key >= 100 else f"AD {key * 10}s"
        return f"{(-key - 1) * 10}s BC"
    if period == "century":
        return f"{ordinal(key + 1)} century" if key >= 0 else f"{ordinal(-key)} century BC"
    return year_text(key)


def periods(index: Index, filters: Filters, period: str) -> tuple[list[tuple[str, int]], bool]:
    """(period label, number of events starting in it) from the first period to the last, and whether empty
    periods were left out (when there are more than MAX_PERIODS of them).

    With --from, events that began earlier count in the first period of the range.
    """
    filters = index.resolve(filters)
    counts: dict[int, int] = {}
    for earliest, latest in index.select(filters._replace(sort="date", reverse=False), columns="earliest, latest"):
        day = earliest if earliest != OPEN_EARLIEST else latest
        if filters.start is not None and day < filters.start:
            # An event that began before the range counts in its first period.
            day = filters.start
        key = period_key(day, period)
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return [], False
    low, high = min(counts), max(counts)
    if filters.start is not None and filters.start != OPEN_EARLIEST:
        low = min(low, period_key(filters.start, period))
    if filters.end is not None and filters.end != OPEN_LATEST:
        high = max(high, period_key(filters.end, period))
    if high - low >= MAX_PERIODS:
        return [(period_label(k, period), counts[k]) for k in sorted(counts)], True
    return [(period_label(k, period), counts.get(k, 0)) for k in range(low, high + 1)], False


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

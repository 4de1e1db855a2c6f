"""What a chronology holds at a glance: its title, size, span, top tags and eras, and commands worth trying on it."""

from __future__ import annotations

import re
from typing import NamedTuple

from chrono.model import OPEN_EARLIEST, OPEN_LATEST
from chrono.store.index import Index

# Words too common in titles to make a good first search.
_COMMON = frozenset("""
about after against also among another around before being between born during first from have into last
more most other over people second since some than that their them then there these they third this those
through under until upon were what when where which while with without years
""".split())


class Overview(NamedTuple):
    """The overview's numbers and three example queries (arguments after `chrono`, without the data options)."""

    title: str
    description: str
    count: int
    first: int | None
    last: int | None
    top_tags: list[tuple[str, int]]
    eras: list[tuple[str, str]]
    examples: list[list[str]]


def overview(index: Index) -> Overview:
    """The overview of the chronology in an index, with examples made from its own data."""
    numbers = index.overview()
    chron = index.chronology
    from chrono.dates.human import human

    eras = [(era.get("title", ""), human(era["date"])) for era in chron.eras]
    return Overview(chron.title, chron.description, numbers["count"], numbers["first"], numbers["last"],
                    numbers["top_tags"], eras, examples(index, numbers["top_tags"]))


def examples(index: Index, top_tags: list[tuple[str, int]]) -> list[list[str]]:
    """Three queries this chronology answers: a search for a word of its titles, a tag (or a year), and an id."""
    rows = index.conn.execute("SELECT title, id, earliest, latest FROM events ORDER BY n LIMIT 5000").fetchall()
    if not rows:
        return []
    out = []
    word = _title_word([title for title, *_ in rows])
    if word:
        out.append(["search", word])
    if top_tags:
        out.append(["list", "--tag", top_tags[0][0]])
    else:
        known = [first if first != OPEN_EARLIEST else last for _, _, first, last in rows
                 if (first, last) != (OPEN_EARLIEST, OPEN_LATEST)]
        if known:
            from chrono.dates.human import year_text

            year = sorted(known)[len(known) // 2] // 10000
            out.append(["list", "--year", year_text(year) if year < 1000 else str(year)])
    out.append(["show", rows[0][1]])
    return out


def _title_word(titles: list[str]) -> str | None:
    """The word of the titles that most of them share (a name, a place), beyond the most common words."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for title in titles:
        for word in set(re.findall(r"[^\W\d_]{4,}", title)):
            low = word.casefold()
            if low in _COMMON:
                continue
            counts[low] = counts.get(low, 0) + 1
            first.setdefault(low, word)
    if not counts:
        return None
    # The most shared word, unless it is in most titles (then it finds everything): the next one that is not.
    rare = [w for w in counts if counts[w] * 2 <= len(titles)] or list(counts)
    return max(rare, key=lambda w: (counts[w], -len(w)))

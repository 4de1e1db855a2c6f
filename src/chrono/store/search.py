"""Search as a researcher asks: every word if some events have them all, else the best partial match; why each matched.

When no event has every word of a query, words are dropped until events appear (as Meilisearch does): first
the words no event has (within the filters), then as few as need be, in any combination, so that the events
shown are those with the most of the words; bm25 ranks them, so the rarer words they have count more. A
word that occurs nowhere is tried as the start of longer words (Stakhanov, Stakhanovite) and otherwise
gets a suggestion from the words the chronology has. "Phrases" and tag:x words are never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from chrono.store.query import Filters, Search, fold

if TYPE_CHECKING:
    from chrono.store.index import Index

R = TypeVar("R")
_WORD = re.compile(r"[^\W_]+")
# How alike (difflib's ratio) a suggestion must be to the word typed, and its stem to the word's stem.
CUTOFF = 0.7
# Events explained a query at a time (SQLite takes at most 32,766 parameters).
BATCH = 500


class Outcome(NamedTuple):
    """How a search was answered: the search run (every word, or the best part), what it left out, and why."""

    search: Search
    partial: bool = False
    widened: tuple[str, ...] = ()
    suggestions: dict[str, str] = {}  # noqa: RUF012 - a shared empty default, read only

    @property
    def missing(self) -> tuple[str, ...]:
        """The words left out: no event has them along with the others."""
        return tuple(t.text for t in self.search.dropped)

    def note(self, shown: int) -> str | None:
        """One line on what was done, when it was not a plain match of every word (shown: events printed)."""
        if not self.partial and not self.widened:
            return None
        which = f"the {shown} that match most" if shown != 1 else "the one that matches most"
        search = self.search
        if search.least:
            total = sum(t.droppable for t in search.include) + len(search.dropped)
            which += f", {search.least} of the {total} words" + (" each" if shown != 1 else "")
        parts = []
        if self.missing:
            parts.append("missing " + ", ".join(self._word(w) for w in self.missing))
        if self.widened:
            from chrono.store.stem import stem

            parts.append(", ".join(f"{w!r} read as {stem(fold(w)) + '*'!r}" for w in self.widened))
        head = "no event has every word" if self.partial else "no event has every word as written"
        return f"{head}; showing {which}" + (": " + "; ".join(parts) if parts else "")

    def _word(self, word: str) -> str:
        hint = self.suggestions.get(word)
        return f"{word!r} (did you mean {hint!r}?)" if hint else repr(word)


class Peeked:
    """A cursor whose first row has been read already (to see whether there was one), as if it had not."""

    def __init__(self, first: Any, rest: Any) -> None:
        self._first = [first]
        self._rest = rest

    def __iter__(self) -> Iterator[Any]:
        return chain(self._take(), self._rest)

    def _take(self) -> list[Any]:
        first, self._first = self._first, []
        return first

    def fetchmany(self, size: int) -> list[Any]:
        """Up to size rows."""
        first = self._take()
        more: list[Any] = self._rest.fetchmany(size - len(first))
        return first + more


def can_fall_back(search: Search | None) -> bool:
    """Whether a search could be answered in part: it has a word to drop and something left to match."""
    return search is not None and len(search.include) > 1 and any(t.droppable for t in search.include)


def find(index: Index, search: Search, filters: Filters, run: Callable[[Search], R], every: bool = False,
         ) -> tuple[R, Outcome]:
    """run(search), or when it finds nothing and every is off, run() of the best partial search.

    run gives a cursor (its first row is read to see if there is one, and handed back in a Peeked) or a
    count. A one-word search, or one that finds events, runs once and costs nothing more.
    """
    result = run(search)
    if every or not can_fall_back(search):
        return result, Outcome(search)
    if isinstance(result, int):
        if result:
            return result, Outcome(search)
    else:
        first = result.fetchone()  # type: ignore[attr-defined]
        if first is not None:
            return Peeked(first, result), Outcome(search)  # type: ignore[return-value]
    outcome = best_part(index, search, filters)
    if outcome is None:
        return result, Outcome(search)
    return run(outcome.search), outcome


def _exists(index: Index, search: Search, filters: Filters | None = None) -> bool:
    """Whether any event matches (within the filters, or anywhere when filters is None)."""
    if filters is None:
        return index.conn.execute("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1", (search.match(),)).fetchone() \
            is not None
    return index.select(filters._replace(limit=1, sort="count"), search, columns=("1",)).fetchone() is not None


def best_part(index: Index, search: Search, filters: Filters) -> Outcome | None:
    """The best partial match of a search no event matches in full, or None when no event has any of its words."""
    include = list(search.include)
    widened = []
    unknown = []
    for i, term in enumerate(include):
        if term.years is not None or _exists(index, Search(term.text, (term,))):
            continue
        word = fold(term.text)
        if term.droppable and not term.prefix and len(word) >= 4 and word.isalpha():
            wider = term._replace(prefix=True)
            if _exists(index, Search(term.text, (wider,))):
                include[i] = wider
                widened.append(term.text)
                continue
        unknown.append(i)
    search = search._replace(include=tuple(include))
    required = [i for i, t in enumerate(include) if not t.droppable]
    if any(i in required for i in unknown):
        return None
    suggestions = suggest(index, [include[i].text for i in unknown]) if unknown else {}
    # The words some event within the filters has (with the required terms); then the most of them together.
    alive = [i for i, t in enumerate(include)
             if t.droppable and i not in unknown and _exists(index, search.keeping([*required, i]), filters)]

    def most(k: int) -> Search:
        return search.keeping([*required, *alive], least=0 if k == len(alive) else k)

    if not alive:
        best = search.keeping(required)
        if not required or not _exists(index, best, filters):
            return None
    elif _exists(index, most(len(alive)), filters):
        best = most(len(alive))
    else:
        # Each word is in some event, so one word is; the most any event has together, found by halving.
        low, high = 1, len(alive) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if _exists(index, most(middle), filters):
                low = middle
            else:
                high = middle - 1
        best = most(low)
    return Outcome(best, bool(best.dropped or best.least), tuple(widened), suggestions)


# Suggestions -----------------------------------------------------------------------------------


def suggest(index: Index, words: Iterable[str]) -> dict[str, str]:
    """For each word that occurs nowhere in the chronology, the closest word that does (only such words)."""
    import difflib

    from chrono.store.stem import stem

    vocab: list[str] | None = None
    out = {}
    for w in words:
        wf = fold(w)
        quoted = '"' + wf.replace('"', '""') + '"'
        if index.conn.execute("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1", (quoted,)).fetchone():
            continue
        if vocab is None:
            vocab = index.vocabulary()
        for close in difflib.get_close_matches(stem(wf), vocab, n=3, cutoff=CUTOFF):
            word = _surface(index, close, wf)
            if word and difflib.SequenceMatcher(None, wf, word).ratio() >= CUTOFF:
                out[w] = word
                break
    return out


def _surface(index: Index, term: str, typed: str) -> str | None:
    """A word of the chronology that the index holds as this stem, the one most like what was typed."""
    import difflib

    from chrono.store.stem import stem

    index.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab_instance USING fts5vocab(main, fts, instance)")
    rows = index.conn.execute("SELECT DISTINCT doc FROM temp.vocab_instance WHERE term = ? LIMIT 20", (term,))
    found: dict[str, None] = {}
    for fields in _field_texts(index, [n for (n,) in rows]).values():
        for word in _WORD.findall(" ".join(fields.values())):
            if stem(fold(word)) == term:
                found[fold(word)] = None
    close = difflib.get_close_matches(typed, list(found), n=1, cutoff=0)
    return close[0] if close else None


# Explaining ------------------------------------------------------------------------------------


class Why(NamedTuple):
    """Why one term of a search matched an event: the fields that hold it, and the forms they hold it in."""

    word: str
    fields: tuple[str, ...]
    forms: tuple[str, ...] = ()


def explain(index: Index, search: Search, ns: list[int]) -> dict[int, list[Why]]:
    """For events (by row number), why each included term matched: where, and in which forms."""
    out: dict[int, list[Why]] = {}
    for i in range(0, len(ns), BATCH):
        out.update(_explain(index, search, ns[i:i + BATCH]))
    return out


def _explain(index: Index, search: Search, ns: list[int]) -> dict[int, list[Why]]:
    from chrono.model import FTS_FIELDS
    from chrono.store.query import SCOPES
    from chrono.store.stem import stem

    out: dict[int, list[Why]] = {n: [] for n in ns}
    if not ns:
        return out
    marks = ", ".join("?" * len(ns))
    columns = [name for name, _ in FTS_FIELDS]
    texts = _field_texts(index, ns)
    for term in search.include:
        unscoped = term._replace(scope=None).fts()
        fields: dict[int, list[str]] = {n: [] for n in ns}
        for column in SCOPES[term.scope].split() if term.scope else columns:
            rows = index.conn.execute(f"SELECT rowid FROM fts WHERE fts MATCH ? AND rowid IN ({marks})",
                                      ["{" + column + "} : " + unscoped, *ns])
            for (n,) in rows:
                fields[n].append(column)
        if term.years is not None:
            rows = index.conn.execute(f"SELECT n FROM events WHERE latest >= ? AND earliest <= ? AND n IN ({marks})",
                                      [*term.days(), *ns])
            for (n,) in rows:
                fields[n].append("date")
        stems = {stem(fold(w)) for w in (term.text, *term.forms)} if not term.phrase else set()
        typed = fold(term.text)
        for n in ns:
            if not fields[n]:
                continue
            seen: dict[str, None] = {}
            for column in fields[n]:
                for word in _WORD.findall(texts[n].get(column, "")):
                    folded = fold(word)
                    if folded != typed and (stem(folded) in stems or term.prefix and folded.startswith(typed)):
                        seen[word.lower()] = None
            out[n].append(Why(term.text, tuple(fields[n]), tuple(seen)))
    return out


def _field_texts(index: Index, ns: list[int]) -> dict[int, dict[str, str]]:
    """The text of each full-text column of events, by row number and column."""
    if not ns:
        return {}
    from chrono.model import json_list
    from chrono.store.index import SUMMARY
    from chrono.store.writer import FTS_SQL

    marks = ", ".join("?" * len(ns))
    extra = FTS_SQL["extra"].format("e.rest")
    rows = index.conn.execute(f"SELECT e.n, e.title, {SUMMARY}, e.tags, e.people, e.places, e.aliases, {extra} "
                              f"FROM events e WHERE e.n IN ({marks})", ns)
    out = {}
    for n, title, summary, tags, people, places, aliases, extra_text in rows:
        out[n] = {"title": title, "summary": summary or "", "extra": extra_text or "",
                  **{k: " ".join(json_list(v)) for k, v in (("tags", tags), ("people", people), ("places", places),
                                                             ("aliases", aliases))}}
    return out


def why_text(whys: list[Why]) -> str:
    """Why an event matched, in one line: 'lenin: title, summary; returns: summary as returned'."""
    parts = []
    for why in whys:
        part = f"{why.word}: {', '.join(why.fields)}" if why.fields else f"{why.word}: -"
        if why.forms:
            part += " as " + ", ".join(why.forms)
        parts.append(part)
    return "; ".join(parts)

"""Search as a researcher asks: suggestions for words the chronology does not have, from the words it has.

The index holds stems ('emancip' for emancipation), so a suggestion is the word of the chronology behind the
closest stem, never the stem itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from chrono.store.query import fold

if TYPE_CHECKING:
    from chrono.store.index import Index

_WORD = re.compile(r"[^\W_]+")
# How alike (difflib's ratio) a suggestion must be to the word typed, and its stem to the word's stem.
CUTOFF = 0.7


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

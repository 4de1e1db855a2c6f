"""What to select: the filters every command shares, and the search query language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from chrono.errors import UsageError

SORT_KEYS = ("date", "title", "id", "relevance")
# --certainty values: "certain" selects the events that carry no certainty field.
CERTAINTY_CHOICES = ("disputed", "uncertain", "certain")
# The precisions of dates (chrono.dates.edtf.PRECISIONS, repeated here so that options need not import dates).
PRECISION_CHOICES = ("day", "month", "season", "year", "decade", "interval")
SCOPES = {"tag": "tags", "person": "people aliases", "place": "places aliases"}


class Filters(NamedTuple):
    """The shared filters: tags, date range or window, people, places, sources, certainty, precision, span, order."""

    tags: tuple[str, ...] = ()
    not_tags: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None
    within: bool = False
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    sort: str | None = None
    reverse: bool = False
    limit: int | None = None
    month_day: tuple[int, int] | None = None
    julian: bool = False
    around: str | None = None
    window: tuple[int, str] = (6, "m")
    max_span: tuple[int, str] | None = None
    centre: tuple[int, int] | None = None
    sources: tuple[str, ...] = ()
    not_sources: tuple[str, ...] = ()
    certainty: tuple[str, ...] = ()
    precision: tuple[str, ...] = ()
    account: tuple[str, ...] = ()
    date_basis: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        """Whether any selecting filter (not just order or limit) is set."""
        return bool(
            self.tags or self.not_tags or self.start is not None or self.end is not None
            or self.people or self.places or self.month_day or self.around or self.max_span
            or self.sources or self.not_sources or self.certainty or self.precision or self.account
            or self.date_basis
        )


class Term(NamedTuple):
    """One term of a search: a word, prefix or phrase, maybe scoped to a field, maybe excluded.

    forms are the other words that match as well as the text (a number's spellings, a British or American
    spelling); the index matches inflections by their stem. A year or decade (1927, 1930s) has years, the
    first and last: it matches the events of that time as well as the text that names it.
    """

    text: str
    phrase: bool = False
    prefix: bool = False
    scope: str | None = None
    negated: bool = False
    forms: tuple[str, ...] = ()
    years: tuple[int, int] | None = None

    def fts(self) -> str:
        """The term as an FTS5 query expression."""
        star = " *" if self.prefix else ""
        quoted = ['"' + w.replace('"', '""') + '"' + star for w in (self.text, *self.forms)]
        expr = quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"
        if self.scope:
            return "{" + SCOPES[self.scope] + "} : " + expr
        return expr

    @property
    def droppable(self) -> bool:
        """Whether a partial match may leave the term out: plain words may, "phrases" and tag:x scopes may not."""
        return not (self.phrase or self.scope or self.negated)

    def rows(self) -> tuple[str, list[str | int]]:
        """SQL for the row numbers of the events the term matches, and its parameters."""
        if self.years is None:
            return "SELECT rowid FROM fts WHERE fts MATCH ?", [self.fts()]
        first, last = self.days()
        return ("SELECT rowid FROM (SELECT n AS rowid FROM events WHERE latest >= ? AND earliest <= ? "
                "UNION SELECT rowid FROM fts WHERE fts MATCH ?)"), [first, last, self.fts()]

    def days(self) -> tuple[int, int]:
        """The first and last day (YYYYMMDD) of a year term's years."""
        assert self.years is not None
        return self.years[0] * 10000 + 101, self.years[1] * 10000 + 1231


class Search(NamedTuple):
    """A parsed search query: terms that must match and terms that must not.

    stopped: the stop words left out of include. A partial match (store.search) leaves out the words no
    event has along with the others (dropped), or asks for only `least` of the words that can be
    left out (droppable), in any combination; 0 asks for them all.
    """

    text: str
    include: tuple[Term, ...] = ()
    exclude: tuple[Term, ...] = ()
    words: tuple[str, ...] = ()
    stopped: tuple[str, ...] = ()
    dropped: tuple[Term, ...] = ()
    least: int = 0

    def match(self) -> str | None:
        """The FTS5 expression all included terms must match (or the required ones and any other), or None.

        Year terms are not in it: clauses() has them.
        """
        words = [t for t in self.include if t.years is None]
        if not self.least:
            return " AND ".join(t.fts() for t in words) or None
        some = [t.fts() for t in words if t.droppable]
        return " AND ".join([*(t.fts() for t in words if not t.droppable), *(["(" + " OR ".join(some) + ")"]
                                                                               if some else [])]) or None

    def exclusion(self) -> str | None:
        """The FTS5 expression no result may match, or None."""
        return " OR ".join(t.fts() for t in self.exclude) or None

    def clauses(self) -> tuple[list[str], list[str | int]]:
        """SQL conditions on events (e) beyond the match, and their parameters: year terms, `least` of the words."""
        sql: list[str] = []
        params: list[str | int] = []
        years = [t for t in self.include if t.years is not None and not (self.least and t.droppable)]
        for t in years:
            sql.append("(e.latest >= ? AND e.earliest <= ? OR e.n IN (SELECT rowid FROM fts WHERE fts MATCH ?))")
            params.extend([*t.days(), t.fts()])
        some = [t for t in self.include if t.droppable]
        if self.least > 1 or self.least and any(t.years for t in some):
            union = []
            for t in some:
                rows, values = t.rows()
                union.append(rows)
                params.extend(values)
            sql.append(f"e.n IN (SELECT rowid FROM ({' UNION ALL '.join(union)}) GROUP BY rowid "
                       "HAVING count(*) >= ?)")
            params.append(self.least)
        return sql, params

    def keeping(self, keep: Iterable[int], least: int = 0) -> Search:
        """The search with only the included terms at these positions (the others dropped), `least` of them."""
        kept = set(keep)
        return self._replace(include=tuple(t for i, t in enumerate(self.include) if i in kept),
                             dropped=self.dropped + tuple(t for i, t in enumerate(self.include) if i not in kept),
                             least=least)

    def boost(self) -> str:
        """SQL raising the rank of a title that has a word as it was typed (not only its stem or another form), and
        of an event dated in a year the query names; '' if there is nothing to raise."""
        from chrono.store.stem import stem

        likes = []
        when = ""
        for t in self.include:
            word = fold(t.text)
            if t.years is not None:
                first, last = t.days()
                # An event of the year itself (the more precise, the better) above a longer span around it.
                when += (f" * (CASE WHEN e.earliest >= {first:d} AND e.latest <= {last:d} THEN (CASE e.precision "
                         f"WHEN 'day' THEN {YEAR_BOOST + 0.2} WHEN 'month' THEN {YEAR_BOOST + 0.1} "
                         f"ELSE {YEAR_BOOST} END) WHEN e.latest >= {first:d} AND e.earliest <= {last:d} THEN 1.1 "
                         "ELSE 1.0 END)")
            elif t.droppable and not t.prefix and word.isalnum() and word.isascii() and (t.forms or stem(word) != word):
                likes.append(f"(e.title LIKE '%{word}%')")
        return (f" * (1.0 + {EXACT_BOOST} * ({' + '.join(likes)}))" if likes else "") + when


# How much a title holding the exact form of a word (not just its stem) raises an event's rank, and an event
# dated within a year the query names.
EXACT_BOOST = 0.5
YEAR_BOOST = 1.4
_SPAN = r"(\d{1,6})\s*([dmy])"


def parse_span(text: str) -> tuple[int, str]:
    """A span of time such as 10d, 6m or 2y (for --window and --max-span) as (amount, unit); ValueError if not."""
    text = text.strip().lower()
    if 1 < len(text) < 8 and text[-1] in "dmy" and text[:-1].isdigit() and text[:-1].isascii():
        return int(text[:-1]), text[-1]
    m = re.fullmatch(_SPAN, text)
    if not m:
        raise ValueError(f"{text!r} is not a span of time; use days, months or years, e.g. 10d, 6m or 2y")
    return int(m.group(1)), m.group(2)


_TOKEN = r'(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))'
_HAS_WORD = r"[^\W_]"


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text, for matching names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_search(text: str) -> Search:
    """Parse the query language: words (AND), "phrases", -word, word*, tag:/person:/place:word.

    Words are read as people mean them (store.words): possessives and joining hyphens are dropped,
    numbers match their other spellings, and stop words are left out unless the query has nothing else.
    """
    from chrono.store.words import forms, is_stop, prefix_forms, split_words

    include: list[Term] = []
    exclude: list[Term] = []
    has_word = re.compile(_HAS_WORD).search
    # FTS5 reads a query as C text, which a NUL ends.
    for m in re.finditer(_TOKEN, text.replace("\x00", " ")):
        negated = m.group(1) == "-"
        scope = m.group(2)
        phrase = m.group(3) is not None
        body = m.group(3) if phrase else m.group(4)
        if scope is None and body and body.endswith(":") and body[:-1].lower() in SCOPES:
            continue
        if scope is not None and scope.lower() not in SCOPES:
            body = f"{scope}:{body}"
            scope = None
        elif scope is not None:
            scope = scope.lower()
        terms: list[Term] = []
        if phrase:
            terms.append(Term(body, True, False, scope, negated))
        elif body.rstrip("*") != body:
            stripped = body.rstrip("*")
            terms.append(Term(stripped, False, True, scope, negated, prefix_forms(fold(stripped))))
        else:
            terms.extend(Term(w, False, False, scope, negated, forms(fold(w)), None if scope or negated else _years(w))
                         for w in split_words(body))
        for term in terms:
            if has_word(term.text):
                (exclude if negated else include).append(term)
    if not include and not exclude:
        raise UsageError(
            f"the query {text!r} has no words to search for; try e.g. chrono search kirov, "
            "'\"five-year plan\"', trotsk* or tag:purges"
        )
    # Stop words need not match, unless the query has nothing else (a word in capitals, such as US, is a name).
    lower = any(c.islower() for c in text)
    stop = [t.droppable and not t.prefix and is_stop(fold(t.text)) and not (lower and t.text.isupper())
            for t in include]
    stopped: tuple[str, ...] = ()
    if not all(stop):
        stopped = tuple(t.text for t, s in zip(include, stop, strict=True) if s)
        include = [t for t, s in zip(include, stop, strict=True) if not s]
    words = tuple(w for t in include for w in re.findall(r"[^\W_]+", t.text))
    return Search(text, tuple(include), tuple(exclude), words, stopped)


def _years(word: str) -> tuple[int, int] | None:
    """The years a query word names: a year (1000 to 2999) or a decade (1930s); None if it names none."""
    if word.isascii() and len(word) == 4 and word.isdigit() and word[0] in "12":
        return int(word), int(word)
    if word.isascii() and len(word) == 5 and word[:3].isdigit() and word[3:] == "0s" and word[0] in "12":
        return int(word[:4]), int(word[:4]) + 9
    return None


# A historian's citation: author(s) and year, then pages ('Service 2004, p. 314').
_WORK = r"\s*([^,]*?[^\W\d_][^,]*?)\s*\(?(\d{4})\)?[a-z]?\s*(?:,|$)"


def cited_work(cite: str) -> str:
    """The work a citation names, up to its first comma: 'Service 2004, p. 314' -> 'Service 2004'; '' if no year."""
    m = re.match(_WORK, cite)
    return cite.split(",", 1)[0].strip() if m else ""


def cited_name(cite: str) -> str:
    """The author a citation names: 'Davies and Wheatcroft 2004, p. 401' -> 'Davies and Wheatcroft'; '' if none."""
    m = re.match(_WORK, cite)
    return m.group(1).strip() if m else ""

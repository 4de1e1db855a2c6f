"""What to select: the filters every command shares, and the search query language."""

from __future__ import annotations

import re
import unicodedata
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
    """One term of a search: a word, prefix or phrase, maybe scoped to a field, maybe excluded."""

    text: str
    phrase: bool = False
    prefix: bool = False
    scope: str | None = None
    negated: bool = False

    def fts(self) -> str:
        """The term as an FTS5 query expression."""
        quoted = '"' + self.text.replace('"', '""') + '"'
        if self.prefix:
            quoted += " *"
        if self.scope:
            return "{" + SCOPES[self.scope] + "} : " + quoted
        return quoted


class Search(NamedTuple):
    """A parsed search query: terms that must match and terms that must not."""

    text: str
    include: tuple[Term, ...] = ()
    exclude: tuple[Term, ...] = ()
    words: tuple[str, ...] = ()

    def match(self) -> str | None:
        """The FTS5 expression all included terms must match, or None."""
        return " AND ".join(t.fts() for t in self.include) or None

    def exclusion(self) -> str | None:
        """The FTS5 expression no result may match, or None."""
        return " OR ".join(t.fts() for t in self.exclude) or None


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
    """Parse the query language: words (AND), "phrases", -word, word*, tag:/person:/place:word."""
    include: list[Term] = []
    exclude: list[Term] = []
    words: list[str] = []
    has_word = re.compile(_HAS_WORD).search
    for m in re.finditer(_TOKEN, text):
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
        prefix = False
        if not phrase:
            stripped = body.rstrip("*")
            prefix = stripped != body
            body = stripped
        if not has_word(body or ""):
            continue
        term = Term(body, phrase, prefix, scope, negated)
        (exclude if negated else include).append(term)
        if not negated:
            words.extend(w for w in re.findall(r"[^\W_]+", body))
    if not include and not exclude:
        raise UsageError(
            f"the query {text!r} has no words to search for; try e.g. chrono search kirov, "
            "'\"five-year plan\"', trotsk* or tag:purges"
        )
    return Search(text, tuple(include), tuple(exclude), tuple(words))


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

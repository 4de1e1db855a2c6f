"""Words as people mean them: stems, stop words, numbers and ordinals, spellings, possessives and hyphens."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.errors import UsageError
from chrono.store.query import fold, parse_search
from chrono.store.stem import stem
from chrono.store.words import derived, forms, number_forms, prefix_forms, roman, spellings, split_words
from conftest import BUNDLED


@pytest.mark.parametrize(("word", "expected"), [
    ("returns", "return"), ("returned", "return"), ("emancipated", "emancip"), ("emancipation", "emancip"),
    ("purges", "purg"), ("purged", "purg"), ("serfs", "serf"), ("trotsky", "trotski"), ("died", "di"),
    ("dies", "di"), ("die", "die"), ("collectivisation", "collectivis"), ("collectivization", "collectiv"),
    ("kirov", "kirov"), ("congress", "congress"), ("parties", "parti"), ("15th", "15th"), ("1930s", "1930"),
    ("is", "is"), ("ies", "ie"), ("eed", "e"), ("sses", "sse"), ("relational", "relat"), ("hopping", "hop"),
    ("filing", "file"), ("generalization", "gener"), ("archaeology", "archaeolog"), ("lwow", "lwow"),
])
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def _sqlite_stems(words: list[str]) -> list[str]:
    """The stems FTS5's porter tokenizer gives, one word per row."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter ascii')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    conn.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(words))
    stems = dict((doc, term) for term, doc in conn.execute("SELECT term, doc FROM v"))
    return [stems[i] for i in range(len(words))]


def test_stems_are_the_index_tokenizers() -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    words = sorted({w for w in (fold(w) for w in re.findall(r"[^\W_]+", text)) if w.isascii() and w.isalnum()})
    assert len(words) > 2000
    assert [stem(w) for w in words] == _sqlite_stems(words)


@given(st.text(alphabet="abcdeilmnorstuyz", min_size=1, max_size=14))
@settings(max_examples=300, deadline=None)
def test_stems_agree_with_fts5_on_any_ascii_word(word: str) -> None:
    if "yy" not in word:  # FTS5 treats a doubled y as a double consonant; Porter's rules do not
        assert stem(word) == _sqlite_stems([word])[0]


@pytest.mark.parametrize(("word", "expected"), [
    ("15th", ["15th", "fifteenth", "xv"]), ("fifteenth", ["15th", "fifteenth", "xv"]),
    ("xv", ["xv", "15th", "fifteenth"]), ("fifteen", ["fifteen", "15"]), ("15", ["15", "fifteen"]),
    ("1st", ["1st", "first"]), ("first", ["1st", "first"]), ("2nd", ["2nd", "second", "ii"]),
    ("ii", ["ii", "2nd", "second"]), ("twenty fifth", ["25th", "twenty fifth", "xxv"]),
    ("forty six", ["forty six", "46"]), ("11th", ["11th", "eleventh", "xi"]),
    ("23rd", ["23rd", "twenty third", "xxiii"]), ("320000", ["320000", "320 000"]),
    ("1917", ["1917"]), ("007", ["007"]), ("101st", ["101st"]), ("11st", []), ("100", ["100", "hundred"]), ("i", []),
    ("v", []), ("mix", []), ("kirov", []),
])
def test_number_forms(word: str, expected: list[str]) -> None:
    assert number_forms(word) == expected


@pytest.mark.parametrize(("n", "expected"), [(2, "ii"), (4, "iv"), (9, "ix"), (14, "xiv"), (15, "xv"), (40, "xl"),
                                             (49, "xlix"), (99, "xcix")])
def test_roman(n: int, expected: str) -> None:
    assert roman(n) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("collectivisation", ["collectivization"]), ("collectivization", ["collectivisation"]),
    ("dekulakised", ["dekulakized"]), ("organise", ["organize"]), ("analyse", ["analyze"]), ("labour", ["labor"]),
    ("labor", ["labour"]), ("centre", ["center"]), ("four", []), ("for", []), ("kirov", []),
])
def test_spellings(word: str, expected: list[str]) -> None:
    assert spellings(word) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("expulsion", ["expel"]), ("expelled", ["expulsion"]), ("invasion", ["invade"]), ("invaded", ["invasion"]),
    ("decision", ["decide"]), ("admission", ["admit"]), ("production", ["produce"]), ("description", ["describe"]),
    ("defence", ["defend"]), ("revolution", []), ("deportation", []), ("kirov", []),
])
def test_derived(word: str, expected: list[str]) -> None:
    assert derived(word) == expected


@pytest.mark.parametrize(("word", "expected"), [
    # One form for each stem: 'dies' is 'di' as 'died' is, 'flees' and 'fleeing' are 'flee'.
    ("died", ("die", "dying", "death")), ("fled", ("flee",)), ("dies", ("die", "dying", "death")),
    ("born", ("birth",)), ("fifteenth", ("15th", "xv")), ("expulsion", ("expel",)), ("left", ()), ("found", ()),
    ("stalin", ()),
])
def test_forms(word: str, expected: tuple[str, ...]) -> None:
    assert forms(word) == expected


@pytest.mark.parametrize(("prefix", "expected"), [("emancipat", ("emancip",)), ("assassinat", ("assassin",)),
                                                  ("trotsk", ()), ("len", ())])
def test_prefix_forms(prefix: str, expected: tuple[str, ...]) -> None:
    assert prefix_forms(prefix) == expected


@pytest.mark.parametrize(("token", "expected"), [
    ("Russia's", ["Russia"]), ("Stalin\u2019s", ["Stalin"]), ("Workers'", ["Workers"]),
    ("late-tsarist", ["late", "tsarist"]),
    ("Molotov\u2013Ribbentrop's", ["Molotov", "Ribbentrop"]), ("twenty-fifth", ["twenty fifth"]),
    ("Forty-Six", ["Forty Six"]), ("320,000", ["320000"]), ("Lenin?", ["Lenin"]), ("(Stalin),", ["Stalin"]),
    ("U.S.S.R.", ["U.S.S.R"]), ("O'Brien", ["O'Brien"]), ("1.6", ["1.6"]), ("1936/37", ["1936", "37"]), ("--", []),
])
def test_split_words(token: str, expected: list[str]) -> None:
    assert split_words(token) == expected


@pytest.mark.parametrize(("query", "match", "stopped"), [
    ("Lenin returns to Petrograd from exile in Switzerland",
     '"Lenin" AND "returns" AND "Petrograd" AND "exile" AND "Switzerland"', ("to", "from", "in")),
    ("Leon Trotsky is born", '"Leon" AND "Trotsky" AND ("born" OR "birth")', ("is",)),
    ("fifteenth party congress", '("fifteenth" OR "15th" OR "xv") AND "party" AND "congress"', ()),
    ("when did Stalin die", '"Stalin" AND ("die" OR "dies" OR "dying" OR "death")', ("when", "did")),
    ("imperial Russia's worst harvest", '"imperial" AND "Russia" AND "worst" AND "harvest"', ()),
    ("Molotov-Ribbentrop pact", '"Molotov" AND "Ribbentrop" AND "pact"', ()),
    ("the who", '"the" AND "who"', ()),
    ("the US and the UN", '"US" AND "UN"', ("the", "and", "the")),
    ('"the party" of tag:the', '"the party" AND {tags} : "the"', ("of",)),
    ("emancipat*", '("emancipat" * OR "emancip" *)', ()),
    ("-fifteenth congress", '"congress"', ()),
])
def test_parse_search(query: str, match: str, stopped: tuple[str, ...]) -> None:
    search = parse_search(query)
    assert search.match() == match
    assert search.stopped == stopped


def test_years_match_dates_as_well_as_text() -> None:
    search = parse_search("kirov 1934")
    assert search.match() == '"kirov"'
    assert search.clauses() == (["(e.latest >= ? AND e.earliest <= ? OR e.n IN (SELECT rowid FROM fts WHERE "
                                 "fts MATCH ?))"], [19340101, 19341231, '"1934"'])
    assert parse_search("1930s").include[0].years == (1930, 1939)
    assert parse_search("-1934 tag:1934").include[0].years is None


@given(st.text(max_size=60))
@settings(max_examples=500, deadline=None)
def test_any_text_parses_to_a_valid_fts5_query_or_a_usage_error(text: str) -> None:
    try:
        search = parse_search(text)
    except UsageError:
        return
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, summary, tags, people, places, aliases, extra, "
                 "tokenize='porter unicode61 remove_diacritics 2')")
    for expr in (search.match(), search.exclusion(), *(t.fts() for t in search.include)):
        if expr is not None:
            conn.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (expr,)).fetchall()
    json.dumps(search._asdict(), default=str)

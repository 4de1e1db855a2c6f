"""Events matched in their JSON text (formats.plain): the same rows, counts and problems as decoding them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chrono.read.formats.json_reader
import chrono.read.formats.jsonl_reader
import chrono.read.formats.stream
from chrono.read.check import Checker
from chrono.read.formats.plain import PLAIN_EVENT, value
from chrono.read.formats.strict_json import decoder
from chrono.read.load import scan
from conftest import examples, write

CHARS = list('ab Z9-;"\\{}[],:\t\n\x00\x7f\xa0\u3000\u2028é\ud800')
# Mostly what the pattern takes (so that most records match), with every kind of odd value among them.
usual = st.one_of(st.text(st.sampled_from("abZ9 -,:.é"), min_size=1, max_size=5), st.sampled_from([", ", ": "]))
odd = st.one_of(st.sampled_from(["", " ", "x; y", *CHARS]), st.text(st.sampled_from(CHARS), max_size=6),
                st.text(max_size=6))
texts = st.one_of(usual, usual, usual, usual, usual, usual, usual, odd)
ids = st.one_of(st.sampled_from(["kirov-1934", "a", "ev-0000001", "1934-12-01-2"]),
                st.from_regex(r"[a-z0-9][a-z0-9-]{0,6}", fullmatch=True), texts, st.integers())
dates = st.one_of(st.sampled_from(["1934", "1934-12", "1934-12-01", "1934-02-30", "193X", "1934~", "1934/1935",
                                   "../1930", "0000", "garbage", "", "1934-12-01 "]), texts)
lists = st.one_of(st.lists(texts, max_size=3), st.lists(texts, max_size=3), st.sampled_from([[], None, "a", [1]]))
keys = st.sampled_from(["source", "title", "pages", "cite", "note", "x_y", "Url"])
source = st.one_of(
    st.dictionaries(st.sampled_from(["source", "title"]), texts, min_size=1, max_size=2),
    st.dictionaries(keys, texts, max_size=5),
    st.dictionaries(st.sampled_from(["source", "title"]), st.one_of(st.integers(), st.none(), st.just([])),
                    max_size=2),
    texts,
)
sources = st.one_of(st.lists(source, max_size=3), st.sampled_from([[], None, {}]))
SEPARATORS = [(", ", ": "), (",", ":"), (",", ": "), (", ", ":"), (",  ", ": ")]


@st.composite
def records(draw: st.DrawFn) -> str:
    """The JSON text of an event: fields in the format's order or shuffled, some missing, some odd."""
    event: dict[str, Any] = {"id": draw(st.one_of(st.just("kirov-1934"), ids)),
                             "date": draw(st.one_of(st.just("1934-12-01"), dates)), "title": draw(texts)}
    for key, strategy in (("summary", texts), ("tags", lists), ("people", lists), ("places", lists),
                          ("aliases", lists), ("sources", sources)):
        if draw(st.booleans()):
            event[key] = draw(strategy)
    if draw(st.integers(0, 9)) == 0:
        event["certainty"] = "disputed"
    keys = list(event)
    if draw(st.integers(0, 9)) == 0:
        keys = draw(st.permutations(keys))
    for key in keys[:3]:
        if draw(st.integers(0, 15)) == 0:
            del event[key]
            keys.remove(key)
    separators = draw(st.sampled_from(SEPARATORS))
    return json.dumps({k: event[k] for k in keys}, separators=separators, ensure_ascii=draw(st.integers(0, 3)) == 0)


def assert_as_decoded(text: str) -> re.Match[str] | None:
    """A matched text is strict JSON, stands for its decoded value, and makes the row quick() makes of that."""
    match = PLAIN_EVENT.fullmatch(text)
    if match is not None:
        decoded = decoder().decode(text)
        assert value(match) == decoded
        plain, general = Checker(), Checker()
        assert plain.quick_plain(match, 7) == general.quick(decoded, 7)
        assert plain.counts() == general.counts()
    return match


@settings(max_examples=examples(3000), deadline=None)
@given(records())
def test_a_match_makes_the_row_of_its_decoded_value(text: str) -> None:
    assert_as_decoded(text)


plain_texts = st.text(st.sampled_from("abcXYZ019 -,.'()é:"), min_size=1, max_size=12).filter(
    lambda t: t.strip() and t not in (", ", ": "))


@settings(max_examples=examples(500), deadline=None)
@given(st.lists(plain_texts, max_size=3), st.lists(plain_texts, max_size=3), st.sampled_from(SEPARATORS[:2]))
def test_plain_events_are_matched(tags: list[str], titles: list[str], separators: tuple[str, str]) -> None:
    event = {"id": "kirov-1934", "date": "1934-12-01", "title": "Kirov shot", "summary": "In Leningrad.",
             "tags": tags, "people": ["Kirov"], "places": [], "aliases": tags,
             "sources": [{"source": "wiki", "cite": "Service 2004, p. 3"}] + [{"title": t} for t in titles]}
    match = assert_as_decoded(json.dumps(event, separators=separators, ensure_ascii=False))
    assert match is not None


@pytest.mark.parametrize(("sources", "matched"), [
    ('[{"source": "a", "cite": "b", "pages": "3", "note": "n"}]', True),
    ('[{"source": "a"}, {"title": "T"}, {"source": ""}]', True),
    ('[{"title": "x", "title": "y"}]', False),
    ('[{"source": "a", "cite": "b", "source": "c"}]', False),
    ('[{"source": "a", "cite": "b", "pages": "3", "cite": "d"}]', False),
    ('[{"source": "a", "cite": "b", "pages": "3", "note": "n", "url": "u"}]', False),
    ('[{"pages": "4"}]', False),
    ('[{"title": ""}]', False),
    ('[{"title": "a {b}"}]', False),
    ('[{"source": "a"},]', False),
    ('[{"source": "a"} {"source": "b"}]', False),
    ('[{"title": ", "}]', False),
    ('[{"source": "a", "cite": ": "}]', False),
    ('[{"source": "a", "cite": ":"}, {"title": ","}]', True),
])
def test_sources_the_pattern_takes(sources: str, matched: bool) -> None:
    text = '{"id": "a", "date": "1934", "title": "T", "sources": ' + sources + "}"
    assert (assert_as_decoded(text) is not None) is matched


@pytest.mark.parametrize(("text", "matched"), [
    ('{"id": "a", "date": "1934", "title": "T"}', True),
    ('{"id":"a","date":"1934","title":"T","summary":"S","tags":["x","y"]}', True),
    ('{"date": "1934", "id": "a", "title": "T"}', False),
    ('{"id": "a", "date": "1934", "title": "T", "tags": ["x"], "summary": "S"}', False),
    ('{"id": "a", "date": "1934", "title": "T\\n"}', False),
    ('{"id": "a", "date": "1934", "title": "T", "tags": ["x;y"]}', False),
    ('{"id": "a", "date": "1934", "title": "T", "tags": ["  "]}', False),
    ('{"id": "a", "date": "1934", "title": "T", "tags": [" x"]}', True),
    ('{"id": "a", "date": "1934", "title": "T", "tags": ["a", ", ", "b"]}', False),
    ('{"id": "a", "date": "1934", "title": ", ", "tags": [",", ":", "a,b"]}', True),
    ('{"id": "a", "date": "1934", "title": "T", "certainty": "disputed"}', False),
    ('{ "id": "a", "date": "1934", "title": "T"}', False),
    ('{"id": "A", "date": "1934", "title": "T"}', False),
])
def test_events_the_pattern_takes(text: str, matched: bool) -> None:
    assert (assert_as_decoded(text) is not None) is matched


EVENTS = [
    {"id": "kirov-1934", "date": "1934-12-01", "title": "Kirov shot", "summary": "In Leningrad.",
     "tags": ["purges", "terror"], "people": ["Kirov", "Nikolaev"], "sources": [{"source": "wiki"}, {"title": "B"}]},
    {"id": "lenin-1924", "date": "1924-01-21", "title": "Lenin dies", "tags": ["lenin"],
     "sources": [{"title": "Синтез", "pages": "3"}]},
    {"id": "bad-date", "date": "1924-02-30", "title": "No such day"},
    {"id": "odd", "date": "1930s", "title": "A decade", "certainty": "disputed"},
    {"id": "blank", "date": "1925", "title": " "},
    {"id": "nbsp", "date": "1926", "title": "T", "tags": ["\xa0"]},
    {"date": "1927", "title": "No id"},
    {"id": "kirov-1934-2", "date": "1934", "title": "Kirov again", "aliases": ["Kostrikov"]},
]


def _files(tmp_path: Path) -> list[str]:
    lines = [json.dumps(e, ensure_ascii=False) for e in EVENTS]
    return [
        write(tmp_path, "object.json", '{"chronology": {"title": "T"}, "events": [' + ", ".join(lines) + "]}"),
        write(tmp_path, "array.json", "[" + ",\n".join(json.dumps(e, separators=(",", ":")) for e in EVENTS) + "]"),
        write(tmp_path, "lines.jsonl", "\r\n".join(lines)),
        write(tmp_path, "spaced.jsonl", "\n".join(line + "  " for line in lines) + "\n"),
    ]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 30])
def test_files_load_as_when_decoded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chunk: int) -> None:
    """Every file, at any chunk size: the same rows and problems (places too) with the pattern as without."""
    monkeypatch.setattr(chrono.read.formats.stream, "CHUNK", chunk)
    monkeypatch.setattr(chrono.read.formats.json_reader, "CHUNK", chunk)
    for path in _files(tmp_path):
        plain: list[Any] = []
        with_pattern = scan([path], plain.extend, locate=True, max_problems=100)
        with monkeypatch.context() as m:
            never = re.compile(r"(?!)")
            m.setattr(chrono.read.formats.json_reader, "PLAIN_EVENT", never)
            m.setattr(chrono.read.formats.jsonl_reader, "PLAIN_EVENT", never)
            decoded: list[Any] = []
            without = scan([path], decoded.extend, locate=True, max_problems=100)
        assert with_pattern.problems == without.problems, path
        assert len(with_pattern.problems) == 3, with_pattern.problems  # an impossible day, blank title and tag
        assert with_pattern.count == without.count == len(EVENTS) - 3
        assert with_pattern.counts == without.counts
        assert plain == decoded, path


def test_skip_invalid_and_the_pattern(tmp_path: Path) -> None:
    """With --skip-invalid, matched and decoded events are loaded alike and the bad ones skipped."""
    from chrono.model import LoadOptions

    rows: list[Any] = []
    result = scan([_files(tmp_path)[0]], rows.extend, LoadOptions(skip_invalid=True), locate=True)
    assert [r[1] for r in rows] == ["kirov-1934", "lenin-1924", "odd", "no-id-1927", "kirov-1934-2"]
    assert result.skipped == 3

"""The query engine on its own: the writer's table, the index's filters and order, lookups, facets, and the
summaries a cached index reads back from its file (not through the CLI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chrono.dates.edtf import day_span
from chrono.errors import UsageError
from chrono.model import ROW_FIELDS, Chronology
from chrono.read.check import Checker
from chrono.store.cache import build_in_memory, open_index
from chrono.store.index import Index, connect
from chrono.store.query import Filters, parse_search
from chrono.store.where import make_filters
from chrono.store.writer import Writer, metadata
from conftest import write

EVENTS: list[dict[str, Any]] = [
    {"id": "b-day", "date": "1934-12-01", "title": "Bravo", "tags": ["purges", "terror"], "people": ["Sergei Kirov"],
     "places": ["Leningrad"], "sources": [{"source": "wiki", "cite": "Service 2004, p. 314"}], "date_basis": "wiki"},
    {"id": "a-month", "date": "1934-12", "title": "alpha", "tags": ["party"], "certainty": "uncertain",
     "date_basis": "standard"},
    {"id": "c-year", "date": "1934", "title": "Charlie", "tags": ["purges"], "account": "disputed"},
    {"id": "d-span", "date": "1930/1939", "title": "Delta", "tags": ["terror"], "replaces": ["old-delta"]},
    {"id": "e-bc", "date": "-0043-03-15", "title": "Echo", "tags": ["rome"]},
    {"id": "f-open", "date": "1920/..", "title": "Foxtrot"},
]


@pytest.fixture(scope="module")
def index() -> Index:
    conn = connect()
    writer = Writer(conn)
    checker = Checker()
    rows = []
    for event in EVENTS:
        row, problems = checker.check(dict(event), day_span(event["date"]))
        assert not problems and row is not None
        rows.append(row)
    writer.add(rows)
    writer.finish(metadata(Chronology(title="T"), ["test"]), checker.counts())
    return Index(conn)


def ids(index: Index, **where: Any) -> list[str]:
    return [e.id for e in index.events(make_filters(**where))]


def test_the_table_is_the_declared_row(index: Index) -> None:
    columns = [row[1] for row in index.conn.execute("PRAGMA table_info(events)")]
    assert tuple(columns) == ROW_FIELDS


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({}, ["e-bc", "f-open", "d-span", "c-year", "b-day", "a-month"]),
        ({"tag": "purges"}, ["c-year", "b-day"]),
        ({"tag": ["purges", "terror"]}, ["b-day"]),
        ({"not_tag": "purges"}, ["e-bc", "f-open", "d-span", "a-month"]),
        ({"start": "1934-12", "end": "1934-12"}, ["f-open", "d-span", "c-year", "b-day", "a-month"]),
        ({"start": "1934-12", "end": "1934-12", "within": True}, ["b-day", "a-month"]),
        ({"end": "1 BC"}, ["e-bc"]),
        ({"year": 1934, "max_span": "1y"}, ["c-year", "b-day", "a-month"]),
        ({"year": 1934, "max_span": "31d"}, ["b-day", "a-month"]),
        ({"person": "Kirov"}, ["b-day"]),
        ({"place": "leningrad"}, ["b-day"]),
        ({"source": "Service"}, ["b-day"]),
        ({"certainty": "uncertain"}, ["a-month"]),
        ({"account": "disputed"}, ["c-year"]),
        ({"date_basis": "seed"}, ["b-day"]),
        ({"date_basis": "standard"}, ["a-month"]),
        ({"precision": ["day", "month"]}, ["e-bc", "b-day", "a-month"]),
        ({"sort": "title"}, ["a-month", "b-day", "c-year", "d-span", "e-bc", "f-open"]),
        ({"sort": "id", "reverse": True, "limit": 2}, ["f-open", "e-bc"]),
        ({"around": "1934-12-01", "window": "1y"}, ["b-day", "a-month", "d-span", "c-year", "f-open"]),
    ],
)
def test_filters_and_order(index: Index, where: dict[str, Any], expected: list[str]) -> None:
    assert ids(index, **where) == expected


def test_count_and_facets(index: Index) -> None:
    assert index.count(Filters()) == 6 and index.count(make_filters(tag="purges", limit=1)) == 1
    assert index.facet_counts("tag", Filters()) == [("purges", 2), ("terror", 2), ("party", 1), ("rome", 1)]
    assert index.facet_counts("tag", make_filters(year=1934)) == [("purges", 2), ("terror", 2), ("party", 1)]


def test_lookups(index: Index) -> None:
    found, missing = index.by_ids(["b-day", "a-", "old-delta", "zulu"])
    assert [e.id for e in found] == ["b-day", "a-month", "d-span"] and missing == ["zulu"]
    with pytest.raises(UsageError, match="ambiguous"):
        index.by_ids([""])
    assert index.suggest_id("b-dya") == "b-day"


def test_search_ranks_a_title_above_a_name(index: Index) -> None:
    search = parse_search("kirov bravo")
    assert [e.id for e in index.events(Filters(), search)] == ["b-day"]
    assert [e.id for e in index.events(Filters(), parse_search("-bravo purges"))] == ["c-year"]


def test_summaries_of_a_cached_index_come_back_from_the_file(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "s.jsonl", "\n".join(json.dumps({**e, "summary": f"About {e['id']}."}) for e in EVENTS))
    monkeypatch.setenv("CHRONO_CACHE_MIN_BYTES", "0")
    index = open_index([path])
    stored = index.conn.execute("SELECT COUNT(*) FROM events WHERE summary IS NULL AND loc IS NOT NULL").fetchone()
    assert stored == (6,), "a cached index keeps where each record is, not its summary"
    assert {e.id: e.summary for e in index.events(Filters())}["e-bc"] == "About e-bc."


def test_an_index_in_memory_keeps_its_summaries(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", json.dumps({"events": [{**EVENTS[0], "summary": "Here."}]}))
    index = build_in_memory([path])
    assert index.conn.execute("SELECT summary, loc FROM events").fetchone() == ("Here.", None)

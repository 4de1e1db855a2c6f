"""Sources as filters and as a listing: --source/--not-source, --certainty, --precision and `chrono sources`."""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

import pytest

from conftest import BUNDLED, MINI, chrono_cmd, subprocess_env


def chrono(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed chrono, in a subprocess, on the bundled chronology."""
    return subprocess.run([*chrono_cmd(), *args], capture_output=True, text=True, encoding="utf-8",
                          env=subprocess_env(), check=False)


@functools.cache
def bundled_json(*filters: str) -> list[dict]:
    """The bundled events `chrono list` prints as JSON with these filters (read once per set of filters)."""
    result = chrono("list", *filters, "-f", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def cites(record: dict, value: str) -> bool:
    """The rule --source documents, computed from a JSON record."""
    low = value.casefold()
    return any((s.get("source") or "").casefold() == low or low in (s.get("cite") or "").casefold()
               or low in (s.get("title") or "").casefold() for s in record["sources"])


EVENT = {"date": "1930", "title": "An event", "summary": "What happened.", "tags": ["x"]}


# `chrono sources` ------------------------------------------------------------------------------


@pytest.mark.parametrize("filters", [(), ("--tag", "purges"), ("--year", "1937"), ("--certainty", "disputed")])
def test_sources_counts_equal_counts_from_the_json(filters: tuple[str, ...]) -> None:
    result = chrono("sources", *filters, "-f", "json")
    assert result.returncode == 0 and result.stderr == ""
    rows = json.loads(result.stdout)
    events = bundled_json(*filters)
    expected = {}
    for e in events:
        for key in {s["source"] for s in e["sources"] if "source" in s}:
            expected[key] = expected.get(key, 0) + 1
    assert {r["source"]: r["count"] for r in rows if r["count"]} == expected
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)
    declared = json.loads(BUNDLED.read_text(encoding="utf-8"))["sources"]
    for r in rows:
        assert (r["title"], r["kind"], r["file"]) == tuple(declared[r["source"]][k] for k in ("title", "kind", "file"))
    if not filters:
        assert {r["source"] for r in rows} == set(declared)


MINI_SOURCES = """\
source    count    title    kind     file
--------  -------  -------  -------  ---------
book      5        A Book   book
paper     4        A Paper  article  paper.txt
"""

MINI_WORKS = """\
work\tsource\tcount
Service 2004\tbook\t1
"""


def test_sources_table_and_works(run) -> None:
    assert run("sources", "-f", "table").stdout == MINI_SOURCES
    assert run("sources", "--works").stdout == MINI_WORKS
    famine = run("sources", "--tag", "famine", "-f", "csv").stdout
    assert famine == "source,count,title,kind,file\nbook,2,A Book,book,\n"
    result = run("sources", "--year", "1800", "-f", "table")
    assert result.exit_code == 1 and result.stdout == "" and "no sources match" in result.stderr


@pytest.mark.parametrize(
    ("cite", "work", "name"),
    [
        ("Service 2004, p. 314", "Service 2004", "Service"),
        ("Davies and Wheatcroft 2004, p. 401", "Davies and Wheatcroft 2004", "Davies and Wheatcroft"),
        ("Conquest (1991), p. 3", "Conquest (1991)", "Conquest"),
        ("Kotkin 2014a, pp. 5\u20136", "Kotkin 2014a", "Kotkin"),
        ("\u0425\u043b\u0435\u0432\u043d\u044e\u043a 2015", "\u0425\u043b\u0435\u0432\u043d\u044e\u043a 2015",
         "\u0425\u043b\u0435\u0432\u043d\u044e\u043a"),
        ("p. 4", "", ""),
        ("2004, p. 3", "", ""),
    ],
)
def test_cited_work_and_name(cite: str, work: str, name: str) -> None:
    from chrono.store.query import cited_name, cited_work

    assert (cited_work(cite), cited_name(cite)) == (work, name)


def test_sources_lists_undeclared_and_inline_sources(run, tmp_path: Path) -> None:
    path = tmp_path / "plain.json"
    path.write_text(json.dumps([
        {**EVENT, "id": "a", "sources": [{"source": "diary"}, {"title": "Pravda, 2 March 1930"}]},
        {**EVENT, "id": "b", "sources": [{"source": "diary", "cite": "p. 4"}, {"source": "diary"}]},
    ]), encoding="utf-8")
    rows = json.loads(run("sources", "-f", "json", data=path).stdout)
    assert rows == [
        {"source": "diary", "count": 2, "title": None, "kind": None, "file": None},
        {"source": None, "count": 1, "title": "Pravda, 2 March 1930", "kind": None, "file": None},
    ]
    # A page alone ('p. 4') names no work.
    result = run("sources", "--works", data=path)
    assert result.exit_code == 1 and result.stdout == ""


# --source and --not-source ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["seed-dec1934", "SEED-TAGS", "Khlevniuk", "kotkin", "Davies and Wheatcroft",
                                   "Conquest 2008"])
def test_source_filter_on_the_installed_cli(value: str) -> None:
    everything = bundled_json()
    expected = [e["id"] for e in everything if cites(e, value)]
    assert expected, "the value should match some bundled event"
    assert [e["id"] for e in bundled_json("--source", value)] == expected
    assert [e["id"] for e in bundled_json("--not-source", value)] == [e["id"] for e in everything
                                                                       if not cites(e, value)]


def test_source_repeated_means_any_and_combines_with_other_filters() -> None:
    everything = bundled_json()
    both = [e["id"] for e in everything if cites(e, "seed-dec1934") or cites(e, "Harris")]
    assert [e["id"] for e in bundled_json("--source", "seed-dec1934", "--source", "Harris")] == both
    narrowed = [e["id"] for e in everything if cites(e, "Khlevniuk") and not cites(e, "seed-history")
                and "purges" in e["tags"]]
    got = bundled_json("--source", "Khlevniuk", "--not-source", "seed-history", "--tag", "purges")
    assert [e["id"] for e in got] == narrowed and narrowed


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--source", "paper"], ["october-revolution", "lenin-enrolment", "chistka", "kirov-assassinated"]),
        (["--source", "BOOK", "--year", "1924"], ["lenin-dies"]),
        (["--source", "service"], ["kirov-assassinated"]),
        (["--not-source", "book"], ["october-revolution", "lenin-enrolment", "chistka"]),
        (["--source", "service", "--source", "paper"], ["october-revolution", "lenin-enrolment", "chistka",
                                                        "kirov-assassinated"]),
        (["--source", "service", "--not-source", "paper"], []),
    ],
)
def test_source_filter_on_the_fixture(run, args: list[str], ids: list[str]) -> None:
    result = run("list", *args, "-f", "ids")
    assert result.exit_code == (0 if ids else 1) and result.stdout.split() == ids


def test_source_filter_on_tags_timeline_search_and_export(run) -> None:
    tags = run("tags", "--source", "paper", "-f", "tsv", "--no-header").stdout
    assert tags.splitlines()[0] == "party\t3\tParty business"
    timeline = run("timeline", "--by", "decade", "--source", "paper").stdout
    assert timeline == "decade\tcount\n1910s\t1\n1920s\t1\n1930s\t2\n"
    assert run("search", "kirov", "--not-source", "book").exit_code == 1
    exported = json.loads(run("export", "--to", "json", "--source", "service").stdout)
    assert [e["id"] for e in exported["events"]] == ["kirov-assassinated"]


def test_unknown_source_is_a_usage_error_with_a_hint(run) -> None:
    result = run("list", "--source", "Khlevnyuk", data=None)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("chrono: unknown source 'Khlevnyuk'; did you mean 'Khlevniuk'? (chrono sources lists "
                             "the sources and chrono sources --works the historians' works they cite)\n")
    result = run("list", "--not-source", "zzzz")
    assert result.exit_code == 2 and "unknown source 'zzzz' (chrono sources" in result.stderr
    result = run("list", "--source", " ")
    assert result.exit_code == 2 and "--source needs a source key or a name" in result.stderr
    assert run("list", "--source", " Service ", "-f", "ids").stdout == "kirov-assassinated\n"


def test_declared_source_that_no_event_cites_is_not_an_error(run, tmp_path: Path) -> None:
    doc = json.loads(MINI.read_text(encoding="utf-8"))
    doc["sources"]["unused"] = {"title": "Never cited"}
    path = tmp_path / "unused.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run("list", "--source", "unused", data=path)
    assert result.exit_code == 1 and result.stderr == ""
    assert run("sources", "-f", "tsv", data=path).stdout.splitlines()[-1] == "unused\t0\tNever cited\t\t"


def test_source_names_in_other_scripts_and_inline_titles(run, tmp_path: Path) -> None:
    path = tmp_path / "ru.json"
    path.write_text(json.dumps([
        {**EVENT, "id": "a", "sources": [{"source": "wiki", "cite": "Хлевнюк 2015, с. 79"}]},
        {**EVENT, "id": "b", "sources": [{"title": "Pravda, 2 March 1930"}]},
        {**EVENT, "id": "c", "sources": [{"source": "wiki", "cite": 'Said "so", 1932'}]},
    ], ensure_ascii=False), encoding="utf-8")
    assert run("list", "--source", "ХЛЕВНЮК", "-f", "ids", data=path).stdout == "a\n"
    assert run("list", "--source", "pravda", "-f", "ids", data=path).stdout == "b\n"
    assert run("list", "--source", 'said "so"', "-f", "ids", data=path).stdout == "c\n"
    assert run("list", "--not-source", "wiki", "-f", "ids", data=path).stdout == "b\n"


# --certainty and --precision --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["disputed", "uncertain", "certain"])
def test_certainty_equals_the_records_so_marked(value: str) -> None:
    records = json.loads(BUNDLED.read_text(encoding="utf-8"))["events"]
    expected = {e["id"] for e in records if e.get("certainty", "certain") == value}
    assert expected
    got = bundled_json("--certainty", value)
    assert {e["id"] for e in got} == expected
    assert all(e.get("certainty", "certain") == value for e in got)


def test_certainty_repeated_means_any(run) -> None:
    assert run("list", "--certainty", "Disputed", "-f", "ids").stdout.split() == ["october-revolution",
                                                                                 "lenin-enrolment"]
    assert run("list", "--certainty", "certain", "--certainty", "disputed", "--count").stdout == "8\n"
    result = run("list", "--certainty", "sure")
    assert result.exit_code == 2 and "'sure' is not one of 'disputed', 'uncertain', 'certain'" in result.stderr


@pytest.mark.parametrize("values", [("day",), ("month", "season"), ("decade",), ("interval", "year")])
def test_precision_equals_the_computed_precision(values: tuple[str, ...]) -> None:
    everything = bundled_json()
    expected = [e["id"] for e in everything if e["precision"] in values]
    assert expected
    args = [a for v in values for a in ("--precision", v)]
    assert [e["id"] for e in bundled_json(*args)] == expected


def test_precision_on_the_fixture(run) -> None:
    assert run("list", "--precision", "season", "-f", "ids").stdout == "famine-1932\n"
    assert run("list", "--precision", "interval", "--precision", "year", "-f", "ids").stdout.split() == [
        "lenin-enrolment", "collectivization-approx", "chistka", "great-terror"]
    assert run("filter", "--precision", "day", "--count").stdout == "3\n"


def test_disputed_table_shows_the_note(run) -> None:
    table = run("list", "--certainty", "disputed", "-f", "table").stdout
    assert table.splitlines()[0].split() == ["id", "date", "title", "tags", "note"]
    assert "The paper gives 8 November for the New Style date." in table
    assert "Another source says it began in 1923." in table
    assert run("filter", "--certainty", "disputed", "-f", "table").stdout == table
    # Not with -F, not in machine formats, not for certain events.
    assert run("list", "--certainty", "disputed", "-f", "table", "-F", "id,title").stdout.splitlines()[0].split() == [
        "id", "title"]
    assert run("list", "--certainty", "disputed").stdout.splitlines()[0] == "id\tdate\ttitle\ttags"
    assert "note" not in run("list", "--certainty", "certain", "-f", "table").stdout.splitlines()[0]


def test_choices_match_the_model() -> None:
    from chrono.dates.edtf import PRECISIONS
    from chrono.model import CERTAINTIES
    from chrono.store.query import CERTAINTY_CHOICES, PRECISION_CHOICES

    assert PRECISION_CHOICES == PRECISIONS
    assert CERTAINTY_CHOICES == (*CERTAINTIES, "certain")


def test_filter_accepts_the_new_filters_alone(run) -> None:
    assert run("filter", "--source", "paper", "--count").stdout == "4\n"
    assert run("filter", "--certainty", "uncertain").exit_code == 1

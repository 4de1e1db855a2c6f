"""The loading pipeline over JSON, JSONL and CSV: every kind of bad record reported as FILE:LINE:COL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chrono.model import ROW_FIELDS, Event, LoadOptions
from chrono.read.check import Checker
from chrono.read.load import scan
from chrono.store.cache import build_in_memory
from chrono.store.query import Filters
from conftest import write

GOOD = {
    "id": "kirov-assassinated",
    "date": "1934-12-01",
    "title": "Kirov shot",
    "summary": "A gunman kills Kirov.",
    "tags": ["purges"],
    "sources": [{"source": "book"}],
    "date_basis": "standard",
}
DECLARED = {"sources": {"book": {"title": "A Book"}}, "tags": {"purges": "Purges"}}


def problems_of(path: str, strict: bool = False) -> list[str]:
    result = scan([path], options=LoadOptions(strict=strict))
    assert result.problems, "expected a problem"
    return result.problems


def events_of(path: str) -> list[Event]:
    return list(build_in_memory([path]).events(Filters()))


def test_json_object_and_bare_array(tmp_path: Path) -> None:
    doc = {**DECLARED, "chronology": {"title": "T"}, "events": [GOOD]}
    index = build_in_memory([write(tmp_path, "a.json", json.dumps(doc))])
    assert index.chronology.title == "T"
    assert [e.id for e in index.events(Filters())] == ["kirov-assassinated"]
    (bare,) = events_of(write(tmp_path, "b.json", json.dumps([GOOD])))
    assert (bare.earliest_day, bare.latest_day, bare.earliest) == (19341201, 19341201, "1934-12-01")


def test_declarations_after_the_events(tmp_path: Path) -> None:
    doc = {"events": [GOOD, {**GOOD, "id": "x", "tags": ["nope"]}], **DECLARED}
    path = write(tmp_path, "late.json", json.dumps(doc, indent=1))
    (problem,) = problems_of(path, strict=True)
    assert "event 'x': tag 'nope' is not declared" in problem
    assert not scan([path]).problems, "undeclared tags are the curated rules' business, not a loading problem"
    ok = {"events": [GOOD], **DECLARED}
    assert not scan([write(tmp_path, "ok.json", json.dumps(ok))], options=LoadOptions(strict=True)).problems


def test_jsonl_and_csv(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps({**GOOD, "id": f"e{i}"}) for i in range(3)) + "\n\n"
    assert len(events_of(write(tmp_path, "a.jsonl", lines))) == 3
    csv_text = (
        "id,date,title,summary,tags,people,sources\n"
        'e1,1934-12-01,"Kirov, shot",A gunman.,purges; party,Sergei Kirov;Leonid Nikolaev,'
        '"book: Service 2004, p. 314; paper"\n'
    )
    (r,) = events_of(write(tmp_path, "a.csv", csv_text))
    assert r.title == "Kirov, shot"
    assert r.tags == ("purges", "party")
    assert r.people == ("Sergei Kirov", "Leonid Nikolaev")
    assert r.sources == ({"source": "book", "cite": "Service 2004, p. 314"}, {"source": "paper"})


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps([GOOD]).encode())
    assert len(events_of(path)) == 1


# One bad record at a time: the message names the file, the line and column of the field, the event and the fix.

STRICT = True
BAD_RECORDS = [
    ({"id": "Bad Id"}, "id", r"id 'Bad Id' must be lowercase", False),
    ({"id": 7}, "id", "id must be a string, not a number", False),
    ({"date": "1934-13-01"}, "date", r"date '1934-13-01': month 13 is not 01-12", False),
    ({"date": "1934-02-30"}, "date", "day 30 is not in February 1934", False),
    ({"date": "19345"}, "date", "four digits", False),
    ({"date": "1934/1933"}, "date", "ends", False),
    ({"date": "sometime"}, "date", "'sometime'", False),
    ({"date": "Dec 1934"}, "date", "date 'Dec 1934' is not in the format; write it as 1934-12", STRICT),
    ({"date": 1934}, "date", "date must be a string such as \"1934\", not a number", STRICT),
    ({"date": [1934]}, "date", "date must be a string, not an array", False),
    ({"date_os": "1934-11-19"}, "date_os", r"\(Julian\) is 1934-12-02", False),
    ({"title": ""}, "title", "title is empty", False),
    ({"title": ["x"]}, "title", "title must be a string, not an array", False),
    ({"summary": None}, None, 'missing required field "summary"', STRICT),
    ({"summary": 3}, "summary", "summary must be a string, not a number", False),
    ({"id": None}, None, 'missing required field "id"', STRICT),
    ({"tags": []}, "tags", "no tags; give at least one declared tag", STRICT),
    ({"tags": ["unknown"]}, "tags", "tag 'unknown' is not declared", STRICT),
    ({"tags": ["purges", 3]}, "tags", r"tags\[1\] must be a string", False),
    ({"sources": []}, "sources", "no declared source; cite at least one", STRICT),
    ({"sources": [{"title": "A Book"}]}, "sources", "no declared source; cite at least one", STRICT),
    ({"sources": [{"source": "nope"}]}, "sources", "source 'nope' is not declared", STRICT),
    ({"sources": [{"cite": "p. 3"}]}, "sources", 'needs "source"', False),
    ({"sources": [3]}, "sources", r"sources\[0\] must be an object", False),
    ({"people": 3}, "people", "people must be an array", False),
    ({"places": ["a;b"]}, "places", "contains ';'", False),
    ({"certainty": "maybe"}, "certainty", "certainty 'maybe' must be one of: disputed, uncertain", False),
    ({"alt_dates": [{"date": "1934-13"}]}, "alt_dates", r"alt_dates\[0\].date '1934-13'", False),
    ({"alt_dates": "1935"}, "alt_dates", "alt_dates must be an array", False),
    ({"extra": "x"}, "extra", "extra must be an object", False),
]


@pytest.mark.parametrize(("change", "field", "message", "strict"), BAD_RECORDS)
def test_bad_record_reported_with_position(tmp_path: Path, change: dict, field: str | None, message: str,
                                           strict: bool) -> None:
    record = {**GOOD, **change}
    record = {k: v for k, v in record.items() if v is not None}
    body = json.dumps(record, indent=2)
    text = json.dumps(DECLARED)[:-1] + ',\n"events": [\n' + body + "\n]}\n"
    path = write(tmp_path, "bad.json", text)
    (problem,) = problems_of(path, strict)
    if strict:
        assert not scan([path]).problems, "a curated rule is not a loading problem"
    lines = text.split("\n")
    if field is None:
        line, col = 3, 1
    else:
        line = next(i for i, text_line in enumerate(lines, 1) if text_line.strip().startswith(f'"{field}"'))
        col = lines[line - 1].index(f'"{field}"') + 1
    assert problem.startswith(f"{path}:{line}:{col}: "), problem
    import re

    assert re.search(message, problem), problem


def test_lenient_records_load_as_written(tmp_path: Path) -> None:
    records = [{"date": "1934-12-01", "title": "Kirov shot", "tags": "purges; terror", "people": "Sergei Kirov",
                "sources": "book: p. 3; A Title", "Wikidata": "Q1"},
               {"date": 1934, "title": "A year", "summary": "", "tags": [], "sources": []}]
    year, kirov = events_of(write(tmp_path, "a.json", json.dumps(records)))
    assert (kirov.id, kirov.tags, kirov.people) == ("kirov-shot-1934", ("purges", "terror"), ("Sergei Kirov",))
    assert kirov.sources == ({"source": "book", "cite": "p. 3"}, {"title": "A Title"})
    assert kirov.extra == {"Wikidata": "Q1"}
    assert kirov.to_record(computed=False)["extra"] == {"Wikidata": "Q1"}
    assert (year.id, year.date, year.precision, year.tags, year.sources) == ("a-year-1934", "1934", "year", (), ())


def test_record_that_is_not_an_object(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '[\n  "just a string"\n]')
    assert problems_of(path) == [f"{path}:2:3: event #1: an event must be an object, not a string"]


def test_missing_title_names_the_event_number(tmp_path: Path) -> None:
    rec = dict(GOOD)
    del rec["title"], rec["id"]
    path = write(tmp_path, "a.json", json.dumps([GOOD, rec]))
    (problem,) = problems_of(path)
    assert 'event #2: missing required field "title"' in problem


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", "[\n" + json.dumps(GOOD) + ",\n" + json.dumps(GOOD) + "\n]")
    (problem,) = problems_of(path)
    assert problem == (
        f"{path}:3:2: duplicate id 'kirov-assassinated' (first used by event #1 at {path}:2:2)"
    )


def test_all_problems_are_collected(tmp_path: Path) -> None:
    records = [{**GOOD, "id": f"e{i}", "date": "1934-13"} for i in range(25)]
    path = write(tmp_path, "a.json", json.dumps(records, indent=1))
    result = scan([path])
    assert len(result.problems) == 20 and result.problem_count == 25
    assert len(scan([path], max_problems=100).problems) == 25


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", r":1:1: empty input"),
        ("id,date\n", r":1:1: no title column; name one 'title' or 'headline'"),
        ("1934,Kirov\n1935,Other\n", r":1:1: the first row looks like data, not a header"),
        ("id,date,title,summary,tags,sources\na,1934,t,s,x,y,z\n", r":2:7: row has 7 fields"),
        ('id,date,title,summary,tags,sources\na,1934,"t,s,x,y\n', r":2:1: invalid CSV: unexpected end of data"),
        ("id,date,title,summary,tags,sources\na,1934-13,t,s,x,y\n", r":2:2: event 'a': date '1934-13'"),
    ],
)
def test_bad_csv_files(tmp_path: Path, content: str, message: str) -> None:
    import re

    path = write(tmp_path, "a.csv", content)
    (problem,) = problems_of(path)
    assert re.search(message, problem), problem


def test_csv_long_field_is_accepted(tmp_path: Path) -> None:
    summary = "x" * 200_000
    path = write(tmp_path, "long.csv", f"id,date,title,summary,tags,sources\na,1934,t,{summary},x,y\n")
    assert events_of(path)[0].summary == summary


@pytest.mark.parametrize(
    ("path_kind", "message"),
    [("missing", "no such file"), ("dir", "is a directory")],
)
def test_unreadable_paths(tmp_path: Path, path_kind: str, message: str) -> None:
    path = str(tmp_path / "nope.json") if path_kind == "missing" else str(tmp_path)
    (problem,) = problems_of(path)
    assert problem.startswith(path) and message in problem


def test_checker_makes_rows() -> None:
    record = {**GOOD, "sources": ["book", "Some Title"], "extra": {"x": 1}}
    row, problems = Checker().check(record, (19341201, 19341201, "day"))
    assert not problems and row is not None
    assert row[1:7] == ("kirov-assassinated", "1934-12-01", None, 19341201, 19341201, "day")
    assert json.loads(row[15]) == [{"source": "book"}, {"title": "Some Title"}]
    assert json.loads(row[ROW_FIELDS.index("rest")]) == {"date_basis": "standard", "extra": {"x": 1}}


def test_skip_invalid_loads_the_rest(tmp_path: Path) -> None:
    records = [{**GOOD, "id": f"e{i}", "date": "1934-13" if i % 3 == 0 else "1934"} for i in range(9)]
    lines = [json.dumps(r) for r in records] + ["{not json"]
    path = write(tmp_path, "a.jsonl", "\n".join(lines))
    rows: list = []
    result = scan([path], rows.extend, LoadOptions(skip_invalid=True))
    assert not result.problems
    assert (result.count, result.skipped, result.records) == (6, 4, 10)
    assert [r[1] for r in rows] == ["e1", "e2", "e4", "e5", "e7", "e8"]
    assert len(scan([path]).problems) == 4


@pytest.mark.parametrize("padding", [0, 40_000], ids=["in memory", "cached"])
def test_skip_invalid_leaves_out_later_events_with_an_id_used_twice(run, tmp_path: Path, padding: int) -> None:
    path = write(tmp_path, "dup.csv", "id,date,title\na,1934,x\na,1935,y\nb,1936,z\n" + " " * padding)
    for _ in range(2):  # built, then (when cached) read back
        result = run("--skip-invalid", "list", "-F", "id,title", "--no-header", data=path)
        assert (result.exit_code, result.stdout) == (0, "a\tx\nb\tz\n"), result.stderr
        assert "skipped 1 of 3 rows" in result.stderr


@pytest.mark.parametrize("how", ["in memory", "cached", "cached, writer process"])
def test_derived_ids_clear_of_given_ones_however_the_index_is_built(run, tmp_path, monkeypatch, how: str) -> None:
    """Given ids are not all held in memory while a file is read: a derived id that meets one is read again."""
    events = [{"id": "war-begins-1930", "date": "1930", "title": "Given"},
              {"id": "war-begins-1930-3", "date": "1930", "title": "Given too"},
              {"date": "1930", "title": "War begins"}, {"date": "1930", "title": "War begins"},
              {"date": "1930", "title": "War begins"}, {"id": "famine-1931", "date": "1931", "title": "Famine"}]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    args = ["--no-cache"] if how == "in memory" else []
    if how != "in memory":
        monkeypatch.setenv("CHRONO_CACHE_MIN_BYTES", "0")
    if how == "cached, writer process":
        monkeypatch.setattr("chrono.store.build.PARALLEL_MIN_BYTES", 0)
    result = run(*args, "list", "-f", "ids", "--sort", "id", data=path)
    assert result.stdout.split() == ["famine-1931", "war-begins-1930", "war-begins-1930-2", "war-begins-1930-3",
                                     "war-begins-1930-4", "war-begins-1930-5"]
    path.write_text(path.read_text(encoding="utf-8") + json.dumps(events[0]) + "\n", encoding="utf-8")
    result = run(*args, "list", "-f", "ids", data=path)
    assert result.exit_code == 2
    assert f"{path}:7:2: duplicate id 'war-begins-1930' (first used by event #1 at {path}:1:2)" in result.stderr

"""Loading JSON, JSONL and CSV chronologies; every kind of bad record reported as FILE:LINE:COL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chrono.cache import build_in_memory
from chrono.load import Checker, csv_sources, detect_kind, scan
from chrono.model import Event
from chrono.query import Filters

GOOD = {
    "id": "kirov-assassinated",
    "date": "1934-12-01",
    "title": "Kirov shot",
    "summary": "A gunman kills Kirov.",
    "tags": ["purges"],
    "sources": [{"source": "book"}],
}
DECLARED = {"sources": {"book": {"title": "A Book"}}, "tags": {"purges": "Purges"}}


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def problems_of(path: str) -> list[str]:
    result = scan([path])
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
    (problem,) = problems_of(path)
    assert "event 'x': tag 'nope' is not declared" in problem
    ok = {"events": [GOOD], **DECLARED}
    assert [e.id for e in events_of(write(tmp_path, "ok.json", json.dumps(ok)))] == ["kirov-assassinated"]


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


def test_csv_sources_cell() -> None:
    assert csv_sources("book: Service 2004, p. 314; paper; A Book Title") == [
        {"source": "book", "cite": "Service 2004, p. 314"}, {"source": "paper"}, {"title": "A Book Title"}]


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps([GOOD]).encode())
    assert len(events_of(path)) == 1


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [("a.json", "", "json"), ("a.jsonl", "", "jsonl"), ("a.ndjson", "", "jsonl"), ("a.csv", "", "csv"),
     ("-", "[{}]", "json"), ("-", '{"a": 1}\n{"b": 2}\n', "jsonl"), ("-", '{\n "events": []\n}', "json"),
     ("-", "id,date\n", "csv"), ("x.txt", "[", "json")],
)
def test_detect_kind(path: str, text: str, kind: str) -> None:
    assert detect_kind(path, text) == kind


# One bad record at a time: the message names the file, the line and column of the field, the event and the fix.

BAD_RECORDS = [
    ({"id": "Bad Id"}, "id", r"id 'Bad Id' must be lowercase"),
    ({"id": 7}, "id", "id must be a string, not a number"),
    ({"date": "1934-13-01"}, "date", r"date '1934-13-01': month 13 is not 01-12"),
    ({"date": "1934-02-30"}, "date", "day 30 is not in February 1934"),
    ({"date": "19345"}, "date", "four digits"),
    ({"date": "1934/1933"}, "date", "ends"),
    ({"date": "Dec 1934"}, "date", "expected YYYY"),
    ({"date": 1934}, "date", "date must be a string, not a number"),
    ({"date_os": "1934-11-19"}, "date_os", r"\(Julian\) is 1934-12-02"),
    ({"title": ""}, "title", "title is empty"),
    ({"title": ["x"]}, "title", "title must be a string, not an array"),
    ({"summary": None}, None, 'missing required field "summary"'),
    ({"tags": []}, "tags", "tags is empty"),
    ({"tags": "purges"}, "tags", "tags must be an array of strings, not a string"),
    ({"tags": ["unknown"]}, "tags", "tag 'unknown' is not declared"),
    ({"tags": ["purges", 3]}, "tags", r"tags\[1\] must be a string"),
    ({"sources": []}, "sources", "sources is empty"),
    ({"sources": [{"source": "nope"}]}, "sources", "names source 'nope', which is not declared"),
    ({"sources": [{"cite": "p. 3"}]}, "sources", 'needs "source"'),
    ({"sources": [3]}, "sources", r"sources\[0\] must be an object"),
    ({"people": "Kirov"}, "people", "people must be an array"),
    ({"places": ["a;b"]}, "places", "contains ';'"),
    ({"certainty": "maybe"}, "certainty", "certainty 'maybe' must be one of: disputed, uncertain"),
    ({"alt_dates": [{"date": "1934-13"}]}, "alt_dates", r"alt_dates\[0\].date '1934-13'"),
    ({"alt_dates": "1935"}, "alt_dates", "alt_dates must be an array"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_RECORDS)
def test_bad_record_reported_with_position(tmp_path: Path, change: dict, field: str | None, message: str) -> None:
    record = {**GOOD, **change}
    record = {k: v for k, v in record.items() if v is not None}
    body = json.dumps(record, indent=2)
    text = json.dumps(DECLARED)[:-1] + ',\n"events": [\n' + body + "\n]}\n"
    path = write(tmp_path, "bad.json", text)
    (problem,) = problems_of(path)
    lines = text.split("\n")
    if field is None:
        line, col = 3, 1
    else:
        line = next(i for i, text_line in enumerate(lines, 1) if text_line.strip().startswith(f'"{field}"'))
        col = lines[line - 1].index(f'"{field}"') + 1
    assert problem.startswith(f"{path}:{line}:{col}: "), problem
    import re

    assert re.search(message, problem), problem


def test_record_that_is_not_an_object(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '[\n  "just a string"\n]')
    assert problems_of(path) == [f"{path}:2:3: event #1: an event must be an object, not a string"]


def test_missing_id_names_the_event_number(tmp_path: Path) -> None:
    rec = dict(GOOD)
    del rec["id"]
    path = write(tmp_path, "a.json", json.dumps([GOOD, rec]))
    (problem,) = problems_of(path)
    assert 'event #2: missing required field "id"' in problem


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
    ("name", "content", "message"),
    [
        ("empty.json", "", r":1:1: empty input"),
        ("trunc.json", '[{"id": "a", "date": "1934"', r":1:28: invalid JSON: unexpected end of input"),
        ("nan.json", '[{"id": NaN}]', r":1:9: NaN is not valid JSON"),
        ("inf.json", '[\n {"x": -Infinity}]', r":2:8: -Infinity is not valid JSON"),
        ("dupkey.json", '[{"id": "a",\n  "id": "b"}]', r":2:3: duplicate key 'id'"),
        ("scalar.json", "42", r":1:1: expected an object with \"events\" or an array of events, not a number"),
        ("noevents.json", '{"chronology": {}}', r'missing "events"'),
        ("eventsobj.json", '{"events": {}}', r':1:2: "events" must be an array, not an object'),
        ("big.json", '[{"id": ' + "9" * 5000 + "}]", r":1:9: number too large"),
        ("deep.json", "[" * 100000 + "]" * 100000, r":1:201: nesting deeper than 200"),
        ("surrogate.json", '[{"id": "\\ud800"}]', r":1:10: lone surrogate escape \\ud800"),
        ("tags.json", '{"tags": [], "events": []}', r':1:2: "tags" must be an object'),
    ],
)
def test_bad_json_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    import re

    path = write(tmp_path, name, content)
    (problem,) = problems_of(path)
    assert problem.startswith(path) and re.search(message, problem), problem


def test_invalid_utf8_gives_byte_offset(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.json", b'[{"id": "a",\n "title": "caf\xe9"}]')
    (problem,) = problems_of(path)
    assert problem == f"{path}:2:15: invalid UTF-8 (byte 0xe9 at offset 27); save the file as UTF-8"


def test_jsonl_bad_line(tmp_path: Path) -> None:
    lines = [json.dumps({**GOOD, "id": f"e{i}"}) for i in range(4)]
    lines[2] = '{"id": "e2", "date": '
    path = write(tmp_path, "a.jsonl", "\n".join(lines))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:3:22: invalid JSON")


def test_jsonl_bad_record_field_column(tmp_path: Path) -> None:
    lines = [json.dumps({**GOOD, "id": f"e{i}"}) for i in range(3)]
    lines[1] = json.dumps({**GOOD, "id": "e1", "date": "1934-99"})
    path = write(tmp_path, "a.jsonl", "\n".join(lines))
    (problem,) = problems_of(path)
    col = lines[1].index('"date"') + 1
    assert problem.startswith(f"{path}:2:{col}: event 'e1': date '1934-99'")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", r":1:1: empty input"),
        ("id,date\n", r":1:1: the header row lacks title, summary, tags, sources"),
        ("id,date,title,summary,tags,sources\na,1934,t,s,x\n", r":2:6: row has 5 fields but the header has 6"),
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


def test_checker_normalizes() -> None:
    row, problems = Checker().check({**GOOD, "sources": ["book", "Some Title"], "extra": 1}, None, None, None, None)
    assert not problems and row is not None
    assert row[1:7] == ("kirov-assassinated", "1934-12-01", None, 19341201, 19341201, "day")
    assert json.loads(row[15]) == [{"source": "book"}, {"title": "Some Title"}]
    assert json.loads(row[16]) == {"extra": 1}

"""The readers: each format's bytes become raw records with their places; bad files named by FILE:LINE:COL."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from chrono.read.formats import detect_kind, open_reader
from chrono.read.formats.csv_reader import sniff_delimiter, unguard
from chrono.read.load import scan
from conftest import DATA, chrono_cmd, subprocess_env, write


def problems_of(path: str) -> list[str]:
    result = scan([path])
    assert result.problems, "expected a problem"
    return result.problems


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [("a.json", "", "json"), ("a.jsonl", "", "jsonl"), ("a.ndjson", "", "jsonl"), ("a.csv", "", "csv"),
     ("a.tsv", "", "tsv"), ("A.TSV", "", "tsv"), ("-", "[{}]", "json"), ("-", '{"a": 1}\n{"b": 2}\n', "jsonl"),
     ("-", '{\n "events": []\n}', "json"), ("-", "id,date\n", "csv"), ("-", "date\ttitle\n", "tsv"),
     ("-", "date;title\n", "csv"), ("x.txt", "[", "json")],
)
def test_detect_kind(path: str, text: str, kind: str) -> None:
    assert detect_kind(path, text) == kind


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("date,title", ","), ("Datum;Titel;Tags", ";"), ("date\ttitle", "\t"), ('"a;b",c', ","), ("title", ","),
     ('date;"title, long";tags', ";")],
)
def test_sniff_delimiter(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header) == delimiter


@pytest.mark.parametrize(
    ("cell", "plain"),
    [("'=SUM(A1)", "=SUM(A1)"), ("'+1", "+1"), ("'-x", "-x"), ("'@me", "@me"), ("'tis", "'tis"), ("'", "'"),
     ("=1", "=1"), ("''=1", "'=1"), ("'''-", "''-"), ("''tis", "''tis")],
)
def test_spreadsheet_guard_is_removed(cell: str, plain: str) -> None:
    assert unguard(cell) == plain


def test_table_records_keep_places(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Date,Title,Notes\n1934,\"Kirov, shot\",\n\n1935,Other,  \n1936,Short\n")
    reader = open_reader(path)
    read = [(record, reader.where(i, "Title")) for i, record in enumerate(reader.records())]
    assert read == [({"Date": "1934", "Title": "Kirov, shot"}, (2, 2)), ({"Date": "1935", "Title": "Other"}, (4, 2)),
                    ({"Date": "1936", "Title": "Short"}, (5, 2))]
    assert reader.columns == ["Date", "Title", "Notes"]
    assert reader.where(0, "Title") == (1, 1), "only the record being read has a place"


def test_tsv_and_semicolon_tables(tmp_path: Path) -> None:
    tsv = open_reader(write(tmp_path, "a.tsv", 'date\ttitle\ttags\n1934\t"Kirov, shot"\ta; b\n'))
    assert list(tsv.records()) == [{"date": "1934", "title": "Kirov, shot", "tags": "a; b"}]
    semi = open_reader(write(tmp_path, "b.csv", 'date;title;tags\n1934;"Kirov; shot";"a;b"\n'))
    assert list(semi.records()) == [{"date": "1934", "title": "Kirov; shot", "tags": "a;b"}]


def test_repeated_column_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "date,title,title\n1934,a,b\n")
    assert problems_of(path) == [f"{path}:1:3: column 'title' appears twice (also column 2); rename one of them"]


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
        ("empty.csv", "", r":1:1: empty input; a table starts with a header row"),
        ("ragged.csv", "date,title\n1934,a,b,c\n", r":2:3: row has 4 fields but the header has 2; quote fields"),
        ("quote.csv", 'date,title\n1934,"a\n', r":2:1: invalid CSV: unexpected end of data"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = write(tmp_path, name, content)
    (problem,) = problems_of(path)
    assert problem.startswith(path) and re.search(message, problem), problem


def test_invalid_utf8_gives_byte_offset(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.json", b'[{"id": "a",\n "title": "caf\xe9"}]')
    (problem,) = problems_of(path)
    assert problem == f"{path}:2:15: invalid UTF-8 (byte 0xe9 at offset 27); save the file as UTF-8"


# Streaming: the same records, problems and places whatever the size of the chunks the text is read in.

CHUNKED_FILES = sorted(p for p in (DATA / "bad").iterdir() if p.suffix in (".json", ".jsonl", ".csv")) + sorted(
    (DATA / "own").iterdir()) + [DATA / "mini.json", DATA / "hostile.json"]


def scan_with_chunks(monkeypatch: pytest.MonkeyPatch, path: Path, chunk: int) -> tuple[list[str], list[Any]]:
    import chrono.read.formats.json_reader
    import chrono.read.formats.stream

    monkeypatch.setattr(chrono.read.formats.stream, "CHUNK", chunk)
    monkeypatch.setattr(chrono.read.formats.json_reader, "CHUNK", chunk)
    rows: list[Any] = []
    result = scan([str(path)], rows.extend, max_problems=10**6, locate=True)
    return result.problems, rows


@pytest.mark.parametrize("path", CHUNKED_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chunk_size_changes_nothing(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    whole = scan_with_chunks(monkeypatch, path, 1 << 30)
    for chunk in (1, 2, 7, 64):
        assert scan_with_chunks(monkeypatch, path, chunk) == whole, chunk


def test_bad_record_across_a_chunk_edge(tmp_path: Path) -> None:
    """A bad record that straddles the first megabyte (the default chunk), placed exactly by the installed CLI."""
    from chrono.read.formats.stream import CHUNK

    record = {"id": "e0000000", "date": "1934-12-01", "title": "An event", "summary": "x" * 200, "tags": ["t"]}
    texts = [json.dumps({**record, "id": f"e{i:07d}"}, indent=1) for i in range(CHUNK // 250)]
    starts = []
    at = 2
    for t in texts:
        starts.append(at)
        at += len(t) + 2
    bad = next(i for i in range(len(texts) - 1) if starts[i] < CHUNK < starts[i + 1])
    date_at = starts[bad] + texts[bad].index("1934-12-01")
    # Put the edge inside the bad date itself, by lengthening the first record's summary.
    texts[0] = json.dumps({**record, "summary": "x" * (200 + CHUNK - 4 - date_at)}, indent=1)
    texts[bad] = texts[bad].replace("1934-12-01", "1934-13-01")
    path = tmp_path / "edge.json"
    path.write_text("[\n" + ",\n".join(texts) + "\n]\n", encoding="utf-8")
    data = path.read_bytes()
    where = data.index(b"1934-13-01")
    assert where < CHUNK < where + 10, "the bad date straddles the edge of the first chunk"
    line = data.count(b"\n", 0, where) + 1  # the line of "date": the place of a field is its key, in column 2
    result = subprocess.run([*chrono_cmd(), "-d", str(path), "list", "--count"], capture_output=True, text=True,
                            env=subprocess_env(), timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (f"{path}:{line}:2: event 'e{bad:07d}': date '1934-13-01': "
                                             "month 13 is not 01-12")

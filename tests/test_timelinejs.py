"""TimelineJS 3 JSON in and out: slides read as events, years BC both ways, HTML safe, chrono's export read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chrono.read.timelinejs import date_edtf, html_to_text, read_slide, span_edtf
from chrono.store.cache import build_in_memory
from chrono.store.query import Filters
from conftest import BUNDLED, write

REAL = Path(__file__).resolve().parent / "data" / "real"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("plain  text", "plain text"),
        ("<p>One</p><p>Two &amp; three</p>", "One\nTwo & three"),
        ("a<br>b", "a\nb"),
        ('<p>Take <a href="x">Ada</a>.</p><script>alert(1)</script>', "Take Ada."),
        ('<p>Said.</p><p class="chrono-note"><em>a note</em></p><p class="chrono-sources">Sources: s</p>', "Said."),
        ("<b>&lt;img&gt;</b>", "<img>"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


@pytest.mark.parametrize(
    ("date", "edtf"),
    [
        ({"year": "1934"}, "1934"), ({"year": 1934, "month": 12, "day": 1}, "1934-12-01"),
        ({"year": "1934", "month": "12", "day": ""}, "1934-12"), ({"year": "-500"}, "-0499"),
        ({"year": "-1"}, "0000"), ({"year": "602"}, "0602"), ({"year": "-13800000000"}, "Y-13799999999"),
        ({"year": "-300000", "month": "3"}, "Y-299999"), ({"year": 1969.0, "month": "07"}, "1969-07"),
    ],
)
def test_date_objects(date: dict[str, object], edtf: str) -> None:
    assert date_edtf(date) == edtf


@pytest.mark.parametrize(
    ("date", "reason"),
    [({"year": ""}, "no year"), ({"year": "1934", "day": "1"}, "a day but no month"), ("1934", "an object"),
     ({"year": "19x4"}, "not a whole number")],
)
def test_bad_date_objects(date: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        date_edtf(date)


def test_an_end_of_empty_parts_is_no_end() -> None:
    assert span_edtf({"year": "602"}, {"year": "", "month": ""}) == "0602"
    assert span_edtf({"year": "602"}, {"year": "629"}) == "0602/0629"


def test_a_slide_as_an_event() -> None:
    media = {"url": "https://example.org/ada.jpg", "caption": "Ada"}
    slide = read_slide({
        "start_date": {"year": "1843"}, "text": {"headline": "Ada <i>Lovelace</i>", "text": "<p>Notes on it.</p>"},
        "group": "people", "media": media, "background": {"color": "#000"}, "unique_id": "Ada Lovelace"})
    assert slide.record == {"title": "Ada Lovelace", "summary": "Notes on it.", "date": "1843", "tags": ["people"],
                            "extra": {"media": media, "background": {"color": "#000"}}}
    assert slide.unique_id == "Ada Lovelace"


def test_a_slide_without_a_headline_takes_its_title_from_its_text_or_caption() -> None:
    slide = read_slide({"start_date": {"year": 1}, "text": {"text": "<p>First line</p><p>more</p>"}})
    assert slide.record["title"] == "First line"
    assert read_slide({"start_date": {"year": 1}, "media": {"caption": "<b>Caption</b>"}}).record["title"] == "Caption"


def test_real_timelinejs_files_read_as_they_are() -> None:
    index = build_in_memory([str(REAL / "timelinejs3-women-in-computing.json")])
    assert index.chronology.title == "Women in Computing"
    events = list(index.events(Filters()))
    assert len(events) == 10
    ada = events[0]
    assert (ada.title, ada.date) == ("Ada Lovelace", "1815-12-10/1852-11-27")
    assert "<" not in ada.summary and ada.summary.startswith("Women have been programming")
    assert ada.extra["media"]["credit"]
    eras = build_in_memory([str(REAL / "timelinejs3-eras-7th-century.json")]).chronology.eras
    assert eras == ({"date": "0650/0700", "title": "Era Test 650-700"},
                    {"date": "0600/0650", "title": "Era Test 600-650"},
                    {"date": "0700/0720", "title": "Era Test 700-720"})
    deep = build_in_memory([str(REAL / "timelinejs3-cosmology-deep-time.json")])
    first = next(deep.events(Filters()))
    assert (first.title, first.date, first.earliest) == ("The Big Bang", "Y-13799999999", "-13799999999-01-01")


def test_a_display_date_that_names_the_same_days_gives_the_precision(tmp_path: Path) -> None:
    doc = {"events": [
        {"start_date": {"year": "1926"}, "display_date": "c. 1926", "text": {"headline": "A"}},
        {"start_date": {"year": "1930", "month": "3"}, "end_date": {"year": "1930", "month": "5"},
         "display_date": "spring 1930", "text": {"headline": "B"}},
        {"start_date": {"year": "1917", "month": "11", "day": "7"}, "display_date": "25 Oct (7 Nov) 1917",
         "text": {"headline": "C"}},
        {"start_date": {"year": "1930"}, "display_date": "the summer of love", "text": {"headline": "D"}},
    ]}
    index = build_in_memory([write(tmp_path, "t.json", json.dumps(doc))])
    assert [(e.title, e.date, e.date_os) for e in index.events(Filters(sort="title"))] == [
        ("A", "1926~", None), ("B", "1930-21", None), ("C", "1917-11-07", "1917-10-25"), ("D", "1930", None)]


def test_problems_are_placed_at_the_slide(run, tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", '{"events": [\n {"start_date": {"month": 3}, "text": {"headline": "A"}}\n]}')
    result = run("list", data=path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2:3: event #1: start_date: the date has no year")


def test_chronos_own_export_reads_back_the_same_events(run, tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    assert run("export", "--to", "timelinejs", "-o", str(out), data=None).exit_code == 0
    again = [json.loads(line) for line in run("list", "-f", "jsonl", data=str(out)).stdout.split("\n") if line]
    original = [json.loads(line) for line in run("list", "-f", "jsonl", data=None).stdout.split("\n") if line]
    assert again == original
    assert build_in_memory([str(out)]).chronology.title == json.loads(BUNDLED.read_text("utf-8"))["chronology"]["title"]


def test_an_edited_slide_wins_over_what_chrono_held(run, tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    run("export", "--to", "timelinejs", "--tag", "assassination", "-o", str(out), data=None)
    doc = json.loads(out.read_text("utf-8"))
    doc["events"][0]["text"]["headline"] = "A new headline"
    out.write_text(json.dumps(doc), "utf-8")
    first = json.loads(run("show", doc["events"][0]["unique_id"], "-f", "jsonl", data=str(out)).stdout)
    assert first["title"] == "A new headline" and first["tags"] == doc["events"][0]["chrono"]["tags"]


def test_years_bc_both_ways(run, tmp_path: Path) -> None:
    path = write(tmp_path, "bc.csv",
                 "date,title\n530 BC,Cyrus dies\nAD 43,Claudius invades Britain\n1 BC,Last year BC\n")
    out = json.loads(run("export", "--to", "timelinejs", data=path).stdout)
    years = {e["text"]["headline"]: e["start_date"]["year"] for e in out["events"]}
    assert years == {"Cyrus dies": "-530", "Claudius invades Britain": "43", "Last year BC": "-1"}
    for event in out["events"]:
        del event["chrono"]  # read as a file from another program would be
    again = write(tmp_path, "again.json", json.dumps(out))
    assert run("list", "-F", "date,title", "--no-header", data=again).stdout == (
        "-0529\tCyrus dies\n0000\tLast year BC\n0043\tClaudius invades Britain\n")

"""The normaliser: columns matched to fields, TimelineJS sheets, human dates in cells, derived ids, extra."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chrono.model import Event, LoadOptions
from chrono.read.load import scan
from chrono.read.normalise import build_map, column_key, csv_sources, parse_mapping, slug
from chrono.store.cache import build_in_memory
from chrono.store.query import Filters
from conftest import write


def events_of(path: str, **options: object) -> list[Event]:
    return list(build_in_memory([path], LoadOptions(**options)).events(Filters(sort="id")))


@pytest.mark.parametrize(
    ("name", "key"),
    [("Start Date", "startdate"), ("start_date", "startdate"), ("  END-date ", "enddate"), ("Headline", "headline")],
)
def test_column_key(name: str, key: str) -> None:
    assert column_key(name) == key


@pytest.mark.parametrize(
    ("columns", "fields"),
    [
        (["date", "title"], {"date": "date", "title": "title"}),
        (["When", "Event", "Description", "Category", "Citation", "Person", "Location"],
         {"When": "date", "Event": "title", "Description": "summary", "Category": "tags", "Citation": "sources",
          "Person": "people", "Location": "places"}),
        (["Start Date", "End Date", "Name", "Notes", "Type"],
         {"Start Date": "date", "End Date": "end", "Name": "title", "Notes": "summary", "Type": "tags"}),
        (["start", "until", "headline", "text", "group"],
         {"start": "date", "until": "end", "headline": "title", "text": "summary", "group": "tags"}),
        (["Year", "Event"], {"Year": "date", "Event": "title"}),
        # The earliest name in the table wins; the other column is kept under extra.
        (["Notes", "Description", "Title", "Name", "Date", "When"],
         {"Description": "summary", "Title": "title", "Date": "date"}),
    ],
)
def test_synonyms(columns: list[str], fields: dict[str, str]) -> None:
    cmap, missing = build_map(columns)
    assert not missing
    assert cmap.fields == fields
    assert cmap.extra == tuple(c for c in columns if c not in fields)


def test_timelinejs_layout_is_recognised_as_a_whole() -> None:
    columns = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
               "Headline", "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group",
               "Background"]
    cmap, _ = build_map(columns)
    assert cmap.timelinejs
    assert {k: v for k, v in cmap.fields.items() if not v.startswith("tl:")} == {
        "Headline": "title", "Text": "summary", "Group": "tags"}
    assert "Type" not in cmap.extra and cmap.fields["Type"] == "tl:type"
    assert cmap.extra == ("Time", "End Time", "Media", "Media Credit", "Media Caption", "Media Thumbnail",
                          "Background")


def test_map_option() -> None:
    assert parse_mapping(("title=Ereignis", "DATE = Datum")) == (("title", "Ereignis"), ("date", "Datum"))
    cmap, missing = build_map(["Datum", "Ereignis", "Title", "Quelle"],
                              parse_mapping(("title=ereignis", "date=Datum", "sources=Nope")))
    assert cmap.fields == {"Datum": "date", "Ereignis": "title"}
    assert cmap.extra == ("Title", "Quelle") and missing == ["Nope"]
    for bad, message in (("title", "is not FIELD=COLUMN"), ("colour=Farbe", "unknown field 'colour'")):
        with pytest.raises(ValueError, match=message):
            parse_mapping((bad,))


@pytest.mark.parametrize(
    ("title", "slugged"),
    [("Kirov murdered", "kirov-murdered"), ("Убийство Кирова", "ubiistvo-kirova"), ("Café « noir »!", "cafe-noir"),
     ("???", ""), ("The First Five-Year Plan is launched across the whole Soviet Union in 1928",
                   "the-first-five-year-plan-is-launched-across-the")],
)
def test_slug(title: str, slugged: str) -> None:
    assert slug(title) == slugged
    assert len(slug(title)) <= 50


def test_csv_sources_cell() -> None:
    assert csv_sources("book: Service 2004, p. 314; paper; A Book Title") == [
        {"source": "book", "cite": "Service 2004, p. 314"}, {"source": "paper"}, {"title": "A Book Title"}]


def test_derived_ids_are_stable_and_count_clashes_in_file_order(tmp_path: Path) -> None:
    rows = ["Kirov murdered,1934-12-01", "Kirov murdered,1934-12", "Other,1934", "Kirov murdered,1934",
            "Kirov murdered,1935"]
    path = write(tmp_path, "a.csv", "title,date\n" + "\n".join(rows) + "\n")
    by_title_and_date = {(e.title, e.date): e.id for e in build_in_memory([path]).events(Filters())}
    assert by_title_and_date == {
        ("Kirov murdered", "1934-12-01"): "kirov-murdered-1934", ("Kirov murdered", "1934-12"): "kirov-murdered-1934-2",
        ("Other", "1934"): "other-1934", ("Kirov murdered", "1934"): "kirov-murdered-1934-3",
        ("Kirov murdered", "1935"): "kirov-murdered-1935"}
    assert {(e.title, e.date): e.id for e in build_in_memory([path]).events(Filters())} == by_title_and_date
    # Unrelated rows inserted anywhere, and rows added at the end, change no id of the rows already there.
    more = ["A new event,1950", rows[0], "Unrelated,1934", *rows[1:], "Kirov murdered,1934-06"]
    path2 = write(tmp_path, "b.csv", "title,date\n" + "\n".join(more) + "\n")
    again = {(e.title, e.date): e.id for e in build_in_memory([path2]).events(Filters())}
    assert all(again[k] == v for k, v in by_title_and_date.items())
    assert again[("Kirov murdered", "1934-06")] == "kirov-murdered-1934-4"


def test_explicit_ids_are_never_reused_for_derived_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", json.dumps([{"id": "kirov-murdered-1934", "date": "1934", "title": "x"},
                                                 {"date": "1934-12-01", "title": "Kirov murdered"}]))
    assert [e.id for e in events_of(path)] == ["kirov-murdered-1934", "kirov-murdered-1934-2"]
    path = write(tmp_path, "b.json", json.dumps([{"date": "1934-12-01", "title": "Kirov murdered"},
                                                 {"id": "kirov-murdered-1934", "date": "1934", "title": "x"}]))
    (problem,) = scan([path]).problems
    assert "duplicate id 'kirov-murdered-1934' (first used by event #1" in problem


def test_unknown_columns_are_kept_under_extra(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", 'date,title,Wikidata,Notes 2\n1934,Kirov,Q123,"a, b"\n')
    (event,) = events_of(path)
    assert event.extra == {"Wikidata": "Q123", "Notes 2": "a, b"}
    path = write(tmp_path, "b.json", json.dumps([{"date": "1934", "title": "T", "url": "https://x", "n": [1, 2],
                                                  "extra": {"kept": True}}]))
    (event,) = events_of(path)
    assert event.extra == {"kept": True, "n": [1, 2]}
    assert event.sources == ({"url": "https://x"},), "a url is a source's web address"


def test_timelinejs_rows(tmp_path: Path) -> None:
    header = ("Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,"
              "Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n")
    rows = [
        ",,,,,,,,,My <i>title</i>,About &amp; more,,,,,title,,",
        "1917,,,,1922,,,,,Civil war,,,,,,,war,",
        "1934,12,,,,,,,,A month,,https://x/y.jpg,,,,,,",
        "1934,12,1,16:30,,,,,,A day,<p>Shot</p>,,,,,,purges,",
        "1930,,,,,,,,c. 1930,Approximate,,,,,,,,",
        "1930,3,,,1930,5,,,spring 1930,A season,,,,,,era,,",
        "1917,11,7,,,,,,25 Oct (7 Nov) 1917,Both calendars,,,,,,,,",
        "1930,3,,,1930,5,,,in those days,Display kept,,,,,,,,",
    ]
    index = build_in_memory([write(tmp_path, "sheet.csv", header + "\n".join(rows) + "\n")])
    assert (index.chronology.title, index.chronology.description) == ("My title", "About & more")
    got = {e.title: (e.date, e.date_os, e.precision) for e in index.events(Filters())}
    assert got == {
        "Civil war": ("1917/1922", None, "interval"),
        "A month": ("1934-12", None, "month"),
        "A day": ("1934-12-01", None, "day"),
        "Approximate": ("1930~", None, "year"),
        "A season": ("1930-21", None, "season"),
        "Both calendars": ("1917-11-07", "1917-10-25", "day"),
        "Display kept": ("1930-03/1930-05", None, "interval"),
    }
    extra = {e.title: e.extra for e in index.events(Filters())}
    assert extra["A month"] == {"Media": "https://x/y.jpg"}
    assert extra["A day"] == {"Time": "16:30"} and extra["A season"] == {"Type": "era"}
    assert extra["Display kept"] == {"Display Date": "in those days"}
    assert {e.title: e.summary for e in index.events(Filters())}["A day"] == "Shot"


@pytest.mark.parametrize(
    ("row", "message"),
    [("1934,,1,A,", ":2:3: event #1: Day gives a day but no month"),
     (",12,1,A,", ":2:1: event #1: Year is empty; a row needs a year"),
     ("1934,13,,A,", ":2:2: event #1: Month '13' is not a number of months 1 to 12"),
     ("1934,2,30,A,", ":2:3: event #1: day 30 is not in February 1934 (1-28)"),
     ("0,3,15,A,", ":2:1: event #1: Year '0' is not a number of years (negative for BCE, no year 0)"),
     ("²,,,A,", ":2:1: event #1: Year '²' is not a number of years (negative for BCE, no year 0)"),
     ("--5,,,A,", ":2:1: event #1: Year '--5' is not a number of years (negative for BCE, no year 0)"),
     ("1934,１２,,A,", ":2:2: event #1: Month '１２' is not a number of months 1 to 12")],
)
def test_timelinejs_bad_dates(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path, "sheet.csv", "Year,Month,Day,Headline,Text\n" + row + "\n")
    assert scan([path]).problems == [path + message]


@pytest.mark.parametrize(
    ("cell", "date", "date_os", "precision"),
    [("1 December 1934", "1934-12-01", None, "day"), ("Dec 1934", "1934-12", None, "month"),
     ("1930s", "193X", None, "decade"), ("c. 1926", "1926~", None, "year"), ("1929?", "1929?", None, "year"),
     ("spring 1930", "1930-21", None, "season"), ("winter 1932–33", "1932-24", None, "season"),
     ("1917–1922", "1917/1922", None, "interval"), ("1917-1922", "1917/1922", None, "interval"),
     ("from 1930", "1930/..", None, "interval"), ("until 1930", "../1930", None, "interval"),
     ("25 Oct (7 Nov) 1917", "1917-11-07", "1917-10-25", "day"), (" 1934 ", "1934", None, "year"),
     ("1934-12-01", "1934-12-01", None, "day"), ("١٩٣٤", "1934", None, "year")],
)
def test_human_dates_in_cells(tmp_path: Path, cell: str, date: str, date_os: str | None, precision: str) -> None:
    path = write(tmp_path, "a.csv", f'date,title\n"{cell}",T\n')
    (event,) = events_of(path)
    assert (event.date, event.date_os, event.precision) == (date, date_os, precision)
    notes: list[str] = []
    scan([path], notes=notes.append)
    read = [n for n in notes if " read as " in n]
    if cell == date:
        assert read == []
    else:
        assert read == [f"{path}:2:1: {cell!r} read as {date}" + (f" (Old Style {date_os})" if date_os else "")]


def test_separate_start_and_end_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "start,end,title\n1 Dec 1934,Jan 1935,A\n1917,1922,B\n1934,,C\n1935,1934,D\n")
    result = scan([path])
    assert len(result.problems) == 1 and result.problems[0].startswith(f"{path}:5:1: event #4: '1935' to '1934'")
    path = write(tmp_path, "b.csv", "start,end,title\n1 Dec 1934,Jan 1935,A\n1917,1922,B\n1934,,C\n")
    assert [(e.title, e.date) for e in events_of(path)] == [
        ("A", "1934-12-01/1935-01"), ("B", "1917/1922"), ("C", "1934")]


@pytest.mark.parametrize(
    ("order", "date"),
    [(None, None), ("dayfirst", "1934-01-12"), ("monthfirst", "1934-12-01")],
)
def test_ambiguous_numeric_dates(tmp_path: Path, order: str | None, date: str | None) -> None:
    path = write(tmp_path, "a.csv", "date,title\n12/1/1934,A\n13/1/1934,B\n")
    if date is None:
        (problem,) = scan([path]).problems
        assert problem.startswith(f"{path}:2:1: event #1: date '12/1/1934': ")
        assert "12 January 1934" in problem and "1 December 1934" in problem
        assert "--dayfirst" in problem and "--monthfirst" in problem
    elif order == "monthfirst":
        (problem,) = scan([path], options=LoadOptions(order=order)).problems
        assert problem.startswith(f"{path}:3:1: event #2: date '13/1/1934'")
    else:
        assert [e.date for e in events_of(path, order=order)] == ["1934-01-12", "1934-01-13"]
    if order == "monthfirst":
        path = write(tmp_path, "b.csv", "date,title\n12/1/1934,A\n")
        assert [e.date for e in events_of(path, order=order)] == [date]


@pytest.mark.parametrize("cell", ["12/1/34", "Dec 34", "'34"])
def test_two_digit_years_are_errors(tmp_path: Path, cell: str) -> None:
    path = write(tmp_path, "a.csv", f'date,title\n"{cell}",A\n')
    (problem,) = scan([path]).problems
    assert problem.startswith(f"{path}:2:1: event #1: date {cell!r}") and "year" in problem


def test_no_date_or_title_column(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Datum,Titel\n1934,Kirov\n")
    (problem,) = scan([path]).problems
    assert problem == (f"{path}:1:1: no date column; name one 'date' or 'when' or 'start' or 'start date' or 'year' "
                       "or 'hdate' or 'begin', or map one with -m date=COLUMN (the columns are: Datum, Titel)")
    (event,) = events_of(path, mapping=(("date", "Datum"), ("title", "Titel")))
    assert (event.date, event.title) == ("1934", "Kirov")
    (problem,) = scan([path], options=LoadOptions(mapping=(("date", "Jahr"),))).problems
    assert problem == f"{path}:1:1: no column named 'Jahr' (from -m/--map); the columns are: Datum, Titel"


def test_a_mapping_applies_to_the_files_that_have_its_column(tmp_path: Path) -> None:
    sheet = write(tmp_path, "a.csv", "label,Jahr\nKirov,1934\n")
    other = write(tmp_path, "b.csv", "date,title\n1935,Famine\n")
    merged = build_in_memory([sheet, other], LoadOptions(mapping=(("date", "Jahr"),)))
    assert [e.title for e in merged.events(Filters())] == ["Kirov", "Famine"]
    (problem,) = scan([other], options=LoadOptions(mapping=(("tags", "Kind"),))).problems
    assert problem == f"{other}:1:1: no column named 'Kind' (from -m/--map) in any file; the columns are: date, title"


@pytest.mark.parametrize("layout", ["plain", "indented"])
def test_other_scripts_digits_in_json_are_read_as_a_human_date(tmp_path: Path, layout: str) -> None:
    record = {"date": "١٩٣٤-١٢-٠١", "title": "T"}
    text = json.dumps([record], ensure_ascii=False, indent=None if layout == "plain" else 2)
    path = write(tmp_path, "a.json", text)
    (event,) = events_of(path)
    assert (event.date, event.precision) == ("1934-12-01", "day")

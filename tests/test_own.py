"""Your own chronologies as they are: the realistic files of tests/data/own loaded through the installed CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.dates.edtf import day_span
from chrono.dates.human import human
from chrono.model import OPEN_EARLIEST, OPEN_LATEST, iso_day
from conftest import BUNDLED, DATA, chrono_cmd, examples, subprocess_env

OWN = DATA / "own"


def chrono(*args: str, cwd: Path | None = None, cache: Path | None = None,
           stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed chrono as a user would, in a subprocess (with the test's own cache directory)."""
    env = subprocess_env(NO_COLOR="1", **({"CHRONO_CACHE_DIR": str(cache)} if cache else {}))
    return subprocess.run([*chrono_cmd(), *args], capture_output=True, text=True, encoding="utf-8", env=env,
                          cwd=cwd, input=stdin, timeout=120)


def records(*args: str) -> list[dict]:
    done = chrono(*args, "-f", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


def test_two_column_spreadsheet() -> None:
    got = {r["title"]: (r["id"], r["date"], r["precision"]) for r in records("-d", str(OWN / "space-race.csv"),
                                                                             "list")}
    assert got == {
        "Sputnik 1 launched": ("sputnik-1-launched-1957", "1957-10-04", "day"),
        "Laika flies on Sputnik 2": ("laika-flies-on-sputnik-2-1957", "1957-11-03", "day"),
        "Explorer 1 reaches orbit": ("explorer-1-reaches-orbit-1958", "1958-01-31", "day"),
        "NASA begins operations": ("nasa-begins-operations-1958", "1958-10", "month"),
        "Gagarin orbits the Earth": ("gagarin-orbits-the-earth-1961", "1961-04-12", "day"),
        "Tereshkova becomes the first woman in space": ("tereshkova-becomes-the-first-woman-in-space-1963",
                                                        "1963-06-16", "day"),
        "Leonov makes the first spacewalk": ("leonov-makes-the-first-spacewalk-1965", "1965-03-18", "day"),
        "The Moon race": ("the-moon-race-1960", "196X", "decade"),
        "Soviet crewed lunar programme at its height": ("soviet-crewed-lunar-programme-at-its-height-1966",
                                                        "1966~", "year"),
        "Apollo 11 lands on the Moon": ("apollo-11-lands-on-the-moon-1969", "1969-07-20", "day"),
        "The space race": ("the-space-race-1957", "1957/1975", "interval"),
        "Sputnik crisis in the United States": ("sputnik-crisis-in-the-united-states-1957", "1957-23", "season"),
        "Apollo–Soyuz docking": ("apollo-soyuz-docking-1975", "1975-07", "month"),
    }


def test_two_column_spreadsheet_validates_with_what_was_read() -> None:
    done = chrono("validate", "-v", str(OWN / "space-race.csv"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"{OWN / 'space-race.csv'}:2:1: '4 October 1957' read as 1957-10-04" in lines
    assert f"{OWN / 'space-race.csv'}:12:1: '1957–1975' read as 1957/1975" in lines
    assert lines[-1] == f"{OWN / 'space-race.csv'}: 13 events ok"
    strict = chrono("validate", "--strict", str(OWN / "space-race.csv"))
    assert strict.returncode == 2
    assert f"{OWN / 'space-race.csv'}:2:1: event #1: date '4 October 1957' is not in the format; write it as " \
           "1957-10-04 (--strict wants EDTF dates)" in strict.stderr.splitlines()


def test_timelinejs_sheet() -> None:
    path = OWN / "timelinejs-sheet.csv"
    got = {r["title"]: (r["date"], r.get("date_os"), r["precision"], r["tags"]) for r in records("-d", str(path),
                                                                                               "list")}
    assert got == {
        "February Revolution": ("1917-03-08/1917-03-16", None, "interval", ["revolution"]),
        "Bolsheviks take power": ("1917-11-07", "1917-10-25", "day", ["revolution"]),
        "Capital moves to Moscow": ("1918-03", None, "month", ["government"]),
        "Civil War": ("1918/1922", None, "interval", ["war"]),
        "New Economic Policy begins": ("1921", None, "year", ["economy"]),
        "USSR founded": ("1922-12-30", None, "day", ["government"]),
        "Lenin dies": ("1924-01-21", None, "day", []),
        "First Five-Year Plan": ("1928/1932", None, "interval", ["economy"]),
    }
    overview = chrono("-d", str(path))
    assert overview.stdout.splitlines()[:3] == ["The Russian Revolution and after",
                                                "A teaching timeline built in Google Sheets.", "8 events, 1917 to 1932"]


def test_bare_json_array_from_another_program() -> None:
    got = records("-d", str(OWN / "array.json"), "list")
    assert [(r["id"], r["date"]) for r in got] == [
        ("sputnik-1-launched-1957", "1957-10-04"), ("gagarin-orbits-the-earth-1961", "1961-04-12"),
        ("tereshkova-in-space-1963", "1963-06-16"), ("apollo-11-lands-on-the-moon-1969", "1969-07-20"),
        ("apollo-soyuz-test-project-1975", "1975-07")]
    assert got[0]["extra"] == {"score": 0.9}
    assert got[0]["sources"] == [{"url": "https://example.org/sputnik"}]
    assert got[2]["tags"] == ["crewed", "women"]
    assert got[4]["summary"] == "A US and a Soviet craft dock in orbit."


def test_semicolon_separated_table_with_mapped_columns() -> None:
    path = str(OWN / "semicolon.csv")
    refused = chrono("-d", path, "list")
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"{path}:1:1: no date column;")
    got = records("-m", "date=Datum", "-m", "title=Titel", "--map", "sources=Quelle", "-d", path, "list")
    assert [(r["date"], r["title"], r["tags"], r["sources"]) for r in got] == [
        ("1917-03-08", "Streiks in Petrograd; Beginn der Februarrevolution", ["revolution", "petrograd"],
         [{"title": "Figes 1996, p. 307"}]),
        ("1917-11-07", 'Bolschewiki übernehmen die Macht, "Oktoberrevolution"', ["revolution"],
         [{"title": "Pipes 1990"}]),
        ("1918-03-03", "Frieden von Brest-Litowsk", ["war", "diplomacy"], []),
    ]


def test_tsv_with_people_and_places() -> None:
    done = chrono("-d", str(OWN / "crew.tsv"), "list", "--person", "Korolev", "-F", "date,title,people")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("date\ttitle\tpeople\n1957-10-04\tSputnik 1 launched\tSergei Korolev\n"
                           "1961-04-12\tVostok 1: Gagarin orbits the Earth\tYuri Gagarin; Sergei Korolev\n")


def test_messy_table_strict_by_default() -> None:
    path = str(OWN / "messy.csv")
    done = chrono("-d", path, "list")
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith(f"{path}:5:1: event #4: date '19O8': ")
    assert lines[1].startswith(f"{path}:19:1: event #18: date '31/02/1952': ")
    assert lines[2] == f'{path}:28:1: event #27: missing required field "title"'


def test_messy_table_skip_invalid(tmp_path: Path) -> None:
    path = str(OWN / "messy.csv")
    for run in ("cold", "cached"):
        done = chrono("--skip-invalid", "-d", path, "list", "--count", cache=tmp_path)
        assert done.returncode == 0, run
        assert done.stdout == "37\n"
        assert done.stderr == f"chrono: skipped 3 of 40 rows with problems; chrono validate {path} lists them\n"
    # The cache entry built with --skip-invalid is not used without it.
    assert chrono("-d", path, "list", "--count", cache=tmp_path).returncode == 2
    nothing = chrono("--skip-invalid", "-d", path, "list", "--year", "1908", cache=tmp_path)
    assert nothing.returncode == 1


def test_stdin_csv() -> None:
    done = chrono("-d", "-", "list", "-F", "id,date", stdin="date,title\nDec 1934,Kirov\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "id\tdate\nkirov-1934\t1934-12\n"


def sheet_from_timelinejs(doc: dict) -> str:
    """A TimelineJS Google Sheet (as CSV) holding the events of a TimelineJS JSON document."""
    columns = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
               "Headline", "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group",
               "Background"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    if "title" in doc:
        writer.writerow({"Headline": doc["title"]["text"]["headline"], "Text": doc["title"]["text"]["text"],
                         "Type": "title"})
    for item in doc["events"]:
        row = {"Year": item["start_date"]["year"], "Month": item["start_date"].get("month", ""),
               "Day": item["start_date"].get("day", ""), "Display Date": item.get("display_date", ""),
               "Headline": item["text"]["headline"], "Text": item["text"]["text"], "Group": item.get("group", "")}
        if "end_date" in item:
            row.update({"End Year": item["end_date"]["year"], "End Month": item["end_date"].get("month", ""),
                        "End Day": item["end_date"].get("day", "")})
        writer.writerow(row)
    return out.getvalue()


def test_timelinejs_export_round_trips_through_a_sheet(tmp_path: Path) -> None:
    exported = chrono("export", "--to", "timelinejs")
    assert exported.returncode == 0, exported.stderr
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(sheet_from_timelinejs(json.loads(exported.stdout)), encoding="utf-8")
    original = json.loads(BUNDLED.read_text(encoding="utf-8"))["events"]
    loaded = records("-d", str(sheet), "list", "--sort", "id")
    assert len(loaded) == len(original) == 287
    want = sorted((e["title"], e["date"], e.get("date_os")) for e in original)
    got = sorted((r["title"], r["date"], r.get("date_os")) for r in loaded)
    assert got == want


EDTF_POINTS = st.one_of(
    st.dates(min_value=__import__("datetime").date(1000, 1, 1),
             max_value=__import__("datetime").date(2500, 12, 31)).flatmap(
        lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4],
                                   f"{d.year:04d}-{21 + d.month % 4}", f"{d.isoformat()[:3]}X"])),
)
EDTF = st.builds(
    lambda a, b, qa, qb, kind: a + qa if kind == "point" else (
        f"{a}{qa}/{b}{qb}" if kind == "both" else (f"{a}{qa}/.." if kind == "from" else f"../{b}{qb}")),
    EDTF_POINTS, EDTF_POINTS, st.sampled_from(["", "?", "~", "%"]), st.sampled_from(["", "?", "~", "%"]),
    st.sampled_from(["point", "both", "from", "until"]),
).filter(lambda text: _valid(text))


def _valid(text: str) -> bool:
    try:
        day_span(text)
    except ValueError:
        return False
    return True


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDTF, min_size=1, max_size=12))
def test_printed_dates_read_back_from_a_data_file(run, tmp_path: Path, values: list[str]) -> None:
    """For any date the CLI prints as `when`, reading that text from a file gives the same days."""
    rows = [{"id": f"e{i}", "date": v, "title": "T"} for i, v in enumerate(values)]
    printed = run("list", "-F", "id,when", "--no-header", data="-", input=json.dumps(rows))
    assert printed.exit_code == 0, printed.stderr
    whens = dict(line.split("\t") for line in printed.stdout.splitlines())
    assert all(whens[f"e{i}"] == human(v) for i, v in enumerate(values))
    table = "id,date,title\n" + "".join(f'e{i},"{whens[f"e{i}"]}",T\n' for i in range(len(values)))
    again = run("list", "-f", "json", data="-", input=table)
    assert again.exit_code == 0, again.stderr
    read = {r["id"]: (r["earliest"], r["latest"]) for r in json.loads(again.stdout)}
    for i, v in enumerate(values):
        first, last, _ = day_span(v)
        iso = [iso_day(first, OPEN_EARLIEST), iso_day(last, OPEN_LATEST)]
        assert read[f"e{i}"] == tuple(iso), (v, whens[f"e{i}"])


@pytest.mark.parametrize("name", ["space-race.csv", "timelinejs-sheet.csv", "array.json", "crew.tsv", "ancient.csv"])
def test_every_fixture_validates(name: str) -> None:
    done = chrono("validate", str(OWN / name))
    assert done.returncode == 0, done.stderr


# Real chronologies as they come (the cases of the "real chronologies" issue) -----------------------------------


def test_an_event_with_only_a_date_and_a_title_exports_everywhere(run, tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("id,date,title\na,1934,Normal\n", encoding="utf-8")
    for fmt in ("html", "timelinejs", "ics", "markdown", "csv", "json", "jsonl"):
        result = run("export", "--to", fmt, "-o", str(tmp_path / f"x.{fmt}"), data=path)
        assert result.exit_code == 0 and "internal error" not in result.stderr, (fmt, result.stderr)


@pytest.mark.parametrize(
    ("doc", "message"),
    [('[{"date": null, "title": "x"}]', ':1:3: event #1: date is null; give a date such as "1934-12-01" or "530 BC"'),
     ('[{"date": "1934", "title": null}]', ':1:19: event #1: title is null; give it as text'),
     ('[{"date": 1934.5, "title": "x"}]', ":1:3: event #1: date must be a string, not a number")],
)
def test_a_null_where_a_value_is_required_is_a_data_error(run, tmp_path: Path, doc: str, message: str) -> None:
    path = tmp_path / "n.json"
    path.write_text(doc, encoding="utf-8")
    result = run("list", data=path)
    assert (result.exit_code, result.stderr) == (2, f"{path}{message}\n")


def test_any_json_beside_a_source_entrys_fields_is_kept(run, tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('[{"date": "1934", "title": "t", "sources": [{"title": "A book", "tier": 2, "pages": [1, 2]}]}]',
                    encoding="utf-8")
    (event,) = json.loads(run("list", "-f", "json", data=path).stdout)
    assert event["sources"] == [{"title": "A book", "tier": 2, "pages": [1, 2]}]
    bad = tmp_path / "bad.json"
    bad.write_text('[{"date": "1934", "title": "t", "sources": [{"title": 2}]}]', encoding="utf-8")
    assert "sources[0].title must be a string" in run("list", data=bad).stderr


def test_bc_and_early_years_load_sort_and_filter(run, tmp_path: Path) -> None:
    path = tmp_path / "bc.csv"
    path.write_text("date,title\n530 BC,a\n61,b\n286,c\n-0529,d\nAD 43,e\n15 March 44 BC,f\n", encoding="utf-8")
    assert run("validate", str(path)).exit_code == 0
    listed = run("list", "-F", "date,title", "--no-header", data=path).stdout
    assert listed == "-0529\ta\n-0529\td\n-0043-03-15\tf\n0043\te\n0061\tb\n0286\tc\n"
    assert run("list", "--to", "500 BC", "-f", "ids", data=path).stdout.count("\n") == 2
    assert run("list", "--to", "100", "-F", "title", "--no-header", data=path).stdout == "a\nd\nf\ne\nb\n"
    assert run("list", "--year", "43", "-F", "title", "--no-header", data=path).stdout == "e\n"
    assert run("on", "03-15", "-F", "title", "--no-header", data=path).stdout == "f\n"
    between = json.loads(run("between", "563 BC", "AD 43", "-f", "json", data=path).stdout)
    assert (between["years"], between["text"]) == (605, "about 605 years")
    timeline = run("timeline", "--by", "century", "--no-header", data=path).stdout
    assert timeline == "6th century BC\t2\n5th century BC\t0\n4th century BC\t0\n3rd century BC\t0\n" \
                       "2nd century BC\t0\n1st century BC\t1\n1st century\t2\n2nd century\t0\n3rd century\t1\n"


def test_julian_before_reads_early_days_as_old_style(run, tmp_path: Path) -> None:
    path = tmp_path / "britain.csv"
    path.write_text("date,title\n14 Oct 1066,Hastings\n1752-09-02,Last Julian day\n1752-09-14,First Gregorian day\n"
                    "1066,A year\n", encoding="utf-8")
    got = run("--julian-before", "1752-09-14", "list", "-F", "title,date,date_os", "--no-header", data=path).stdout
    assert got == "A year\t1066\t\nHastings\t1066-10-20\t1066-10-14\nLast Julian day\t1752-09-13\t1752-09-02\n" \
                  "First Gregorian day\t1752-09-14\t\n"
    plain = run("list", "-F", "title,date", "--no-header", data=path).stdout
    assert "Hastings\t1066-10-14" in plain, "without --julian-before, dates are read as Gregorian"


def test_more_column_names_are_recognised(run, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("label,hdate,hdate_end,country,actors,era,link\n"
                    "Caesar's invasions,55 BC,54 BC,Britain,Julius Caesar,Roman,https://example.org/c\n",
                    encoding="utf-8")
    (event,) = json.loads(run("list", "-f", "json", data=path).stdout)
    assert (event["title"], event["date"], event["places"], event["people"], event["tags"], event["sources"]) == (
        "Caesar's invasions", "-0054/-0053", ["Britain"], ["Julius Caesar"], ["Roman"], [{"url": "https://example.org/c"}])


def test_a_huge_limit_means_all(run) -> None:
    assert run("list", "-n", "9223372036854775808", "--count").stdout == "8\n"
    assert run("tags", "-n", "99999999999999999999999").exit_code == 0


def test_a_summary_of_only_spaces_is_none_in_every_format(run, tmp_path: Path) -> None:
    """Found by the long random run of the any-chronology property: a blank CSV cell reads back as no summary."""
    for name, text in (("a.json", '[{"id": "a", "date": "0000", "title": "T", "summary": " "}]'),
                       ("a.jsonl", '{"id": "a", "date": "0000", "title": "T", "summary": "  "}\n'),
                       ("a.csv", 'id,date,title,summary\na,0000,T," "\n')):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert json.loads(run("list", "-f", "json", data=path).stdout)[0]["summary"] == "", name
        path.write_text(text + " " * 40_000 * (name != "a.csv"), encoding="utf-8")  # large enough to be cached
        assert json.loads(run("list", "-f", "json", data=path).stdout)[0]["summary"] == "", name


def test_show_lists_the_columns_chrono_did_not_map(run) -> None:
    path = DATA / "real" / "wikipedia-space-exploration.csv"
    shown = run("show", "first-reflecting-telescope-1668", "-f", "table", data=path).stdout
    assert "  extra      column 1: 1\n             Researcher/Mission: Isaac Newton\n" in shown

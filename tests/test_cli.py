"""Every command and shared option through click's CliRunner, with exact outputs on a small fixture."""

from __future__ import annotations

import json

import pytest

from conftest import MINI

SIMPLE_1924 = """\
id               date         title                                              tags
---------------  -----------  -------------------------------------------------  ---------
lenin-enrolment  1924\u20131925    The Lenin Enrolment brings workers into the party  party
lenin-dies       21 Jan 1924  Lenin dies at Gorki                                biography
"""

GITHUB_PURGES = """\
| id                 | date                | title                                  | tags          |
|--------------------|---------------------|----------------------------------------|---------------|
| chistka            | 1932\u20131935           | Party purge (chistka) removes members  | party; purges |
| kirov-assassinated | 1 Dec 1934          | Sergei Kirov assassinated in Leningrad | purges; party |
| great-terror       | Dec 1936 \u2013 Nov 1938 | The Great Terror                       | purges        |
"""

TSV_ALL = """\
id\tdate\ttitle\ttags
october-revolution\t1917-11-07\tBolsheviks seize power in Petrograd\trevolution
lenin-enrolment\t1924/1925\tThe Lenin Enrolment brings workers into the party\tparty
lenin-dies\t1924-01-21\tLenin dies at Gorki\tbiography
collectivization-approx\t1930~\tCollectivization drive around 1930\tfamine
chistka\t1932/1935\tParty purge (chistka) removes members\tparty; purges
famine-1932\t1932-24\tFamine peaks in Ukraine\tfamine
kirov-assassinated\t1934-12-01\tSergei Kirov assassinated in Leningrad\tpurges; party
great-terror\t1936-12/1938-11\tThe Great Terror\tpurges
"""


def test_list_table_simple(run) -> None:
    result = run("list", "-f", "table", "--style", "simple", "--year", "1924")
    assert result.exit_code == 0
    assert result.stdout == SIMPLE_1924


def test_list_table_github(run) -> None:
    result = run("list", "-f", "table", "--fmt", "github", "--tag", "purges")
    assert result.stdout == GITHUB_PURGES


def test_list_tsv_is_the_default_when_not_a_terminal(run) -> None:
    result = run("list")
    assert result.exit_code == 0 and result.stdout == TSV_ALL and result.stderr == ""


def test_list_no_header_and_count(run) -> None:
    assert run("list", "--no-header", "-n", "1").stdout == TSV_ALL.splitlines(True)[1]
    assert run("list", "--count").stdout == "8\n"
    result = run("list", "--count", "--year", "1900")
    assert result.stdout == "0\n" and result.exit_code == 1


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--tag", "purges"], ["chistka", "kirov-assassinated", "great-terror"]),
        (["--tag", "purges", "--tag", "party"], ["chistka", "kirov-assassinated"]),
        (["-t", "PURGES"], ["chistka", "kirov-assassinated", "great-terror"]),
        (["--not-tag", "purges", "--not-tag", "famine"], ["october-revolution", "lenin-enrolment", "lenin-dies"]),
        (["--from", "1934"], ["chistka", "kirov-assassinated", "great-terror"]),
        (["--to", "1924-01"], ["october-revolution", "lenin-enrolment", "lenin-dies"]),
        (["--from", "1924-02", "--to", "1924-12"], ["lenin-enrolment"]),
        (["--from", "Dec 1934", "--to", "Dec 1934"], ["chistka", "kirov-assassinated"]),
        (["--from", "1930", "--to", "1936", "--within"], ["collectivization-approx", "chistka", "famine-1932",
                                                           "kirov-assassinated"]),
        (["--year", "1933"], ["chistka", "famine-1932"]),
        (["--year", "1930s"], ["collectivization-approx", "chistka", "famine-1932", "kirov-assassinated",
                               "great-terror"]),
        (["--around", "1934-12-01", "--window", "10d"], ["kirov-assassinated", "chistka"]),
        (["--around", "kirov-assassinated", "--window", "10d"], ["kirov-assassinated", "chistka"]),
        (["--around", "kirov", "--window", "3y"], ["kirov-assassinated", "chistka", "famine-1932", "great-terror"]),
        (["--around", "kirov", "--window", "3y", "--max-span", "1y"], ["kirov-assassinated", "famine-1932"]),
        (["--around", "kirov", "--window", "3y", "--sort", "date"], ["chistka", "famine-1932", "kirov-assassinated",
                                                                   "great-terror"]),
        (["--around", "kirov", "--window", "3y", "--reverse"], ["great-terror", "famine-1932", "chistka",
                                                              "kirov-assassinated"]),
        (["--around", "1917", "--window", "1y"], ["october-revolution"]),
        (["--max-span", "1y"], ["october-revolution", "lenin-dies", "collectivization-approx", "famine-1932",
                                "kirov-assassinated"]),
        (["--max-span", "2y"], ["october-revolution", "lenin-enrolment", "lenin-dies", "collectivization-approx",
                                "famine-1932", "kirov-assassinated", "great-terror"]),
        (["--max-span", "3m"], ["october-revolution", "lenin-dies", "famine-1932", "kirov-assassinated"]),
        (["--max-span", "89d"], ["october-revolution", "lenin-dies", "kirov-assassinated"]),
        (["--max-span", "90d"], ["october-revolution", "lenin-dies", "famine-1932", "kirov-assassinated"]),
        (["--around", "1924-01-21", "--window", "1m", "--within"], ["lenin-dies"]),
        (["--person", "lenin"], ["october-revolution", "lenin-dies"]),
        (["--person", "Vladimir Lenin"], ["october-revolution", "lenin-dies"]),
        (["--person", "ezhov"], ["great-terror"]),
        (["--person", "nikolayev"], ["kirov-assassinated"]),
        (["--person", "vladimir"], ["october-revolution", "lenin-dies"]),
        (["--person", "lenin dies"], []),
        (["--place", "leningrad"], ["kirov-assassinated"]),
        (["--sort", "title"], ["october-revolution", "collectivization-approx", "famine-1932", "lenin-dies",
                               "chistka", "kirov-assassinated", "great-terror", "lenin-enrolment"]),
        (["--sort", "id", "-n", "3"], ["chistka", "collectivization-approx", "famine-1932"]),
        (["--reverse", "-n", "2"], ["great-terror", "kirov-assassinated"]),
    ],
)
def test_list_filters(run, args: list[str], ids: list[str]) -> None:
    result = run("list", "-f", "ids", *args)
    assert result.stdout.split() == ids
    assert result.exit_code == (0 if ids else 1)


def test_unknown_tag_is_a_usage_error(run) -> None:
    result = run("list", "--tag", "purge")
    assert result.exit_code == 2
    assert result.stderr == "chrono: unknown tag 'purge'; did you mean 'purges'? (chrono tags lists the tags in use)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "12/1/34"], "two-digit years"),
        (["--from", "03/04/1930"], "ambiguous"),
        (["--to", "someday"], "not a date"),
        (["--from", "1935", "--to", "1934"], "--from 1935-01-01 is after --to 1934-12-31; swap them"),
        (["--around", "1934", "--window", "3 weeks"], "'3 weeks' is not a span of time"),
        (["--max-span", "long"], "'long' is not a span of time"),
        (["--around", "nosuch"], "--around 'nosuch' is neither a date nor an event id"),
        (["--around", "l"], "id prefix 'l' is ambiguous"),
        (["--sort", "colour"], "Invalid value for '--sort'"),
        (["-n", "-1"], "Invalid value for '-n'"),
        (["--style", "fancy"], "unknown table style 'fancy'"),
        (["-F", "id,colour"], "unknown field 'colour'"),
        (["-f", "xml"], "Invalid value for '-f'"),
    ],
)
def test_usage_errors(run, args: list[str], message: str) -> None:
    result = run("list", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_filter_needs_a_filter(run) -> None:
    result = run("filter")
    assert result.exit_code == 2 and "filter needs at least one filter" in result.stderr
    assert run("filter", "--tag", "famine", "-f", "ids").stdout.split() == ["collectivization-approx", "famine-1932"]
    assert run("filter", "--tag", "famine").stdout == run("list", "--tag", "famine").stdout


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        (["lenin"], ["lenin-dies", "lenin-enrolment", "october-revolution"]),
        (["lenin", "party"], ["lenin-enrolment"]),
        (["LENIN"], ["lenin-dies", "lenin-enrolment", "october-revolution"]),
        (['"party chief"'], ["kirov-assassinated"]),
        (["party", "-purges"], ["lenin-enrolment"]),
        (["tag:purges", "party"], ["chistka", "kirov-assassinated"]),
        (["person:nikolayev"], ["kirov-assassinated"]),
        (["place:ukraine"], ["famine-1932"]),
        (["len*"], ["kirov-assassinated", "lenin-dies", "lenin-enrolment", "october-revolution"]),
        (["holodomor"], ["famine-1932"]),
        (["ezhov"], ["great-terror"]),
        (["троцкий"], ["october-revolution"]),
        (["collectivisation"], ["collectivization-approx"]),
        (["kollectivisation"], []),
        (["AND", "OR"], ["great-terror", "october-revolution"]),
    ],
)
def test_search(run, query: list[str], ids: list[str]) -> None:
    result = run("search", *query, "-f", "ids")
    assert result.stdout.split() == ids
    assert result.exit_code == (0 if ids else 1)


def test_search_accents_are_ignored(run, tmp_path) -> None:
    doc = json.loads(MINI.read_text(encoding="utf-8"))
    doc["events"][0]["summary"] = "A gunman kills the Leningrad party chief at the Smólny."
    path = tmp_path / "accents.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert run("search", "smolny", "-f", "ids", data=path).stdout.split() == ["kirov-assassinated"]


def test_search_sort_by_date_and_filters(run) -> None:
    assert run("search", "lenin", "--sort", "date", "-f", "ids").stdout.split() == [
        "october-revolution", "lenin-enrolment", "lenin-dies"]
    assert run("search", "lenin", "--year", "1917", "-f", "ids").stdout.split() == ["october-revolution"]


def test_search_suggests_a_spelling(run) -> None:
    result = run("search", "trotzky")
    assert result.exit_code == 1
    assert result.stderr == "chrono: no events match 'trotzky'; did you mean 'trotsky'?\n"


def test_search_exclusion_only_and_bad_queries(run) -> None:
    assert run("search", "-lenin", "-purges", "-f", "ids").stdout.split() == [
        "collectivization-approx", "famine-1932"]
    for bad in ['"', "*", "-", "tag:", '""']:
        result = run("search", bad)
        assert result.exit_code == 2 and "no words to search for" in result.stderr, bad


def test_show(run) -> None:
    result = run("show", "kirov", "-f", "table")
    assert result.exit_code == 0
    assert result.stdout == (
        "kirov-assassinated\n"
        "  date       1 Dec 1934   (1934-12-01, day)\n"
        "  title      Sergei Kirov assassinated in Leningrad\n"
        "  summary    A gunman kills the Leningrad party chief at the Smolny.\n"
        "  tags       purges, party\n"
        "  people     Sergei Kirov, Leonid Nikolaev\n"
        "  places     Leningrad\n"
        "  aliases    Leonid Nikolayev\n"
        "  sources    A Book [book]: Service 2004, p. 314\n"
        "             A Paper [paper] (paper.txt)\n"
    )


def test_show_both_calendars(run) -> None:
    out = run("show", "october-revolution", "-f", "table").stdout
    assert "  date       25 Oct (7 Nov) 1917   (1917-11-07, day)\n" in out
    assert "  old style  25 Oct 1917 O.S.   (Julian 1917-10-25)\n" in out
    assert "  alt dates  8 Nov 1917 (1917-11-08) per paper: one day off\n" in out


def test_show_json_missing_and_ambiguous(run) -> None:
    result = run("show", "lenin-dies", "-f", "json")
    (record,) = json.loads(result.stdout)
    assert record["id"] == "lenin-dies" and record["precision"] == "day"
    missing = run("show", "lenin-dies", "stalin-dies")
    assert missing.exit_code == 1 and "no event with id 'stalin-dies'; did you mean 'lenin-dies'?" in missing.stderr
    assert "lenin-dies" in missing.stdout
    ambiguous = run("show", "lenin")
    assert ambiguous.exit_code == 2 and "ambiguous: lenin-dies, lenin-enrolment" in ambiguous.stderr


def test_json_output_fields(run) -> None:
    records = json.loads(run("list", "-f", "json", "--year", "1917").stdout)
    assert records[0]["date_os"] == "1917-10-25"
    assert (records[0]["earliest"], records[0]["latest"], records[0]["precision"]) == (
        "1917-11-07", "1917-11-07", "day")
    assert json.loads(run("list", "-f", "json", "--year", "1800").stdout) == []
    lines = run("list", "-f", "jsonl", "-F", "id,when").stdout.splitlines()
    assert json.loads(lines[0]) == {"id": "october-revolution", "when": "25 Oct (7 Nov) 1917"}
    open_end = json.loads(run("list", "-f", "json", "-F", "earliest,latest", "--tag", "famine").stdout)
    assert open_end[0] == {"earliest": "1930-01-01", "latest": "1930-12-31"}


def test_csv_output(run) -> None:
    out = run("list", "-f", "csv", "-F", "id,when,people,sources", "--tag", "revolution").stdout
    assert out == 'id,when,people,sources\noctober-revolution,25 Oct (7 Nov) 1917,Vladimir Lenin; Leon Trotsky,paper\n'


def test_calendar_option_on_tables(run) -> None:
    out = run("list", "-f", "table", "--calendar", "julian", "-n", "1").stdout
    assert "25 Oct 1917 O.S." in out
    out = run("list", "-f", "table", "--calendar", "gregorian", "-n", "1").stdout
    assert "7 Nov 1917" in out and "Oct" not in out


def test_on(run) -> None:
    assert run("on", "12-01", "-f", "ids").stdout.split() == ["kirov-assassinated"]
    assert run("on", "Dec 1", "-f", "ids").stdout.split() == ["kirov-assassinated"]
    assert run("on", "1 December", "-f", "ids").stdout.split() == ["kirov-assassinated"]
    assert run("on", "Oct 25", "--calendar", "julian", "-f", "ids").stdout.split() == ["october-revolution"]
    assert run("on", "Oct 25", "-f", "ids").exit_code == 1
    assert run("on", "11-07", "-f", "ids").stdout.split() == ["october-revolution"]
    bad = run("on", "Feb 30")
    assert bad.exit_code == 2 and "February has no day 30" in bad.stderr


def test_tags(run) -> None:
    out = run("tags").stdout
    assert out.splitlines()[:3] == ["tag\tcount\tdescription", "party\t3\tParty business",
                                    "purges\t3\tExpulsions and executions"]
    assert run("tags", "--year", "1924", "-f", "ids").stdout.split() == ["biography", "party"]
    people = run("tags", "--people", "-f", "csv").stdout.splitlines()
    assert people[0] == "person,count" and "Vladimir Lenin,2" in people
    places = run("tags", "--places", "-f", "json").stdout
    assert {"place": "Leningrad", "count": 1} in json.loads(places)
    assert run("tags", "--year", "1800").exit_code == 1


def test_overview(run) -> None:
    result = run()
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:4] == [
        "Mini chronology",
        "A small fixture for tests.",
        "8 events, 1917 to 1938",
        "Top tags: party (3), purges (3), famine (2), biography (1), revolution (1)",
    ]
    # Examples made from the file's own data: a word its titles share, its top tag, its first event.
    assert result.stdout.split("Try:\n")[1].splitlines()[:3] == [
        f"  chrono -d {MINI} search lenin", f"  chrono -d {MINI} list --tag party",
        f"  chrono -d {MINI} show kirov-assassinated"]


def test_version(run) -> None:
    from chrono import __version__

    assert run("--version").stdout == f"chrono {__version__}\n"


def test_validate(run, tmp_path) -> None:
    ok = run("validate", str(MINI), data=None)
    assert ok.exit_code == 0 and ok.stdout == f"{MINI}: 8 events ok\n"
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "a", "date": "1934-13-01", "title": "t", "summary": "s", "tags": ["x"], '
                   '"sources": ["s"]},\n {"id": "b"}]', encoding="utf-8")
    result = run("validate", str(bad), str(MINI), data=None)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"{bad}:1:14: event 'a': date '1934-13-01': month 13 is not 01-12"
    assert lines[1:3] == [f"{bad}:2:2: event 'b': missing required field \"date\"",
                          f"{bad}:2:2: event 'b': missing required field \"title\""]
    assert lines[-1].startswith("chrono: ") and "problems found" in lines[-1]


def test_validate_strict_and_verbose(run, tmp_path) -> None:
    sheet = tmp_path / "mine.csv"
    sheet.write_text("When,Headline\n1934-12-01,Kirov\n1 December 1934,Other\n", encoding="utf-8")
    lenient = run("validate", "-v", str(sheet), data=None)
    assert lenient.exit_code == 0, lenient.stderr
    assert lenient.stdout.splitlines() == [
        f"{sheet}:1:1: column 'When' read as date",
        f"{sheet}:1:2: column 'Headline' read as title",
        f"{sheet}:2:2: id kirov-1934 derived from the title and year",
        f"{sheet}:3:1: '1 December 1934' read as 1934-12-01",
        f"{sheet}:3:2: id other-1934 derived from the title and year",
        f"{sheet}: 2 events ok",
    ]
    strict = run("validate", "--strict", str(sheet), data=None)
    assert strict.exit_code == 2
    assert strict.stderr.splitlines() == [
        f'{sheet}:2:1: event #1: missing required field "id" (--strict wants explicit ids)',
        f'{sheet}:2:1: event #1: missing required field "summary"',
        f"{sheet}:2:1: event #1: no tags; give at least one declared tag (--strict)",
        f"{sheet}:2:1: event #1: no declared source; cite at least one (--strict)",
        f"{sheet}:3:1: event #2: date '1 December 1934' is not in the format; write it as 1934-12-01 (--strict wants "
        "EDTF dates)",
        f'{sheet}:3:1: event #2: missing required field "id" (--strict wants explicit ids)',
        f'{sheet}:3:1: event #2: missing required field "summary"',
        f"{sheet}:3:1: event #2: no tags; give at least one declared tag (--strict)",
        f"{sheet}:3:1: event #2: no declared source; cite at least one (--strict)",
        "chrono: 9 problems found",
    ]
    assert run("validate", "--strict", data=None).exit_code == 0


def test_around_an_event_puts_what_followed_first(run) -> None:
    result = run("list", "--around", "kirov-assassinated", "--window", "1m", "--max-span", "1y", "-F", "id,date",
                 data=None)
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    in_december = [i for i, (_, date) in enumerate(rows) if date.startswith("1934-12")]
    assert rows[0][0] == "kirov-assassinated"
    assert len(in_december) >= 3 and in_december == list(range(len(in_december)))
    assert all(not date.startswith("1934-12") for _, date in rows[len(in_december):])


def test_validate_duplicates_across_files(run, tmp_path) -> None:
    copy = tmp_path / "copy.json"
    copy.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("validate", str(MINI), str(copy), data=None)
    assert result.exit_code == 2
    assert f"duplicate id 'kirov-assassinated', also at {MINI}:" in result.stderr


def test_data_from_stdin_and_env(run, monkeypatch) -> None:
    text = MINI.read_text(encoding="utf-8")
    assert run("list", "--count", data="-", input=text).stdout == "8\n"
    monkeypatch.setenv("CHRONO_DATA", str(MINI))
    assert run("list", "--count", data=None).stdout == "8\n"


def test_merged_files(run, tmp_path) -> None:
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "x1", "date": "1953-03-05", "title": "Stalin dies", "summary": "s",
                                 "tags": ["biography"], "sources": ["own notes"]}) + "\n", encoding="utf-8")
    result = run("list", "-f", "ids", "--tag", "biography", data=[MINI, extra])
    assert result.stdout.split() == ["lenin-dies", "x1"]


def test_invalid_data_exit_2(run, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    result = run("list", data=bad)
    assert result.exit_code == 2 and result.stderr.startswith(f"{bad}:1:3: invalid JSON")
    missing = run("list", data=tmp_path / "missing.json")
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_dayfirst_and_monthfirst_together_are_a_usage_error(run, tmp_path) -> None:
    """Issue 20, case 9: not the last one silently winning."""
    data = tmp_path / "numeric.csv"
    data.write_text("date,title\n12/1/1934,Kirov\n", encoding="utf-8")
    result = run("--dayfirst", "--monthfirst", "list", "-f", "ids", data=data)
    assert result.exit_code == 2 and "give --dayfirst or --monthfirst, not both" in result.stderr
    assert run("--dayfirst", "list", "-F", "date", "--no-header", data=data).stdout == "1934-01-12\n"
    assert run("--monthfirst", "list", "-F", "date", "--no-header", data=data).stdout == "1934-12-01\n"

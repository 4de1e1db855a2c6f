"""`chrono between`: intervals with honest precision, the events in between, JSON for scripts.

Every expected text is worked out by hand from the bundled chronology's dates (given beside each case).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import chrono_cmd, subprocess_env


def chrono(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed chrono, in a subprocess, on the bundled chronology."""
    return subprocess.run([*chrono_cmd(), *args], capture_output=True, text=True, encoding="utf-8",
                          env=subprocess_env(), check=False)


@pytest.mark.parametrize(
    ("a", "b", "text"),
    [
        # day/day: 1924-01-21 -> 1934-12-01: +10 y = 1934-01-21, +10 m = 1934-11-21, +10 d = 1934-12-01.
        ("lenin-dies", "kirov-assassinated", "10 years 10 months 10 days"),
        ("kirov-assassinated", "lenin-dies", "10 years 10 months 10 days before"),
        # Old Style ends: Kirov born 15 Mar 1886 O.S. = 1886-03-27, the revolution 25 Oct 1917 O.S. = 1917-11-07:
        # 31 y to 1917-03-27, 7 m to 1917-10-27, 11 d to 1917-11-07 (counting the Julian days gives 10 d).
        ("kirov-born", "october-revolution", "31 years 7 months 11 days"),
        # Stalin born 6 Dec 1878 O.S. = 1878-12-18 -> 1924-01-21: 45 y, 1 m (1924-01-18), 3 d.
        ("stalin-born", "lenin-dies", "45 years 1 month 3 days"),
        # 1878-12-18 -> Trotsky born 26 Oct 1879 O.S. = 1879-11-07: 10 m to 1879-10-18, then 20 d.
        ("stalin-born", "trotsky-born", "10 months 20 days"),
        ("lenin-dies", "lenin-dies", "0 days"),
        # month/day: May 1937 - Jan 1924 = 160 months; Jan 1937 - Jan 1924 = 156 months.
        ("lenin-dies", "military-high-command-arrested", "about 13 years 4 months"),
        ("lenin-dies", "second-moscow-trial", "about 13 years"),
        # 1928-06~ -> 1934-12: 78 months; an approximate month is still counted in months.
        ("kamenev-zinoviev-readmitted", "kirov-assassinated", "about 6 years 6 months"),
        # an interval counts from its start: Dec 1936 - Jan 1924 = 155 months.
        ("lenin-dies", "great-terror", "about 12 years 11 months"),
        # year/year: 1928 -> 1932.
        ("shakhty-trial", "ryutin-platform", "about 4 years"),
        ("ryutin-platform", "shakhty-trial", "about 4 years before"),
        # decade/decade: 192X -> 193X; season (autumn 1920) -> day: counted in years.
        ("korenizatsiya", "open-criticism-of-stalin-ends", "about 10 years"),
        ("trade-union-debate", "lenin-dies", "about 4 years"),
        # typed dates, and ids mixed with dates.
        ("1924-01-21", "1 December 1934", "10 years 10 months 10 days"),
        ("lenin-dies", "1934-12-01", "10 years 10 months 10 days"),
        ("1930-01-01", "1931-02-02", "1 year 1 month 1 day"),
        ("1924", "1934", "about 10 years"),
        ("Dec 1934", "1934-12-15", "less than a month"),
        ("1934", "kirov-assassinated", "less than a year"),
        ("kirov-assas", "1935-01-01", "1 month"),
    ],
)
def test_interval_text(a: str, b: str, text: str) -> None:
    result = chrono("between", a, b, "-f", "json")
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout)["text"] == text


def test_the_issue_example_on_the_installed_cli() -> None:
    result = chrono("between", "lenin-dies", "kirov-assassinated", "-f", "table")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == (
        "10 years 10 months 10 days\n"
        "from  21 Jan 1924  lenin-dies          Lenin dies at Gorki after a final stroke\n"
        "to    1 Dec 1934   kirov-assassinated  Sergei Kirov shot dead at the Smolny in Leningrad\n"
    )
    result = chrono("between", "1924", "1934-12-01", "-f", "table")
    assert result.stdout == "about 10 years\nfrom  1924\nto    1 Dec 1934\n"


def test_json_for_scripts() -> None:
    result = chrono("between", "stalin-born", "great-terror", "-f", "json")
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout) == {
        "from": {"id": "stalin-born", "title": "Ioseb Jughashvili, the future Stalin, born in Gori, Georgia",
                 "date": "1878-12-18", "point": "1878-12-18", "precision": "day", "end": "date"},
        "to": {"id": "great-terror", "title": "The Great Terror, the height of Stalin's purges",
               "date": "1936-12/1938-11", "point": "1936-12-01", "precision": "month", "end": "start"},
        # Dec 1936 - Dec 1878 = 58 years exactly in months; 1878-12-18 to 1936-12-01 is 21167 days.
        "years": 58, "months": 0, "days": None, "total_days": 21167, "precision": "month", "approximate": True,
        "before": False, "text": "about 58 years",
    }
    before = json.loads(chrono("between", "kirov-assassinated", "lenin-dies", "-f", "jsonl").stdout)
    assert (before["years"], before["months"], before["days"], before["total_days"], before["before"]) == (
        -10, -10, -10, -3967, True)


def test_tsv_and_ids(run) -> None:
    result = run("between", "lenin-dies", "kirov-assassinated", data=None)
    assert result.stdout == ("from\tto\tyears\tmonths\tdays\ttotal_days\tprecision\ttext\n"
                             "lenin-dies\tkirov-assassinated\t10\t10\t10\t3967\tday\t10 years 10 months 10 days\n")
    assert run("between", "lenin-dies", "1934", "-f", "csv", data=None).stdout.splitlines()[1] == (
        "lenin-dies,1934,10,,,3633,year,about 10 years")
    assert run("between", "lenin-dies", "1934", "-f", "ids", data=None).stdout == "lenin-dies\n"


def _strictly_between(records: list[dict], low_latest: str, high_earliest: str) -> list[str]:
    return [e["id"] for e in records if e["earliest"] and e["latest"]
            and e["earliest"] > low_latest and e["latest"] < high_earliest]


@pytest.mark.parametrize(
    ("a", "b", "low_latest", "high_earliest"),
    [
        ("lenin-dies", "kirov-assassinated", "1924-01-21", "1934-12-01"),
        ("kirov-assassinated", "lenin-dies", "1924-01-21", "1934-12-01"),
        # an interval is over on its last day; a year is over on 31 December.
        ("great-terror", "1941", "1938-11-30", "1941-01-01"),
        ("1917", "stalin-general-secretary", "1917-12-31", "1922-04-03"),
    ],
)
def test_list_is_the_events_strictly_between(a: str, b: str, low_latest: str, high_earliest: str) -> None:
    everything = json.loads(chrono("list", "-f", "json").stdout)
    expected = _strictly_between(everything, low_latest, high_earliest)
    assert expected
    result = chrono("between", a, b, "--list", "-f", "json")
    assert result.returncode == 0 and result.stderr == ""
    assert [e["id"] for e in json.loads(result.stdout)] == expected
    assert chrono("between", a, b, "--count").stdout == f"{len(expected)}\n"


def test_list_takes_the_filters_and_output_options(run) -> None:
    everything = json.loads(run("list", "--tag", "purges", "-f", "json", data=None).stdout)
    expected = _strictly_between(everything, "1924-01-21", "1934-12-01")
    result = run("between", "lenin-dies", "kirov-assassinated", "--list", "--tag", "purges", "-f", "ids", data=None)
    assert result.stdout.split() == expected
    w = max(len(expected[0]), len(expected[1]))
    table = run("between", "lenin-dies", "kirov-assassinated", "--list", "--tag", "purges", "-n", "2", "-f", "table",
                "-F", "id,date", data=None).stdout
    assert table == (
        "10 years 10 months 10 days\n"
        "from  21 Jan 1924  lenin-dies          Lenin dies at Gorki after a final stroke\n"
        "to    1 Dec 1934   kirov-assassinated  Sergei Kirov shot dead at the Smolny in Leningrad\n\n"
        f"{'id':<{w}}  date\n{'-' * w}  -----------\n"
        f"{expected[0]:<{w}}  14 Nov 1927\n{expected[1]:<{w}}  Dec 1927\n"
    )


def test_nothing_between_is_exit_1(run) -> None:
    result = run("between", "kirov-assassinated", "law-on-terrorist-acts", "--list", "-f", "json", data=None)
    assert result.exit_code == 1 and result.stdout == "[]\n"
    result = run("between", "1934-12-01", "1934-12-02", "--count", data=None)
    assert result.exit_code == 1 and result.stdout == "0\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["lenin-dies", "no-such-event"], 1, "chrono: no event with id 'no-such-event', and it is not a date either"),
        (["lenin-dise", "1934"], 1, "chrono: no event with id 'lenin-dise'; did you mean 'lenin-dies'?"),
        (["kirov", "1934"], 2, "chrono: id prefix 'kirov' is ambiguous: kirov-assassinated, kirov-born"),
        (["lenin-dies", "1934", "--tag", "purges"], 2, "the filters choose the events listed; add --list"),
        (["lenin-dies", "1934", "--list", "--from", "1930"], 2, "leave out --from, --to, --year and --around"),
    ],
)
def test_errors(run, args: list[str], code: int, message: str) -> None:
    result = run("between", *args, data=None)
    assert result.exit_code == code and result.stdout == "" and message in result.stderr


def test_measure_counts_from_the_first_day_of_each_end() -> None:
    from chrono.dates.between import End, measure
    from chrono.dates.edtf import parse_edtf

    def end(edtf: str) -> End:
        span = parse_edtf(edtf)
        return End(edtf, None, edtf, span, span.start or span.end, "date" if not span.is_interval else "start")

    assert measure(end("1930-01-31"), end("1930-03-01")).text == "1 month 1 day"
    assert measure(end("1930-01-31"), end("1930-03-01")).total_days == 29
    assert measure(end("1930-02-28~"), end("1931-02-28")).text == "about 1 year"
    assert measure(end("1930?"), end("1931-05")).text == "about 1 year"
    assert measure(end("1930-21"), end("1930-24")).text == "less than a year"
    assert measure(end("1930-12"), end("1930-01")).text == "about 11 months before"

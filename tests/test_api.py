"""The Python API: chrono.open(...) gives a Chronology to list, search, look up, measure and export, without click."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import chrono
from conftest import MINI, write


@pytest.fixture
def mini() -> chrono.Chronology:
    return chrono.open(MINI)


def test_open_without_a_path_is_the_bundled_chronology() -> None:
    c = chrono.open()
    assert c.title == "Stalin's rise and rule: a sourced chronology" and len(c) > 280
    assert c.get("kirov-assassinated") is not None


def test_list_with_filters_named_like_the_options(mini: chrono.Chronology) -> None:
    assert [e.id for e in mini.list(tag="purges")] == [e.id for e in mini if "purges" in e.tags]
    assert [e.id for e in mini.list(start="1934-12", end="1935", within=True)] == ["kirov-assassinated"]
    assert [e.id for e in mini.list(year=1932, sort="title")] == [e.id for e in mini.list(year="1932", sort="title")]
    assert mini.count(tag=["purges", "party"]) == len(mini.list(tag=("purges", "party")))
    assert [e.id for e in mini.list(limit=2, reverse=True)] == [e.id for e in list(mini)[::-1][:2]]


@pytest.mark.parametrize(
    ("where", "message"),
    [({"colour": "red"}, "unknown filter 'colour'"), ({"start": "tomorrow"}, "start: 'tomorrow' is not a date"),
     ({"sort": "size"}, "sort 'size' is not one of"), ({"limit": -1}, "limit -1 is not a number"),
     ({"certainty": "maybe"}, "certainty 'maybe' is not one of"), ({"tag": "nope"}, "unknown tag 'nope'")],
)
def test_bad_filters_are_usage_errors(mini: chrono.Chronology, where: dict[str, object], message: str) -> None:
    with pytest.raises(chrono.UsageError, match=message) as info:
        mini.list(**where)  # type: ignore[arg-type]
    assert info.value.exit_code == 2


def test_events_have_typed_fields(mini: chrono.Chronology) -> None:
    event = mini.get("kirov")  # a unique prefix
    assert event is not None and event.id == "kirov-assassinated"
    assert (event.date, event.earliest, event.latest, event.precision) == ("1934-12-01", "1934-12-01", "1934-12-01",
                                                                           "day")
    assert isinstance(event.tags, tuple) and isinstance(event.sources, tuple) and isinstance(event.extra, dict)
    assert mini.get("no-such-event") is None


def test_between_and_exports_and_citations(mini: chrono.Chronology) -> None:
    assert mini.between("lenin-dies", "kirov-assassinated").text == "10 years 10 months 10 days"
    out = io.StringIO()
    assert mini.export("jsonl", out, tag="purges") == mini.count(tag="purges")
    assert all(json.loads(line)["id"] for line in out.getvalue().splitlines())
    assert "@" in mini.cite("kirov-assassinated", style="bibtex") or mini.cite("kirov-assassinated")
    with pytest.raises(chrono.NoMatch):
        mini.cite("nothing-like-it")
    with pytest.raises(chrono.UsageError):
        mini.export("pdf", io.StringIO())


def test_reading_options_are_the_clis(tmp_path: Path) -> None:
    path = write(tmp_path, "de.csv", "Jahr,Ereignis\n1/12/1934,Kirov\n")
    c = chrono.open(path, mapping={"date": "Jahr", "title": "Ereignis"}, dayfirst=True, cache=False)
    assert [(e.date, e.title) for e in c] == [("1934-12-01", "Kirov")]
    with pytest.raises(chrono.DataError) as info:
        chrono.open(path)
    assert info.value.problems[0].startswith(f"{path}:1:1: no date column")
    with pytest.raises(chrono.UsageError, match="not both"):
        chrono.open(path, dayfirst=True, monthfirst=True)


def test_using_the_api_never_imports_click(tmp_path: Path) -> None:
    code = textwrap.dedent(f"""
        import sys, io, chrono
        c = chrono.open({str(MINI)!r})
        c.list(tag="purges"); c.get("kirov-assassinated"); c.between("lenin-dies", "kirov-assassinated")
        c.export("html", io.StringIO()); c.cite("kirov-assassinated")
        assert "click" not in sys.modules, [m for m in sys.modules if m.startswith("click")]
    """)
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_chrono_costs_nothing() -> None:
    code = "import sys, chrono; assert not [m for m in sys.modules if m.startswith('chrono.')], sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_script_using_the_api_passes_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    script = write(tmp_path, "script.py", textwrap.dedent("""
        from __future__ import annotations

        import chrono

        c: chrono.Chronology = chrono.open("mine.csv", dayfirst=True)
        titles: list[str] = [e.title for e in c.list(tag="purges", year=1937, limit=5)]
        first: chrono.Event | None = c.get("kirov-assassinated")
        years: int | None = c.between("lenin-dies", "kirov-assassinated").years
    """))
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", script],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    bad = write(tmp_path, "bad.py", 'import chrono\nchrono.open().list(tag=5)\n')
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", bad],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "tag" in result.stdout, "a wrong filter type is caught by mypy"

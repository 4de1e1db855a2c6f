"""Real chronologies that nobody here wrote (tests/data/real, origins in SOURCES.md): every command and export
works on each file as it is, and the exports chrono reads back give the same events."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import DATA

REAL = DATA / "real"
FILES = re.findall(r"^## (\S+)$", (REAL / "SOURCES.md").read_text(encoding="utf-8"), re.M)
COMMANDS = [
    [], ["list"], ["list", "-f", "table"], ["list", "-f", "json"], ["list", "-f", "jsonl"], ["list", "-f", "csv"],
    ["list", "-f", "ids"], ["list", "-F", "id,when,title,summary,extra,sources,earliest,latest,precision"],
    ["list", "--reverse", "-n", "9223372036854775808"], ["list", "--sort", "title"], ["filter", "--max-span", "10y"],
    ["on", "12-01"], ["tags"], ["tags", "--people"], ["tags", "--places"], ["sources"], ["sources", "--works"],
    ["timeline"], ["timeline", "--by", "decade"], ["timeline", "--by", "century", "-f", "table"],
    ["timeline", "--by", "month", "-f", "csv"], ["validate"], ["validate", "--strict"], ["cache", "info"],
]
EXPORTS = ["ics", "timelinejs", "html", "csv", "json", "jsonl", "markdown"]
COMPARED = ("id", "date", "title", "summary", "tags")


def test_the_corpus_is_listed() -> None:
    assert len(FILES) >= 6
    data = [p.name for p in REAL.iterdir() if p.suffix in (".json", ".csv", ".tsv", ".jsonl") and p.stem != "relevance"]
    assert sorted(FILES) == sorted(data)


def _ok(result, args: list[str]) -> None:  # noqa: ANN001 - a click Result
    assert result.exit_code in (0, 1) or args[:1] == ["validate"] and result.exit_code == 2, (args, result.stderr)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)


@pytest.mark.parametrize("name", FILES)
def test_every_command_works_on_the_file_as_it_is(run, name: str) -> None:
    path = REAL / name
    assert run("validate", data=path).exit_code == 0
    for args in COMMANDS:
        _ok(run(*args, data=path), args)
    events = [json.loads(line) for line in run("list", "-f", "jsonl", data=path).stdout.split("\n") if line]
    assert events, "the file loads and has events"
    first, last = events[0], events[-1]
    word = re.findall(r"[^\W\d_]{4,}", first["title"])
    for args in (["search", word[0] if word else first["id"]], ["show", first["id"], last["id"]],
                 ["show", first["id"], "-f", "table"], ["between", first["id"], last["id"]],
                 ["between", first["id"], last["id"], "--list", "-f", "json"], ["cite", first["id"]],
                 ["cite", first["id"], "--style", "bibtex"], ["cite", first["id"], "--style", "csl-json"],
                 ["list", "--around", first["id"], "--window", "10y"],
                 ["list", "--year", (first["earliest"] or first["latest"]).rsplit("-", 2)[0]]):
        _ok(run(*args, data=path), args)


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("fmt", EXPORTS)
def test_every_export_works_on_the_file_as_it_is(run, tmp_path: Path, name: str, fmt: str) -> None:
    result = run("export", "--to", fmt, data=REAL / name)
    _ok(result, ["export", fmt])
    assert result.stdout
    if fmt in ("json", "timelinejs"):
        json.loads(result.stdout)
    if fmt == "ics":
        from icalendar import Calendar

        Calendar.from_ical(result.stdout)
    target = tmp_path / "out.sqlite"
    assert run("export", "--to", "sqlite", "-o", str(target), data=REAL / name).exit_code == 0


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "timelinejs"])
def test_exports_read_back_give_the_same_events(run, tmp_path: Path, name: str, fmt: str) -> None:
    out = tmp_path / f"again.{'json' if fmt == 'timelinejs' else fmt}"
    assert run("export", "--to", fmt, "-o", str(out), data=REAL / name).exit_code == 0
    before = [json.loads(line) for line in run("list", "-f", "jsonl", data=REAL / name).stdout.split("\n") if line]
    after = [json.loads(line) for line in run("list", "-f", "jsonl", data=out).stdout.split("\n") if line]
    fields = COMPARED if fmt == "csv" else tuple(before[0])
    assert [[e.get(f) for f in fields] for e in after] == [[e.get(f) for f in fields] for e in before]

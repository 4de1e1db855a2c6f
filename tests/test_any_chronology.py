"""Any chronology that loads works with every command and every export (a property, over generated files).

Chronologies are generated with any subset of the optional fields, empty lists, no tags, text with line
breaks, markup, quotes and control characters, sources with any JSON beside their fields, extra fields,
and dates over the whole range (deep time, BC, AD 1 to 9999, seasons, decades, qualifiers, intervals).
Nothing may end in an internal error, and each export chrono reads back gives the same events.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.dates.edtf import DateError, parse_edtf
from conftest import examples
from strategies import edtf_points

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
HOSTILE = st.sampled_from([
    "<img src=x onerror=alert(1)>", "a | b", "line one\nline two", "tab\tand\r\nCRLF", "\x1b]0;title\x07",
    "\u202eevil", "=HYPERLINK(\"x\")", "quote \" and ' and `", "*bold* _it_ [link](x) # head", "\x00nul", "",
])
WORDS = st.one_of(HOSTILE, TEXT)
# A name in a list (a tag, a person, a place): no ';' (which separates list items in CSV) and no spaces around it
# (CSV list items are read trimmed: '1917; 1918').
NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters=";"),
               min_size=1, max_size=12).filter(lambda s: s.strip() == s and s != "")
SCALAR = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
JSONISH = st.recursive(SCALAR | TEXT,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                       max_leaves=6)


def points(deep: bool = True) -> st.SearchStrategy[str]:
    """A date of any kind in years 9999 BC to AD 9999 (and, with deep, a year of deep time)."""
    dated = edtf_points(st.integers(-9999, 9999), ("year", "month", "day", "season", "decade"))
    return st.one_of(dated, st.integers(10_000, 10**11).map(lambda y: f"Y-{y}")) if deep else dated


@st.composite
def dates(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["point", "point", "interval", "from", "until", "human"]))
    if shape == "point":
        return draw(points())
    if shape == "from":
        return f"{draw(points())}/.."
    if shape == "until":
        return f"../{draw(points())}"
    if shape == "human":
        return draw(st.sampled_from(["530 BC", "c. 2500 BC", "AD 43", "3rd century BC", "1st century", "61",
                                    "55 BC\u201354 BC", "4 million years ago", "1618-05-23T00:00:00Z", "Dec 1934",
                                    "before 400 BC", "530s BC", "25 Oct (7 Nov) 1917"]))
    a, b = draw(points(deep=False)), draw(points(deep=False))
    try:
        parse_edtf(f"{a}/{b}")
    except DateError:
        a, b = b, a
    return f"{a}/{b}"


@st.composite
def events(draw: st.DrawFn, index: int) -> dict[str, Any]:
    event: dict[str, Any] = {"date": draw(dates()), "title": draw(NAME) + draw(WORDS)}
    if draw(st.booleans()):
        event["id"] = f"e{index}"
    optional = {
        "summary": WORDS, "tags": st.lists(NAME, max_size=3), "people": st.lists(NAME, max_size=2),
        "places": st.lists(NAME, max_size=2), "aliases": st.lists(NAME, max_size=2), "note": WORDS,
        "certainty": st.sampled_from(["disputed", "uncertain"]),
        "sources": st.lists(st.one_of(
            st.fixed_dictionaries({"source": st.sampled_from(["seed", "other"])}, optional={"cite": WORDS}),
            st.fixed_dictionaries({"title": NAME}, optional={"tier": JSONISH, "url": st.just("https://x.org/a")}),
        ), max_size=2),
        "extra": st.dictionaries(NAME, JSONISH, max_size=2),
    }
    for field, strategy in optional.items():
        if draw(st.booleans()):
            event[field] = draw(strategy)
    return event


@st.composite
def chronologies(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 5))
    doc: dict[str, Any] = {"events": [draw(events(i)) for i in range(n)]}
    if draw(st.booleans()):
        doc["chronology"] = {"title": draw(WORDS), "description": draw(WORDS)}
    return doc


COMMANDS = [
    [], ["list", "-f", "table"], ["list", "-f", "json"], ["list", "-f", "csv"], ["list", "-f", "tsv"],
    ["list", "-F", "id,when,date_os,summary,tags,sources,note,extra,alt_dates,earliest,latest,precision", "-f", "table",
     "--style", "github"], ["list", "--sort", "title", "--reverse", "-n", "99999999999999999999"],
    ["on", "12-01"], ["tags"], ["tags", "--people", "-f", "json"], ["sources"], ["sources", "--works"], ["timeline"],
    ["timeline", "--by", "century", "-f", "table"], ["filter", "--max-span", "1y"], ["filter", "--from", "500 BC"],
    ["export", "--to", "ics"], ["export", "--to", "html"], ["export", "--to", "markdown"],
]


def _ok(result: Any, args: list[str]) -> None:
    assert result.exit_code in (0, 1), (args, result.stderr)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)


def _records(run: Any, path: Path) -> list[dict[str, Any]]:
    result = run("list", "-f", "jsonl", data=path)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.split("\n") if line]


@settings(max_examples=examples(120), suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                              HealthCheck.too_slow, HealthCheck.data_too_large])
@given(chronologies())
def test_every_command_and_export_on_any_chronology(run, tmp_path: Path, doc: dict[str, Any]) -> None:
    path = tmp_path / "any.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    loaded = run("validate", str(path))
    assert loaded.exit_code == 0, loaded.stderr
    records = _records(run, path)
    ids = [r["id"] for r in records]
    for args in [*COMMANDS, ["show", *ids], ["show", *ids, "-f", "table"], ["cite", *ids, "--style", "bibtex"],
                 ["between", ids[0], ids[-1], "--list"], ["list", "--around", ids[0]],
                 ["search", records[0]["title"].split()[0] if records[0]["title"].split() else "x"]]:
        result = run(*args, data=path)
        if args[:1] != ["search"] or result.exit_code != 2:  # a title word may be no query (e.g. only punctuation)
            _ok(result, args)
    for fmt, suffix in (("csv", "csv"), ("jsonl", "jsonl"), ("json", "json"), ("timelinejs", "json")):
        out = tmp_path / f"again-{fmt}.{suffix}"
        result = run("export", "--to", fmt, "-o", str(out), data=path)
        _ok(result, ["export", fmt])
        again = _records(run, out)
        fields = ("id", "date", "title", "summary", "tags") if fmt == "csv" else tuple(records[0])
        assert [[r.get(f) for f in fields] for r in again] == [[r.get(f) for f in fields] for r in records], fmt

"""Bad input never crashes or misleads: the corpus in tests/data/bad, hostile text, any bytes, any query."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.errors import DataError
from chrono.read.load import scan
from chrono.store.cache import build_in_memory
from chrono.store.query import Filters
from conftest import DATA, MINI, chrono_cmd, examples, subprocess_env

BAD = DATA / "bad"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
HOSTILE = DATA / "hostile.json"


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("command", [["list"], ["validate"], ["validate", "--strict"]])
def test_bad_input_corpus(run, name: str, command: list[str]) -> None:
    case = EXPECTED[name]
    if "--strict" in command:
        case = case.get("strict", case)
    path = BAD / name
    result = run(*command, data=path)
    assert result.exit_code == case["exit"], result.stderr
    assert "Traceback" not in result.stderr
    if case["message"]:
        first = result.stderr.splitlines()[0]
        assert re.search(case["message"].replace("{file}", re.escape(str(path))), first), first
    else:
        assert result.stderr == ""


def test_corpus_covers_the_cases_of_the_issue() -> None:
    names = set(EXPECTED)
    for needed in ("empty.json", "truncated.json", "bom.json", "nan.json", "infinity.json", "duplicate-key.json",
                   "duplicate-id.json", "huge-number.json", "deep.json", "invalid-utf8.json", "lone-surrogate.json",
                   "scalar.json", "ragged.csv", "unterminated.csv", "long-field.csv", "bad-line.jsonl",
                   "undeclared-tag.json", "undeclared-source.json", "date-month13.json", "date-feb30.json"):
        assert needed in names
    fields = ("id", "date", "title", "summary", "tags", "people", "places", "aliases", "sources", "date_os",
              "certainty", "note", "alt_dates")
    assert all(f"type-{f}.json" in names for f in fields)
    assert all(f"missing-{f}.json" in names for f in ("id", "date", "title", "summary", "tags", "sources"))


def test_empty_stdin(run) -> None:
    result = run("list", data="-", input="")
    assert result.exit_code == 2
    assert result.stderr == ('<stdin>:1:1: empty input; a chronology is a JSON object with "events" or an array '
                             'of events\n')


def test_directory_missing_and_unreadable(run, tmp_path, monkeypatch) -> None:
    for path, message in ((tmp_path, "is a directory"), (tmp_path / "none.json", "no such file")):
        result = run("list", data=path)
        assert result.exit_code == 2 and result.stderr.startswith(f"{path}: {message}")
    locked = tmp_path / "locked.json"
    locked.write_text("[]", encoding="utf-8")
    real_open = open

    def refuse(file, *args, **kwargs):
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    result = run("list", data=locked)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{locked}: permission denied; make the file readable")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv to drop to nobody")
def test_unreadable_file_for_real(tmp_path) -> None:
    locked = tmp_path / "locked.json"
    locked.write_text("[]", encoding="utf-8")
    os.chmod(locked, 0)
    os.chmod(tmp_path, 0o755)
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    env = subprocess_env(CHRONO_CACHE_DIR=str(tmp_path / "cache"), HOME=str(tmp_path))
    probe = subprocess.run([*as_nobody, *chrono_cmd(), "--version"], capture_output=True, env=env, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"this Python cannot run as an unprivileged user: {probe.stderr[-200:]!r}")
    cmd = [*as_nobody, *chrono_cmd(), "-d", str(locked), "list"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(f"{locked}: permission denied")


# Hostile text ------------------------------------------------------------------------------------

ESC_TITLE = "Red \x1b[31malert\x1b[0m\x07 and \u202eevil\u202c\rover \x9b2J"


def test_tables_and_show_escape_control_characters(run) -> None:
    table = run("list", "-f", "table", data=HOSTILE).stdout
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table and "\r" not in table
    assert "\x9b" not in table
    assert "\\x1b[31malert" in table and "\\u202e" in table and "\\x07" in table
    show = run("show", "hostile", "-f", "table", data=HOSTILE).stdout
    assert "\x1b" not in show and "\u202e" not in show and "\\x1b[31m" in show


@pytest.mark.parametrize("style", ["github", "pipe"])
def test_markdown_tables_escape_pipes_and_html(run, tmp_path, style: str) -> None:
    """Issue 20, case 9: a | in the data is not an extra column, raw HTML is not live when the Markdown is rendered
    (as `export --to markdown` writes them)."""
    data = tmp_path / "md.json"
    data.write_text(json.dumps([{"date": "1934", "title": "A | B <img src=x onerror=alert(1)>", "tags": ["x"]}]),
                    encoding="utf-8")
    table = run("list", "-f", "table", "--style", style, "-F", "date,title", data=data).stdout.splitlines()
    assert table[2] == "| 1934   | A \\| B \\<img src=x onerror=alert(1)\\> |"
    assert all(line.count("|") - line.count("\\|") == 3 for line in table)


def test_tsv_keeps_each_event_on_one_line(run) -> None:
    out = run("list", "-f", "tsv", "-F", "id,title,summary", data=HOSTILE).stdout
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[1].count("\t") == 2
    assert "\\t" in lines[1] and "\\n" in lines[1] and "\\x1b" in lines[1]


def test_json_round_trips_every_string(run) -> None:
    records = json.loads(run("list", "-f", "json", data=HOSTILE).stdout)
    original = {e["id"]: e for e in json.loads(HOSTILE.read_text(encoding="utf-8"))["events"]}
    for r in records:
        for key in ("title", "summary", "people", "places"):
            if key in original[r["id"]]:
                assert r[key] == original[r["id"]][key]


def test_error_messages_escape_hostile_text(run, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "x", "date": "19\x1b[2J34", "title": "t", "summary": "s", "tags": ["a"],
                                "sources": ["s"]}]), encoding="utf-8")
    result = run("validate", str(bad), data=None)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\\x1b[2J" in result.stderr


# Any bytes, any query ------------------------------------------------------------------------------


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from([".json", ".jsonl", ".csv", ".txt"]))
def test_any_bytes_give_a_clean_error_or_a_chronology(tmp_path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    result = scan([str(path)])
    assert isinstance(result.problems, list)
    try:
        index = build_in_memory([str(path)])
    except DataError as exc:
        assert exc.problems and all(isinstance(p, str) for p in exc.problems)
    else:
        assert index.count(Filters()) == result.count


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.sampled_from(["id", "date", "title", "summary", "tags", "sources", "people",
                                                 "date_os", "certainty", "alt_dates", "x"]), json_values, max_size=8),
                max_size=4))
def test_any_json_records_give_a_clean_error_or_a_chronology(tmp_path, records: list) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    try:
        build_in_memory([str(path)])
    except DataError as exc:
        assert all(p.startswith(str(path)) for p in exc.problems)


@settings(max_examples=examples(400), deadline=None)
@given(st.text(max_size=40))
def test_any_search_text_gives_results_nothing_or_a_usage_error(text: str) -> None:
    from click.testing import CliRunner

    from chrono.cli import cli

    result = CliRunner().invoke(cli, ["-d", str(MINI), "search", "--", text], catch_exceptions=False)
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "OR NOT", "NEAR(a b)", "a:b", "{title}:x", "*", "^kirov",
                                   "kir*ov", "(", ")", "'", "\\", "-", "--", '""', "tag:", "person:\"\"", "\x00"])
def test_fts_syntax_never_leaks(run, query: str) -> None:
    result = run("search", "--", query)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert result.stderr.startswith("chrono: ")


# Stream behaviour that needs a terminal ---------------------------------------------------------------


def _run_in_pty(args: list[str], env: dict[str, str]) -> bytes:
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([*chrono_cmd(), *args], stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks)


def test_colour_on_a_terminal_and_never_with_no_color() -> None:
    args = ["-d", str(MINI), "list"]
    coloured = _run_in_pty(args, subprocess_env(TERM="xterm"))
    assert b"\x1b[1m" in coloured
    plain = _run_in_pty(args, subprocess_env(TERM="xterm", NO_COLOR="1"))
    assert b"\x1b[" not in plain
    assert b"october-revolution" in plain


# What a terminal acts on: C0 and C1 controls (but tabs and the pty's line ends), DEL, bidi and other invisible marks.
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e"
                             "\u2060-\u2069\ufeff]")


@pytest.mark.parametrize("args", [["list", "-f", "csv"], ["list", "-f", "csv", "--raw", "-F", "id,title,summary"],
                                  ["list", "-f", "json"], ["list", "-f", "jsonl"], ["list", "-f", "tsv", "-F",
                                  "id,title,places"], ["tags", "--people", "-f", "csv"],
                                  ["tags", "--places", "-f", "json"], ["sources", "-f", "csv"],
                                  ["export", "--to", "csv"], ["export", "--to", "json"], ["export", "--to", "jsonl"],
                                  ["export", "--to", "timelinejs"], ["export", "--to", "markdown"]])
def test_csv_json_and_tsv_on_a_terminal_escape_what_would_drive_it(args: list[str]) -> None:
    """Issue 20, case 7: as the table does; JSON stays the same JSON (escaped as \\u), to a pipe all stay exact."""
    env = subprocess_env(TERM="xterm", NO_COLOR="1")
    shown = _run_in_pty(["-d", str(HOSTILE), *args], env).decode("utf-8")
    assert not TERMINAL_UNSAFE.search(shown), TERMINAL_UNSAFE.findall(shown)
    piped = subprocess.run([*chrono_cmd(), "-d", str(HOSTILE), *args], capture_output=True, env=env, timeout=60)
    if "json" in args or "timelinejs" in args:
        assert json.loads(shown) == json.loads(piped.stdout)
    elif "csv" in args and "sources" not in args:
        assert "\\x1b" in shown and b"\x1b" in piped.stdout, "to a pipe, CSV is exact"


def test_fuzz_script_runs_briefly(tmp_path) -> None:
    script = Path(__file__).resolve().parent.parent / "bench" / "fuzz.py"
    result = subprocess.run([sys.executable, str(script), "--seconds", "3", "--no-atheris"], capture_output=True,
                            text=True, timeout=120, env=subprocess_env(CHRONO_CACHE_DIR=str(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "inputs" in result.stdout



@pytest.mark.parametrize("name", ["COLUMNS", "SOURCE_DATE_EPOCH", "CHRONO_CACHE_MIN_BYTES"])
def test_numeric_settings_that_are_not_ascii_numbers_are_ignored(run, monkeypatch, name: str) -> None:
    monkeypatch.setenv(name, "²")
    command = ["export", "--to", "ics", "-n", "1"] if name == "SOURCE_DATE_EPOCH" else ["list", "-f", "table"]
    result = run(*command)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""

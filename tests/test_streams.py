"""chrono as a real process: pipes, closed pipes, full devices, signals, encodings, colour and exit codes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from conftest import MINI, chrono_cmd, subprocess_env

FORMATS = ["table", "json", "jsonl", "csv", "tsv", "ids"]


def chrono(*args: str, env: dict[str, str] | None = None, input: bytes | None = None,
           data: object = MINI) -> subprocess.CompletedProcess[bytes]:
    argv = [*chrono_cmd(), *(["-d", str(data)] if data else []), *args]
    return subprocess.run(argv, capture_output=True, env=env or subprocess_env(), input=input, timeout=60)


def test_piped_default_format_is_tsv() -> None:
    result = chrono("list", "-n", "1")
    assert result.returncode == 0
    assert result.stdout.decode().splitlines()[0] == "id\tdate\ttitle\ttags"
    assert result.stderr == b""


def test_exit_codes() -> None:
    assert chrono("search", "kirov").returncode == 0
    assert chrono("search", "nothinglikethis").returncode == 1
    assert chrono("show", "no-such-event").returncode == 1
    assert chrono("list", "--from", "12/1/34").returncode == 2
    assert chrono("list", data="/nonexistent/file.json").returncode == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_closed_pipe_ends_quietly(tmp_path, fmt: str) -> None:
    # Enough output to fill the pipe many times over, read by a reader that stops after one line.
    big = tmp_path / "big.jsonl"
    with open(big, "w", encoding="utf-8") as f:
        for i in range(20000):
            f.write(json.dumps({"id": f"e{i}", "date": "1934", "title": f"Event {i}", "summary": "x " * 40,
                                "tags": ["t"], "sources": ["s"]}) + "\n")
    cmd = " ".join([*chrono_cmd(), "-d", str(big), "list", "-f", fmt, "|", "head", "-1"])
    result = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True,
                            env=subprocess_env(), timeout=120)
    assert result.stderr == b"", result.stderr
    assert len(result.stdout.splitlines()) == 1
    # 141 = 128 + SIGPIPE: the writer ended the way every Unix filter does when its reader goes away.
    assert result.returncode in (0, 141)


def test_full_device_is_one_clear_error() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([*chrono_cmd(), "-d", str(MINI), "list"], stdout=full, stderr=subprocess.PIPE,
                                env=subprocess_env(), timeout=60)
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert lines == ["chrono: cannot write output: No space left on device"]


@pytest.mark.parametrize(("redirect", "why"), [(">&-", "standard output is closed"),
                                               ("1</dev/null", "Bad file descriptor")])
def test_closed_or_invalid_stdout_is_one_clear_error(redirect: str, why: str) -> None:
    """Like a full disk: exit 2 and one line, no traceback (issue 20, case 6)."""
    cmd = " ".join([*chrono_cmd(), "-d", str(MINI)])
    result = subprocess.run(["bash", "-c", f"{cmd} list {redirect}"], capture_output=True, env=subprocess_env(),
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [f"chrono: cannot write output: {why}"]
    silent = subprocess.run(["bash", "-c", f"{cmd} list {redirect} 2>&-"], capture_output=True, env=subprocess_env(),
                            timeout=60)
    assert silent.returncode == 2 and silent.stderr == b""


def test_a_command_that_writes_no_stdout_runs_with_it_closed(tmp_path) -> None:
    out = tmp_path / "out.json"
    cmd = " ".join([*chrono_cmd(), "-d", str(MINI), "export", "--to", "json", "-o", str(out)])
    result = subprocess.run(["bash", "-c", f"{cmd} >&- <&-"], capture_output=True, env=subprocess_env(), timeout=60)
    assert result.returncode == 0 and result.stderr.decode().startswith("chrono: wrote ")
    assert json.loads(out.read_text(encoding="utf-8"))


def test_interrupt_exits_130_without_traceback() -> None:
    proc = subprocess.Popen([*chrono_cmd(), "-d", "-", "list"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=subprocess_env())
    assert proc.stdin is not None
    # More than a pipe holds: this write returns only once chrono is up and reading stdin.
    proc.stdin.write(b" " * 300_000)
    proc.stdin.flush()
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err == b"\n", "only the end of the ^C line, no traceback"


@pytest.mark.parametrize(
    "env_change",
    [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "cp1252"}, {"LC_ALL": "C", "LANG": "C"}],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_encodings_never_crash(env_change: dict[str, str], fmt: str) -> None:
    result = chrono("list", "-f", fmt, "-F", "id,aliases", env=subprocess_env(**env_change))
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    if fmt == "json":
        records = json.loads(result.stdout)
        assert {"id": "october-revolution", "aliases": ["Лев Троцкий"]} in records


def test_ascii_output_escapes_cyrillic() -> None:
    result = chrono("show", "october", "-f", "table", env=subprocess_env(PYTHONIOENCODING="ascii"))
    assert result.returncode == 0
    assert b"\\u041b" in result.stdout


def test_colour_only_on_a_terminal() -> None:
    result = chrono("list", "-f", "table")
    assert b"\x1b[" not in result.stdout


def test_python_dash_m_and_version() -> None:
    from chrono import __version__

    result = subprocess.run([sys.executable, "-m", "chrono", "--version"], capture_output=True,
                            env=subprocess_env(), timeout=60)
    assert result.stdout.decode().strip() == f"chrono {__version__}"


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_all_output_arrives_before_the_process_ends(tmp_path, unbuffered: str) -> None:
    """chrono ends its process without Python's teardown: everything written reaches a file, a pipe and stderr."""
    from conftest import BUNDLED

    env = subprocess_env(PYTHONUNBUFFERED=unbuffered)
    out = tmp_path / "out.jsonl"
    with out.open("wb") as f:
        result = subprocess.run([*chrono_cmd(), "-d", str(BUNDLED), "list", "-f", "jsonl"], stdout=f,
                                stderr=subprocess.PIPE, env=env, timeout=60)
    assert result.returncode == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(json.loads(BUNDLED.read_text(encoding="utf-8"))["events"])
    assert all(json.loads(line)["id"] for line in lines)
    piped = chrono("--no-cache", "-d", str(BUNDLED), "list", "-f", "jsonl", env=env, data=None)
    assert piped.returncode == 0
    assert piped.stdout.decode().splitlines() == lines
    missing = chrono("show", "no-such-event", env=env)
    assert missing.returncode == 1
    assert missing.stderr.decode().startswith("chrono: ") and missing.stderr.decode().endswith("\n")

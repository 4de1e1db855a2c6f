"""Inputs that never end (issue 20, case 8): devices, pipes, NUL bytes, and lines or records past 16 MB end in a
clear error with their place, at once and in bounded memory; and line ends of every kind (case 9)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import chrono_cmd, subprocess_env

BIG = 17 << 20  # past the 16 MB limit
MEMORY_LIMIT_KB = 250_000


def measured(args: list[str], timeout: float = 30) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """chrono run to the end: its result, seconds taken and peak memory (KB, where the system says)."""
    probe = ("import resource, subprocess, sys, time\n"
             "start = time.monotonic()\n"
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
             "sys.stdout.write(f'{time.monotonic() - start} {peak}\\n' + str(r.returncode) + '\\n' + r.stderr)\n")
    out = subprocess.run([sys.executable, "-c", probe, *chrono_cmd(), *args], capture_output=True, text=True,
                         env=subprocess_env(), timeout=timeout).stdout
    head, code, stderr = out.split("\n", 2)
    seconds, peak = head.split()
    return subprocess.CompletedProcess(args, int(code), "", stderr), float(seconds), int(peak)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_a_clear_error_at_once() -> None:
    result, seconds, peak = measured(["-d", "/dev/zero", "list"])
    assert result.returncode == 2
    assert result.stderr == ("/dev/zero:1:1: not a text file (a NUL byte at offset 0); give a chronology as UTF-8 text "
                             "(.json, .jsonl, .csv or .tsv)\n")
    assert seconds < 10 and peak < MEMORY_LIMIT_KB


def test_a_file_of_nul_bytes_and_utf16_are_not_text(run, tmp_path) -> None:
    zeros = tmp_path / "zeros.json"
    zeros.write_bytes(b"\0" * 100_000)
    result = run("list", data=zeros)
    assert result.exit_code == 2 and result.stderr.startswith(f"{zeros}:1:1: not a text file (a NUL byte at offset 0)")
    utf16 = tmp_path / "notes.csv"
    utf16.write_bytes("date,title\n1934,Kirov\n".encode("utf-16-le"))
    result = run("list", data=utf16)
    assert result.exit_code == 2 and result.stderr.startswith(f"{utf16}:1:2: not a text file (a NUL byte at offset 1)")


def test_a_nul_in_the_data_after_the_first_line_is_the_datas_own(run, tmp_path) -> None:
    """A CSV export of a title holding a NUL reads back (only a NUL on the first line says: not text)."""
    data = tmp_path / "nul.json"
    data.write_text('[{"date": "1934", "title": "a\\u0000b"}]', encoding="utf-8")
    out = tmp_path / "nul.csv"
    assert run("export", "--to", "csv", "-o", str(out), data=data).exit_code == 0
    assert b"\0" in out.read_bytes()
    assert run("list", "-f", "json", "-F", "title", data=out).stdout == '[\n{"title": "a\\u0000b"}\n]\n'


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize(("endless", "message"), [
    (b"\0" * 65536, ":1:1: not a text file (a NUL byte at offset 0)"),
    (b"a" * 65536, ":1:1: a line longer than 16 MB"),
    (b"a\n" * 32768, ":2:1: a row longer than 16 MB"),
])
def test_a_fifo_that_never_ends_is_a_clear_error(tmp_path, endless: bytes, message: str) -> None:
    fifo = tmp_path / "endless.csv"
    os.mkfifo(fifo)
    stop = threading.Event()

    def feed() -> None:
        try:
            with open(fifo, "wb") as f:
                if endless.startswith(b"a\n"):
                    f.write(b'date,title\n1934,"')  # a quoted cell that never ends
                while not stop.is_set():
                    f.write(endless)
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    started = time.monotonic()
    try:
        result = subprocess.run([*chrono_cmd(), "-d", str(fifo), "list"], capture_output=True, text=True,
                                env=subprocess_env(), timeout=30)
    finally:
        stop.set()
    assert result.returncode == 2 and result.stderr.startswith(f"{fifo}{message}"), result.stderr
    assert time.monotonic() - started < 10
    writer.join(timeout=10)


@pytest.mark.parametrize(("name", "head", "tail", "message"), [
    ("big.json", b'[{"date": "1934", "title": "t", "summary": "', b'"}]',
     ":1:2: a value longer than 16 MB; chrono reads events (and other values) of up to 16 MB"),
    ("big.jsonl", b'{"date": "1934", "title": "ok"}\n{"date": "1934", "title": "t", "summary": "', b'"}\n',
     ":2:1: a line longer than 16 MB"),
    ("big.csv", b'date,title,summary\n1934,ok,\n1935,t,"', b'"\n', ":3:1: a row longer than 16 MB"),
])
def test_a_record_past_16_mb_is_a_data_error_with_its_place(tmp_path, name: str, head: bytes, tail: bytes,
                                                             message: str) -> None:
    path = tmp_path / name
    with open(path, "wb") as f:
        f.write(head)
        for _ in range(BIG // (1 << 20)):
            f.write(b"word " * ((1 << 20) // 5) + (b"\n" if name.endswith(".csv") else b""))
        f.write(tail)
    result, seconds, peak = measured(["--no-cache", "-d", str(path), "list"])
    assert result.returncode == 2 and result.stderr.startswith(f"{path}{message}"), result.stderr
    assert seconds < 10 and peak < MEMORY_LIMIT_KB


def test_a_record_within_the_limit_is_read(tmp_path) -> None:
    path = tmp_path / "long.json"
    summary = "word " * ((3 << 20) // 5)
    path.write_text(f'[{{"date": "1934", "title": "t", "summary": "{summary}"}}]', encoding="utf-8")
    result, _, peak = measured(["-d", str(path), "list", "--count"])
    assert result.returncode == 0 and result.stderr == "" and peak < MEMORY_LIMIT_KB


def test_csv_with_old_mac_line_ends(run, tmp_path) -> None:
    """Case 9: CR-only line ends are line ends (a quoted CR stays in its cell)."""
    path = Path(tmp_path / "mac.csv")
    path.write_bytes(b'date,title,summary\r1934,Kirov,"one\rtwo"\r1935,Other,x\r')
    result = run("list", "-f", "jsonl", "-F", "id,title,summary", data=path)
    assert result.exit_code == 0, result.stderr
    assert [line.split('"title": ')[1] for line in result.stdout.splitlines()] == [
        '"Kirov", "summary": "one\\rtwo"}', '"Other", "summary": "x"}']
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(b'{"date": "1934", "title": "a"}\r{"date": "1935", "title": "b"}\r\n'
                      b'{"date": "1936", "title": "c"}')
    assert run("list", "-f", "ids", data=mixed).stdout == "a-1934\nb-1935\nc-1936\n"

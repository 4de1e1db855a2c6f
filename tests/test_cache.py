"""The persistent index cache: same answers as without it, rebuilt when stale, never trusted when damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI, chrono_cmd, examples, subprocess_env


def synthetic(path: Path, n: int, seed: int = 1, word: str = "kirov") -> Path:
    """A chronology of n events, big enough to be cached."""
    import random

    rng = random.Random(seed)
    words = "party congress plenum decree purge trial exile famine plan army treaty railway strike".split()
    events = []
    for i in range(n):
        title = " ".join(rng.sample(words, 4)) + (f" {word}" if i % 7 == 0 else "")
        events.append({
            "id": f"ev-{i:06d}", "date": f"{rng.randint(1800, 1999)}-{rng.randint(1, 12):02d}",
            "title": title.capitalize(), "summary": " ".join(rng.choice(words) for _ in range(20)),
            "tags": sorted(set(rng.sample(["politics", "economy", "purges", "war"], 2))),
            "people": [rng.choice(["Lenin", "Trotsky", "Kirov"])], "sources": [{"title": "Synthetic"}],
        })
    path.write_text(json.dumps({"events": events}), encoding="utf-8")
    return path


def cache_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.sqlite")) if cache.is_dir() else []


def test_large_files_are_cached_and_reused(run, tmp_path, isolated_env) -> None:
    data = synthetic(tmp_path / "big.json", 400)
    first = run("search", "kirov", "-f", "ids", data=data)
    (entry,) = cache_files(isolated_env)
    stamp = entry.stat().st_mtime_ns
    second = run("search", "kirov", "-f", "ids", data=data)
    assert first.stdout == second.stdout and first.stdout
    assert entry.stat().st_mtime_ns == stamp, "a fresh cache entry is read, not rewritten"
    no_cache = run("--no-cache", "search", "kirov", "-f", "ids", data=data)
    assert no_cache.stdout == first.stdout


def test_small_files_and_stdin_are_not_cached(run, isolated_env) -> None:
    run("list", data=MINI)
    run("list", data="-", input=MINI.read_text(encoding="utf-8"))
    assert cache_files(isolated_env) == []


def test_cache_location(tmp_path, monkeypatch) -> None:
    from chrono.store.cache import cache_dir

    monkeypatch.delenv("CHRONO_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == str(tmp_path / "xdg" / "chrono")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == str(tmp_path / "home" / ".cache" / "chrono")


def test_rebuilt_after_a_change_that_keeps_the_size(run, tmp_path, isolated_env) -> None:
    data = synthetic(tmp_path / "big.json", 400, word="zebra")
    before = run("search", "zebra", "-f", "ids", data=data).stdout
    text = data.read_text(encoding="utf-8")
    changed = text.replace("zebra", "llama")  # same length
    assert len(changed) == len(text)
    st = data.stat()
    data.write_text(changed, encoding="utf-8")
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    after = run("search", "zebra", "-f", "ids", data=data)
    assert before and after.stdout == "" and after.exit_code == 1
    assert run("search", "llama", "-f", "ids", data=data).stdout == before
    assert len(cache_files(isolated_env)) == 1


def test_truncated_cache_is_rebuilt_with_one_warning(run, tmp_path, isolated_env) -> None:
    data = synthetic(tmp_path / "big.json", 400)
    expected = run("search", "kirov", "-f", "ids", data=data).stdout
    (entry,) = cache_files(isolated_env)
    with open(entry, "r+b") as f:
        f.truncate(entry.stat().st_size // 2)
    result = run("search", "kirov", "-f", "ids", data=data)
    assert result.stdout == expected
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and "is damaged" in warnings[0] and "rebuilding it" in warnings[0]
    assert run("search", "kirov", "-f", "ids", data=data).stderr == ""


def test_garbage_cache_is_rebuilt(run, tmp_path, isolated_env) -> None:
    data = synthetic(tmp_path / "big.json", 400)
    expected = run("list", "-f", "ids", data=data).stdout
    (entry,) = cache_files(isolated_env)
    entry.write_bytes(b"not a database at all" * 100)
    result = run("list", "-f", "ids", data=data)
    assert result.stdout == expected and "is damaged" in result.stderr


def test_cache_info_and_clear(run, tmp_path, isolated_env) -> None:
    data = synthetic(tmp_path / "big.json", 400)
    run("list", data=data)
    info = json.loads(run("cache", "info", "-f", "json", data=None).stdout)
    assert [(e["events"], e["state"], e["sources"]) for e in info] == [(400, "fresh", str(data))]
    os.utime(data, ns=(0, 0))
    assert json.loads(run("cache", "info", "-f", "json", data=None).stdout)[0]["state"] == "stale"
    cleared = run("cache", "clear", data=None)
    assert cleared.exit_code == 0 and cleared.stdout.startswith("removed 1 cache file")
    assert cache_files(isolated_env) == []


def test_unwritable_cache_falls_back_to_memory(run, tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CHRONO_CACHE_DIR", str(blocker / "cache"))
    data = synthetic(tmp_path / "big.json", 400)
    result = run("search", "kirov", "-f", "ids", data=data)
    assert result.exit_code == 0 and result.stdout


events_strategy = st.lists(
    st.fixed_dictionaries({
        "title": st.text(min_size=1, max_size=30).filter(lambda s: s.strip()),
        "summary": st.text(min_size=1, max_size=60).filter(lambda s: s.strip()),
        "date": st.sampled_from(["1934", "1934-12", "1934-12-01", "193X", "1930-21", "1926~", "1923/1925",
                                 "1930/..", "../1930", "1932-24"]),
        "tags": st.lists(st.sampled_from(["purges", "party", "famine", "war"]), min_size=1, max_size=3, unique=True),
        "people": st.lists(st.sampled_from(["Sergei Kirov", "Vladimir Lenin", "Лев Троцкий"]), max_size=2,
                           unique=True),
    }),
    min_size=1, max_size=25,
)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=events_strategy, query=st.sampled_from(["kirov", "party", "a", "лев", "-famine", "tag:war"]))
def test_same_output_with_and_without_the_cache(run, tmp_path, monkeypatch, events, query) -> None:
    monkeypatch.setenv("CHRONO_CACHE_MIN_BYTES", "0")
    monkeypatch.setenv("CHRONO_CACHE_DIR", str(tmp_path / f"cache-{abs(hash(str(events)))}"))
    records = [{"id": f"e{i}", **e, "sources": ["s"]} for i, e in enumerate(events)]
    data = tmp_path / f"random-{abs(hash(str(events)))}.json"
    data.write_text(json.dumps(records), encoding="utf-8")
    for args in (["list", "-f", "json"], ["search", query, "-f", "jsonl"], ["tags", "-f", "tsv"],
                 ["list", "--from", "1930", "--to", "1933", "-f", "tsv"]):
        cold = run(*args, data=data)
        warm = run(*args, data=data)
        memory = run("--no-cache", *args, data=data)
        assert cold.stdout == warm.stdout == memory.stdout
        assert cold.exit_code == warm.exit_code == memory.exit_code


def test_four_concurrent_first_runs(tmp_path) -> None:
    data = synthetic(tmp_path / "big.json", 30000)
    env = subprocess_env(CHRONO_CACHE_DIR=str(tmp_path / "cache"))
    args = ["-d", str(data), "search", "kirov", "-f", "ids", "--sort", "id"]
    argv = [*chrono_cmd(), *args]
    expected = subprocess.run([*chrono_cmd(), "--no-cache", *args], capture_output=True, env=env, timeout=300)
    assert expected.returncode == 0 and expected.stdout
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(4)]
    results = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert all(out == expected.stdout and err == b"" for out, err in results)
    assert len(list((tmp_path / "cache").glob("*.sqlite"))) == 1
    assert not list((tmp_path / "cache").glob("*.tmp")), "no temporary files are left behind"
    again = subprocess.run(argv, capture_output=True, env=env, timeout=300)
    assert again.stdout == expected.stdout


def test_streaming_output(tmp_path) -> None:
    data = synthetic(tmp_path / "big.json", 30000)
    env = subprocess_env(CHRONO_CACHE_DIR=str(tmp_path / "cache"))
    subprocess.run([*chrono_cmd(), "-d", str(data), "list", "--count"], capture_output=True, env=env, timeout=300)
    proc = subprocess.Popen([*chrono_cmd(), "-d", str(data), "list", "-f", "jsonl"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    time.sleep(0.5)
    # Megabytes of output do not fit in a pipe: chrono is still writing, so rows went out as they came.
    assert json.loads(first)["id"] and proc.poll() is None
    rest = proc.stdout.read()
    proc.wait(timeout=120)
    assert proc.returncode == 0 and rest.count(b"\n") == 29999


def test_progress_line_only_on_a_terminal_after_a_second(monkeypatch, capsys) -> None:
    from chrono.store import build

    clock = iter([0.0, 0.5, 1.5, 1.6, 3.0, 4.0])
    monkeypatch.setattr("time.monotonic", lambda: next(clock))

    class Stream:
        size = 1000

    class Reader:
        stream = Stream()
        position = 0

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    progress = build.Progress(1000)
    reader = Reader()
    reader.position = 100
    progress.update(reader, 50)  # at 0.5 s: nothing yet
    assert capsys.readouterr().err == ""
    reader.position = 600
    progress.update(reader, 300)  # at 1.5 s: the line appears, with the rate and the time left
    line = "chrono: indexing  60%  300 events  200 events/s  about 0:01 left"
    assert capsys.readouterr().err == "\r" + line
    progress.update(reader, 310)  # at 1.6 s: too soon to redraw
    assert capsys.readouterr().err == ""
    reader.position = 900
    progress.update(reader, 900)  # at 3 s
    assert capsys.readouterr().err == "\r" + "chrono: indexing  90%  900 events  300 events/s  about 0:00 left".ljust(
        len(line))
    progress.done()
    assert capsys.readouterr().err == "\r" + " " * len(line) + "\r"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    quiet = build.Progress(1000)
    quiet.update(reader, 1)
    quiet.done()
    assert not quiet.enabled and capsys.readouterr().err == ""


def test_lazy_imports() -> None:
    env = subprocess_env()
    subprocess.run([*chrono_cmd(), "list", "--count"], capture_output=True, env=env, timeout=120)  # warm the cache
    for args in (["--help"], ["search", "kirov", "-f", "tsv"], ["list", "--tag", "purges", "-f", "ids"]):
        result = subprocess.run([sys.executable, "-X", "importtime", "-m", "chrono", *args], capture_output=True,
                                text=True, env=env, timeout=120)
        imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
        assert "tabulate" not in imported and "dateutil" not in imported, args
        assert "chrono.read.load" not in imported, "reading chronology files is for building an index"
    table = subprocess.run([sys.executable, "-X", "importtime", "-m", "chrono", "list", "-f", "table", "-n", "1"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert any(line.split("|")[-1].strip() == "tabulate" for line in table.stderr.splitlines())
    dates = subprocess.run([sys.executable, "-X", "importtime", "-m", "chrono", "list", "--from", "Dec 1934", "-n",
                            "1"], capture_output=True, text=True, env=env, timeout=120)
    assert any(line.split("|")[-1].strip() == "dateutil" for line in dates.stderr.splitlines())


def test_a_command_imports_only_its_own_module() -> None:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "chrono", "search", "kirov", "-n", "1"],
                            capture_output=True, text=True, env=subprocess_env(), timeout=120)
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert {m for m in imported if m.startswith("chrono.cli.commands.")} == {"chrono.cli.commands.query"}


def test_the_command_table_names_the_module_of_each_command() -> None:
    from chrono.cli import COMMAND_MODULES, cli

    for name, module in COMMAND_MODULES.items():
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.callback is not None, name
        assert command.callback.__module__ == module, name
    assert set(cli.commands) | set(cli.factories) == set(COMMAND_MODULES), "a command missing from COMMAND_MODULES"


SCALE_QUERIES = [
    ["search", "kirov"], ["search", "party", "congress"], ["search", '"party congress"'],
    ["search", "kirov", "-famine"], ["search", "plan*", "--sort", "date"], ["search", "person:lenin", "-n", "300"],
    ["search", "trial", "-exile"], ["search", "treaty", "railway", "--year", "1900s"],
    ["list", "--tag", "purges", "-n", "500"],
    ["list", "--from", "1900", "--to", "1901"], ["list", "--year", "1950", "--sort", "title"],
    ["list", "--around", "ev-000100", "--window", "1m"], ["list", "--max-span", "1y", "--year", "1800"],
    ["list", "--reverse", "-n", "300"], ["list", "--person", "Trotsky", "--year", "1920"],
    ["list", "--within", "--from", "1900", "--to", "1910", "--not-tag", "war"], ["tags", "-f", "tsv"],
    ["tags", "--people", "-f", "tsv"], ["timeline", "--by", "decade", "-f", "tsv"],
    ["list", "--year", "1917", "-f", "json"],
]


def test_streamed_build_gives_what_the_whole_text_gives(run, tmp_path, monkeypatch) -> None:
    """100,000 events: an index built from 1 MB chunks (cached, summaries left in the file) answers 20 queries
    exactly as one built from the whole text in one piece (in memory, summaries kept) does."""
    import chrono.read.formats.json_reader
    import chrono.read.formats.stream

    data = synthetic(tmp_path / "events-100000.json", 100000)
    copy = tmp_path / "whole.json"
    copy.write_bytes(data.read_bytes())
    assert run("list", "--count", data=data).stdout == "100000\n"  # cached, streamed in chunks
    monkeypatch.setattr(chrono.read.formats.stream, "CHUNK", 1 << 30)
    monkeypatch.setattr(chrono.read.formats.json_reader, "CHUNK", 1 << 30)
    monkeypatch.setattr("chrono.store.cache.DEFAULT_MIN_BYTES", 1 << 40)  # too big to cache: built in memory
    from chrono.store.cache import build_in_memory

    whole = build_in_memory([str(copy)])
    monkeypatch.setattr("chrono.store.cache.build_in_memory", lambda paths, options=None: whole)
    for args in SCALE_QUERIES:
        fmt = [] if "-f" in args else ["-f", "ids"]
        streamed = run(*args, *fmt, data=data)
        in_one_piece = run(*args, *fmt, data=copy)
        assert streamed.exit_code == in_one_piece.exit_code == 0, (args, streamed.stderr)
        assert streamed.stdout.strip(), f"{args} finds nothing, so it compares nothing"
        assert streamed.stdout == in_one_piece.stdout.replace(str(copy), str(data)), args
    events = json.loads(data.read_text(encoding="utf-8"))["events"]
    in_1950 = [e["id"] for e in events if _overlaps(e["date"], 19500101, 19501231)]
    assert sorted(run("list", "--year", "1950", "-f", "ids", data=data).stdout.split()) == sorted(in_1950)


def _overlaps(date: str, first: int, last: int) -> bool:
    from chrono.dates.edtf import day_span

    earliest, latest, _ = day_span(date)
    return earliest <= last and latest >= first

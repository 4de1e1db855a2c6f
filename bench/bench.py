#!/usr/bin/env python3
"""Benchmark chrono against its peers, side by side: python -c "import click", jq and the sqlite3 CLI.

Usage: python3 bench/bench.py [--sizes 100000,1000000,10000000] [--runs 5] [--cold-runs 3] [--quick]

Run it alone, with the Python of the environment where chrono is installed (pip install .); it times
that environment's `chrono` script. Generates synthetic chronologies with ../shared/tools/gen_chronology.py
into bench/data/ (kept between runs), runs every command interleaved with its peers, takes medians,
checks that chrono's results equal jq's, and prints a Markdown table of ratios against the targets:
cold build time and peak memory (chrono's processes together), cache size, warm query against the
sqlite3 CLI running the same FTS5 query on chrono's own index (and the floor under it: bench/floor.py, Python
importing click and running that query through sqlite3), and the bundled query against the cost
of starting Python with click. A file too big for jq to hold (jq keeps the whole document, about five
times its size) is read by `jq --stream` instead, and the notes say so.
Not part of the test suite: timings never go into tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
GEN = REPO.parent / "shared" / "tools" / "gen_chronology.py"
FLOOR = Path(__file__).with_name("floor.py")
BUNDLED = REPO / "data" / "events.json"
QUERY = "kirov"
# The fastest equivalent of `chrono search kirov` we found for jq: the word, case-insensitively, in any field.
JQ_MATCH = (
    'any(.title, .summary, (.tags // [])[], (.people // [])[], (.places // [])[], (.aliases // [])[]; '
    'test("\\\\bkirov\\\\b"; "i"))'
)
JQ_FILTER = f'.events[] | select({JQ_MATCH}) | [.id, .date, .title, (.tags | join("; "))] | @tsv'
# A cheaper filter that looks at less (title and summary, substring): what "a jq filter" often means.
JQ_SIMPLE = '.events[] | select(.title + " " + .summary | test("kirov"; "i")) | .id'
# The FTS5 query chrono runs for `search kirov -f tsv` (store/index.py: the bm25 weights of model.FTS_FIELDS, the
# tags joined as TSV prints them, here for tags without escapes, as the synthetic ones are), as the sqlite3 CLI runs
# it on chrono's own cache entry; floor.py prints its rows under a header, the same bytes as chrono prints.
SQLITE_QUERY = (
    "SELECT e.id, e.date, e.title, CASE WHEN e.tags = '[]' THEN '' "
    "ELSE replace(substr(e.tags, 3, length(e.tags) - 4), '\",\"', '; ') END AS tags "
    "FROM (SELECT rowid, bm25(fts, 10.0, 2.0, 1.0, 4.0, 4.0, 1.0, 2.0) AS rank "
    f"FROM fts WHERE fts MATCH '{QUERY}') f JOIN events e ON e.n = f.rowid "
    "ORDER BY rank * e.prior, e.earliest, e.latest, e.n;"
)
# jq --stream: the events one at a time, for files jq cannot hold (its memory is about five times the file).
JQ_STREAM = 'fromstream(2|truncate_stream(inputs | select(.[0][0] == "events")))'
STREAM_FROM_BYTES = 2 * 1024**3


def chrono_script() -> str:
    """The chrono console script of the running environment."""
    candidate = Path(sys.executable).with_name("chrono")
    return str(candidate) if candidate.exists() else shutil.which("chrono") or "chrono"


def env_for(cache_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("CHRONO_DATA", None)
    env["CHRONO_CACHE_DIR"] = cache_dir
    return env


def timed(argv: list[str], env: dict[str, str], stdout: int | None = subprocess.DEVNULL) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=stdout, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def peak_kb(argv: list[str], env: dict[str, str]) -> int:
    """The peak of the summed resident memory of a command and every process it starts (KB), sampled."""
    return timed_peak(argv, env)[1]


def timed_peak(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """How long a command takes and its peak memory with its processes (KB, sampled every 50 ms)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(_rss_kb(pid) for pid in _tree(proc.pid)))
        time.sleep(0.05)
    return time.perf_counter() - start, peak


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="utf-8") as f:
            for child in f.read().split():
                out += _tree(int(child))
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def shell(command: str) -> list[str]:
    return ["bash", "-c", f"set -o pipefail; {command}"]


def generate(n: int, kind: str = "json") -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"events-{n}.{kind}"
    if not path.exists():
        print(f"generating {path.name} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(GEN), str(n), str(path), *(["--jsonl"] if kind == "jsonl" else [])],
                       check=True)
    return path


def ids_of(output: bytes, header: bool) -> list[str]:
    lines = output.decode().splitlines()[1 if header else 0:]
    return sorted(line.split("\t", 1)[0] for line in lines if line)


def check_same(chrono: list[str], peer: list[str] | bytes, data: Path, env: dict[str, str], label: str) -> str:
    """Whether chrono and jq find the same events (peer: jq's command, or what it printed)."""
    ours = ids_of(subprocess.run([*chrono, "-d", str(data), "search", QUERY, "-f", "tsv"], env=env,
                                 capture_output=True, check=False).stdout, header=True)
    printed = peer if isinstance(peer, bytes) else subprocess.run(peer, capture_output=True, check=False).stdout
    theirs = ids_of(printed, header=False)
    same = ours == theirs
    return f"{label}: chrono {len(ours)} results, jq {len(theirs)}: {'identical' if same else 'DIFFERENT'}"


def median(times: list[float]) -> float:
    return statistics.median(times)


def fmt_s(t: float) -> str:
    return f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100,000 events only, fewer runs")
    parser.add_argument("--append", default="1000000:jsonl,1000000:json",
                        help="SIZE:FORMAT,...: the first query after appending 1,000 events vs the cold build "
                             "(add 10000000:jsonl for ten million; '' for none)")
    parser.add_argument("--edit", default="1000000:jsonl,1000000:json",
                        help="SIZE:FORMAT,...: the first query after an edit (a summary changed, an event removed or "
                             "inserted) vs the cold build ('' for none)")
    args = parser.parse_args()
    sizes = [100000] if args.quick else [int(s) for s in filter(None, args.sizes.split(","))]
    runs = 3 if args.quick else args.runs
    chrono = [chrono_script()]
    jq = shutil.which("jq")
    sqlite3_cli = shutil.which("sqlite3")
    if not jq or not sqlite3_cli:
        print("bench needs jq and sqlite3 on PATH", file=sys.stderr)
        return 2
    rows: list[tuple[str, str, str, str, str]] = []
    notes: list[str] = []
    growth: list[tuple[int, float, int, int, int]] = []
    work = Path(tempfile.mkdtemp(prefix="chrono-bench-"))
    try:
        # 1. The bundled chronology: the cost of one quick query, against the floor of any click program.
        env = env_for(str(work / "warm-bundled"))
        subprocess.run([*chrono, "search", QUERY, "-f", "tsv"], env=env, stdout=subprocess.DEVNULL, check=False)
        click_argv = [sys.executable, "-c", "import click"]
        search_argv = [*chrono, "search", QUERY, "-f", "tsv"]
        jq_bundled = [jq, "-r", JQ_FILTER, str(BUNDLED)]
        t_click, t_search, t_jq = [], [], []
        for _ in range(max(runs * 6, 30)):
            t_click.append(timed(click_argv, env))
            t_search.append(timed(search_argv, env))
            t_jq.append(timed(jq_bundled, env))
        rows.append(("bundled: `chrono search kirov -f tsv` vs `python -c \"import click\"`",
                     fmt_s(median(t_search)), fmt_s(median(t_click)), f"{median(t_search) / median(t_click):.2f}x",
                     "<= 1.2x"))
        rows.append(("bundled: `chrono search kirov -f tsv` vs jq, same filter",
                     fmt_s(median(t_search)), fmt_s(median(t_jq)), f"{median(t_search) / median(t_jq):.2f}x", ""))
        notes.append(check_same(chrono, jq_bundled, BUNDLED, env, "bundled"))
        for n in sizes:
            measure_size(n, chrono, jq, sqlite3_cli, runs, args.cold_runs, work, rows, notes, growth)
        for spec in filter(None, ([] if args.quick else args.append.split(","))):
            size, kind = spec.split(":")
            measure_append(int(size), kind, chrono, work, rows, notes)
        for spec in filter(None, ([] if args.quick else args.edit.split(","))):
            size, kind = spec.split(":")
            measure_edit(int(size), kind, chrono, work, rows, notes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{subprocess.run([jq, '--version'], capture_output=True, text=True).stdout.strip()}; "
          f"medians of interleaved runs ({time.strftime('%Y-%m-%d')}).\n")
    print("| measure | chrono | peer | ratio | target |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    for note in notes:
        print(f"- {note}")
    for (n0, t0, m0, c0, s0), (n1, t1, m1, c1, s1) in zip(growth, growth[1:], strict=False):
        notes_line = (f"from {n0:,} to {n1:,} events ({n1 / n0:.0f}x): cold build time {t1 / t0:.1f}x, "
                      f"peak memory {m1 / m0:.2f}x ({m0 / 1024:.0f} -> {m1 / 1024:.0f} MB), "
                      f"cache {c1 / c0:.1f}x ({c0 / s0:.2f} -> {c1 / s1:.2f} of the source)")
        print(f"- growth {notes_line}")
    return 0


def measure_size(n: int, chrono: list[str], jq: str, sqlite3_cli: str, runs: int, cold_runs: int, work: Path,
                 rows: list[tuple[str, str, str, str, str]], notes: list[str],
                 growth: list[tuple[int, float, int, int, int]]) -> None:
    """Cold build (time, memory), cache size and warm query for one size, each beside its peer."""
    data = generate(n)
    label = f"{n:,}"
    big = n >= 5_000_000
    query = [*chrono, "-d", str(data), "search", QUERY, "-f", "tsv"]
    streamed = data.stat().st_size >= STREAM_FROM_BYTES
    if streamed:
        simple_argv = shell(f"{jq} -cn --stream '{JQ_STREAM}' {data} | {jq} -r 'select(.title + \" \" + .summary "
                            f"| test(\"kirov\"; \"i\")) | .id'")
        jq_argv = shell(f"{jq} -cn --stream '{JQ_STREAM}' {data} | {jq} -r 'select({JQ_MATCH}) | "
                        f"[.id, .date, .title, (.tags | join(\"; \"))] | @tsv'")
    else:
        simple_argv = [jq, "-r", JQ_SIMPLE, str(data)]
        jq_argv = [jq, "-r", JQ_FILTER, str(data)]
    warm_dir = work / f"warm-{n}"
    warm_env = env_for(str(warm_dir))
    cold: list[float] = []
    for i in range(0 if big else cold_runs):
        cold_dir = work / f"cold-{n}-{i}"
        cold.append(timed(query, env_for(str(cold_dir))))
        shutil.rmtree(cold_dir, ignore_errors=True)
    elapsed, mem_cold = timed_peak(query, warm_env)  # builds the cache entry the warm queries use
    if big:
        cold.append(elapsed)
    entry = next(warm_dir.glob("*.sqlite"))
    sqlite_argv = [sqlite3_cli, "-tabs", str(entry), SQLITE_QUERY]
    floor_argv = [sys.executable, str(FLOOR), str(entry), SQLITE_QUERY]
    simple = [timed(simple_argv, warm_env) for _ in range(0 if big else min(runs, 3))]
    warm, t_sql, t_floor = [], [], []
    for _ in range(runs * 3):
        warm.append(timed(query, warm_env))
        t_sql.append(timed(sqlite_argv, warm_env))
        t_floor.append(timed(floor_argv, warm_env))
    t_jq, printed = [], b""
    if big:  # one run of the simple filter is what a file this size allows; it finds the same events
        jq_argv = simple_argv
    for _ in range(1 if big else min(runs, 3)):
        start = time.perf_counter()
        printed = subprocess.run(jq_argv, env=warm_env, capture_output=True, check=False).stdout
        t_jq.append(time.perf_counter() - start)
    if big:
        simple = t_jq
    how = "jq --stream (jq cannot hold the file)" if streamed else "jq"
    rows.append((f"{label} events: cold build (first query) vs the simple jq filter", fmt_s(median(cold)),
                 fmt_s(median(simple)), f"{median(cold) / median(simple):.2f}x", "<= 0.7x" if n == 1000000 else ""))
    rows.append((f"{label} events: warm `search kirov -f tsv` vs sqlite3 CLI, same FTS5 query on chrono's index",
                 fmt_s(median(warm)), fmt_s(median(t_sql)), f"{median(warm) / median(t_sql):.2f}x",
                 "<= 1.5x" if n == 1000000 else ""))
    rows.append((f"{label} events: floor (python, import click, the same query through sqlite3, rows as TSV) "
                 "vs sqlite3 CLI", fmt_s(median(t_floor)), fmt_s(median(t_sql)),
                 f"{median(t_floor) / median(t_sql):.2f}x", ""))
    rows.append((f"{label} events: warm `search kirov -f tsv` vs that floor", fmt_s(median(warm)),
                 fmt_s(median(t_floor)), f"{median(warm) / median(t_floor):.2f}x",
                 "<= 1.15x" if n in (1000000, 10000000) else ""))
    rows.append((f"{label} events: warm query vs {how}, {'simple' if big else 'same'} filter", fmt_s(median(warm)),
                 fmt_s(median(t_jq)),
                 f"{median(warm) / median(t_jq):.4f}x", ""))
    mem_warm = peak_kb(query, warm_env)
    mem_jq = peak_kb(simple_argv, warm_env) if not big else 0
    rows.append((f"{label} events: peak memory of the cold build, all processes (warm query)",
                 f"{mem_cold / 1024:.0f} MB ({mem_warm / 1024:.0f} MB)",
                 f"{how} {mem_jq / 1024:.0f} MB" if mem_jq else "", "",
                 "<= 300 MB" if n in (1000000, 10000000) else ""))
    size = data.stat().st_size
    cache_size = entry.stat().st_size
    rows.append((f"{label} events: cache entry vs the JSON file", f"{cache_size / 1e6:.0f} MB", f"{size / 1e6:.0f} MB",
                 f"{cache_size / size:.2f}x", "<= 1.0x" if n == 1000000 else ""))
    if big:
        notes.append(f"{label}: jq ran once, the simple filter only, in {how}")
    else:
        notes.append(f"{label}: against jq's full filter ({fmt_s(median(t_jq))}) the cold build is "
                     f"{median(cold) / median(t_jq):.2f}x")
    notes.append(check_same(chrono, printed, data, warm_env, label))
    growth.append((n, median(cold), mem_cold, cache_size, size))


APPENDED = 1000


def append_events(path: Path, kind: str, lines: list[str], step: int) -> None:
    """Add events (JSON Lines) at the end of the file: as lines, or into a JSON file's array before its brackets."""
    import json

    new = [json.dumps({**json.loads(line), "id": f"appended-{step}-{i}"}) for i, line in enumerate(lines)]
    if kind == "jsonl":
        with open(path, "a", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in new))
        return
    with open(path, "r+b") as f:
        f.seek(max(path.stat().st_size - 4096, 0))
        at = f.tell()
        tail = f.read()
        end = at + tail.rindex(b"]")
        f.seek(end)
        closing = f.read()
        f.seek(end)
        before = tail[:end - at].rstrip()
        f.write(b"".join(b",\n" + line.encode() for line in new) + b"\n" + closing)
        assert before[-1:] == b"}"


def measure_append(n: int, kind: str, chrono: list[str], work: Path, rows: list[tuple[str, str, str, str, str]],
                   notes: list[str]) -> None:
    """The first query after appending 1,000 events (three times), against the cold build of the same file."""
    source = generate(n, kind)
    data = work / source.name
    shutil.copyfile(source, data)
    lines = generate(APPENDED, "jsonl").read_text(encoding="utf-8").splitlines()
    env = env_for(str(work / f"append-{n}-{kind}"))
    query = [*chrono, "-d", str(data), "search", QUERY, "-f", "tsv"]
    cold = timed(query, env)
    times = []
    for step in range(3):
        append_events(data, kind, lines, step)
        times.append(timed(query, env))
    info = subprocess.run([*chrono, "cache", "info", "-f", "tsv", "--no-header"], env=env, capture_output=True,
                          text=True, check=False).stdout
    count = subprocess.run([*chrono, "-d", str(data), "list", "--count"], env=env, capture_output=True, text=True,
                           check=False).stdout.strip()
    rows.append((f"{n:,} events, {kind.upper()}: first query after appending {APPENDED:,} events vs the cold build",
                 fmt_s(median(times)), fmt_s(cold), f"{median(times) / cold:.3f}x", "<= 0.05x"))
    notes.append(f"{n:,} {kind}: after 3 appends, {count} events; cache info: {info.split(chr(9))[4]}")
    data.unlink()



EDITS = (("a summary changed at 90%", 0.9, "summary"), ("an event removed at 90%", 0.9, "remove"),
         ("an event inserted at 90%", 0.9, "insert"), ("a summary changed at 50%", 0.5, "summary"),
         ("an event inserted at 50%", 0.5, "insert"))


def edit_file(path: Path, fraction: float, how: str, step: int) -> None:
    """Change the first event that starts after this fraction of the file (one per line, or one line of JSON)."""
    data = path.read_bytes()
    start = data.index(b'{"id": "', int(len(data) * fraction))
    after = data.index(b'{"id": "', start + 1)  # the next event: for JSON, after the ', ' that ends this one
    if how == "summary":
        at = data.index(b'"summary": "', start) + len(b'"summary": "')
        data = data[:at] + b"Edited " + data[at:]
    elif how == "remove":
        data = data[:start] + data[after:]
    else:
        record = data[start:after]
        data = data[:start] + b'{"id": "inserted-%d' % step + record[record.index(b'"', 8):] + data[start:]
    path.write_bytes(data)


def measure_edit(n: int, kind: str, chrono: list[str], work: Path, rows: list[tuple[str, str, str, str, str]],
                 notes: list[str]) -> None:
    """The first query after each of a few edits, against the cold build of the same file."""
    source = generate(n, kind)
    data = work / source.name
    shutil.copyfile(source, data)
    env = env_for(str(work / f"edit-{n}-{kind}"))
    query = [*chrono, "-d", str(data), "search", QUERY, "-f", "tsv"]
    cold = timed(query, env)
    for step, (label, fraction, how) in enumerate(EDITS):
        edit_file(data, fraction, how, step)
        took = timed(query, env)
        info = subprocess.run([*chrono, "cache", "info", "-f", "tsv", "--no-header"], env=env, capture_output=True,
                              text=True, check=False).stdout
        rows.append((f"{n:,} events, {kind.upper()}: first query after {label} vs the cold build", fmt_s(took),
                     fmt_s(cold), f"{took / cold:.3f}x", ""))
        notes.append(f"{n:,} {kind}, {label}: cache info: {info.split(chr(9))[4]}")
    count = subprocess.run([*chrono, "-d", str(data), "list", "--count"], env=env, capture_output=True, text=True,
                           check=False).stdout.strip()
    fresh = subprocess.run([*chrono, "--no-cache", "-d", str(data), "list", "--count"], env=env, capture_output=True,
                           text=True, check=False).stdout.strip()
    notes.append(f"{n:,} {kind}: after the edits, {count} events from the cache, {fresh} built afresh")
    data.unlink()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmark chrono against its peers, side by side: python -c "import click", jq and the sqlite3 CLI.

Usage: python3 bench/bench.py [--sizes 100000,1000000] [--runs 5] [--cold-runs 3] [--quick]

Run it with the Python of the environment where chrono is installed (pip install .); it times that
environment's `chrono` script. Generates synthetic chronologies with ../shared/tools/gen_chronology.py
into bench/data/ (kept between runs), runs every command interleaved with its peers, takes medians,
checks that chrono's results equal jq's, and prints a Markdown table of ratios against the targets.
Not part of the test suite: timings never go into tests.
"""

from __future__ import annotations

import argparse
import json
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
SQLITE_QUERY = (
    "SELECT d.id, d.date, d.title, d.tags FROM fts JOIN docs d ON d.rowid = fts.rowid "
    f"WHERE fts MATCH '{QUERY}' ORDER BY fts.rank;"
)


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
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *argv], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return int(out.read().strip().splitlines()[-1])


def generate(n: int) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"events-{n}.json"
    if not path.exists():
        print(f"generating {path.name} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(GEN), str(n), str(path)], check=True)
    return path


def sqlite_reference(source: Path) -> Path:
    """A prebuilt FTS5 database of the same events, for the sqlite3 command-line tool."""
    path = source.with_suffix(".fts.db")
    if path.exists():
        return path
    print(f"building {path.name} for sqlite3 ...", file=sys.stderr)
    doc = json.loads(source.read_text(encoding="utf-8"))
    tmp = path.with_suffix(".tmp")
    if tmp.exists():
        tmp.unlink()
    conn = sqlite3.connect(tmp)
    conn.execute("CREATE TABLE docs(id TEXT, date TEXT, title TEXT, tags TEXT)")
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, summary, tags, people, places, aliases, "
                 "content='', tokenize='unicode61 remove_diacritics 2')")
    with conn:
        for i, e in enumerate(doc["events"], 1):
            conn.execute("INSERT INTO docs(rowid, id, date, title, tags) VALUES (?,?,?,?,?)",
                         (i, e["id"], e["date"], e["title"], "; ".join(e["tags"])))
            conn.execute("INSERT INTO fts(rowid, title, summary, tags, people, places, aliases) VALUES (?,?,?,?,?,?,?)",
                         (i, e["title"], e["summary"], " ".join(e["tags"]), " ".join(e.get("people", [])),
                          " ".join(e.get("places", [])), " ".join(e.get("aliases", []))))
    conn.close()
    tmp.rename(path)
    return path


def ids_of(output: bytes, header: bool) -> list[str]:
    lines = output.decode().splitlines()[1 if header else 0:]
    return sorted(line.split("\t", 1)[0] for line in lines if line)


def check_same(chrono: list[str], peer: list[str], data: Path, env: dict[str, str], label: str) -> str:
    ours = ids_of(subprocess.run([*chrono, "-d", str(data), "search", QUERY, "-f", "tsv"], env=env,
                                 capture_output=True, check=False).stdout, header=True)
    theirs = ids_of(subprocess.run(peer, capture_output=True, check=False).stdout, header=False)
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
    args = parser.parse_args()
    sizes = [100000] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = 3 if args.quick else args.runs
    chrono = [chrono_script()]
    jq = shutil.which("jq")
    sqlite3_cli = shutil.which("sqlite3")
    if not jq or not sqlite3_cli:
        print("bench needs jq and sqlite3 on PATH", file=sys.stderr)
        return 2
    rows: list[tuple[str, str, str, str, str]] = []
    notes: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="chrono-bench-"))
    try:
        # 1. The bundled chronology: the cost of one quick query, against the floor of any click program.
        warm_dir = str(work / "warm-bundled")
        env = env_for(warm_dir)
        subprocess.run([*chrono, "search", QUERY, "-f", "tsv"], env=env, stdout=subprocess.DEVNULL, check=False)
        click_argv = [sys.executable, "-c", "import click"]
        search_argv = [*chrono, "search", QUERY, "-f", "tsv"]
        jq_bundled = [jq, "-r", JQ_FILTER, str(BUNDLED)]
        t_click, t_search, t_jq = [], [], []
        for _ in range(max(runs * 4, 20)):
            t_click.append(timed(click_argv, env))
            t_search.append(timed(search_argv, env))
            t_jq.append(timed(jq_bundled, env))
        ratio = median(t_search) / median(t_click)
        rows.append(("bundled: `chrono search kirov -f tsv` vs `python -c \"import click\"`",
                     fmt_s(median(t_search)), fmt_s(median(t_click)), f"{ratio:.2f}x", "<= 1.3x"))
        rows.append(("bundled: `chrono search kirov -f tsv` vs jq, same filter",
                     fmt_s(median(t_search)), fmt_s(median(t_jq)), f"{median(t_search) / median(t_jq):.2f}x", ""))
        notes.append(check_same(chrono, jq_bundled, BUNDLED, env, "bundled"))
        for n in sizes:
            data = generate(n)
            ref = sqlite_reference(data)
            label = f"{n:,}"
            query = [*chrono, "-d", str(data), "search", QUERY, "-f", "tsv"]
            jq_argv = [jq, "-r", JQ_FILTER, str(data)]
            sqlite_argv = [sqlite3_cli, "-tabs", str(ref), SQLITE_QUERY]
            cold, warm, t_jq, t_sql = [], [], [], []
            warm_env = env_for(str(work / f"warm-{n}"))
            subprocess.run(query, env=warm_env, stdout=subprocess.DEVNULL, check=False)
            cold_runs = args.cold_runs if n <= 200000 else max(2, args.cold_runs - 1)
            jq_runs = runs if n <= 200000 else 3
            for i in range(max(runs, cold_runs, jq_runs)):
                if i < cold_runs:
                    cold_dir = work / f"cold-{n}-{i}"
                    cold.append(timed(query, env_for(str(cold_dir))))
                    shutil.rmtree(cold_dir, ignore_errors=True)
                if i < runs:
                    warm.append(timed(query, warm_env))
                    t_sql.append(timed(sqlite_argv, warm_env))
                if i < jq_runs:
                    t_jq.append(timed(jq_argv, warm_env))
            simple = [timed([jq, "-r", JQ_SIMPLE, str(data)], warm_env) for _ in range(min(jq_runs, 3))]
            notes.append(f"{label}: a simpler jq filter (title and summary only) takes {fmt_s(median(simple))}; "
                         f"against it the cold query is {median(cold) / median(simple):.2f}x and the warm query "
                         f"{median(warm) / median(simple):.3f}x")
            rows.append((f"{label} events: cold first query (builds the cache) vs jq", fmt_s(median(cold)),
                         fmt_s(median(t_jq)), f"{median(cold) / median(t_jq):.2f}x",
                         "<= 1.5x" if n == 100000 else ""))
            rows.append((f"{label} events: warm query vs jq", fmt_s(median(warm)), fmt_s(median(t_jq)),
                         f"{median(warm) / median(t_jq):.3f}x", "<= 0.05x" if n == 100000 else ""))
            rows.append((f"{label} events: warm query vs sqlite3 CLI, FTS5 on a prebuilt db", fmt_s(median(warm)),
                         fmt_s(median(t_sql)), f"{median(warm) / median(t_sql):.2f}x",
                         "<= 2x" if n == 1000000 else ""))
            rows.append((f"{label} events: cache build (cold query) vs one jq query", fmt_s(median(cold)),
                         fmt_s(median(t_jq)), f"{median(cold) / median(t_jq):.2f}x",
                         "<= 1x" if n == 1000000 else ""))
            mem_warm = peak_kb(query, warm_env)
            cold_dir = str(work / f"mem-{n}")
            mem_cold = peak_kb(query, env_for(cold_dir))
            mem_jq = peak_kb(jq_argv, warm_env)
            rows.append((f"{label} events: peak memory, warm query (cold build)", f"{mem_warm / 1024:.0f} MB "
                         f"({mem_cold / 1024:.0f} MB)", f"jq {mem_jq / 1024:.0f} MB", "",
                         "<= 200 MB" if n == 1000000 else ""))
            cache_size = sum(p.stat().st_size for p in (work / f"warm-{n}").glob("*.sqlite"))
            notes.append(f"{label}: cache entry {cache_size / 1e6:.0f} MB for a {data.stat().st_size / 1e6:.0f} MB "
                         "JSON file")
            notes.append(check_same(chrono, jq_argv, data, warm_env, label))
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

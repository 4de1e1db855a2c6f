#!/usr/bin/env python3
"""Fault injection: kill -9 index builds at random points, and damage random pages of cache entries.

Usage: python3 bench/faults.py [--trials N] [--size EVENTS] [--seed S] [--only kill|corrupt]

After each fault the next run must answer exactly as chrono does without the cache (or rebuild with one
warning line), never with an internal error, never hang (every run has a timeout), and no process may
outlive the run that started it. The test suite runs the same trials at a small size (tests/test_faults.py);
this runs them at any size. A failure names its trial and seed so that it can be run again. Linux only
(processes are found in /proc). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

CHRONO = [sys.executable, "-m", "chrono"]
TIMEOUT = 120
WORDS = "party congress plenum decree purge trial exile famine plan army treaty railway strike kirov".split()


def write_chronology(path: Path, n: int, seed: int = 1) -> Path:
    """n events as JSON Lines (about 330 bytes each), the same for the same n and seed."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({
                "id": f"ev-{i:07d}", "date": f"{rng.randint(1800, 1999)}-{rng.randint(1, 12):02d}",
                "title": " ".join(rng.sample(WORDS, 5)).capitalize(),
                "summary": " ".join(rng.choice(WORDS) for _ in range(25)),
                "tags": sorted(set(rng.sample(["politics", "economy", "purges", "war"], 2))),
                "people": [rng.choice(["Lenin", "Trotsky", "Kirov"])], "sources": [{"title": "Synthetic"}],
            }) + "\n")
    return path


def session_processes(sid: int) -> list[int]:
    """The live processes (not zombies) of a session: a chrono started in its own session and its children."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid and fields[0] not in ("Z", "X"):
            out.append(int(name))
    return out


def wait_gone(sid: int, seconds: float = 5.0) -> list[int]:
    """Wait until no process of the session is left; those still there after the time."""
    deadline = time.monotonic() + seconds
    while True:
        left = session_processes(sid)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)


def kill_all(sid: int) -> None:
    """End whatever a failed trial left (so that the run goes on)."""
    for pid in session_processes(sid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """chrono with these arguments, to the end (a hang is a TimeoutExpired)."""
    return subprocess.run([*CHRONO, *args], capture_output=True, text=True, env=env, timeout=TIMEOUT)


def bad_outcome(result: subprocess.CompletedProcess[str], expected: str) -> str | None:
    """What is wrong with a run that should answer as expected (one warning that it rebuilt is allowed)."""
    if "internal error" in result.stderr or "Traceback" in result.stderr:
        return f"internal error: {result.stderr[-500:]!r}"
    if result.returncode != 0 or result.stdout != expected:
        return f"exit {result.returncode}, {len(result.stdout)} characters instead of {len(expected)}: " \
               f"{result.stderr[-500:]!r}"
    lines = result.stderr.splitlines()
    if lines and (len(lines) > 1 or "rebuilding it" not in lines[0]):
        return f"unexpected messages: {result.stderr[-500:]!r}"
    return None


def kill_trials(data: Path, cache: Path, trials: int, seed: int, tally: Counter[str] | None = None) -> list[str]:
    """Start a cold build, kill -9 chrono (or its index writer) at a random moment; then check that chrono and its
    writer are gone at once, that its stdout reached its end, that the next run answers, and that nothing is left."""
    tally = tally if tally is not None else Counter()
    env = {**os.environ, "CHRONO_CACHE_DIR": str(cache)}
    args = ["-d", str(data), "list", "-f", "ids"]
    expected = run(["--no-cache", *args], env).stdout
    start = time.monotonic()
    first = run(args, env)
    span = time.monotonic() - start  # a whole cold run, startup included
    failures = [f"cold build: {problem}"] if (problem := bad_outcome(first, expected)) else []
    rng = random.Random(seed)
    for trial in range(trials):
        st = data.stat()
        os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns + 1000))  # the entry is stale: the next run builds
        proc = subprocess.Popen([*CHRONO, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        time.sleep(rng.uniform(0.0, span))
        writers = [p for p in session_processes(proc.pid) if p != proc.pid]
        victim = writers[0] if writers and rng.random() < 0.3 else proc.pid
        building = any(cache.glob("*.tmp"))
        where = f"trial {trial} (seed {seed}, {'writer' if victim != proc.pid else 'chrono'} killed)"
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            out, err = proc.communicate(timeout=TIMEOUT if victim != proc.pid else 10)
        except subprocess.TimeoutExpired:
            failures.append(f"{where}: its stdout did not end")
            kill_all(proc.pid)
            proc.communicate()
            continue
        left = wait_gone(proc.pid)
        if left:
            failures.append(f"{where}: processes {left} outlived it")
            kill_all(proc.pid)
        if victim != proc.pid:  # chrono itself goes on without its writer: in memory, with a warning
            outcome = bad_outcome(subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode()),
                                  expected)
            if outcome and "index writer" not in err.decode():
                failures.append(f"{where}: {outcome}")
        tally["writer killed" if victim != proc.pid else "finished before the kill" if proc.returncode == 0
              else "chrono killed while building" if building else "chrono killed before or after building"] += 1
        after = run(args, env)
        if (problem := bad_outcome(after, expected)) is not None:
            failures.append(f"{where}, the next run: {problem}")
        leftovers = sorted(p.name for p in cache.iterdir() if not p.name.endswith(".sqlite"))
        if leftovers:
            failures.append(f"{where}: left {leftovers} in the cache after the next run")
    return failures


def corrupt_trials(data: Path, cache: Path, trials: int, seed: int, tally: Counter[str] | None = None) -> list[str]:
    """Damage 1-3 random pages of an entry (random bytes or zeros; written, or as a disk would, keeping its time),
    then check that the next run answers exactly (or rebuilds with one warning)."""
    tally = tally if tally is not None else Counter()
    env = {**os.environ, "CHRONO_CACHE_DIR": str(cache)}
    queries = [["list", "-f", "tsv"], ["search", "kirov", "-f", "jsonl"], ["tags", "-f", "tsv"],
               ["list", "--tag", "war", "--from", "1900", "-f", "csv"], ["search", "party", "plan", "-f", "ids"]]
    expected = [run(["--no-cache", "-d", str(data), *q], env).stdout for q in queries]
    run(["-d", str(data), "list", "--count"], env)
    (entry,) = cache.glob("*.sqlite")
    pristine = cache.parent / "pristine.sqlite"
    shutil.copy2(entry, pristine)
    pages = pristine.stat().st_size // 4096
    rng = random.Random(seed)
    failures = []
    for trial in range(trials):
        number = trial % len(queries)
        shutil.copy2(pristine, entry)
        st = entry.stat()
        with open(entry, "r+b") as f:
            for _ in range(rng.randint(1, 3)):
                f.seek(rng.randrange(1, pages) * 4096)
                f.write(rng.randbytes(4096) if rng.random() < 0.5 else bytes(4096))
        disk = rng.random() < 0.5
        if disk:
            os.utime(entry, ns=(st.st_atime_ns, st.st_mtime_ns))
        try:
            result = run(["-d", str(data), *queries[number]], env)
        except subprocess.TimeoutExpired:
            failures.append(f"trial {trial} (seed {seed}): {queries[number]} hung")
            continue
        problem = bad_outcome(result, expected[number])
        if problem is not None:
            failures.append(f"trial {trial} (seed {seed}, {'disk' if disk else 'write'}): {queries[number]}: {problem}")
        tally[("rebuilt" if result.stderr else "answered") + (" (damage on disk)" if disk else " (written)")] += 1
    pristine.unlink()
    return failures


def main() -> int:
    """Run the trials and print what happened."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=100, help="trials of each kind (default 100)")
    parser.add_argument("--size", type=int, default=100_000, help="events in the chronology (default 100,000)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--only", choices=("kill", "corrupt"))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        data = write_chronology(Path(work) / f"events-{options.size}.jsonl", options.size)
        print(f"{data.name}: {data.stat().st_size / 1e6:.1f} MB", flush=True)
        failures = []
        for kind, trials in (("kill", kill_trials), ("corrupt", corrupt_trials)):
            if options.only in (None, kind):
                tally: Counter[str] = Counter()
                cache = Path(work) / f"cache-{kind}"
                found = trials(data, cache, options.trials, options.seed, tally)
                print(f"{kind}: {options.trials} trials, {len(found)} failed; " +
                      ", ".join(f"{k}: {v}" for k, v in sorted(tally.items())), flush=True)
                failures += found
        for failure in failures:
            print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

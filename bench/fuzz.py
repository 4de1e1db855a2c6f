#!/usr/bin/env python3
"""Fuzz chrono's loaders and search: any input must give a chronology, a clean DataError, or a usage error.

Usage: python3 bench/fuzz.py [--seconds N] [--no-atheris]

With atheris installed (pip install atheris), it runs coverage-guided fuzzing; otherwise it mutates
the bad-input corpus (tests/data/bad) and the fixtures at random. Either way it stops at the first
input that raises anything else, saves it to bench/crash-*, and exits 1. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests" / "data"
SEEDS = sorted((TESTS / "bad").glob("*")) + sorted(TESTS.glob("*.json"))
SUFFIXES = (".json", ".jsonl", ".csv")


def check_one(data: bytes, workdir: str) -> None:
    """Load the bytes as each format and search them; anything but a clean outcome raises."""
    from click.testing import CliRunner

    from chrono.cli import cli
    from chrono.errors import DataError
    from chrono.store.cache import build_in_memory
    from chrono.store.query import Filters

    for suffix in SUFFIXES:
        path = os.path.join(workdir, "input" + suffix)
        with open(path, "wb") as f:
            f.write(data)
        try:
            index = build_in_memory([path])
        except DataError:
            continue
        index.count(Filters())
        query = data[:30].decode("utf-8", "replace")
        result = CliRunner().invoke(cli, ["-d", path, "search", "--", query or "x"], catch_exceptions=True)
        if result.exit_code not in (0, 1, 2) or (result.exception and not isinstance(result.exception, SystemExit)):
            raise RuntimeError(f"search {query!r} ended with {result.exit_code}: {result.exception!r}")


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(5)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            del data[pos:pos + rng.randint(1, 16)]
        elif op == 1:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2:
            data[pos:pos] = rng.choice([b"{", b"}", b"[", b"]", b'"', b",", b":", b"\\u", b"\\ud800", b"NaN",
                                        b"\n", b";", b"\xef\xbb\xbf", b"1e999", b"-", b"/", b"..", b"~"])
        elif op == 3 and data:
            data[pos % len(data)] ^= 1 << rng.randrange(8)
        elif data:
            start = rng.randrange(len(data))
            chunk = data[start:start + rng.randint(1, 64)]
            data[pos:pos] = chunk * rng.randint(1, 4)
    return bytes(data)


def run_random(seconds: float, workdir: str) -> int:
    rng = random.Random(int(os.environ.get("FUZZ_SEED", "1")))
    corpus = [p.read_bytes()[:20000] for p in SEEDS if p.is_file() and p.stat().st_size < 200_000]
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline:
        data = mutate(rng.choice(corpus), rng)
        try:
            check_one(data, workdir)
        except Exception as exc:  # noqa: BLE001 - this is what the fuzzer looks for
            crash = HERE / f"crash-{int(time.time())}.bin"
            crash.write_bytes(data)
            print(f"crash after {count} inputs: {type(exc).__name__}: {exc}; saved {crash}")
            return 1
        count += 1
    print(f"{count} inputs, no crash ({seconds:.0f} s, mutation fuzzing)")
    return 0


def run_atheris(seconds: float, workdir: str) -> int:
    import atheris

    # Coverage feedback: without instrumented modules libFuzzer mutates blindly.
    with atheris.instrument_imports(include=["chrono"]):
        import chrono.cli
        import chrono.cli.commands.query  # the search command (chrono.cli imports it only when used)
        import chrono.dates.edtf
        import chrono.output.render  # noqa: F401

    def test_one(data: bytes) -> None:
        check_one(data, workdir)

    seeds_dir = tempfile.mkdtemp(prefix="chrono-fuzz-seeds-")
    for i, p in enumerate(SEEDS):
        if p.is_file() and p.stat().st_size < 200_000:
            Path(seeds_dir, f"seed{i}").write_bytes(p.read_bytes())
    atheris.Setup([sys.argv[0], f"-max_total_time={int(seconds)}", seeds_dir], test_one)
    atheris.Fuzz()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--no-atheris", action="store_true", help="use mutation fuzzing even if atheris is installed")
    args = parser.parse_args()
    os.environ.setdefault("CHRONO_CACHE_DIR", tempfile.mkdtemp(prefix="chrono-fuzz-cache-"))
    with tempfile.TemporaryDirectory() as workdir:
        if not args.no_atheris:
            try:
                import atheris  # noqa: F401
            except ImportError:
                print("atheris is not installed; mutation fuzzing instead", file=sys.stderr)
            else:
                return run_atheris(args.seconds, workdir)
        return run_random(args.seconds, workdir)


if __name__ == "__main__":
    sys.exit(main())

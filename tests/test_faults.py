"""Killed builds and damaged entries (issue 20, cases 4 and 5): no process outlives chrono, nothing is left behind,
and the next run always answers. The trials are bench/faults.py's, run small and seeded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, chrono_cmd, subprocess_env

sys.path.insert(0, str(REPO / "bench"))
from faults import corrupt_trials, kill_trials, session_processes, wait_gone, write_chronology  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd") or not hasattr(os, "fork"),
                                reason="processes are found in /proc (Linux)")
WRITER_SIZE = 13_000  # events: 4.3 MB, enough for the index writer process


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    from chrono.store.build import PARALLEL_MIN_BYTES

    data = write_chronology(tmp_path_factory.mktemp("faults") / "big.jsonl", WRITER_SIZE)
    assert data.stat().st_size >= PARALLEL_MIN_BYTES
    return data


def wait_for(cache: Path, pattern: str, seconds: float = 60) -> Path:
    """The first file of the pattern in the cache directory that is not empty, once there is one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [p for p in cache.glob(pattern) if p.exists() and p.stat().st_size > 0]
        if found:
            return found[0]
        time.sleep(0.005)
    raise AssertionError(f"no {pattern} in {cache}")


def test_kill_9_ends_the_writer_and_the_pipe_at_once(big, tmp_path) -> None:
    """The case as filed: `chrono -d big.jsonl list | cat` killed during the build ends, and leaves no process
    nor file behind once the next run is over."""
    cache = tmp_path / "cache"
    env = subprocess_env(CHRONO_CACHE_DIR=str(cache))
    cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert cat.stdin is not None and cat.stdout is not None
    chrono = subprocess.Popen([*chrono_cmd(), "-d", str(big), "list"], stdout=cat.stdin, env=env,
                              start_new_session=True)
    cat.stdin.close()
    try:
        tmp = wait_for(cache, "*.tmp")
        writers = [p for p in session_processes(chrono.pid) if p != chrono.pid]
        assert writers, "the index writer runs"
        held = {fd: os.readlink(f"/proc/{writers[0]}/fd/{fd}") for fd in os.listdir(f"/proc/{writers[0]}/fd")}
        assert [held.pop(fd) for fd in "012"] == ["/dev/null"] * 3
        assert sorted(t.split(":")[0] if t.startswith("pipe:") else t for t in held.values()) == [str(tmp), "pipe"], \
            "the writer holds nothing of chrono's but its pipe (and the index it writes)"
        chrono.kill()
        chrono.wait(timeout=10)
        started = time.monotonic()
        assert cat.stdout.read() == b"" and cat.wait(timeout=10) == 0
        assert time.monotonic() - started < 2, "cat saw the end of its input at once"
        assert wait_gone(chrono.pid) == [], "the writer died with chrono"
    finally:
        for proc in (chrono, cat):
            if proc.poll() is None:
                proc.kill()
    # The temporary file may be left (when the kernel's SIGKILL reached the writer first): the next build removes it.
    again = subprocess.run([*chrono_cmd(), "-d", str(big), "list", "--count"], capture_output=True, text=True, env=env,
                           timeout=120)
    assert again.stdout == f"{WRITER_SIZE}\n" and again.stderr == ""
    assert [p.suffix for p in cache.iterdir()] == [".sqlite"]


def test_leftovers_of_builds_whose_process_is_gone_are_removed_by_the_next_build(run, tmp_path, isolated_env) -> None:
    from test_cache import synthetic

    data = synthetic(tmp_path / "big.json", 400)
    isolated_env.mkdir(mode=0o700)
    gone = _dead_pid()
    dead = isolated_env / f"big.json-0123456789abcdef.sqlite.{gone}-0badf00d.tmp"
    dead_dups = isolated_env / f"big.json-0123456789abcdef.sqlite.{gone}-0badf00d.dups.tmp"
    live = isolated_env / f"big.json-0123456789abcdef.sqlite.{os.getppid()}-0badf00d.tmp"
    for path in (dead, dead_dups, live):
        path.write_bytes(b"half an index")
    assert run("list", "--count", data=data).stdout == "400\n"
    assert not dead.exists() and not dead_dups.exists() and live.exists()


def _dead_pid() -> int:
    """The pid of a process that has ended (and been waited for)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_kill_9_at_random_points_of_builds(big, tmp_path) -> None:
    """20 builds killed (chrono, or its writer) at seeded random moments; see bench/faults.py."""
    assert kill_trials(big, tmp_path / "cache", trials=20, seed=20) == []


def test_random_pages_of_an_entry_damaged(tmp_path) -> None:
    """20 entries with random pages overwritten (written, or as a disk would); see bench/faults.py."""
    data = write_chronology(tmp_path / "mid.jsonl", 3000)
    assert corrupt_trials(data, tmp_path / "cache", trials=20, seed=20) == []


def test_interrupted_build_leaves_no_cache_entry(big, tmp_path) -> None:
    cache = tmp_path / "cache"
    env = subprocess_env(CHRONO_CACHE_DIR=str(cache))
    proc = subprocess.Popen([*chrono_cmd(), "-d", str(big), "list", "--count"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, start_new_session=True)
    wait_for(cache, "*.tmp")  # the build has begun once its temporary file has something in it
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert wait_gone(proc.pid) == []
    if proc.returncode == 0:  # pragma: no cover - the build was quicker than the signal
        pytest.skip("the build ended before it could be interrupted")
    assert proc.returncode == 130, err
    assert out == b"" and b"Traceback" not in err
    assert list(cache.iterdir()) == [], "no cache entry, no temporary file"
    again = subprocess.run([*chrono_cmd(), "-d", str(big), "list", "--count"], capture_output=True, env=env,
                           timeout=120)
    assert again.stdout == f"{WRITER_SIZE}\n".encode()
    assert [p.suffix for p in cache.iterdir()] == [".sqlite"]

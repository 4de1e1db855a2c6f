"""The cache is private and verified (issue 20, cases 2-4): whose entries are used, what they may make chrono read,
what `cache info` and `cache clear` touch, and a damaged entry rebuilt in the same run."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import chrono_cmd, subprocess_env
from test_cache import cache_files, synthetic

NOBODY = 65534
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user (nobody) needs root")


def forge(entry: Path, title: str = "FORGED EVENT") -> None:
    """Rewrite an entry as another user could: every title replaced, the key (and seal) kept valid."""
    from chrono.store.entries import apply_seal

    conn = sqlite3.connect(entry)
    conn.execute("UPDATE events SET title = ?", (title,))
    key = conn.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()[0]
    conn.commit()
    conn.close()
    apply_seal(str(entry), key)


def built(run, tmp_path: Path, isolated_env: Path, n: int = 400) -> tuple[Path, Path, str]:
    """A chronology big enough to be cached, its entry, and the ids chrono lists from it."""
    data = synthetic(tmp_path / "big.json", n)
    expected = run("list", "-f", "tsv", "-F", "id,title", data=data)
    assert expected.exit_code == 0
    (entry,) = cache_files(isolated_env)
    return data, entry, expected.stdout


def test_directory_is_created_0700_and_entries_0600_whatever_the_umask(run, tmp_path, isolated_env) -> None:
    old = os.umask(0)
    try:
        _, entry, _ = built(run, tmp_path, isolated_env)
    finally:
        os.umask(old)
    assert stat.S_IMODE(isolated_env.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_an_entry_others_can_write_is_not_used(run, tmp_path, isolated_env) -> None:
    data, entry, expected = built(run, tmp_path, isolated_env)
    forge(entry)
    os.chmod(entry, 0o666)
    result = run("list", "-f", "tsv", "-F", "id,title", data=data)
    assert result.stdout == expected and "FORGED" not in result.stdout
    assert result.stderr == f"chrono: warning: the index cache {entry} is writable by other users; not using it, " \
                            "rebuilding it\n"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert run("list", "-f", "tsv", "-F", "id,title", data=data).stderr == ""


@as_root
def test_an_entry_planted_by_another_user_is_not_used(run, tmp_path, isolated_env) -> None:
    data, entry, expected = built(run, tmp_path, isolated_env)
    forge(entry)
    os.chown(entry, NOBODY, NOBODY)
    result = run("list", "-f", "tsv", "-F", "id,title", data=data)
    assert result.stdout == expected
    assert result.stderr == f"chrono: warning: the index cache {entry} is owned by another user; not using it, " \
                            "rebuilding it\n"
    assert entry.stat().st_uid == os.geteuid()


@as_root
def test_in_a_sticky_directory_another_users_entry_is_left_and_the_index_built_privately(run, tmp_path,
                                                                                          isolated_env) -> None:
    data, entry, expected = built(run, tmp_path, isolated_env)
    os.chmod(isolated_env, 0o1777)
    assert run("list", "-f", "tsv", "-F", "id,title", data=data).stderr == "", "our own entry in /tmp-like is used"
    forge(entry)
    os.chown(entry, NOBODY, NOBODY)
    result = run("list", "-f", "tsv", "-F", "id,title", data=data)
    assert result.stdout == expected
    assert result.stderr == f"chrono: warning: the index cache {entry} is owned by another user; not using it, " \
                            "indexing privately\n"
    assert entry.stat().st_uid == NOBODY and cache_files(isolated_env) == [entry]


def test_a_directory_others_can_write_is_not_used(run, tmp_path, isolated_env) -> None:
    data, entry, expected = built(run, tmp_path, isolated_env)
    forge(entry)
    os.chmod(isolated_env, 0o777)
    before = sorted(p.name for p in isolated_env.iterdir())
    result = run("list", "-f", "tsv", "-F", "id,title", data=data)
    assert result.stdout == expected
    assert result.stderr == (f"chrono: warning: the cache directory {isolated_env} is writable by other users; not "
                             "using it (chmod 700 it, or set CHRONO_CACHE_DIR to a directory of your own)\n")
    assert sorted(p.name for p in isolated_env.iterdir()) == before, "nothing is written there"


def test_a_link_in_place_of_an_entry_is_not_followed(run, tmp_path, isolated_env) -> None:
    data, entry, expected = built(run, tmp_path, isolated_env)
    elsewhere = tmp_path / "elsewhere.sqlite"
    shutil.copy2(entry, elsewhere)
    forge(elsewhere)
    entry.unlink()
    entry.symlink_to(elsewhere)
    result = run("list", "-f", "tsv", "-F", "id,title", data=data)
    assert result.stdout == expected and "not a regular file" in result.stderr
    assert not entry.is_symlink()


def test_summaries_are_read_from_the_users_files_never_from_the_paths_an_entry_names(run, tmp_path,
                                                                                    isolated_env) -> None:
    from chrono.store.entries import apply_seal

    data = synthetic(tmp_path / "big.json", 400)
    expected = run("list", "-f", "tsv", "-F", "id,summary", data=data).stdout
    (entry,) = cache_files(isolated_env)
    decoy = tmp_path / "decoy.json"
    decoy.write_bytes(data.read_bytes().replace(b"famine", b"FORGED"))
    conn = sqlite3.connect(entry)
    assert conn.execute("SELECT COUNT(*) FROM events WHERE summary IS NULL").fetchone()[0] == 400, "summaries cold"
    conn.execute("UPDATE meta SET value = ? WHERE key = 'paths'", (json.dumps([str(decoy)]),))
    key = conn.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()[0]
    conn.commit()
    conn.close()
    apply_seal(str(entry), key)
    result = run("list", "-f", "tsv", "-F", "id,summary", data=data)
    assert result.stderr == "" and result.stdout == expected and "FORGED" not in result.stdout


# `cache info` and `cache clear` -------------------------------------------------------------------------------


def test_cache_info_and_clear_touch_only_chronos_own_entries(run, tmp_path, isolated_env) -> None:
    data, entry, _ = built(run, tmp_path, isolated_env)
    foreign = isolated_env / "notes.sqlite"
    lookalike = isolated_env / "mine-0123456789abcdef.sqlite"
    for path in (foreign, lookalike):
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE meta(key TEXT, value TEXT)" if path == lookalike else "CREATE TABLE t(x)")
        conn.commit()
        conn.close()
    text = isolated_env / "readme.txt"
    text.write_text("mine", encoding="utf-8")
    damaged = isolated_env / "old.json-fedcba9876543210.sqlite"
    damaged.write_bytes(b"\0" * 4096)
    dead = isolated_env / f"{entry.name}.999999999-0badf00d.tmp"
    live = isolated_env / f"{entry.name}.{os.getpid()}-0badf00d.tmp"
    dead.write_bytes(b"x")
    live.write_bytes(b"x")
    info = json.loads(run("cache", "info", "-f", "json", data=None).stdout)
    assert [(e["file"], e["state"]) for e in info] == [(entry.name, "fresh"), (damaged.name, "damaged")]
    cleared = run("cache", "clear", data=None)
    assert cleared.stdout.startswith("removed 3 cache files")
    assert sorted(p.name for p in isolated_env.iterdir()) == sorted(p.name for p in (foreign, lookalike, text, live))


# A damaged entry --------------------------------------------------------------------------------------------


def overwrite_middle(entry: Path, size: int = 8192) -> None:
    """Overwrite bytes in the middle of an entry with random ones."""
    with open(entry, "r+b") as f:
        f.seek(entry.stat().st_size // 2)
        f.write(os.urandom(size))


def leaf_page(entry: Path, table: str = "events") -> int:
    """A leaf page of the table from the middle of the file (the table's root page where dbstat is missing)."""
    conn = sqlite3.connect(entry)
    try:
        pages = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' "
                                            "ORDER BY pageno", (table,))]
        return pages[len(pages) // 2]
    except sqlite3.OperationalError:
        return conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        conn.close()


def test_a_damaged_entry_that_keeps_its_size_is_rebuilt_in_the_same_run(tmp_path) -> None:
    """The case as filed: 8 KB overwritten in the middle of an entry (a subprocess, as a user runs it)."""
    data = synthetic(tmp_path / "big.json", 3000)
    env = subprocess_env(CHRONO_CACHE_DIR=str(tmp_path / "cache"))
    argv = [*chrono_cmd(), "-d", str(data), "list", "-f", "tsv"]
    expected = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    (entry,) = cache_files(tmp_path / "cache")
    overwrite_middle(entry)
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and result.stdout == expected.stdout
    assert result.stderr == f"chrono: warning: the index cache {entry} is damaged (it was written to after chrono " \
                            "made it); rebuilding it\n"
    again = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert again.stderr == "" and again.stdout == expected.stdout


def test_a_page_that_fails_halfway_through_the_output_prints_each_line_once(tmp_path) -> None:
    """A leaf page of events zeroed as a disk would (the modification time kept): SQLite finds it while rows are
    being printed; the rest comes from the rebuilt index, and nothing is printed twice."""
    data = synthetic(tmp_path / "big.json", 3000)
    env = subprocess_env(CHRONO_CACHE_DIR=str(tmp_path / "cache"))
    for args in (["list", "-f", "tsv"], ["list", "-f", "jsonl"], ["search", "kirov", "-f", "csv"]):
        argv = [*chrono_cmd(), "-d", str(data), *args]
        expected = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        (entry,) = cache_files(tmp_path / "cache")
        st = entry.stat()
        page = leaf_page(entry)
        with open(entry, "r+b") as f:
            f.seek((page - 1) * 4096)
            f.write(b"\0" * 4096)
        os.utime(entry, ns=(st.st_atime_ns, st.st_mtime_ns))
        result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0 and result.stdout == expected.stdout, args
        assert "is damaged" in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_an_sqlite_error_after_output_began_reruns_the_command_without_repeating_it(run, tmp_path, isolated_env,
                                                                                   monkeypatch) -> None:
    from chrono.store.index import Index

    data = synthetic(tmp_path / "big.json", 1200)
    expected = run("list", "-f", "jsonl", data=data).stdout
    (entry,) = cache_files(isolated_env)
    real = Index.select
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(1)
        for i, row in enumerate(real(self, *args, **kwargs)):
            if i == 700 and len(calls) == 1:
                raise sqlite3.DatabaseError("database disk image is malformed")
            yield row

    monkeypatch.setattr(Index, "select", failing)
    result = run("list", "-f", "jsonl", "-F", "id,date,title,summary,tags,people", data=data)
    full = run("--no-cache", "list", "-f", "jsonl", "-F", "id,date,title,summary,tags,people", data=data)
    assert len(calls) == 3 and result.stdout == full.stdout and expected
    assert result.stderr == f"chrono: warning: the index cache {entry} is damaged (database disk image is " \
                            "malformed); rebuilding it\n"


def test_an_error_from_an_index_built_in_this_run_is_not_retried(run, monkeypatch) -> None:
    from chrono.store.index import Index

    def failing(self, *args, **kwargs):
        raise sqlite3.DatabaseError("no such thing")

    monkeypatch.setattr(Index, "select", failing)
    with pytest.raises(sqlite3.DatabaseError):
        run("list", "-f", "jsonl")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv for a second user")
def test_an_entry_planted_in_a_shared_cache_is_not_served_to_another_user() -> None:
    """The attack as filed, with two users: root plants a forged entry under the victim's key in a shared sticky
    directory; chrono run by nobody ignores it, warns once, and answers from the file."""
    import tempfile

    from chrono.store.entries import apply_seal

    top = Path(tempfile.mkdtemp(prefix="chrono-shared-", dir="/tmp"))
    try:
        os.chmod(top, 0o755)
        data = synthetic(top / "big.json", 400)
        os.chmod(data, 0o644)
        shared = top / "shared"
        shared.mkdir()
        os.chmod(shared, 0o1777)
        env = subprocess_env(CHRONO_CACHE_DIR=str(shared), HOME=str(top))
        as_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        probe = subprocess.run([*as_nobody, *chrono_cmd(), "--version"], capture_output=True, env=env, timeout=60)
        if probe.returncode != 0:
            pytest.skip(f"this Python cannot run as an unprivileged user: {probe.stderr[-200:]!r}")
        argv = [*chrono_cmd(), "-d", str(data), "list", "-f", "tsv", "-F", "id,title"]
        expected = subprocess.run([*as_nobody, *argv[:-5], "--no-cache", *argv[-5:]], capture_output=True, text=True,
                                  env=env, timeout=120)
        assert expected.returncode == 0 and expected.stdout
        subprocess.run(argv, capture_output=True, env=env, timeout=120, check=True)  # root's entry, under the key
        (entry,) = cache_files(shared)
        forge(entry)
        os.chmod(entry, 0o644)
        apply_seal(str(entry), sqlite3.connect(entry).execute("SELECT value FROM meta WHERE key = 'key'").fetchone()[0])
        victim = subprocess.run([*as_nobody, *argv], capture_output=True, text=True, env=env, timeout=120)
        assert victim.returncode == 0 and victim.stdout == expected.stdout and "FORGED" not in victim.stdout
        assert victim.stderr == f"chrono: warning: the index cache {entry} is owned by another user; not using it, " \
                                "indexing privately\n"
        assert cache_files(shared) == [entry] and entry.stat().st_uid == 0
    finally:
        shutil.rmtree(top, ignore_errors=True)

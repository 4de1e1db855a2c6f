"""Refreshing a cache entry: records appended to a file are read alone, and every query answers as a fresh build."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from chrono.cli import cli
from conftest import examples

FORMATS = ("jsonl", "csv", "tsv", "json", "array")
SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "tsv": ".tsv", "json": ".json", "array": ".json"}
TITLES = ("War begins", "Treaty signed", "Famine", "Congress opens", "Plan adopted")
TAGS = ("war", "party", "famine")
QUERIES: tuple[tuple[str, ...], ...] = (
    (),  # the overview
    ("export", "--to", "jsonl"),
    ("list", "-f", "tsv", "--sort", "title"),
    ("list", "-f", "ids", "--from", "1930", "--to", "1933"),
    ("tags", "-f", "tsv"),
    ("search", "treaty", "-f", "jsonl"),
    ("list", "--count", "-t", "war"),
)


def event(number: int, eid: str | None = None, year: int = 1930, title: str = "War begins") -> dict[str, str]:
    """An event; without an id, one is derived from the title and year."""
    # Some summaries hold a word that is not its own stem ('eased' is indexed as 'eas', which stems to 'ea').
    summary = f"Event {number}: {title.lower()} in {year}." + (" Tensions eased." if number % 4 == 0 else "")
    out = {"date": str(year), "title": title, "summary": summary,
           "tags": TAGS[number % len(TAGS)], "sources": "synthetic"}
    if eid is not None:
        out = {"id": eid, **out}
    return out


def render(kind: str, events: list[dict[str, str]]) -> str:
    """A whole file of these events in a format."""
    if kind == "jsonl":
        return "".join(json.dumps(_json(e)) + "\n" for e in events)
    if kind in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if kind == "csv" else "\t", lineterminator="\n")
        writer.writerow(["id", "date", "title", "summary", "tags", "sources"])
        for e in events:
            writer.writerow([e.get("id", ""), e["date"], e["title"], e["summary"], e["tags"], e["sources"]])
        return out.getvalue()
    body = [_json(e) for e in events]
    if kind == "array":
        return json.dumps(body, indent=1) + "\n"
    return json.dumps({"chronology": {"title": "Test"}, "events": body, "tags": {t: t for t in TAGS}}, indent=1) + "\n"


def _json(e: dict[str, str]) -> dict[str, object]:
    return {**e, "tags": [e["tags"]], "sources": [{"title": e["sources"]}]}


def appended(kind: str, text: str, events: list[dict[str, str]]) -> str:
    """The file's text with these events added at its end, as a program that appends would write it."""
    if kind in ("jsonl", "csv", "tsv"):
        rows = render(kind, events)
        return text + (rows if kind == "jsonl" else rows.split("\n", 1)[1])
    end = text.rindex("]")
    items = ",\n".join(json.dumps(_json(e), indent=1) for e in events)
    before = text[:end].rstrip()
    joiner = ",\n" if before[-1] != "[" else "\n"
    return before + joiner + items + "\n" + text[end:]


def answers(paths: list[str], cache: bool) -> list[tuple[int, str, str]]:
    """Each query's exit code, output and messages, from the cache or built afresh."""
    import gc

    gc.collect()  # earlier runs in this process let go of the entry, so that a refresh may write it in place
    runner = CliRunner()
    out = []
    for query in QUERIES:
        argv = [a for p in paths for a in ("-d", p)] + ([] if cache else ["--no-cache"]) + list(query)
        result = runner.invoke(cli, argv, catch_exceptions=False)
        out.append((result.exit_code, result.stdout, result.stderr))
    return out


def updated(tmp_path: Path) -> list[str]:
    """How each cache entry was last brought up to date."""
    result = CliRunner().invoke(cli, ["cache", "info", "-f", "json"], catch_exceptions=False)
    return [row["updated"].rsplit(" ", 1)[0] for row in json.loads(result.stdout)]


def write(path: Path, text: str, step: int = 0) -> None:
    """Write the file, with a modification time of its own (a later one for each step)."""
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + step * 1000))


@pytest.fixture(autouse=True)
def always_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHRONO_CACHE_MIN_BYTES", "0")


@pytest.mark.parametrize("kind", FORMATS)
def test_appended_events_are_read_alone(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"c{SUFFIX[kind]}"
    old = [event(i, f"e{i}" if i % 3 else None, 1930 + i % 5, TITLES[i % 5]) for i in range(12)]
    write(path, render(kind, old))
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)
    new = [event(i, None if i % 2 else f"e{i}", 1930 + i % 5, TITLES[i % 5]) for i in range(12, 20)]
    write(path, appended(kind, path.read_text(encoding="utf-8"), new), 1)
    cached = answers([str(path)], cache=True)
    assert updated(tmp_path) == ["refreshed +8 events"]
    assert cached == answers([str(path)], cache=False)
    assert "war-begins-1930-2" in cached[1][1]  # a derived id that the old rows made clash


@pytest.mark.parametrize("change", ["edit", "truncate", "rewrite", "no newline", "duplicate", "bad record",
                                    "bom", "tail"])
@pytest.mark.parametrize("kind", ["jsonl", "csv", "json"])
def test_other_changes_are_built_afresh(tmp_path: Path, kind: str, change: str) -> None:
    path = tmp_path / f"c{SUFFIX[kind]}"
    old = [event(i, f"e{i}", 1930 + i % 5, TITLES[i % 5]) for i in range(10)]
    text = render(kind, old)
    if change == "no newline" and kind != "json":
        text = text.rstrip("\n")
    write(path, text)
    answers([str(path)], cache=True)
    more = [event(10, "e10")]
    if change == "edit":
        text = text.replace("Event 3:", "Event 3 (edited):")
    elif change == "truncate":
        text = render(kind, old[:6])
    elif change == "rewrite":
        text = render(kind, [event(i, f"r{i}") for i in range(4)])
    elif change == "duplicate":
        text = appended(kind, text, [event(11, "e2")])
    elif change == "bad record":
        text = appended(kind, text, [event(11, "e11", title="")])
    elif change == "bom":
        text = text + "\ufeff" if kind != "json" else text
        text = appended(kind, text, more)
    elif change == "tail" and kind == "json":
        text = appended(kind, text, more).replace('"famine": "famine"', '"famine": "hunger"')
    else:
        text = appended(kind, text, more)
    write(path, text, 1)
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)


@pytest.mark.parametrize("kind", FORMATS)
def test_a_file_written_again_as_it_was_reads_nothing(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"c{SUFFIX[kind]}"
    write(path, render(kind, [event(i, f"e{i}") for i in range(5)]))
    answers([str(path)], cache=True)
    write(path, path.read_text(encoding="utf-8"), 1)
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)
    assert updated(tmp_path) == ["refreshed +0 events"]


@pytest.mark.parametrize("added", [",", ", ", ",\n{", ", {}", "{}", ",,{}", ", []"])
def test_a_json_array_with_a_broken_end_is_built_and_refused(tmp_path: Path, added: str) -> None:
    path = tmp_path / "c.json"
    text = render("json", [event(i, f"e{i}") for i in range(5)])
    write(path, text)
    answers([str(path)], cache=True)
    end = text.rindex("]")
    write(path, text[:end].rstrip() + added + "\n" + text[end:], 1)
    cached = answers([str(path)], cache=True)
    assert cached == answers([str(path)], cache=False)
    assert cached[0][0] == 2 and "Traceback" not in cached[0][2]


def test_a_file_before_the_last_grows(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.csv"
    write(first, render("jsonl", [event(i, None, 1930, "War begins") for i in range(3)]))
    write(second, render("csv", [event(i, None, 1930, "Famine") for i in range(3, 6)]))
    paths = [str(first), str(second)]
    answers(paths, cache=True)
    write(first, appended("jsonl", first.read_text(encoding="utf-8"), [event(9, "x9", 1930, "Treaty signed")]), 1)
    cached = answers(paths, cache=True)
    assert updated(tmp_path) == ["refreshed +1 events"]
    assert cached == answers(paths, cache=False)
    ids = cached[1][1]
    assert ids.index('"x9"') < ids.index('"famine-1930"')  # in file order, before the second file's rows


def test_a_derived_id_a_later_file_holds_builds_afresh(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write(first, render("jsonl", [event(0, None, 1930, "War begins")]))
    write(second, render("jsonl", [event(1, None, 1930, "Famine")]))
    paths = [str(first), str(second)]
    answers(paths, cache=True)
    # A fresh build gives this event famine-1930 and the second file's famine-1930-2.
    write(first, appended("jsonl", first.read_text(encoding="utf-8"), [event(2, None, 1930, "Famine")]), 1)
    cached = answers(paths, cache=True)
    assert updated(tmp_path) == ["built"]
    assert cached == answers(paths, cache=False)
    assert '"famine-1930-2"' in cached[1][1]


def test_refresh_keeps_the_summaries_of_json_files(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    write(path, render("json", [event(i, f"e{i}") for i in range(5)]))
    answers([str(path)], cache=True)
    write(path, appended("json", path.read_text(encoding="utf-8"), [event(7, "e7", title="Long é summary")]), 1)
    result = CliRunner().invoke(cli, ["-d", str(path), "show", "e7", "e4", "-f", "json"], catch_exceptions=False)
    shown = json.loads(result.stdout)
    assert [e["summary"] for e in shown] == ["Event 7: long é summary in 1930.",
                                             "Event 4: war begins in 1930. Tensions eased."]
    assert updated(tmp_path) == ["refreshed +1 events"]


def test_many_refreshes_keep_the_cache_near_the_size_of_a_build(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write(path, render("jsonl", [event(i, f"e{i}") for i in range(2000)]))
    answers([str(path)], cache=True)
    for step in range(1, 30):
        write(path, appended("jsonl", path.read_text(encoding="utf-8"),
                             [event(i, f"e{i}") for i in range(2000 + step * 20, 2020 + step * 20)]), step)
        CliRunner().invoke(cli, ["-d", str(path), "list", "--count"], catch_exceptions=False)
    (entry,) = (tmp_path / "cache").iterdir()
    assert updated(tmp_path) == ["refreshed +20 events"]
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)
    refreshed = entry.stat().st_size
    entry.unlink()
    answers([str(path)], cache=True)
    assert updated(tmp_path) == ["built"]
    assert refreshed <= 1.25 * entry.stat().st_size  # free pages are given back once they are a quarter


# Any sequence of changes ---------------------------------------------------------------------------------------

event_specs = st.tuples(st.one_of(st.none(), st.sampled_from([f"e{i}" for i in range(12)] + ["famine-1931"])),
                        st.integers(1930, 1933), st.sampled_from(TITLES))


class Changes(RuleBasedStateMachine):
    """Files that grow, are edited, cut short and rewritten; the cache answers as a fresh build after each."""

    def __init__(self) -> None:
        super().__init__()
        self.step = 0
        self.counter = 0

    @initialize(kinds=st.lists(st.sampled_from(FORMATS), min_size=1, max_size=2),
                start=st.lists(st.lists(event_specs, max_size=4), min_size=2, max_size=2))
    def files(self, kinds: list[str], start: list[list[tuple[str | None, int, str]]]) -> None:
        import tempfile

        self.blocks = set_blocks(6)  # blocks smaller than these files: an edit is read again from its block
        self.dir = Path(tempfile.mkdtemp(prefix="refresh-"))
        os.environ["CHRONO_CACHE_DIR"] = str(self.dir / "cache")
        self.kinds = kinds
        self.paths = [self.dir / f"f{i}{SUFFIX[k]}" for i, k in enumerate(kinds)]
        self.events: list[list[dict[str, str]]] = []
        for path, kind, specs in zip(self.paths, kinds, start, strict=False):
            events = self._events(specs)
            self.events.append(events)
            self._write(path, render(kind, events))

    def _events(self, specs: list[tuple[str | None, int, str]]) -> list[dict[str, str]]:
        out = []
        for eid, year, title in specs:
            self.counter += 1
            out.append(event(self.counter, eid, year, title))
        return out

    def _write(self, path: Path, text: str) -> None:
        self.step += 1
        write(path, text, self.step)

    @rule(which=st.integers(0, 1), specs=st.lists(event_specs, min_size=1, max_size=3))
    def append(self, which: int, specs: list[tuple[str | None, int, str]]) -> None:
        which %= len(self.paths)
        path, kind = self.paths[which], self.kinds[which]
        new = self._events(specs)
        self.events[which] += new
        text = path.read_text(encoding="utf-8")
        self._write(path, appended(kind, text, new) if self.events[which] != new else render(kind, new))

    @precondition(lambda self: any(self.events))
    @rule(which=st.integers(0, 1), at=st.integers(0, 10), spec=event_specs)
    def edit(self, which: int, at: int, spec: tuple[str | None, int, str]) -> None:
        which %= len(self.paths)
        if self.events[which]:
            self.events[which][at % len(self.events[which])] = self._events([spec])[0]
            self._write(self.paths[which], render(self.kinds[which], self.events[which]))

    @rule(which=st.integers(0, 1), keep=st.integers(0, 3))
    def truncate(self, which: int, keep: int) -> None:
        which %= len(self.paths)
        del self.events[which][keep:]
        self._write(self.paths[which], render(self.kinds[which], self.events[which]))

    @rule(which=st.integers(0, 1), specs=st.lists(event_specs, max_size=3))
    def rewrite(self, which: int, specs: list[tuple[str | None, int, str]]) -> None:
        which %= len(self.paths)
        self.events[which] = self._events(specs)
        self._write(self.paths[which], render(self.kinds[which], self.events[which]))

    @invariant()
    def same_answers(self) -> None:
        if hasattr(self, "paths"):
            paths = [str(p) for p in self.paths]
            assert answers(paths, cache=True) == answers(paths, cache=False)

    @precondition(lambda self: any(self.events))
    @rule(which=st.integers(0, 1), at=st.integers(0, 10), spec=event_specs)
    def insert(self, which: int, at: int, spec: tuple[str | None, int, str]) -> None:
        which %= len(self.paths)
        self.events[which].insert(at % (len(self.events[which]) + 1), self._events([spec])[0])
        self._write(self.paths[which], render(self.kinds[which], self.events[which]))

    @precondition(lambda self: any(self.events))
    @rule(which=st.integers(0, 1), at=st.integers(0, 10))
    def remove(self, which: int, at: int) -> None:
        which %= len(self.paths)
        if self.events[which]:
            del self.events[which][at % len(self.events[which])]
            self._write(self.paths[which], render(self.kinds[which], self.events[which]))

    def teardown(self) -> None:
        import shutil

        if hasattr(self, "blocks"):
            reset_blocks(self.blocks)
        if hasattr(self, "dir"):
            shutil.rmtree(self.dir, ignore_errors=True)


Changes.TestCase.settings = settings(max_examples=examples(25), stateful_step_count=8,
                                     suppress_health_check=[HealthCheck.too_slow])
test_any_sequence_of_changes = Changes.TestCase


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4))
@settings(max_examples=examples(10), suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_appends_are_refreshes(tmp_path: Path, sizes: list[int]) -> None:
    import tempfile

    directory = Path(tempfile.mkdtemp(dir=tmp_path))
    os.environ["CHRONO_CACHE_DIR"] = str(directory / "cache")
    path = directory / "c.jsonl"
    write(path, render("jsonl", [event(0, "e0")]))
    answers([str(path)], cache=True)
    number = 1
    for step, size in enumerate(sizes, 1):
        new = [event(number + i, None, 1930, "War begins") for i in range(size)]
        number += size
        write(path, appended("jsonl", path.read_text(encoding="utf-8"), new), step)
        assert answers([str(path)], cache=True) == answers([str(path)], cache=False)
        assert updated(directory) == [f"refreshed +{size} events"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kill -9 of a subprocess")
def test_kill_9_during_refreshes_leaves_the_entry_whole(tmp_path: Path) -> None:
    import random
    import signal
    import subprocess
    import time

    from conftest import chrono_cmd, subprocess_env

    path = tmp_path / "c.jsonl"
    write(path, render("jsonl", [event(i, f"e{i}") for i in range(20_000)]))
    cache = tmp_path / "cache"
    env = subprocess_env(CHRONO_CACHE_DIR=str(cache), CHRONO_CACHE_MIN_BYTES="0")
    count = [*chrono_cmd(), "-d", str(path), "list", "--count"]
    assert subprocess.run(count, capture_output=True, env=env, check=True).stdout == b"20000\n"
    rng = random.Random(22)
    total = 20_000
    for step in range(1, 9):
        new = [event(i, f"e{i}") for i in range(total, total + 3000)]
        total += 3000
        write(path, appended("jsonl", path.read_text(encoding="utf-8"), new), step)
        proc = subprocess.Popen(count, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        again = subprocess.run(count, capture_output=True, env=env, timeout=120)
        assert (again.returncode, again.stdout, again.stderr) == (0, f"{total}\n".encode(), b"")
        assert [p.suffix for p in cache.iterdir()] == [".sqlite"], "what a killed refresh left is removed"
    assert updated(tmp_path)[0] in ("built", "refreshed +3,000 events")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kill -9 of a subprocess")
def test_kill_9_during_edit_refreshes_leaves_the_entry_whole(tmp_path: Path) -> None:
    import random
    import signal
    import subprocess
    import time

    from conftest import chrono_cmd, subprocess_env

    path = tmp_path / "c.jsonl"
    events = [event(i, f"e{i}", 1930 + i % 4, TITLES[i % 5]) for i in range(20_000)]  # 4 blocks of 1 MB
    write(path, render("jsonl", events))
    env = subprocess_env(CHRONO_CACHE_DIR=str(tmp_path / "cache"), CHRONO_CACHE_MIN_BYTES="0")
    search = [*chrono_cmd(), "-d", str(path), "search", "tensions", "-f", "ids"]
    subprocess.run(search, capture_output=True, env=env, check=True)
    rng = random.Random(23)
    for step in range(1, 9):
        at = rng.randrange(12_000, len(events))
        if step % 3 == 0:
            events.insert(rng.randrange(18_500, len(events)), event(30_000 + step, f"n{step}", 1931, "Famine"))
        elif step % 3 == 1:
            events[at] = {**events[at], "summary": f"Tensions rose again, step {step}."}
        else:
            del events[at]
        write(path, render("jsonl", events), step)
        proc = subprocess.Popen(search, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        time.sleep(rng.uniform(0.05, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        again = subprocess.run(search, capture_output=True, env=env, timeout=120)
        fresh = subprocess.run([*chrono_cmd(), "--no-cache", *search[len(chrono_cmd()):]], capture_output=True,
                               env=env, timeout=120)
        assert (again.returncode, again.stdout, again.stderr) == (0, fresh.stdout, b"")
        assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".sqlite"]


def test_a_refresh_writes_the_entry_in_place_unless_it_is_in_use(tmp_path: Path) -> None:
    import fcntl
    import subprocess

    from conftest import chrono_cmd, subprocess_env

    path = tmp_path / "c.jsonl"
    env = subprocess_env(CHRONO_CACHE_DIR=str(tmp_path / "cache"), CHRONO_CACHE_MIN_BYTES="0")
    count = [*chrono_cmd(), "-d", str(path), "list", "--count"]
    write(path, render("jsonl", [event(i, f"e{i}") for i in range(50)]))
    assert subprocess.run(count, env=env, capture_output=True).stdout == b"50\n"
    (entry,) = (tmp_path / "cache").iterdir()
    inode = entry.stat().st_ino
    write(path, appended("jsonl", path.read_text(encoding="utf-8"), [event(50, "e50")]), 1)
    assert subprocess.run(count, env=env, capture_output=True).stdout == b"51\n"
    assert (entry.stat().st_ino, updated(tmp_path)) == (inode, ["refreshed +1 events"])
    # Another run reading the entry holds it (shared): the refresh writes a copy that takes its place.
    with open(entry, "rb") as reading:
        fcntl.flock(reading.fileno(), fcntl.LOCK_SH)
        write(path, appended("jsonl", path.read_text(encoding="utf-8"), [event(51, "e51")]), 2)
        assert subprocess.run(count, env=env, capture_output=True, timeout=60).stdout == b"52\n"
        assert reading.read(16) == b"SQLite format 3\x00"
    assert entry.stat().st_ino != inode
    assert updated(tmp_path) == ["refreshed +1 events"]
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [entry.name]
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)


def test_an_entry_whose_refresh_was_killed_is_built_again_silently(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write(path, render("jsonl", [event(i, f"e{i}") for i in range(50)]))
    answers([str(path)], cache=True)
    (entry,) = (tmp_path / "cache").iterdir()
    Path(f"{entry}.refreshing").write_bytes(b"")  # as a refresh in place leaves it when it is killed
    with entry.open("r+b") as f:  # and the pages it had written
        f.seek(4096)
        f.write(b"\x00" * 4096)
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)
    assert updated(tmp_path) == ["built"]
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [entry.name]


@given(st.binary(max_size=700), st.lists(st.integers(1, 90), max_size=12), st.integers(0, 700))
@settings(max_examples=examples(200))
def test_a_digest_is_the_same_however_its_bytes_come(data: bytes, cuts: list[int], start: int) -> None:
    from chrono.read.formats import digest

    old = digest.BLOCK
    digest.BLOCK = 64  # small blocks: several whole ones, hashed in two threads
    try:
        whole = digest.TreeHash()
        whole.update(data)
        pieces = digest.TreeHash()
        at = 0
        for cut in cuts:
            pieces.update(data[at:at + cut])
            at += cut
        pieces.update(data[at:])
        import tempfile

        with tempfile.TemporaryFile() as f:
            f.write(data)
            f.flush()
            start = min(start, len(data))
            ranged = digest.TreeHash()
            ranged.update(data[:start])
            copy = ranged.copy()
            digest.hash_range(f.fileno(), ranged, start, len(data))
            copy.update(data[start:])
        assert whole.hexdigest() == pieces.hexdigest() == ranged.hexdigest() == copy.hexdigest()
        assert whole.hexdigest() != digest.TreeHash().hexdigest() or not data
    finally:
        digest.BLOCK = old


def test_runs_at_once_on_a_grown_file_all_answer(tmp_path: Path) -> None:
    import subprocess

    from conftest import chrono_cmd, subprocess_env

    path = tmp_path / "c.jsonl"
    env = subprocess_env(CHRONO_CACHE_DIR=str(tmp_path / "cache"), CHRONO_CACHE_MIN_BYTES="0")
    count = [*chrono_cmd(), "-d", str(path), "list", "--count"]
    write(path, render("jsonl", [event(i, f"e{i}") for i in range(3000)]))
    subprocess.run(count, env=env, check=True, capture_output=True)
    total = 3000
    for step in range(1, 5):
        write(path, appended("jsonl", path.read_text(encoding="utf-8"),
                             [event(i, f"e{i}") for i in range(total, total + 500)]), step)
        total += 500
        runs = [subprocess.Popen(count, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
        assert [r.communicate(timeout=120) for r in runs] == [(f"{total}\n".encode(), b"")] * 4
        assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".sqlite"]
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)


# Edits ---------------------------------------------------------------------------------------------------------


def set_blocks(size_bits: int) -> tuple[int, int, int]:
    """Blocks of 2**size_bits bytes for digests and row numbers (1 MB in use); what they were."""
    from chrono.read import check
    from chrono.read.formats import digest
    from chrono.read.formats.base import LENGTH_BITS, OFFSET_BITS

    was = (digest.BLOCK, check._BLOCK_AT, check._BLOCK_MASK)
    digest.BLOCK = 1 << size_bits
    check._BLOCK_AT = LENGTH_BITS + size_bits
    check._BLOCK_MASK = (1 << (OFFSET_BITS - size_bits)) - 1
    return was


def reset_blocks(was: tuple[int, int, int]) -> None:
    from chrono.read import check
    from chrono.read.formats import digest

    digest.BLOCK, check._BLOCK_AT, check._BLOCK_MASK = was


@pytest.fixture
def small_blocks() -> Iterator[None]:
    was = set_blocks(8)  # these files span many blocks of 256 bytes, as a large file spans many of 1 MB
    yield
    reset_blocks(was)


def edited(change: str, events: list[dict[str, str]]) -> list[dict[str, str]]:
    """The events after an edit near the end of the file."""
    out = list(events)
    if change == "summary":
        out[50] = {**out[50], "summary": "Talks eased; the treaty was signed."}
    elif change == "title":
        out[50] = {**out[50], "title": "Treaty signed"}
    elif change == "remove":
        del out[50]
    elif change == "insert":
        out.insert(50, event(99, "e99", 1931, "Treaty signed"))
    elif change == "two places":
        out[46] = {**out[46], "summary": "Rewritten."}
        out[55] = {**out[55], "tags": "party"}
    elif change == "truncate":
        del out[52:]
    return out


@pytest.mark.parametrize("change", ["summary", "title", "remove", "insert", "two places", "truncate"])
@pytest.mark.parametrize("kind", FORMATS)
def test_an_edit_is_read_again_from_its_first_changed_block(tmp_path: Path, small_blocks: None, kind: str,
                                                             change: str) -> None:
    import re

    path = tmp_path / f"c{SUFFIX[kind]}"
    events = [event(i, f"e{i}", 1930 + i % 4, TITLES[i % 5]) for i in range(60)]
    write(path, render(kind, events))
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)
    write(path, render(kind, edited(change, events)), 1)
    cached = answers([str(path)], cache=True)
    how = updated(tmp_path)[0]
    found = re.fullmatch(r"refreshed \+(\d+) events \((\d+) replaced\)", how)
    assert found, how
    if change in ("summary", "title", "remove", "insert"):  # the records after the edit keep their rows
        assert int(found[1]) <= 6, how
    assert cached == answers([str(path)], cache=False)
    # and it goes on: records appended after the edit are read alone
    write(path, appended(kind, path.read_text(encoding="utf-8"), [event(70, "e70", 1933, "Famine")]), 2)
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)
    assert updated(tmp_path) == ["refreshed +1 events"]


def test_events_inserted_again_and_again_at_one_place_keep_the_rows_after_them(tmp_path: Path,
                                                                              small_blocks: None) -> None:
    import re

    path = tmp_path / "c.jsonl"
    events = [event(i, f"e{i}", 1930 + i % 4, TITLES[i % 5]) for i in range(60)]
    write(path, render("jsonl", events))
    answers([str(path)], cache=True)
    for step in range(1, 9):
        events.insert(45, event(100 + step, f"n{step}", 1931, "Treaty signed"))
        write(path, render("jsonl", events), step)
        CliRunner().invoke(cli, ["-d", str(path), "list", "--count"], catch_exceptions=False)
        found = re.fullmatch(r"refreshed \+(\d+) events \((\d+) replaced\)", updated(tmp_path)[0])
        assert found and int(found[2]) <= 4, (step, updated(tmp_path))  # numbers were left free for the next
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)


@pytest.mark.parametrize("kind", ["jsonl", "json", "csv"])
def test_an_id_an_edit_takes_away_is_free_for_the_records_it_reads(tmp_path: Path, small_blocks: None,
                                                                   kind: str) -> None:
    path = tmp_path / f"c{SUFFIX[kind]}"
    events = [event(i, f"e{i}", 1930 + i % 4, TITLES[i % 5]) for i in range(60)]
    events[50] = event(50, "famine-1931", 1931, "Famine")
    write(path, render(kind, events))
    answers([str(path)], cache=True)
    events[50] = event(50, None, 1931, "Famine")  # its id is now derived: famine-1931, free again
    write(path, render(kind, events), 1)
    cached = answers([str(path)], cache=True)
    assert updated(tmp_path)[0].startswith("refreshed")
    assert cached == answers([str(path)], cache=False)
    assert "famine-1931-2" not in cached[1][1] and '"famine-1931"' in cached[1][1]


def test_an_edit_at_the_start_or_before_derived_ids_of_a_later_file_builds(tmp_path: Path,
                                                                           small_blocks: None) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    events = [event(i, f"e{i}", 1930, TITLES[i % 5]) for i in range(60)]
    write(first, render("jsonl", events))
    write(second, render("jsonl", [event(61, None, 1930, "War begins")]))  # a derived id: war-begins-1930
    paths = [str(first), str(second)]
    answers(paths, cache=True)
    write(first, render("jsonl", edited("summary", events)), 1)
    assert answers(paths, cache=True) == answers(paths, cache=False)
    assert updated(tmp_path) == ["built"]
    write(second, render("jsonl", [event(61, "e61", 1930, "War begins")]), 2)
    answers(paths, cache=True)
    events[0] = {**events[0], "summary": "Changed at the start."}
    write(first, render("jsonl", events), 3)
    assert answers(paths, cache=True) == answers(paths, cache=False)
    assert updated(tmp_path) == ["built"]


def test_an_edit_with_columns_mapped_builds(tmp_path: Path, small_blocks: None) -> None:
    path = tmp_path / "c.jsonl"
    events = [{**event(i, f"e{i}"), "Heading": "x"} for i in range(60)]
    write(path, render("jsonl", events))
    argv = ["-d", str(path), "-m", "summary=Heading", "list", "--count"]
    assert CliRunner().invoke(cli, argv).stdout == "60\n"
    write(path, render("jsonl", edited("title", events)), 1)
    assert CliRunner().invoke(cli, argv).stdout == "60\n"
    assert updated(tmp_path) == ["built"]  # without -m, the same edit is a refresh (above)


def test_each_indexed_word_has_a_form_that_gives_it_back() -> None:
    import sqlite3

    from chrono.store.edits import word_forms
    from chrono.store.writer import TOKENIZER

    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE fts USING fts5(summary, tokenize='{TOKENIZER}')")
    conn.execute("INSERT INTO fts VALUES ('Tensions eased; generous rations were issued in 1932, Köln')")
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, fts, instance)")
    terms = {term for (term,) in conn.execute("SELECT term FROM temp.v")}
    assert "eas" in terms  # a stem that is not its own stem
    forms = word_forms(conn, terms)
    assert forms is not None and forms["eas"] != "eas"
    for term, form in forms.items():
        conn.execute("DELETE FROM fts")
        conn.execute("INSERT INTO fts VALUES (?)", (form,))
        assert [t for (t,) in conn.execute("SELECT term FROM temp.v")] == [term]


def test_many_edits_keep_the_cache_near_the_size_of_a_build(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    import random

    was = set_blocks(12)
    request.addfinalizer(lambda: reset_blocks(was))
    path = tmp_path / "c.jsonl"
    events = [event(i, f"e{i}", 1930 + i % 4, TITLES[i % 5]) for i in range(4000)]
    write(path, render("jsonl", events))
    answers([str(path)], cache=True)
    rng = random.Random(7)
    sizes = []
    for step in range(1, 25):
        at = rng.randrange(3000, len(events))  # an insert reads all after it: at most half as many as before
        if step % 3:
            events[at] = {**events[at], "summary": f"Edit {step}: talks eased, then failed."}
        else:
            events.insert(at, event(10000 + step, f"n{step}", 1931, "Treaty signed"))
        write(path, render("jsonl", events), step)
        CliRunner().invoke(cli, ["-d", str(path), "list", "--count"], catch_exceptions=False)
        assert updated(tmp_path)[0].startswith("refreshed"), step
        (entry,) = (tmp_path / "cache").iterdir()
        sizes.append(entry.stat().st_size / path.stat().st_size)  # a build at a million events makes 0.74
    assert answers([str(path)], cache=True) == answers([str(path)], cache=False)
    (entry,) = (tmp_path / "cache").iterdir()
    entry.unlink()
    answers([str(path)], cache=True)
    assert updated(tmp_path) == ["built"]
    assert max(sizes) <= 1.25 * entry.stat().st_size / path.stat().st_size, sizes  # then merged and compacted


def test_a_table_row_without_a_summary_has_none_from_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    write(path, "id,date,title\n" + "".join(f"e{i},1930,Event {i}\n" for i in range(50)))
    argv = ["-d", str(path), "show", "e7", "-f", "json"]
    cached = CliRunner().invoke(cli, argv, catch_exceptions=False)
    assert (cached.exit_code, cached.stderr) == (0, "")
    assert cached.stdout == CliRunner().invoke(cli, ["--no-cache", *argv], catch_exceptions=False).stdout


def scale_text(kind: str, events: list[dict[str, Any]]) -> str:
    """The events of test_cache.synthetic as a file of this format, written as a program would write it."""
    if kind == "json":
        return json.dumps({"events": events})
    if kind == "jsonl":
        return "".join(json.dumps(e) + "\n" for e in events)
    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if kind == "csv" else "\t", lineterminator="\n")
    writer.writerow(["id", "date", "title", "summary", "tags", "people", "sources"])
    for e in events:
        writer.writerow([e["id"], e["date"], e["title"], e["summary"], ";".join(e["tags"]), ";".join(e["people"]),
                         e["sources"][0]["title"]])
    return out.getvalue()


@pytest.mark.parametrize("kind", ["jsonl", "json", "csv", "tsv"])
def test_a_hundred_thousand_events_answer_twenty_queries_as_a_build_after_appends_and_edits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    from test_cache import SCALE_QUERIES, synthetic

    events = json.loads(synthetic(tmp_path / "s.json", 101_000).read_text(encoding="utf-8"))["events"]
    path = tmp_path / f"c.{kind}"
    write(path, scale_text(kind, events[:100_000]))
    runner = CliRunner()
    monkeypatch.setenv("CHRONO_CACHE_DIR", str(tmp_path / "kept"))
    assert runner.invoke(cli, ["-d", str(path), "list", "--count"]).stdout == "100000\n"
    edited = list(events)
    edited.insert(70_000, {**events[70_000], "id": "inserted", "title": "Inserted kirov"})
    edited[50_000] = {**events[50_000], "summary": "An edited summary: the kirov treaty."}
    for step, (now, how) in enumerate(((events, "refreshed +1,000 events"), (edited, "refreshed +")), 1):
        write(path, scale_text(kind, now), step)
        kept = [runner.invoke(cli, ["-d", str(path), *args, *([] if "-f" in args else ["-f", "ids"])])
                for args in SCALE_QUERIES]
        assert updated(tmp_path)[0].startswith(how), updated(tmp_path)
        monkeypatch.setenv("CHRONO_CACHE_DIR", str(tmp_path / f"fresh{step}"))
        for args, cached in zip(SCALE_QUERIES, kept, strict=True):
            built = runner.invoke(cli, ["-d", str(path), *args, *([] if "-f" in args else ["-f", "ids"])])
            assert (cached.exit_code, cached.stdout) == (built.exit_code, built.stdout), args
        monkeypatch.setenv("CHRONO_CACHE_DIR", str(tmp_path / "kept"))

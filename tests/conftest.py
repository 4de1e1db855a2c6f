"""Shared fixtures: a CliRunner with an isolated environment and paths to the fixture chronologies."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from chrono.cli import cli

# Hypothesis in CI is derandomized, so that a failure there is the same failure here. CHRONO_HYPOTHESIS=long runs
# each property with ten times the examples and fresh randomness (run it before a release; turn what it finds
# into example tests).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("long", deadline=None, print_blob=True)
PROFILE = os.environ.get("CHRONO_HYPOTHESIS", "ci")
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """How many examples a property runs: n in CI, ten times n in the long profile."""
    return n * (10 if PROFILE == "long" else 1)

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
MINI = DATA / "mini.json"
REPO = HERE.parent
BUNDLED = REPO / "data" / "events.json"
SEEDS = REPO.parent / "shared" / "seeds"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `seeds` need the seed documents beside the checkout; without them they skip and say where."""
    if SEEDS.is_dir():
        return
    skip = pytest.mark.skip(reason=f"the seed documents are not in {SEEDS} (../shared/seeds beside this checkout)")
    for item in items:
        if item.get_closest_marker("seeds"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own cache directory and no CHRONO_DATA, COLUMNS or NO_COLOR from outside."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("CHRONO_CACHE_DIR", str(cache))
    for name in ("CHRONO_DATA", "COLUMNS", "NO_COLOR", "CHRONO_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return cache


@pytest.fixture
def run():
    """Invoke chrono in-process: run('list', '-f', 'tsv', data=MINI) -> click Result."""

    def invoke(*args: str, data: Path | str | list | None = MINI, input: str | bytes | None = None,
               env: dict[str, str] | None = None) -> Result:
        argv: list[str] = []
        if data is not None:
            for d in data if isinstance(data, list) else [data]:
                argv += ["-d", str(d)]
        runner = CliRunner()
        return runner.invoke(cli, [*argv, *args], input=input, env=env, catch_exceptions=False)

    return invoke


def chrono_cmd() -> list[str]:
    """The command line that runs the installed chrono in a subprocess."""
    return [sys.executable, "-m", "chrono"]


def subprocess_env(**extra: str) -> dict[str, str]:
    """An environment for subprocess tests: UTF-8, no colour settings from outside."""
    env = {k: v for k, v in os.environ.items() if k not in ("CHRONO_DATA", "COLUMNS", "NO_COLOR")}
    env.update(extra)
    return env


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    """Write a file of text (UTF-8) or bytes into tmp_path and return its path."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)

"""The layout by stage: imports run one way (cli on top, model at the bottom), few modules at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "chrono"
# Each stage and the stages it may import (itself included).
ALLOWED = {
    "model": {"model"}, "errors": {"errors", "model"},
    "dates": {"dates", "model", "errors"},
    "read": {"read", "dates", "model", "errors"},
    "store": {"store", "read", "dates", "model", "errors"},
    "output": {"output", "store", "dates", "model", "errors"},
    "api": {"api", "output", "store", "read", "dates", "model", "errors"},
    "cli": {"cli", "api", "output", "store", "read", "dates", "model", "errors"},
}
MODULES = sorted(p for p in SRC.rglob("*.py"))


def stage(module: str) -> str:
    """The stage of a module name under chrono ('chrono.store.index' -> 'store')."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "face"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_run_one_way(path: Path) -> None:
    own = stage("chrono." + ".".join(path.relative_to(SRC).with_suffix("").parts))
    if own in ("face", "__init__", "__main__"):
        return
    allowed = ALLOWED[own]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        for name in names:
            if name.startswith("chrono.") and stage(name) not in allowed:
                pytest.fail(f"{path.relative_to(SRC)} ({own}) imports {name} ({stage(name)})")


def test_few_modules_at_the_top_and_none_import_click_outside_the_cli() -> None:
    top = sorted(p.name for p in SRC.glob("*.py"))
    assert len(top) <= 8, top
    for path in MODULES:
        if "cli" in path.relative_to(SRC).parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "import click" not in text and "from click" not in text, path


def test_every_stage_says_what_it_holds_and_may_import() -> None:
    for package in ("read", "store", "dates", "output"):
        doc = (SRC / package / "__init__.py").read_text(encoding="utf-8")
        assert "May import" in doc, package


def test_a_warm_query_imports_no_reading_stage(tmp_path: Path) -> None:
    """The bundled search from the cache reads nothing but the index: the readers and the normaliser stay out."""
    import subprocess
    import sys

    from conftest import subprocess_env

    env = subprocess_env(CHRONO_CACHE_DIR=str(tmp_path))
    command = [sys.executable, "-X", "importtime", "-m", "chrono", "search", "kirov", "-f", "tsv"]
    subprocess.run(command, capture_output=True, env=env, check=True)  # builds the cache
    warm = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in warm.stderr.splitlines() if "|" in line}
    assert "chrono.store.index" in imported
    assert not {m for m in imported if m.startswith(("chrono.read.normalise", "chrono.read.check", "chrono.read.load",
                                                       "chrono.dates.humandates", "dateutil"))}

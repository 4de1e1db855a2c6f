"""Help that teaches: every command's help ends with examples, and the README shows real output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from chrono.cli import cli

COMMANDS = ["list", "filter", "search", "show", "on", "tags", "sources", "between", "cite", "timeline", "export",
            "validate", "cache", "cache info", "cache clear"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_ends_with_examples(command: str) -> None:
    result = CliRunner().invoke(cli, [*command.split(), "--help"], prog_name="chrono")
    assert result.exit_code == 0
    tail = result.stdout.rstrip().split("Examples:")[-1]
    examples = [line.strip() for line in tail.splitlines() if line.strip()]
    assert "Examples:" in result.stdout and examples
    assert all(line.startswith(f"chrono {command.split()[0]}") or line.startswith("chrono ") for line in examples)
    assert any(command.split()[-1] in line for line in examples)


def test_every_command_is_listed() -> None:
    listed = CliRunner().invoke(cli, ["--help"], prog_name="chrono").stdout
    for command in COMMANDS:
        if " " not in command:
            assert f"  {command} " in listed


def test_overview_has_three_examples(run) -> None:
    lines = run(data=None).stdout.splitlines()
    start = lines.index("Try:")
    assert [line.strip().split()[0] for line in lines[start + 1:start + 4]] == ["chrono"] * 3


def _pages() -> list[Path]:
    from readme_tool import PAGES

    return PAGES


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_every_page_shows_real_output(page: Path) -> None:
    from readme_tool import rewrite

    text = page.read_text(encoding="utf-8")
    assert rewrite(text) == text, f"{page.name} drifted from real output: run python3 tests/readme_tool.py --write"


def test_readme_has_the_two_commands() -> None:
    from readme_tool import README

    text = README.read_text(encoding="utf-8")
    assert "python3 -m pip install . && chrono search kirov" in text
    assert "python3 -m pip install '.[test]' && python3 -m pytest" in text


def test_readme_intro_counts_the_bundled_events() -> None:
    import json
    import re

    from conftest import BUNDLED
    from readme_tool import README

    events = json.loads(BUNDLED.read_text(encoding="utf-8"))["events"]
    years = sorted(int(e["date"].lstrip(".")[:4]) for e in events if e["date"][:4].isdigit())
    intro = re.search(r"\((\d+) events, (\d{4}) to (\d{4})\)", README.read_text(encoding="utf-8"))
    assert intro is not None, "the README's opening paragraph gives the size of the bundled chronology"
    assert (int(intro[1]), int(intro[2]), int(intro[3])) == (len(events), years[0], years[-1])


@pytest.mark.parametrize(("page", "least"), [("docs/api.md", 15), ("README.md", 3)])
def test_python_examples_run(monkeypatch: pytest.MonkeyPatch, page: str, least: int) -> None:
    import doctest

    from conftest import REPO

    monkeypatch.chdir(REPO)
    result = doctest.testfile(str(REPO / page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= least and result.failed == 0


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_links_lead_somewhere(page: Path) -> None:
    import re

    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#([^)]*))?\)", text):
        path, anchor = target
        if path.startswith(("http://", "https://")):
            continue
        linked = (page.parent / path).resolve()
        assert linked.exists(), f"{page.name} links to {path}, which does not exist"
        if anchor:
            heads = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), re.M)
            slugs = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in heads}
            assert anchor in slugs, f"{page.name} links to {path}#{anchor}, which has no such heading"


def test_readme_is_a_front_door() -> None:
    from readme_tool import README

    assert len(README.read_text(encoding="utf-8").splitlines()) <= 300


def test_every_column_name_is_documented() -> None:
    from chrono.read.normalise import FIELD_NAMES
    from conftest import REPO

    page = (REPO / "docs" / "own-data.md").read_text(encoding="utf-8")
    table = page[page.index("| field | column names |"):page.index("`-m/--map FIELD=COLUMN`")]
    for names in FIELD_NAMES.values():
        for name in names:
            assert f"`{name}`" in table, f"column name {name!r} is read but not in docs/own-data.md"

"""Shell completion through click's mechanism: commands, options, tags, ids, people and places."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from chrono.cli import cli
from conftest import MINI


def complete(words: str, shell: str = "bash") -> list[str]:
    args = words.split()
    cword = len(args) if words.endswith(" ") else len(args) - 1
    env = {"_CHRONO_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    if shell != "bash":
        env = {"_CHRONO_COMPLETE": f"{shell}_complete", "COMP_WORDS": words,
               "COMP_CWORD": str(cword), "COMP_WORDBREAKS": ""}
    result = CliRunner().invoke(cli, [], env=env, prog_name="chrono")
    values = []
    for line in result.stdout.splitlines():
        if shell == "bash":
            kind, _, value = line.partition(",")
            values.append(value)
        else:
            values.append(line)
    return values


def test_commands_and_options() -> None:
    assert "search" in complete("chrono se")
    assert complete("chrono ci") == ["cite"] and complete("chrono bet") == ["between"]
    assert "--tag" in complete("chrono list --ta")
    assert "--format" in complete(f"chrono -d {MINI} list --for")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (f"chrono -d {MINI} list --tag pu", ["purges"]),
        (f"chrono -d {MINI} search kirov -t fa", ["famine"]),
        (f"chrono -d {MINI} show lenin", ["lenin-dies", "lenin-enrolment"]),
        (f"chrono -d {MINI} list --person len", ["Vladimir Lenin"]),
        (f"chrono -d {MINI} list --place lenin", ["Leningrad"]),
        (f"chrono -d {MINI} list -f j", ["json", "jsonl"]),
        (f"chrono -d {MINI} list --source p", ["paper"]),
        (f"chrono -d {MINI} tags --not-source B", ["book"]),
        (f"chrono -d {MINI} list --source Se", ["Service"]),
        (f"chrono -d {MINI} list --certainty ", ["disputed", "uncertain", "certain"]),
        (f"chrono -d {MINI} search x --certainty d", ["disputed"]),
        (f"chrono -d {MINI} list --precision d", ["day", "decade"]),
        (f"chrono -d {MINI} between lenin", ["lenin-dies", "lenin-enrolment"]),
        (f"chrono -d {MINI} between lenin-dies kir", ["kirov-assassinated"]),
        (f"chrono -d {MINI} cite gr", ["great-terror"]),
    ],
)
def test_values(words: str, expected: list[str]) -> None:
    assert complete(words) == expected


def test_zsh_and_fish_sources_exist() -> None:
    for shell in ("bash", "zsh", "fish"):
        result = CliRunner().invoke(cli, [], env={"_CHRONO_COMPLETE": f"{shell}_source"}, prog_name="chrono")
        assert result.exit_code == 0 and "_CHRONO_COMPLETE" in result.stdout, shell

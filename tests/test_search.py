"""Search: the text of every column a record has (issue 19, item 4)."""

from __future__ import annotations

import json

from conftest import DATA

SPACE = DATA / "real" / "wikipedia-space-exploration.csv"


def test_extra_fields_are_searched(run, tmp_path) -> None:
    result = run("search", "Apollo", "11", "-f", "tsv", "-F", "id", data=SPACE)
    assert result.stdout.split()[1:] == ["first-human-on-another-celestial-body-the-moon-1969",
                                         "first-space-launch-from-another-celestial-body-1969"]
    doc = {"events": [{"date": "1961", "title": "A flight", "extra": {"crew": {"pilot": ["Yuri Gagarin"]},
                                                                        "ship": "Vostok 1", "number": 3}}]}
    path = tmp_path / "extra.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert run("search", "gagarin", "vostok", "-f", "ids", data=path).stdout == "a-flight-1961\n"
    assert run("search", "pilot", "-f", "ids", data=path).exit_code == 1  # keys are names, not text

"""Search as a researcher asks (issue 24): questions as sentences, ranking, and every column (issue 19, item 4)."""

from __future__ import annotations

import json

import pytest

from conftest import DATA

RANKING = DATA / "ranking.json"
SPACE = DATA / "real" / "wikipedia-space-exploration.csv"


@pytest.mark.parametrize(("query", "first"), [
    ("Lenin returns to Petrograd from exile in Switzerland", "lenin-returns-to-petrograd"),
    ("Leon Trotsky is born", "trotsky-born"),
    ("fifteenth party congress", "fifteenth-party-congress-expels-opposition"),
    ("emancipated serfs", "emancipation-of-serfs"),
    ("when did Stalin die", "stalin-dies"),
    ("expulsion of Trotsky and Zinoviev from the party", "trotsky-zinoviev-expelled-from-party"),
    ("kirov 1934", "kirov-assassinated"),
])
def test_a_question_finds_its_event_first(run, query: str, first: str) -> None:
    result = run("search", *query.split(), "-f", "ids", data=None)
    assert result.exit_code == 0
    assert result.stdout.split()[0] == first


def test_suggestions_are_words_of_the_chronology(run) -> None:
    # The index holds 'emancipation' as its stem 'emancip'; the suggestion is the word itself.
    result = run("search", "emancipaton", data=None)
    assert result.exit_code == 1
    assert result.stderr == "chrono: no events match 'emancipaton'; did you mean 'emancipation'?\n"


@pytest.mark.parametrize(("query", "order"), [
    (["kirov"], ["title-match", "summary-match"]),  # a title match above a summary match
    (["yezhov"], ["named", "mentioned"]),  # a person named in the event above a passing mention
    (["trial", "1937"], ["day-of-year", "decade-span"]),  # a day-precise event of the year above a decade
    (["purges"], ["exact", "stemmed"]),  # the exact form above a stemmed one
    (["famine"], ["many-sources", "one-source"]),  # more sources rank higher
])
def test_ranking(run, query: list[str], order: list[str]) -> None:
    assert run("search", *query, "-f", "ids", data=RANKING).stdout.split() == order


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

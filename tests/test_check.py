"""The checker's index rows: every way of making one gives the fields in the order model.ROW_FIELDS declares."""

from __future__ import annotations

import pytest

from chrono.dates.edtf import day_span
from chrono.model import ROW_FIELDS
from chrono.read.check import Checker

RECORD = {"id": "kirov", "date": "1934-12-01", "title": "Kirov shot", "summary": "In Leningrad.",
          "tags": ["purges"], "people": ["Sergei Kirov"], "places": ["Leningrad"], "aliases": ["Kirow"],
          "sources": [{"source": "seed-wiki", "cite": "Service 2004, p. 314"}]}
EXPECTED = {
    "n": 1, "id": "kirov", "date": "1934-12-01", "date_os": None, "earliest": 19341201, "latest": 19341201,
    "precision": "day", "os_md": None, "prior": 1.0, "title": "Kirov shot", "summary": "In Leningrad.",
    "tags": '["purges"]', "people": '["Sergei Kirov"]', "places": '["Leningrad"]', "aliases": '["Kirow"]',
    "sources": '[{"source":"seed-wiki","cite":"Service 2004, p. 314"}]', "rest": None, "loc": 7,
}


@pytest.mark.parametrize("way", ["check", "quick"])
def test_row_fields_by_name(way: str) -> None:
    checker = Checker()
    if way == "check":
        row, problems = checker.check(dict(RECORD), day_span(RECORD["date"]), 7)
        assert problems == []
    else:
        row = checker.quick(dict(RECORD), 7)
    assert row is not None and len(row) == len(ROW_FIELDS)
    assert dict(zip(ROW_FIELDS, row, strict=True)) == EXPECTED


def test_rest_holds_the_fields_beyond_the_basic_ones() -> None:
    record = {**RECORD, "certainty": "disputed", "note": "why", "extra": {"Mission": "Apollo 11"}}
    row, problems = Checker().check(record, day_span(record["date"]))
    assert problems == [] and row is not None
    fields = dict(zip(ROW_FIELDS, row, strict=True))
    assert fields["rest"] == '{"certainty":"disputed","note":"why","extra":{"Mission":"Apollo 11"}}'
    assert fields["loc"] is None

"""Where each date comes from, doubt about the account apart from doubt about the date, and retired ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BUNDLED, write

DOC = json.loads(BUNDLED.read_text(encoding="utf-8"))


def _ids(run, *args: str) -> set[str]:  # noqa: ANN001
    return set(run("list", *args, "-f", "ids", data=None).stdout.split())


def test_date_basis_filter(run) -> None:
    standard = {e["id"] for e in DOC["events"] if e["date_basis"] == "standard"}
    wiki = {e["id"] for e in DOC["events"] if e["date_basis"] == "seed-wiki"}
    assert _ids(run, "--date-basis", "standard") == standard
    assert _ids(run, "--date-basis", "seed") == {e["id"] for e in DOC["events"]} - standard
    assert _ids(run, "--date-basis", "seed-wiki") == wiki
    assert _ids(run, "--date-basis", "seed-wiki", "--date-basis", "standard") == wiki | standard
    days = {e["id"] for e in DOC["events"] if e["date_basis"] == "standard" and len(e["date"]) == 10}
    assert _ids(run, "--date-basis", "standard", "--precision", "day") == days and days


def test_account_apart_from_certainty(run) -> None:
    assert "kirov-assassinated" in _ids(run, "--account", "disputed")
    assert "kirov-assassinated" in _ids(run, "--certainty", "certain"), "the date of Kirov's murder is not in doubt"
    assert _ids(run, "--account", "certain") == {e["id"] for e in DOC["events"] if "account" not in e}


def test_show_and_export_carry_the_new_fields(run) -> None:
    shown = run("show", "kirov-assassinated", "-f", "table", data=None).stdout
    assert "date basis seed-history" in " ".join(shown.split()) and "account    disputed" in shown
    (event,) = json.loads(run("show", "kirov-assassinated", "-f", "json", data=None).stdout)
    assert (event["account"], event["date_basis"]) == ("disputed", "seed-history")


def test_retired_ids_lead_to_the_event_that_replaced_them(run) -> None:
    retired = "anti-soviet-elements-operation"
    shown = run("show", retired, "-f", "table", data=None)
    assert shown.exit_code == 0 and shown.stdout.startswith("nkvd-order-00447\n")
    assert shown.stderr == f"chrono: {retired} was merged into nkvd-order-00447\n"
    assert json.loads(run("show", retired, "-f", "json", data=None).stdout)[0]["id"] == "nkvd-order-00447"
    assert run("between", retired, "kirov-assassinated", "-f", "ids", data=None).stdout == \
        "nkvd-order-00447\nkirov-assassinated\n"
    assert run("cite", retired, data=None).stdout.startswith("nkvd-order-00447:")
    assert "nkvd-order-00447" in _ids(run, "--around", retired, "--window", "1m")
    assert retired not in _ids(run)


@pytest.mark.parametrize(
    ("event", "message"),
    [({}, 'no "date_basis": say which cited source states the date, or "standard" (--strict)'),
     ({"date_basis": "seed-wiki"}, "date_basis 'seed-wiki' is not a source the event cites"),
     ({"date_basis": "standard", "account": "maybe"}, "account 'maybe' must be one of: disputed, uncertain"),
     ({"date_basis": "standard", "replaces": ["Not An Id"]}, "replaces must be an array of the ids")],
)
def test_strict_rules(run, tmp_path: Path, event: dict[str, object], message: str) -> None:
    cited = {"id": "a", "date": "1934", "title": "A", "summary": "S", "tags": ["x"],
             "sources": [{"source": "seed-history"}]}
    doc = {"sources": {"seed-history": {"title": "t"}}, "tags": {"x": "X"}, "events": [{**cited, **event}]}
    path = write(tmp_path, "c.json", json.dumps(doc))
    result = run("validate", "--strict", path)
    assert result.exit_code == 2 and message in result.stderr


def test_user_files_need_no_date_basis(run, tmp_path: Path) -> None:
    assert run("validate", write(tmp_path, "a.csv", "date,title\n1934,A\n")).exit_code == 0


def test_the_new_fields_round_trip_through_csv(run, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert run("export", "--to", "csv", "-o", str(out), data=None).exit_code == 0
    again = json.loads(run("show", "nkvd-order-00447", "kirov-assassinated", "-f", "json", data=out).stdout)
    before = json.loads(run("show", "nkvd-order-00447", "kirov-assassinated", "-f", "json", data=None).stdout)
    keys = ("account", "date_basis", "replaces", "certainty")
    assert [[e.get(k) for k in keys] for e in again] == [[e.get(k) for k in keys] for e in before]

"""The bundled chronology as research data: valid, sourced, dual-dated, in its own words, spot-checked."""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from chrono.dates.calendars import julian_to_gregorian
from chrono.dates.edtf import parse_edtf
from chrono.store.cache import build_in_memory
from chrono.store.query import Filters
from conftest import BUNDLED, DATA, REPO, SEEDS

SHARED = REPO.parent / "shared"

DOC = json.loads(BUNDLED.read_text(encoding="utf-8"))
EVENTS = DOC["events"]
BY_ID = {e["id"]: e for e in EVENTS}
FACTS = json.loads((DATA / "spot_facts.json").read_text(encoding="utf-8"))
TAG_PAGE_EVENTS = [
    "tampere-conference", "first-sovnarkom-formed", "trotsky-zinoviev-expelled-from-party",
    "bazhanov-defects", "trotsky-exiled-to-alma-ata", "first-five-year-plan-launched",
    "stalin-calls-for-liquidation-of-kulaks", "kirov-assassinated",
]


def test_bundled_chronology_validates(run) -> None:
    from chrono.store.cache import bundled_path

    result = run("validate", data=None)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{bundled_path()}: {len(EVENTS)} events ok\n"


def test_size_and_unique_ids() -> None:
    assert len(EVENTS) >= 180
    assert len(BY_ID) == len(EVENTS)
    assert build_in_memory([str(BUNDLED)]).count(Filters()) == len(EVENTS)


def test_every_seed_document_is_declared_and_cited() -> None:
    files = {s["file"] for s in DOC["sources"].values()}
    assert files == {"000_903f1023eb331f59.txt", "001_a47e9af67c6b072e.txt", "002_922d352d4f310ea5.txt",
                     "003_0672e84bc2e5a7ea.txt", "004_ba050c2f9b3ac596.txt"}
    cited = Counter(s["source"] for e in EVENTS for s in {x["source"]: x for x in e["sources"]}.values())
    assert set(cited) == set(DOC["sources"]), cited


def test_tag_page_events_are_all_in() -> None:
    for event_id in TAG_PAGE_EVENTS:
        assert {"source": "seed-tags"} in BY_ID[event_id]["sources"], event_id


def test_historian_citations_are_well_formed() -> None:
    import re

    cite = re.compile(r"[A-Z][A-Za-z]+(?: and [A-Z][A-Za-z]+)? \d{4}, pp?\. [0-9][0-9, \u2013]*")
    cites = [s["cite"] for e in EVENTS for s in e["sources"] if "cite" in s]
    assert len(cites) > 100
    for c in cites:
        assert cite.fullmatch(c), c
    wiki_only = [s for e in EVENTS for s in e["sources"] if "cite" in s and s["source"] != "seed-wiki"]
    assert not wiki_only, "only the wiki article carries historians' citations"


def test_tag_vocabulary() -> None:
    declared = set(DOC["tags"])
    used = Counter(t for e in EVENTS for t in e["tags"])
    assert 20 <= len(declared) <= 35
    assert set(used) == declared, "every declared tag is used, and only declared tags"
    assert all(DOC["tags"][t].strip() for t in declared)
    assert used["stalin"] > 100


def test_old_style_dates_convert_and_belong_before_the_switch() -> None:
    with_os = [e for e in EVENTS if "date_os" in e]
    assert len(with_os) >= 15
    for e in with_os:
        span = parse_edtf(e["date"])
        assert span.latest is not None and span.latest.isoformat() < "1918-02-14", e["id"]
        y, m, d = (int(x) for x in e["date_os"].split("/")[0].split("-"))
        assert julian_to_gregorian(y, m, d) == span.earliest, e["id"]


def test_disagreements_are_explained() -> None:
    # Since issue 23 a disagreement is either about the date (certainty) or about the account (account).
    disputed = [e for e in EVENTS if "disputed" in (e.get("certainty"), e.get("account"))]
    assert len(disputed) >= 20
    for e in EVENTS:
        if "certainty" in e or "account" in e:
            assert e.get("note"), e["id"]
        for alt in e.get("alt_dates", []):
            assert alt["sources"], e["id"]
    # The two disagreements named in the issue.
    assert any(a["date"] == "1917-11-08" for a in BY_ID["winter-palace-stormed"]["alt_dates"])
    assert any(a["date"] == "1934-12-01" for a in BY_ID["first-five-year-plan-launched"]["alt_dates"])


def test_one_spelling_per_person_and_place() -> None:
    for field in ("people", "places"):
        names = sorted({n for e in EVENTS for n in e.get(field, [])})
        by_last: dict[str, list[str]] = {}
        for n in names:
            by_last.setdefault(n.split()[-1].casefold(), []).append(n)
        for group in by_last.values():
            for a in group:
                for b in group:
                    if a < b and difflib.SequenceMatcher(None, a, b).ratio() > 0.85:
                        pytest.fail(f"{field}: {a!r} and {b!r} look like two spellings of one name")


def test_titles_are_short_and_summaries_brief() -> None:
    for e in EVENTS:
        assert len(e["title"]) <= 80, e["id"]
        assert e["summary"].count(". ") <= 3, e["id"]


@pytest.mark.parametrize("fact", FACTS, ids=[f["id"] for f in FACTS])
def test_spot_fact_matches_the_record(fact: dict) -> None:
    event = BY_ID[fact["id"]]
    assert event["date"] == fact["date"]
    assert event.get("date_os") == fact["date_os"]
    assert any(s["source"] for s in event["sources"])


def test_at_least_forty_spot_facts() -> None:
    assert len(FACTS) >= 40
    assert len({f["file"] for f in FACTS}) >= 4


@pytest.mark.seeds
@pytest.mark.parametrize("fact", FACTS, ids=[f["id"] for f in FACTS])
def test_spot_fact_quote_is_in_the_seed(fact: dict) -> None:
    text = (SEEDS / fact["file"]).read_text(encoding="utf-8")
    assert fact["quote"] in text


@pytest.mark.seeds
def test_no_seed_text_is_copied() -> None:
    tool = SHARED / "tools" / "check_copy.py"
    result = subprocess.run([sys.executable, str(tool), str(BUNDLED)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]


def test_the_search_finds_the_assassination_first(run) -> None:
    assert run("search", "kirov", "-f", "ids", "-n", "1", data=None).stdout == "kirov-assassinated\n"


def test_bundled_file_ships_in_the_package() -> None:
    from chrono.store.cache import bundled_path

    path = Path(bundled_path())
    assert path.is_file()
    assert Path(path).read_bytes() == BUNDLED.read_bytes(), "the installed chronology is the one in data/"


def _wiki_citations() -> set[str]:
    """Every {{sfn}}/{{sfnm}} citation of the wiki seed, as the chronology writes them ("Service 2004, p. 314")."""
    import re

    text = (SEEDS / "002_922d352d4f310ea5.txt").read_text(encoding="utf-8").replace("\u03b2", "\u2013")
    found = set()
    for kind, body in re.findall(r"\{\{(sfnm?)\|([^}]*)\}\}", text):
        parts = [p.strip() for p in body.split("|")]
        named = dict(p.split("=", 1) for p in parts if "=" in p)
        if kind == "sfn":
            plain = [p for p in parts if "=" not in p]
            authors, year = " and ".join(plain[:-1]), plain[-1]
            found.add(f"{authors} {year}, " + (f"p. {named['p']}" if "p" in named else f"pp. {named['pp']}"))
            continue
        i = 1
        while f"{i}a1" in named:
            authors = " and ".join(named[k] for k in (f"{i}a1", f"{i}a2") if k in named)
            page = f"p. {named[f'{i}p']}" if f"{i}p" in named else f"pp. {named[f'{i}pp']}"
            found.add(f"{authors} {named[f'{i}y']}, {page}")
            i += 1
    return found


@pytest.mark.seeds
def test_every_historian_citation_is_one_the_wiki_article_gives() -> None:
    given = _wiki_citations()
    assert len(given) > 200
    cited = {(e["id"], s["cite"]) for e in EVENTS for s in e["sources"] if "cite" in s}
    unknown = sorted(pair for pair in cited if pair[1] not in given)
    assert not unknown, unknown


def test_day_precision_dates_before_the_switch_carry_old_style() -> None:
    for e in EVENTS:
        span = parse_edtf(e["date"])
        if span.precision == "day" and span.earliest.isoformat() < "1918-02-14":
            assert "date_os" in e, e["id"]


def test_events_naming_stalin_carry_the_stalin_tag() -> None:
    for e in EVENTS:
        if "Joseph Stalin" in e.get("people", []):
            assert "stalin" in e["tags"], e["id"]
        if "stalin" in e["tags"]:
            assert "Joseph Stalin" in e.get("people", []), e["id"]


# Issue 23: where each date comes from, two kinds of doubt, merged and dropped records, added events.

SEED_KEYS = set(DOC["sources"])
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FLAG_VALUES = {"disputed", "uncertain"}


def test_every_event_names_the_basis_of_its_date() -> None:
    for e in EVENTS:
        basis = e.get("date_basis")
        assert isinstance(basis, str), e["id"]
        if basis != "standard":
            assert basis in SEED_KEYS, (e["id"], basis)
            assert basis in {s["source"] for s in e["sources"]}, f"{e['id']}: date_basis {basis} is not cited"


def test_dates_from_standard_accounts_say_so_in_the_note() -> None:
    standard = [e for e in EVENTS if e["date_basis"] == "standard"]
    assert len(standard) >= 25
    for e in standard:
        assert "standard accounts" in e.get("note", "").casefold(), e["id"]


def test_dates_a_seed_states_are_not_marked_standard() -> None:
    for fact in FACTS:
        assert BY_ID[fact["id"]]["date_basis"] != "standard", fact["id"]
    for event_id in ("lenin-dies", "kirov-assassinated", "stalin-general-secretary", "winter-palace-stormed"):
        assert BY_ID[event_id]["date_basis"] == "seed-history", event_id


def test_the_days_named_in_the_audit_come_from_standard_accounts() -> None:
    for event_id in ("politburo-formed", "lenin-funeral", "stalin-peace-prize-established"):
        assert BY_ID[event_id]["date_basis"] == "standard", event_id


def test_certainty_is_about_the_date_and_account_about_the_story() -> None:
    for e in EVENTS:
        for field in ("certainty", "account"):
            if field in e:
                assert e[field] in FLAG_VALUES, (e["id"], field, e[field])
                assert e.get("note", "").strip(), f"{e['id']}: {field} without a note"
        if e.get("alt_dates"):
            assert "certainty" in e, f"{e['id']}: alternative dates but the date is not flagged"
    assert sum("account" in e for e in EVENTS) >= 20
    assert sum("certainty" in e for e in EVENTS) >= 40


def test_the_flags_named_in_the_audit_moved_to_account() -> None:
    for event_id in ("kirov-assassinated", "trade-union-debate"):
        event = BY_ID[event_id]
        assert event.get("account") == "disputed", event_id
        assert "certainty" not in event, f"{event_id}: the date itself is not in doubt"
    assert BY_ID["nkvd-order-00447"].get("account") == "disputed"
    # Both kinds of doubt where both apply.
    assert BY_ID["great-terror"]["certainty"] == "disputed" and BY_ID["great-terror"]["account"] == "disputed"


def test_retired_ids_are_gone_and_retired_once() -> None:
    retired: list[str] = []
    for e in EVENTS:
        if "replaces" in e:
            assert isinstance(e["replaces"], list) and e["replaces"], e["id"]
            for old in e["replaces"]:
                assert isinstance(old, str) and ID_PATTERN.fullmatch(old), (e["id"], old)
            retired += e["replaces"]
    assert len(retired) == len(set(retired)), "a retired id is replaced by two events"
    assert not set(retired) & set(BY_ID), "a retired id is still an event"
    assert all(ID_PATTERN.fullmatch(e["id"]) for e in EVENTS)


def test_the_two_records_of_order_00447_are_one() -> None:
    event = BY_ID["nkvd-order-00447"]
    assert event["replaces"] == ["anti-soviet-elements-operation"]
    assert "anti-soviet-elements-operation" not in BY_ID
    cites = {s.get("cite") for s in event["sources"]}
    assert {"Service 2004, p. 350", "Khlevniuk 2015, pp. 150–151", "Montefiore 2003, pp. 203–204"} <= cites
    assert {"purges", "politburo", "nkvd", "terror"} <= set(event["tags"])
    assert event["date"] == "1937-07" and event["date_basis"] == "seed-wiki"


def test_the_see_also_link_is_not_an_event() -> None:
    assert "prussian-landtag-referendum-1931" not in BY_ID
    assert not any("prussian-landtag-referendum-1931" in e.get("replaces", []) for e in EVENTS)


def test_summaries_keep_to_what_the_seeds_say() -> None:
    tsaritsyn = BY_ID["stalin-sent-to-tsaritsyn"]
    for phrase in ("grain", "full powers", "procure food"):
        assert phrase not in (tsaritsyn["title"] + " " + tsaritsyn["summary"]).casefold(), phrase
    assert "standard accounts add" in tsaritsyn["note"].casefold()
    shift = BY_ID["stakhanov-record-shift"]
    for phrase in ("donbas", "quota", "coal"):
        assert phrase not in shift["summary"].casefold(), phrase
    assert "Donbas" in shift["note"] and shift["date_basis"] == "standard"
    movement = BY_ID["stakhanovite-movement"]["summary"]
    assert "scarce" not in movement and "mass-produced" in movement


NEW_EVENTS = {
    # id: (date, date_basis, sources it must cite)
    "kirov-heads-leningrad-party": ("1926", "standard", {"seed-history"}),
    "orthodox-church-recognises-soviet-power": ("1927", "standard", {"seed-history"}),
    "bukharin-runs-comintern": ("1926/1928", "standard", {"seed-wiki"}),
    "authorised-stalin-biographies": ("1935/1939", "standard", {"seed-wiki"}),
    "stalin-limits-own-cult": ("1936~/1939~", "seed-wiki", {"seed-wiki"}),
    "history-rewritten-purge-victims-erased": ("1936/1940", "standard", {"seed-history", "seed-wiki"}),
    "stalin-mikoyan-ordzhonikidze-photo-1925": ("1925", "seed-wiki", {"seed-wiki"}),
    "stalin-rykov-kamenev-zinoviev-photo-1925": ("1925", "seed-wiki", {"seed-wiki"}),
}


@pytest.mark.parametrize("event_id", sorted(NEW_EVENTS))
def test_the_events_the_seeds_state_undated_are_in(event_id: str) -> None:
    date, basis, sources = NEW_EVENTS[event_id]
    event = BY_ID[event_id]
    assert event["date"] == date
    assert event["date_basis"] == basis
    assert sources <= {s["source"] for s in event["sources"]}
    assert event["tags"] and set(event["tags"]) <= set(DOC["tags"])
    assert event.get("note")

"""The bundled chronology as research data: valid, sourced, dual-dated, in its own words, spot-checked."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from chrono.dates.edtf import julian_to_gregorian, parse_edtf
from chrono.store.cache import build_in_memory
from chrono.store.query import Filters
from conftest import BUNDLED, DATA, REPO

SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not beside "
                                 "this checkout")
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
    disputed = [e for e in EVENTS if e.get("certainty") == "disputed"]
    assert len(disputed) >= 20
    for e in EVENTS:
        if "certainty" in e:
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


@needs_seeds
@pytest.mark.parametrize("fact", FACTS, ids=[f["id"] for f in FACTS])
def test_spot_fact_quote_is_in_the_seed(fact: dict) -> None:
    text = (SEEDS / fact["file"]).read_text(encoding="utf-8")
    assert fact["quote"] in text


@needs_seeds
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


@needs_seeds
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

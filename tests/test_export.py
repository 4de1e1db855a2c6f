"""Exports, each checked by its real consumer: icalendar, json, sqlite3, a browser, and chrono itself."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
import subprocess
from datetime import date
from pathlib import Path

import pytest

from chrono.output import export
from conftest import MINI


def test_ics_is_valid_rfc5545(run, monkeypatch) -> None:
    from icalendar import Calendar

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    result = run("export", "--to", "ics")
    assert result.exit_code == 0
    raw = result.stdout_bytes
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = Calendar.from_ical(raw)
    events = {str(c["UID"]): c for c in cal.walk("VEVENT")}
    assert len(events) == 8
    kirov = events["kirov-assassinated@chrono"]
    assert kirov["DTSTART"].dt == date(1934, 12, 1) and kirov["DTEND"].dt == date(1934, 12, 2)
    assert str(kirov["SUMMARY"]) == "Sergei Kirov assassinated in Leningrad"
    assert "1 Dec 1934 (day; EDTF 1934-12-01)" in str(kirov["DESCRIPTION"])
    assert str(kirov["DTSTAMP"].dt.date()) == "1970-01-01"
    winter = events["famine-1932@chrono"]
    assert winter["DTSTART"].dt == date(1932, 12, 1) and winter["DTEND"].dt == date(1933, 3, 1)
    assert "winter 1932\u201333 (season" in str(winter["DESCRIPTION"])
    terror = events["great-terror@chrono"]
    assert terror["DTSTART"].dt == date(1936, 12, 1) and terror["DTEND"].dt == date(1938, 12, 1)
    october = events["october-revolution@chrono"]
    assert "Old Style 1917-10-25" in str(october["DESCRIPTION"])


def test_ics_escapes_and_folds_text(run, tmp_path) -> None:
    from icalendar import Calendar

    doc = json.loads(MINI.read_text(encoding="utf-8"))
    doc["events"][0]["title"] = "Kirov, shot; a long title \u2014 " + "\u0416" * 60
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    raw = run("export", "--to", "ics", "--person", "kirov", data=path).stdout_bytes
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # folding never splits a multibyte character
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]) == doc["events"][0]["title"]


def _parts(value: dict) -> tuple:
    return tuple(value.get(k) for k in ("year", "month", "day"))


def test_timelinejs(run) -> None:
    doc = json.loads(run("export", "--to", "timelinejs").stdout)
    assert doc["title"]["text"]["headline"] == "Mini chronology"
    events = {e["unique_id"]: e for e in doc["events"]}
    assert _parts(events["kirov-assassinated"]["start_date"]) == ("1934", "12", "1")
    assert "end_date" not in events["kirov-assassinated"]
    assert _parts(events["lenin-enrolment"]["start_date"]) == ("1924", None, None)
    assert _parts(events["lenin-enrolment"]["end_date"]) == ("1925", None, None)
    assert _parts(events["famine-1932"]["start_date"]) == ("1932", "12", None)
    assert _parts(events["famine-1932"]["end_date"]) == ("1933", "2", None)
    assert _parts(events["great-terror"]["end_date"]) == ("1938", "11", None)
    assert events["october-revolution"]["display_date"] == "25 Oct (7 Nov) 1917"
    assert events["october-revolution"]["text"]["headline"] == "Bolsheviks seize power in Petrograd"
    assert events["chistka"]["group"] == "party"
    assert all(e["text"]["text"].startswith("<p>") for e in doc["events"])


def test_sqlite_for_datasette(run, tmp_path) -> None:
    db = tmp_path / "c.db"
    result = run("export", "--to", "sqlite", "-o", str(db))
    assert result.exit_code == 0 and "wrote 8 events" in result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM events").fetchone() == (8,)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"events", "tags", "event_tags", "sources", "event_sources", "events_fts"} <= tables
    hits = conn.execute("SELECT e.id FROM events_fts JOIN events e ON e.rowid = events_fts.rowid "
                        "WHERE events_fts MATCH 'smolny'").fetchall()
    assert hits == [("kirov-assassinated",)]
    purges = conn.execute("SELECT event_id FROM event_tags WHERE tag = 'purges' ORDER BY event_id").fetchall()
    assert [r[0] for r in purges] == ["chistka", "great-terror", "kirov-assassinated"]
    assert conn.execute("SELECT title FROM sources WHERE key = 'book'").fetchone() == ("A Book",)
    assert conn.execute("SELECT cite FROM event_sources WHERE event_id = 'kirov-assassinated' AND source = 'book'"
                        ).fetchone() == ("Service 2004, p. 314",)
    assert conn.execute("SELECT display_date, precision FROM events WHERE id = 'famine-1932'").fetchone() == (
        "winter 1932\u201333", "season")


def test_sqlite_needs_a_file(run) -> None:
    result = run("export", "--to", "sqlite")
    assert result.exit_code == 2 and "-o FILE" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_round_trip_through_chrono(run, tmp_path, fmt: str) -> None:
    out = tmp_path / f"again.{fmt}"
    assert run("export", "--to", fmt, "-o", str(out)).exit_code == 0
    before = json.loads(run("list", "-f", "json").stdout)
    after = json.loads(run("list", "-f", "json", data=out).stdout)
    assert after == before


def test_round_trip_of_the_bundled_chronology(run, tmp_path) -> None:
    out = tmp_path / "bundled.json"
    assert run("export", "--to", "json", "-o", str(out), data=None).exit_code == 0
    again = json.loads(run("list", "-f", "json", data=out).stdout)
    assert again == json.loads(run("list", "-f", "json", data=None).stdout)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["sources"] and doc["tags"] and doc["chronology"]["title"]


def test_markdown(run) -> None:
    out = run("export", "--to", "markdown", "--tag", "revolution").stdout
    assert out == (
        "# Mini chronology\n\n"
        "- **25 Oct (7 Nov) 1917**: Bolsheviks seize power in Petrograd. The Winter Palace falls and the "
        "Provisional Government is arrested. *Sources:* paper. *Disputed:* The paper gives 8 November for the New "
        "Style date.\n"
        "\n## Sources\n\n"
        "- **paper**: A Paper (article, paper.txt)\n"
    )


def test_export_applies_filters_and_a_date_given_to_to(run) -> None:
    out = run("export", "--to", "jsonl", "--from", "1924", "--to", "1925").stdout
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["lenin-enrolment", "lenin-dies"]
    both = run("export", "--to", "ics", "--to", "html")
    assert both.exit_code == 2 and "one export format" in both.stderr
    none = run("export", "--to", "xml")
    assert none.exit_code == 2


def test_export_nothing_matched_is_exit_1(run, tmp_path) -> None:
    out = tmp_path / "empty.json"
    result = run("export", "--to", "json", "--year", "1800", "-o", str(out))
    assert result.exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["events"] == []


def test_failed_export_leaves_the_old_file(run, tmp_path, monkeypatch) -> None:
    target = tmp_path / "keep.md"
    target.write_text("precious\n", encoding="utf-8")

    def broken(events, chron, out):
        out.write("half of it")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(export.TEXT_WRITERS, "markdown", broken)
    with pytest.raises(OSError):
        run("export", "--to", "markdown", "-o", str(target))
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.md"]


def test_export_keeps_the_mode_of_the_file_it_replaces(run, tmp_path) -> None:
    target = tmp_path / "cal.ics"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    assert run("export", "--to", "ics", "-o", str(target)).exit_code == 0
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_html_is_self_contained(run, tmp_path) -> None:
    out = tmp_path / "t.html"
    assert run("export", "--to", "html", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for needle in ("<script src", "<link", "@import", "url(", "https://"):
        assert needle not in page
    assert page.count("http://") == 1  # the SVG namespace, not a fetch
    for event in json.loads(run("list", "-f", "json").stdout):
        assert f'id="ev-{event["id"]}"' in page and f'href="#ev-{event["id"]}"' in page
    assert "fuzzy" in page and "p-season" in page and "<circle" in page


BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None and not os.environ.get("CHRONO_REQUIRE_BROWSER"),
                    reason="no Chromium on this machine (apt-get install chromium)")
def test_html_renders_in_headless_chromium(run, tmp_path) -> None:
    out = tmp_path / "t.html"
    assert run("export", "--to", "html", "-o", str(out), data=None).exit_code == 0
    browser = _chromium()
    assert browser is not None
    flags = [*BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120)
    titles = [e["title"] for e in json.loads(run("list", "-f", "json", data=None).stdout)]
    import html

    assert all(html.escape(t, quote=False) in dom.stdout for t in titles)
    shot = tmp_path / "shot.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1280,900", out.as_uri()],
                   capture_output=True, timeout=120)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 900)
    assert len(data) > 20_000, "the screenshot is not a blank page"


TIMELINEJS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{css}"><script src="{js}"></script></head>
<body><div id="timeline-embed" style="width:1200px;height:700px"></div><pre id="report">not loaded</pre>
<script>
var errors = [];
window.onerror = function (message) {{ errors.push(String(message)); }};
var timeline = new TL.Timeline("timeline-embed", {data}, {{}});
timeline.on("loaded", function () {{ document.getElementById("report").textContent = "loaded"; }});
setTimeout(function () {{
  document.getElementById("report").textContent += " slides=" + document.querySelectorAll(".tl-slide").length
    + " markers=" + document.querySelectorAll(".tl-timemarker").length + " errors=" + errors.length;
}}, 3000);
</script></body></html>
"""


@pytest.mark.skipif(not os.environ.get("CHRONO_TIMELINEJS") or (
    _chromium() is None and not os.environ.get("CHRONO_REQUIRE_BROWSER")),
    reason="needs Chromium and TimelineJS (CHRONO_TIMELINEJS=.../node_modules/@knight-lab/timelinejs/dist)")
@pytest.mark.parametrize("data", [None, "own/ancient.csv", "real/timelinejs3-cosmology-deep-time.json",
                                  "real/timelinejs3-eras-7th-century.json", "real/wikipedia-space-exploration.csv"])
def test_timelinejs_export_loads_in_timelinejs(run, tmp_path, data: str | None) -> None:
    dist = Path(os.environ["CHRONO_TIMELINEJS"])
    assert (dist / "js" / "timeline.js").is_file(), f"no TimelineJS in {dist}"
    browser = _chromium()
    assert browser is not None
    result = run("export", "--to", "timelinejs", data=None if data is None else MINI.parent / data)
    exported = json.loads(result.stdout)
    count = len(exported["events"])
    page = tmp_path / "timeline.html"
    page.write_text(TIMELINEJS_PAGE.format(css=(dist / "css" / "timeline.css").as_uri(),
                                           js=(dist / "js" / "timeline.js").as_uri(),
                                           data=result.stdout.replace("</", "<\\/")), encoding="utf-8")
    dom = subprocess.run([browser, *BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    # TimelineJS draws a slide for the title (when there is one) and one per event, and a marker per event on its
    # time axis; years BC, deep time and eras included.
    assert f"loaded slides={count + ('title' in exported)} markers={count} errors=0" in dom


def test_export_to_stdout_device(run, tmp_path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = run("export", "--to", "jsonl", "-o", str(fifo))
    out, _ = reader.communicate(timeout=30)
    assert result.exit_code == 0
    assert len(out.splitlines()) == 8
    assert Path(fifo).exists()


# CSV safe for spreadsheets --------------------------------------------------------------------------

FORMULAS = {"=HYPERLINK(\"http://x\",\"y\")": "kirov-assassinated", "+1+1": "lenin-dies", "-2+3": "famine-1932",
            "@SUM(A1)": "great-terror", "\tTab first": "chistka", "\rCR first": "october-revolution"}


@pytest.fixture
def formulas(tmp_path) -> Path:
    """The fixture with titles that a spreadsheet would take for formulas."""
    doc = json.loads(MINI.read_text(encoding="utf-8"))
    by_id = {e["id"]: e for e in doc["events"]}
    for title, event_id in FORMULAS.items():
        by_id[event_id]["title"] = title
    by_id["lenin-enrolment"]["summary"] = "-- a summary that starts with dashes"
    path = tmp_path / "formulas.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _csv_titles(text: str) -> dict[str, str]:
    import csv
    import io

    return {row["id"]: row["title"] for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize("command", [("export", "--to", "csv"), ("list", "-f", "csv", "-F", "id,title"),
                                     ("list", "-f", "csv", "-F", "id,title,sources")])
def test_csv_cells_that_start_a_formula_get_a_quote(formulas: Path, command: tuple[str, ...]) -> None:
    from conftest import chrono_cmd, subprocess_env

    def chrono(*args: str) -> subprocess.CompletedProcess[bytes]:
        # Bytes, so that a carriage return inside a cell is read as it was written.
        return subprocess.run([*chrono_cmd(), "-d", str(formulas), *args], capture_output=True,
                              env=subprocess_env(), check=False)

    result = chrono(*command)
    assert result.returncode == 0 and result.stderr == b""
    titles = _csv_titles(result.stdout.decode("utf-8"))
    for title, event_id in FORMULAS.items():
        assert titles[event_id] == "'" + title
    assert titles["lenin-enrolment"] == "The Lenin Enrolment brings workers into the party"
    raw = _csv_titles(chrono(*command, "--raw").stdout.decode("utf-8"))
    for title, event_id in FORMULAS.items():
        assert raw[event_id] == title


def test_csv_guard_covers_every_column_and_the_other_commands(run, formulas: Path) -> None:
    exported = run("export", "--to", "csv", data=formulas).stdout
    assert "'-- a summary that starts with dashes" in exported
    assert "\n'-- a summary" not in exported  # the guard sits inside the cell, after the comma
    lines = run("tags", "-f", "csv", data=formulas).stdout
    assert lines.startswith("tag,count,description\n")
    # TSV, JSON and tables are not for spreadsheets: they are left as they are.
    assert "\t=HYPERLINK" in run("list", "-F", "id,title", data=formulas).stdout
    assert json.loads(run("list", "-f", "json", "--person", "kirov", data=formulas).stdout)[0]["title"].startswith("=")


def test_spreadsheet_safe() -> None:
    from chrono.output.escape import spreadsheet_safe

    cells = ("=1", "+1", "-1", "@a", "\tx", "\rx", "", "a=b", "1934-12-01", "'=1", "''@a", "'Tis", "'")
    assert [spreadsheet_safe(t) for t in cells] == [
        "'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "", "a=b", "1934-12-01", "''=1", "'''@a", "'Tis", "'"]


def test_guarded_csv_loads_back_identically(run, formulas: Path, tmp_path) -> None:
    out = tmp_path / "guarded.csv"
    assert run("export", "--to", "csv", "-o", str(out), data=formulas).exit_code == 0
    before = json.loads(run("list", "-f", "json", data=formulas).stdout)
    assert json.loads(run("list", "-f", "json", data=out).stdout) == before


def test_raw_csv_loads_back_identically(run, formulas: Path, tmp_path) -> None:
    out = tmp_path / "raw.csv"
    assert run("export", "--to", "csv", "--raw", "-o", str(out), data=formulas).exit_code == 0
    before = json.loads(run("list", "-f", "json", data=formulas).stdout)
    assert json.loads(run("list", "-f", "json", data=out).stdout) == before


def test_the_html_axis_runs_across_the_era_and_into_deep_time(run) -> None:
    import re

    own = Path(__file__).resolve().parent / "data"
    page = run("export", "--to", "html", data=own / "own" / "ancient.csv").stdout
    ticks = re.findall(r'class="year" x="([\d.]+)" y="\d+">([^<]+)<', page)
    labels = [label for _, label in ticks]
    assert labels[0] == "2560 BC" and labels[-1] == "AD 120"
    assert labels[labels.index("20 BC") + 1:labels.index("20 BC") + 3] == ["AD 1", "AD 20"], "no year 0 on the axis"
    xs = [float(x) for x, _ in ticks]
    assert xs == sorted(xs), "ticks in time order"
    bc = [int(label.split()[0]) for label in labels if label.endswith(" BC")]
    assert bc == sorted(bc, reverse=True) and all(n % 20 == 0 for n in bc), bc
    deep = run("export", "--to", "html", data=own / "real" / "timelinejs3-cosmology-deep-time.json").stdout
    assert "13.8 billion years ago" in re.findall(r'class="year"[^>]*>([^<]+)<', deep)

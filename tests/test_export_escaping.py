"""Exports escape every field for their consumer: markup from the data never runs in a browser, in TimelineJS or in
rendered Markdown, and text with line breaks or controls reads as text (a line break where the format has one)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import write

PWN = 'window.pwned = (window.pwned || 0) + 1'
HOSTILE_TEXT = f'<img src=x onerror="{PWN}"><script>{PWN}</script>'
HOSTILE = {
    "chronology": {"title": f"Title {HOSTILE_TEXT}", "description": f"About {HOSTILE_TEXT}"},
    "events": [{
        "id": "hostile", "date": "1934-12-01", "title": f"Headline {HOSTILE_TEXT}",
        "summary": f"Line one {HOSTILE_TEXT}\nline two \u202eevil\u202c \x1b[2J end",
        "tags": [f"tag {HOSTILE_TEXT}"], "people": [f"Person {HOSTILE_TEXT}"], "places": [f"Place {HOSTILE_TEXT}"],
        "note": f"Note {HOSTILE_TEXT}", "certainty": "disputed",
        "sources": [{"title": f"Source {HOSTILE_TEXT}"}, {"source": "key", "cite": f"Cite {HOSTILE_TEXT}"}],
        "extra": {"media": {"url": "javascript:window.pwned=1", "caption": f"Caption {HOSTILE_TEXT}"}},
    }, {
        "id": "second", "date": "1935", "title": "Second event", "summary": "Plain.", "tags": ["x"],
        "extra": {"media": {"url": "https://example.org/a\"b<c>.jpg", "caption": f"Cap {HOSTILE_TEXT}"}},
    }],
}
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHECK = """<script>setTimeout(function () {
  document.body.setAttribute("data-pwned", String(window.pwned || 0));
}, 1500);</script>"""


@pytest.fixture
def hostile(tmp_path: Path) -> str:
    """A chronology whose every text field tries to run a script."""
    return write(tmp_path, "hostile.json", json.dumps(HOSTILE))


def test_timelinejs_escapes_every_text_field(run, hostile: str) -> None:
    doc = json.loads(run("export", "--to", "timelinejs", data=hostile).stdout)
    shown = json.dumps({k: v for k, v in doc.items() if k != "events"}) + json.dumps(
        [{k: v for k, v in e.items() if k != "chrono"} for e in doc["events"]])
    assert "<img" not in shown and "<script" not in shown and "onerror=\\\"" not in shown
    first = doc["events"][0]
    # TimelineJS takes the text of a group (decoding entities) and then shows it as HTML: it is escaped twice.
    assert first["group"] == "tag &amp;lt;img src=x onerror=&amp;quot;window.pwned = (window.pwned || 0) + 1" \
                             "&amp;quot;&amp;gt;&amp;lt;script&amp;gt;window.pwned = (window.pwned || 0) + 1" \
                             "&amp;lt;/script&amp;gt;"
    assert "<br>" in first["text"]["text"] and "\u202e" not in first["text"]["text"] and "\x1b" not in shown
    assert "media" not in first, "a javascript: address is no medium"
    assert doc["events"][1]["media"]["url"] == "https://example.org/a%22b%3Cc%3E.jpg"


def test_html_escapes_every_text_field(run, hostile: str) -> None:
    page = run("export", "--to", "html", data=hostile).stdout
    assert "<img" not in page and "<script" not in page
    assert "Line one &lt;img src=x onerror=&quot;" in page and "<br>line two" in page
    assert "\\x0a" not in page and "\x1b" not in page and "\u202e" not in page


def test_markdown_escapes_markup_and_keeps_line_breaks(run, hostile: str) -> None:
    text = run("export", "--to", "markdown", data=hostile).stdout
    assert not re.search(r"(?<!\\)[<>]", text) and "\\<img src=x onerror=" in text
    assert "Line one" in text and "\\\n  line two" in text, "a line break is a hard break inside the list item"


def test_no_empty_labels(run, tmp_path: Path) -> None:
    path = write(tmp_path, "one.csv", "id,date,title\na,1934,Normal\n")
    text = run("export", "--to", "markdown", data=path).stdout
    assert text == "- **1934**: Normal.\n"
    page = run("export", "--to", "html", data=path).stdout
    assert "<b>Sources:</b>" not in page and 'class="meta"' not in page
    tl = json.loads(run("export", "--to", "timelinejs", data=path).stdout)
    assert "group" not in tl["events"][0] and "Sources" not in tl["events"][0]["text"]["text"]


def test_ics_leaves_out_what_it_cannot_hold_with_one_warning(run, tmp_path: Path) -> None:
    path = write(tmp_path, "far.csv", "date,title\n9999-12-31,Last day\n530 BC,Cyrus\n1934,Kirov\n9999,Last year\n")
    result = run("export", "--to", "ics", data=path)
    assert result.exit_code == 0
    assert result.stdout.count("BEGIN:VEVENT") == 1 and "SUMMARY:Kirov" in result.stdout
    assert result.stderr == ("chrono: warning: left out 3 events that iCalendar cannot hold: its dates run from "
                             "year 1 to 9999 (the others were written)\n")
    from icalendar import Calendar

    Calendar.from_ical(result.stdout)


def test_ics_text_has_no_controls(run, hostile: str) -> None:
    text = run("export", "--to", "ics", data=hostile).stdout
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b" not in text
    assert "Line one <img src=x onerror=\"window.pwned = (window.pwned || 0) + 1\">" in re.sub(r"\r?\n ", "", text)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


needs_browser = pytest.mark.skipif(_chromium() is None and not os.environ.get("CHRONO_REQUIRE_BROWSER"),
                                   reason="no Chromium on this machine (apt-get install chromium)")


def _dom(page: Path, tmp_path: Path) -> str:
    browser = _chromium()
    assert browser is not None
    return subprocess.run([browser, *BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                           "--allow-file-access-from-files", "--virtual-time-budget=8000", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=120).stdout


@needs_browser
def test_hostile_html_export_runs_no_script_in_chromium(run, hostile: str, tmp_path: Path) -> None:
    page = run("export", "--to", "html", data=hostile).stdout
    target = tmp_path / "page.html"
    target.write_text(page.replace("</body>", CHECK + "</body>"), encoding="utf-8")
    dom = _dom(target, tmp_path)
    assert 'data-pwned="0"' in dom, "a script from the data ran"
    assert "Headline &lt;img src=x onerror=" in dom, "the hostile text is shown as text"


TIMELINEJS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{css}"><script src="{js}"></script></head>
<body><div id="timeline-embed" style="width:1200px;height:700px"></div>
<script>
var timeline = new TL.Timeline("timeline-embed", {data}, {{}});
setTimeout(function () {{ timeline.goToNext(); }}, 500);
setTimeout(function () {{ document.body.setAttribute("data-pwned", String(window.pwned || 0)); }}, 3000);
</script></body></html>
"""


@needs_browser
@pytest.mark.skipif(not os.environ.get("CHRONO_TIMELINEJS"),
                    reason="needs TimelineJS (CHRONO_TIMELINEJS=.../node_modules/@knight-lab/timelinejs/dist)")
def test_hostile_timelinejs_export_runs_no_script_in_timelinejs(run, hostile: str, tmp_path: Path) -> None:
    dist = Path(os.environ["CHRONO_TIMELINEJS"])
    data = run("export", "--to", "timelinejs", data=hostile).stdout
    page = tmp_path / "timeline.html"
    page.write_text(TIMELINEJS_PAGE.format(css=(dist / "css" / "timeline.css").as_uri(),
                                           js=(dist / "js" / "timeline.js").as_uri(),
                                           data=data.replace("</", "<\\/")), encoding="utf-8")
    dom = _dom(page, tmp_path)
    assert 'data-pwned="0"' in dom, "a script from the data ran inside TimelineJS"
    assert "Headline &lt;img src=x onerror=" in dom, "the hostile headline is shown as text"
    assert "tag &lt;img src=x onerror=" in dom, "the hostile group label is shown as text"

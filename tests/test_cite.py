"""`chrono cite`: plain and Markdown lists, BibTeX read back by bibtexparser, CSL-JSON rendered by citeproc-py."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import MINI, chrono_cmd, subprocess_env

SOURCES = {
    "service": {"title": "Stalin: A Biography", "kind": "book", "author": "Service, Robert", "year": 2004,
                "publisher": "Macmillan", "url": "https://example.org/service"},
    "pair": {"title": "The Years of Hunger", "kind": "book", "author": ["Davies, R. W.", "Wheatcroft, S. G."],
             "year": "2004"},
    "site": {"title": "Odd & {curly} 100% #1 ~ x_y \\ z", "kind": "web page", "author": "Peter Crawford"},
    "notes": {"title": "Class notes", "kind": "study notes", "file": "notes.txt"},
}
EVENTS = [
    {"id": "kirov", "date": "1934-12-01", "title": "Kirov shot", "summary": "S.", "tags": ["t"],
     "sources": [{"source": "service", "cite": "p. 314"}, {"source": "service", "cite": "pp. 315\u2013316"},
                 {"source": "notes"}, {"source": "service", "cite": "p. 314"}]},
    {"id": "famine", "date": "1932-24", "title": "Famine", "summary": "S.", "tags": ["t"],
     "sources": [{"source": "pair", "cite": "p. 401"}, {"source": "site"}, {"source": "service", "cite": "p. 314"},
                 {"title": "Pravda, 2 March 1930", "cite": "p. 1"}]},
]


def chrono(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed chrono, in a subprocess."""
    return subprocess.run([*chrono_cmd(), *args], capture_output=True, text=True, encoding="utf-8",
                          env=subprocess_env(), check=False)


@pytest.fixture
def cited(tmp_path: Path) -> Path:
    path = tmp_path / "cited.json"
    path.write_text(json.dumps({"sources": SOURCES, "events": EVENTS}, ensure_ascii=False), encoding="utf-8")
    return path


PLAIN = """\
kirov: Kirov shot (1 Dec 1934)
  Service, Robert. Stalin: A Biography. Book. Macmillan, 2004. https://example.org/service \u2014 p. 314
  Service, Robert. Stalin: A Biography. Book. Macmillan, 2004. https://example.org/service \u2014 pp. 315\u2013316
  Class notes. Study notes. File notes.txt.

famine: Famine (winter 1932\u201333)
  Davies, R. W. and Wheatcroft, S. G. The Years of Hunger. Book. 2004 \u2014 p. 401
  Peter Crawford. Odd & {curly} 100% #1 ~ x_y \\ z. Web page.
  Service, Robert. Stalin: A Biography. Book. Macmillan, 2004. https://example.org/service \u2014 p. 314
  Pravda, 2 March 1930 \u2014 p. 1
"""

MARKDOWN = """\
**Kirov shot** (1 Dec 1934; `kirov`)

- Service, Robert. *Stalin: A Biography*. Book. Macmillan, 2004. https://example.org/service \u2014 p. 314
- Service, Robert. *Stalin: A Biography*. Book. Macmillan, 2004. https://example.org/service \u2014 pp. 315\u2013316
- *Class notes*. Study notes. File notes.txt.
"""


def test_plain_and_markdown(run, cited: Path) -> None:
    result = run("cite", "kirov", "famine", data=cited)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == PLAIN
    assert run("cite", "kir", "--style", "markdown", data=cited).stdout == MARKDOWN


def test_plain_on_the_bundled_chronology_gives_the_historians_citations() -> None:
    result = chrono("cite", "lenin-dies")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "lenin-dies: Lenin dies at Gorki after a final stroke (21 Jan 1924)"
    wiki = ("Joseph Stalin: Consolidation of power (wiki article with historians' citations). Encyclopedia article. "
            "File 002_922d352d4f310ea5.txt \u2014 ")
    assert lines[1:] == [
        "  Joseph Stalin - Revolution and Power. Article. File 001_a47e9af67c6b072e.txt.",
        *(f"  {wiki}{c}" for c in ("Conquest 1991, p. 104", "Montefiore 2003, p. 30", "Service 2004, p. 219",
                                   "Kotkin 2014, p. 534", "Khlevniuk 2015, p. 79")),
        "  How did Stalin exercise power over the Communist Party and the Soviet state? Flashcards. Study notes. "
        "File 003_0672e84bc2e5a7ea.txt.",
    ]


def parse_bibtex(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks and not library.comments
    return {e.key: (e.entry_type, {k: f.value for k, f in e.fields_dict.items()}) for e in library.entries}


def test_bibtex_parses_back_with_only_the_declared_fields(cited: Path) -> None:
    result = chrono("-d", str(cited), "cite", "kirov", "famine", "--style", "bibtex")
    assert result.returncode == 0 and result.stderr == ""
    service = {"author": "Service, Robert", "title": "Stalin: A Biography", "year": "2004", "publisher": "Macmillan",
               "url": "https://example.org/service"}
    assert parse_bibtex(result.stdout) == {
        "service-p-314": ("book", {**service, "note": "p. 314"}),
        "service-pp-315-316": ("book", {**service, "note": "pp. 315\u2013316"}),
        "notes": ("misc", {"title": "Class notes"}),
        "pair-p-401": ("book", {"author": "Davies, R. W. and Wheatcroft, S. G.", "title": "The Years of Hunger",
                                "year": "2004", "note": "p. 401"}),
        "site": ("misc", {"author": "Peter Crawford", "title": "Odd & {curly} 100% #1 ~ x_y \\ z"}),
        "inline-pravda-2-march-1930-p-1": ("misc", {"title": "Pravda, 2 March 1930", "note": "p. 1"}),
    }


def test_bibtex_of_the_bundled_chronology() -> None:
    result = chrono("cite", "kirov-assassinated", "lenin-dies", "--style", "bibtex")
    entries = parse_bibtex(result.stdout)
    assert entries["seed-wiki-service-2004-p-314"] == ("misc", {
        "title": "Joseph Stalin: Consolidation of power (wiki article with historians' citations)",
        "note": "Service 2004, p. 314"})
    assert entries["seed-wiki-montefiore-2003-pp-126-127"][1]["note"] == "Montefiore 2003, pp. 126\u2013127"
    assert entries["seed-tags"] == ("misc", {"title": 'Historical Events tagged with "stalin"'})
    assert entries["seed-history"] == ("article", {"title": "Joseph Stalin - Revolution and Power"})
    # One entry per distinct citation: kirov has 8, lenin-dies 5 more (it shares seed-history and the flashcards).
    assert len(entries) == 8 + 5


def test_csl_json_items(cited: Path) -> None:
    result = chrono("-d", str(cited), "cite", "kirov", "famine", "--style", "csl-json")
    assert result.returncode == 0 and result.stderr == ""
    items = json.loads(result.stdout)
    by_id = {i["id"]: i for i in items}
    assert [i["id"] for i in items] == ["service-p-314", "service-pp-315-316", "notes", "pair-p-401", "site",
                                        "inline-pravda-2-march-1930-p-1"]
    for item in items:
        assert {"id", "type", "title"} <= set(item)
        assert set(item) <= {"id", "type", "title", "author", "issued", "publisher", "URL", "note"}
    assert by_id["service-p-314"] == {
        "id": "service-p-314", "type": "book", "title": "Stalin: A Biography",
        "author": [{"family": "Service", "given": "Robert"}], "issued": {"date-parts": [[2004]]},
        "publisher": "Macmillan", "URL": "https://example.org/service", "note": "p. 314"}
    assert by_id["pair-p-401"]["author"] == [{"family": "Davies", "given": "R. W."},
                                             {"family": "Wheatcroft", "given": "S. G."}]
    assert by_id["site"] == {"id": "site", "type": "webpage", "title": "Odd & {curly} 100% #1 ~ x_y \\ z",
                             "author": [{"literal": "Peter Crawford"}]}
    assert by_id["notes"] == {"id": "notes", "type": "document", "title": "Class notes"}


def test_csl_json_renders_in_citeproc(run, cited: Path) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads(run("cite", "kirov", "famine", "--style", "csl-json", data=cited).stdout)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert "Service, R. (2004) Stalin: A Biography. Macmillan. Available at: https://example.org/service." in rendered
    assert any(r.startswith("Davies, R.W. and Wheatcroft, S.G. (2004) The Years of Hunger") for r in rendered)


def test_csl_json_of_the_bundled_chronology(run) -> None:
    items = json.loads(run("cite", "winter-palace-stormed", "--style", "csl-json", data=None).stdout)
    assert items == [{"id": "seed-history", "type": "article", "title": "Joseph Stalin - Revolution and Power"}]


def test_missing_ids_exit_1_after_the_others(run) -> None:
    result = run("cite", "kirov-assassinated", "nope", "lenin-dis", "--style", "bibtex")
    assert result.exit_code == 1
    assert parse_bibtex(result.stdout).keys() == {"book-service-2004-p-314", "paper"}
    assert result.stderr == ("chrono: no event with id 'nope'\n"
                             "chrono: no event with id 'lenin-dis'; did you mean 'lenin-dies'?\n")
    assert run("cite", "x", "--style", "apa").exit_code == 2


def test_bibtex_escapes_what_latex_reads() -> None:
    from chrono.output.cite import _bib

    assert _bib("a^b ~ {c} \\ 5% & #1 $2 x_y") == (
        r"a\textasciicircum{}b \textasciitilde{} \{c\} \textbackslash{} 5\% \& \#1 \$2 x\_y")
    assert _bib("bell\x07") == r"bell\textbackslash{}x07"


@pytest.mark.parametrize(("kind", "bibtex", "csl"), [
    ("book", "book", "book"),
    ("Edited Book chapter", "book", "book"),
    ("journal article", "article", "article"),
    ("encyclopedia article", "misc", "entry-encyclopedia"),
    ("web page", "misc", "webpage"),
    ("study notes", "misc", "document"),
    ("", "misc", "document"),
])
def test_entry_type_of_a_source_kind(kind: str, bibtex: str, csl: str) -> None:
    from chrono.output.cite import _BIBTEX_TYPES, _CSL_TYPES, _entry_type

    assert (_entry_type(kind, _BIBTEX_TYPES), _entry_type(kind, _CSL_TYPES)) == (bibtex, csl)


def test_styles_match_the_module() -> None:
    from chrono.cli import cli
    from chrono.output.cite import CITE_STYLES

    command = cli.get_command(None, "cite")  # type: ignore[arg-type]
    style = next(p for p in command.params if p.name == "style")
    assert tuple(style.type.choices) == CITE_STYLES


def test_mini_plain(run) -> None:
    assert run("cite", "october-revolution", "kirov-assassinated", data=MINI).stdout == (
        "october-revolution: Bolsheviks seize power in Petrograd (25 Oct (7 Nov) 1917)\n"
        "  A Paper. Article. File paper.txt.\n\n"
        "kirov-assassinated: Sergei Kirov assassinated in Leningrad (1 Dec 1934)\n"
        "  A Book. Book \u2014 Service 2004, p. 314\n"
        "  A Paper. Article. File paper.txt.\n"
    )

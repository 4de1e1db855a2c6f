"""Citations for events: their sources as plain text, Markdown, BibTeX or CSL-JSON, from the declared fields only."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from chrono.model import Event

CITE_STYLES = ("plain", "markdown", "bibtex", "csl-json")
# Fields a source may declare beyond title, file and kind; each is written only when it is there.
OPTIONAL_FIELDS = ("author", "year", "url", "publisher")


class Citation(NamedTuple):
    """One source entry of an event: a declared source (key and fields) or an inline one, and its citation."""

    key: str | None
    fields: dict[str, Any]
    cite: str | None

    @property
    def ident(self) -> tuple[str | None, str | None, str | None]:
        """What makes two entries the same citation."""
        return (self.key, None if self.key else _text(self.fields.get("title")), self.cite)


def _text(value: Any) -> str:
    """A declared field as text ('' when absent); numbers such as a year are written as they are."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()


def _authors(value: Any) -> list[str]:
    """The names in an author field: a list of names, or one string (several separated by ';')."""
    if isinstance(value, list):
        return [n for n in (_text(v) for v in value) if n]
    return [n.strip() for n in _text(value).split(";") if n.strip()]


def citations(event: Event, declared: dict[str, dict[str, Any]]) -> list[Citation]:
    """The event's distinct citations, in the order the record gives them."""
    out: dict[tuple[str | None, str | None, str | None], Citation] = {}
    for entry in event.sources:
        key = entry.get("source")
        if key is not None:
            info = declared.get(key)
            c = Citation(key, info if isinstance(info, dict) else {}, entry.get("cite") or None)
        else:
            c = Citation(None, {k: v for k, v in entry.items() if k != "cite"}, entry.get("cite") or None)
        out.setdefault(c.ident, c)
    return list(out.values())


# Plain text and Markdown ---------------------------------------------------------------------------


def describe(c: Citation, esc: Callable[[str], str] = str, emphasis: str = "") -> str:
    """A source as one line from its fields (author. Title. Kind. Publisher, year. URL. File), then its citation."""
    f = c.fields
    kind = _text(f.get("kind"))
    authors = _authors(f.get("author"))
    parts = []
    if authors:
        parts.append(", ".join(authors[:-1]) + " and " + authors[-1] if len(authors) > 1 else authors[0])
    parts.append(_text(f.get("title")) or (c.key or ""))
    parts.append(kind[:1].upper() + kind[1:])
    parts.append(", ".join(t for t in (_text(f.get("publisher")), _text(f.get("year"))) if t))
    parts.append(_text(f.get("url")))
    parts.append("File " + _text(f.get("file")) if _text(f.get("file")) else "")
    title_at = 1 if authors else 0
    text = ""
    for i, part in enumerate(parts):
        if not part:
            continue
        if text:
            text += " " if text.endswith((".", "?", "!")) else ". "
        text += f"{emphasis}{esc(part)}{emphasis}" if i == title_at else esc(part)
    return f"{text} \u2014 {esc(c.cite)}" if c.cite else text + ("" if text.endswith((".", "?", "!")) else ".")


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    from chrono.output.escape import escape_text

    return escape_text(text).translate(_MD_SPECIAL)


def write_text(events: Iterable[Event], declared: dict[str, dict[str, Any]], markdown: bool = False) -> str:
    """For each event a heading line, then one line per distinct citation."""
    from chrono.dates.human import human
    from chrono.output.escape import escape_text

    blocks = []
    for e in events:
        when = human(e.date, e.date_os)
        cites = citations(e, declared)
        if markdown:
            lines = [f"**{_md(e.title)}** ({_md(when)}; `{e.id}`)", ""]
            lines.extend("- " + describe(c, _md, "*") for c in cites)
        else:
            lines = [escape_text(f"{e.id}: {e.title} ({when})")]
            lines.extend("  " + describe(c, escape_text) for c in cites)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


# BibTeX and CSL-JSON ---------------------------------------------------------------------------------


def _slug(text: str) -> str:
    import unicodedata

    letters = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", letters.lower()).strip("-")


def keyed(events: Iterable[Event], declared: dict[str, dict[str, Any]]) -> list[tuple[str, Citation]]:
    """Every distinct citation of the events with a key: the source key, plus a suffix for a page citation."""
    seen: dict[tuple[str | None, str | None, str | None], str] = {}
    used: set[str] = set()
    out = []
    for e in events:
        for c in citations(e, declared):
            if c.ident in seen:
                continue
            base = c.key or ("inline-" + (_slug(_text(c.fields.get("title")))[:40] or "source"))
            if not re.fullmatch(r"[A-Za-z0-9_.:-]+", base):
                base = _slug(base) or "source"
            key = base
            if c.cite:
                key += "-" + (_slug(c.cite) or "cite")
            unique, n = key, 1
            while unique in used:
                n += 1
                unique = f"{key}-{n}"
            used.add(unique)
            seen[c.ident] = unique
            out.append((unique, c))
    return out


# The entry type for a source's kind: the first word of the kind found, else the last entry's type.
# An encyclopedia entry is no journal article (@article); BibTeX has no type for it, so @misc.
_BIBTEX_TYPES = (("book", "book"), ("encyclopedia", "misc"), ("article", "article"), ("", "misc"))
_CSL_TYPES = (("book", "book"), ("encyclopedia", "entry-encyclopedia"), ("web", "webpage"), ("article", "article"),
              ("", "document"))


def _entry_type(kind: str, types: tuple[tuple[str, str], ...]) -> str:
    """The type of the first word in types that the kind contains (case-insensitively)."""
    kind = kind.casefold()
    return next(t for word, t in types if word in kind)


_BIB_SPECIAL = re.compile(r"[\\{}&%$#_~^]")
_BIB_ESCAPES = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bib(text: str) -> str:
    """A BibTeX field value: LaTeX's special characters escaped, so braces always balance."""
    from chrono.output.escape import escape_text

    return _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPES.get(m.group(), "\\" + m.group()), escape_text(text))


def write_bibtex(events: Iterable[Event], declared: dict[str, dict[str, Any]]) -> str:
    """One entry per distinct citation: @book, @article or @misc by kind, with only the fields declared."""
    entries = []
    for key, c in keyed(events, declared):
        f = c.fields
        fields = []
        authors = _authors(f.get("author"))
        if authors:
            fields.append(("author", " and ".join(authors)))
        for name in ("title", "year", "publisher", "url"):
            if _text(f.get(name)):
                fields.append((name, _text(f.get(name))))
        if c.cite:
            fields.append(("note", c.cite))
        body = "".join(f"  {name} = {{{_bib(value)}}},\n" for name, value in fields)
        entries.append(f"@{_entry_type(_text(f.get('kind')), _BIBTEX_TYPES)}{{{key},\n{body}}}\n")
    return "\n".join(entries)


def _csl_name(name: str) -> dict[str, str]:
    family, comma, given = name.partition(",")
    if comma and family.strip() and given.strip() and "," not in given:
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name}


def csl_items(events: Iterable[Event], declared: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """CSL-JSON items: id, type and title, then author, issued, publisher, URL and note where declared."""
    items = []
    for key, c in keyed(events, declared):
        f = c.fields
        item: dict[str, Any] = {"id": key, "type": _entry_type(_text(f.get("kind")), _CSL_TYPES),
                                "title": _text(f.get("title")) or (c.key or "")}
        authors = _authors(f.get("author"))
        if authors:
            item["author"] = [_csl_name(a) for a in authors]
        year = _text(f.get("year"))
        if year:
            item["issued"] = {"date-parts": [[int(year)]]} if re.fullmatch(r"\d{1,4}", year) else {"literal": year}
        if _text(f.get("publisher")):
            item["publisher"] = _text(f.get("publisher"))
        if _text(f.get("url")):
            item["URL"] = _text(f.get("url"))
        if c.cite:
            item["note"] = c.cite
        items.append(item)
    return items


def write_csl_json(events: Iterable[Event], declared: dict[str, dict[str, Any]], ascii_only: bool = False) -> str:
    """A CSL-JSON array, for Zotero, pandoc and citeproc."""
    import json

    return json.dumps(csl_items(events, declared), ensure_ascii=ascii_only, indent=2) + "\n"

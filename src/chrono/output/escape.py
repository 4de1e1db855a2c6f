"""Text made safe for where it goes: one function per consumer (a terminal, TSV, a spreadsheet's CSV)."""

from __future__ import annotations

import re

from chrono.model import FORMULA_STARTS

# C0 and C1 controls, DEL, and the invisible marks that reorder or hide text (bidi, line separators).
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
# What json.dumps leaves as it is but a terminal acts on (C1 controls such as CSI, DEL, and the marks above).
_JSON_UNSAFE = "[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
# The marks alone, for TSV (which escapes controls its own way).
_MARKS = "[\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
# For TSV: backslash, tab, newline and carriage return as \\ \t \n \r, other controls as \xNN.
TSV_TABLE = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}
TSV_TABLE.update({ord("\\"): "\\\\", ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"})
# Anything but a tab that TSV must escape; rows without it (nearly all) are written as they are.
TSV_SPECIAL = "[\\\\\x00-\x08\x0a-\x1f\x7f-\x9f]"
# The same but for line breaks, to look through many lines joined by them at once.
TSV_SPECIAL_IN_LINES = "[\\\\\x00-\x08\x0b-\x1f\x7f-\x9f]"


def _visible(m: re.Match[str]) -> str:
    c = m.group()
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """Text safe for a terminal: control and bidi characters shown as visible escapes."""
    return re.sub(_UNSAFE, _visible, text)


def terminal_json(text: str) -> str:
    """JSON for a terminal: the characters json.dumps leaves raw that a terminal would act on, as \\u escapes
    (the same JSON value)."""
    return re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text)


# For a whole document shown on a terminal (an export without -o): line breaks and tabs stay.
_DOCUMENT_UNSAFE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"


def terminal_document(text: str) -> str:
    """A document for a terminal (an export written there): what would act on it as visible escapes, lines kept."""
    return re.sub(_DOCUMENT_UNSAFE, _visible, text)


def terminal_marks(text: str) -> str:
    """TSV for a terminal: the invisible marks that reorder or hide text shown as visible escapes."""
    return re.sub(_MARKS, _visible, text)


def markdown_cell(text: str) -> str:
    """Text for a Markdown table cell: escaped for a terminal (a line break too), and Markdown's own characters
    (| ends a cell, < starts HTML) after a backslash, as `export --to markdown` writes them."""
    return escape_text(text).translate(_MD_SPECIAL)


def spreadsheet_safe(text: str) -> str:
    """A CSV cell that Excel and LibreOffice show as text: a leading ' before a cell that could start a formula.

    A cell that already begins with ' before such a character gets one more, so that a reader which removes
    one leading ' from every cell whose text after its leading 's begins a formula gets the text back exactly.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def tsv_field(text: str) -> str:
    """A TSV field: backslash, tab, newline and other controls escaped, so a row stays one line."""
    return text.translate(TSV_TABLE)


# For formats that show text to people elsewhere (pages, calendars, documents): controls have no place in them,
# and the marks that reorder text (bidi overrides) could make it say something else. Line breaks and tabs stay.
_CONTROLS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
_LINE_BREAK = re.compile(r"\r\n?|\n")


def plain_text(text: str) -> str:
    """Text for a page or a document: controls and invisible reordering marks removed, line breaks as \\n."""
    return re.sub(_CONTROLS, "", _LINE_BREAK.sub("\n", text))


def html_text(text: str) -> str:
    """Text as HTML: markup characters as entities, line breaks as <br>."""
    import html

    return html.escape(plain_text(text), quote=True).replace("\n", "<br>")


def html_attribute(text: str) -> str:
    """Text inside a quoted HTML attribute: entities for markup and quotes, line breaks as spaces."""
    import html

    return html.escape(plain_text(text).replace("\n", " "), quote=True)


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def markdown_text(text: str) -> str:
    """Text in Markdown that renders as itself: markup characters escaped, a line break as a hard break."""
    return plain_text(text).translate(_MD_SPECIAL).replace("\n", "\\\n  ")


def ics_text(text: str) -> str:
    """An iCalendar TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as \\n."""
    return (plain_text(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))

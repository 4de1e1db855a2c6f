"""Events in the format's plain shape, matched in their JSON text: the quickest way through a large file.

A plain event is an object on one line, written with json.dumps' separators (", " and ": ") or compact
ones, its fields in the format's order: id, date, title, then any of summary, tags, people, places,
aliases, sources. Its strings have no escapes; list items are not blank and hold no ";"; a source is
an object of at most four distinct keys (one of them "source", or a "title" that is not empty) whose
values hold no braces. Such text is valid JSON with no key twice, so a match stands for its decoded
value (see value()); anything else is decoded as usual. No item or source value is exactly ", " (or
": "), so every '", "' in a list is a separator, and compact_list() can take its space out.
"""

from __future__ import annotations

import re
from typing import Any

_TEXT = r'[^"\\\x00-\x1f]*+'
_ITEM = r'(?!, ")' r' *+[^"\\;\x00-\x20\x7f][^"\\;\x00-\x1f\x7f]*+'
_LIST = rf'\[(?:"{_ITEM}"(?:, ?"{_ITEM}")*+)?\]'
_VALUE = r'": ?"(?![,:] ")[^"\\\x00-\x1f\x7f{}]*+"'
_SOURCE = (
    r'\{(?=[^}]*"(?:source":|title": ?"[^"]))'
    rf'"(?P<k1>[a-z_]++){_VALUE}'
    rf'(?:, ?"(?!(?P=k1)")(?P<k2>[a-z_]++){_VALUE}'
    rf'(?:, ?"(?!(?:(?P=k1)|(?P=k2))")(?P<k3>[a-z_]++){_VALUE}'
    rf'(?:, ?"(?!(?:(?P=k1)|(?P=k2)|(?P=k3))")[a-z_]++{_VALUE})?)?)?\}}'
)
_SOURCES = rf'\[(?:{_SOURCE}(?:, ?(?=\{{)|(?=\])))*+\]'

PLAIN_EVENT = re.compile(
    rf'\{{"id": ?"([a-z0-9][a-z0-9-]*+)", ?"date": ?"({_TEXT})", ?"title": ?"({_TEXT})"'
    rf'(?:, ?"summary": ?"({_TEXT})")?'
    rf'(?:, ?"tags": ?({_LIST}))?'
    rf'(?:, ?"people": ?({_LIST}))?'
    rf'(?:, ?"places": ?({_LIST}))?'
    rf'(?:, ?"aliases": ?({_LIST}))?'
    rf'(?:, ?"sources": ?({_SOURCES}))?'
    r'\}'
)
# The groups of a match: id, date, title, summary, tags, people, places, aliases, sources (None if absent).
FIELDS = tuple(range(1, 10))


def value(match: re.Match[str]) -> dict[str, Any]:
    """The event a match stands for, decoded."""
    import json

    value: dict[str, Any] = json.loads(match.group())
    return value


def compact_list(text: str) -> str:
    """A matched list as the index stores it, with compact separators."""
    return text.replace('", "', '","')


def compact_sources(text: str) -> str:
    """A matched sources array as the index stores it, with compact separators."""
    return text.replace('": "', '":"').replace('", "', '","').replace("}, {", "},{")

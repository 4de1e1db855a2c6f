"""What to select: spans of time for --window and --max-span (the query language is tested through search)."""

from __future__ import annotations

import pytest

from chrono.store.query import parse_span


@pytest.mark.parametrize(("text", "span"), [("6m", (6, "m")), ("10d", (10, "d")), (" 2Y ", (2, "y")),
                                            ("18 m", (18, "m"))])
def test_parse_span(text: str, span: tuple[int, str]) -> None:
    assert parse_span(text) == span


@pytest.mark.parametrize("text", ["6 weeks", "m", "-1y", "1.5y", "9999999y", ""])
def test_not_a_span(text: str) -> None:
    with pytest.raises(ValueError, match="is not a span of time; use days, months or years"):
        parse_span(text)

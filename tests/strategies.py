"""Hypothesis strategies the tests share: EDTF dates of the chronology format, at any precision and year."""

from __future__ import annotations

from hypothesis import strategies as st

from chrono.dates.days import month_length

QUALIFIERS = st.sampled_from(["", "?", "~", "%"])
KINDS = ("year", "month", "day", "decade", "season")
MODERN = st.integers(1000, 2500)


def edtf_year(y: int) -> str:
    """A year as EDTF writes it: 1934, 0043, -0529, Y-40000."""
    if abs(y) > 9999:
        return f"Y{y}"
    return f"-{-y:04d}" if y < 0 else f"{y:04d}"


@st.composite
def edtf_points(draw: st.DrawFn, years: st.SearchStrategy[int] = MODERN,
                kinds: tuple[str, ...] = KINDS, year: int | None = None, kind: str | None = None,
                qualified: bool = True) -> str:
    """One EDTF date (not an interval) of a year drawn from years (or the year given), of one of the kinds."""
    y = draw(years) if year is None else year
    kind = draw(st.sampled_from(kinds)) if kind is None else kind
    q = draw(QUALIFIERS) if qualified else ""
    if kind == "year":
        return edtf_year(y) + q
    if kind == "decade":
        return f"-{-y // 10:03d}X{q}" if y <= -10 else f"{max(y, 0) // 10:03d}X{q}"
    if kind == "season":
        return f"{edtf_year(y)}-{draw(st.integers(21, 24))}{q}"
    m = draw(st.integers(1, 12))
    if kind == "month":
        return f"{edtf_year(y)}-{m:02d}{q}"
    return f"{edtf_year(y)}-{m:02d}-{draw(st.integers(1, month_length(y, m))):02d}{q}"

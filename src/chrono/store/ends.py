"""What an event id or a typed date names, as one end of an interval (for between)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chrono.dates.between import End, end_of
from chrono.dates.edtf import DateError, format_edtf, parse_edtf
from chrono.dates.user import parse_user_date
from chrono.errors import NoMatch

if TYPE_CHECKING:
    from chrono.store.index import Index


def resolve(index: Index, text: str) -> End:
    """An event id, else a date (the forms --from takes), else a unique id prefix; exit 1 when none fits."""
    why = ""
    row = index.conn.execute("SELECT 1 FROM events WHERE id = ?", (text,)).fetchone()
    if row is None:
        try:
            span = parse_user_date(text)
        except DateError as exc:
            why = str(exc)
        else:
            return end_of(text, None, format_edtf(span), span)
    found, _ = index.by_ids([text])
    if not found:
        hint = index.suggest_id(text)
        raise NoMatch(f"no event with id {text!r}" + (f"; did you mean {hint!r}?" if hint else "")
                      + f", and it is not a date either ({why})")
    event = found[0]
    return end_of(text, event, event.date, parse_edtf(event.date))

"""The data model: an Event (one record of a chronology) and the chronology's metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chrono.dates import parse_edtf

# The fields of the chronology format, in the order records are written.
FORMAT_FIELDS = (
    "id", "date", "date_os", "title", "summary", "tags", "people", "places", "aliases",
    "sources", "certainty", "note", "alt_dates",
)
LIST_FIELDS = ("tags", "people", "places", "aliases")
COMPUTED_FIELDS = ("earliest", "latest", "precision")
CERTAINTIES = ("disputed", "uncertain")


@dataclass(frozen=True, slots=True)
class Event:
    """One event of a chronology, as validated on load."""

    id: str
    date: str
    title: str
    summary: str
    tags: tuple[str, ...]
    sources: tuple[dict[str, str], ...]
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    date_os: str | None = None
    certainty: str | None = None
    note: str | None = None
    alt_dates: tuple[dict[str, Any], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def span(self):  # noqa: ANN201 - chrono.dates.Span
        """The parsed date."""
        return parse_edtf(self.date)

    @property
    def earliest(self) -> str | None:
        """The first day the date can mean (ISO), None for an open start."""
        d = self.span.earliest
        return d.isoformat() if d else None

    @property
    def latest(self) -> str | None:
        """The last day the date can mean (ISO), None for an open end."""
        d = self.span.latest
        return d.isoformat() if d else None

    @property
    def precision(self) -> str:
        """day, month, season, year, decade or interval."""
        return self.span.precision

    def to_record(self, computed: bool = True) -> dict[str, Any]:
        """The event in the chronology format, plus earliest/latest/precision when computed."""
        out: dict[str, Any] = {}
        for name in FORMAT_FIELDS:
            value = getattr(self, name)
            if value is None or (name in ("people", "places", "aliases", "alt_dates") and not value):
                continue
            out[name] = list(value) if isinstance(value, tuple) else value
        out.update(self.extra)
        if computed:
            out["earliest"] = self.earliest
            out["latest"] = self.latest
            out["precision"] = self.precision
        return out


@dataclass(frozen=True, slots=True)
class Chronology:
    """What a chronology file says about itself: title, declared sources and tags."""

    title: str = ""
    description: str = ""
    version: str = ""
    license: str = ""
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def merged(self, other: Chronology) -> Chronology:
        """This chronology's metadata with another's declarations added."""
        return Chronology(
            title=self.title or other.title,
            description=self.description or other.description,
            version=self.version or other.version,
            license=self.license or other.license,
            sources={**other.sources, **self.sources},
            tags={**other.tags, **self.tags},
        )

"""Summaries read back from the chronology files: the index keeps where each event is, not a second copy.

A cached index of JSON or JSONL files stores, instead of an event's summary (the bulk of its text),
where the event's record is in its file: the file's number, the byte offset and the length, packed
in one integer. The cache is used only while the files have the size and time they were indexed
with, so reading the record again and normalising it as the build did gives the summary back.
"""

from __future__ import annotations

import os
from typing import Any

from chrono.read.check import summary_text
from chrono.read.formats.base import LENGTH_MASK, unpack


class Summaries:
    """Reads summaries back from the files an index was built from, normalised as the build did."""

    def __init__(self, paths: list[str], mapping: tuple[tuple[str, str], ...], order: str | None) -> None:
        from chrono.read.formats.strict_json import decoder
        from chrono.read.normalise import Normaliser

        self.paths = paths
        self.normaliser = Normaliser(mapping, order)
        self.decode = decoder().decode
        self.files: dict[int, int] = {}
        self.warned = False

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> Summaries:
        """The reader for an index, from the files and options its meta table records."""
        import json

        options = json.loads(meta.get("options", "{}"))
        return cls(json.loads(meta.get("paths", "[]")), tuple(tuple(p) for p in options.get("mapping", ())),
                   options.get("order"))

    def __call__(self, loc: int | None) -> str | None:
        """The summary of the record at loc (an SQL function: cold(e.loc))."""
        if loc is None or not loc & LENGTH_MASK:
            return None  # (a table's row: the index keeps its summary)
        try:
            return self.read(loc)
        except (OSError, IndexError, ValueError):
            self._warn(unpack(loc)[0])
            return ""

    def read(self, loc: int) -> str | None:
        """The summary of the record at loc; OSError, IndexError or ValueError when it cannot be read."""
        number, offset, length = unpack(loc)
        fd = self.files.get(number)
        if fd is None:
            fd = self.files[number] = os.open(self.paths[number], os.O_RDONLY)
        raw = self.decode(os.pread(fd, length, offset).decode("utf-8"))
        record: Any = self.normaliser.event(raw, 0).record
        return summary_text(record.get("summary") if record is not None else None)

    def close(self) -> None:
        """Close the files opened so far."""
        for fd in self.files.values():
            os.close(fd)
        self.files.clear()

    def _warn(self, number: int) -> None:
        if not self.warned:
            from chrono.errors import warn

            self.warned = True
            name = self.paths[number] if number < len(self.paths) else "a chronology file"
            warn(f"{name} changed while chrono was reading it; summaries may be missing, run the command again")

"""JSON Lines chronologies (.jsonl, .ndjson): one event object per line; blank lines are skipped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chrono.errors import DataError
from chrono.read.formats.base import Problem, Reader
from chrono.read.formats.plain import PLAIN_EVENT
from chrono.read.formats.stream import TextStream, utf8_length
from chrono.read.formats.strict_json import JSON_ERRORS, decoder, json_problem, lone_surrogate, members


class JsonlReader(Reader):
    """Decodes line by line; a line that is not JSON is a problem and reading goes on."""

    kind = "jsonl"

    def __init__(self, name: str, stream: TextStream) -> None:
        super().__init__(name)
        self.stream = stream
        self.current = -1
        self.line = ""
        self.number = 0
        self.offset = 0

    def records(self) -> Iterator[Any]:
        """The decoded lines, in file order."""
        decode = decoder().decode
        plain = PLAIN_EVENT.match if self.plain else None
        number = 0
        offset = -1
        length = 0
        for line in self.stream.lines():
            number += 1
            offset = self.stream.bom if offset < 0 else offset + length
            length = utf8_length(line)
            if not line.strip():
                continue
            self.position = self.stream.bytes_read
            value = plain(line) if plain is not None else None
            if value is not None and (value.end() == len(line) or line[value.end():].isspace()):
                self._take(line, number, offset)
                yield value
                continue
            if "\\u" in line:
                pos = lone_surrogate(line)
                if pos is not None:
                    raise DataError([f"{self.name}:{number}:{pos + 1}: lone surrogate escape {line[pos:pos + 6]}; "
                                     "write the character itself or a valid surrogate pair"])
            try:
                value = decode(line)
            except JSON_ERRORS as exc:
                offset, message = json_problem(line.rstrip("\r\n"), exc)
                self.problems.append(Problem(message, line=number, col=offset + 1))
                continue
            self._take(line, number, offset)
            yield value
        if self.current < 0 and not self.problems:
            self.problems.append(Problem("empty input; JSON Lines holds one event object per line", line=1, col=1,
                                         row=False))

    def _take(self, line: str, number: int, offset: int) -> None:
        """Make this line the record being read (for extent and where)."""
        self.current += 1
        self.line = line
        self.number = number
        self.offset = offset

    def resume(self) -> int | None:
        """The end of the file, when its last line ended (lines added after it are rows of their own)."""
        return self.stream.bytes_read if self.stream.last in (b"\n", b"\r") else None

    def extent(self) -> tuple[int, int] | None:
        """The byte offset and length of the line being read."""
        return self.offset, utf8_length(self.line)

    def where(self, record: int | None, key: str | None = None) -> tuple[int, int]:
        """The line of the event being read and the column of one of its keys."""
        if record is None or record != self.current:
            return 1, 1
        row = self.line
        col = len(row) - len(row.lstrip()) + 1
        if key and row.lstrip().startswith("{"):
            try:
                for name, key_at, _ in members(row, col - 1):
                    if name == key:
                        col = key_at + 1
                        break
            except JSON_ERRORS:
                pass
        return self.number, col

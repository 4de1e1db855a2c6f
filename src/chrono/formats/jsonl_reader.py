"""JSON Lines chronologies (.jsonl, .ndjson): one event object per line; blank lines are skipped."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

from chrono.errors import DataError
from chrono.formats.base import Problem, Reader, line_col
from chrono.formats.strict_json import JSON_ERRORS, decoder, json_problem, lone_surrogate, members


class JsonlReader(Reader):
    """Decodes line by line; a line that is not JSON is a problem and reading goes on."""

    kind = "jsonl"

    def __init__(self, name: str, text: str) -> None:
        super().__init__(name, text)
        self.lines = array("q")
        self.starts = array("q")

    def records(self) -> Iterator[Any]:
        """The decoded lines, in file order."""
        text = self.text
        pos = lone_surrogate(text)
        if pos is not None:
            line, col = line_col(text, pos)
            raise DataError([f"{self.name}:{line}:{col}: lone surrogate escape {text[pos:pos + 6]}; write the "
                             "character itself or a valid surrogate pair"])
        decode = decoder().decode
        number = 0
        start = 0
        length = len(text)
        while start < length:
            end = text.find("\n", start)
            if end < 0:
                end = length
            number += 1
            line = text[start:end]
            self.position = end
            line_start = start
            start = end + 1
            if not line.strip():
                continue
            try:
                value = decode(line)
            except JSON_ERRORS as exc:
                offset, message = json_problem(line, exc)
                self.problems.append(Problem(message, line=number, col=offset + 1))
                continue
            self.lines.append(number)
            self.starts.append(line_start)
            yield value
        if not self.lines and not self.problems:
            self.problems.append(Problem("empty input; JSON Lines holds one event object per line", line=1, col=1,
                                         row=False))

    def where(self, record: int | None, key: str | None = None) -> tuple[int, int]:
        """The line of a record and the column of one of its keys."""
        if record is None or record >= len(self.lines):
            return 1, 1
        start = self.starts[record]
        end = self.text.find("\n", start)
        row = self.text[start:end if end >= 0 else len(self.text)]
        col = len(row) - len(row.lstrip()) + 1
        if key and row.lstrip().startswith("{"):
            try:
                for name, key_at, _ in members(row, col - 1):
                    if name == key:
                        col = key_at + 1
                        break
            except JSON_ERRORS:
                pass
        return self.lines[record], col

"""What every reader shares: reading the bytes, places in a file, and the Reader interface."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from chrono.model import Chronology

STDIN = "-"
STDIN_NAME = "<stdin>"
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


# A record's place in its file (which file, byte offset, length) packed in one integer (see store.cold).
FILE_BITS, OFFSET_BITS, LENGTH_BITS = 5, 38, 20
# A loc's length; none (0) for a table's row, which cannot be read back alone: the index keeps its summary.
LENGTH_MASK = (1 << LENGTH_BITS) - 1


def pack(number: int, offset: int, length: int) -> int | None:
    """One integer for a record's place (None if it does not fit: a 33rd file, a record of a megabyte)."""
    if number >> FILE_BITS or offset >> OFFSET_BITS or length >> LENGTH_BITS:
        return None
    return (number << (OFFSET_BITS + LENGTH_BITS)) | (offset << LENGTH_BITS) | length


def unpack(loc: int) -> tuple[int, int, int]:
    """The file number, byte offset and length packed by pack()."""
    return (loc >> (OFFSET_BITS + LENGTH_BITS), (loc >> LENGTH_BITS) & ((1 << OFFSET_BITS) - 1),
            loc & ((1 << LENGTH_BITS) - 1))


def type_name(value: Any) -> str:
    """The JSON name of a value's type, with an article: 'an object', 'a number'."""
    return _JSON_TYPES.get(type(value), "a number")


def display_name(path: str) -> str:
    """How a path is named in messages (stdin as <stdin>)."""
    return STDIN_NAME if path == STDIN else path


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


@dataclass
class Problem:
    """One thing wrong with a record (its index and key) or with a place in the file (line and column)."""

    message: str
    record: int | None = None
    key: str | None = None
    line: int | None = None
    col: int | None = None
    row: bool = True  # a record that could not be read (skippable), not a problem of the whole file


class Reader:
    """One chronology file: its metadata and its raw records in file order, and where each one is.

    A reader only turns text into raw records (JSON values, or a dict of column -> cell for a table),
    reading its file as a stream; mapping columns and dates to events is the normaliser's job, and
    checking them the checker's. `where` knows the place of the record being read (and its keys).
    Problems in a record that reading can skip (a bad line, a ragged row) go to `problems`; a problem
    that stops reading the file is raised as DataError. `position` is how many bytes have been read.
    A JSON reader told `plain` may give an event in the plain shape as its match (see formats.plain).
    """

    kind = ""
    tabular = False
    plain = False

    def __init__(self, name: str) -> None:
        self.name = name
        self.chronology = Chronology()
        self.tags_declared: dict[str, str] | None = None
        self.sources_declared: dict[str, Any] | None = None
        self.columns: list[str] | None = None
        self.problems: list[Problem] = []
        self.count = 0
        self.position = 0
        self.origin = 0  # where in the file the stream starts (a part read on its own: see store.refresh)

    def records(self) -> Iterator[Any]:
        """The raw records, in file order."""
        raise NotImplementedError

    def where(self, record: int | None, key: str | None = None) -> tuple[int, int]:
        """The (line, col) of a record's key (a JSON key or a column name), or of the record."""
        raise NotImplementedError

    def extent(self) -> tuple[int, int] | None:
        """The byte offset and length of the record being read, when reading it alone gives it back."""
        return None

    def resume(self) -> int | None:
        """Where in the file records added at its end would begin, once it is read (None: not to be read so)."""
        return None

    def format(self, p: Problem) -> str:
        """A problem as FILE:LINE:COL: message."""
        if p.line is not None:
            line, col = p.line, p.col or 1
        else:
            line, col = self.where(p.record, p.key)
        return f"{self.name}:{line}:{col}: {p.message}"

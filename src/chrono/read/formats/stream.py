"""A file's text read in bounded chunks: UTF-8 decoded as it comes, with the exact place of any bad byte."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import IO

from chrono.errors import DataError
from chrono.read.formats.base import STDIN

CHUNK = 1 << 20


def utf8_length(text: str) -> int:
    """How many bytes a text takes in UTF-8."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


class TextStream:
    """The text of a file (or stdin), chunk by chunk; memory stays at a chunk or two whatever the size."""

    def __init__(self, path: str, name: str, chunk: int | None = None) -> None:
        self.path = path
        self.name = name
        self.chunk = chunk or CHUNK
        self.bytes_read = 0
        self.size = 0
        self.bom = 0  # bytes of a byte-order mark left out of the text
        self._file: IO[bytes] | None = None
        self._first: str | None = None
        self._rest: Iterator[str] | None = None

    def open(self) -> None:
        """Open the file, saying plainly why it cannot be read."""
        name = self.name
        try:
            if self.path == STDIN:
                self._file = sys.stdin.buffer
            else:
                self._file = open(self.path, "rb")  # noqa: SIM115 - closed when the chunks are done
                self.size = os.fstat(self._file.fileno()).st_size
        except FileNotFoundError:
            raise DataError([f"{name}: no such file; check the path given to -d/--data or CHRONO_DATA"]) from None
        except IsADirectoryError:
            raise DataError([f"{name}: is a directory; give a chronology file (.json, .jsonl, .csv or .tsv)"]) from None
        except PermissionError:
            raise DataError([f"{name}: permission denied; make the file readable (chmod +r) or copy it"]) from None
        except OSError as exc:
            raise DataError([f"{name}: cannot read: {exc.strerror or exc}"]) from None

    def head(self) -> str:
        """The first chunk of text (kept for chunks() to give again), to sniff the format."""
        if self._first is None:
            self._rest = self._decode()
            self._first = next(self._rest, "")
        return self._first

    def chunks(self) -> Iterator[str]:
        """The text, in chunks of about CHUNK characters."""
        first = self.head()
        if first:
            yield first
        assert self._rest is not None
        yield from self._rest

    def lines(self) -> Iterator[str]:
        """The text line by line, each with its '\\n' (a '\\r\\n' keeps its '\\r')."""
        carry = ""
        for chunk in self.chunks():
            parts = (carry + chunk).split("\n")
            carry = parts.pop()
            for part in parts:
                yield part + "\n"
        if carry:
            yield carry

    def _decode(self) -> Iterator[str]:
        import codecs

        assert self._file is not None
        decoder = codecs.getincrementaldecoder("utf-8")()
        read = self._file.read
        lines = 0
        line_start = 0
        first = True
        try:
            while True:
                try:
                    raw = read(self.chunk)
                except OSError as exc:
                    raise DataError([f"{self.name}: cannot read: {exc.strerror or exc}"]) from None
                final = not raw
                try:
                    text = decoder.decode(raw, final)
                except UnicodeDecodeError as exc:
                    raise self._bad_byte(exc, len(raw), lines, line_start) from None
                lines += raw.count(b"\n")
                last = raw.rfind(b"\n")
                if last >= 0:
                    line_start = self.bytes_read + last + 1
                self.bytes_read += len(raw)
                if first and text:
                    first = False
                    if text.startswith("\ufeff"):
                        text = text[1:]
                        self.bom = 3
                if text:
                    yield text
                if final:
                    return
        finally:
            if self.path != STDIN:
                self._file.close()

    def _bad_byte(self, exc: UnicodeDecodeError, length: int, lines: int, line_start: int) -> DataError:
        """FILE:LINE:COL of the first byte that is not UTF-8 (the column counted in bytes)."""
        data = exc.object
        # The decoder's object is the bytes it held back from the last chunk followed by this chunk.
        held = len(data) - length
        offset = self.bytes_read - held + exc.start
        before = data[:exc.start]
        line = lines + 1 + before.count(b"\n")
        last = before.rfind(b"\n")
        start = self.bytes_read - held + last + 1 if last >= 0 else line_start
        return DataError([f"{self.name}:{line}:{offset - start + 1}: invalid UTF-8 (byte 0x{data[exc.start]:02x} "
                          f"at offset {offset}); save the file as UTF-8"])

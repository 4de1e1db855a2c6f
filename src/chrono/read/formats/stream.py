"""A file's text read in bounded chunks: UTF-8 decoded as it comes, with the exact place of any bad byte.

Memory stays bounded whatever the input, a device or a pipe that never ends included: input that is not
text at its start (a NUL byte on its first line) and a line or record longer than MAX_RECORD are data
errors with their place.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

from chrono.errors import DataError
from chrono.read.formats.base import STDIN

CHUNK = 1 << 20
# The longest line (CSV, TSV, JSON Lines) or record (an event of a JSON file) chrono reads: 16 MB.
MAX_RECORD = 16 << 20


def utf8_length(text: str) -> int:
    """How many bytes a text takes in UTF-8."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


class TextStream:
    """The text of a file (or stdin), chunk by chunk; memory stays at a chunk or two whatever the size."""

    def __init__(self, path: str, name: str, chunk: int | None = None, digest: bool = False,
                 source: IO[bytes] | None = None) -> None:
        self.path = path
        self.name = name
        self.chunk = chunk or CHUNK
        self.bytes_read = 0
        self.size = 0
        self.bom = 0  # bytes of a byte-order mark left out of the text
        # With digest, a digest of every byte read (see formats.digest and store.refresh); and the last byte read.
        self.hasher: Any = None
        if digest:
            from chrono.read.formats.digest import TreeHash

            self.hasher = TreeHash()
        self.last = b""
        self._file: IO[bytes] | None = source
        self._first: str | None = None
        self._rest: Iterator[str] | None = None

    def open(self) -> None:
        """Open the file, saying plainly why it cannot be read."""
        name = self.name
        if self._file is not None:
            return  # given its bytes (a part of a file: see store.refresh)
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
        """The text line by line, each with its line end: '\\n', '\\r\\n', or a lone '\\r' (classic Mac OS); a line
        longer than MAX_RECORD is a DataError."""
        pending: list[str] = []  # the start of a line that has not ended yet
        size = 0
        number = 1  # the number of the line pending begins
        for chunk in self.chunks():
            if "\n" not in chunk and "\r" not in chunk and not (pending and pending[-1][-1] == "\r"):
                pending.append(chunk)
                size += len(chunk)
                if size > MAX_RECORD:
                    raise self._too_long(number)
                continue
            text = "".join(pending) + chunk if pending else chunk
            if "\r" in text and text.count("\r") != text.count("\r\n"):
                parts = re.split(r"(?<=\n)|(?<=\r)(?!\n)", text)
            else:
                parts = text.split("\n")
                parts = [part + "\n" for part in parts[:-1]] + parts[-1:]
            rest = parts.pop()
            if not rest and text[-1] == "\r":
                rest = parts.pop()  # perhaps the first half of a '\r\n' that the next chunk ends
            yield from parts
            number += len(parts)
            pending = [rest] if rest else []
            size = len(rest)
            if size > MAX_RECORD:
                raise self._too_long(number)
        if pending:
            yield "".join(pending)

    def _too_long(self, line: int) -> DataError:
        return DataError([f"{self.name}:{line}:1: a line longer than {MAX_RECORD >> 20} MB; chrono reads lines (and "
                          "records) of up to 16 MB: is this a chronology file?"])

    def _decode(self) -> Iterator[str]:
        import codecs

        assert self._file is not None
        decoder = codecs.getincrementaldecoder("utf-8")()
        read = self._file.read
        hasher = self.hasher
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
                if raw:
                    self.last = raw[-1:]
                    if hasher is not None:
                        hasher.update(raw)
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
                    if "\0" in text:  # on the first line: not text (a NUL later on is the data's own)
                        end = raw.find(b"\n")
                        if b"\0" in (raw if end < 0 else raw[:end]):
                            raise self._not_text(raw)
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

    def _not_text(self, raw: bytes) -> DataError:
        """FILE:LINE:COL of the first NUL byte: binary data, UTF-16, or a device such as /dev/zero."""
        at = raw.find(b"\0")
        line = raw.count(b"\n", 0, at) + 1
        col = at - (raw.rfind(b"\n", 0, at) + 1) + 1
        return DataError([f"{self.name}:{line}:{col}: not a text file (a NUL byte at offset {at}); give a chronology "
                          "as UTF-8 text (.json, .jsonl, .csv or .tsv)"])

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

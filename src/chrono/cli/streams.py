"""Standard output as chrono writes to it: closed or invalid is an error like a full disk, and a count of what was
written, so that a command run again (after a damaged cache entry) prints only what it had not printed yet."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any


class ClosedOutput:
    """A standard stream that was closed when chrono started: writing to it is an error (cannot write output)."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, silent: bool = False) -> None:
        self.silent = silent

    def write(self, text: str) -> int:
        """Fail, as a closed descriptor does (stderr: drop the text, there is nowhere to say anything)."""
        if self.silent:
            return len(text)
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        """Nothing was written."""

    def isatty(self) -> bool:
        """Not a terminal."""
        return False

    def writable(self) -> bool:
        """It takes writes (and fails them)."""
        return True

    def fileno(self) -> int:
        """There is no descriptor."""
        raise OSError(errno.EBADF, "standard output is closed")


def guard_standard_streams() -> None:
    """Give closed descriptors 0-2 /dev/null, so that no file chrono opens takes their place, and make writing to a
    closed stdout an error (stderr: silent)."""
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    if not closed:
        return
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in closed:
            if fd != null:
                os.dup2(null, fd)
        if null not in closed:
            os.close(null)
    except OSError:
        pass
    if 1 in closed or sys.stdout is None:
        sys.stdout = ClosedOutput()
    if 2 in closed or sys.stderr is None:
        sys.stderr = ClosedOutput(silent=True)


class Escaping:
    """A text stream that passes what is written through an escaping function (an export shown on a terminal)."""

    def __init__(self, stream: Any, escape: Any) -> None:
        self.stream = stream
        self.escape = escape

    def write(self, text: str) -> int:
        """Write the text escaped."""
        self.stream.write(self.escape(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class Counted:
    """A text stream that counts the characters written through it, and can leave out the first `skip` of them."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.written = 0
        self.skip = 0

    def write(self, text: Any) -> int:
        """Write the text (or what of it is past `skip`), counting it."""
        if not isinstance(text, str):
            return int(self.stream.write(text))  # bytes: the stream refuses them (click asks it so)
        n = len(text)
        if self.skip:
            cut = min(self.skip, n)
            self.skip -= cut
            text = text[cut:]
        if text:
            self.stream.write(text)
        self.written += n
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

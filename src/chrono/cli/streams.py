"""Standard output as chrono writes to it: a count of what was written, so that a command run again (after a
damaged cache entry) prints only what it had not printed yet."""

from __future__ import annotations

from typing import Any


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

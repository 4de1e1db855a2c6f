"""A digest of a file's bytes that can be checked again in parallel: SHA-256 of the SHA-256s of its 1 MB blocks.

A build takes it of the bytes it reads, as it reads them, and keeps each block's digest; a refresh checks
the old bytes of a changed file against them, hashing whole blocks in two threads (hashlib lets go of the
GIL while it hashes): the first block that differs is where an edit begins, and the blocks found again
further on (shifted by what the edit added or took away) are where it ends.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

BLOCK = 1 << 20
READ = 1 << 20


class TreeHash:
    """SHA-256 over the SHA-256 of each BLOCK bytes of a stream, and the stream's length."""

    def __init__(self) -> None:
        self.blocks: list[bytes] = []
        self.block: Any = hashlib.sha256()
        self.filled = 0
        self.length = 0

    def update(self, data: bytes | memoryview) -> None:
        """Add bytes at the end of the stream."""
        view = memoryview(data)
        while view:
            take = min(BLOCK - self.filled, len(view))
            self.block.update(view[:take])
            self.filled += take
            self.length += take
            view = view[take:]
            if self.filled == BLOCK:
                self.blocks.append(self.block.digest())
                self.block = hashlib.sha256()
                self.filled = 0

    def add_block(self, digest: bytes) -> None:
        """Add a whole block by its digest (the stream must be at a block boundary)."""
        assert self.filled == 0
        self.blocks.append(digest)
        self.length += BLOCK

    def digests(self) -> bytes:
        """Each block's digest so far, the last one of a partial block if the stream is not at a block boundary."""
        return b"".join(self.blocks) + (self.block.digest() if self.filled else b"")

    def state(self) -> dict[str, Any]:
        """What a file's state keeps of the digest: the whole, the block size and each block's (as hex)."""
        return {"digest": self.hexdigest(), "block": BLOCK, "blocks": self.digests().hex()}

    def copy(self) -> TreeHash:
        """An independent copy."""
        other = TreeHash()
        other.blocks = list(self.blocks)
        other.block = self.block.copy()
        other.filled = self.filled
        other.length = self.length
        return other

    def hexdigest(self) -> str:
        """The digest so far."""
        top = hashlib.sha256(b"".join(self.blocks))
        top.update(self.block.digest() + self.length.to_bytes(8, "big"))
        return top.hexdigest()


def hash_range(fd: int, tree: TreeHash, start: int, end: int) -> None:
    """Add the bytes of the open file from start to end to the tree; whole blocks hashed two at a time."""
    at = start
    if tree.filled == 0 and end - at >= 2 * BLOCK:
        count = (end - at) // BLOCK
        digests = block_digests(fd, at, count)
        for digest in digests:
            tree.add_block(digest)
        at += count * BLOCK
    while at < end:
        data = os.pread(fd, min(READ, end - at), at)
        if not data:
            raise OSError("the file was shortened while chrono read it")
        tree.update(data)
        at += len(data)


def block_digests(fd: int, start: int, count: int) -> list[bytes]:
    """The digests of count whole blocks from start (any offset), in two threads."""
    import threading

    out: list[bytes] = [b""] * count
    failed: list[BaseException] = []

    def work(first: int) -> None:
        try:
            for i in range(first, count, 2):
                h = hashlib.sha256()
                at = start + i * BLOCK
                stop = at + BLOCK
                while at < stop:
                    data = os.pread(fd, min(READ * 4, stop - at), at)
                    if not data:
                        raise OSError("the file was shortened while chrono read it")
                    h.update(data)
                    at += len(data)
                out[i] = h.digest()
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            failed.append(exc)

    other = threading.Thread(target=work, args=(1,), daemon=True)
    other.start()
    work(0)
    other.join()
    if failed:
        raise failed[0]
    return out

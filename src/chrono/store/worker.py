"""The index writer process: batches of rows come down a pipe and go into the index file.

It never outlives chrono: it holds only the reading end of its pipe (so it sees the end when chrono is
gone), the kernel kills it when its parent dies (Linux; elsewhere a thread watches the parent), and it
keeps none of chrono's files, not stdout, open (so `chrono ... | cat` ends when chrono does).
"""

from __future__ import annotations

import os
import sys
from typing import Any

# The writer's exit status when the index found ids used twice (listed in the dups file).
DUPLICATES_EXIT = 3
HEADER = 8


class WriterProcess:
    """A forked writer and the pipe to it: send() batches, then finish() for its exit status."""

    def __init__(self, dest: str, dups: str) -> None:
        read_fd, write_fd = os.pipe()
        _widen(write_fd)
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            raise
        if pid == 0:  # pragma: no cover - the child process (its coverage is not collected)
            code = 1
            try:
                os.close(write_fd)
                _detach(parent, read_fd)
                code = _write(read_fd, dest, dups)
            finally:
                os._exit(code)
        os.close(read_fd)
        self.pid = pid
        self.fd: int | None = write_fd
        self.midway = False  # a message was cut short (Ctrl-C while sending): only closing the pipe is safe now

    def send(self, message: Any) -> None:
        """Send one message (marshalled); OSError if the writer has stopped."""
        import marshal

        data = marshal.dumps(message)
        self.midway = True
        try:
            self._write(len(data).to_bytes(HEADER, "big"))
            self._write(data)
        except OSError:
            raise OSError("the index writer stopped") from None
        self.midway = False

    def _write(self, data: bytes) -> None:
        assert self.fd is not None
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def finish(self, stop: bool) -> int:
        """Close the pipe (first telling the writer to stop, if stop) and wait for it: its exit status."""
        if self.fd is not None:
            if stop and not self.midway:
                try:
                    self.send(None)
                except OSError:
                    pass
            os.close(self.fd)
            self.fd = None
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def _widen(fd: int) -> None:
    """Let a pipe hold a megabyte (Linux), so that batches of rows pass in few steps."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def _detach(parent: int, keep: int) -> None:
    """Die with the parent, and hold no descriptor of the parent's but the pipe (stdin, stdout, stderr: /dev/null)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for chrono, which then tells the writer to stop
    if not _kill_when_orphaned():
        _watch(parent)
    if os.getppid() != parent:  # the parent died before the kernel was asked
        os._exit(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 1024))
    for fd in fds:
        if fd > 2 and fd != keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _kill_when_orphaned() -> bool:
    """Ask Linux to send SIGKILL to this process when its parent dies (prctl PR_SET_PDEATHSIG); whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError, ImportError):
        return False


def _watch(parent: int) -> None:
    """A thread that ends this process when its parent is gone (where the kernel cannot be asked to)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _write(fd: int, dest: str, dups: str) -> int:
    """Receive batches of rows and write them to the index file; the exit status (the file is removed on failure)."""
    import gc
    import marshal

    from chrono.read.load import Duplicates
    from chrono.store.index import connect
    from chrono.store.writer import Writer

    gc.disable()  # batches of plain tuples, no cycles: the collector would only slow the writer down
    pipe = open(fd, "rb", buffering=1 << 16)  # noqa: SIM115 - the process ends with os._exit
    try:
        conn = connect(dest)
        writer = Writer(conn)
        while True:
            header = pipe.read(HEADER)
            data = pipe.read(int.from_bytes(header, "big")) if len(header) == HEADER else b""
            if not data:  # chrono is gone: nothing more will come
                raise EOFError
            message = marshal.loads(data)
            if message is None:
                return 1
            kind, payload = message
            if kind == "rows":
                writer.add(payload)
            else:
                writer.finish(*payload)
                conn.close()
                return 0
    except Duplicates as exc:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        with open(os.open(dups, flags, 0o600), "wb") as f:
            f.write(marshal.dumps(exc.ids))
        return DUPLICATES_EXIT
    except BaseException:  # noqa: BLE001 - the parent reports the failure from the exit status
        try:
            os.unlink(dest)
        except OSError:
            pass
        return 1

"""Work in a forked child process beside the parent's, with its answers sent back through a pipe.

`citygraph build` validates in a child while it writes the dumps (cli/cmd_build.py): both only
read the reasoned in-memory store, and pyoxigraph holds the GIL while it evaluates a query or
dumps a graph (measured: docs/performance.md, "Overlapping validation and the dumps"), so threads
would take turns on one core. `os.fork()` gives the child the parent's store copy-on-write: no
copy is made, and what either process changes afterwards the other does not see.

Linux only (the child asks the kernel to kill it when the parent dies, `PR_SET_PDEATHSIG`, so
SIGKILL of a build leaves no child behind), and only while no other Python thread runs (a fork
copies only the calling thread; a lock another thread held would stay locked in the child).
`CITYGRAPH_SEQUENTIAL=1` turns it off; `available()` says whether it is on.

The child calls `send(obj)` (pickled, length-prefixed); a thread in the parent reads the pipe as
the messages come, so the child never waits for the parent. The child ends with `os._exit`: no
atexit handler, no buffer of the parent's flushed twice.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import queue
import signal
import struct
import sys
import threading
from collections.abc import Callable

SEQUENTIAL = "CITYGRAPH_SEQUENTIAL"  # set (to anything but "" or "0") to run everything in one process
_PR_SET_PDEATHSIG = 1
_HEADER = struct.Struct("<Q")


class ChildDied(RuntimeError):
    """The child ended without sending what the parent waits for."""


def available() -> bool:
    """Whether `Forked` may be used now: Linux, not switched off, no other thread running."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and os.environ.get(SEQUENTIAL, "") in ("", "0")
            and threading.active_count() == 1)


def _die_with_parent() -> None:
    import ctypes  # lazy: only a forked child needs it

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Forked:
    """Run `work(send)` in a forked child; `receive()` returns what it sent, in order."""

    def __init__(self, work: Callable[[Callable[[object], None]], None]):
        if not available():
            raise RuntimeError("a forked child is not available here (see citygraph.io.forked.available)")
        for stream in (sys.stdout, sys.stderr):  # or the child's exit would write the parent's buffers again
            stream.flush()
        # The objects made so far are left to reference counting in both processes: a collection
        # that visited them would write to every page that holds one, copying it (copy-on-write).
        gc.freeze()
        read, write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            self._child(work, write, parent)
        os.close(write)
        self.pid: int | None = pid
        self.status: int | None = None
        self._messages: queue.Queue = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(read,), daemon=True, name="citygraph-forked-reader")
        self._reader.start()

    @staticmethod
    def _child(work, fd: int, parent: int) -> None:
        code = 0
        try:
            _die_with_parent()
            if os.getppid() != parent:  # the parent died before the line above took effect
                os._exit(1)
            with os.fdopen(fd, "wb") as pipe:
                def send(obj: object) -> None:
                    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
                    pipe.write(_HEADER.pack(len(data)) + data)
                    pipe.flush()

                work(send)
        except KeyboardInterrupt:  # Ctrl-C reaches the whole process group; the parent reports it
            code = 130
        except BaseException:  # noqa: BLE001 — the child must never return into the parent's code
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            while True:
                head = pipe.read(_HEADER.size)
                if len(head) < _HEADER.size:
                    break
                data = pipe.read(_HEADER.unpack(head)[0])
                try:
                    self._messages.put(("ok", pickle.loads(data)))
                except Exception as err:  # noqa: BLE001 — a truncated message: the child died writing it
                    self._messages.put(("died", err))
                    break
        self._messages.put(("eof", None))

    def ready(self) -> bool:
        """Whether a message (or the child's end) is there to receive without waiting."""
        return not self._messages.empty()

    def receive(self):
        """The child's next message (waits for it); ChildDied if it ended without one."""
        kind, obj = self._messages.get()
        if kind == "ok":
            return obj
        self._messages.put((kind, obj))  # every later receive() says the same
        raise ChildDied(f"the second process ended without an answer ({self._ended()})")

    def _ended(self) -> str:
        status = self.wait()
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exit status {os.waitstatus_to_exitcode(status)}"

    def wait(self) -> int:
        """Reap the child (waits for it); its wait status."""
        if self.status is None and self.pid is not None:
            self.status = os.waitpid(self.pid, 0)[1]
            gc.unfreeze()  # nothing is shared any more: the collector may visit those objects again
        return self.status if self.status is not None else 0

    def kill(self) -> None:
        """Stop the child now and reap it (after a failure or an interrupt in the parent)."""
        if self.status is None and self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.wait()


__all__ = ["Forked", "ChildDied", "available", "SEQUENTIAL"]

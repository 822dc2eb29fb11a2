"""A second process for work that splits in two (a long fold, a long hash): the one way kaoping starts one.

`start(work)` forks a child that runs `work()` and sends back what it returned (pickled, through a pipe),
while this process does its own half; `result()` then waits for it. The child shares this process's memory
as it was at the fork and must never use its connections or threads: the caller forks with no other thread
running, and the work opens what it needs. The child ends with `os._exit` (atexit handlers and finalizers
belong to this process). Where `os.fork` does not exist (Windows) the same work runs in this process when
its result is asked for: slower, never different.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The work raised in the second process; the message is its traceback."""


class ChildLost(ChildFailed):
    """The second process ended without an answer (killed, or out of memory)."""


def can_fork() -> bool:
    """True where a child process can be forked (POSIX)."""
    return hasattr(os, "fork")


class Forked(Generic[T]):
    """Work started beside this process: wait for it with `result()`, or `stop()` it."""

    def __init__(self, work: Callable[[], T] | None, pid: int = 0, pipe: int = -1) -> None:
        self._work = work  # in-process: the work itself, run by `result()`
        self._pid = pid
        self._pipe = pipe

    @property
    def pid(self) -> int:
        """The child's process id while it runs (0 once reaped, and for work run in this process)."""
        return self._pid

    def result(self) -> T:
        """What the work returned; ChildFailed (with its traceback) if it raised, ChildLost if the child died."""
        if self._work is not None:
            work, self._work = self._work, None
            try:
                return work()
            except Exception as exc:
                import traceback

                raise ChildFailed(traceback.format_exc()) from exc
        with os.fdopen(self._pipe, "rb") as pipe:
            self._pipe = -1
            data = pipe.read()
        os.waitpid(self._pid, 0)
        self._pid = 0
        if not data:
            raise ChildLost("the second process ended without an answer")
        import pickle

        ok, value = pickle.loads(data)  # our own child's answer, never data read from the ledger
        if not ok:
            raise ChildFailed(value)
        return value

    def stop(self) -> None:
        """Stop the work if it is still running (terminate and reap the child); nothing once it answered."""
        self._work = None
        if self._pipe != -1:
            os.close(self._pipe)
            self._pipe = -1
        if self._pid:
            pid, self._pid = self._pid, 0
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def start(work: Callable[[], T]) -> Forked[T]:
    """Run `work` in a forked child (in this process, when its result is asked for, where there is no fork)."""
    if not can_fork():
        return Forked(work)
    # imported here, not with the module: `kaoping report` imports this module and never forks (~2 ms)
    import pickle
    import traceback

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_end)
            try:
                answer = pickle.dumps((True, work()))
            except BaseException:  # noqa: BLE001 - sent to the parent, which raises
                answer = pickle.dumps((False, traceback.format_exc()))
            with os.fdopen(write_end, "wb") as out:
                out.write(answer)
        finally:
            os._exit(0)
    os.close(write_end)
    return Forked(None, pid, read_end)

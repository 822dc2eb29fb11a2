"""A second process for work that splits in two (a long fold, a long hash): the one way kaoping starts one.

`start(work)` forks a child that runs `work()` and sends back what it returned (pickled, through a pipe),
while this process does its own half; `result()` then waits for it. `start_with_bytes(work)`: the work returns
(answer, bytes), and the bytes cross the pipe as they are, read by `result(into=view)` straight into memory this
process made room for — a large result (a scan's leaves) is never pickled, nor held twice. The child shares
this process's memory as it was at the fork and must never use its connections or threads: the caller forks with no
other thread running, and the work opens what it needs. The child ends with `os._exit` (atexit handlers and finalizers
belong to this process). Where `os.fork` does not exist (Windows) the same work runs in this process when
its result is asked for: slower, never different.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The work raised in the second process; the message is its traceback."""


class ChildLost(ChildFailed):
    """The second process ended without an answer (killed, or out of memory)."""


class WrongSize(ChildFailed):
    """The second process sent more or fewer bytes than the room made for them (they were not kept)."""


def can_fork() -> bool:
    """True where a child process can be forked (POSIX)."""
    return hasattr(os, "fork")


class Forked(Generic[T]):
    """Work started beside this process: wait for it with `result()`, or `stop()` it."""

    def __init__(self, work: Callable[[], Any] | None, pid: int = 0, pipe: int = -1, raw: bool = False) -> None:
        self._work = work  # in-process: the work itself, run by `result()`
        self._pid = pid
        self._pipe = pipe
        self._raw = raw  # the work returns (answer, bytes)

    @property
    def pid(self) -> int:
        """The child's process id while it runs (0 once reaped, and for work run in this process)."""
        return self._pid

    def result(self, into: memoryview | None = None) -> T:
        """What the work returned (its bytes, for `start_with_bytes`, written into `into`, which they must fill
        exactly: else WrongSize); ChildFailed (with its traceback) if it raised, ChildLost if the child died."""
        if self._raw and into is None:
            raise ValueError("work started with bytes needs the room to read them into")
        if self._work is not None:
            work, self._work = self._work, None
            try:
                value = work()
            except Exception as exc:
                import traceback

                raise ChildFailed(traceback.format_exc()) from exc
            if self._raw:
                value, data = value
                if into is None or len(data) != into.nbytes:
                    raise WrongSize(f"{len(data)} bytes for room for {into.nbytes if into else 0}")
                into[:] = data
            return value
        room = into.nbytes if into is not None else 0
        got = 0
        try:
            with os.fdopen(self._pipe, "rb") as pipe:
                self._pipe = -1
                head = pipe.read(16)
                size, raw = (int.from_bytes(head[:8]), int.from_bytes(head[8:])) if len(head) == 16 else (0, 0)
                data = pipe.read(size)
                if raw == room and into is not None:
                    while got < raw and (n := pipe.readinto(into[got:])):
                        got += n
                else:
                    pipe.read()  # not kept: drained, so that the child can end
        finally:
            os.waitpid(self._pid, 0)
            self._pid = 0
        if not size or len(data) != size:
            raise ChildLost("the second process ended without an answer")
        import pickle

        ok, value = pickle.loads(data)  # our own child's answer, never data read from the ledger
        if not ok:
            raise ChildFailed(value)
        if raw != room:
            raise WrongSize(f"{raw} bytes sent for room for {room}")
        if got != raw:
            raise ChildLost("the second process ended while sending its bytes")
        return value

    def stop(self) -> None:
        """Stop the work if it is still running (terminate and reap the child); nothing once it answered."""
        self._work = None
        if self._pipe != -1:
            os.close(self._pipe)
            self._pipe = -1
        if self._pid:
            import signal  # only a child still running is stopped; its enums are ~0.7 ms of every question's imports

            pid, self._pid = self._pid, 0
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def start(work: Callable[[], T]) -> Forked[T]:
    """Run `work` in a forked child (in this process, when its result is asked for, where there is no fork)."""
    return _start(work, False)


def start_with_bytes(work: Callable[[], tuple[T, bytes | bytearray]]) -> Forked[T]:
    """Run `work`, which returns (answer, bytes), in a forked child: the bytes are sent as they are, not pickled,
    and `result(into=…)` appends them to a buffer."""
    return _start(work, True)


def _start(work: Callable[[], Any], raw: bool) -> Forked[Any]:
    if not can_fork():
        return Forked(work, raw=raw)
    # imported here, not with the module: `kaoping report` imports this module and never forks (~2 ms)
    import pickle
    import traceback

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_end)
            data: bytes | bytearray = b""
            try:
                value = work()
                if raw:
                    value, data = value
                answer = pickle.dumps((True, value))
            except BaseException:  # noqa: BLE001 - sent to the parent, which raises
                answer, data = pickle.dumps((False, traceback.format_exc())), b""
            with os.fdopen(write_end, "wb") as out:
                out.write(len(answer).to_bytes(8) + len(data).to_bytes(8))
                out.write(answer)
                out.write(memoryview(data))
        finally:
            os._exit(0)
    os.close(write_end)
    return Forked(None, pid, read_end, raw)

"""ledger/runtime/fork.py: the one way to a second process, and the same answers where there is no fork."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from ledger import ids, topics
from ledger.app import open_ledger
from ledger.integrity import leaves
from ledger.runtime import fork


def _fail() -> int:
    raise ValueError("坏数据")


@pytest.mark.posix_only("forks a second process")
def test_the_work_runs_in_another_process_and_its_result_comes_back() -> None:
    here = os.getpid()
    second = fork.start(lambda: (os.getpid(), [b"\x00" * 70_000, {"位置": 3}]))  # more than a pipe's buffer
    pid, value = second.result()
    assert pid != here
    assert value == [b"\x00" * 70_000, {"位置": 3}]


@pytest.mark.posix_only("forks a second process")
def test_bytes_sent_beside_the_answer_are_read_into_the_room_made_for_them() -> None:
    data = bytes(range(256)) * 5_000  # more than a pipe's buffer
    second = fork.start_with_bytes(lambda: ({"位置": os.getpid()}, bytearray(data)))
    buffer = bytearray(b"head") + bytearray(len(data))
    answer = second.result(into=memoryview(buffer)[4:])
    assert answer["位置"] != os.getpid()
    assert buffer == b"head" + data


@pytest.mark.posix_only("forks a second process")
def test_bytes_that_do_not_fill_their_room_exactly_are_a_wrong_size_and_not_kept() -> None:
    for size in (99_999, 100_001):
        second = fork.start_with_bytes(lambda size=size: (1, b"\x01" * size))  # type: ignore[misc]
        buffer = bytearray(100_000)
        with pytest.raises(fork.WrongSize):
            second.result(into=memoryview(buffer))
        assert buffer == bytes(100_000) and second.pid == 0


def test_bytes_sent_beside_the_answer_are_read_into_their_room_where_there_is_no_fork(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fork, "can_fork", lambda: False)
    buffer = bytearray(b"head") + bytearray(4)
    assert fork.start_with_bytes(lambda: (7, b"tail")).result(into=memoryview(buffer)[4:]) == 7
    assert buffer == b"headtail"
    with pytest.raises(fork.WrongSize):
        fork.start_with_bytes(lambda: (7, b"tails")).result(into=memoryview(buffer)[4:])


@pytest.mark.posix_only("forks a second process")
def test_an_error_in_the_second_process_is_raised_here_with_its_traceback() -> None:
    with pytest.raises(fork.ChildFailed, match="ValueError: 坏数据"):
        fork.start(_fail).result()


@pytest.mark.posix_only("forks a second process")
def test_a_second_process_that_dies_without_an_answer_is_reported_lost() -> None:
    second = fork.start(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(fork.ChildLost):
        second.result()


@pytest.mark.posix_only("forks a second process")
def test_stopping_the_work_ends_and_reaps_the_child() -> None:
    second = fork.start(lambda: signal.pause())
    pid = second.pid
    assert pid
    second.stop()
    assert second.pid == 0
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def test_without_fork_the_work_runs_here_only_when_its_result_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork", raising=False)
    assert not fork.can_fork()
    ran: list[int] = []

    def work() -> str:
        ran.append(os.getpid())
        return "答案"

    second = fork.start(work)
    assert ran == []
    assert second.result() == "答案"
    assert ran == [os.getpid()]
    with pytest.raises(fork.ChildFailed, match="ValueError: 坏数据"):
        fork.start(_fail).result()


def test_a_scan_split_in_two_without_fork_equals_one_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = open_ledger(f"sqlite:///{tmp_path / 'k.db'}", "测试", create=True)
    try:
        ledger.init("中心")
        for code in ("W1", "W2", "W3"):
            ledger.add_window(code, f"窗口{code}")
        for n in range(36):  # 40 events: two halves aligned to 16 leaves (merkle.KEPT_FROM)
            ledger.record_finding("W1.1", window=f"W{1 + n % 3}", staff=None, day="2008-05-10", source="weekly",
                                  dq=None)
        args = (topics.KNOWN_TOPICS, ids.INTEGRITY_STREAM.bytes, topics.INTEGRITY_TOPICS)
        one = leaves.scan(ledger, *args)
        monkeypatch.setattr(leaves, "PARALLEL_MIN", 8)
        monkeypatch.setattr(leaves, "CHUNK_HEIGHT", 2)
        forked = leaves.scan(ledger, *args)
        monkeypatch.delattr(os, "fork", raising=False)
        here = leaves.scan(ledger, *args)
    finally:
        ledger.close()
    assert one.size == forked.size == here.size == 40
    assert forked.tree.root() == here.tree.root() == one.tree.root()
    assert forked.flaws == here.flaws == one.flaws == []

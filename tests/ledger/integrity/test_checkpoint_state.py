"""checkpoint_state.loads reads a checkpoint's state exactly as orjson.loads does, its digests decoded in pieces."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.integrity import checkpoint_state
from ledger.integrity.checkpoint_state import Digests, decoded, loads, reader


@pytest.fixture(autouse=True)
def _every_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small states too take the skeleton's way, and digests are decoded a few quads at a time."""
    monkeypatch.setattr(checkpoint_state, "SMALL", 0)
    monkeypatch.setattr(checkpoint_state, "_QUADS", 3)


def _state(digests: bytes, note: str = "kaoping.local/x\n3\nroot\n", last: bool = True) -> bytes:
    fields: dict[str, Any] = {"timestamp": {"_type_": "datetime_iso", "_data_": "2026-12-01T00:00:00+00:00"},
                              "actor": "基准", "size": len(digests) // 8, "root": "cm9vdA==", "note": note}
    text = base64.b64encode(digests).decode()
    return orjson.dumps({**fields, "leaf_digests": text} if last else {"leaf_digests": text, **fields})


class _Stored:
    """A state left where it is stored (as row_leaves.StoredBlob), read only through read_at."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __len__(self) -> int:
        return len(self._data)

    def __bytes__(self) -> bytes:
        return bytes(self._data)

    def read_at(self, offset: int, n: int) -> bytes:
        return self._data[offset : offset + n]


def _same(state: bytes, stored: bool = False) -> None:
    """loads(state) is orjson.loads(state), its digests decoded as base64.b64decode decodes them, or both fail."""
    given_state: checkpoint_state.State = _Stored(state) if stored else state
    try:
        want: Any = orjson.loads(state)
    except orjson.JSONDecodeError:
        with pytest.raises(orjson.JSONDecodeError):
            loads(given_state)
        return
    got = loads(given_state)
    if not isinstance(want, dict) or "leaf_digests" not in want:
        assert got == want
        return
    text, kept = want.pop("leaf_digests"), got.pop("leaf_digests")
    assert got == want
    try:
        whole = base64.b64decode(text, validate=True)
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            decoded(kept)
        return
    assert bytes(decoded(kept)) == whole


def test_a_checkpoint_written_by_the_system_gives_its_digests_as_text_to_decode() -> None:
    digests = bytes(range(256)) * 3
    data = loads(_state(digests))
    assert isinstance(data["leaf_digests"], Digests)
    assert bytes(data["leaf_digests"]) == digests
    assert data["note"] == "kaoping.local/x\n3\nroot\n" and data["size"] == 96


def test_digests_first_in_the_state_are_found_as_well() -> None:
    digests = b"\x01" * 80
    data = loads(_state(digests, last=False))
    assert isinstance(data["leaf_digests"], Digests) and bytes(data["leaf_digests"]) == digests


def test_a_decoy_key_inside_another_field_is_not_taken_for_the_digests() -> None:
    state = orjson.dumps({"note": {"leaf_digests": "AAAA"}, "leaf_digests": base64.b64encode(b"x" * 24).decode()})
    data = loads(state)
    assert data["note"] == {"leaf_digests": "AAAA"} and bytes(decoded(data["leaf_digests"])) == b"x" * 24


def test_a_decoy_whose_cut_leaves_the_real_digests_empty_is_not_taken_either() -> None:
    state = orjson.dumps({"note": {"leaf_digests": "AAAA"}, "leaf_digests": ""})
    _same(state)
    _same(state, stored=True)
    assert loads(state)["note"] == {"leaf_digests": "AAAA"}


def test_a_state_written_otherwise_is_parsed_whole() -> None:
    digests = b"\x02" * 16
    spaced = orjson.dumps({"size": 2, "leaf_digests": base64.b64encode(digests).decode()},
                          option=orjson.OPT_INDENT_2)
    assert loads(spaced) == orjson.loads(spaced)  # its digests as the str orjson gives


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.data())
def test_any_state_reads_as_orjson_reads_it_however_it_was_changed(digests: bytes, data: st.DataObject) -> None:
    state = bytearray(_state(digests, last=data.draw(st.booleans())))
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(state)))
        how = data.draw(st.sampled_from(["set", "insert", "delete"]))
        byte = data.draw(st.sampled_from(list(b'"=\\A/+ {}:,x\xff')))
        if how == "set" and at < len(state):
            state[at] = byte
        elif how == "insert":
            state.insert(at, byte)
        elif at < len(state):
            del state[at]
    _same(bytes(state), stored=data.draw(st.booleans()))


def test_a_stored_state_is_read_in_pieces_never_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    digests = bytes(range(256)) * 8
    state = _Stored(_state(digests))
    monkeypatch.setattr(checkpoint_state, "_PIECE", 16)
    monkeypatch.setattr(checkpoint_state, "_HEAD", bytes(state).find(b'"leaf_digests"') + 16)
    asked: list[int] = []
    read_at = state.read_at

    def counted(offset: int, n: int) -> bytes:
        got = read_at(offset, n)
        asked.append(len(got))
        return got

    monkeypatch.setattr(state, "read_at", counted)
    data = loads(state)
    assert bytes(data["leaf_digests"]) == digests
    assert max(asked) < len(base64.b64encode(digests)) // 2  # the skeleton's head and tail, pieces of the text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 320), st.lists(st.integers(0, 40), max_size=12))
def test_digests_read_from_any_byte_in_any_pieces_are_the_decoded_bytes(
    digests: bytes, skip: int, sizes: list[int]
) -> None:
    text = b'xx"' + base64.b64encode(digests) + b'"'
    kept = Digests(text, 3, len(text) - 1)[skip:]
    assert len(kept) == len(digests[skip:]) and bytes(kept) == digests[skip:]
    read, plain, at = kept.reader(), reader(digests[skip:]), 0
    for n in sizes:
        assert read(n) == plain(n) == digests[skip + at : skip + at + n]
        at += n

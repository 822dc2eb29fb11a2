"""Signed notes and checkpoints: the Go sumdb/note reference vector, and refusals."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from ledger.errors import InvalidInput
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint, parse_body
from ledger.integrity.note import (
    NoteError,
    SignerKey,
    VerifierKey,
    key_id,
    open_note,
    read_key_file,
    sign_note,
    write_key_file,
)
from tests.ledger.go_note_vectors import GO_NOTE, GO_SKEY, GO_TEXT, GO_VKEY


def test_signing_the_go_reference_text_reproduces_the_published_note_byte_for_byte() -> None:
    signer = SignerKey.parse(GO_SKEY)
    assert signer.verifier.text() == GO_VKEY
    assert signer.text() == GO_SKEY
    assert sign_note(GO_TEXT, signer) == GO_NOTE


def test_the_published_note_opens_with_the_published_key_and_its_key_id_follows_the_spec() -> None:
    vkey = VerifierKey.parse(GO_VKEY)
    assert vkey.key_id == 0xC74F20A3 == key_id("PeterNeumann", vkey.public_key)
    assert open_note(GO_NOTE, vkey) == GO_TEXT


@pytest.mark.parametrize(
    "forged",
    [
        GO_NOTE.replace("cryptography", "cryptographY"),
        GO_NOTE.replace("x08go", "x08gp"),
        GO_NOTE.replace("\n\n", "\n"),
        GO_NOTE.replace("PeterNeumann x", "PeterNeuman x"),  # only an unknown key's signature left
        GO_NOTE[:-1],
        GO_TEXT,
        GO_NOTE.replace("answer", "answer\x07"),
    ],
)
def test_an_altered_note_is_refused(forged: str) -> None:
    with pytest.raises(NoteError):
        open_note(forged, VerifierKey.parse(GO_VKEY))


def test_a_note_signed_by_another_key_of_the_same_name_is_refused() -> None:
    other = SignerKey.generate("PeterNeumann")
    with pytest.raises(NoteError):
        open_note(sign_note(GO_TEXT, other), VerifierKey.parse(GO_VKEY))


def test_a_mangled_verifier_key_is_refused() -> None:
    for bad in [GO_VKEY.replace("c74f20a3", "c74f20a4"), GO_VKEY[:-2], "PeterNeumann+c74f20a3", "a b+00000000+AA=="]:
        with pytest.raises((NoteError, InvalidInput)):
            VerifierKey.parse(bad)


def test_a_checkpoint_body_is_three_lines_and_is_parsed_strictly() -> None:
    cp = Checkpoint("example.com/log42", 20852163, bytes(range(32)))
    assert cp.body() == f"example.com/log42\n20852163\n{base64.b64encode(bytes(range(32))).decode()}\n"
    assert parse_body(cp.body()) == cp
    for bad in ["example.com\n012\nAAAA\n", "example.com\n-1\n" + cp.root_b64 + "\n", "x\n1\n" + cp.root_b64,
                "x\n\n" + cp.root_b64 + "\n", "x\n1\nAAAA\n"]:
        with pytest.raises(NoteError):
            parse_body(bad)


def test_a_checkpoint_must_come_from_the_origin_named_by_its_key() -> None:
    signer = SignerKey.generate("kaoping.local/a")
    note = sign_note(Checkpoint("kaoping.local/b", 1, bytes(32)).body(), signer)
    with pytest.raises(NoteError):
        open_checkpoint(note, signer.verifier)
    good = sign_note(Checkpoint("kaoping.local/a", 1, bytes(32)).body(), signer)
    assert open_checkpoint(good, signer.verifier).size == 1


@pytest.mark.posix_only("checks the mode bits of the key file")
def test_the_key_file_is_private_to_its_owner_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "kaoping.key"
    signer = SignerKey.generate("kaoping.local/x")
    write_key_file(path, signer)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key_file(path) == signer
    with pytest.raises(FileExistsError):
        write_key_file(path, SignerKey.generate("kaoping.local/y"))
    os.chmod(path, 0o644)
    with pytest.raises(InvalidInput):
        read_key_file(path)

"""The seal's manifest: blobs hashed with SHA-256/160 now, and those an earlier kaoping sealed with BLAKE2b-128
still vouched for (its projections read without being dropped), an edit under either hash noticed."""

from __future__ import annotations

import hashlib

import pytest

from projections.engine.sealed import SEAL, Manifest, MemoryStorage, ProjectionTampered, SealedStorage, digest
from tests.seal import SEAL_KEY


def earlier_kaopings_store(blobs: dict[str, bytes]) -> MemoryStorage:
    """A memory store holding blobs under a seal whose manifest hashes them as the first releases did."""
    raw = MemoryStorage()
    raw.blobs.update(blobs)
    hashes = {k: hashlib.blake2b(v, digest_size=16).hexdigest() for k, v in blobs.items()}
    raw.blobs[SEAL] = Manifest(SEAL_KEY, hashes).sealed()
    return raw


def test_a_blob_sealed_by_an_earlier_kaoping_is_read_as_vouched_for() -> None:
    storage = SealedStorage(earlier_kaopings_store({"meta": b'{"fold":7}', "q:2024Q1:000000000009": b"{}"}), SEAL_KEY)
    assert storage.load("meta") == b'{"fold":7}'
    assert storage.items("q:") == [("q:2024Q1:000000000009", b"{}")]


def test_a_blob_edited_under_an_earlier_kaopings_hash_is_noticed() -> None:
    raw = earlier_kaopings_store({"meta": b'{"fold":7}'})
    raw.blobs["meta"] = b'{"fold":8}'
    with pytest.raises(ProjectionTampered):
        SealedStorage(raw, SEAL_KEY).load("meta")


def test_a_blob_written_now_is_sealed_with_sha256_cut_to_160_bits_beside_the_earlier_hashes() -> None:
    raw = earlier_kaopings_store({"meta": b'{"fold":7}'})
    storage = SealedStorage(raw, SEAL_KEY)
    storage.put({"s:2024Q1": b'{"v":5}'})
    hashes = storage.refresh().hashes
    assert hashes["s:2024Q1"] == hashlib.sha256(b'{"v":5}').hexdigest()[:40] == digest(b'{"v":5}')
    assert len(hashes["meta"]) == 32  # untouched: still the earlier hash, still vouching
    assert storage.load("meta") == b'{"fold":7}'
    raw.blobs["s:2024Q1"] = b'{"v":6}'
    with pytest.raises(ProjectionTampered):
        storage.load("s:2024Q1")

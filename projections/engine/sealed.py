"""The projection's storage vouched for under the seal key: no blob, and no position, is trusted on its word.

Every write (a catch-up's flush, a spill, a compaction, the standings cache) also rewrites, in the same
transaction, the seal: a manifest of every blob kaoping stored (key → SHA-256/160 of its bytes; BLAKE2b-128 where
an earlier kaoping sealed it) under an HMAC-SHA256 with the seal key (ledger/integrity/seal.py), which lives outside
the database. Reading checks each blob against it: a blob edited, deleted, or the whole table transplanted from
another ledger (another key) raises `ProjectionTampered`; a blob put there outside kaoping is not in the manifest
and is never read. The position is a blob too (`meta`), so it is vouched for with the content;
`QuarterProjection.load` also holds it against the tracking row and the stored event it names. Hashing every blob
written and read costs ~0.07 s per 100 MB.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import orjson

from ledger.errors import KaopingError

SEAL = "~seal"
"""The manifest's own key ('~' sorts after every key prefix the projection uses)."""

Reseal = Callable[[bytes | None, Sequence[str], Mapping[str, bytes]], bytes]
"""In a write transaction: the stored seal (None when none), the keys deleted and the blobs written → the new seal."""


class ProjectionTampered(KaopingError):
    """The stored projection is not what kaoping stored: it must be rebuilt from the events, never answered from."""


class ProjectionMoved(KaopingError):
    """Another kaoping process replaced blobs this process's seal still listed (a compaction, a split by window, a
    rebuild) between reading the seal and reading them: the question is asked again from the seal as it now stands
    (projections/views.py), never answered with a part of its facts missing."""


def digest(value: bytes) -> str:
    """The manifest's hash of one blob: SHA-256 cut to 160 bits (40 hex digits). With the CPU's SHA instructions it
    hashes ~1.4 GB/s against BLAKE2b's ~0.7 (4 MB: 2.8 against 5.7 ms), and a report hashes every blob it reads and
    writes (the first report of an older quarter ~4 MB)."""
    return hashlib.sha256(value).hexdigest()[:40]


def vouches(expected: str, value: bytes) -> bool:
    """Whether a manifest's hash is the one of these bytes: 40 hex digits are `digest`'s, 32 the BLAKE2b-128 an
    earlier kaoping sealed with (its projections still read as vouched for, resealed as they are written again)."""
    if len(expected) == 32:
        return hashlib.blake2b(value, digest_size=16).hexdigest() == expected
    return digest(value) == expected


def row_digest(row: tuple[Any, Any, Any, Any, Any]) -> str:
    """The hash of a stored event row (notification id, originator id, version, topic, state) as any backend
    gives it: the stored position names the very event the fold stopped at."""
    nid, originator, version, topic, state = row
    head = f"{nid}\n{str(originator).replace('-', '')}\n{version}\n{topic}\n".encode()
    return hashlib.blake2b(head + bytes(state), digest_size=16).hexdigest()


class Manifest:
    """Every vouched-for blob's hash, opened from (and sealed into) the seal blob with the seal key."""

    def __init__(self, key: bytes, hashes: dict[str, str] | None = None) -> None:
        self.key = key
        self.hashes = hashes or {}

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self.key, b"kaoping projection manifest\n" + body, hashlib.sha256).digest()

    def sealed(self) -> bytes:
        """The seal blob: its MAC, then the manifest."""
        body = orjson.dumps(self.hashes, option=orjson.OPT_SORT_KEYS)
        return self._mac(body) + body

    def opened(self, blob: bytes | None) -> Manifest:
        """The manifest in a seal blob (empty when there is none); ProjectionTampered if its MAC fails."""
        if blob is None:
            return Manifest(self.key)
        mac, body = blob[:32], blob[32:]
        if not hmac.compare_digest(mac, self._mac(body)):
            raise ProjectionTampered("存储的投影的校验封印不符（在 kaoping 之外被改动，或来自另一个账本、另一把密钥）")
        try:
            hashes = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise ProjectionTampered("存储的投影的校验封印无法解读") from None
        return Manifest(self.key, hashes)

    def after(self, deleted: Sequence[str], written: Mapping[str, bytes]) -> Manifest:
        """The manifest once a transaction deleted and wrote these."""
        hashes = dict(self.hashes)
        for k in deleted:
            hashes.pop(k, None)
        for k, v in written.items():
            hashes[k] = digest(v)
        return Manifest(self.key, hashes)


class SealedStorage:
    """A projection store (SQLite, PostgreSQL or memory) whose blobs are read only as the seal vouches for them."""

    def __init__(self, raw: object, key: bytes) -> None:
        self.raw = raw
        self._manifest: Manifest | None = None
        self._empty = Manifest(key)
        raw.reseal = self._reseal  # type: ignore[attr-defined]

    def _reseal(self, stored: bytes | None, deleted: Sequence[str], written: Mapping[str, bytes]) -> bytes:
        new = self._empty.opened(stored).after(deleted, written)
        self._manifest = new
        return new.sealed()

    def refresh(self) -> Manifest:
        """Read the seal again (another process may have written since)."""
        self._manifest = self._empty.opened(self.raw.load(SEAL))  # type: ignore[attr-defined]
        return self._manifest

    @property
    def manifest(self) -> Manifest:
        """The seal as last read or written by this process."""
        return self._manifest if self._manifest is not None else self.refresh()

    def unsealed(self) -> bool:
        """Whether blobs are stored without any seal vouching for them (an older kaoping, or the seal deleted)."""
        return self.raw.load(SEAL) is None and bool(self.raw.keys(""))  # type: ignore[attr-defined]

    def tracked(self) -> int | None:
        """The notification id in the tracking row (None when there is none)."""
        return self.raw.tracked()  # type: ignore[attr-defined]

    def _check(self, key: str, value: bytes | None) -> bytes | None:
        expected = self.manifest.hashes.get(key)
        if expected is None:
            return None  # not stored by kaoping (or not yet, as far as this process has read): never read
        if value is None or not vouches(expected, value):
            fresh = self.refresh().hashes.get(key)  # a compaction by another process may have replaced it
            if fresh is None:  # deleted by kaoping since this process listed it: what it read beside it is stale
                raise ProjectionMoved("投影正被另一个 kaoping 进程改写，请稍后再试")
            if value is None or not vouches(fresh, value):
                what = "被删除" if value is None else "被改动"
                raise ProjectionTampered(f"存储的投影中的 {key} 在 kaoping 之外{what}")
        return value

    def load(self, key: str) -> bytes | None:
        """The blob under a key, as the seal vouches for it."""
        return self._check(key, self.raw.load(key))  # type: ignore[attr-defined]

    def load_each(self, keys: Sequence[str]) -> list[tuple[str, bytes]]:
        """Each of these keys' blob as the seal vouches for it, in the order asked, read in one go."""
        stored = dict(self.raw.load_each(keys))  # type: ignore[attr-defined]
        out = []
        for k in keys:
            value = self._check(k, stored.get(k))
            if value is not None:
                out.append((k, value))
        return out

    def keys(self, prefix: str) -> list[str]:
        """The vouched-for keys with a prefix (never one put there outside kaoping)."""
        return sorted(k for k in self.manifest.hashes if k.startswith(prefix))

    def items(self, prefix: str) -> list[tuple[str, bytes]]:
        """The vouched-for (key, blob) pairs with a prefix, in key order."""
        stored = dict(self.raw.items(prefix))  # type: ignore[attr-defined]
        out = []
        for k in self.keys(prefix):
            value = self._check(k, stored.get(k))
            if value is not None:
                out.append((k, value))
        return out

    def _written(self, write: Callable[[], bool | None]) -> bool:
        """Run a write; the seal this process holds is read again unless it committed."""
        try:
            ok = write() is not False
        except BaseException:
            self._manifest = None
            raise
        if not ok:
            self._manifest = None
        return ok

    def replace(self, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:
        """Delete keys and store blobs, resealed in the same transaction."""
        self._written(lambda: self.raw.replace(old_keys, blobs))  # type: ignore[attr-defined]

    def put(self, blobs: Mapping[str, bytes]) -> None:
        """Store blobs, resealed in the same transaction."""
        self._written(lambda: self.raw.put(blobs))  # type: ignore[attr-defined]

    def save(self, blobs: Mapping[str, bytes], notification_id: int) -> bool:
        """Store blobs and advance tracking, resealed in the same transaction; False when not newer."""
        return self._written(lambda: self.raw.save(blobs, notification_id))  # type: ignore[attr-defined]

    def clear(self) -> None:
        """Drop every blob, the seal and the tracking row."""
        self.raw.clear()  # type: ignore[attr-defined]
        self._manifest = Manifest(self._empty.key)


class MemoryStorage:
    """A projection store in this process's memory: answers folded from the events themselves, nothing kept."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.tracking: int | None = None
        self.reseal: Reseal | None = None

    def _written(self, deleted: Sequence[str], blobs: Mapping[str, bytes]) -> None:
        for k in deleted:
            self.blobs.pop(k, None)
        self.blobs.update(blobs)
        if self.reseal is not None:
            self.blobs[SEAL] = self.reseal(self.blobs.get(SEAL), deleted, blobs)

    def load(self, key: str) -> bytes | None:  # noqa: D102
        return self.blobs.get(key)

    def load_each(self, keys: Sequence[str]) -> list[tuple[str, bytes]]:  # noqa: D102
        return [(k, self.blobs[k]) for k in keys if k in self.blobs]

    def keys(self, prefix: str) -> list[str]:  # noqa: D102
        return sorted(k for k in self.blobs if k.startswith(prefix))

    def items(self, prefix: str) -> list[tuple[str, bytes]]:  # noqa: D102
        return [(k, self.blobs[k]) for k in self.keys(prefix)]

    def replace(self, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:  # noqa: D102
        self._written(old_keys, blobs)

    def put(self, blobs: Mapping[str, bytes]) -> None:  # noqa: D102
        self._written((), blobs)

    def save(self, blobs: Mapping[str, bytes], notification_id: int) -> bool:  # noqa: D102
        if self.tracking is not None and self.tracking >= notification_id:
            return False
        self._written((), blobs)
        self.tracking = notification_id
        return True

    def clear(self) -> None:  # noqa: D102
        self.blobs.clear()
        self.tracking = None

    def tracked(self) -> int | None:  # noqa: D102
        return self.tracking

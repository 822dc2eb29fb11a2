"""The materialised quarter projection: fold state kept in storage, caught up from its tracked position.

A query loads the tracked position, folds only the events recorded since then, and stores what they
added — one append-only chunk per touched quarter — with the new tracking row in one transaction; it
never replays the whole log. A quarter's state is the merge of its chunks (compacted when they pile
up). `rebuild()` drops everything and folds the whole ledger again, writing out as it goes so memory stays
bounded by a budget of entries, not by history (projections/engine/spill.py); a long backlog (a rebuild) is
folded in two processes (`projections/engine/parallel.py`).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

import orjson

from ledger.registry import Registry
from ledger.runtime import fork
from ledger.runtime.gcpause import collector_paused
from projections.engine.chunks import QUARTER_PREFIX, chunk_key, part_key, split_by_window
from projections.engine.parallel import PARALLEL_AT, fold_in_two, last_id
from projections.engine.rows import fold_pages, ledger_pages, quarter_lookup
from projections.engine.sealed import MemoryStorage, ProjectionMoved, ProjectionTampered, SealedStorage, row_digest
from projections.engine.spill import Spiller
from projections.engine.stores import storage_for
from projections.fold.handlers import TOPIC_HANDLERS, fold
from projections.fold.state import FOLD_VERSION, QuarterState, State

if TYPE_CHECKING:
    from ledger.app import Ledger
    from ledger.storage.reader import ReadableLedger

META = "meta"
REGISTRY = "registry"
REGISTRY_PARTS = 32
"""The registry is stored as its head (`REGISTRY`: the center, the windows, the order people were registered in)
and its people in parts by a hash of their id (`registry:NN`, `registry_blobs`): a move rewrites the head and
the one part holding that person (~17 kB of ~530 kB at 1M events, the registry growing with every move). Before,
every move wrote the whole registry again (~4 ms of a report after one, issue 15)."""
COMPACT_AFTER = 16
INDEX_LIMIT = 60_000
"""The most recent facts whose quarter a long fold keeps at hand for their follow-ups (projections/engine/spill.py);
an older fact's is looked up in the ledger. In a generated 1M-event ledger, follow-ups a few days after their fact,
a limit of 40,000 left 415 lookups (the second process's follow-ups of facts in the first part); 200,000 cost
~25 MB per process."""
SPILL_AT = 20_000
"""The unsaved entries a fold keeps before writing them out (projections/engine/spill.py): ~15 MB resident."""
PARTITION_AT = 2_000
"""A quarter whose catch-up chunks hold more entries than this has them stored split by window on its next partial
read, so that re-deriving a few windows and people reads only their part (projections/engine/standings_cache.py)."""
SPLIT_GENERATIONS = 4
"""Generations of parts split by window a quarter keeps before the next split reads and splits it whole again (each
one is ~60 small blobs the partial reads of a few windows look at)."""


class QuarterProjection:
    """The quarter fold state of one ledger, materialised in its database under the seal key, or in memory.

    With the seal key (ledger/integrity/seal.py) the state is kept beside the events and read back only as its
    seal vouches (projections/engine/sealed.py); a stored state that is not what kaoping stored is dropped and
    folded again from the events (`tampered` says why). Without the key — a machine that holds the database but
    not the signing key — nothing stored is trusted: the state is folded from the events in memory.
    """

    def __init__(self, ledger: ReadableLedger, seal_key: bytes | None = None, *,
                 index_limit: int = INDEX_LIMIT, parallel_at: int = PARALLEL_AT) -> None:
        self.ledger = ledger
        self.seal_key = seal_key
        self.kept = seal_key is not None  # False: folded in memory from the events, nothing stored
        raw = storage_for(ledger) if seal_key is not None else MemoryStorage()
        self.storage = SealedStorage(raw, seal_key if seal_key is not None else os.urandom(32))
        self.index_limit = index_limit
        self.parallel_at = parallel_at
        self.spiller = Spiller(self.storage, index_limit)
        self.state: State | None = None
        self.tampered: str | None = None  # why the stored state was dropped and folded again, if it was
        self._full: dict[str, QuarterState | None] = {}

    # --- storage --------------------------------------------------------------------------------

    def _empty(self) -> State:
        return State({}, {}, Registry(), lookup=quarter_lookup(self.ledger))

    def load(self) -> State:
        """The stored registry and tracked position, with no quarter loaded (empty when missing).

        ProjectionTampered when what is stored is not vouched for: no seal over stored blobs, a blob or the seal
        altered, a tracking row that is not the vouched position, or a position naming an event not stored.
        """
        st = self._empty()
        self.storage.refresh()
        meta_blob = self.storage.load(META)
        if meta_blob is None:
            if self.storage.unsealed():
                raise ProjectionTampered("存储的投影没有校验封印（由旧版本 kaoping 生成，或在 kaoping 之外被改动）")
            return st
        meta = orjson.loads(meta_blob)
        if meta.get("fold") != FOLD_VERSION or "last" not in meta:
            self.storage.clear()
            return self._empty()
        if self.storage.tracked() != meta["notification_id"]:
            raise ProjectionTampered("存储的投影的跟踪位置在 kaoping 之外被改动")
        if meta["position"] and self._last_row(meta["notification_id"]) != meta["last"]:
            raise ProjectionTampered(f"存储的投影所在的账本位置 {meta['position']} 的事件与投影记录的不同"
                                     "（位置被移动、事件被改动，或投影来自另一个账本）")
        head = self.storage.load(REGISTRY)
        if head is not None:
            st.registry = stored_registry(head, self.storage.items(f"{REGISTRY}:"))
        st.position = meta["position"]
        st.notification_id = meta["notification_id"]
        return st

    def _last_row(self, notification_id: int) -> str | None:
        """The hash of the stored event at a notification id (None when there is none)."""
        page = next(iter(self.ledger.pages(notification_id - 1, 1)), [])
        return row_digest(page[0]) if page and page[0][0] == notification_id else None

    def flush(self, st: State, chunk_id: int | None = None) -> bool:
        """Store what the fold added since the last flush, the registry and the position, atomically.

        `chunk_id` keys the chunks when they hold only the rows up to it (a fold in two processes).
        """
        self.spiller.written()
        blobs: dict[str, bytes] = {}
        nid = st.notification_id if chunk_id is None else chunk_id
        for quarter, part in sorted(st.quarters.items()):
            if not part.empty:
                blobs[chunk_key(quarter, nid)] = orjson.dumps(part.to_json())
        if st.registry_touched:
            blobs.update(registry_blobs(st.registry, st.people_touched))
        blobs[META] = orjson.dumps(
            {"fold": FOLD_VERSION, "position": st.position, "notification_id": st.notification_id,
             "last": self._last_row(st.notification_id) if st.position else None}
        )
        ok = self.storage.save(blobs, st.notification_id)
        st.quarters.clear()
        st.registry_touched = False
        st.people_touched = set()
        self._full.clear()
        return ok

    # --- catching up ------------------------------------------------------------------------------

    def catch_up(self, spill_at: int = SPILL_AT) -> State:
        """Fold every event recorded since the tracked position and store what it added."""
        # The fold makes many long-lived, cycle-free containers: the cyclic collector only slows it down.
        with collector_paused():
            try:
                try:
                    return self._catch_up(spill_at)
                except ProjectionTampered as exc:
                    self.tampered = str(exc)
                    self.spiller.stop()
                    self.storage.clear()
                    self._full.clear()
                    return self._catch_up(spill_at)
            finally:
                self.spiller.stop()

    def recover(self, exc: ProjectionTampered) -> State:
        """After a read found the stored state altered: drop it and fold the whole ledger again."""
        self.tampered = str(exc)
        return self.rebuild()

    def _catch_up(self, spill_at: int) -> State:
        check = max(1, min(20_000, spill_at))
        for _ in range(5):
            try:
                st = self.load()
            except ProjectionMoved:  # another process is rebuilding or compacting: read its seal again
                self.forget()
                continue
            if st.position == 0:
                self.storage.clear()  # nothing tracked: drop chunks a crashed run may have left
            start = st.position
            chunk_id = None
            if self._in_two(st):
                chunk_id = fold_in_two(self, st, spill_at)
            else:
                fold_pages(st, ledger_pages(self.ledger, st.notification_id, check), TOPIC_HANDLERS,
                           lambda s: self.spiller.spill(s, spill_at))
            if st.position == start:
                self.state = st
                return st
            if self.flush(st, chunk_id):
                self.state = st
                return st
            # another process stored a later position first: start again from what it stored
        self.state = self.load()
        return self.state

    def _in_two(self, st: State) -> bool:
        """Whether to fold the backlog in two processes: a long one, on either storage (where a process can fork)."""
        return self.kept and fork.can_fork() and last_id(self) - st.notification_id >= self.parallel_at

    def forget(self) -> None:
        """Drop the quarters this process has read (another process replaced their blobs since)."""
        self._full.clear()

    def rebuild(self) -> State:
        """Drop the stored state and fold the whole ledger again."""
        self.storage.clear()
        self._full.clear()
        return self.catch_up()

    # --- reading ------------------------------------------------------------------------------

    def quarter(self, quarter: str) -> QuarterState | None:
        """A quarter's whole state: its stored chunks merged.

        It is not split by window here (a first report of an older quarter reads it whole once, and its standings
        are kept: splitting it then wrote the whole quarter again for reads that may never come); `quarter_part`,
        the read that needs the split, splits what is due."""
        if quarter in self._full:
            return self._full[quarter]
        merged, _ = merge_chunks(self.storage.items(f"{QUARTER_PREFIX}{quarter}:"))
        self._full[quarter] = merged
        return merged

    def quarter_part(self, quarter: str, windows: set[str]) -> QuarterState:
        """The part of a quarter's state a subset of windows needs: their facts (and their staff's facts
        recorded there), the quarter's own steps, and every chunk not yet split by window."""
        if quarter in self._full:
            return self._full[quarter] or QuarterState(quarter)
        keys = self.storage.keys(f"{QUARTER_PREFIX}{quarter}:")
        wanted = [k for k in keys if (fields := k.split(":", 4)) and (len(fields) < 5 or fields[4] in windows)]
        if 2 * len(wanted) > len(keys):  # most of them (a sheet over every window): one read of all, not one each
            chosen = set(wanted)
            items = [(k, b) for k, b in self.storage.items(f"{QUARTER_PREFIX}{quarter}:") if k in chosen]
        else:
            items = self.storage.load_each(wanted)
        merged, split_due = merge_chunks(items)
        if split_due:
            self._split(quarter, keys, items)
        return merged or QuarterState(quarter)

    def _split(self, quarter: str, keys: list[str], items: list[tuple[str, bytes]]) -> None:
        """Store the quarter's catch-up chunks split by window.

        Only those chunks are split (already read by the partial read that found them due), stored as one more
        generation of parts beside the earlier ones; a follow-up whose fact is in an earlier generation goes to
        the part read with every window (''). Before, the whole quarter was read and written again each time
        (for a 1,500-row sheet, every other report: ~35,000 entries for ~3,000 new). Once the generations pile up
        (`SPLIT_GENERATIONS`) the whole quarter is read and split again as one."""
        mixed = [(k, b) for k, b in items if k.count(":") == 2]
        nid = mixed[-1][0].split(":")[2]  # fixed-width ids: the last key holds the latest
        generations = {k.split(":")[2] for k in keys if k.count(":") > 2}
        if len(generations) >= SPLIT_GENERATIONS or nid in generations:
            mixed = self.storage.items(f"{QUARTER_PREFIX}{quarter}:")
        state, _ = merge_chunks(mixed)
        assert state is not None
        parts = {part_key(quarter, nid, w): orjson.dumps(p.to_json()) for w, p in split_by_window(state).items()}
        self.storage.replace([k for k, _ in mixed], parts)

    def quarters(self) -> list[str]:
        """Every quarter that has facts or decisions."""
        return sorted({k[len(QUARTER_PREFIX):].split(":")[0] for k in self.storage.keys(QUARTER_PREFIX)})


def registry_part(person: str) -> str:
    """The key of the part of the stored registry that holds a person's entry."""
    return f"{REGISTRY}:{zlib.crc32(person.encode()) % REGISTRY_PARTS:02d}"


def registry_blobs(registry: Registry, people: Collection[str]) -> dict[str, bytes]:
    """The blobs that store a registry which changed since the last flush: its head, and the parts holding these
    people's entries (the head alone for a window or the center; a person new to it changes the head's order)."""
    head = orjson.dumps({"center": registry.center, "windows": registry.windows, "order": list(registry.people)})
    wanted = {registry_part(pid) for pid in people}
    parts: dict[str, dict[str, Any]] = {key: {} for key in wanted}
    for pid, entry in registry.people.items():
        part = parts.get(registry_part(pid))
        if part is not None:
            part[pid] = entry
    return {REGISTRY: head, **{key: orjson.dumps(part) for key, part in sorted(parts.items())}}


def stored_registry(head: bytes, parts: Iterable[tuple[str, bytes]]) -> Registry:
    """The registry from its stored head and parts (`registry_blobs`), its people in the order they registered;
    ProjectionTampered when a part lacks someone the head names (they are written in the same transaction)."""
    data = orjson.loads(head)
    people: dict[str, Any] = {}
    for _, blob in parts:
        people.update(orjson.loads(blob))
    try:
        ordered = {pid: people[pid] for pid in data["order"]}
    except KeyError as exc:
        raise ProjectionTampered(f"存储的投影的登记信息缺少人员 {exc.args[0]}") from None
    return Registry(data["center"], data["windows"], ordered)


def merge_chunks(items: list[tuple[str, bytes]]) -> tuple[QuarterState | None, bool]:
    """Stored chunks merged in key order (first entry wins), and whether the quarter is due to be split by
    window: its catch-up chunks (every window, not one window's part) pile up in number or size."""
    merged: QuarterState | None = None
    mixed = mixed_entries = 0
    for key, blob in items:
        part = QuarterState.from_json(orjson.loads(blob))
        if key.count(":") == 2:
            mixed += 1
            mixed_entries += part.size
        merged = part if merged is None else merged.merge(part)
    return merged, mixed > 0 and (mixed > COMPACT_AFTER or mixed_entries >= PARTITION_AT)


def replay(ledger: Ledger, upto: int | None = None, only: str | None = None) -> State:
    """A fold of the ledger from scratch in memory through the full decoder (for checks and tests)."""
    return fold(ledger.read(upto=upto), only=only)

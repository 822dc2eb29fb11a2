"""A province's view of many centers: each center's published 红旗窗口 and 五星 of a quarter, read from its own ledger.

One server may hold a hundred centers' ledgers (a database each): the province reads each one alone, through the
light reader, and writes nothing to any of them. What a center published is pinned by the digest its
QuarterPublished event recorded (D18); the rows it covers are read from the center's kept copy of them (the
projection's published rows, `projections/engine/standings_cache.py`) and accepted only when they hash to that
digest — a sha256 preimage needs no seal key, which a province does not hold. Where no kept copy matches, the rows
are derived again from the events, in memory. The publication's signed checkpoint is verified against a public key
given to the province (`--public-key`) or, failing that, the key the center's ledger records, and the result says
which; the checkpoint must cover the published results position. Recomputing the ledger's hash tree is `kaoping
verify`'s work at each center, not this list's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import orjson

from ledger import ids
from ledger.errors import KaopingError
from ledger.storage.reader import LedgerReader
from ledger.storage.rows import decode_raw
from ledger.topics import topic
from projections.engine.standings_cache import PUBLISHED_PREFIX
from projections.engine.stores import storage_for
from projections.scoring import publication
from projections.scoring.results import ReportRows, rules_ref

if TYPE_CHECKING:
    from ledger.integrity.note import VerifierKey
    from ledger.storage.reader import ReadableLedger

PUBLISHED_TOPIC = topic("QuarterPublished")
SIGNATURE_NAMES = {"public-key": "已核验（省里提供的公钥）", "ledger": "已核验（账本记录的公钥）",
                   "invalid": "未通过", "none": "无签名检查点"}
"""How each outcome of the signature check reads (`signature` of a CenterPublication)."""
SOURCE_NAMES = {"kept": "中心保存的公布结果", "events": "由事件重新计算"}


@dataclass(frozen=True)
class CenterPublication:
    """One center's publication of a quarter, as the province lists it (`published` False: not published)."""

    db: str
    center: str
    published: bool
    position: int = 0
    digest: str = ""
    digest_matches: bool = False
    rows_from: str = ""  # "kept" (the center's copy, hashed) or "events" (derived again)
    signature: str = "none"  # public-key, ledger, invalid or none (SIGNATURE_NAMES)
    signature_problem: str = ""
    red_flag: tuple[dict[str, str], ...] = ()
    five_star: tuple[dict[str, str], ...] = ()

    @property
    def sound(self) -> bool:
        """Whether all checked holds: an unpublished quarter, or rows matching the digest and no bad signature."""
        return not self.published or (self.digest_matches and self.signature != "invalid")

    def to_json(self) -> dict[str, Any]:
        """The JSON form `kaoping province report --json` prints."""
        return {"db": self.db, "center": self.center, "published": self.published, "position": self.position,
                "digest": self.digest, "digest_matches": self.digest_matches, "rows_from": self.rows_from,
                "signature": self.signature, "signature_problem": self.signature_problem,
                "red_flag": list(self.red_flag), "five_star": list(self.five_star)}


def stream_fields(ledger: ReadableLedger, stream: Any) -> list[tuple[str, dict[str, Any]]]:
    """A stream's events as (stored topic, stored fields), oldest first, through whichever ledger is open."""
    if isinstance(ledger, LedgerReader):
        return [(t, decode_raw(state)) for _, t, state in ledger.stream_rows(stream)]
    return [(e.TOPIC, vars(e)) for e in ledger.stream(stream)]  # type: ignore[attr-defined]


def center_publication(ledger: ReadableLedger, quarter: str, trusted: Sequence[VerifierKey] = ()
                       ) -> CenterPublication:
    """What one center published of a quarter: its 红旗窗口 and 五星, the digest checked, the signature checked."""
    first = ledger.fact_fields(ids.center_id().hex)  # CenterInitialised (its name), without folding the registry
    if first is None:
        from ledger.errors import not_initialised

        raise not_initialised()
    center = str(first.get("center", ""))
    db = ledger.location.display()
    published = [fields for t, fields in stream_fields(ledger, ids.quarter_id(quarter)) if t == PUBLISHED_TOPIC]
    if not published:
        return CenterPublication(db, center, False)
    pub = published[-1]
    at, digest, version = int(pub["position"]), str(pub["digest"]), int(pub.get("digest_version", 1))
    cat = ledger.catalogue_for(quarter, at)

    def matches(rows: ReportRows) -> bool:
        pinned = publication.RowsAt(quarter, at, rows, rules_ref(cat))
        return publication.known_version(version) and publication.digest(pinned, version) == digest

    rows, source = _kept_rows(ledger, quarter, at), "kept"
    if rows is None or not matches(rows):
        from projections.views import Views

        rows, source = Views(ledger).result(quarter, at, detail=False).rows, "events"  # folded in memory
    signature, problem = _signature(ledger, pub.get("checkpoint"), at, trusted)
    windows = {w["code"]: w["name"] for w in rows["windows"]}
    return CenterPublication(
        db, center, True, at, digest, matches(rows), source, signature, problem,
        tuple({"code": w["code"], "name": w["name"]} for w in rows["windows"] if w["red_flag"]),
        tuple({"id": p["id"], "name": p["name"], "window": p["window"] or "",
               "window_name": windows.get(p["window"] or "", "")} for p in rows["staff"] if p["stars"] == 5),
    )


def _kept_rows(ledger: ReadableLedger, quarter: str, at: int) -> ReportRows | None:
    """The center's kept copy of the published rows (not trusted: the caller hashes them), None when there is none."""
    if not isinstance(ledger, LedgerReader):
        return None  # the full ledger would create the projection's tables: nothing kept there to read yet
    blob = storage_for(ledger).load(f"{PUBLISHED_PREFIX}{quarter}:{at}")
    try:
        rows = orjson.loads(blob)["rows"] if blob is not None else None
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
    return cast("ReportRows", rows) if isinstance(rows, dict) and {"windows", "staff"} <= set(rows) else None


def _signature(ledger: ReadableLedger, note: Any, at: int, trusted: Sequence[VerifierKey]) -> tuple[str, str]:
    """The publication checkpoint's signature checked: by a key given to the province, else by the key the center's
    ledger records; and the checkpoint must cover the results position."""
    if not isinstance(note, str) or not note:
        return "none", ""
    from ledger.integrity.checkpoint import open_checkpoint
    from ledger.integrity.note import VerifierKey

    recorded = ledger.fact_fields(ids.INTEGRITY_STREAM.hex)
    candidates = [(k, "public-key") for k in trusted]
    if recorded is not None and isinstance(recorded.get("verifier_key"), str):
        try:
            candidates.append((VerifierKey.parse(recorded["verifier_key"]), "ledger"))
        except KaopingError:
            pass
    problem = "没有可用的公钥" if not candidates else ""
    for key, source in candidates:
        try:
            cp = open_checkpoint(note, key)
        except KaopingError as exc:
            problem = str(exc)
            continue
        if cp.size < at:
            return "invalid", f"检查点只覆盖 {cp.size} 个事件，不含公布的结果位置 {at}"
        return source, ""
    return "invalid", problem

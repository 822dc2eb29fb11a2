"""Decisions of a bonus claim's stream: claimed with evidence, then verified or rejected once (D5)."""

from __future__ import annotations

from uuid import UUID

from ledger import events as ev
from ledger.catalogue import Catalogue
from ledger.commands import checks
from ledger.commands.facts import FactStream, known, reason
from ledger.commands.findings import Evidence
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from ledger.registry import Registry
from ledger.text import line

DONE = {"verified": "已核实", "rejected": "已驳回"}


def claim_bonus(registry: Registry, cat: Catalogue, stamp: Stamp, stream: UUID, *, kind: str, window: str | None,
                staff: str | None, day: str, evidence: Evidence | None, level: str | None, place: int | None,
                ref: str | None) -> ev.BonusClaimed:
    """A claim of a catalogued bonus kind, with its level or place where the kind has them, and evidence."""
    bk = cat.bonus_kind(kind)
    d = checks.fact_date(cat, stamp.today, day)
    if staff and not window and bk.staff_item is None:
        raise InvalidInput(f"加分类型 {kind}（{bk.name}）只适用于窗口")
    if bk.by == "level":
        if not level:
            raise InvalidInput(f"加分类型 {kind} 需要 --level（{' '.join(bk.window_points)}）")
        cat.level_name(level)
        if level not in bk.window_points:
            raise InvalidInput(f"加分类型 {kind} 没有级别 {level}（可用：{' '.join(bk.window_points)}）")
    elif level:
        raise InvalidInput(f"加分类型 {kind} 不分级别，不能指定 --level")
    if bk.by == "place":
        if place is None:
            raise InvalidInput(f"加分类型 {kind} 需要 --place（名次 {'/'.join(bk.window_points)}）")
        if str(place) not in bk.window_points:
            raise InvalidInput(f"名次只计前 {len(bk.window_points)} 名：{place}")
    elif place is not None:
        raise InvalidInput(f"加分类型 {kind} 不分名次，不能指定 --place")
    if evidence is None:
        raise InvalidInput("加分必须提供证明材料（--evidence）")
    at, person = checks.subject(registry, window, staff, d)
    named = line(ref, "稿件或荣誉名称（--ref）") or None
    return stamp.event(ev.BonusClaimed, stream, 1, kind=kind, window=at, staff=person, date=d, evidence=evidence(),
                       level=level or None, place=place, ref=named)


def _open_claim(claim: FactStream) -> ev.BonusClaimed:
    first = known(claim)
    if not isinstance(first, ev.BonusClaimed):
        raise NotAllowed(f"{claim.typed} 不是加分申报")
    if claim.status != "claimed":
        raise NotAllowed(f"加分申报 {claim.typed} {DONE[claim.status]}，不能再处理")
    return first


def verify_bonus(claim: FactStream, stamp: Stamp) -> ev.BonusVerified:
    """An open claim accepted after its evidence was checked."""
    first = _open_claim(claim)
    return stamp.event(ev.BonusVerified, first.originator_id, claim.version + 1)


def rejection_reason(why: str) -> str:
    """The reason a claim is rejected for (trimmed), or a refusal: a rejection must say why."""
    return reason(why, "驳回必须说明理由（--reason）")


def reject_bonus(claim: FactStream, why: str, stamp: Stamp) -> ev.BonusRejected:
    """An open claim rejected, with a reason."""
    why = rejection_reason(why)
    first = _open_claim(claim)
    return stamp.event(ev.BonusRejected, first.originator_id, claim.version + 1, reason=why)

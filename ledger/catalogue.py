"""The rules catalogue: RULES.md as validated data, so no point value lives in code."""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from ledger.errors import CatalogueError, InvalidInput
from ledger.procedure import Procedure, procedure_of

DEFAULT_RULES = "changxing-2008"
CATALOGUES = Path(__file__).with_name("catalogues")
"""The packaged catalogue files (package data of `ledger.catalogues`), read as plain files: importlib.resources
costs ~8 ms of imports, a sixth of `kaoping report`'s start-up, for a folder that is always on disk."""

# The catalogue's values are immutable records. The small ones are NamedTuples rather than frozen dataclasses:
# every command imports this module, and a frozen dataclass costs ~0.4 ms to create at import (each generated
# method is compiled), a NamedTuple a tenth of that. `Catalogue` itself stays a dataclass (it derives an index).
# The value modules every question imports (this one, ledger/procedure.py, ledger/registry.py,
# projections/fold/entries.py, projections/scoring/results.py, standings.py, tables.py, voice.py, and
# projections/voice_view.py, ledger/revisions.py, digests.py, storage/location.py, the log's and the calendar's)
# evaluate their annotations (no `from __future__ import annotations`): NamedTuple and TypedDict check an
# annotation given as a string by compiling it into a ForwardRef (~30 µs a field at start-up; ~340 fields, ~10 ms
# of a report's), an evaluated one in ~2 µs. mypy's view is the same; a name defined later in the module, or
# imported only for type checking, is quoted.


class Item(NamedTuple):
    """One checkable item of a table, e.g. W2.3 or S4.2."""

    code: str
    category: str
    text: str


class Category(NamedTuple):
    """A table category: starting points, the deduction per violation, its items."""

    code: str
    name: str
    points: int
    per_violation: int
    items: tuple[Item, ...]
    note: str = ""
    motto: str = ""


class BonusKind(NamedTuple):
    """A kind of bonus claim and how many points it earns for a window or a person."""

    kind: str
    name: str
    window_item: str
    staff_item: str | None
    by: str  # "level", "place" or "none"
    window_points: Any
    staff_points: Any
    counting: str

    def points(self, subject: str, level: str | None, place: int | None) -> int:
        """Points one verified claim of this kind is worth for a 'window' or 'staff' subject."""
        table = self.window_points if subject == "window" else self.staff_points
        if table is None:
            return 0
        if self.by == "level":
            return int(table[level])
        if self.by == "place":
            return int(table[str(place)])
        return int(table)


class DisqualificationKind(NamedTuple):
    """A kind of 取消评比资格, the items allowed to carry it and what it takes away."""

    kind: str
    name: str
    items: tuple[str, ...]
    person_scopes: tuple[str, ...]
    window_scopes: tuple[str, ...]
    reaches_window: bool
    channel_only: str | None

    def allows(self, item: str) -> bool:
        """True when this kind may be carried by a finding against `item`."""
        for pattern in self.items:
            if pattern == "*" or pattern == item:
                return True
            if pattern.endswith(".*") and item.startswith(pattern[:-1]):
                return True
        return False


class Reduction(NamedTuple):
    """A star reduction: at least `at_least` points of 应扣分 take away `minus` stars."""

    at_least: int
    minus: int


@dataclass(frozen=True, eq=False)
class Catalogue:
    """The whole rules catalogue, loaded once and checked for consistency."""

    id: str
    revision: int
    title: str
    effective: date
    sha256: str
    window_categories: tuple[Category, ...]
    staff_categories: tuple[Category, ...]
    staff_bonus: Category
    staff_bonus_cap: int
    window_bonus_items: tuple[dict[str, str], ...]
    bonus_kinds: tuple[BonusKind, ...]
    levels: dict[str, str]
    counterparts: dict[str, str]
    sources: dict[str, str]
    channels: dict[str, str]
    scopes: dict[str, str]
    disqualifications: tuple[DisqualificationKind, ...]
    stars: dict[str, Any]
    reductions: tuple[Reduction, ...]
    rewards_yuan: dict[int, int]
    shortlist_windows: int
    shortlist_staff: int
    decision: dict[str, dict[str, int]]
    procedure: Procedure
    raw: dict[str, Any]
    items_by_code: dict[str, Item] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {i.code: i for c in self.window_categories + self.staff_categories for i in c.items}
        object.__setattr__(self, "items_by_code", index)

    def item(self, code: str) -> Item:
        """The W- or S-item with this code, or a refusal naming it."""
        found = self.items_by_code.get(code)
        if found is None:
            raise InvalidInput(f"未知的考评条目代码：{code}")
        return found

    def category(self, code: str) -> Category:
        """The category (W1…W5, S1…S4) with this code."""
        for cat in self.window_categories + self.staff_categories:
            if cat.code == code:
                return cat
        raise InvalidInput(f"未知的考评类别：{code}")

    def bonus_kind(self, kind: str) -> BonusKind:
        """The bonus kind with this name, or a refusal listing the known ones."""
        for bk in self.bonus_kinds:
            if bk.kind == kind:
                return bk
        known = " ".join(b.kind for b in self.bonus_kinds)
        raise InvalidInput(f"未知的加分类型：{kind}（可用：{known}）")

    def disqualification(self, kind: str) -> DisqualificationKind:
        """The disqualification kind with this name, or a refusal listing the known ones."""
        for dk in self.disqualifications:
            if dk.kind == kind:
                return dk
        known = " ".join(d.kind for d in self.disqualifications)
        raise InvalidInput(f"未知的取消资格类型：{kind}（可用：{known}）")

    def source_name(self, source: str) -> str:
        """The Chinese name of an inspection sheet, or a refusal."""
        if source not in self.sources:
            raise InvalidInput(f"未知的检查记录来源：{source}（可用：{' '.join(self.sources)}）")
        return self.sources[source]

    def channel_name(self, channel: str) -> str:
        """The Chinese name of a complaint channel, or a refusal."""
        if channel not in self.channels:
            raise InvalidInput(f"未知的投诉渠道：{channel}（可用：{' '.join(self.channels)}）")
        return self.channels[channel]

    def level_name(self, level: str) -> str:
        """The Chinese name of a bonus level, or a refusal."""
        if level not in self.levels:
            raise InvalidInput(f"未知的级别：{level}（可用：{' '.join(self.levels)}）")
        return self.levels[level]


def _categories(raw: list[dict[str, Any]]) -> tuple[Category, ...]:
    out = []
    for c in raw:
        items = tuple(
            Item(code=f"{c['code']}.{n}", category=c["code"], text=t)
            for n, t in enumerate(c["items"], start=1)
        )
        out.append(
            Category(
                code=c["code"],
                name=c["name"],
                points=int(c.get("points", 0)),
                per_violation=int(c.get("per_violation", 0)),
                items=items,
                note=c.get("note", ""),
                motto=c.get("motto", ""),
            )
        )
    return tuple(out)


def parse(data: bytes) -> Catalogue:
    """Build a catalogue from the data file's bytes and validate it, failing loudly."""
    try:
        raw = orjson.loads(data)
        wt, st = raw["window_table"], raw["staff_table"]
        cat = Catalogue(
            id=raw["id"],
            revision=int(raw["revision"]),
            title=raw["title"],
            effective=date.fromisoformat(raw["effective"]),
            sha256=hashlib.sha256(data).hexdigest(),
            window_categories=_categories(wt["categories"]),
            staff_categories=_categories(st["categories"]),
            staff_bonus=_categories([st["bonus_category"]])[0],
            staff_bonus_cap=int(st["bonus_category"]["cap"]),
            window_bonus_items=tuple(raw["window_bonus"]["items"]),
            bonus_kinds=tuple(BonusKind(**b) for b in raw["bonus_kinds"]),
            levels=dict(raw["levels"]),
            counterparts=dict(raw["counterparts"]),
            sources=dict(raw["sources"]),
            channels=dict(raw["channels"]),
            scopes=dict(raw["scopes"]),
            disqualifications=tuple(
                DisqualificationKind(
                    kind=d["kind"],
                    name=d["name"],
                    items=tuple(d["items"]),
                    person_scopes=tuple(d["person_scopes"]),
                    window_scopes=tuple(d["window_scopes"]),
                    reaches_window=bool(d["reaches_window"]),
                    channel_only=d["channel_only"],
                )
                for d in raw["disqualifications"]
            ),
            stars=dict(raw["stars"]),
            reductions=tuple(Reduction(**r) for r in raw["stars"]["reductions"]),
            rewards_yuan={int(k): int(v) for k, v in raw["stars"]["rewards_yuan"].items()},
            shortlist_windows=int(raw["shortlist"]["windows"]),
            shortlist_staff=int(raw["shortlist"]["staff"]),
            decision=dict(raw["decision"]),
            procedure=procedure_of(raw),
            raw=raw,
        )
    except CatalogueError:
        raise
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError) as exc:
        raise CatalogueError(f"规则目录格式错误：{exc!r}") from exc
    validate(cat, wt["total"], st["total"])
    return cat


def validate(cat: Catalogue, window_total: int, staff_total: int) -> None:
    """Check every invariant RULES.md states; raise CatalogueError on the first broken one."""

    def fail(msg: str) -> None:
        raise CatalogueError(f"规则目录 {cat.id} 校验失败：{msg}")

    w_sum = sum(c.points for c in cat.window_categories)
    if w_sum != window_total or window_total != 100:
        fail(f"窗口考评各类分值之和为 {w_sum}，应为 100")
    s_sum = sum(c.points for c in cat.staff_categories)
    if s_sum != staff_total or staff_total != 90:
        fail(f"服务明星考评 S1–S4 分值之和为 {s_sum}，应为 90")
    codes = [c.code for c in cat.window_categories + cat.staff_categories]
    if len(set(codes)) != len(codes):
        fail("类别代码重复")
    for c in cat.window_categories + cat.staff_categories:
        if not c.items:
            fail(f"类别 {c.code} 没有条目")
        if c.points <= 0 or c.per_violation <= 0 or c.per_violation > c.points:
            fail(f"类别 {c.code} 的分值或每项扣分不合理")
        for i in c.items:
            if not i.text.strip():
                fail(f"条目 {i.code} 没有原文")
    for c in cat.window_categories:
        if not c.code.startswith("W"):
            fail(f"窗口类别代码 {c.code} 应以 W 开头")
    for c in cat.staff_categories:
        if not c.code.startswith("S"):
            fail(f"人员类别代码 {c.code} 应以 S 开头")
    if cat.staff_bonus_cap <= 0:
        fail("S5 创新创优的上限必须为正数")
    index = {i.code for c in cat.window_categories + cat.staff_categories for i in c.items}
    bonus_codes = {b["code"] for b in cat.window_bonus_items}
    staff_bonus_codes = {i.code for i in cat.staff_bonus.items}
    for s, w in cat.counterparts.items():
        if not s.startswith("S") or s not in index:
            fail(f"对应关系中的人员条目 {s} 不存在")
        if not w.startswith("W") or w not in index:
            fail(f"对应关系中的窗口条目 {w} 不存在")
    kinds = set()
    for bk in cat.bonus_kinds:
        if bk.kind in kinds:
            fail(f"加分类型 {bk.kind} 重复")
        kinds.add(bk.kind)
        if bk.window_item not in bonus_codes:
            fail(f"加分类型 {bk.kind} 的窗口加分项 {bk.window_item} 不存在")
        if bk.staff_item is not None and bk.staff_item not in staff_bonus_codes:
            fail(f"加分类型 {bk.kind} 的人员加分项 {bk.staff_item} 不存在")
        if bk.by not in ("level", "place", "none"):
            fail(f"加分类型 {bk.kind} 的计分依据 {bk.by} 无效")
        for table in (bk.window_points, bk.staff_points):
            if table is None:
                continue
            if bk.by == "level":
                if not isinstance(table, dict) or not set(table) <= set(cat.levels):
                    fail(f"加分类型 {bk.kind} 的级别分值无效")
            elif bk.by == "place":
                if not isinstance(table, dict) or not table:
                    fail(f"加分类型 {bk.kind} 的名次分值无效")
            elif not isinstance(table, int):
                fail(f"加分类型 {bk.kind} 的分值应为整数")
            values = table.values() if isinstance(table, dict) else [table]
            if any((not isinstance(v, int)) or v <= 0 for v in values):
                fail(f"加分类型 {bk.kind} 的分值必须为正整数")
    dq_kinds = set()
    for dk in cat.disqualifications:
        dq_kinds.add(dk.kind)
        for pattern in dk.items:
            if pattern == "*":
                continue
            if pattern.endswith(".*"):
                if pattern[:-2] not in codes:
                    fail(f"取消资格类型 {dk.kind} 的条目范围 {pattern} 不存在")
            elif pattern not in index:
                fail(f"取消资格类型 {dk.kind} 的条目 {pattern} 不存在")
        for scope in dk.person_scopes + dk.window_scopes:
            if scope not in cat.scopes:
                fail(f"取消资格类型 {dk.kind} 的范围 {scope} 未定义")
        if dk.channel_only is not None and dk.channel_only not in cat.channels:
            fail(f"取消资格类型 {dk.kind} 限定的渠道 {dk.channel_only} 不存在")
    if dq_kinds != {"gaming", "corruption", "complaint", "discipline", "consultation"}:
        fail("取消资格类型应为 gaming corruption complaint discipline consultation")
    st = cat.stars
    if not (st["minimum"] >= 1 and st["default"] < st["four"] < st["five"]):
        fail("星级设置不合理")
    thresholds = [r.at_least for r in cat.reductions]
    if thresholds != sorted(thresholds, reverse=True) or any(r.minus <= 0 for r in cat.reductions):
        fail("减星阈值应从高到低排列，且减星数为正")
    if not set(cat.rewards_yuan) <= {st["five"], st["four"]}:
        fail("奖励只适用于五星和四星")
    if cat.shortlist_windows <= 0 or cat.shortlist_staff <= 0:
        fail("入围名单默认人数必须为正")
    proc = cat.procedure
    if proc.rating_counts_as.get("staff", "")[:1] != "S" or proc.rating_counts_as.get("window", "")[:1] != "W" \
            or not set(proc.rating_counts_as.values()) <= index:
        fail("差评对应的人员条目或窗口条目不存在")
    if proc.rating_channel in cat.channels:
        fail(f"差评的投诉渠道 {proc.rating_channel} 不能与登记投诉的渠道相同")


@cache
def load(rules_id: str = DEFAULT_RULES) -> Catalogue:
    """Load a packaged catalogue file by its name (e.g. 'changxing-2008', the first release's file), validated; a
    revision by number is `ledger.revisions.load_revision`."""
    if not rules_id.replace("-", "").isalnum():
        raise InvalidInput(f"未知的规则版本：{rules_id}")
    try:
        data = (CATALOGUES / f"{rules_id}.json").read_bytes()
    except (FileNotFoundError, OSError):
        raise InvalidInput(f"未知的规则版本：{rules_id}") from None
    return parse(data)

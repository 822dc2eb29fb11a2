"""Checking a ratings sheet (D31): each row's day, window, person, level and channel as the rules give them, its
办件编号 normalised as its identity; the sheet all or none, every bad row named."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from ledger.catalogue import Catalogue
from ledger.commands import checks
from ledger.commands.sheet_rows import ROW_REFUSALS, SheetChecker
from ledger.errors import InvalidInput, NotAllowed
from ledger.procedure import Procedure
from ledger.registry import Registry
from ledger.sheets.ratings import RatingRow, RatingSheet
from ledger.sheets.table import bad_rows


@dataclass(frozen=True, slots=True)
class CheckedRating:
    """A rating that may be recorded, in the values the ledger records, with its line."""

    line: int
    day: date
    window: str
    staff: str | None
    level: int
    channel: str
    ref: str

    def same(self, fields: Mapping[str, object]) -> bool:
        """Whether a recorded rating's stored fields (its date as ISO text) are this rating's."""
        return (fields["level"] == self.level and fields["window"] == self.window and fields["staff"] == self.staff
                and fields["channel"] == self.channel and str(fields["date"]) == self.day.isoformat())


SEPARATORS = frozenset(",，、;")
FORMULA = tuple("=+-@")
"""How a spreadsheet formula starts (CSV injection): no 办件编号 does, and a file that has one is refused."""


def normal_ref(text: str) -> str:
    """A 办件编号 as compared (D27): Unicode NFKC, spaces removed; refused when empty, not printable or shaped like
    a spreadsheet formula."""
    if text.isascii() and text.isprintable() and " " not in text:
        ref = text  # NFKC leaves printable ASCII as it is and it holds no space: a month's 100,000 refs skip both
    else:
        ref = "".join(unicodedata.normalize("NFKC", text or "").split())
    if not ref:
        raise InvalidInput("缺少办件编号")
    if not ref.isprintable() or not SEPARATORS.isdisjoint(ref):
        raise InvalidInput(f"办件编号含有不允许的字符：{ref!r}")
    if ref.startswith(FORMULA):
        raise InvalidInput(f"办件编号不能以 {ref[0]} 开头（像电子表格公式）：{ref[:40]!r}")
    return ref


def level_names(proc: Procedure) -> dict[str, int]:
    """Every way a level may be written: its name (非常满意) or its value (5)."""
    levels = proc.rating_levels
    return {**{lv.name: lv.value for lv in levels}, **{str(lv.value): lv.value for lv in levels}}


def channel_codes(proc: Procedure) -> dict[str, str]:
    """Every way a channel may be written: its code (device) or its Chinese name (评价器)."""
    return {**{name: code for code, name in proc.rating_channels.items()}, **{c: c for c in proc.rating_channels}}


class RatingChecker(SheetChecker):
    """Checks rating rows against the rules, the day and the registry, remembering each verdict (a month repeats
    the same windows, people, days, levels and channels row after row)."""

    def __init__(self, registry: Registry, cat: Catalogue, proc: Procedure, today: date) -> None:
        super().__init__(registry, cat, today)
        self.levels = level_names(proc)
        self.channels = channel_codes(proc)
        self.proc = proc

    def check(self, row: RatingRow) -> CheckedRating:
        """The row as the ledger records it when it may be recorded; else a refusal saying why."""
        level = self.levels.get(row.level)
        if level is None:
            names = "、".join(lv.name for lv in self.proc.rating_levels)
            raise InvalidInput(f"未知的评价：{row.level or '（空）'}（可用：{names} 或 5–1）")
        channel = self.channels.get(row.channel)
        if channel is None:
            names = "、".join(self.proc.rating_channels.values())
            raise InvalidInput(f"未知的评价渠道：{row.channel or '（空）'}（可用：{names}）")
        d = self.dates.get(row.date)
        if d is None:
            d = self.dates[row.date] = _verdict(lambda: checks.fact_date(self.cat, self.today, row.date))
        day: date = d if type(d) is date else _given(d)  # type: ignore[assignment]
        # a known cell's verdict is its code (str): taken as it is, row after row; anything else asked again
        known = self.windows.get(row.window)
        window = known if type(known) is str else self._window(row.window)
        person: str | None = None
        if row.staff:
            known = self.people.get(row.staff)
            person = known if type(known) is str else self._person(row.staff)
            akey = (person, day)
            if akey not in self.assigned:
                self.assigned[akey] = self.registry.window_on(person, day.isoformat())
            at = self.assigned[akey]
            if at != window:
                where = f"窗口 {at}" if at else "任何窗口"
                raise NotAllowed(f"{person}（{self.registry.people[person]['name']}）在 {day} 属于{where}，"
                                 f"不是窗口 {window}")
        else:  # a window's own rating needs the window in the center that day, as its findings do (D21)
            reg, code = self.registry, window
            if (code, day) not in self.open:
                self.open[code, day] = _verdict(lambda: checks.window_taking_part(reg, code, day))
            _given(self.open[code, day])
        return CheckedRating(row.line, day, window, person, level, channel, normal_ref(row.ref))


def _verdict(check: Callable[[], object]) -> object:
    try:
        return check()
    except ROW_REFUSALS as exc:
        return exc


def _given(verdict: object) -> object:
    if isinstance(verdict, Exception):
        raise type(verdict)(str(verdict))
    return verdict


def check_ratings(sheet: RatingSheet, checker: RatingChecker,
                  recorded: Callable[[list[CheckedRating]], Mapping[str, Mapping[str, object]]]
                  ) -> tuple[list[CheckedRating], int]:
    """The sheet's ratings not recorded before and how many were (the same 办件编号 with the same rating), or one
    refusal naming every bad row: a bad cell, a 办件编号 twice with different ratings, a 办件编号 recorded before
    with another rating. `recorded` gives the stored fields of the ratings already recorded, by 办件编号."""
    checked: list[CheckedRating] = []
    problems = list(sheet.problems)
    for row in sheet.rows:
        try:
            checked.append(checker.check(row))
        except ROW_REFUSALS as exc:
            problems.append((row.line, str(exc)))
    seen: dict[str, CheckedRating] = {}
    unique: list[CheckedRating] = []
    for r in checked:
        first = seen.get(r.ref)
        if first is None:
            seen[r.ref] = r
            unique.append(r)
        elif (first.day, first.window, first.staff, first.level, first.channel) != (
                r.day, r.window, r.staff, r.level, r.channel):
            problems.append((r.line, f"办件编号 {r.ref} 与第{first.line}行相同，但评价不同"))
    before = recorded(unique)  # asked even when rows are bad already: one refusal names every bad row
    names = {lv.value: lv.name for lv in checker.proc.rating_levels}
    fresh: list[CheckedRating] = []
    for r in unique:
        old = before.get(r.ref)
        if old is None:
            fresh.append(r)
        elif not r.same(old):
            was = names.get(old["level"], old["level"])  # type: ignore[call-overload]
            problems.append((r.line, f"办件编号 {r.ref} 已导入，评价为 {old['date']} {old['window']} "
                                     f"{old['staff'] or ''} {was}，与本行不同"))
    if problems:
        raise bad_rows(sheet.name, problems)
    return fresh, len(unique) - len(fresh)

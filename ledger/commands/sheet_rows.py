"""Checking an inspection sheet's rows: each exactly as `record_finding` checks one finding, the sheet all or none."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from ledger.catalogue import Catalogue
from ledger.commands import checks
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.registry import Registry
from ledger.sheets.findings import SheetRow

ROW_REFUSALS = (InvalidInput, NotFound, NotAllowed)
PROGRESS_EVERY = 1000


class _Refused(str):
    """A remembered refusal message."""


def _verdict(check: Callable[[], object]) -> object:
    try:
        return check()
    except ROW_REFUSALS as exc:
        return _Refused(str(exc))


class SheetChecker:
    """Checks sheet rows against the catalogue, the day and the registry of the sheet's windows and people,
    remembering each verdict: a sheet repeats the same items, dates and people row after row."""

    def __init__(self, registry: Registry, cat: Catalogue, today: date) -> None:
        self.registry, self.cat, self.today = registry, cat, today
        self.items: dict[tuple[str, bool], object] = {}
        self.dates: dict[str, object] = {}
        self.dqs: dict[tuple[str, str], object] = {}
        self.assigned: dict[tuple[str, date], str | None] = {}
        self.open: dict[tuple[str, date], object] = {}

    def __call__(self, row: SheetRow) -> date:
        """The row's date when the row may be recorded; else a refusal saying why."""
        cat, registry = self.cat, self.registry
        on_staff = bool(row.staff)
        key = (row.item, on_staff)
        if key not in self.items:
            self.items[key] = _verdict(lambda: checks.item(cat, row.item, on_staff) and None)
        if self.items[key] is not None:
            raise InvalidInput(str(self.items[key]))
        d = self.dates.get(row.date)
        if d is None:
            d = self.dates[row.date] = _verdict(lambda: checks.fact_date(cat, self.today, row.date))
        if not isinstance(d, date):
            raise InvalidInput(str(d))
        if row.source not in cat.sources:
            cat.source_name(row.source)
        if row.dq:
            dkey = (row.dq, row.item)
            if dkey not in self.dqs:
                self.dqs[dkey] = _verdict(lambda: checks.disqualification(cat, row.dq, row.item, None) and None)
            if self.dqs[dkey] is not None:
                raise InvalidInput(str(self.dqs[dkey]))
        if not on_staff:
            wkey = (row.window, d)
            if wkey not in self.open:
                self.open[wkey] = _verdict(lambda: checks.window_taking_part(registry, row.window, d) and None)
            if self.open[wkey] is not None:
                raise NotAllowed(str(self.open[wkey]))
            return d
        window = checks.known_window(registry, row.window)
        person = checks.known_person(registry, row.staff)
        akey = (row.staff, d)
        if akey not in self.assigned:
            self.assigned[akey] = registry.window_on(row.staff, d.isoformat())
        at = self.assigned[akey]
        if at != window:
            left = registry.left_on(row.staff, d.isoformat()) if at is None else None
            where = f"已于 {left} 离开中心" if left else f"属于窗口 {at}" if at else "属于任何窗口"
            raise NotAllowed(f"{row.staff}（{person['name']}）在 {d} {where}，不是窗口 {window}")
        return d


def check_sheet(rows: Sequence[SheetRow], check: Callable[[SheetRow], date],
                progress: Callable[[int], None] | None = None) -> list[tuple[SheetRow, date]]:
    """Every row with its date, or one refusal naming the first bad row's line (and how many more are bad)."""
    checked: list[tuple[SheetRow, date]] = []
    errors: list[str] = []
    done = 0
    for row in rows:
        try:
            checked.append((row, check(row)))
        except ROW_REFUSALS as exc:
            errors.append(f"第{row.line}行：{exc}")
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if progress and done % PROGRESS_EVERY:
        progress(done % PROGRESS_EVERY)
    if errors:
        more = f"（另有 {len(errors) - 1} 行有误）" if len(errors) > 1 else ""
        raise InvalidInput(errors[0] + more)
    return checked


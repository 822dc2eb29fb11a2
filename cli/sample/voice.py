"""The sample quarter's 好差评 (D30, D31): each month's ratings exported from the rating system and imported, one
差评 found true (S3.5 for the person, W5.5 for the window) then rectified and called back, one 恶意差评 dismissed;
the other 差评 wait in `kaoping todo`."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from functools import partial

from cli.sample import data
from cli.sample.plan import OFFICE, PATROL, Scenario
from cli.sample.ratings import BAD, Rating, StaffOf, ratings_csv, ratings_rows
from ledger import ids
from ledger.app import Ledger
from ledger.commands import voice
from ledger.sheets.ratings import read_ratings

PER_MONTH = 1_000
"""Ratings a month in the sample: a county hall's 评价器, 二维码 and 网上 rate about fifty 办件 a working day."""
MONTHS = (  # each month's ratings, and the day its export is imported (after the month's registry changes)
    (date(2008, 7, 1), date(2008, 7, 31), "2008-08-12"),
    (date(2008, 8, 1), date(2008, 8, 31), "2008-09-02"),
    (date(2008, 9, 1), date(2008, 9, 30), "2008-09-30"),
)
VERIFIED = ("2008-08-13", "2008-08-20", "2008-08-22")  # 差评 found true, rectified, called back
DISMISSED = ("2008-08-14", "恶意差评：评价人因个人纠纷在窗口起哄，经调取录像核实，工作人员按规定办理，差评不实")


def in_center(sc: Scenario) -> Callable[[date], StaffOf]:
    """The windows in the center on a day and who was at each that day, as the scenario's registry plans them."""
    reg = sc.registry
    known: dict[date, StaffOf] = {}

    def on(day: date) -> StaffOf:
        if day not in known:
            d = day.isoformat()
            staff: dict[str, list[str]] = {code: [] for code in reg.windows if reg.open_on(code, d)}
            for person in sorted(reg.people):
                window = reg.window_on(person, d)
                if window in staff:
                    staff[window].append(person)
            known[day] = staff
        return known[day]

    return on


def _import(lg: Ledger, path: str) -> voice.RatingsImport:
    return voice.import_ratings(lg, read_ratings(path))


def ratings(sc: Scenario, preferred: Collection[str], cast: Collection[str]) -> None:
    """Plan the quarter's ratings and the two 差评 followed up: the one found true names one of the `preferred`
    people if a 差评 does (else anyone outside the story's `cast`), the dismissed one anyone outside it."""
    on = in_center(sc)
    months: list[list[Rating]] = []
    for n, (first, last, imported) in enumerate(MONTHS):
        rows = ratings_rows(first, last, on, PER_MONTH, seed=data.SEED + n)
        months.append(rows)
        path = sc.workdir / f"好差评-{first:%Y-%m}.csv"
        path.write_bytes(ratings_csv(rows))
        sc.at(imported, OFFICE, partial(_import, path=str(path)))
    bad = [r for r in months[0] if r[3] in BAD and r[2] and r[2] not in cast]
    found = next((r for r in bad if r[2] in preferred), bad[0])
    dismissed = next(r for r in bad if r != found)
    sc.ids["rating-verified"], sc.ids["rating-dismissed"] = (ids.rating_complaint_id(r[5]) for r in (found, dismissed))
    true, false = str(sc.ids["rating-verified"]), str(sc.ids["rating-dismissed"])
    verify, rectify, callback = VERIFIED
    sc.at(verify, PATROL, lambda lg: lg.verify_complaint(true, "S3.5", None, verify))
    sc.at(rectify, PATROL, lambda lg: voice.rectify_complaint(
        lg, true, rectify, "窗口负责人约谈当事人，当面向办事群众致歉，组织窗口人员学习《首问负责制》", None))
    sc.at(callback, PATROL, lambda lg: voice.callback_complaint(lg, true, callback, "satisfied",
                                                                "电话回访，办事群众对整改表示满意"))
    sc.at(DISMISSED[0], PATROL, lambda lg: lg.dismiss_complaint(false, DISMISSED[1]))

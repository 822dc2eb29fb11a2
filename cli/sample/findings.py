"""The sample quarter's findings: the weekly 值周 sheets, 值班 and 督查巡查 notes, and the people whose quarter tells a
story (应扣分 at the thresholds, 轮换, disqualifications, a retraction)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from cli.sample import data
from cli.sample.plan import DUTY, OFFICE, PATROL, QUARTER_FIRST, WEEKLY, WORKDAYS, Scenario, move
from ledger.app import Ledger
from ledger.sheets.findings import HEADER
from ledger.sheets.reading import read_findings


def record_finding(sc: Scenario, name: str | None, day: str, item: str, source: str, *, staff: str | None = None,
             window: str | None = None, dq: str | None = None, note: str = "") -> None:
    """Schedule a finding recorded one by one (值班 / 督查巡查 sheets)."""
    actor = {"weekly": WEEKLY, "duty": DUTY, "patrol": PATROL}[source]

    def run(lg: Ledger) -> UUID:
        fid = lg.record_finding(item, window=window, staff=staff, day=day, source=source, dq=dq, note=note)
        if name:
            sc.ids[name] = fid
        return fid

    sc.at(day, actor, run)


@dataclass
class WeeklySheets:
    """The 值周检查记录表 rows of each week, imported as one CSV sheet on the week's Friday."""

    rows: dict[date, list[list[str]]] = field(default_factory=dict)

    def add(self, sc: Scenario, day: date, item: str, *, staff: str = "", window: str = "", note: str = "",
            dq: str = "") -> None:
        friday = day + timedelta(4 - day.weekday())
        where = (sc.registry.window_on(staff, day.isoformat()) or "") if staff else window  # D2
        self.rows.setdefault(friday, []).append([day.isoformat(), where, staff, item, "weekly", dq, note])

    def schedule(self, sc: Scenario) -> None:
        """Write each week's sheet and plan its import on the Friday."""
        for friday, rows in sorted(self.rows.items()):
            path = sc.workdir / f"值周检查记录表-{friday.isoformat()}.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(HEADER)
                writer.writerows(sorted(rows))
            _import(sc, friday, str(path))


def _import(sc: Scenario, friday: date, path: str) -> None:
    sc.at(friday, WEEKLY, lambda lg: lg.import_findings(read_findings(path)))


def story_findings(sc: Scenario, weekly: WeeklySheets) -> dict[str, str]:
    """The people whose quarter tells a story: 应扣分 at 15 and 20+, 轮换, disqualifications, a retraction."""
    p = sc.people
    cast = {
        "late20": p["CG"][2],  # S4.1 four times: exactly 20 → minus two stars (D17)
        "heavy": p["DST"][3],  # 22 raw, S1 over its cap
        "late15": p["SB"][4],  # S4.1 three times: exactly 15 → minus one
        "untidy": p["HZ"][1],  # S1.1 four times: raw 16 although S1 caps at 15
        "rotated": p["GS"][5],  # 工商窗口 → 质监窗口 on 2008-08-01
        "rotated2": p["SB"][7],  # 社保窗口 → 就业窗口 on 2008-08-18
        "gaming": p["FG"][2],
        "discipline": p["JT"][3],
        "complained": p["BDC"][6],
        "corrupt": p["JS"][4],
        "consulted": p["GT"][2],
        "dismissed": p["GST"][1],
        "wrongly": p["WS"][2],
    }
    d = date.fromisoformat
    move(sc, cast["rotated"], "ZJ", "2008-08-01")
    move(sc, cast["rotated2"], "JY", "2008-08-18")

    for day in ("2008-07-08", "2008-08-05", "2008-09-02"):
        weekly.add(sc, d(day), "S4.1", staff=cast["late20"], note="上班迟到")
    record_finding(sc, None, "2008-09-17", "S4.1", "duty", staff=cast["late20"], note="未请假擅自离岗")

    for day, item, note in (
        ("2008-07-15", "S1.3", "桌面放置零食"),
        ("2008-08-12", "S1.3", "下班未关闭电脑电源"),
        ("2008-08-26", "S4.2", "串岗聊天"),
        ("2008-09-09", "S3.2", "承诺件超期一天办结"),
    ):
        weekly.add(sc, d(day), item, staff=cast["heavy"], note=note)
    record_finding(sc, None, "2008-09-23", "S4.2", "patrol", staff=cast["heavy"], note="上班时间看与业务无关的杂志")

    for day in ("2008-07-22", "2008-08-19"):
        weekly.add(sc, d(day), "S4.1", staff=cast["late15"], note="早退")
    record_finding(sc, None, "2008-09-11", "S4.1", "duty", staff=cast["late15"], note="上班迟到")

    for day in ("2008-07-10", "2008-07-31", "2008-08-21", "2008-09-18"):
        weekly.add(sc, d(day), "S1.1", staff=cast["untidy"], note="未佩戴工作牌")

    weekly.add(sc, d("2008-07-17"), "S1.1", staff=cast["rotated"], note="未按规定着制服")  # counts for 工商窗口
    weekly.add(sc, d("2008-09-04"), "S3.4", staff=cast["rotated"], note="未一次性告知所需材料")  # for 质监窗口
    record_finding(sc, None, "2008-09-16", "S3.6", "duty", staff=cast["rotated2"], note="退办件未出具退办件通知书")

    record_finding(sc, "gaming", "2008-08-13", "S4.2", "patrol", staff=cast["gaming"], dq="gaming",
             note="上班时间玩电脑游戏（督查巡查当场发现）")
    record_finding(sc, "discipline", "2008-09-05", "S4.1", "patrol", staff=cast["discipline"], dq="discipline",
             note="县纪委暗访发现上班时间擅自外出")

    record_finding(sc, "mistake", "2008-08-07", "S4.1", "duty", staff=cast["wrongly"], note="上班迟到")
    sc.at("2008-08-11", OFFICE, lambda lg: lg.retract(str(sc.ids["mistake"]),
                                                    "经核实该同志当日经批准外出办事，值班记录有误"))
    return cast


def _steered(chosen: str, among: list[str], present: Callable[[str], bool]) -> str:
    """The one drawn when present that day, else the next one in the list who is: steering a random fact away from a
    window or person out of the center (D21, D22) without drawing again, so the rest of the sample is unchanged."""
    start = among.index(chosen)
    return next(c for c in among[start:] + among[:start] if present(c))


def background_findings(sc: Scenario, weekly: WeeklySheets, spare: list[str]) -> None:
    """The ordinary findings of a quarter: a few per week on the weekly sheet, plus 值班 and 巡查 notes."""
    rng = sc.rng
    reg = sc.registry
    staff_items = [k for k in data.NOTES if k.startswith("S")]
    window_items = [k for k in data.NOTES if k.startswith("W")]
    codes = [w.code for w in data.WINDOWS]

    def window_on(day: date) -> str:
        return _steered(rng.choice(codes), codes, lambda c: reg.open_on(c, day.isoformat()))

    def person_on(day: date) -> str:
        return _steered(rng.choice(spare), spare, lambda p: reg.window_on(p, day.isoformat()) is not None)

    for week in range(13):
        days = [d for d in WORKDAYS if (d - QUARTER_FIRST).days // 7 == week]
        for _ in range(rng.randint(4, 8)):
            day = rng.choice(days)
            if rng.random() < 0.75:
                item = rng.choice(staff_items)
                weekly.add(sc, day, item, staff=person_on(day), note=rng.choice(data.NOTES[item]))
            else:
                item = rng.choice(window_items)
                weekly.add(sc, day, item, window=window_on(day), note=rng.choice(data.NOTES[item]))
    for source, count in (("duty", 24), ("patrol", 12)):
        for _ in range(count):
            on = rng.choice(WORKDAYS)
            if rng.random() < 0.8:
                item = rng.choice(staff_items)
                record_finding(sc, None, on.isoformat(), item, source, staff=person_on(on),
                               note=rng.choice(data.NOTES[item]))
            else:
                item = rng.choice(window_items)
                record_finding(sc, None, on.isoformat(), item, source, window=window_on(on),
                               note=rng.choice(data.NOTES[item]))

"""A realistic month (or quarter) of 好差评 ratings for the demo and the benchmarks: busy windows rated more, most
ratings 非常满意, a few 差评, most through the 评价器 at the counter naming the person, online ones often only the
window; one rating per 办件 (一次一评), on the center's working days, each naming only a window in the center that
day and a person at that window that day (D2)."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from itertools import groupby

from ledger.sheets.ratings import CHINESE_HEADER
from ledger.workdays import shipped

LEVELS = (("非常满意", 70.0), ("满意", 20.0), ("基本满意", 7.0), ("不满意", 2.2), ("非常不满意", 0.8))
CHANNELS = (("评价器", 60.0), ("二维码", 20.0), ("网上", 12.0), ("短信", 5.0), ("电话", 3.0))
NAMES_PERSON = {"评价器": 1.0, "二维码": 0.9, "网上": 0.4, "短信": 0.7, "电话": 0.5}
BAD = frozenset(("不满意", "非常不满意"))
AREA = "330522"  # 长兴县

Rating = tuple[str, str, str, str, str, str]
"""(日期, 窗口, 人员, 评价, 渠道, 办件编号) as the rating system exports them."""
StaffOf = Mapping[str, Sequence[str]]
"""Each window's people."""


def ratings_rows(first: date, last: date, staff_of: StaffOf | Callable[[date], StaffOf], count: int,
                 seed: int = 0) -> list[Rating]:
    """`count` ratings between two days, busy windows rated more. `staff_of`: the windows and their people, or
    (the demo's center over time) the windows in the center on a day and who was at each that day."""
    rnd = random.Random(seed)
    on_day = staff_of if callable(staff_of) else (lambda _day: staff_of)
    calendar = shipped()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [d for d in days if calendar.is_working_day(d)] or days
    busy: dict[str, float] = {}  # a window's share of the work, the same whichever day it is first rated on
    levels, level_w = [n for n, _ in LEVELS], [w for _, w in LEVELS]
    channels, channel_w = [n for n, _ in CHANNELS], [w for _, w in CHANNELS]
    rows: list[Rating] = []
    n = 0
    for day, run in groupby(days[k * len(days) // (count + 1)] for k in range(1, count + 1)):
        k = sum(1 for _ in run)
        present = on_day(day)
        windows = sorted(present)
        weights = [busy.get(w) or busy.setdefault(w, random.Random(f"{seed}:{w}").uniform(0.3, 3.0))
                   for w in windows]
        picked = zip(rnd.choices(windows, weights, k=k), rnd.choices(levels, level_w, k=k),
                     rnd.choices(channels, channel_w, k=k), strict=True)
        for window, level, channel in picked:
            n += 1
            people = present[window]
            person = rnd.choice(people) if people and rnd.random() < NAMES_PERSON[channel] else ""
            rows.append((day.isoformat(), window, person, level, channel, f"{AREA}-{day:%Y%m}-{n:06d}"))
    return rows


def ratings_csv(rows: Sequence[tuple[str, ...]]) -> bytes:
    """The rows as the rating system exports them: a CSV with the Chinese header, UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHINESE_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")

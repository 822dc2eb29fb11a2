"""A realistic month (or quarter) of 好差评 ratings for the demo and the benchmarks: busy windows rated more, most
ratings 非常满意, a few 差评, most through the 评价器 at the counter naming the person, online ones often only the
window; one rating per 办件 (一次一评), on the center's working days."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from ledger.sheets.ratings import CHINESE_HEADER
from ledger.workdays import shipped

LEVELS = (("非常满意", 70.0), ("满意", 20.0), ("基本满意", 7.0), ("不满意", 2.2), ("非常不满意", 0.8))
CHANNELS = (("评价器", 60.0), ("二维码", 20.0), ("网上", 12.0), ("短信", 5.0), ("电话", 3.0))
NAMES_PERSON = {"评价器": 1.0, "二维码": 0.9, "网上": 0.4, "短信": 0.7, "电话": 0.5}
AREA = "330522"  # 长兴县


def ratings_rows(first: date, last: date, staff_of: Mapping[str, Sequence[str]], count: int, seed: int = 0
                 ) -> list[tuple[str, str, str, str, str, str]]:
    """`count` ratings between two days as (日期, 窗口, 人员, 评价, 渠道, 办件编号), busy windows rated more."""
    rnd = random.Random(seed)
    calendar = shipped()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [d for d in days if calendar.is_working_day(d)] or days
    windows = sorted(staff_of)
    busy = [rnd.uniform(0.3, 3.0) for _ in windows]
    levels, level_w = [n for n, _ in LEVELS], [w for _, w in LEVELS]
    channels, channel_w = [n for n, _ in CHANNELS], [w for _, w in CHANNELS]
    picked_w = rnd.choices(windows, busy, k=count)
    picked_l = rnd.choices(levels, level_w, k=count)
    picked_c = rnd.choices(channels, channel_w, k=count)
    rows = []
    for n, (window, level, channel) in enumerate(zip(picked_w, picked_l, picked_c, strict=True), start=1):
        day = days[n * len(days) // (count + 1)]
        people = staff_of[window]
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

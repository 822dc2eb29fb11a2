"""The center's time zone (D27): Asia/Shanghai unless KAOPING_TZ names another; what people read times in."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ledger.errors import InvalidInput

DEFAULT_ZONE = "Asia/Shanghai"
ZONE_NAMES = {"Asia/Shanghai": "北京时间", "UTC": "UTC"}


def center_zone() -> ZoneInfo:
    """The zone named by KAOPING_TZ (an IANA name such as Asia/Shanghai), else Asia/Shanghai; the tzdata package
    supplies the zones on machines without a zone database (Windows)."""
    name = os.environ.get("KAOPING_TZ", "").strip() or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"未知的时区：{name}（环境变量 KAOPING_TZ 应为时区名，如 Asia/Shanghai）") from None


def zone_label(zone: ZoneInfo) -> str:
    """How a table's heading names the zone: 北京时间 for Asia/Shanghai, else its name."""
    return ZONE_NAMES.get(zone.key, zone.key)


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A recorded moment (timezone-aware, stored in UTC) in the center's zone."""
    return moment.astimezone(zone)


def center_today() -> date:
    """Today in the center's zone: what every date is checked against and every deadline counted from, so a machine
    set to another zone (a UTC server) dates a Beijing evening's work by Beijing's calendar."""
    return datetime.now(center_zone()).date()

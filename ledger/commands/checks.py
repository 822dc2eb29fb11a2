"""The checks several commands share: a fact's date, an item, a disqualification, and who a fact is about (D2).

Pure functions of the catalogue, the registry (as far as the command read it) and the day: each returns the
checked value or raises the refusal a user sees.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from ledger import text
from ledger.calendar import parse_date
from ledger.catalogue import Catalogue
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.registry import PersonEntry, Registry


def fact_date(cat: Catalogue, today: date, text: str) -> date:
    """The day a fact happened: a real date, not before the rules took effect, not after today."""
    day = parse_date(text)
    if day < cat.effective:
        raise InvalidInput(f"日期 {day} 早于考评办法施行日期 {cat.effective}")
    if day > today:
        raise InvalidInput(f"日期 {day} 在今天之后")
    return day


def item(cat: Catalogue, code: str, on_staff: bool) -> str:
    """An item of the catalogue that fits the subject: S-items for a person, W-items for a window."""
    code = (code or "").strip()
    cat.item(code)
    if on_staff and not code.startswith("S"):
        raise InvalidInput(f"条目 {code} 是窗口考评条目，不能记在人员名下（请用 --window）")
    if not on_staff and not code.startswith("W"):
        raise InvalidInput(f"条目 {code} 是人员考评条目，不能记在窗口名下（请用 --staff）")
    return code


def disqualification(cat: Catalogue, dq: str | None, item_code: str, channel: str | None) -> str | None:
    """A disqualification kind the item may carry (and, for some kinds, only from one complaint channel)."""
    if not dq:
        return None
    kind = cat.disqualification(dq)
    if not kind.allows(item_code):
        allowed = "、".join(kind.items)
        raise InvalidInput(f"条目 {item_code} 不能认定为取消资格类型 {dq}（{dq} 只适用于 {allowed}）")
    if kind.channel_only is not None and channel != kind.channel_only:
        label = cat.channels[kind.channel_only]
        raise InvalidInput(f"取消资格类型 {dq} 只能来自经核实的{label}（投诉渠道 {kind.channel_only}）")
    return dq


def name_text(value: str | None, what: str, *, empty: bool = False) -> str:
    """A name as a user typed it (D27, ledger/text.line: one line, no control or bidi characters), not empty unless
    `empty`, and — a name being what tells two windows or people apart — no zero-width (format) character either."""
    name = text.line(value, what)
    if not name and not empty:
        raise InvalidInput(f"{what}不能为空")
    if not name.isprintable():  # the common case, in C
        for ch in name:
            if unicodedata.category(ch) == "Cf":
                raise InvalidInput(f"{what}不能含不可见字符 U+{ord(ch):04X}：{name!r}")
    return name


def known_window(registry: Registry, code: str | None) -> str:
    """A registered window's code, or a refusal."""
    if not code:
        raise InvalidInput("缺少窗口代码")
    if code not in registry.windows:
        raise NotFound(f"未登记的窗口：{code}")
    return code


def known_person(registry: Registry, person: str | None) -> PersonEntry:
    """A registered person's entry, or a refusal naming the unknown id."""
    if not person:
        raise InvalidInput("缺少人员编号")
    entry = registry.people.get(person)
    if entry is None:
        raise NotFound(f"未登记的人员：{person}")
    return entry


def window_taking_part(registry: Registry, code: str | None, day: date) -> str:
    """A registered window that is in the center on the day (D21), or a refusal saying when it was."""
    code = known_window(registry, code)
    if not registry.open_on(code, day.isoformat()):
        name = registry.windows[code]["name"]
        raise NotAllowed(f"窗口 {code}（{name}）在 {day} 不在中心{time_in_center(registry, code)}")
    return code


def time_in_center(registry: Registry, code: str) -> str:
    """A window's time in the center in words, for a refusal: （自 2008-05-01 起参加考评，2008-09-01 起撤出）."""
    parts = []
    for e in registry.windows[code]["presence"]:
        since = e["since"] or "考评办法施行之日"
        parts.append(f"{since} 起参加考评" if e["open"] else f"{since} 起撤出")
    return f"（{'，'.join(parts)}）"


def window_from(registry: Registry, code: str | None, day: date) -> str:
    """A window a person may be assigned to from the day on: in the center that day and not leaving it later."""
    code = window_taking_part(registry, code, day)
    later = [e["since"] for e in registry.windows[code]["presence"]
             if not e["open"] and e["since"] is not None and e["since"] > day.isoformat()]
    if later:
        raise NotAllowed(f"窗口 {code} 自 {later[0]} 起撤出，不能从 {day} 起把人员分配到该窗口")
    return code


def subject(registry: Registry, window: str | None, staff: str | None, day: date) -> tuple[str, str | None]:
    """`--window` / `--staff` as (the window the fact is attributed to, the person): a person's fact goes to the
    window they were assigned to on its day (D2, `Registry.window_on`); a window's fact needs the window in the
    center that day (D21), a person's the person (D22)."""
    if bool(window) == bool(staff):
        raise InvalidInput("请指定 --window 或 --staff 其中之一")
    if staff:
        entry = known_person(registry, staff)
        at = registry.window_on(staff, day.isoformat())
        if at is None:
            left = registry.left_on(staff, day.isoformat())
            if left is not None:
                raise NotAllowed(f"{staff}（{entry['name']}）已于 {left} 离开中心，{day} 的记录不能记在其名下")
            raise NotAllowed(f"{staff}（{entry['name']}）在 {day} 尚未分配到任何窗口")
        return at, staff
    return window_taking_part(registry, window, day), None

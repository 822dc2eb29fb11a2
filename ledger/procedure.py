"""The procedure data of the rules (D28–D31): how long a 公示 and a 整改 run, when a late fact may be appealed, and the
好差评 rating levels and channels — data in the catalogue, so no deadline lives in code.

Revision 2 of changxing-2008 is the first to carry it; a catalogue without a `procedure` section (revision 1, the
first release's file, which never changes) takes revision 2's values (D36), read from that file.

Use: `ledger.catalogue_for(quarter).procedure` (the revision a quarter is scored under; `Views.catalogue_for` on the
read side), e.g. `.announce_working_days` (公示, D28), `.rectify_working_days` (整改, D30),
`.appeal_late_working_days` (a late fact's appeal, D29), `.rating_levels` / `.rating_channels` /
`.rating_counts_as` / `.rating_channel` (好差评, D31). Working days themselves (holidays, 调休) are not here.
"""

# annotations evaluated, not PEP 563 strings: cheaper classes at import (ledger/catalogue.py says why)

from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from ledger.errors import CatalogueError

DEFAULTS_FROM = Path(__file__).with_name("catalogues") / "changxing-2008@2.json"
"""The revision whose procedure data a catalogue without any uses (D36)."""


class RatingLevel(NamedTuple):
    """One 好差评 level (5 非常满意 … 1 非常不满意): counted as satisfied in 满意率, or a 差评 that waits (D31)."""

    value: int
    name: str
    satisfied: bool
    bad: bool


class Procedure(NamedTuple):
    """The deadlines (in working days) and the rating vocabulary of D28–D31."""

    announce_working_days: int
    appeal_late_working_days: int
    rectify_working_days: int
    rating_levels: tuple[RatingLevel, ...]
    rating_channels: dict[str, str]
    rating_counts_as: dict[str, str]  # a verified 差评 is a violation of this item: "staff" S3.5, "window" W5.5
    rating_channel: str  # the complaint channel only `import ratings` creates
    rating_channel_name: str


def parse_procedure(raw: dict[str, Any]) -> Procedure:
    """The procedure section of a catalogue file, checked; CatalogueError when it is broken."""
    try:
        ratings = raw["ratings"]
        proc = Procedure(
            announce_working_days=raw["announce"]["working_days"],
            appeal_late_working_days=raw["appeal"]["late_working_days"],
            rectify_working_days=raw["rectify"]["working_days"],
            rating_levels=tuple(RatingLevel(int(lv["value"]), str(lv["name"]), bool(lv["satisfied"]), bool(lv["bad"]))
                                for lv in ratings["levels"]),
            rating_channels={str(k): str(v) for k, v in ratings["channels"].items()},
            rating_counts_as={str(k): str(v) for k, v in ratings["bad_counts_as"].items()},
            rating_channel=str(ratings["complaint_channel"]["code"]),
            rating_channel_name=str(ratings["complaint_channel"]["name"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CatalogueError(f"规则目录的程序数据格式错误：{exc!r}") from exc
    check(proc)
    return proc


def check(proc: Procedure) -> None:
    """The invariants D28–D31 state of the procedure data itself (the rating items are checked with the tables)."""

    def fail(msg: str) -> None:
        raise CatalogueError(f"规则目录的程序数据校验失败：{msg}")

    for name, days in (("公示", proc.announce_working_days), ("申诉", proc.appeal_late_working_days),
                       ("整改", proc.rectify_working_days)):
        if type(days) is not int or days <= 0:
            fail(f"{name}期限应为正整数个工作日")
    values = [lv.value for lv in proc.rating_levels]
    if sorted(values, reverse=True) != values or len(set(values)) != len(values) or not values:
        fail("评价等级应从高到低排列且不重复")
    if any(not lv.name.strip() or (lv.satisfied and lv.bad) for lv in proc.rating_levels):
        fail("评价等级须有名称，且不能既算满意又算差评")
    if not any(lv.bad for lv in proc.rating_levels) or not any(lv.satisfied for lv in proc.rating_levels):
        fail("评价等级中应既有满意的，也有差评")
    if not proc.rating_channels or any(not v.strip() for v in proc.rating_channels.values()):
        fail("评价渠道不能为空")
    if set(proc.rating_counts_as) != {"staff", "window"}:
        fail("差评应分别对应一个人员条目和一个窗口条目")
    if not proc.rating_channel.strip() or not proc.rating_channel_name.strip():
        fail("差评的投诉渠道须有代码和名称")


@cache
def default_procedure() -> Procedure:
    """Revision 2's procedure data: what a catalogue without its own uses."""
    try:
        raw = orjson.loads(DEFAULTS_FROM.read_bytes())["procedure"]
    except (OSError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
        raise CatalogueError(f"缺少默认程序数据（{DEFAULTS_FROM.name}）：{exc!r}") from exc
    return parse_procedure(raw)


def procedure_of(raw: dict[str, Any]) -> Procedure:
    """A catalogue file's procedure data, or revision 2's when it has none."""
    section = raw.get("procedure")
    return default_procedure() if section is None else parse_procedure(section)

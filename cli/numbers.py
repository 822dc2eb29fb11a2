"""Numbers on the command line in ASCII digits only (D27): click's INT would take `３` or `1_0` as well."""

from __future__ import annotations

from typing import Any

import click

from ledger.errors import InvalidInput
from ledger.text import number


class AsciiInt(click.ParamType):
    """An integer typed with the digits 0-9 (a sign allowed), optionally within [low, high]."""

    name = "integer"

    def __init__(self, low: int | None = None, high: int | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            n = value
        else:
            try:
                n = number(str(value), "整数")
            except InvalidInput as exc:
                self.fail(str(exc), param, ctx)
        if (self.low is not None and n < self.low) or (self.high is not None and n > self.high):
            bounds = (f"至少 {self.low}" if self.high is None else f"至多 {self.high}" if self.low is None
                      else f"{self.low} 到 {self.high}")
            self.fail(f"{n} 超出允许范围（{bounds}）", param, ctx)
        return n

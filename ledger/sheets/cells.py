"""A sheet's cells as text, the way a clerk meant them: Excel's dates and numbers, and dates typed 2008/5/27."""

from __future__ import annotations

import re
from datetime import date, datetime

# ASCII digits only (D27): a date typed with full-width digits stays as typed and is refused by the checker
_S = "[ \t\u3000]"  # the spaces a person types (D27): not every character Python's \s takes (\u2029, \x1c, \x85)
_TYPED_DATE = re.compile(rf"([0-9]{{4}}){_S}*[-/.年]{_S}*([0-9]{{1,2}}){_S}*[-/.月]{_S}*([0-9]{{1,2}}){_S}*日?"
                         rf"(?:{_S}+0?0:00(?::00)?)?")


def date_text(value: object) -> str:
    """A date cell as ISO text: an Excel date (or a date-time at midnight), or text typed 2008-5-27, 2008/5/27,
    2008.5.27 or 2008年5月27日 (Excel's CSV may add 0:00); anything else as typed (stripped), for the checker
    to refuse with its reason."""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = cell_text(value)
    m = _TYPED_DATE.fullmatch(text)
    if m is None:
        return text
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"  # 2008/2/30: refused as 不存在


def cell_text(value: object) -> str:
    """Any other cell as text: a whole number Excel stored as 101.0 is 101 (its leading zeros are matched later,
    ledger/commands/sheet_rows.py); None and empty cells are empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()

"""The procedure's working-day counts (D28, D29) as the rules in force give them: one place to read them from.

Revision 2 of changxing-2008 carries them as catalogue data (`Catalogue.procedure`, ledger/procedure.py, D36); a
catalogue without procedure data (revision 1) takes revision 2's values. Until that revision is on this branch the
values come from INTERIM, revision 2's own figures, and this is the only place that holds them.
"""

from __future__ import annotations

from typing import Any

INTERIM = {"announce_working_days": 5, "appeal_late_working_days": 5}
"""Revision 2's procedure figures (公示 5 working days, a late appeal within 5), used only while the catalogue has no
`procedure` (removed once ledger/procedure.py is merged)."""


def _value(cat: Any, name: str) -> int:
    procedure = getattr(cat, "procedure", None)
    return int(getattr(procedure, name)) if procedure is not None else INTERIM[name]


def announce_working_days(cat: Any) -> int:
    """How many working days a 公示 runs (D28)."""
    return _value(cat, "announce_working_days")


def appeal_late_working_days(cat: Any) -> int:
    """Within how many working days a fact recorded after its quarter's 公示 ended may be appealed (D29)."""
    return _value(cat, "appeal_late_working_days")

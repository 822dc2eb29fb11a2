"""Personal-information events (个人信息保护法, D34): what became of a complainant's sealed name and contact."""

from __future__ import annotations

from ledger.events.base import Fact


class ComplainantErased(Fact):
    """A complainant's name and contact were erased: the data key `key_id` that sealed them was destroyed.

    The sealed text stays in the complaint's first event (the ledger still verifies); without the key it
    can never be read again (crypto-shredding).
    """

    key_id: str
    reason: str

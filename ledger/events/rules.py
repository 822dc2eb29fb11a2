"""The center's rules over time (D36): a rules revision adopted from a quarter on."""

from __future__ import annotations

from ledger.events.base import Fact


class RulesAdopted(Fact):
    """The center adopted revision `revision` of the rules `rules` (pinned by the file's sha256) from `quarter` on:
    each quarter from then is scored under it, until a later adoption says otherwise."""

    rules: str
    revision: int
    sha256: str
    quarter: str

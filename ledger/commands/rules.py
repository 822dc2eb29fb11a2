"""Adopting a rules revision from a quarter on (D36): `rules adopt NAME@REV --from QUARTER`.

The decision (`adoption`) is pure: the rules in force, the statuses of the quarters it would change, the revision
and the stamp in, the RulesAdopted event out. `adopt_rules` reads what it needs, decides and appends through the
ledger's public `append`. A revision is refused when it does not exist, fails validation (ledger/revisions.py loads
it as every catalogue is loaded), names facts differently from the rules the ledger was initialised with, or would
change a quarter already shortlisted (its results are frozen, D13).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from ledger import ids, revisions
from ledger.calendar import parse_quarter, quarter_bounds, quarter_label, quarter_of
from ledger.catalogue import Catalogue
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from ledger.quarter_status import STATUS_NAMES

if TYPE_CHECKING:
    from ledger import events as ev
    from ledger.app import Ledger


def from_quarter(cat: Catalogue, text: str) -> str:
    """The first quarter of an adoption: any quarter from the rules' effective date on, future ones too."""
    quarter = parse_quarter(text)
    if quarter_bounds(quarter)[1] < cat.effective:
        raise InvalidInput(f"{quarter_label(quarter)}早于考评办法施行日期 {cat.effective}")
    return quarter


def quarters_between(first: str, last: str) -> list[str]:
    """Every quarter from `first` to `last` inclusive (empty when `last` is earlier)."""
    out: list[str] = []
    year, n = int(first[:4]), int(first[-1])
    while (q := f"{year}Q{n}") <= last:
        out.append(q)
        year, n = (year + 1, 1) if n == 4 else (year, n + 1)
    return out


def adoption(in_force: revisions.RulesInForce, base: Catalogue, revision: Catalogue, quarter: str,
             statuses: Mapping[str, str], stamp: Stamp, version: int) -> ev.RulesAdopted:
    """The adoption of `revision` from `quarter` on; `statuses` are the quarters from `quarter` up to today's that
    are past open (frozen), `base` the rules the ledger was initialised with, `version` the center stream's."""
    from ledger import events as ev

    name = revisions.spec(revision.id, revision.revision)
    changed = revisions.vocabulary_changes(base, revision)
    if changed:
        raise NotAllowed(f"规则版本 {name} 与本账本采用的规则命名不同（{'、'.join(changed)}），不能采用："
                         "已记录的事实须在每个版本下含义相同")
    frozen = sorted(q for q, st in statuses.items() if st != "open")
    if frozen:
        first = frozen[0]
        raise NotAllowed(f"{quarter_label(first)}当前状态为「{STATUS_NAMES[statuses[first]]}」，其结果已经冻结；"
                         f"新规则只能从尚未确定入围名单的季度起施行（{quarter_label(quarter)}起不行）")
    current = in_force.adoption_for(quarter)
    if (current.rules, current.revision) == (revision.id, revision.revision):
        raise NotAllowed(f"{quarter_label(quarter)}施行的已经是规则版本 {name}")
    return stamp.event(ev.RulesAdopted, ids.center_id(), version + 1, rules=revision.id,
                       revision=revision.revision, sha256=revision.sha256, quarter=quarter)


def adopt_rules(ledger: Ledger, text: str, quarter_text: str, today: date | None = None) -> str:
    """Record that the center adopts the revision `NAME@REV` from a quarter on; returns the revision's name."""
    from ledger.commands.quarter import quarter_stream

    ledger.center()
    name, number = revisions.parse_spec(text)
    if number is None:
        raise InvalidInput(f"请写明采用的版次，如 {revisions.spec(name, 2)}")
    base = ledger.catalogue
    quarter = from_quarter(base, quarter_text)
    revision = revisions.load_revision(name, number)
    today = today or ledger.stamp().today
    statuses = {q: quarter_stream(ledger, q).status for q in quarters_between(quarter, quarter_of(today))}
    center_events = ledger.stream(ids.center_id())
    ledger.append(adoption(ledger.rules_in_force(), base, revision, quarter, statuses, ledger.stamp(),
                           center_events[-1].originator_version))
    return revisions.spec(revision.id, revision.revision)

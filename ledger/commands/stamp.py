"""Who decides and when: what every decision needs of the moment, passed in so the decisions stay pure."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from uuid import UUID

if TYPE_CHECKING:
    from ledger.events import Fact

F = TypeVar("F", bound="Fact")


# A NamedTuple, not a frozen dataclass: every write imports this module, and a frozen dataclass costs ~1 ms to
# create (each generated method compiled), a NamedTuple a fifth of that (issue 15; ledger/catalogue.py).
class Stamp(NamedTuple):
    """The actor and UTC time an event is stamped with, and the local day that dates are checked against."""

    actor: str
    at: datetime
    today: date

    def event(self, cls: type[F], stream: UUID, version: int, **fields: Any) -> F:
        """An event of `cls` at `version` of `stream`, stamped with this actor and time."""
        return cls(originator_id=stream, originator_version=version, timestamp=self.at,  # type: ignore[call-arg]
                   actor=self.actor, **fields)

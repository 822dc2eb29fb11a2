"""Who decides and when: what every decision needs of the moment, passed in so the decisions stay pure."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

if TYPE_CHECKING:
    from ledger.events import Fact

F = TypeVar("F", bound="Fact")


@dataclass(frozen=True)
class Stamp:
    """The actor and UTC time an event is stamped with, and the local day that dates are checked against."""

    actor: str
    at: datetime
    today: date

    def event(self, cls: type[F], stream: UUID, version: int, **fields: Any) -> F:
        """An event of `cls` at `version` of `stream`, stamped with this actor and time."""
        return cls(originator_id=stream, originator_version=version, timestamp=self.at,  # type: ignore[call-arg]
                   actor=self.actor, **fields)

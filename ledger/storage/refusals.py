"""Storage failures during an append, as the refusals a user sees."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from eventsourcing.persistence import IntegrityError, OperationalError

from ledger.errors import Conflict, LedgerBusy


@contextmanager
def storage_refusals() -> Iterator[None]:
    """Translate storage failures during an append into domain refusals: another writer's event at the same
    stream version is a `Conflict`, a lock held too long is `LedgerBusy`."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict("记录冲突：该记录已存在或刚被他人修改，请重试") from exc
    except OperationalError as exc:
        if "locked" in str(exc).lower() or "timeout" in str(exc).lower():
            raise LedgerBusy("数据库被其他写入者长时间锁定，请稍后重试") from exc
        raise
    except sqlite3.OperationalError as exc:  # pragma: no cover - defensive
        raise LedgerBusy(f"数据库错误：{exc}") from exc

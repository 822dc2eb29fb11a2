"""Domain errors: every refusal a user can meet is one of these, shown as one Chinese line."""

from __future__ import annotations


class KaopingError(Exception):
    """Base of every refusal; the CLI turns it into exit code 2 and a one-line message."""


class InvalidInput(KaopingError):
    """The input is malformed: an unknown code, an impossible date, a bad file."""


class NotFound(KaopingError):
    """The named window, person or fact does not exist in the ledger."""


class NotAllowed(KaopingError):
    """The request is well-formed but the ledger's state forbids it."""


class Conflict(KaopingError):
    """Something with that identity already exists."""


class CatalogueError(KaopingError):
    """The rules catalogue data file is inconsistent and must not be used."""


class LedgerBusy(KaopingError):
    """The database stayed locked by another writer for longer than the timeout."""


def not_initialised() -> NotAllowed:
    """The refusal for a ledger on which `kaoping init` has not run."""
    return NotAllowed("账本尚未初始化，请先运行 kaoping init")


class LedgerUnreadable(KaopingError):
    """A stored event cannot be decoded: the database was changed outside kaoping."""

    def __init__(self, position: int, cause: BaseException) -> None:
        super().__init__(
            f"账本位置 {position} 的事件无法解读（{type(cause).__name__}），数据库可能被绕过 kaoping 改动过；"
            "请运行 kaoping verify 检查"
        )
        self.position = position


class StreamUnreadable(KaopingError):
    """An event of one stream cannot be decoded: the database was changed outside kaoping."""

    def __init__(self, stream: object, cause: BaseException) -> None:
        super().__init__(
            f"账本中事件流 {stream} 的事件无法解读（{type(cause).__name__}），数据库可能被绕过 kaoping 改动过；"
            "请运行 kaoping verify 检查"
        )

"""The `kaoping` command: global options, the error edge, and the command groups."""

from __future__ import annotations

from typing import Any

import click
from eventsourcing.persistence import OperationalError, PersistenceError

from ledger.app import Ledger, open_ledger
from ledger.errors import KaopingError


class Refusal(click.ClickException):
    """A domain refusal shown as one Chinese line with exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"错误：{self.message}", err=True)


class KaopingGroup(click.Group):
    """A click group that turns domain and storage errors into one-line refusals, never tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KaopingError as exc:
            raise Refusal(str(exc)) from None
        except OperationalError as exc:
            text = str(exc)
            if "locked" in text.lower():
                raise Refusal("数据库被其他写入者长时间锁定，请稍后重试") from None
            raise Refusal(f"数据库错误：{text.splitlines()[0] if text else type(exc).__name__}") from None
        except PersistenceError as exc:
            text = str(exc)
            raise Refusal(f"数据库错误：{text.splitlines()[0] if text else type(exc).__name__}") from None


class Session:
    """What every command shares: the `--db` URL, the actor, and the ledger once opened."""

    def __init__(self, db: str | None, actor: str | None) -> None:
        self.db = db
        self.actor = actor
        self._ledger: Ledger | None = None

    def ledger(self, *, create: bool = False) -> Ledger:
        """The ledger at `--db`, opened once per command."""
        if self._ledger is None:
            self._ledger = open_ledger(self.db, self.actor, create=create)
        return self._ledger

    def close(self) -> None:
        """Release the database connections."""
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None


pass_session = click.make_pass_decorator(Session)


@click.group(cls=KaopingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="KAOPING_DB", default=None, metavar="URL",
              help="账本地址：sqlite:///文件 或 postgresql://用户:密码@主机:端口/库名（默认 sqlite:///kaoping.db）")
@click.option("--as", "actor", envvar="KAOPING_ACTOR", default=None, metavar="NAME",
              help="操作人姓名，记录在每个事件上（默认操作系统用户）")
@click.version_option(package_name="kaoping")
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str | None) -> None:
    """kaoping 考评：长兴县行政服务中心 红旗窗口、服务明星考评账本。"""
    session = Session(db, actor)
    ctx.obj = session
    ctx.call_on_close(session.close)


def _register() -> None:
    from cli import demo, facts, registry, log

    for module in (registry, facts, log, demo):
        module.register(cli)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="kaoping")

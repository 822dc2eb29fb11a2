"""The `kaoping` command: global options, the error edge, and the command groups."""

from __future__ import annotations

import gc
import re
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.exceptions import MissingParameter, NoArgsIsHelpError, NoSuchOption

from cli.help import SUMMARIES, ChineseContext, chinese_everywhere, format_steps, in_order_of_work
from ledger.errors import InvalidInput, KaopingError
from ledger.text import is_utf8, shown

if TYPE_CHECKING:
    from ledger.app import Ledger
    from ledger.storage.reader import ReadableLedger


class Refusal(click.ClickException):
    """A domain refusal shown as one Chinese line with exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        # one line, whatever the message quotes: a control character in the input is shown, never acted on
        click.echo(f"错误：{shown(self.message)}", err=True)


def usage_line(exc: click.UsageError) -> str:
    """Click's (English, multi-line) usage error as one Chinese line."""
    ctx = exc.ctx
    where = f"（运行 {ctx.command_path} --help 查看用法）" if ctx is not None else ""
    if isinstance(exc, MissingParameter):
        hint = exc.param.get_error_hint(ctx) if exc.param is not None else (exc.param_hint or "")
        return f"缺少参数 {hint}{where}"
    if isinstance(exc, NoSuchOption):
        return f"没有这个选项：{exc.option_name}{where}"
    if isinstance(exc, click.BadParameter):
        hint = exc.param.get_error_hint(ctx) if exc.param is not None else (exc.param_hint or "")
        return f"参数 {hint} 的值无效：{_chinese_reason(exc.message)}{where}"
    if exc.message.startswith("No such command"):
        name = exc.message[len("No such command"):].strip(" .'\"")
        return f"没有这个命令：{name}{where}"
    m = re.fullmatch(r"Option '(.+)' requires an? (?:argument|\d+ arguments)\.", exc.message)
    if m:
        return f"选项 {m.group(1)} 缺少值{where}"
    m = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", exc.message)
    if m:
        return f"多余的参数：{m.group(1)}{where}"
    return f"用法错误：{exc.format_message()}{where}"


def _chinese_reason(message: str) -> str:
    """Click's usual English reasons for a bad value, in Chinese; anything else as it is."""
    m = re.fullmatch(r"'?(.*?)'? is not a valid (?:integer|integer range|float)\.", message)
    if m:
        return f"{m.group(1)} 不是整数"
    m = re.fullmatch(r"(.*) is not in the range (.*)\.", message)
    if m:
        return f"{m.group(1)} 超出允许范围（{m.group(2)}）"
    m = re.fullmatch(r"'(.*)' is not one of (.*)\.", message, re.S)
    if m:
        return f"{m.group(1)} 不是可选值之一（{m.group(2)}）"
    return message


def _missing_subcommand(ctx: click.Context) -> str:
    """One line for a command group given without its subcommand."""
    group = ctx.command
    names = " ".join(group.list_commands(ctx)) if isinstance(group, click.Group) else ""
    return f"缺少子命令：{ctx.command_path} 后面应接 {names}（运行 {ctx.command_path} --help 查看用法）"


class KaopingGroup(click.Group):
    """A click group that turns domain, storage and usage errors into one-line refusals, never tracebacks, and
    whose help is Chinese, in the order of the work (cli/help.py)."""

    context_class = ChineseContext

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        chinese_everywhere(cmd)
        cmd.short_help = SUMMARIES.get(name or cmd.name or "", cmd.short_help)  # the one summary (cli/help.py)
        super().add_command(cmd, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        format_steps(self, ctx, formatter)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            _load(self, COMMAND_MODULES[cmd_name])
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        # from the table, importing nothing: `kaoping --help` lists the commands without loading their code
        return in_order_of_work({*COMMAND_MODULES, *super().list_commands(ctx)})

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        given = args[1] if len(args) > 1 else kwargs.get("args", [])
        if any(not is_utf8(a) for a in given):
            raise Refusal("参数中有不是 UTF-8 编码的文字（请检查终端或文件名的编码）")
        try:
            return super().make_context(*args, **kwargs)
        except NoArgsIsHelpError as exc:
            # bare `kaoping`: a request for help, not bad input
            click.echo(exc.ctx.get_help() if exc.ctx is not None else "")
            raise click.exceptions.Exit(0) from None
        except click.UsageError as exc:
            raise Refusal(usage_line(exc)) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self._invoke(ctx)
        except BaseException:
            if isinstance(ctx.obj, Session):
                ctx.obj.discard()
            raise

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NoArgsIsHelpError as exc:
            raise Refusal(_missing_subcommand(exc.ctx) if exc.ctx is not None else "缺少子命令") from None
        except click.UsageError as exc:
            raise Refusal(usage_line(exc)) from None
        except KaopingError as exc:
            raise Refusal(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            # raw sqlite3 errors come from the light read path (ledger.storage.reader): a lock held too long reads as
            # through eventsourcing, anything else as before
            raise _database_refusal(exc, isinstance(exc, sqlite3.OperationalError)) from None
        except Exception as exc:
            # raw psycopg errors come from the PostgreSQL light read path (ledger.storage.postgres_reader)
            psycopg = sys.modules.get("psycopg")
            if psycopg is not None and isinstance(exc, psycopg.Error):
                raise _database_refusal(exc, isinstance(exc, psycopg.OperationalError)) from None
            # eventsourcing's storage errors, when eventsourcing is loaded at all (the light path never imports it)
            persistence = sys.modules.get("eventsourcing.persistence")
            if persistence is None or not isinstance(exc, persistence.PersistenceError):
                raise
            raise _database_refusal(exc, isinstance(exc, persistence.OperationalError)) from None


def _database_refusal(exc: Exception, operational: bool) -> Refusal:
    """A storage error as one line: a lock held too long says so; anything else names the database's message."""
    text = str(exc)
    if operational and "locked" in text.lower():
        return Refusal("数据库被其他写入者长时间锁定，请稍后重试")
    return Refusal(f"数据库错误：{text.splitlines()[0] if text else type(exc).__name__}")


class Session:
    """What every command shares: the `--db` URL, the actor, and the ledger once opened."""

    def __init__(self, db: str | None, actor: str | None, key: str | None = None,
                 actor_key: str | None = None) -> None:
        self.db = db
        self.actor = actor
        self.key = key  # the checkpoint signing key file (--key / KAOPING_KEY)
        self.actor_key = actor_key  # the acting person's key file (--actor-key / KAOPING_ACTOR_KEY, D32)
        self._ledger: Ledger | None = None
        self._reader: ReadableLedger | None = None
        self._created: list[Path] = []

    def ledger(self, *, create: bool = False) -> Ledger:
        """The ledger at `--db`, opened once per command."""
        if self._ledger is None:
            from ledger.app import open_ledger  # eventsourcing: imported only by commands that open the full ledger

            self._ledger = open_ledger(self.db, self.actor, create=create)
            self._ledger.actor_key = self.actor_key
            path = self._ledger.location.sqlite_path
            if create and path is not None and self._ledger.created_file:
                self._created = [path, *(path.with_name(path.name + x) for x in ("-wal", "-shm", "-journal"))]
        return self._ledger

    def reading(self) -> ReadableLedger:
        """The ledger for a question (report, explain, audit, year), opened once per command: a ledger that
        already has kaoping's tables is read through a light reader (`ledger.storage.readers`: the stdlib for a
        SQLite file, psycopg alone for PostgreSQL; no eventsourcing import); anything else — a missing or foreign
        file, a database not yet set up — opens the full ledger, which refuses or creates what is missing as every
        other command does."""
        if self._reader is None:
            from ledger.storage.readers import open_reader

            self._reader = open_reader(self.db) or self.ledger()
        return self._reader

    def keep(self) -> None:
        """The command's writes are complete: a later failure (a closed pipe while printing) must not remove them."""
        self._created = []

    def discard(self) -> None:
        """After a failed command: close, and remove a database file this command created."""
        self.close()
        for p in self._created:
            p.unlink(missing_ok=True)
        self._created = []

    def close(self) -> None:
        """Release the database connections."""
        if self._reader is not None and self._reader is not self._ledger:
            self._reader.close()
        self._reader = None
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None


pass_session = click.make_pass_decorator(Session)


@click.group(cls=KaopingGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", envvar="KAOPING_DB", default=None, metavar="URL",
              help="账本地址：sqlite:///文件 或 postgresql://用户:密码@主机:端口/库名（默认 sqlite:///kaoping.db）")
@click.option("--as", "actor", envvar="KAOPING_ACTOR", default=None, metavar="NAME",
              help="操作人姓名，记录在每个事件上（默认操作系统用户）")
@click.option("--key", envvar="KAOPING_KEY", default=None, metavar="FILE",
              help="检查点签名密钥文件（默认：SQLite 账本旁的同名 .key 文件，如 kaoping.key）")
@click.option("--actor-key", envvar="KAOPING_ACTOR_KEY", default=None, metavar="FILE",
              help="操作人的私钥文件（登记了操作人的账本，每次写入都要用它签名；见 kaoping actor）")
@click.version_option(package_name="kaoping", message="%(prog)s 版本 %(version)s")
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str | None, key: str | None, actor_key: str | None) -> None:
    """kaoping 考评：长兴县行政服务中心 红旗窗口、服务明星考评账本。

    \b
    下面按工作顺序列出命令，每条附一个例子；kaoping 命令 --help 看该命令的全部选项。
    第一次使用可先运行 kaoping demo 建一个演示账本。
    季度写作 YYYYQn，如 2008Q3 是 2008 年第三季度。
    """
    given = ((db, "--db", "数据库地址"), (actor, "--as", "操作人姓名"), (key, "--key", "签名密钥文件"),
             (actor_key, "--actor-key", "操作人密钥文件"))
    for value, option, what in given:
        if value is not None and not value.strip():
            raise InvalidInput(f"{what}不能为空（{option}）")
        if value is not None and not is_utf8(value):
            raise InvalidInput(f"{what}不是有效的 UTF-8 文本（{option}）")
    session = Session(db, actor, key, actor_key)
    ctx.obj = session
    ctx.call_on_close(session.close)


# Which module defines each top-level command: a command's module (and what it imports — cryptography,
# multiprocessing, the demo data…) is imported only when that command runs or shows its own help; the top-level
# help lists the commands from this table and cli/help.py's, importing none of them.
# tests/cli/test_lazy_commands.py checks this table against what each module registers.
COMMAND_MODULES: dict[str, str] = {
    "init": "registry", "window": "registry", "staff": "registry", "rules": "rules",
    "record": "facts", "import": "facts", "retract": "facts", "bonus": "facts", "complaint": "facts",
    "template": "template", "evidence": "evidence",
    "log": "log", "province": "province",
    "shortlist": "quarter", "decide": "quarter", "publish": "quarter",
    "announce": "review", "appeal": "review", "calendar": "review", "todo": "review",
    "report": "questions", "explain": "questions", "audit": "questions", "year": "questions", "rebuild": "questions",
    "checkpoint": "integrity", "verify": "integrity", "receipt": "integrity", "verify-receipt": "integrity",
    "prove": "integrity", "verify-consistency": "integrity", "public-key": "integrity",
    "witness": "witness", "actor": "actor", "key": "center_key",
    "migrate": "move", "backup": "move", "pg-setup": "pg_setup",
    "demo": "demo",
}


def _load(group: click.Group, module_name: str) -> None:
    """Import one command module and attach its commands (once)."""
    from importlib import import_module

    import_module(f"cli.commands.{module_name}").register(group)


def _register() -> None:
    """Attach every command now (tests that walk them all); `kaoping CMD` loads only CMD's module."""
    for module_name in dict.fromkeys(COMMAND_MODULES.values()):
        if not all(n in cli.commands for n, m in COMMAND_MODULES.items() if m == module_name):
            _load(cli, module_name)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="kaoping")
    finally:
        # The process ends here, so its last full cyclic collection (every object the command's ~250 modules made;
        # ~10 ms of a question's ~130 ms CPU, issue 15) would only free memory the OS takes back anyway: frozen
        # objects are skipped by it. Teardown is otherwise unchanged (objects still freed by reference count, atexit
        # handlers run); nothing of ours relies on a cycle's finaliser at exit, which Python never promises to run.
        gc.freeze()

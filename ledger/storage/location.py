"""Where the ledger lives: `--db` URLs and the eventsourcing environment, without importing eventsourcing."""

import os
import sqlite3
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from ledger.errors import InvalidInput, LedgerBusy

DEFAULT_URL = "sqlite:///kaoping.db"
CONNECT_OPTIONS = "KAOPING_CONNECT_OPTIONS"
"""The environment key of a PostgreSQL URL's query parameters, urlencoded (ledger/storage/postgres_recorder.py)."""


class Location(NamedTuple):
    """A parsed `--db` URL: which backend, its eventsourcing environment, and the evidence folder.

    An immutable record; a NamedTuple rather than a frozen dataclass because every command imports this
    module and a NamedTuple is ~0.5 ms cheaper to create (see ledger/catalogue.py).
    """

    url: str
    backend: str  # "sqlite" or "postgres"
    env: dict[str, str]
    evidence_dir: Path
    sqlite_path: Path | None = None

    @property
    def exists(self) -> bool:
        """False only for a SQLite file that is not there yet (PostgreSQL is asked, not guessed)."""
        return self.sqlite_path is None or self.sqlite_path.exists()

    def display(self) -> str:
        """The URL without its password, safe to print (`hidden`)."""
        return hidden(self.url)


def hidden(url: str) -> str:
    """A database URL with any password masked: the one in the user part (even typed without URL escapes, so that
    a `/`, `?`, `#` or `@` in it leaves none of it shown) and a `password=` query parameter."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    at = rest.rfind("@")
    if at >= 0:
        user = rest[:at].split(":", 1)[0]
        rest = f"{user}:***@{rest[at + 1:]}" if ":" in rest[:at] else rest
    head, q, query = rest.partition("?")
    if q:
        query = "&".join(f"{k}=***" if k.lower() == "password" else part
                         for part in query.split("&") for k in [part.split("=", 1)[0]])
    return f"{scheme}://{head}{q}{query}"


def sqlite_uri(path: Path, **params: str) -> str:
    """A `file:` URI naming exactly this file however its name is spelled (`#`, `?`, `%` or `:memory:` in it are
    escaped), for every SQLite connection that opens a ledger in URI mode."""
    uri = path.absolute().as_uri()
    return f"{uri}?{urlencode(params)}" if params else uri


KAOPING_TABLES = ("stored_events", "tracking", "kaoping_projection")


def refuse_foreign_sqlite(path: Path) -> None:
    """Refuse, before anything creates tables in it, an existing SQLite file that holds someone else's tables."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(sqlite_uri(path, mode="ro", immutable="1"), uri=True)  # leaves no -wal/-shm behind
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{path} 不是 kaoping 账本（{exc}）") from None
    if names and "stored_events" not in names:
        raise InvalidInput(f"{path} 不是 kaoping 账本（其中的表：{'、'.join(sorted(names)[:5])}），不会改动它")


def parse_url(url: str | None, evidence_dir: str | None = None) -> Location:
    """Turn `--db` (a URL or a plain path) into a Location; refuse anything else."""
    url = (url or DEFAULT_URL).strip()
    if not url:
        raise InvalidInput("数据库地址为空")
    lock_timeout = str(lock_timeout_seconds())
    if url.startswith(("postgresql://", "postgres://")):
        return _postgres(url, lock_timeout, evidence_dir)
    if url.startswith("sqlite://"):
        if not url.startswith("sqlite:///"):
            raise InvalidInput(f"SQLite 地址应写作 sqlite:///路径：{hidden(url)}")
        path_text = unquote(url[len("sqlite:///"):])
    elif "://" in url:
        raise InvalidInput(f"不支持的数据库地址：{hidden(url)}（可用 sqlite:///文件 或 postgresql://…）")
    else:
        path_text = url
    if not path_text or path_text.endswith("/"):
        raise InvalidInput(f"SQLite 地址缺少文件名：{url}")
    path = Path(path_text)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": sqlite_uri(path),  # eventsourcing connects in URI mode: a bare name holding ? or # misleads it
        "SQLITE_LOCK_TIMEOUT": lock_timeout,
        "APPLICATION_RECORDER_TOPIC": "ledger.storage.sqlite_recorder:FastSQLiteApplicationRecorder",
    }
    default_ev = path.with_name(path.stem + ".evidence")
    ev = Path(evidence_dir or os.environ.get("KAOPING_EVIDENCE_DIR") or default_ev)
    return Location(url=url, backend="sqlite", env=env, evidence_dir=ev, sqlite_path=path)


def _postgres(url: str, lock_timeout: str, evidence_dir: str | None) -> Location:
    """A `postgresql://` URL: its parts, and its query parameters (sslmode, sslrootcert, application_name…) handed
    to every connection (ledger/storage/postgres_recorder.py)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc and "@" in url:  # the user part ended early: a / ? or # in an unescaped password
        raise InvalidInput("PostgreSQL 地址中的用户名或密码含有 / ? # 等字符，须按 URL 规则转义（如 / 写作 %2F、"
                           f"@ 写作 %40）：{hidden(url)}")
    dbname = parts.path.lstrip("/")
    try:
        port = parts.port
    except ValueError:
        raise InvalidInput(f"PostgreSQL 地址中的端口不正确：{hidden(url)}") from None
    if not parts.hostname or not dbname:
        raise InvalidInput(f"PostgreSQL 地址不完整（需要主机和数据库名）：{hidden(url)}")
    if parts.fragment:
        raise InvalidInput(f"PostgreSQL 地址不能含 #（密码中的 # 须写作 %23）：{hidden(url)}")
    options = parse_qsl(parts.query, keep_blank_values=True)
    if any(not k.strip() for k, _ in options) or (parts.query and not options):
        raise InvalidInput(f"PostgreSQL 地址中的参数格式不正确（应为 ?名称=值&…）：{hidden(url)}")
    env = {
        "PERSISTENCE_MODULE": "ledger.storage.postgres_recorder:KaopingPostgresFactory",
        "POSTGRES_DBNAME": unquote(dbname),
        "POSTGRES_HOST": parts.hostname,
        "POSTGRES_PORT": str(port or 5432),
        "POSTGRES_USER": unquote(parts.username or ""),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_LOCK_TIMEOUT": lock_timeout,
        "POSTGRES_CONN_MAX_AGE": "",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "2",
        "POSTGRES_CONNECT_TIMEOUT": os.environ.get("KAOPING_CONNECT_TIMEOUT", "10"),
        "APPLICATION_RECORDER_TOPIC": "ledger.storage.postgres_recorder:FastPostgresApplicationRecorder",
        CONNECT_OPTIONS: urlencode(options),
    }
    ev = Path(evidence_dir or os.environ.get("KAOPING_EVIDENCE_DIR") or "kaoping-evidence")
    return Location(url=url, backend="postgres", env=env, evidence_dir=ev)


def lock_timeout_seconds() -> int:
    """How long a writer waits for another writer's lock before giving up (KAOPING_LOCK_TIMEOUT)."""
    try:
        return max(1, int(os.environ.get("KAOPING_LOCK_TIMEOUT", "10")))
    except ValueError:
        raise InvalidInput("KAOPING_LOCK_TIMEOUT 应为整数秒") from None


def busy(seconds: int | float) -> LedgerBusy:
    """The refusal shown when another writer held the ledger's lock for too long."""
    return LedgerBusy(
        f"数据库被其他写入者锁定超过 {seconds:g} 秒，本次未写入，请稍后重试（等待时间可用 KAOPING_LOCK_TIMEOUT 调整）"
    )

"""Moving a ledger to another database (SQLite → PostgreSQL): copy the stored rows as they are, prove it."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from itertools import islice
from dataclasses import dataclass
from pathlib import Path

from eventsourcing.persistence import ApplicationRecorder, Notification, StoredEvent

from ledger.app import Ledger, open_ledger
from ledger.errors import InvalidInput, NotAllowed
from ledger.rowhash import Root, merkle_root
from ledger.store import Location, parse_url

HEX = set("0123456789abcdef")


@dataclass(frozen=True)
class Migration:
    """What a migration did and proved."""

    events: int
    source_root: Root
    target_root: Root
    evidence_files: int
    evidence_dir: Path

    @property
    def same(self) -> bool:
        """True when both ledgers hold the same rows in the same order."""
        return self.source_root == self.target_root


def rows(recorder: ApplicationRecorder, batch: int = 5000) -> Iterator[Notification]:
    """Every stored row in ledger order (notification ids may have gaps)."""
    start = 0
    while True:
        page = recorder.select_notifications(start=start, limit=batch, inclusive_of_start=False)
        if not page:
            return
        yield from page
        start = page[-1].id
        if len(page) < batch:
            return


def root_of(ledger: Ledger) -> Root:
    """The Merkle root over a ledger's stored rows."""
    return merkle_root(rows(ledger.recorder))


def _same_place(a: Location, b: Location) -> bool:
    if a.sqlite_path is not None and b.sqlite_path is not None:
        return a.sqlite_path.resolve() == b.sqlite_path.resolve()
    return a.env == b.env


def migrate(
    source_url: str, target_url: str, progress: Callable[[str], None] | None = None
) -> Migration:
    """Copy every stored row of `source_url` in order into an empty `target_url`, then compare roots."""
    source_loc, target_loc = parse_url(source_url), parse_url(target_url)
    if _same_place(source_loc, target_loc):
        raise InvalidInput("源账本与目标账本是同一个数据库")
    if source_loc.backend == "sqlite" and not source_loc.exists:
        raise NotAllowed(f"源账本不存在：{source_loc.sqlite_path}")
    created_file = target_loc.sqlite_path is not None and not target_loc.exists
    source = open_ledger(source_url, create=False)
    target: Ledger | None = None
    new_files: list[Path] = []
    try:
        copied = list(rows(source.recorder))
        if not copied:
            raise NotAllowed(f"源账本 {source_loc.display()} 是空的，没有可迁移的事件")
        target = open_ledger(target_url, create=True)
        if target.recorder.select_notifications(start=None, limit=1):
            raise NotAllowed(f"目标账本 {target_loc.display()} 不是空的，迁移只写入空账本")
        files = copy_evidence(source.location.evidence_dir, target.location.evidence_dir, new_files)
        if progress:
            progress(f"复制 {len(copied)} 条事件")
        # One batch, one transaction: the target gets every row or none.
        target.recorder.insert_events(
            [StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in copied]
        )
        # Re-read both sides: the proof is over what each database now holds, not what we sent.
        source_root = merkle_root(islice(rows(source.recorder), len(copied)))
        target_root = root_of(target)
        return Migration(len(copied), source_root, target_root, files, target.location.evidence_dir)
    except BaseException:
        for path in new_files:
            path.unlink(missing_ok=True)
        if created_file and target_loc.sqlite_path is not None:
            if target is not None:
                target.close()
                target = None
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{target_loc.sqlite_path}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        source.close()
        if target is not None:
            target.close()


def copy_evidence(source_dir: Path, target_dir: Path, created: list[Path] | None = None) -> int:
    """Copy content-addressed evidence files that the target folder lacks, checking every hash;
    the paths written are appended to `created` so a failed command can take them back."""
    if not source_dir.is_dir() or source_dir.resolve() == target_dir.resolve():
        return 0
    copied = 0
    for path in sorted(source_dir.glob("??/*")):
        name = path.name
        if len(name) != 64 or not set(name) <= HEX or path.parent.name != name[:2] or not path.is_file():
            continue  # not a committed evidence file (e.g. a staged leftover)
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != name:
            raise NotAllowed(f"证据文件 {path} 的内容与其哈希不符，已停止复制；请先核查证据库")
        dest = target_dir / name[:2] / name
        if dest.exists():
            if hashlib.sha256(dest.read_bytes()).hexdigest() != name:
                raise NotAllowed(f"目标证据库中的文件 {dest} 已被改动，拒绝覆盖")
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".staged-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o444)
        os.replace(tmp, dest)
        if created is not None:
            created.append(dest)
        copied += 1
    return copied


def backup_sqlite(source_url: str, file: str) -> Path:
    """A consistent copy of a SQLite ledger while it is in use (SQLite's online backup API)."""
    import sqlite3

    loc = parse_url(source_url)
    if loc.backend != "sqlite" or loc.sqlite_path is None:
        raise NotAllowed(
            "kaoping backup 只适用于 SQLite 账本；PostgreSQL 账本请用 pg_dump 备份"
            "（例如 pg_dump -Fc -f kaoping.dump 库名），用 pg_restore 恢复"
        )
    if not loc.exists:
        raise NotAllowed(f"账本不存在：{loc.sqlite_path}")
    dest = Path(file)
    if not file or file.endswith("/") or dest.is_dir():
        raise InvalidInput(f"备份文件名不正确：{file}")
    if dest.exists():
        raise NotAllowed(f"备份文件已存在：{dest}（不会覆盖，请换一个文件名）")
    if not dest.parent.exists():
        raise InvalidInput(f"备份文件所在目录不存在：{dest.parent}")
    if dest.resolve() == loc.sqlite_path.resolve():
        raise InvalidInput("备份文件不能是账本本身")
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial")
    os.close(fd)
    try:
        src = sqlite3.connect(f"file:{loc.sqlite_path}?mode=ro", uri=True, timeout=60)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)  # one step: a single consistent snapshot, writers are not blocked (WAL)
                out.execute("PRAGMA journal_mode=DELETE")
                check = out.execute("PRAGMA integrity_check").fetchone()[0]
                if check != "ok":
                    raise NotAllowed(f"备份完整性检查未通过：{check}")
            finally:
                out.close()
        finally:
            src.close()
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


@dataclass(frozen=True)
class Backup:
    """A finished backup: the database copy and the evidence folder beside it."""

    path: Path
    evidence_files: int
    evidence_dir: Path


def backup(source_url: str, file: str) -> Backup:
    """Back up a SQLite ledger and its evidence (to `NAME.evidence` beside the copy); all or nothing."""
    dest = backup_sqlite(source_url, file)
    evidence_dir = dest.with_name(dest.stem + ".evidence")
    created: list[Path] = []
    try:
        files = copy_evidence(parse_url(source_url).evidence_dir, evidence_dir, created)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        dest.unlink(missing_ok=True)
        raise
    return Backup(dest, files, evidence_dir)

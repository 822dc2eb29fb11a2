"""Moving a ledger to another database (SQLite → PostgreSQL): copy the stored rows as they are, prove it.

The proof is the ledger's own Merkle root (`ledger.integrity.check`, RFC 9162 over the raw stored rows):
the same root `kaoping verify` and `kaoping checkpoint` show, so signed checkpoints stay valid.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from eventsourcing.persistence import ApplicationRecorder, Notification, StoredEvent

from ledger.app import Ledger, open_ledger
from ledger.errors import InvalidInput, NotAllowed
from ledger.integrity.key_file import default_key_path, key_path
from ledger.integrity.keys import recorded_key
from ledger.integrity.note import read_key_file, write_key_file
from ledger.integrity.verification import check
from ledger.storage import files
from ledger.storage.location import Location, parse_url, refuse_foreign_sqlite, sqlite_uri
from ledger.storage.rows import iter_notifications

HEX = set("0123456789abcdef")


@dataclass(frozen=True)
class Root:
    """A ledger's size and Merkle root (base64, as `kaoping verify` shows it)."""

    size: int
    root: str


@dataclass(frozen=True)
class Migration:
    """What a migration did and proved."""

    events: int
    source_root: Root
    target_root: Root
    target_verified: bool
    evidence_files: int
    evidence_dir: Path
    key_file: Path | None

    @property
    def same(self) -> bool:
        """True when both ledgers hold the same rows in the same order and the target verifies."""
        return self.source_root == self.target_root and self.target_verified


def rows(recorder: ApplicationRecorder, batch: int = 5000) -> Iterator[Notification]:
    """Every stored row in ledger order (notification ids may have gaps)."""
    return iter_notifications(recorder, 0, batch)


def _same_place(a: Location, b: Location) -> bool:
    if a.sqlite_path is not None and b.sqlite_path is not None:
        return a.sqlite_path.resolve() == b.sqlite_path.resolve()
    return a.env == b.env


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


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
    created: list[Path] = []
    try:
        before = check(source)
        if not before.ok:
            b = before.broken
            where = f"位置 {b.position}：{b.message}" if b else ""
            raise NotAllowed(f"源账本校验未通过，拒绝迁移（{where}；请先运行 kaoping verify）")
        copied = list(rows(source.recorder))
        if not copied:
            raise NotAllowed(f"源账本 {source_loc.display()} 是空的，没有可迁移的事件")
        target = open_ledger(target_url, create=True)
        if target.recorder.select_notifications(start=None, limit=1):
            raise NotAllowed(f"目标账本 {target_loc.display()} 不是空的，迁移只写入空账本")
        key_src, key_dst = source_key(source, source_loc), key_path(target_loc)
        signer = read_key_file(key_src) if key_src is not None and key_src.resolve() != key_dst.resolve() else None
        if signer is not None and key_dst.exists() and read_key_file(key_dst).text() != signer.text():
            raise NotAllowed(f"目标位置已有另一把签名密钥：{key_dst}（请用 KAOPING_KEY 指定别的位置）")
        files = copy_evidence(source_evidence(source_loc, target.location), target.location.evidence_dir, created)
        if signer is not None and not key_dst.exists():
            try:
                write_key_file(key_dst, signer)
            except OSError as exc:
                raise InvalidInput(f"无法写入签名密钥文件 {key_dst}：{exc.strerror or exc}（没有迁移）") from None
            created.append(key_dst)
        if progress:
            progress(f"复制 {len(copied)} 条事件")
        # One batch, one transaction: the target gets every row or none.
        target.recorder.insert_events(
            [StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in copied]
        )
        # Re-read and verify both sides: the proof is over what each database now holds.
        n = len(copied)
        after, landed = check(source), check(target)
        source_root = Root(n, _b64(after.tree.root(n)))
        target_root = Root(landed.size, _b64(landed.tree.root()))
        return Migration(n, source_root, target_root, landed.ok, files, target.location.evidence_dir,
                         key_dst if key_src is not None else None)
    except BaseException:
        _take_back(created)
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


def _take_back(created: list[Path]) -> None:
    """Remove what a failed command made (files, then the folders it made for them), newest first."""
    for path in reversed(created):
        try:
            path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
        except OSError:
            continue


def source_key(source: Ledger, location: Location) -> Path | None:
    """The source ledger's own key file: beside it (its default place) or where --key / KAOPING_KEY names — the
    one holding the private key of the public key the source records (KAOPING_KEY, set for the target as the
    README says, must not hide the key beside a SQLite source)."""
    candidates = [p for p in dict.fromkeys((default_key_path(location), key_path(location))) if p.is_file()]
    recorded = recorded_key(source)
    for path in candidates:
        if recorded is None or read_key_file(path, private=False).verifier == recorded:
            return path
    return None


def source_evidence(source: Location, target: Location) -> Path:
    """The source's evidence folder. KAOPING_EVIDENCE_DIR, set for a PostgreSQL target as the README says,
    also names the SQLite source's folder; then the folder beside the SQLite file is the real source."""
    if source.sqlite_path is not None and source.evidence_dir.resolve() == target.evidence_dir.resolve():
        beside = source.sqlite_path.with_name(source.sqlite_path.stem + ".evidence")
        if beside.is_dir():
            return beside
    return source.evidence_dir


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
        try:
            copied += _copy_one(path, target_dir / name[:2] / name, created)
        except OSError as exc:
            raise InvalidInput(f"无法复制证据文件 {path.name} 到 {target_dir}：{exc.strerror or exc}") from None
    return copied


def _copy_one(path: Path, dest: Path, created: list[Path] | None) -> int:
    """Copy one evidence file (1) unless the target already holds it (0), keeping its mode (a private source's
    copy stays owner-only); a partial copy is removed."""
    name = path.name
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != name:
        raise NotAllowed(f"证据文件 {path} 的内容与其哈希不符，已停止复制；请先核查证据库")
    if dest.exists():
        if hashlib.sha256(dest.read_bytes()).hexdigest() != name:
            raise NotAllowed(f"目标证据库中的文件 {dest} 已被改动，拒绝覆盖")
        return 0
    private = files.kept_private(path)
    for folder in files.make_dirs(dest.parent, files.PRIVATE_DIR if private else 0o777):
        if created is not None:
            created.append(folder)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".staged-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o400 if private else 0o444)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if created is not None:
        created.append(dest)
    return 1


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
    refuse_foreign_sqlite(loc.sqlite_path)
    dest = Path(file)
    if not file or file.endswith("/") or dest.is_dir():
        raise InvalidInput(f"备份文件名不正确：{file}")
    if dest.exists():
        raise NotAllowed(f"备份文件已存在：{dest}（不会覆盖，请换一个文件名）")
    if not dest.parent.exists():
        raise InvalidInput(f"备份文件所在目录不存在：{dest.parent}")
    if dest.resolve() == loc.sqlite_path.resolve():
        raise InvalidInput("备份文件不能是账本本身")
    evidence_dir = dest.with_name(dest.stem + ".evidence")
    if evidence_dir.exists():
        raise NotAllowed(f"备份证据文件夹已存在：{evidence_dir}（不会合并或覆盖，请换一个备份文件名）")
    try:
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial")  # 0600
    except OSError as exc:
        raise InvalidInput(f"无法在 {dest.parent} 写入备份：{exc.strerror or exc}") from None
    os.close(fd)
    try:
        src = sqlite3.connect(sqlite_uri(loc.sqlite_path, mode="ro"), uri=True, timeout=60)
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
    key_not_copied: Path | None  # the private signing key stays where it is: a backup must not leak it


def backup(source_url: str, file: str) -> Backup:
    """Back up a SQLite ledger and its evidence (to `NAME.evidence` beside the copy); all or nothing."""
    dest = backup_sqlite(source_url, file)
    evidence_dir = dest.with_name(dest.stem + ".evidence")
    created: list[Path] = []
    try:
        files = copy_evidence(parse_url(source_url).evidence_dir, evidence_dir, created)
    except BaseException:
        _take_back(created)
        dest.unlink(missing_ok=True)
        raise
    key = key_path(parse_url(source_url))
    return Backup(dest, files, evidence_dir, key if key.exists() else None)

"""Evidence files kept content-addressed (sha256) beside the ledger; never silently replaced."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from ledger.errors import InvalidInput, NotAllowed
from ledger.storage import files
from ledger.text import line

PUBLIC = 0o444
PRIVATE = 0o400  # evidence of a file only its owner could read: read-only, and for the owner only


# A NamedTuple, not a frozen dataclass: every write imports this module, and a frozen dataclass costs ~1 ms to
# create (each generated method compiled), a NamedTuple a fifth of that (issue 15; ledger/catalogue.py).
class StagedEvidence(NamedTuple):
    """A file read, hashed and copied aside, waiting for its event to be committed."""

    meta: dict[str, Any]
    temp: Path | None  # None when the store already holds identical content
    target: Path
    mode: int = PUBLIC  # the stored copy's mode: owner-only when the source was (files.kept_private)
    folders: tuple[Path, ...] = ()  # folders this staging made, outermost first


def path_for(store: Path, sha256: str) -> Path:
    """Where content with this hash lives in the store."""
    return store / sha256[:2] / sha256


def stage(store: Path, source: str) -> StagedEvidence:
    """Read and hash an evidence file before anything is written to the ledger; the copy keeps the source's
    privacy (a file only its owner may read — reached through a symlink or not — is stored 0400 in a 0700
    folder); a folder that cannot be written or a full disk is refused with nothing left behind."""
    src = Path(source)
    name = line(src.name, "证据文件名")
    if not src.is_file():
        raise InvalidInput(f"证据文件不存在：{source}")
    try:
        data = src.read_bytes()
        private = files.kept_private(src)
    except OSError as exc:
        raise InvalidInput(f"证据文件无法读取：{source}（{exc.strerror or exc}）") from None
    if not data:
        raise InvalidInput(f"证据文件为空：{source}")
    digest = hashlib.sha256(data).hexdigest()
    meta = {"sha256": digest, "size": len(data), "name": name}
    target = path_for(store, digest)
    try:
        if target.exists():
            if hashlib.sha256(target.read_bytes()).hexdigest() != digest:
                raise NotAllowed(f"证据库中的文件 {target} 已被改动，拒绝覆盖；请先核查证据库")
            return StagedEvidence(meta=meta, temp=None, target=target)
    except OSError as exc:
        raise InvalidInput(f"证据库中的文件 {target} 无法读取：{exc.strerror or exc}") from None
    made: list[Path] = []
    tmp: str | None = None
    try:
        made += files.make_dirs(store)
        made += files.make_dirs(target.parent, files.PRIVATE_DIR if private else 0o777)
        import tempfile  # only a claim with a new file stages one: tempfile + shutil, ~3 ms of every write's imports

        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".staged-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        _remove_folders(made)
        raise InvalidInput(f"无法把证据文件存入证据库 {store}：{exc.strerror or exc}（什么也没有写入）") from None
    return StagedEvidence(meta=meta, temp=Path(tmp), target=target, mode=PRIVATE if private else PUBLIC,
                          folders=tuple(made))


def commit(staged: StagedEvidence) -> None:
    """Move a staged file into place once its event is in the ledger (no-op when already there)."""
    if staged.temp is None:
        return
    if staged.target.exists():
        staged.temp.unlink(missing_ok=True)
        return
    try:
        os.chmod(staged.temp, staged.mode)
        os.replace(staged.temp, staged.target)
    except OSError as exc:
        raise NotAllowed(f"记录已写入账本，但证据文件未能放入证据库（{exc.strerror or exc}）；"
                         f"内容仍在 {staged.temp}，请改名为 {staged.target}") from None


def abandon(staged: StagedEvidence | None) -> None:
    """Drop a staged file when the command failed, so a failed command leaves nothing behind."""
    if staged is not None and staged.temp is not None:
        staged.temp.unlink(missing_ok=True)
        _remove_folders(list(staged.folders))


def _remove_folders(made: list[Path]) -> None:
    """Remove the folders a staging made, innermost first, while they are empty."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            break


@contextmanager
def staging(store: Path, source: str | None) -> Iterator[Callable[[], dict[str, Any]] | None]:
    """A command's evidence file, staged only when its decision calls the yielded function (after every rule
    passed; None without a file): put in place when the command succeeds, removed when it fails."""
    if not source:
        yield None
        return
    staged: list[StagedEvidence] = []

    def stage_now() -> dict[str, Any]:
        staged.append(stage(store, source))
        return staged[-1].meta

    try:
        yield stage_now
    except BaseException:
        for s in staged:
            abandon(s)
        raise
    for s in staged:
        commit(s)

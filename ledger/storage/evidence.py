"""Evidence files kept content-addressed (sha256) beside the ledger; never silently replaced."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.errors import InvalidInput, NotAllowed


@dataclass(frozen=True)
class StagedEvidence:
    """A file read, hashed and copied aside, waiting for its event to be committed."""

    meta: dict[str, Any]
    temp: Path | None  # None when the store already holds identical content
    target: Path


def path_for(store: Path, sha256: str) -> Path:
    """Where content with this hash lives in the store."""
    return store / sha256[:2] / sha256


def stage(store: Path, source: str) -> StagedEvidence:
    """Read and hash an evidence file before anything is written to the ledger."""
    src = Path(source)
    if not src.is_file():
        raise InvalidInput(f"证据文件不存在：{source}")
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"证据文件无法读取：{source}（{exc.strerror}）") from None
    if not data:
        raise InvalidInput(f"证据文件为空：{source}")
    digest = hashlib.sha256(data).hexdigest()
    meta = {"sha256": digest, "size": len(data), "name": src.name}
    target = path_for(store, digest)
    if target.exists():
        if hashlib.sha256(target.read_bytes()).hexdigest() != digest:
            raise NotAllowed(f"证据库中的文件 {target} 已被改动，拒绝覆盖；请先核查证据库")
        return StagedEvidence(meta=meta, temp=None, target=target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".staged-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return StagedEvidence(meta=meta, temp=Path(tmp), target=target)


def commit(staged: StagedEvidence) -> None:
    """Move a staged file into place once its event is in the ledger (no-op when already there)."""
    if staged.temp is None:
        return
    if staged.target.exists():
        staged.temp.unlink(missing_ok=True)
        return
    os.chmod(staged.temp, 0o444)
    os.replace(staged.temp, staged.target)


def abandon(staged: StagedEvidence | None) -> None:
    """Drop a staged file when the command failed, so a failed command leaves nothing behind."""
    if staged is not None and staged.temp is not None:
        staged.temp.unlink(missing_ok=True)
        for folder in (staged.target.parent, staged.target.parent.parent):
            try:
                folder.rmdir()  # only succeeds when this command left it empty
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

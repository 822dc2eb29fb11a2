"""A fact's evidence files copied out of the store under their original names, each checked against the hash its
event recorded; nothing is overwritten, and a copy that fails leaves nothing behind."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ledger.errors import InvalidInput, NotAllowed
from ledger.storage.evidence import path_for
from ledger.text import shown


def out_names(metas: Sequence[dict[str, Any]]) -> list[str]:
    """Each file's original name (its last part only, as any system reads it, control characters escaped), made
    unique: 证书 (2).pdf."""
    names: list[str] = []
    for meta in metas:
        raw = str(meta.get("name") or "")
        # a name a first release stored with control characters is written as `shown` prints it (D27)
        base = shown(PureWindowsPath(PurePosixPath(raw).name).name.strip()) or f"证据-{meta['sha256'][:8]}"
        if base in (".", ".."):
            base = f"证据-{meta['sha256'][:8]}"
        stem, suffix = Path(base).stem, Path(base).suffix
        name, n = base, 2
        while name in names:
            name, n = f"{stem} ({n}){suffix}", n + 1
        names.append(name)
    return names


def copy_out(store: Path, metas: Sequence[dict[str, Any]], folder: Path) -> list[Path]:
    """Copy the files into `folder` (made when missing, its parent must exist); refused whole when a file is
    missing from the store, differs from its recorded hash, or its name is taken in the folder."""
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"输出目录是一个文件：{folder}")
    if not folder.parent.is_dir():
        raise InvalidInput(f"输出目录所在的目录不存在：{folder}")
    targets = [folder / name for name in out_names(metas)]
    taken = [t.name for t in targets if t.exists()]
    if taken:
        raise InvalidInput(f"{folder} 中已有同名文件：{'、'.join(taken)}（不会覆盖，请换一个目录）")
    contents: list[bytes] = []
    for meta in metas:
        source = path_for(store, meta["sha256"])
        try:
            data = source.read_bytes()
        except OSError:
            raise NotAllowed(f"证据库中缺少文件 {meta.get('name')}（{source}）") from None
        if hashlib.sha256(data).hexdigest() != meta["sha256"]:
            raise NotAllowed(f"证据库中的文件 {source} 与记录的哈希不符（已被改动），未复制")
        contents.append(data)
    made = not folder.exists()
    folder.mkdir(exist_ok=True)
    written: list[Path] = []
    try:
        for target, data in zip(targets, contents, strict=True):
            with target.open("xb") as f:
                written.append(target)
                f.write(data)
    except OSError as exc:
        for done in written:
            done.unlink(missing_ok=True)
        if made:
            folder.rmdir()
        raise InvalidInput(f"无法写入 {folder}：{exc.strerror or exc}") from None
    return targets

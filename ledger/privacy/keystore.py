"""The contact key store: one data key per complaint, in a file beside the signing key (0600), never in the database.

The file is JSON, `{"format": "kaoping-contact-keys/1", "keys": {key id: base64 key}}`, replaced whole
(ledger/storage/files.py: a new file written beside it, then renamed) whenever a key is added or destroyed.
Destroying a key removes it from the file: the sealed name and contact in the ledger can then never be opened
again (crypto-shredding). Copies of the file made before (backups) still hold the key: erase there too, or keep no
such copies.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

import orjson

from ledger.errors import InvalidInput
from ledger.storage import files

FORMAT = "kaoping-contact-keys/1"


def store_path(key_file: Path) -> Path:
    """Where the contact keys live: beside the signing key file, same name, `.contacts` instead of its suffix."""
    return key_file.with_suffix(".contacts")


def read_keys(path: Path) -> dict[str, bytes]:
    """Every data key in the store (empty when there is no store yet); refused when others can read it."""
    try:
        data = orjson.loads(path.read_bytes())
        shared = not files.owner_only(path)
    except FileNotFoundError:
        return {}
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InvalidInput(f"无法读取投诉人信息密钥文件 {path}：{exc}") from None
    if shared:
        raise InvalidInput(f"投诉人信息密钥文件 {path} 的权限过宽（应为 600，请运行 chmod 600 {path}）")
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("keys"), dict):
        raise InvalidInput(f"{path} 不是 kaoping 投诉人信息密钥文件（{FORMAT}）")
    try:
        return {str(k): base64.b64decode(v, validate=True) for k, v in data["keys"].items()}
    except (binascii.Error, ValueError, TypeError):
        raise InvalidInput(f"投诉人信息密钥文件 {path} 已损坏") from None


def write_keys(path: Path, keys: dict[str, bytes]) -> None:
    """Replace the store whole with exactly these keys, readable by its owner only (files.replace_whole)."""
    folder = path.absolute().parent
    if not folder.is_dir():
        raise InvalidInput(f"投诉人信息密钥文件所在目录不存在：{folder}")
    body = orjson.dumps({"format": FORMAT, "keys": {k: base64.b64encode(v).decode() for k, v in sorted(keys.items())}},
                        option=orjson.OPT_INDENT_2) + b"\n"
    try:
        files.replace_whole(path, body, files.PRIVATE_FILE)
    except OSError as exc:
        raise InvalidInput(f"无法写入投诉人信息密钥文件 {path}：{exc.strerror or exc}") from None


def add_key(path: Path, key_id: str, key: bytes) -> None:
    """Keep a new data key."""
    keys = read_keys(path)
    keys[key_id] = key
    write_keys(path, keys)


def destroy_key(path: Path, key_id: str) -> bool:
    """Destroy a data key; False when the store did not hold it (destroyed already)."""
    keys = read_keys(path)
    if keys.pop(key_id, None) is None:
        return False
    write_keys(path, keys)
    return True

"""Setting up a ledger (`kaoping init`): the signing key is in its file first, then the center is recorded; a new
SQLite ledger is made whole under a temporary name and appears under its own only when complete.

So processes racing to `init` one new file end with exactly one ledger, whose key file holds the private key of the
public key it records: the first to write the key file wins it and the others use that same file; the first to put
a finished ledger in place wins it and the others are refused without touching it (nothing is ever deleted that
another process may have made).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote
from uuid import UUID, uuid4

from ledger import catalogue as rules
from ledger import revisions
from ledger.app import Ledger, open_ledger
from ledger.errors import Conflict, InvalidInput, KaopingError
from ledger.integrity import keys
from ledger.storage import files
from ledger.storage.location import Location, parse_url, refuse_foreign_sqlite

SIDE_FILES = ("-wal", "-shm", "-journal")


def initialise(url: str | None, actor: str | None, center: str, rules_id: str = rules.DEFAULT_RULES,
               key_file: str | None = None) -> UUID:
    """Set up the center at `url` with its rules and signing key; a failed set-up leaves nothing of its own behind."""
    revisions.resolve(rules_id)  # an unknown rules revision is refused before any file is made
    location = parse_url(url)
    if location.sqlite_path is not None:  # refusals that need no key: before the key file is written
        if not location.sqlite_path.parent.is_dir():
            raise InvalidInput(f"数据库所在目录不存在：{location.sqlite_path.parent}")
        refuse_foreign_sqlite(location.sqlite_path)
    staged = keys.stage_key(keys.key_path(location, key_file))
    try:
        if location.sqlite_path is not None and not location.exists:
            return _new_file(location, actor, center, rules_id, staged)
        ledger = open_ledger(url, actor, create=True)
        try:
            return _record(ledger, center, rules_id, staged)
        finally:
            ledger.close()
    except BaseException:
        if staged.new:
            _abandon_key(location, staged)
        raise


def _record(ledger: Ledger, center: str, rules_id: str, staged: keys.StagedKey) -> UUID:
    """The center and its public key, saved together."""
    return ledger.init(center, rules_id, also=[keys.key_event(ledger.actor, staged.signer)])


def _new_file(location: Location, actor: str | None, center: str, rules_id: str, staged: keys.StagedKey) -> UUID:
    """Initialise a new SQLite file beside its place (0600), then put it there unless another process did first."""
    path = location.sqlite_path
    assert path is not None
    temp = path.with_name(f".{path.name}.{uuid4().hex[:12]}.init")
    try:
        if not files.claim_new(temp):
            raise Conflict(f"临时文件已存在：{temp}")
    except OSError as exc:
        raise InvalidInput(f"无法在 {path.parent} 建立账本文件：{exc.strerror or exc}") from None
    try:
        ledger = open_ledger("sqlite:///" + quote(str(temp.absolute())), actor, create=True)
        try:
            stream = _record(ledger, center, rules_id, staged)
        finally:
            ledger.close()
        try:
            files.put_in_place(temp, path)
        except FileExistsError:
            raise Conflict("账本已经初始化过，不能重复初始化") from None
        except OSError as exc:
            raise InvalidInput(f"无法建立账本文件 {path}：{exc.strerror or exc}") from None
        return stream
    finally:
        for p in (temp, *(Path(f"{temp}{suffix}") for suffix in SIDE_FILES)):
            p.unlink(missing_ok=True)


def _abandon_key(location: Location, staged: keys.StagedKey) -> None:
    """Remove the key file this `init` wrote, unless the ledger now at `location` records it (a racing `init` that
    found the file may have put its ledger in place with this key)."""
    if not location.exists:
        staged.abandon(None)
        return
    try:
        ledger = open_ledger(location.url)
    except KaopingError:
        return  # unreadable: keep the key
    try:
        keys.abandon_unless_recorded(ledger, staged)
    finally:
        ledger.close()

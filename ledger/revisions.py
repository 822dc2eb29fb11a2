"""Rule revisions (D36): every packaged catalogue file is one immutable revision of some rules, and which revision a
center's quarter is scored under.

Files are `ledger/catalogues/NAME@REV.json`; the first release's `changxing-2008.json` (revision 1) keeps its name
and its bytes, because every ledger it initialised pins its sha256. A center adopts a revision with `init` and,
from a quarter on, with `rules adopt NAME@REV --from QUARTER` (the RulesAdopted event of the center's stream); a
quarter is scored under the revision in force on its first day: of the adoptions from that quarter or earlier, the
one from the latest quarter (a later record from the same quarter replaces an earlier one). A revision may change
numbers, wording and procedure, never the codes facts are recorded with (`vocabulary_changes`), so every recorded
fact means the same under every revision a ledger uses.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from ledger import catalogue
from ledger.catalogue import Catalogue, parse
from ledger.errors import CatalogueError, InvalidInput
from ledger.topics import CENTER_TOPIC, RULES_ADOPTED_TOPIC

SEPARATOR = "@"
_SPEC = re.compile(r"^([a-z0-9][a-z0-9-]*)(?:@([0-9]{1,6}))?$")


def spec(name: str, revision: int) -> str:
    """A revision as people write it: changxing-2008@2."""
    return f"{name}{SEPARATOR}{revision}"


def parse_spec(text: str) -> tuple[str, int | None]:
    """NAME or NAME@REV as typed (ASCII digits), or a refusal."""
    m = _SPEC.match((text or "").strip())
    if not m:
        raise InvalidInput(f"规则版本应写作 名称@版次（如 changxing-2008@2）：{text!r}")
    return m.group(1), int(m.group(2)) if m.group(2) else None


def _files() -> dict[tuple[str, int], Path]:
    """Every packaged revision file by (rules name, revision), from the catalogue folder as it is named now."""
    return _files_in(catalogue.CATALOGUES)


@cache
def _files_in(folder: Path) -> dict[tuple[str, int], Path]:
    """Every revision file of a folder by (rules name, revision): NAME@REV.json, and NAME.json for the one it holds."""
    found: dict[tuple[str, int], Path] = {}
    for path in sorted(folder.glob("*.json")):
        name, sep, rev = path.stem.partition(SEPARATOR)
        if sep:
            if rev.isascii() and rev.isdigit():
                found[(name, int(rev))] = path
            continue
        try:
            revision = orjson.loads(path.read_bytes()).get("revision")
        except (OSError, orjson.JSONDecodeError, AttributeError):
            continue
        if type(revision) is int:
            found.setdefault((name, revision), path)
    return found


def revisions_of(name: str) -> list[int]:
    """The packaged revisions of some rules, oldest first."""
    return sorted(rev for n, rev in _files() if n == name)


def available() -> list[tuple[str, int]]:
    """Every packaged (rules name, revision), by name and revision."""
    return sorted(_files())


def load_revision(name: str, revision: int) -> Catalogue:
    """One packaged revision, validated as every catalogue is; a refusal when there is no such file, and a
    CatalogueError when the file does not say it is that revision or fails validation."""
    path = _files().get((name, revision))
    if path is None:
        known = "、".join(str(r) for r in revisions_of(name))
        hint = f"（{name} 现有版次：{known}）" if known else ""
        raise InvalidInput(f"未知的规则版本：{spec(name, revision)}{hint}")
    return _load(path, name, revision)


@cache
def _load(path: Path, name: str, revision: int) -> Catalogue:
    """A revision file parsed and validated once (files never change: a change is a new revision)."""
    try:
        data = path.read_bytes()
    except OSError:
        raise InvalidInput(f"未知的规则版本：{spec(name, revision)}") from None
    cat = parse(data)
    if (cat.id, cat.revision) != (name, revision):
        raise CatalogueError(f"规则目录文件 {path.name} 自称 {spec(cat.id, cat.revision)}，不是 {spec(name, revision)}")
    return cat


def resolve(text: str) -> Catalogue:
    """The revision `NAME@REV` names, or the latest packaged revision of `NAME`."""
    name, revision = parse_spec(text)
    if revision is None:
        revisions = revisions_of(name)
        if not revisions:
            raise InvalidInput(f"未知的规则版本：{name}")
        revision = revisions[-1]
    return load_revision(name, revision)


def pinned(name: str, revision: int, sha256: str) -> Catalogue:
    """A revision a ledger adopted, refused when the packaged file no longer has the hash the ledger pinned."""
    cat = load_revision(name, revision)
    if cat.sha256 != sha256:
        raise CatalogueError(
            f"规则目录 {spec(name, revision)} 与账本采用时的版本不一致（账本：{sha256[:12]}，当前：{cat.sha256[:12]}）"
        )
    return cat


def vocabulary_changes(base: Catalogue, other: Catalogue) -> list[str]:
    """What a revision names differently from the rules a ledger was initialised with (item codes, sources,
    channels, bonus kinds and levels, disqualification kinds and their items): each a reason to refuse adopting it."""
    def codes(cat: Catalogue) -> dict[str, Any]:
        return {
            "考评条目": sorted(cat.items_by_code), "检查记录来源": sorted(cat.sources),
            "投诉渠道": sorted(cat.channels),
            "加分类型": sorted(b.kind for b in cat.bonus_kinds), "级别": sorted(cat.levels),
            "取消资格类型": sorted((d.kind, d.items) for d in cat.disqualifications),
            "取消资格范围": sorted(cat.scopes), "施行日期": str(cat.effective),
        }
    mine, theirs = codes(base), codes(other)
    return [what for what in mine if mine[what] != theirs[what]]


class Adoption(NamedTuple):
    """A revision adopted by the center: at init (`quarter` None: from the start) or from a quarter on; `nid` is the
    notification id of its event (its ledger position is asked only when a question is as of an earlier one)."""

    rules: str
    revision: int
    sha256: str
    quarter: str | None
    nid: int

    @property
    def spec(self) -> str:
        """changxing-2008@2."""
        return spec(self.rules, self.revision)


def _no_position(nid: int) -> int:
    raise AssertionError("a position was asked of a ledger that cannot count")  # pragma: no cover


@dataclass(frozen=True)
class RulesInForce:
    """The center's adoptions in ledger order (the init's first), and which one a quarter is scored under."""

    adoptions: tuple[Adoption, ...]
    position_of: Callable[[int], int] = field(default=_no_position, compare=False, repr=False)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str, Mapping[str, Any]]],
                  position_of: Callable[[int], int] = _no_position) -> "RulesInForce":
        """From the center stream's stored (notification id, topic, fields), in stream order; an empty tuple before
        `init`."""
        out: list[Adoption] = []
        for nid, topic, e in rows:
            if topic == CENTER_TOPIC:
                out.insert(0, Adoption(e["rules"], int(e.get("rules_revision", 1)), e["rules_sha256"], None, nid))
            elif topic == RULES_ADOPTED_TOPIC:
                out.append(Adoption(e["rules"], int(e["revision"]), e["sha256"], e["quarter"], nid))
        return cls(tuple(out), position_of)

    def adoption_for(self, quarter: str, as_of: int | None = None) -> Adoption:
        """The adoption in force on a quarter's first day (as recorded by position `as_of`): of those from that
        quarter or earlier, the one from the latest quarter (the last recorded of them when several are from the
        same quarter); the init's when there is none."""
        chosen = self.adoptions[0]
        for a in self.adoptions[1:]:
            later = chosen.quarter is None or (a.quarter is not None and a.quarter >= chosen.quarter)
            if (a.quarter is not None and a.quarter <= quarter and later
                    and (as_of is None or self.position_of(a.nid) <= as_of)):
                chosen = a
        return chosen

    def catalogue_for(self, quarter: str, as_of: int | None = None) -> Catalogue:
        """The catalogue a quarter is scored under (checked against its pinned hash)."""
        a = self.adoption_for(quarter, as_of)
        return pinned(a.rules, a.revision, a.sha256)

"""The publication bundle (D35): what `publish QUARTER --out DIR` writes and `publish --check DIR` proves.

Every file is made again from the ledger — the report as it stood at the published position, the publication
event (its checkpoint, its date), the recorded public key — with fixed dates inside, so the same ledger gives
the same bytes. 清单.json lists each file's sha256 beside the publication's digest; `--check` makes the bundle
again and names the first file that differs. The witnesses' cosignatures of the publication's checkpoint known
when the bundle is made go into it (cli/files/cosigned.py); ones made later may be added to the folder as files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from cli.files import cosigned
from ledger.errors import InvalidInput, NotAllowed
from ledger.text import shown, shown_all

if TYPE_CHECKING:
    from ledger.app import Ledger
    from ledger.integrity.cosignature import WitnessVerifier

FORMAT = "kaoping-bundle/1"
MANIFEST = "清单.json"
BULLETIN, NOTICE_DOCX, NOTICE_PDF = "网站公布.html", "通报.docx", "通报.pdf"
WORKBOOK, REWARDS, CHECKPOINT, PUBLIC_KEY = "考评结果.xlsx", "奖励发放表.xlsx", "签名检查点.txt", "公钥.txt"
FILES = (BULLETIN, NOTICE_DOCX, NOTICE_PDF, WORKBOOK, REWARDS, CHECKPOINT, PUBLIC_KEY)
"""The bundle's files in the order `--check` compares them (the manifest last)."""
MAKERS = ("kaoping", "XlsxWriter", "python-docx", "fpdf2")
LAYOUT = 1
"""The revision of the bundle's layout: bump it with any change to how a file of the bundle is rendered, so that
`--check` of a bundle an earlier layout made says why its bytes cannot be made again."""


@dataclass(frozen=True)
class Mismatch:
    """The first file of a bundle that is not what the ledger published."""

    name: str
    why: str


@dataclass(frozen=True)
class Checked:
    """What `publish --check` found: the manifest, the first file that is wrong (None when all are right), the
    cosignatures the bundle carries and those in files added to it later."""

    manifest: dict[str, Any]
    mismatch: Mismatch | None
    carried: list[cosigned.Cosigner] = field(default_factory=list)
    later: list[cosigned.Cosigner] = field(default_factory=list)


def versions() -> dict[str, str]:
    """The layout revision and the versions of what makes the files (a newer fpdf2 may lay a PDF out differently)."""
    out = {"layout": str(LAYOUT)}
    for name in MAKERS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def build(ledger: Ledger, quarter: str, number: str | None, witnesses: Sequence[str] | None = None
          ) -> dict[str, bytes]:
    """Every file of the quarter's publication bundle, manifest included, as bytes: with the cosignatures of its
    checkpoint the ledger holds now, or only those of the `witnesses` keys (a bundle made again as its manifest
    lists them)."""
    from cli.files import bulletin, notice, notice_docx, notice_pdf, workbook, xlsx_file
    from ledger.commands import quarter as lq
    from ledger.integrity import keys
    from projections.views import Views

    views = Views(ledger)
    pub = views.report(quarter).get("published")
    event = lq.quarter_stream(ledger, quarter).published
    if pub is None or event is None:
        raise NotAllowed(f"{quarter} 尚未公布，没有可写出的公布材料（先运行 kaoping publish {quarter}）")
    if not pub["digest_matches"]:
        raise NotAllowed(f"账本重算的 {quarter} 公布结果与公布时记录的摘要不一致，拒绝生成公布材料"
                         "（请运行 kaoping verify）")
    at = pub["results_position"]
    # every stored text as `shown` prints it (tables: document.cell); overdue rectifications as of the results
    # position's own day (D30), so a bundle checked later is the same
    doc = shown_all(views.report(quarter, at))
    res = views.result(quarter, at)
    key = keys.recorded_key(ledger)
    checkpoint = event.checkpoint or ""
    when = event.timestamp
    center = shown(ledger.center().center)
    cosigners = cosigned.known(ledger, checkpoint, key, witnesses)
    the_notice = notice.build(doc, ledger.catalogue, center, number, notice.china_day(when),
                              [(c.name, c.key_id) for c in cosigners])
    lines = (f"{center} · 依据考评账本截至位置 {at} 的记录，于位置 {pub['position']} 公布",
             f"公布结果摘要（sha256）：{pub['digest']}")
    stamp = when.replace(tzinfo=None)
    files = {
        BULLETIN: bulletin.render(doc, the_notice, pub, checkpoint, key.text() if key else "", cosigners=cosigners),
        NOTICE_DOCX: notice_docx.render(the_notice, stamp),
        NOTICE_PDF: notice_pdf.render(the_notice, when),
        WORKBOOK: xlsx_file.render(workbook.results(doc, res, lines), stamp),
        REWARDS: xlsx_file.render(workbook.rewards(doc, lines), stamp),
        CHECKPOINT: checkpoint.encode("utf-8"),
        PUBLIC_KEY: ((key.text() + "\n") if key else "").encode("utf-8"),
        **cosigned.files(checkpoint, cosigners),
    }
    manifest: dict[str, Any] = {
        "format": FORMAT, "quarter": quarter, "number": number or "", "center": center,
        "publication": {"position": pub["position"], "results_position": at, "digest": pub["digest"]},
        "made_with": versions(),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    if cosigners:  # a bundle without any stays as the first layout made it
        manifest["cosignatures"] = [c.to_json() for c in cosigners]
    files[MANIFEST] = orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"
    return files


def claim_dir(out: str) -> Path:
    """The bundle's folder, checked before anything is recorded: new, or empty; its parent must exist."""
    if not out.strip():
        raise InvalidInput("输出目录不能为空（--out）")
    path = Path(out)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise InvalidInput(f"输出目录已存在且不是空目录：{out}（不会覆盖，请换一个目录名）")
    if not path.absolute().parent.is_dir():
        raise InvalidInput(f"输出目录的上级目录不存在：{out}")
    return path


def write(path: Path, files: dict[str, bytes]) -> None:
    """Write the bundle into a fresh folder beside `path`, then move it into place: all files or none."""
    parent = path.absolute().parent
    staging = Path(tempfile.mkdtemp(prefix=".kaoping-bundle-", dir=parent))
    try:
        staging.chmod(0o755)  # a folder to hand out and upload, not mkdtemp's private 0700
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if path.is_dir():
            path.rmdir()  # claimed empty; a file that appeared in it since makes this fail, and nothing moves
        os.replace(staging, path)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InvalidInput(f"无法写入公布材料 {path}：{exc.strerror or exc}") from None


def read_manifest(folder: Path) -> dict[str, Any]:
    """A bundle's manifest, or a refusal saying what is wrong with it."""
    if not folder.is_dir():
        raise InvalidInput(f"不是一个目录：{folder}")
    try:
        manifest = orjson.loads((folder / MANIFEST).read_bytes())
    except FileNotFoundError:
        raise InvalidInput(f"{folder} 中没有 {MANIFEST}，不是 kaoping 公布材料目录") from None
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InvalidInput(f"{MANIFEST} 无法读取：{exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or not isinstance(manifest.get("quarter"), str):
        raise InvalidInput(f"{MANIFEST} 不是 kaoping 公布材料清单（{FORMAT}）")
    return manifest


def check(ledger: Ledger, folder: Path, witnesses: Sequence[WitnessVerifier] = ()) -> Checked:
    """Make the bundle of the manifest's quarter again from the ledger (with the cosignatures its manifest lists)
    and compare it, file by file; a file added since is accepted when it is a valid cosignature of the bundle's
    checkpoint by a witness named with `witnesses` or known to the ledger."""
    from ledger.integrity import keys, witness

    manifest = read_manifest(folder)
    number = manifest.get("number") if isinstance(manifest.get("number"), str) else ""
    listed = cosigned.listed(manifest)
    expected = build(ledger, manifest["quarter"], number, listed)
    checkpoint = expected[CHECKPOINT].decode("utf-8")
    carried = cosigned.known(ledger, checkpoint, keys.recorded_key(ledger), listed)
    missing = [key for key in listed if key not in {c.public_key for c in carried}]
    if missing:
        return Checked(manifest, Mismatch(MANIFEST, f"列出的见证方 {shown(missing[0].split('+')[0])} 的副署"
                                                    "在账本中没有记录"))
    made, now = manifest.get("made_with"), versions()
    hint = f"（生成时的软件版本 {made} 与现在的 {now} 不同，也可能因此不同）" if made != now else ""
    for name in (*FILES, *(c.file for c in carried), MANIFEST):
        present = folder / name
        if not present.is_file():
            return Checked(manifest, Mismatch(name, "缺少这个文件"))
        if present.read_bytes() != expected[name]:
            return Checked(manifest, Mismatch(name, "内容与账本公布的不一致" + hint))
    known_keys = [*witnesses, *witness.recorded_witnesses(ledger)]
    later: list[cosigned.Cosigner] = []
    for extra in sorted(p for p in folder.iterdir() if p.name not in expected):
        seen = cosigned.later(extra.name, extra.read_bytes() if extra.is_file() else b"", checkpoint, known_keys)
        if isinstance(seen, str):
            return Checked(manifest, Mismatch(extra.name, seen), carried, later)
        later += seen
    return Checked(manifest, None, carried, later)

"""Witnesses' cosignatures in the publication bundle (D33): a bundle carries those known when it is made, `publish
--check` takes cosigned checkpoints added to the folder later, and the bulletin and the 通报 name the witnesses."""

from __future__ import annotations

import base64
import shutil
from html.parser import HTMLParser
from pathlib import Path

import docx
import orjson
import pytest

from tests.cli.cosignature import independent_cosignature
from tests.cli.files.conftest import Demo, pdf_text

WITNESS = "长兴县纪委"
FILES = {"网站公布.html", "通报.docx", "通报.pdf", "考评结果.xlsx", "奖励发放表.xlsx", "签名检查点.txt", "公钥.txt",
         "清单.json"}


@pytest.fixture(scope="module")
def cosigned_built(demo_built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo quarter published with its bundle in 公布/, and then the bundle's checkpoint cosigned by a witness
    (县纪委) into cos.txt — not yet recorded in the ledger."""
    folder = tmp_path_factory.mktemp("cosigned") / "center"
    shutil.copytree(demo_built, folder)
    demo = Demo(folder)
    r = demo("publish", "2008Q3", "--out", "公布", "--number", "长行服〔2008〕12号")
    assert r.exit_code == 0, r.stderr
    r = demo("witness", "new", WITNESS, "--key-out", "jw.key")
    assert r.exit_code == 0, r.stderr
    (folder / "jw.pub").write_text(r.stdout, encoding="utf-8")
    r = demo("witness", "cosign", "公布/签名检查点.txt", "--key", "jw.key", "--state", "jw.json", "--public-key",
             "公布/公钥.txt", "--out", "cos.txt")
    assert r.exit_code == 0, r.stderr
    return folder


@pytest.fixture
def cosigned(cosigned_built: Path, tmp_path: Path) -> Demo:
    """A fresh copy of the published, cosigned demo ledger, for one test to change."""
    folder = tmp_path / "center"
    shutil.copytree(cosigned_built, folder)
    return Demo(folder)


def _key_id(demo: Demo) -> str:
    return (demo.folder / "jw.pub").read_text(encoding="utf-8").strip().split("+")[1]


class _Text(HTMLParser):
    """A page's text, as the stdlib's parser reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(data: bytes) -> str:
    p = _Text()
    p.feed(data.decode("utf-8"))
    return "".join(p.parts)


def test_a_cosignature_made_after_the_bundle_is_accepted_once_added_to_the_folder(cosigned: Demo) -> None:
    shutil.copy(cosigned.folder / "cos.txt", cosigned.folder / "公布" / "见证副署-县纪委.txt")
    r = cosigned("publish", "--check", "公布", "--witness", "jw.pub")
    assert r.exit_code == 0, r.stderr
    assert "完全一致" in r.stdout
    assert f"见证方副署（此后放入）：{WITNESS}（密钥编号 {_key_id(cosigned)}" in r.stdout
    doc = cosigned.json("publish", "--check", "公布", "--witness", "jw.pub")
    assert doc["valid"] is True
    [seen] = doc["cosignatures"]
    assert (seen["witness"], seen["key_id"], seen["later"], seen["file"]) == (WITNESS, _key_id(cosigned), True,
                                                                              "见证副署-县纪委.txt")
    assert seen["public_key"] == (cosigned.folder / "jw.pub").read_text(encoding="utf-8").strip()


def test_an_added_cosignature_of_an_unknown_witness_is_named_until_the_witness_is_given_or_recorded(
        cosigned: Demo) -> None:
    shutil.copy(cosigned.folder / "cos.txt", cosigned.folder / "公布" / "副署.txt")
    r = cosigned("publish", "--check", "公布")
    assert r.exit_code == 1 and "副署.txt" in r.stderr and "没有已知见证方" in r.stderr
    assert cosigned("witness", "record", "cos.txt", "--witness", "jw.pub").exit_code == 0
    r = cosigned("publish", "--check", "公布")  # the ledger now knows the witness's key
    assert r.exit_code == 0, r.stderr
    assert WITNESS in r.stdout


def test_a_forged_cosignature_or_one_of_another_checkpoint_is_named(cosigned: Demo) -> None:
    text = (cosigned.folder / "cos.txt").read_text(encoding="utf-8")
    head, sig = text.rstrip("\n").rsplit(" ", 1)
    raw = bytearray(base64.b64decode(sig))
    raw[-1] ^= 0x01  # one bit of the Ed25519 signature
    forged = head + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    (cosigned.folder / "公布" / "见证副署-伪.txt").write_text(forged, encoding="utf-8")
    r = cosigned("publish", "--check", "公布", "--witness", "jw.pub")
    assert r.exit_code == 1 and "见证副署-伪.txt" in r.stderr and "无效" in r.stderr
    (cosigned.folder / "公布" / "见证副署-伪.txt").unlink()
    lines = text.split("\n")
    lines[1] = str(int(lines[1]) + 1)  # another size: not the bundle's checkpoint
    (cosigned.folder / "公布" / "见证副署-别的.txt").write_text("\n".join(lines), encoding="utf-8")
    r = cosigned("publish", "--check", "公布", "--witness", "jw.pub")
    assert r.exit_code == 1 and "见证副署-别的.txt" in r.stderr and "不是本公布材料签名检查点" in r.stderr


def test_a_bundle_made_after_the_cosignature_was_recorded_carries_it_and_the_earlier_one_still_checks(
        cosigned: Demo) -> None:
    assert cosigned("witness", "record", "cos.txt", "--witness", "jw.pub").exit_code == 0
    assert cosigned("publish", "--check", "公布").exit_code == 0  # made before: its manifest lists none
    r = cosigned("publish", "2008Q3", "--out", "再次", "--number", "长行服〔2008〕12号")
    assert r.exit_code == 0, r.stderr
    folder, key_id = cosigned.folder / "再次", _key_id(cosigned)
    carried = f"见证副署-{key_id}.txt"
    assert {p.name for p in folder.iterdir()} == FILES | {carried}
    note = (folder / carried).read_text(encoding="utf-8")
    assert note == (cosigned.folder / "cos.txt").read_text(encoding="utf-8")
    assert note.startswith((folder / "签名检查点.txt").read_text(encoding="utf-8"))
    assert independent_cosignature((cosigned.folder / "jw.pub").read_text(encoding="utf-8"), note) > 1_600_000_000
    manifest = orjson.loads((folder / "清单.json").read_bytes())
    [entry] = manifest["cosignatures"]
    assert (entry["witness"], entry["key_id"], entry["file"]) == (WITNESS, key_id, carried)
    assert entry["public_key"] == (cosigned.folder / "jw.pub").read_text(encoding="utf-8").strip()
    assert carried in manifest["files"]
    r = cosigned("publish", "--check", "再次")
    assert r.exit_code == 0, r.stderr
    assert f"见证方副署（公布材料所带）：{WITNESS}（密钥编号 {key_id}" in r.stdout
    for name in FILES - {"网站公布.html", "通报.docx", "通报.pdf", "清单.json"}:
        assert (folder / name).read_bytes() == (cosigned.folder / "公布" / name).read_bytes(), name


def test_the_bulletin_and_the_notice_of_a_cosigned_bundle_name_each_witness_and_key_id(cosigned: Demo) -> None:
    assert cosigned("witness", "record", "cos.txt", "--witness", "jw.pub").exit_code == 0
    assert cosigned("publish", "2008Q3", "--out", "再次").exit_code == 0
    folder, key_id = cosigned.folder / "再次", _key_id(cosigned)
    page = page_text((folder / "网站公布.html").read_bytes())
    assert "见证方副署（1个）" in page and f"{WITNESS} 密钥编号 {key_id}" in page
    assert (cosigned.folder / "cos.txt").read_text(encoding="utf-8").strip() in page  # to check offline
    paragraphs = [p.text for p in docx.Document(str(folder / "通报.docx")).paragraphs]
    assert f"公布时的签名检查点已经见证方副署：{WITNESS}（密钥编号 {key_id}）。" in paragraphs
    text = "".join(pdf_text(folder / "通报.pdf").split())
    assert f"{WITNESS}（密钥编号{key_id}）" in text
    before = page_text((cosigned.folder / "公布" / "网站公布.html").read_bytes())
    assert "见证方副署" not in before and WITNESS not in before


def test_a_carried_cosignature_missing_or_one_the_ledger_never_recorded_is_named(cosigned: Demo) -> None:
    assert cosigned("witness", "record", "cos.txt", "--witness", "jw.pub").exit_code == 0
    assert cosigned("publish", "2008Q3", "--out", "再次").exit_code == 0
    folder, key_id = cosigned.folder / "再次", _key_id(cosigned)
    shutil.copytree(folder, cosigned.folder / "三")
    (folder / f"见证副署-{key_id}.txt").unlink()
    r = cosigned("publish", "--check", "再次")
    assert r.exit_code == 1 and f"见证副署-{key_id}.txt" in r.stderr and "缺少" in r.stderr
    other = cosigned("witness", "new", "长兴县效能办", "--key-out", "xn.key").stdout.strip()
    path = cosigned.folder / "三" / "清单.json"
    manifest = orjson.loads(path.read_bytes())
    manifest["cosignatures"].append({**manifest["cosignatures"][0], "witness": "长兴县效能办", "public_key": other})
    path.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    r = cosigned("publish", "--check", "三")
    assert r.exit_code == 1 and "清单.json" in r.stderr and "长兴县效能办" in r.stderr and "没有记录" in r.stderr


def test_witness_keys_are_taken_with_check_only(cosigned: Demo) -> None:
    r = cosigned("publish", "2008Q3", "--witness", "jw.pub")
    assert r.exit_code == 2 and "--check" in r.stderr

"""The publication bundle (D35): `publish QUARTER --out DIR` writes it, `publish --check DIR` proves it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import orjson
import pytest

from tests.cli.files.conftest import Demo, pdf_text, xlsx_sheets

FILES = {"网站公布.html", "通报.docx", "通报.pdf", "考评结果.xlsx", "奖励发放表.xlsx", "签名检查点.txt", "公钥.txt",
         "清单.json"}


@pytest.fixture(scope="module")
def published_built(demo_built: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The demo quarter published once with its bundle in 公布/ (making a bundle takes seconds)."""
    folder = tmp_path_factory.mktemp("published") / "center"
    shutil.copytree(demo_built, folder)
    r = Demo(folder)("publish", "2008Q3", "--out", "公布", "--number", "长行服〔2008〕12号", "--json")
    assert r.exit_code == 0, r.stderr
    return folder, orjson.loads(r.stdout)


@pytest.fixture
def published(published_built: tuple[Path, dict], tmp_path: Path) -> tuple[Demo, dict]:
    """A fresh copy of the published demo ledger and its bundle, for one test to change."""
    folder = tmp_path / "center"
    shutil.copytree(published_built[0], folder)
    return Demo(folder), published_built[1]


def test_publishing_with_out_writes_every_file_of_the_bundle(published: tuple[Demo, dict]) -> None:
    demo, pub = published
    folder = demo.folder / "公布"
    assert {p.name for p in folder.iterdir()} == FILES
    assert (folder / "签名检查点.txt").read_text(encoding="utf-8") == pub["checkpoint"]
    key = demo("public-key").stdout
    assert (folder / "公钥.txt").read_text(encoding="utf-8") == key
    manifest = orjson.loads((folder / "清单.json").read_bytes())
    assert manifest["quarter"] == "2008Q3" and manifest["publication"]["digest"] == pub["digest"]
    assert manifest["publication"]["results_position"] == pub["position"]
    assert manifest["number"] == "长行服〔2008〕12号"


def test_the_bundle_holds_the_published_results(published: tuple[Demo, dict]) -> None:
    demo, pub = published
    doc = demo.json("report", "2008Q3", "--as-of", str(pub["position"]))
    folder = demo.folder / "公布"
    sheets = xlsx_sheets(folder / "考评结果.xlsx")
    assert {"附表一 红旗窗口考评", "附表二 红旗窗口加分", "附表三 服务明星考评", "红旗窗口排名",
            "服务明星排名"} <= set(sheets)
    ranking = sheets["服务明星排名"]
    assert [r[:5] for r in ranking[1:]] == [[p["rank"], p["id"], p["name"], p["window"], p["score"]]
                                            for p in doc["staff"]]
    # 附表三: each person's categories as `explain --json` gives them
    header = sheets["附表三 服务明星考评"][0]
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in sheets["附表三 服务明星考评"][1:]}
    for staff_id in ("CX117", "CX062", "CX012"):
        ex = demo.json("explain", "--staff", staff_id, "2008Q3", "--as-of", str(pub["position"]))
        row = rows[staff_id]
        for c in ex["categories"]:
            assert row[f"{c['code']} {c['name']}（{c['points']}分）"] == c["score"]
        assert row["标准得分"] == ex["table_score"] and row["总分"] == ex["score"]
        assert row["S5 创新创优（最高10分）"] == ex["bonus"]["points"]
        assert row["星级"] == ex["stars"]["final"]
    header = sheets["附表一 红旗窗口考评"][0]
    wg = dict(zip(header, sheets["附表一 红旗窗口考评"][1], strict=True))
    ex = demo.json("explain", "--window", "WG", "2008Q3", "--as-of", str(pub["position"]))
    assert wg["窗口代码"] == "WG" and wg["总分"] == ex["score"] and wg["加分（附表二）"] == ex["bonus"]["points"]
    bonus_rows = [r for r in sheets["附表二 红旗窗口加分"][1:] if r[0] == "WG"]
    assert sum(r[9] for r in bonus_rows) == ex["bonus"]["points"]

    roll = xlsx_sheets(folder / "奖励发放表.xlsx")["奖励发放表"]
    assert roll[0][:7] == ["序号", "编号", "姓名", "窗口代码", "窗口", "星级", "奖励（元）"]
    paid = [p for p in doc["staff"] if p["reward_yuan"]]
    assert sorted(r[1] for r in roll[1:-1]) == sorted(p["id"] for p in paid)
    assert roll[-1][0] == "合计" and roll[-1][6] == sum(p["reward_yuan"] for p in paid) == 1150
    names = {w["code"]: w["name"] for w in doc["windows"]}
    assert all(r[4] == names[r[3]] for r in roll[1:-1])


def test_the_bundle_shows_the_quarters_satisfaction_and_its_overdue_rectifications_as_of_its_position(
        published: tuple[Demo, dict]) -> None:
    demo, pub = published
    doc = demo.json("report", "2008Q3", "--as-of", str(pub["position"]))
    folder = demo.folder / "公布"
    page = (folder / "网站公布.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="satisfaction">'):]
    section = section[:section.index("</section>")]
    for w in doc["windows"]:  # every window of the demo was rated (D31)
        assert f"{w['name']}<small> {w['satisfaction']:.2%}（{w['ratings']}条）</small>" in section
    ranking = xlsx_sheets(folder / "考评结果.xlsx")["红旗窗口排名"]
    column = ranking[0].index("逾期整改")  # counted as of the results position's day (D30): the same any day
    overdue = {r[1]: r[column] for r in ranking[1:]}
    assert overdue == {w["code"]: w["overdue_rectifications"] for w in doc["windows"]}
    assert sum(overdue.values()) >= 1, "the demo's complaints verified in 2008 and never rectified"


def test_the_notice_of_the_bundle_prints_on_a4_with_its_number_and_names(published: tuple[Demo, dict]) -> None:
    demo, _ = published
    folder = demo.folder / "公布"
    text = "".join(pdf_text(folder / "通报.pdf").split())
    assert "长兴县行政服务中心文件" in text and "长行服〔2008〕12号" in text
    for name in ("文广窗口", "姚怡春", "附件1", "红旗窗口名单", "减星人员名单"):
        assert name in text
    info = subprocess.run(["pdfinfo", str(folder / "通报.pdf")], capture_output=True, text=True).stdout
    assert "595.28 x 841.89" in info
    paragraphs = [p.text for p in docx.Document(str(folder / "通报.docx")).paragraphs]
    assert paragraphs[:2] == ["长兴县行政服务中心文件", "长行服〔2008〕12号"]


def test_check_proves_an_untouched_bundle(published: tuple[Demo, dict]) -> None:
    demo, _ = published
    r = demo("publish", "--check", "公布")
    assert r.exit_code == 0, r.stderr
    assert "完全一致" in r.stdout


def test_check_names_the_first_file_that_differs(published: tuple[Demo, dict]) -> None:
    demo, _ = published
    folder = demo.folder / "公布"
    page = folder / "网站公布.html"
    page.write_bytes(page.read_bytes().replace("文广窗口".encode(), "某某窗口".encode(), 1))
    r = demo("publish", "--check", "公布")
    assert r.exit_code == 1
    assert "网站公布.html" in r.stderr
    r = demo("publish", "--check", "公布", "--json")
    assert r.exit_code == 1
    assert orjson.loads(r.stdout) == {"quarter": "2008Q3", "valid": False, "file": "网站公布.html",
                                      "reason": "内容与账本公布的不一致"}


def test_check_names_a_missing_file(published: tuple[Demo, dict]) -> None:
    demo, _ = published
    (demo.folder / "公布" / "奖励发放表.xlsx").unlink()
    r = demo("publish", "--check", "公布")
    assert r.exit_code == 1 and "奖励发放表.xlsx" in r.stderr and "缺少" in r.stderr


def test_check_names_a_file_that_is_no_part_of_the_bundle(published: tuple[Demo, dict]) -> None:
    demo, _ = published
    (demo.folder / "公布" / "说明.txt").write_text("多出来的", encoding="utf-8")
    r = demo("publish", "--check", "公布")
    assert r.exit_code == 1 and "说明.txt" in r.stderr


def test_out_on_a_published_quarter_writes_its_bundle_again_and_records_nothing(published: tuple[Demo, dict]
                                                                              ) -> None:
    demo, _ = published
    before = len(demo.json("log")["events"])
    r = demo("publish", "2008Q3", "--out", "再次", "--number", "长行服〔2008〕12号")
    assert r.exit_code == 0, r.stderr
    assert "已经公布" in r.stdout
    assert len(demo.json("log")["events"]) == before
    for name in FILES:
        assert (demo.folder / "再次" / name).read_bytes() == (demo.folder / "公布" / name).read_bytes(), name


def test_a_bundle_into_a_folder_that_is_not_empty_is_refused_before_publishing(demo: Demo) -> None:
    (demo.folder / "公布").mkdir()
    (demo.folder / "公布" / "旧.txt").write_text("x", encoding="utf-8")
    r = demo("publish", "2008Q3", "--out", "公布")
    assert r.exit_code == 2 and "不是空目录" in r.stderr
    assert demo.json("report", "2008Q3")["status"] == "decided", "nothing was published"
    assert {p.name for p in (demo.folder / "公布").iterdir()} == {"旧.txt"}


def test_check_refuses_a_folder_that_is_no_bundle(demo: Demo) -> None:
    (demo.folder / "空").mkdir()
    r = demo("publish", "--check", "空")
    assert r.exit_code == 2 and "清单.json" in r.stderr


def test_publish_without_out_prints_what_it_always_printed(demo: Demo) -> None:
    r = demo("publish", "2008Q3")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[1].startswith("2008年第3季度结果已公布：截至账本位置 ")
    assert lines[2] == "签名检查点（请随通报一并保存在数据库之外）："
    assert "公布材料" not in r.stdout
    assert not any(p.is_dir() and p.name.startswith(".kaoping-bundle") for p in Path(demo.folder).iterdir())


def test_the_bundle_is_made_and_checked_on_every_backend(kp, demo_made: str, tmp_path: Path) -> None:
    r = kp("publish", "2008Q3", "--out", "公布")
    assert r.exit_code == 0, r.stderr
    assert {p.name for p in (tmp_path / "公布").iterdir()} == FILES
    r = kp("publish", "--check", "公布")
    assert r.exit_code == 0, r.stderr


def test_a_bundle_that_cannot_be_made_leaves_no_folder_and_says_how_to_make_it_later(
        demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli.files import bundle
    from ledger.errors import InvalidInput

    def broken(*args: object) -> dict[str, bytes]:
        raise InvalidInput("磁盘已满")

    monkeypatch.setattr(bundle, "build", broken)
    r = demo("publish", "2008Q3", "--out", "公布")
    assert r.exit_code == 2
    assert "结果已公布，但公布材料未能写出：磁盘已满" in r.stderr and "--out 公布" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in demo.folder.iterdir() if "公布" in p.name or p.name.startswith(".kaoping")) == []
    assert demo.json("report", "2008Q3")["status"] == "published"
    monkeypatch.undo()
    r = demo("publish", "2008Q3", "--out", "公布")
    assert r.exit_code == 0 and "已经公布" in r.stdout
    assert demo("publish", "--check", "公布").exit_code == 0


def test_check_of_a_bundle_another_layout_made_says_so(published: tuple[Demo, dict]) -> None:
    demo, _ = published
    path = demo.folder / "公布" / "清单.json"
    manifest = orjson.loads(path.read_bytes())
    manifest["made_with"]["layout"] = "0"
    path.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    r = demo("publish", "--check", "公布")
    assert r.exit_code == 1
    assert "清单.json" in r.stderr and "软件版本" in r.stderr

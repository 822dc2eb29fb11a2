"""The web bulletin as a browser shows it, offline: Debian's headless Chromium renders the page of a bundle.

The browser tests sit in this one module (they take a few seconds each); CI installs `chromium`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.cli.files.conftest import Demo

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Chromium is missing (apt-get install chromium)")
        pytest.skip("Chromium is missing (apt-get install chromium)")
    return found


def _browse(page: Path, profile: Path, *what: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_chromium(), *FLAGS, f"--user-data-dir={profile}", *what, page.absolute().as_uri()],
                          capture_output=True, text=True, timeout=180)


@pytest.fixture
def bulletin(demo: Demo) -> tuple[Demo, Path]:
    r = demo("publish", "2008Q3", "--out", "公布")
    assert r.exit_code == 0, r.stderr
    return demo, demo.folder / "公布" / "网站公布.html"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.svgs += tag == "svg"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_browser_builds_a_page_that_names_every_winner(bulletin: tuple[Demo, Path], tmp_path: Path) -> None:
    demo, page = bulletin
    doc = demo.json("report", "2008Q3")
    r = _browse(page, tmp_path / "profile", "--dump-dom")
    assert r.returncode == 0, r.stderr
    dom = _Text()
    dom.feed(r.stdout)
    text = "".join(dom.text)
    assert "关于2008年第3季度红旗窗口、服务明星考评结果的通报" in text
    for w in doc["windows"]:
        if w["red_flag"]:
            assert w["name"] in text
    for p in doc["staff"]:
        if p["stars"] in (4, 5):
            assert p["name"] in text
    checkpoint = (page.parent / "签名检查点.txt").read_text(encoding="utf-8")
    key = (page.parent / "公钥.txt").read_text(encoding="utf-8").strip()
    assert checkpoint.strip().splitlines()[2] in text and key in text
    assert dom.svgs == 3, "three charts, inline"


def test_the_page_renders_as_a_picture_that_is_not_blank(bulletin: tuple[Demo, Path], tmp_path: Path) -> None:
    from PIL import Image

    _, page = bulletin
    shot = tmp_path / "bulletin.png"
    r = _browse(page, tmp_path / "profile", "--window-size=1200,1600", f"--screenshot={shot}")
    assert r.returncode == 0 and shot.is_file(), r.stderr
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 1600)
    pixels = list(image.get_flattened_data()) if hasattr(image, "get_flattened_data") else list(image.getdata())
    inked = sum(1 for px in pixels if px != (255, 255, 255))
    assert inked > len(pixels) * 0.05, "text, lists and charts cover the page"
    reds = sum(1 for r_, g, b in pixels if r_ > 180 and g < 60 and b < 60)
    assert reds > 2000, "the red 发文机关标志, rule and 红旗窗口 bars show"
    assert len(set(pixels)) > 50, "antialiased Chinese text, not one flat colour"

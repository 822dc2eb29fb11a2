"""The README's quick start runs as written: every command block marked for it, in order, in a fresh folder,
through the installed `kaoping` script (issue 12 item 6)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.conftest import kaoping_script

README = Path(__file__).resolve().parent.parent / "README.md"
MARK = "<!-- 快速上手：测试逐条运行 -->"
_BLOCK = re.compile(re.escape(MARK) + r"\n```sh\n(.*?)```", re.S)


def quick_start() -> list[str]:
    """The marked command blocks of the README, in order."""
    return _BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_marks_its_quick_start_from_set_up_to_publication() -> None:
    text = "".join(quick_start())
    assert len(quick_start()) == README.read_text(encoding="utf-8").count(MARK) >= 10
    for step in ("kaoping init", "kaoping import findings", "kaoping template findings", "kaoping retract",
                 "kaoping bonus verify", "kaoping complaint verify", "kaoping shortlist 2008Q3",
                 "kaoping decide 2008Q3", "kaoping publish 2008Q3", "kaoping verify"):
        assert step in text, step


def test_the_readme_quick_start_runs_as_written_in_a_fresh_folder(tmp_path: Path) -> None:
    script = "set -euo pipefail\n" + "".join(quick_start())
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPING_")}
    env["PATH"] = f"{Path(kaoping_script()).parent}{os.pathsep}{env.get('PATH', '')}"
    p = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, (p.stdout[-3000:], p.stderr[-3000:])
    assert "错误：" not in p.stderr, p.stderr
    assert "导入 3 条，已存在跳过 0 条" in p.stdout and "导入 0 条，已存在跳过 3 条" in p.stdout
    assert "校验通过" in p.stdout
    assert (tmp_path / "第31周值周检查.xlsx").is_file() and (tmp_path / "取出的证据" / "市级荣誉证书.pdf").is_file()

"""Finding a CJK font on this machine to embed in PDF files (Noto CJK / 文泉驿 on Linux, 仿宋/宋体 on Windows)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ledger.errors import InvalidInput

FONT_ENV = "KAOPING_CJK_FONT"
"""An environment variable naming the font file to use (TTF, OTF or a TTC collection)."""

_LINUX = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",  # Arch, Alpine
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]
_WINDOWS = ["simfang.ttf", "simsun.ttc", "simsun.ttf", "simkai.ttf", "simhei.ttf", "msyh.ttc", "msyh.ttf"]
"""仿宋, 宋体, 楷体, 黑体, 微软雅黑 in the Windows font folder, in the order a 通报 prefers them."""
_MAC = [
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
]


@dataclass(frozen=True)
class FontFile:
    """A font file and, for a collection, which face in it carries simplified Chinese."""

    path: Path
    index: int


def candidates() -> list[Path]:
    """Where this machine's CJK fonts are usually found, the preferred first."""
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
    local = os.environ.get("LOCALAPPDATA")
    windows = [Path(windir) / "Fonts" / n for n in _WINDOWS]
    if local:
        windows += [Path(local) / "Microsoft" / "Windows" / "Fonts" / n for n in _WINDOWS]
    return [*(Path(p) for p in _LINUX), *windows, *(Path(p) for p in _MAC)]


def face_index(path: Path) -> int:
    """The face of a collection that is simplified Chinese (Noto's 'SC'), or the first."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    try:
        with TTCollection(str(path), lazy=True) as fonts:
            for n, font in enumerate(fonts):
                name = str(font["name"].getDebugName(4) or "")
                if name.endswith((" SC", " SC Regular")) or "GB" in name:
                    return n
    except Exception:  # an unreadable collection: its first face, and fpdf2 says what is wrong with it
        return 0
    return 0


def find_cjk_font() -> FontFile:
    """The CJK font to embed: the file named by KAOPING_CJK_FONT, else the first one found; a refusal if none."""
    named = os.environ.get(FONT_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise InvalidInput(f"环境变量 {FONT_ENV} 指定的字体文件不存在：{named}")
        return FontFile(path, face_index(path))
    for path in candidates():
        if path.is_file():
            return FontFile(path, face_index(path))
    raise InvalidInput(
        "没有找到中文字体，无法生成 PDF：请安装 Noto CJK 或文泉驿字体"
        "（Debian/Ubuntu：apt-get install fonts-noto-cjk），"
        f"或用环境变量 {FONT_ENV} 指定一个字体文件（如 C:\\Windows\\Fonts\\simfang.ttf）"
    )

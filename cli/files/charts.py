"""Charts of a quarter as inline SVG (no script, no library): window scores, staff scores, stars."""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

RED, GREY, BLUE = "#c00", "#999", "#36c"


def bars(title: str, items: list[tuple[str, int, bool]], unit: str = "分") -> str:
    """A horizontal bar chart: one labelled bar per item, highlighted ones red, the value at the bar's end."""
    if not items:
        return ""
    row, left, room = 18, 150, 420
    top = max(v for _, v, _ in items) or 1
    low = min(0, *(v for _, v, _ in items))
    span = (top - low) or 1
    height = row * len(items) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{left + room + 60}" height="{height}" '
             f'viewBox="0 0 {left + room + 60} {height}" font-size="12">',
             f"<title>{escape(title)}</title>",
             f'<text x="4" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for n, (label, value, hot) in enumerate(items):
        y = 30 + n * row
        w = max(1, round(room * (value - low) / span))
        parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{left}" y="{y}" width="{w}" height="{row - 4}" fill="{RED if hot else GREY}"/>'
                     f'<text x="{left + w + 4}" y="{y + 12}">{value}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def columns(title: str, items: list[tuple[str, int]], color: str = BLUE) -> str:
    """A vertical column chart of counts."""
    if not items:
        return ""
    width, bottom, room, col = 60, 180, 140, 40
    top = max(v for _, v in items) or 1
    w_total = width * len(items) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{w_total}" height="{bottom + 30}" '
             f'viewBox="0 0 {w_total} {bottom + 30}" font-size="12">',
             f"<title>{escape(title)}</title>",
             f'<text x="4" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for n, (label, value) in enumerate(items):
        x = 30 + n * width
        h = round(room * value / top)
        parts.append(f'<rect x="{x}" y="{bottom - h}" width="{col}" height="{h}" fill="{color}"/>'
                     f'<text x="{x + col / 2}" y="{bottom - h - 4}" text-anchor="middle">{value}</text>'
                     f'<text x="{x + col / 2}" y="{bottom + 16}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def quarter_charts(doc: dict[str, Any]) -> list[str]:
    """The bulletin's charts: every window's score (红旗窗口 red), people per final star, people per score band."""
    windows = [(w["name"], w["score"], bool(w["red_flag"])) for w in doc["windows"]]
    stars = Counter(p["stars"] for p in doc["staff"] if p["stars"] is not None)
    scores = [p["score"] for p in doc["staff"]]
    bands = Counter(min(s // 10 * 10, 100) for s in scores)
    return [
        bars("各窗口得分（红色为红旗窗口）", windows),
        columns("服务明星星级分布（人）", [(f"{s}星", stars.get(s, 0)) for s in range(5, 0, -1)]),
        columns("服务明星得分分布（人）", [(f"{b}+", bands[b]) for b in sorted(bands, reverse=True)], GREY),
    ]

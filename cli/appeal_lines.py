"""An appeal and its 复核 outcome in words (D29), as the screen, the statement, the audit and the files say it.

Light on purpose (no document model): the terminal's report and explain print appeals without the files' code.
"""

from __future__ import annotations

from typing import Any

from ledger.appeal_names import ORIGIN_NAMES, OUTCOME_NAMES


def outcome_name(appeal: dict[str, Any]) -> str:
    """待复核, 维持原认定 or 撤销原认定."""
    done = OUTCOME_NAMES.get(appeal["outcome"] or "")
    return f"{done}原认定" if done else "待复核"


def appeal_text(appeal: dict[str, Any]) -> str:
    """One appeal and its outcome in a line, as the screen, the statement and the audit say it."""
    why = f"（{appeal['reason']}）" if appeal["reason"] else ""
    return (f"申诉 {appeal['id']}：{appeal['date']} {appeal['by']} 对{ORIGIN_NAMES.get(appeal['origin'], '')} "
            f"{appeal['against']} 提出「{appeal['text']}」，复核{outcome_name(appeal)}{why}")

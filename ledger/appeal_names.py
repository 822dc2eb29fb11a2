"""The Chinese names of 申诉 and 复核 (D29): what an appeal is against and how it ended, for refusals and files.

Plain data (no event classes), so a question that shows appeals need not import the ledger's write side.
"""

from __future__ import annotations

ORIGIN_NAMES = {"finding": "检查记录", "complaint": "投诉", "claim": "加分申报"}
"""What an appeal is against: a finding, a verified complaint, a rejected bonus claim."""
OUTCOME_NAMES = {"upheld": "维持", "overturned": "撤销"}
"""A 复核's outcome: the fact stands, or it is overturned."""

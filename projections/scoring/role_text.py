"""An actor's verified role in a line of text (D32), as explain and the audit print it: pure, no verification here."""

from __future__ import annotations

from typing import Any


def role_note(entry: dict[str, Any], prefix: str = "") -> str:
    """How a line names an actor's verified role (projections/acted_roles.py): （督查科） when `verify` confirms it,
    （签名未通过校验） when it would not, nothing for an event written before the ledger's first actor (D32)."""
    key = f"{prefix}_" if prefix else ""
    status = entry.get(f"{key}signed")
    if status == "signed":
        return f"（{entry[f'{key}role_name']}）"
    if status == "unverified":
        return f"（{entry[f'{key}signed_name']}）"
    return ""

"""Shared shape of one scored factor or criterion in a result."""

from __future__ import annotations

from .load import text


def scored(rule: dict, score: int, reasons: list[str], lang: str, **extra) -> dict:
    """A result row: the rule's id, label and max, the score and the reason in plain words."""
    row = {
        "id": rule["id"],
        "label": text(rule["label"], lang),
        "score": score,
        "max": rule.get("max", 1),
        "reason": " ".join(reasons),
        "sources": list(rule.get("sources", [])),
    }
    notes = [text(rule[k], lang) for k in ("note", "renowned_note", "multinational_note", "together_note") if k in rule]
    if notes:
        row["notes"] = notes
    row.update(extra)
    return row

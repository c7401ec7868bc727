"""The prerequisites every applicant must meet, whatever the test."""

from __future__ import annotations

from .conditions import check
from .load import message, rules, text


def applicable(edition: str) -> list[dict]:
    return [r for r in rules("prerequisites")["prerequisites"] if edition in r.get("editions", [edition])]


def assess(p, edition: str, lang: str) -> list[dict]:
    return [row(rule, p, edition, lang) for rule in applicable(edition)]


def by_id(rule_id: str) -> dict:
    """One prerequisite's rule by id (the other schemes share some, e.g. the nationalities)."""
    return next(r for r in rules("prerequisites")["prerequisites"] if r["id"] == rule_id)


def row(rule: dict, p, edition: str | None, lang: str) -> dict:
    """One prerequisite checked against a profile: id, label, met, reason, sources (and notes)."""
    data = rules("prerequisites")
    met, detail = check(rule, p, lang)
    if met is None and rule.get("missing") == "met":
        met, reason = True, message(data, "missing_not_checked", lang)
    elif met is None:
        reason = message(data, "missing", lang)
    elif not met and "excluded" in rule:
        reason = text(rule["excluded"], lang)  # the official sentence
    else:
        reason = message(data, "met" if met else "not_met", lang) + (f" ({detail})" if detail else "")
    out = {"id": rule["id"], "label": text(rule["label"], lang), "met": bool(met), "reason": reason,
           "sources": list(rule["sources"])}
    notes = [text(n, lang) for n in (rule.get("note"), rule.get("edition_notes", {}).get(edition)) if n]
    if notes:
        out["notes"] = notes
    return out

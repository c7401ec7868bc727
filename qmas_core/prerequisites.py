"""The prerequisites every applicant must meet, whatever the test."""

from __future__ import annotations

from .conditions import check
from .load import message, rules, text


def applicable(edition: str) -> list[dict]:
    return [r for r in rules("prerequisites")["prerequisites"] if edition in r.get("editions", [edition])]


def assess(p, edition: str, lang: str) -> list[dict]:
    data = rules("prerequisites")
    rows = []
    for rule in applicable(edition):
        met, detail = check(rule, p, lang)
        if met is None and rule.get("missing") == "met":
            met, reason = True, message(data, "missing_not_checked", lang)
        elif met is None:
            reason = message(data, "missing", lang)
        elif not met and "excluded" in rule:
            reason = text(rule["excluded"], lang)  # the official sentence
        else:
            reason = message(data, "met" if met else "not_met", lang) + (f" ({detail})" if detail else "")
        row = {"id": rule["id"], "label": text(rule["label"], lang), "met": bool(met), "reason": reason,
               "sources": list(rule["sources"])}
        notes = [text(n, lang) for n in (rule.get("note"), rule.get("edition_notes", {}).get(edition)) if n]
        if notes:
            row["notes"] = notes
        rows.append(row)
    return rows

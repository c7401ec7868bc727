"""`criteria-2024`: the 12-criteria questionnaire in force from 2024-11-01 (pass at 6 met)."""

from __future__ import annotations

from .conditions import check
from .factors import scored
from .load import message, rules, text

EDITION = "criteria-2024"


def score(p, lang: str) -> list[dict]:
    data = rules(EDITION)
    rows = []
    for rule in data["criteria"]:
        met, detail = check(rule, p, lang)
        if met is None:
            reason = message(data, "missing", lang)
        else:
            reason = message(data, "met" if met else "not_met", lang, detail=detail)
        rows.append(scored(rule, int(bool(met)), [reason], lang,
                           number=rule["number"], area=text(data["areas"][rule["area"]], lang)))
    return rows

"""`achievement`: the Achievement-based Points Test (meets at least one of two criteria).
The reasons use the wording of the period the application date falls in."""

from __future__ import annotations

import datetime as dt

from .factors import scored
from .load import message, rules

EDITION = "achievement"


def score(p, lang: str) -> list[dict]:
    data = rules(EDITION)
    on = p["application_date"]
    period = "points" if on and on < dt.date.fromisoformat(data["criteria_wording_from"]) else "criteria"
    rows = []
    for rule in data["criteria"]:
        answer = p[rule["key"]]
        if answer is None:
            reason = message(data, "missing", lang)
        else:
            reason = message(data, f"{'met' if answer else 'not_met'}_{period}", lang)
        rows.append(scored(rule, int(bool(answer)), [reason], lang))
    return rows

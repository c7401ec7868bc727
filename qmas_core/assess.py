"""`assess`: validate answers, apply one edition's rules, and say why each score is what it is."""

from __future__ import annotations

import dataclasses
import datetime as dt

from . import achievement, criteria_2024, fees, points_245, prerequisites
from .answers import InvalidAnswers, Profile, age_on, next_birthday, question, questions, validate
from .editions import get as get_edition
from .load import LANGUAGES, rules, source, text

SCORERS = {
    "points-245": points_245.score,
    "criteria-2024": criteria_2024.score,
    "achievement": achievement.score,
}


def used_keys(edition: str) -> list[str]:
    """Answer keys the edition reads (factors and prerequisites), in form order."""
    data = rules(edition)
    used = set()
    for rule in data.get("factors", []) + data.get("criteria", []):
        used.update(rule.get("uses", []))
        used.update(k for k in (rule.get("key"), rule.get("requires")) if k)
    used.update(r["key"] for r in prerequisites.applicable(edition))
    return [q["key"] for q in questions() if q["key"] in used]


def _check_call(edition: str, lang: str) -> None:
    errors = []
    if not isinstance(edition, str) or edition not in SCORERS:
        errors.append({"field": "edition", "message": "must be one of: " + ", ".join(SCORERS)})
    if not isinstance(lang, str) or lang not in LANGUAGES:
        errors.append({"field": "lang", "message": "must be one of: " + ", ".join(LANGUAGES)})
    if errors:
        raise InvalidAnswers(errors)


def _evaluate(p: Profile, edition: str, lang: str) -> dict:
    data = rules(edition)
    factors = SCORERS[edition](p, lang)
    prereqs = prerequisites.assess(p, edition, lang)
    unmet = [r["id"] for r in prereqs if not r["met"]]
    total = sum(f["score"] for f in factors)
    return {
        "eligible": not unmet,
        "passed": not unmet and total >= data["pass_mark"],
        "total": total,
        "factors": factors,
        "prerequisites": prereqs,
        "unmet_prerequisites": unmet,
    }


def _with_age(p: Profile, age: int) -> Profile:
    return dataclasses.replace(p, values={**p.values, "age": age})


def _differences(before: dict, after: dict, age: int, on: str | None, when: str) -> list[dict]:
    """One row per factor or prerequisite whose outcome differs between two evaluations."""
    rows = [
        {"id": a["id"], "label": a["label"], "age": age, "on": on, "when": when, "score": a["score"], "score_after": b["score"]}
        for a, b in zip(before["factors"], after["factors"]) if a["score"] != b["score"]
    ]
    return rows + [
        {"id": a["id"], "label": a["label"], "age": age, "on": on, "when": when, "met": a["met"], "met_after": b["met"]}
        for a, b in zip(before["prerequisites"], after["prerequisites"]) if a["met"] != b["met"]
    ]


def _age_changes(p: Profile, edition: str, lang: str, now: dict, today: dt.date) -> list[dict]:
    """What birthdays change. `when` is "after_application": the next birthday after the
    application date (always within 12 months; its date when the birth date is known), as if
    the visitor applied later; or "before_application": a birthday between today and a
    chosen application date, which the result already counts (applying earlier would not)."""
    if p["age"] is None:
        return []
    changes = []
    birth, applying = p["birth_date"], p["application_date"]
    if birth and applying and applying > today:
        age_today = age_on(birth, today)
        if age_today < p["age"]:
            on = next_birthday(birth, today).isoformat()
            changes += _differences(_evaluate(_with_age(p, age_today), edition, lang), now, p["age"], on, "before_application")
    if p["age"] < question("age")["max"]:
        on = next_birthday(birth, applying).isoformat() if birth else None
        changes += _differences(now, _evaluate(_with_age(p, p["age"] + 1), edition, lang), p["age"] + 1, on, "after_application")
    return changes


def _best_case(p: Profile, edition: str, lang: str) -> dict | None:
    """The outcome if every "not sure" answer the edition uses turned out most favourable."""
    unsure = [k for k in used_keys(edition) if k in p.unsure and k not in p.given]
    if not unsure:
        return None
    values = dict(p.values)
    for key in unsure:
        best, outer = question(key)["best"], question(key).get("within")
        values[key] = min(best, values[outer]) if outer in p.given else best
    best = _evaluate(dataclasses.replace(p, values=values), edition, lang)
    return {"total": best["total"], "eligible": best["eligible"], "passed": best["passed"], "assumed": unsure}


def _what_to_check(key: str, lang: str) -> dict:
    """For a "not sure" answer: what to look at to settle it, and where."""
    q = question(key)
    return {"key": key, "label": text(q["label"], lang), "check": text(q["check"], lang),
            "sources": [source(s) for s in q["check_sources"]]}


def assess(answers: dict, edition: str, lang: str = "en", *, today: dt.date | None = None) -> dict:
    """Score `answers` under `edition` and explain it, in `lang` (en, zh-Hant or zh-Hans).

    Returns a JSON-serialisable dict (see the README for every key). A missing answer counts as
    its least favourable value and is listed in `unanswered`. Raises InvalidAnswers on bad input.
    """
    _check_call(edition, lang)
    p = validate(answers, today=today, lang=lang)
    data, meta = rules(edition), get_edition(edition)
    now = _evaluate(p, edition, lang)
    used = used_keys(edition)
    rule_sources = sorted({s for f in now["factors"] + now["prerequisites"] for s in f["sources"]} | set(data["sources"]))
    return {
        "edition": edition,
        "title": text(meta["title"], lang),
        "lang": lang,
        "effective_from": meta["effective_from"],
        "effective_to": meta.get("effective_to"),
        **now,
        "pass_mark": data["pass_mark"],
        "maximum": data["maximum"],
        "unanswered": [k for k in used if k not in p.given and "default" not in question(k)],
        "unsure": [k for k in used if k in p.unsure and k not in p.given],
        "best_case": _best_case(p, edition, lang),
        "checks": [_what_to_check(k, lang) for k in used if k in p.unsure and k not in p.given],
        "age": p["age"],
        "age_changes": _age_changes(p, edition, lang, now, today or dt.date.today()),
        "notes": [n for n in (text(meta.get("note"), lang), text(data.get("pass_note"), lang)) if n],
        "sources": [source(s) for s in rule_sources],
        "fees": fees.estimate(p, edition, lang, today or dt.date.today()),
    }

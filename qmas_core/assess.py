"""`assess`: validate answers, apply one edition's rules, and say why each score is what it is."""

from __future__ import annotations

import dataclasses
import datetime as dt

from . import achievement, criteria_2024, fees, formats, names, points_245, prerequisites
from .answers import InvalidAnswers, Message, Profile, age_on, localized, next_birthday, question, questions, validate
from .editions import all_editions, edition_for, effective_text, get as get_edition
from .load import LANGUAGES, message, rules, source, text

AUTO = "auto"

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


def _check_call(edition, lang) -> None:
    errors = []
    if edition is not None and edition != AUTO and (not isinstance(edition, str) or edition not in SCORERS):
        errors.append({"field": "edition", "message": "must be one of: " + ", ".join((AUTO, *SCORERS))})
    if not isinstance(lang, str) or lang not in LANGUAGES:
        errors.append({"field": "lang", "message": "must be one of: " + ", ".join(LANGUAGES)})
    if errors:
        raise InvalidAnswers(errors)


def chosen_edition(edition: str | None, p: Profile, today: dt.date, lang: str) -> str:
    """`edition` itself, or for None / "auto" the General Points Test edition in force on the
    application date (today when none is given)."""
    if edition not in (None, AUTO):
        return edition
    on = p["application_date"] or today
    try:
        return edition_for(on)
    except ValueError:
        first = min(e["effective_from"] for e in all_editions() if e["test"] == "general")
        raise InvalidAnswers(localized([{"field": "application_date", "message": Message(
            "no_edition", earliest=_said_date(first))}], lang)) from None


def _said_date(iso: str) -> dict:
    return {lang: formats.date(iso, lang) for lang in LANGUAGES}


def _say(key: str, lang: str, **fields) -> str:
    return message(rules("results"), key, lang, **fields)


def total_text(edition: str, total: int, lang: str) -> str:
    """"145 of 245 points (pass mark 80)", "符合12項準則中的7項（及格要求為6項）"."""
    data = rules(edition)
    return _say("total_" + data["unit"], lang, total=formats.number(total), maximum=formats.number(data["maximum"]),
                pass_mark=formats.number(data["pass_mark"]))


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


def _differences(before: dict, after: dict, age: int, on: str | None, when: str, lang: str) -> list[dict]:
    """One row per factor or prerequisite whose outcome differs between two evaluations."""
    common = {"age": age, "on": on, "on_text": formats.date(on, lang) if on else None, "when": when}
    rows = [
        {"id": a["id"], "label": a["label"], **common, "score": a["score"], "score_after": b["score"]}
        for a, b in zip(before["factors"], after["factors"]) if a["score"] != b["score"]
    ]
    return rows + [
        {"id": a["id"], "label": a["label"], **common, "met": a["met"], "met_after": b["met"]}
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
            changes += _differences(_evaluate(_with_age(p, age_today), edition, lang), now, p["age"], on, "before_application", lang)
    if p["age"] < question("age")["max"]:
        on = next_birthday(birth, applying).isoformat() if birth else None
        changes += _differences(now, _evaluate(_with_age(p, p["age"] + 1), edition, lang), p["age"] + 1, on, "after_application", lang)
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
    return {"total": best["total"], "total_text": total_text(edition, best["total"], lang), "eligible": best["eligible"],
            "passed": best["passed"], "assumed": unsure}


def _what_to_check(key: str, lang: str) -> dict:
    """For a "not sure" answer: what to look at to settle it, and where."""
    q = question(key)
    return {"key": key, "label": text(q["label"], lang), "check": text(q["check"], lang),
            "sources": [source(s, lang) for s in q["check_sources"]]}


def _checks(p: Profile, used: list[str], lang: str) -> list[dict]:
    """What to check: each "not sure" answer, and a language chosen as "not in the list"."""
    rows = [_what_to_check(k, lang) for k in used if k in p.unsure and k not in p.given]
    if "good_languages" in used and names.OTHER in (p["good_languages"] or []):
        other = rules("languages")["other"]
        rows.append({"key": "good_languages", "label": text(question("good_languages")["label"], lang),
                     "check": text(other["check"], lang), "sources": [source(s, lang) for s in rules("languages")["sources"]]})
    return rows


def assess(answers: dict, edition: str | None = AUTO, lang: str = "en", *, today: dt.date | None = None) -> dict:
    """Score `answers` under `edition` and explain it, in `lang` (en, zh-Hant or zh-Hans).
    `edition` None or "auto" (the default) is the General Points Test edition in force on the
    application date, or today when there is none.

    Returns a JSON-serialisable dict (see the README for every key). A missing answer counts as
    its least favourable value and is listed in `unanswered`. Raises InvalidAnswers on bad input.
    """
    p, edition, today = profile(answers, edition, lang, today)
    return assess_profile(p, edition, lang, today)


def profile(answers: dict, edition: str | None, lang: str, today: dt.date | None) -> tuple[Profile, str, dt.date]:
    """The validated answers, the edition they are assessed under, and today's date."""
    _check_call(edition, lang)
    today = today or dt.date.today()
    p = validate(answers, today=today, lang=lang)
    return p, chosen_edition(edition, p, today, lang), today


def summary(p: Profile, edition: str, lang: str) -> dict:
    """An edition's outcome alone (for the comparison): no reasons, checks or birthdays."""
    meta, data, now = get_edition(edition), rules(edition), _evaluate(p, edition, lang)
    return {"edition": edition, "title": text(meta["title"], lang), "test": meta["test"], "unit": data["unit"],
            "effective_from": meta["effective_from"], "effective_to": meta.get("effective_to"),
            "effective_text": effective_text(meta, lang), "total": now["total"],
            "total_text": total_text(edition, now["total"], lang), "pass_mark": data["pass_mark"],
            "maximum": data["maximum"], "eligible": now["eligible"], "passed": now["passed"]}


def assess_profile(p: Profile, edition: str, lang: str, today: dt.date) -> dict:
    """`assess` for answers already validated."""
    data, meta = rules(edition), get_edition(edition)
    now = _evaluate(p, edition, lang)
    used = used_keys(edition)
    on = p["application_date"] or today
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
        "unanswered": [k for k in used if k not in p.given and not {"default", "optional"} & set(question(k))],
        "unsure": [k for k in used if k in p.unsure and k not in p.given],
        "best_case": _best_case(p, edition, lang),
        "checks": _checks(p, used, lang),
        "age": p["age"],
        "age_changes": _age_changes(p, edition, lang, now, today),
        "notes": [n for n in (text(meta.get("note"), lang), text(data.get("pass_note"), lang)) if n],
        "sources": [source(s, lang) for s in rule_sources],
        "unit": data["unit"],
        "test": meta["test"],
        "assessed_on": on.isoformat(),
        "assessed_on_text": formats.date(on, lang),
        "checked_on": today.isoformat(),
        "checked_on_text": formats.date(today, lang),
        "effective_text": effective_text(meta, lang),
        "total_text": total_text(edition, now["total"], lang),
        "fees": fees.estimate(p, edition, lang, today),
    }

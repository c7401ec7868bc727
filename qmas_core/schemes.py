"""Other talent schemes beside QMAS: the Top Talent Pass Scheme's categories checked against the
same answers (rules/schemes.toml), and schemes to also consider where the answers point to them."""

from __future__ import annotations

import datetime as dt

from . import formats, prerequisites
from .answers import validate
from .conditions import check
from .load import message, rules, source, text


def _key(rule: dict) -> str:
    return prerequisites.by_id(rule["prerequisite"])["key"] if "prerequisite" in rule else rule["key"]


def uses() -> dict[str, set[str]]:
    """The answer keys each scheme, and each scheme to also consider, reads."""
    data = rules("schemes")
    found = {entry["id"]: {_key(c) for c in entry["conditions"]} for entry in data["schemes"]}
    found.update({entry["id"]: {entry["when"]["key"]} for entry in data["also_consider"]})
    return found


def _graduated_within(rule: dict, p, lang: str, on: dt.date) -> tuple[bool | None, str]:
    year = p[rule["key"]]
    if year is None:
        return None, ""
    earliest = on.year - rule["value"]
    detail = message(rules("schemes"), "graduated", lang, year=year, applying=on.year, earliest=earliest)
    return earliest <= year <= on.year, detail


def _below(rule: dict, p, lang: str) -> tuple[bool | None, str]:
    years = p[rule["key"]]
    if years is None:
        return None, ""
    met = years < rule["value"]
    words = dict(years=formats.quantity(years, "years", lang), limit=formats.quantity(rule["value"], "years", lang))
    return met, message(rules("schemes"), "work_below" if met else "work_not_below", lang, **words)


def _is_false(rule: dict, p, lang: str) -> tuple[bool | None, str]:
    value = p[rule["key"]]
    if value is None:
        return None, ""
    return not value, message(rules("schemes"), rule["messages"][str(bool(value)).lower()], lang)


def _condition(rule: dict, p, lang: str, on: dt.date) -> dict:
    if "prerequisite" in rule:  # the same rule as QMAS's prerequisite, e.g. the nationalities
        shared = prerequisites.row(prerequisites.by_id(rule["prerequisite"]), p, None, lang)
        return {"id": rule["id"], "key": _key(rule), "label": shared["label"],
                "met": shared["met"], "reason": shared["reason"]}
    test = rule["test"]
    if test == "graduated_within":
        met, detail = _graduated_within(rule, p, lang, on)
    elif test == "below":
        met, detail = _below(rule, p, lang)
    elif test == "is_false":
        met, detail = _is_false(rule, p, lang)
    else:
        met, detail = check(rule, p, lang)
    data = rules("schemes")
    if met is None:
        reason = message(data, "missing", lang)
    else:
        reason = message(data, "met" if met else "not_met", lang, detail=detail)
    row = {"id": rule["id"], "key": _key(rule), "label": text(rule["label"], lang), "met": met, "reason": reason}
    if "note" in rule:
        row["notes"] = [text(rule["note"], lang)]
    return row


def _verdict(conditions: list[dict]) -> bool | None:
    """All met: True; any not met: False; otherwise (something unanswered or unsure) None."""
    if any(c["met"] is False for c in conditions):
        return False
    return True if all(c["met"] for c in conditions) else None


def _scheme(entry: dict, p, lang: str, on: dt.date) -> dict:
    words = rules("schemes")["scheme_words"]
    conditions = [_condition(rule, p, lang, on) for rule in entry["conditions"]]
    notes = [text(words[k], lang) for k in ("once_only", "degree_proof", "good_conduct")]
    if "note" in entry:
        notes.insert(0, text(entry["note"], lang))
    return {
        "id": entry["id"],
        "title": text(entry["title"], lang),
        "scheme": text(words["ttps"], lang),
        "met": _verdict(conditions),
        "conditions": conditions,
        "first_stay": text(entry["first_stay"], lang),
        "first_stay_months": entry["first_stay_months"],
        "processing": text(words["processing"], lang),
        "extension": text(words["extension"], lang),
        "fees": text(words["fees"], lang),
        "notes": notes,
        "sources": [source(s, lang) for s in entry["sources"]],
    }


def _also(entry: dict, p, lang: str) -> dict:
    when = entry["when"]
    answer = p[when["key"]]
    row = {
        "id": entry["id"],
        "title": text(entry["title"], lang),
        "conditions": text(entry["conditions"], lang),
        # Whether the answers point to it: True, False, or None when the answer is not known.
        "relevant": None if answer is None else answer == when["value"],
        "sources": [source(s, lang) for s in entry["sources"]],
    }
    if "note" in entry:
        row["notes"] = [text(entry["note"], lang)]
    return row


def schemes(answers: dict, lang: str = "en", *, today: dt.date | None = None) -> dict:
    """The Top Talent Pass Scheme's categories (`ttps-a`, `ttps-b`, `ttps-c`) for `answers`, each
    `met` True, False or None (an answer it needs is missing or "not sure"), with a reason per
    condition, first stay, processing time, what an extension needs, notes and sources; and the
    schemes to also consider (IANG, GEP/ASMTP) with their conditions; `qmas` holds QMAS's own first
    stay, processing and extension for the comparison; `asks` the answer keys that could still
    change a verdict. Raises InvalidAnswers."""
    return for_profile(validate(answers, today=today, lang=lang), lang, today)


def _qmas(test: str, lang: str) -> dict:
    """QMAS's own facts for the comparison (its verdict is the assessment's)."""
    data = rules("schemes")["qmas"]
    stay = rules("fees")["first_stay"][test]
    return {"title": text(data["title"], lang), "first_stay": formats.quantity(stay["n"], stay["unit"], lang),
            "processing": text(data["processing"], lang), "extension": text(data["extension"][test], lang),
            "sources": [source("immd-qmas", lang)]}


def for_profile(p, lang: str, today: dt.date | None = None, test: str = "general") -> dict:
    """`schemes` for answers already validated; `test` is QMAS's ("general" or "achievement")."""
    on = p["application_date"] or today or dt.date.today()
    data = rules("schemes")
    checked = [_scheme(entry, p, lang, on) for entry in data["schemes"]]
    also = [_also(entry, p, lang) for entry in data["also_consider"]]
    return {
        "on": on.isoformat(),
        "on_text": formats.date(on, lang),
        "qmas": _qmas(test, lang),
        "schemes": checked,
        "also_consider": also,
        "asks": _asks(checked, data),
    }


def _asks(checked: list[dict], data: dict) -> list[str]:
    """The answer keys that could still change a verdict: those of the open conditions of schemes
    not already ruled out, and what the schemes to also consider ask. A form asks only these."""
    keys = {c["key"] for s in checked if s["met"] is not False for c in s["conditions"] if c["met"] is None}
    keys |= {entry["when"]["key"] for entry in data["also_consider"]}
    return sorted(keys)

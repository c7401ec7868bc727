"""`points-245`: the six-factor General Points Test (max 245, pass 80). Numbers live in
`rules/points-245.toml`; each function here applies one factor's rule to a profile."""

from __future__ import annotations

from . import formats, talent_list
from .answers import question
from .factors import scored
from .load import message, rules, text

EDITION = "points-245"


def _data() -> dict:
    return rules(EDITION)


def _msg(key: str, lang: str, **fields) -> str:
    return message(_data(), key, lang, **fields)


def age(rule: dict, p, lang: str) -> dict:
    years = p["age"]
    if years is None:
        return scored(rule, 0, [_msg("age_missing", lang)], lang)
    for band in rule["bands"]:
        if band["min"] <= years <= band.get("max", years):
            label = f"{band['min']}-{band['max']}" if "max" in band else f"{band['min']}+"
            return scored(rule, band["points"], [_msg("age_band", lang, age=years, band=label, points=band["points"])], lang)
    return scored(rule, 0, [_msg("age_under", lang, age=years)], lang)


def qualification(rule: dict, p, lang: str) -> dict:
    level = p["qualification"] or "none"
    points = rule["levels"][level]
    label = text(_questions_choice("qualification", level), lang)
    reasons = [_msg("qualification_level", lang, level=label, points=points)]
    if p["renowned_institution"]:
        if level == "none":
            reasons.append(_msg("renowned_no_degree", lang))
        else:
            points += rule["renowned_bonus"]
            reasons.append(_msg("renowned_yes", lang, points=rule["renowned_bonus"]))
    return scored(rule, min(points, rule["max"]), reasons, lang)


def work_experience(rule: dict, p, lang: str) -> dict:
    work, senior = p["work_years"] or 0, p["senior_years"] or 0
    tier = next((t for t in rule["tiers"] if work >= t["work_years"] and senior >= t["senior_years"]), None)
    if tier:
        points = tier["points"]
        reasons = [_msg("work_tier", lang, work=f"{work:g}", senior=f"{senior:g}", points=points)]
    else:
        points, reasons = 0, [_msg("work_none", lang, work=f"{work:g}")]
    for bonus, key, msg in (("international", "international_years", "international_yes"),
                            ("multinational", "multinational_years", "multinational_yes")):
        years = p[key] or 0
        if years >= rule[bonus]["years"]:
            points += rule[bonus]["points"]
            reasons.append(_msg(msg, lang, years=f"{years:g}", points=rule[bonus]["points"]))
    return scored(rule, min(points, rule["max"]), reasons, lang)


def talent(rule: dict, p, lang: str) -> dict:
    """30 points for a profession on the list in force on the application date (without a date:
    on any list this test used); a plain "yes" is taken at its word."""
    answer = p["talent_list"]
    if not answer:
        return scored(rule, 0, [_msg("talent_no", lang)], lang)
    if answer is True:
        return scored(rule, rule["points"], [_msg("talent_yes", lang, points=rule["points"])], lang)
    entry = talent_list.profession(answer)
    profession_name = talent_list.name(entry, lang)
    on = p["application_date"]
    version = talent_list.in_force(rule["list_versions"], on)
    if not talent_list.listed_in(entry, version):
        added = formats.date(entry["added"], lang) if len(entry["added"]) == 10 else entry["added"]
        if not any(talent_list.listed_in(entry, v) for v in rule["list_versions"]):
            return scored(rule, 0, [_msg("talent_not_in_force", lang, profession=profession_name, added=added)], lang)
        return scored(rule, 0, [_msg("talent_not_yet", lang, profession=profession_name, added=added,
                                     on=formats.date(on, lang))], lang)
    return scored(rule, rule["points"], [_msg("talent_profession", lang, profession=profession_name, points=rule["points"])], lang)


def language(rule: dict, p, lang: str) -> dict:
    names = p["good_languages"] or []
    base = [n for n in ("chinese", "english") if n in names]
    foreign = [n for n in names if n not in ("chinese", "english")]
    base_label = " / ".join(text(_questions_choice("good_languages", n), lang) for n in base)
    if len(base) == 2:
        points, reason = rule["chinese_and_english"], _msg("language_both", lang, points=rule["chinese_and_english"])
    elif base and foreign:
        points = rule["chinese_or_english_and_foreign"]
        reason = _msg("language_foreign", lang, base=base_label, points=points)
    elif base:
        points, reason = rule["chinese_or_english"], _msg("language_one", lang, base=base_label, points=rule["chinese_or_english"])
    else:
        points, reason = 0, _msg("language_none", lang)
    return scored(rule, points, [reason], lang)


def family(rule: dict, p, lang: str) -> dict:
    points, reasons = 0, []
    if p["family_hk_permanent_resident"]:
        points += rule["hk_family"]
        reasons.append(_msg("family_hk", lang, points=rule["hk_family"]))
    together = p["dependants_apply_together"] is not False
    dependants = bool(p["spouse_degree"]) or bool(p["children_under_18"])
    if together:
        if p["spouse_degree"]:
            points += rule["spouse_degree"]
            reasons.append(_msg("family_spouse", lang, points=rule["spouse_degree"]))
        children = p["children_under_18"] or 0
        if children:
            child_points = min(children * rule["per_child"], rule["children_max"])
            points += child_points
            reasons.append(_msg("family_children", lang, children=children, points=child_points, max=rule["children_max"]))
    elif dependants:
        reasons.append(_msg("family_not_together", lang))
    if not reasons:
        reasons.append(_msg("family_none", lang))
    return scored(rule, min(points, rule["max"]), reasons, lang)


def _questions_choice(key: str, value: str) -> dict | str:
    return question(key).get("choice_labels", {}).get(value, value.capitalize())


SCORERS = {
    "age": age,
    "qualification": qualification,
    "work_experience": work_experience,
    "talent_list": talent,
    "language": language,
    "family": family,
}


def score(p, lang: str) -> list[dict]:
    return [SCORERS[rule["id"]](rule, p, lang) for rule in _data()["factors"]]

"""A personal plan: the dated steps that follow from a profile's answers (rules/plan.toml), from
the application date to the right of abode. Every step that depends on the score is found by
scoring the changed profile for real, so the plan can never disagree with `assess`."""

from __future__ import annotations

import calendar
import datetime as dt
import math

from . import fees, formats
from .answers import next_birthday, question, validate
from .assess import _evaluate, assess, profile
from .editions import edition_for, get as get_edition
from .load import message, rules, source, text

FILE = "plan"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day where it is shorter (31 January + 1
    month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _say(key: str, lang: str, **fields) -> str:
    return message(rules(FILE), key, lang, **fields)


def _title(key: str, lang: str, **fields) -> str:
    return text(rules(FILE)["titles"][key], lang).format(**fields)


def _step(step_id: str, on: dt.date, title: str, words: str, lang: str, **extra) -> dict:
    return {"id": step_id, "date": on.isoformat(), "date_text": formats.date(on, lang), "title": title,
            "text": words, "sources": [source(s, lang) for s in extra.pop("sources", rules(FILE)["sources"])], **extra}


def _changes(before: dict, after: dict, lang: str) -> list[str]:
    """What differs between two results, factor by factor and prerequisite by prerequisite."""
    unit = "points" if "factors" in rules(before["edition"]) else None
    words = []
    for a, b in zip(before["factors"], after["factors"]):
        if a["score"] == b["score"]:
            continue
        if unit:
            words.append(_say("change_score", lang, label=a["label"], before=formats.quantity(a["score"], unit, lang),
                              after=formats.quantity(b["score"], unit, lang)))
        else:
            words.append(_say("change_gained" if b["score"] else "change_lost", lang, label=a["label"]))
    for a, b in zip(before["prerequisites"], after["prerequisites"]):
        if a["met"] != b["met"]:
            words.append(_say("change_gained" if b["met"] else "change_lost", lang, label=a["label"]))
    return words


def _outcome(answers: dict, edition: str, lang: str) -> dict:
    """What a later step compares of `assess(answers, edition, lang)`: the same validation and
    scoring (`edition`, `total`, `factors`, `prerequisites`, `age`), without the rest of the
    result (reasons for birthdays, fees, sources), which no step reads."""
    p, edition, _ = profile(answers, edition, lang, None)
    return {**_evaluate(p, edition, lang), "edition": edition, "age": p["age"]}


def _birthdays(answers: dict, p, edition: str, now: dict, on: dt.date, lang: str) -> list[dict]:
    """Each birthday after the application date that would change the result of applying later."""
    birth = p["birth_date"]
    if birth is None:
        return []
    steps, day, previous = [], on, now
    # Never past the last application date a visitor could give (it would be refused).
    last = min(add_months(on, 12 * rules(FILE)["horizon_years"]),
               dt.date.fromisoformat(question("application_date")["max"]))
    while True:
        day = next_birthday(birth, day)
        if day > last:
            return steps
        later = _outcome({**answers, "application_date": day.isoformat()}, edition, lang)
        changed = _changes(previous, later, lang)
        if changed:
            steps.append(_step("birthday", day, _title("birthday", lang, age=formats.number(later["age"])),
                               _say("birthday_points", lang, changes="; ".join(changed)), lang,
                               sources=get_edition(edition)["sources"]))
        previous = later


def _thresholds(edition: str, key: str) -> list[float]:
    """The years a rule of `edition` counts for `key` (criteria, tiers and bonuses), as data says."""
    data = rules(edition)
    found = set()
    for rule in data.get("criteria", []):
        if rule.get("key") == key and rule.get("test") == "at_least":
            found.add(rule["value"])
    for rule in data.get("factors", []):
        for tier in rule.get("tiers", []):
            found.add(tier.get(key, 0))
        for bonus in ("international", "multinational"):
            if bonus in rule and f"{bonus}_years" == key:
                found.add(rule[bonus]["years"])
    return sorted(v for v in found if v)


def _work(answers: dict, p, edition: str, now: dict, on: dt.date, lang: str) -> list[dict]:
    """When continued work reaches the next threshold that adds to the result (assuming the same
    kind of work goes on from the application date)."""
    steps = []
    for key in ("work_years", "senior_years", "international_years", "multinational_years", "specified_field_years"):
        current = p[key]
        if current is None or key not in answers:
            continue
        for years in _thresholds(edition, key):
            if years <= current:
                continue
            # Counted in whole months, rounded up: never a day before the threshold is reached.
            day = add_months(on, math.ceil((years - current) * 12))
            patch = {key: years}
            if question(key).get("within") == "work_years":
                patch["work_years"] = max(p["work_years"] or 0, years + (p["work_years"] or 0) - current)
            later = _outcome({**answers, **patch}, edition, lang)
            changed = _changes(now, later, lang) if later["total"] > now["total"] else []
            if changed:
                title = _title("work", lang, label=text(question(key)["label"], lang), years=formats.quantity(years, "years", lang))
                steps.append(_step("work", day, title,
                                   _say("work", lang, changes="; ".join(changed)), lang,
                                   sources=get_edition(edition)["sources"]))
                break
    return steps


def _extension_fees(p, on: dt.date, lang: str) -> str:
    """What an extension application costs the family on a date, at today's schedule."""
    schedule, _ = fees.schedule_on(on)
    heads = sum(fees.family(p).values())
    return _say("window_fees", lang, total=formats.quantity(heads * fees.per_person(schedule), "hkd", lang),
                people=formats.quantity(heads, "people", lang))


def _stay(p, test: str, start: dt.date, assumed: bool, lang: str) -> list[dict]:
    data = rules(FILE)
    stay = rules("fees")["first_stay"][test]
    first_months = stay["n"] * (12 if stay["unit"] == "years" else 1)
    words = _say("stay_start", lang, stay=formats.quantity(stay["n"], stay["unit"], lang))
    if assumed:
        words += (" " if lang == "en" else "") + _say("stay_start_assumed", lang)
    steps = [_step("stay_start", start, _title("stay_start", lang), words, lang)]
    if test == "general":
        salaries = add_months(start, data["salaries_tax_after_months"])
        steps.append(_step("salaries_tax", salaries, _title("salaries_tax", lang),
                           _say("salaries_tax", lang, amount=formats.quantity(data["salaries_tax_hkd"], "hkd", lang)), lang))
    end, months = start, [first_months] + data["later_stays_months"][test]
    for n, length in enumerate(months):
        end = add_months(end, length)
        window = end - dt.timedelta(days=data["extension_window_days"])
        key = "window_achievement" if test == "achievement" else ("window_first" if n == 0 else "window_later")
        steps.append(_step(f"window_{n + 1}", window, _title("window", lang),
                           _say(key, lang, end=formats.date(end, lang), fees=_extension_fees(p, window, lang)), lang))
        steps.append(_step(f"stay_end_{n + 1}", end, _title("stay_end", lang), _say("stay_end", lang), lang))
    abode = add_months(start, data["right_of_abode_after_months"])
    steps.append(_step("right_of_abode", abode, _title("right_of_abode", lang), _say("right_of_abode", lang), lang))
    return steps


def plan(answers: dict, lang: str = "en", *, edition: str | None = None, today: dt.date | None = None) -> dict:
    """Dated steps for `answers`, oldest first: applying (with the family's fees), the birthdays
    and work thresholds that would change the result of applying later, the stay's start, the
    HK$2 million rule, each extension window (with fees) and limit of stay, and the right of
    abode. `{"on", "on_text", "edition", "stay_start", "stay_start_assumed", "steps": [{id, date,
    date_text, title, text, sources}], "notes"}`. Raises InvalidAnswers."""
    today = today or dt.date.today()
    p = validate(answers, today=today, lang=lang)
    on = p["application_date"] or today
    edition = edition or edition_for(on)
    dated = {**answers, "application_date": on.isoformat()}
    now = assess(dated, edition, lang, today=today)
    test = get_edition(edition)["test"]
    start = p["stay_start_date"] or on
    assumed = p["stay_start_date"] is None
    cost = now["fees"]
    steps = [_step("apply", on, _title("apply", lang), cost["summary"], lang,
                   sources=rules(FILE)["sources"] + [s["id"] for s in cost["sources"]])]
    # Applying later only helps or hurts while the same edition is in force.
    ends = get_edition(edition).get("effective_to")
    later = _birthdays(answers, p, edition, now, on, lang) + _work(dated, p, edition, now, on, lang)
    steps += [s for s in later if ends is None or s["date"] <= ends]
    steps += _stay(p, test, start, assumed, lang)
    steps.sort(key=lambda s: s["date"])
    notes = [_say("three_plus_two", lang)] if test == "general" else []
    return {"on": on.isoformat(), "on_text": formats.date(on, lang), "edition": edition,
            "stay_start": start.isoformat(), "stay_start_assumed": assumed, "steps": steps, "notes": notes}

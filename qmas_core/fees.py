"""What an entry application costs the applicant and each dependant on a date (rules/fees.toml).

The fee schedules are dated to the minute (the 2025 change took effect at 11 a.m.), but an answer
gives the application date only. On the day of a change the later schedule is used, the one in
force for most of that day and the dearer one, and a note gives the fees before the change time.
"""

from __future__ import annotations

import datetime as dt

from .answers import Profile
from .editions import get as get_edition
from .formats import date as date_text, number, quantity
from .load import message, rules, source, text

FILE = "fees"


def _end_of(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=tz)


def schedule_on(day: dt.date) -> tuple[dict, dict | None]:
    """The schedule for an application submitted on `day` (the one in force at the day's end), and
    the schedule it replaced that same day, if it began during that day (else None)."""
    schedules = rules(FILE)["schedules"]
    for i, s in enumerate(schedules):
        start = s.get("from")
        if start is None or start <= _end_of(day, start.tzinfo):
            began_today = start is not None and start.date() == day and start.timetz().replace(tzinfo=None) != dt.time(0)
            return s, (schedules[i + 1] if began_today and i + 1 < len(schedules) else None)
    raise AssertionError("the last schedule has no start")


def _per_person(schedule: dict, long_stay: bool) -> tuple[int, int]:
    visa = schedule["visa_fee_hkd"]["long_stay" if long_stay else "short_stay"]
    return schedule["application_fee_hkd"], visa


def family(p: Profile) -> dict[str, int]:
    """How many of each person the answers imply: the applicant, an accompanying spouse, children."""
    return {"applicant": 1, "spouse": _spouse_count(p), "children": p["children_under_18"] or 0}


def per_person(schedule: dict, long_stay: bool = True) -> int:
    """Application fee plus visa issuance fee for one person under `schedule`."""
    return sum(_per_person(schedule, long_stay))


def _spouse_count(p: Profile) -> int:
    """An accompanying spouse, as answered, or implied by the degree of an accompanying spouse
    (which the points test counts only for a spouse who comes along)."""
    return int(p["accompanying_spouse"] is True or p["spouse_degree"] is True)


def _line(row_id: str, count: int, fees: tuple[int, int], lang: str) -> dict:
    data = rules(FILE)
    application_fee, visa_fee = fees
    total = count * (application_fee + visa_fee)
    label = text(data["people"][row_id], lang)
    key = ("line_one" if count == 1 else "line_many") + ("" if application_fee else "_visa_only")
    unit = "children" if row_id == "children" else "people"
    line = message(data, key, lang, label=label, count=number(count), people=quantity(count, unit, lang),
                   application_fee=quantity(application_fee, "hkd", lang), visa_fee=quantity(visa_fee, "hkd", lang),
                   total=quantity(total, "hkd", lang))
    return {"id": row_id, "label": label, "count": count, "application_fee_hkd": application_fee,
            "visa_fee_hkd": visa_fee, "total_hkd": total, "text": line}


def _time_text(moment: dt.datetime, lang: str) -> str:
    return text(rules(FILE)["times"][moment.strftime("%H:%M")], lang)


def estimate(p: Profile, edition: str, lang: str, today: dt.date) -> dict:
    """The fees for the entry application of the applicant and the dependants the answers imply,
    at the application date (today when none is given).

    Returns `{"on", "on_text", "people", "total_hkd", "total_text", "summary", "notes", "sources"}`;
    each of `people` is `{"id", "label", "count", "application_fee_hkd", "visa_fee_hkd", "total_hkd",
    "text"}`, the two fees per person and `total_hkd` for all `count` of them.
    """
    data = rules(FILE)
    on = p["application_date"] or today
    schedule, replaced = schedule_on(on)
    stay = data["first_stay"][get_edition(edition)["test"]]
    long_stay = stay["days_at_least"] > data["short_stay_days"]
    fees = _per_person(schedule, long_stay)
    counts = family(p)
    people = [_line(row_id, n, fees, lang) for row_id, n in counts.items() if n]
    heads = sum(row["count"] for row in people)
    total = sum(row["total_hkd"] for row in people)
    hkd = lambda n: quantity(n, "hkd", lang)  # noqa: E731
    application_fee, visa_fee = fees
    summary_key = "summary" if application_fee else "summary_visa_only"
    summary = message(data, summary_key, lang, people=quantity(heads, "people", lang), date=date_text(on, lang),
                      total=hkd(total), application_total=hkd(heads * application_fee), visa_total=hkd(heads * visa_fee))
    notes = []
    if application_fee:
        notes.append(message(data, "non_refundable", lang))
    if _per_person(schedule, True) != _per_person(schedule, False):
        notes.append(message(data, "long_stay", lang, days=quantity(data["short_stay_days"], "days", lang),
                             stay=quantity(stay["n"], stay["unit"], lang)))
    later = _later(schedule)
    if later is None:
        notes += [message(data, "paid_on_approval", lang), message(data, "extensions", lang)]
    else:
        later_fees = _per_person(later, long_stay)
        notes.append(message(data, "superseded", lang, date=date_text(later["from"].date(), lang),
                             time=_time_text(later["from"], lang), application_fee=hkd(later_fees[0]),
                             visa_fee=hkd(later_fees[1])))
    if replaced is not None:
        notes.append(message(data, "changeover_day", lang, date=date_text(on, lang), time=_time_text(schedule["from"], lang),
                             old=hkd(sum(_per_person(replaced, long_stay)))))
    per_person = hkd(sum(fees))
    spouse_unsure = "accompanying_spouse" in p.unsure or ("accompanying_spouse" not in p.given and "spouse_degree" in p.unsure)
    if spouse_unsure and not counts["spouse"]:
        notes.append(message(data, "spouse_unsure", lang, per_person=per_person))
    if "children_under_18" in p.unsure:
        notes.append(message(data, "children_unsure", lang, per_person=per_person))
    return {
        "on": on.isoformat(),
        "on_text": date_text(on, lang),
        "people": people,
        "total_hkd": total,
        "total_text": hkd(total),
        "summary": summary,
        "notes": notes,
        "sources": [source(s, lang) for s in data["sources"]],
    }


def _later(schedule: dict) -> dict | None:
    """The schedule that replaced `schedule`, if any (schedules are listed latest first)."""
    schedules = rules(FILE)["schedules"]
    i = next(i for i, s in enumerate(schedules) if s["id"] == schedule["id"])
    return schedules[i - 1] if i else None


def schedule_table(lang: str) -> dict:
    """The fee schedules as a table for a page, in `lang`: `caption`, `headers` and one row per
    schedule, latest first (`id`, `period`, `application_fee`, `long_stay`, `short_stay`), and `sources`."""
    data = rules(FILE)
    words = data["table"]
    days = quantity(data["short_stay_days"], "days", lang)
    hkd = lambda n: quantity(n, "hkd", lang) if n else text(words["none"], lang)  # noqa: E731
    rows = []
    for later, schedule in zip([None, *data["schedules"]], data["schedules"]):
        start = schedule.get("from") or later["from"]
        period = text(words["from" if schedule.get("from") else "before"], lang).format(
            time=_time_text(start, lang), date=date_text(start.date(), lang))
        rows.append({"id": schedule["id"], "period": period, "application_fee": hkd(schedule["application_fee_hkd"]),
                     "long_stay": hkd(schedule["visa_fee_hkd"]["long_stay"]),
                     "short_stay": hkd(schedule["visa_fee_hkd"]["short_stay"])})
    headers = [text(words["submitted"], lang), text(words["application_fee"], lang),
               text(words["long_stay"], lang).format(days=days), text(words["short_stay"], lang).format(days=days)]
    return {"caption": text(words["caption"], lang), "headers": headers, "rows": rows,
            "sources": [source(s, lang) for s in data["sources"]]}

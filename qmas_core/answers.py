"""The answer vocabulary: validation of a visitor's answers and age on a date.

Every problem is collected and raised at once as `InvalidAnswers`, so a form can show them all.
`None` (JSON null) for a key means "not sure": it scores like a missing answer.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field

from .load import LANGUAGES, rules, text
from . import amounts, formats, names, talent_list

MONEY_LIMIT = 10**13  # HK$10 trillion: far above any real income, below float trouble
LANGUAGE_NAME = re.compile(r"^[^\x00-\x1f\x7f-\x9f]{1,40}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LIST_SEPARATORS = re.compile(r"[,，、;；]")


class Message(str):
    """An error message: the English text (a plain str), with what it takes to say it in another
    language (rules/errors.toml)."""

    def __new__(cls, key: str, **fields):
        text = super().__new__(cls, _message_text(key, "en", fields))
        text.key, text.fields = key, fields
        return text

    def in_language(self, lang: str) -> str:
        return _message_text(self.key, lang, self.fields)


def _message_text(key: str, lang: str, fields: dict) -> str:
    """A field given as a {en, zh-Hant, zh-Hans} table is said in `lang` too."""
    said = {k: text(v, lang) if isinstance(v, dict) else v for k, v in fields.items()}
    return text(rules("errors")["messages"][key], lang).format(**said)


def localized(errors: list[dict], lang: str) -> list[dict]:
    """`errors` with each Message in `lang` (other messages unchanged)."""
    return [{**e, "message": e["message"].in_language(lang)} if isinstance(e["message"], Message) else e
            for e in errors]


class InvalidAnswers(ValueError):
    """Bad input. `.errors` lists every problem as `{"field", "message"}`."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


@dataclass
class Profile:
    """Validated answers. `values` has every key; a missing or unsure one is None."""

    values: dict
    given: set = field(default_factory=set)
    unsure: set = field(default_factory=set)

    def __getitem__(self, key):
        return self.values[key]


def questions() -> list[dict]:
    return rules("questions")["questions"]


def question(key: str) -> dict:
    return next(q for q in questions() if q["key"] == key)


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years on `on`. Someone born on 29 February turns a year older on 1 March in
    common years (their birthday has not yet come on 28 February)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def next_birthday(birth: dt.date, after: dt.date) -> dt.date:
    """The first day after `after` on which `age_on` goes up by one."""
    for year in (after.year, after.year + 1):
        try:
            day = birth.replace(year=year)
        except ValueError:  # 29 February in a common year: the age changes on 1 March
            day = dt.date(year, 3, 1)
        if day > after:
            return day
    raise AssertionError("unreachable")


def _quantity(value, q: dict) -> dict:
    """A number of a question's unit, in each language ("8 years", "HK$1,000,000")."""
    unit = q.get("unit")
    return {lang: formats.quantity(value, unit, lang) if unit else formats.number(value) for lang in LANGUAGES}


def _number(value, q: dict, whole: bool) -> tuple[float | int | None, str | None]:
    if q["type"] == "money" and isinstance(value, str):
        parsed = amounts.parse(value)
        if parsed is None:
            return None, Message("not_an_amount")
        value = parsed
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, Message("not_an_amount" if q["type"] == "money" else "not_a_number")
    if isinstance(value, float) and not math.isfinite(value):
        return None, Message("not_finite")
    if whole:
        if isinstance(value, float) and not value.is_integer():
            return None, Message("not_whole")
        value = int(value)
    low = q.get("min", 0 if q["type"] != "money" else -MONEY_LIMIT)
    high = q.get("max", MONEY_LIMIT)
    if value < low or value > high:
        shown_low = _quantity(low, q) if q["type"] == "money" else formats.number(low)
        return None, Message("out_of_range", low=shown_low, high=_quantity(high, q))
    return value, None


def _said_date(day: dt.date) -> dict:
    return {lang: formats.date(day, lang) for lang in LANGUAGES}


def _date(value, q: dict) -> tuple[dt.date | None, str | None]:
    if isinstance(value, str):
        value = visible(value).strip()
    if not isinstance(value, str) or not ISO_DATE.match(value):
        return None, Message("not_date")
    year, month, day = (int(part) for part in value.split("-"))
    if not 1 <= month <= 12:
        return None, Message("not_real_month")
    try:
        date = dt.date(year, month, day)
    except ValueError:
        if year < 1:
            return None, Message("not_date")
        days = calendar.monthrange(year, month)[1]
        return None, Message("not_real_day", days=days)
    low, high = dt.date.fromisoformat(q["min"]), dt.date.fromisoformat(q["max"])
    if not low <= date <= high:
        return None, Message("date_out_of_range", low=_said_date(low), high=_said_date(high))
    return date, None


def _languages(value, q: dict) -> tuple[list | None, str | None]:
    """Language ids, in the order given, each once; an empty name (a trailing comma, or only
    invisible characters) is dropped. A name that is not recognised, or may mean two
    languages, is an error naming it: it never becomes a language of its own."""
    if not isinstance(value, list):
        return None, Message("not_language_list")
    if len(value) > q["max_items"]:
        return None, Message("too_many_languages", max_items=q["max_items"])
    if not all(isinstance(item, str) for item in value):
        return None, Message("bad_language_name")
    # One item may hold several names, as typed: "法語、日語", "French, Japanese" (no name has these).
    items = [part.strip() for item in value for part in LIST_SEPARATORS.split(visible(item)) if part.strip()]
    if len(items) > q["max_items"]:
        return None, Message("too_many_languages", max_items=q["max_items"])
    ids = []
    for item in items:
        if not LANGUAGE_NAME.match(item):
            return None, Message("bad_language_name")
        found = names.language_ids(item)
        if not found:
            return None, Message("unknown_language", name=item, other=_said(names.language_name, names.OTHER))
        if len(found) > 1:
            meanings = sorted(found)
            return None, Message("ambiguous_language", name=item, choices=_said(
                lambda _, lang: " / ".join(names.language_name(i, lang) for i in meanings), None))
        if (lang_id := found.pop()) not in ids:
            ids.append(lang_id)
    return ids, None


def _said(say, value) -> dict:
    """{en, zh-Hant, zh-Hans}: `say(value, lang)` in each language, for a message field."""
    from .load import LANGUAGES
    return {lang: say(value, lang) for lang in LANGUAGES}


def visible(value: str) -> str:
    """`value` without invisible characters: format characters (Unicode Cf: bidi controls,
    zero-width spaces and joiners), lone surrogates (Cs), and C0/C1 controls (Cc)."""
    return "".join(c for c in value if unicodedata.category(c) not in ("Cf", "Cs", "Cc"))


def _check(key: str, value, q: dict):
    kind = q["type"]
    if isinstance(value, str):
        value = visible(value)  # nothing invisible counts as (part of) an answer
    if kind in ("int", "years", "money"):
        return _number(value, q, whole=kind == "int")
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else (None, Message("not_bool"))
    if kind == "choice":
        if isinstance(value, str) and value.strip() in q["choices"]:
            return value.strip(), None
        labels = {lang: ("、" if lang != "en" else ", ").join(text(q["choice_labels"][c], lang) for c in q["choices"])
                  for lang in LANGUAGES}
        return None, Message("not_choice", choices=labels)
    if kind == "languages":
        return _languages(value, q)
    if kind == "talent_list":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and talent_list.profession(value.strip()):
            return value.strip(), None
        return None, Message("not_talent")
    if kind == "date":
        return _date(value, q)
    if kind == "country":
        code = value.strip().upper() if isinstance(value, str) else None
        return (code, None) if names.is_country(code) else (None, Message("not_country"))
    raise AssertionError(f"unknown question type {kind!r}")


def _shown_key(key) -> str:
    """An unknown key as it may be shown: invisible characters removed, other controls
    escaped, at most 60 characters."""
    if not isinstance(key, str):
        return repr(key)[:60]
    shown = "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in visible(key))
    # A key of only spaces or invisible characters is shown escaped and quoted: "\u200b".
    return shown.strip()[:60] or json.dumps(key)[:60]


def validate(answers, today: dt.date | None = None, lang: str = "en") -> Profile:
    """Check `answers` against the vocabulary; raise InvalidAnswers listing every problem, in
    `lang` (en, zh-Hant or zh-Hans)."""
    if not isinstance(answers, dict):
        raise InvalidAnswers(localized([{"field": "answers", "message": Message("not_object")}], lang))
    known = {q["key"]: q for q in questions()}
    errors: list[dict] = []
    values = {key: q.get("default") for key, q in known.items()}
    given, unsure = set(), set()
    seen: set = set()
    for raw_key, value in answers.items():
        # A key with invisible characters (a zero-width space, a bidi control) is the same key.
        key = visible(raw_key).strip() if isinstance(raw_key, str) else raw_key
        if key not in known:
            errors.append({"field": _shown_key(raw_key), "message": Message("unknown_key")})
            continue
        if key in seen:
            errors.append({"field": key, "message": Message("given_twice")})
            continue
        seen.add(key)
        if value is None:
            unsure.add(key)
            continue
        checked, problem = _check(key, value, known[key])
        if problem:
            errors.append({"field": key, "message": problem})
        else:
            values[key] = checked
            given.add(key)
    _cross_check(values, given, errors, today or dt.date.today())
    if errors:
        raise InvalidAnswers(localized(errors, lang))
    return Profile(values, given, unsure)


def _cross_check(values: dict, given: set, errors: list, today: dt.date) -> None:
    for q in questions():
        outer = q.get("within")
        if outer and {q["key"], outer} <= given and values[q["key"]] > values[outer]:
            errors.append({"field": q["key"], "message": Message(
                "more_than", outer=question(outer)["label"], value=_quantity(values[outer], question(outer)))})
    if "birth_date" in given:
        if "age" in given:
            errors.append({"field": "birth_date", "message": Message(
                "age_or_birth_date", age=question("age")["label"], birth=question("birth_date")["label"])})
            return
        on = values["application_date"] or today
        if values["birth_date"] > on:
            errors.append({"field": "birth_date", "message": Message("birth_after_application")})
            return
        age = age_on(values["birth_date"], on)
        limit = question("age")["max"]
        if age > limit:
            errors.append({"field": "birth_date", "message": Message(
                "age_above", age=_quantity(age, question("age")), limit=_quantity(limit, question("age")))})
            return
        values["age"] = age
        values["application_date"] = on
        given.add("age")

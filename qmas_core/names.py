"""Languages and countries by name, in English, Traditional and Simplified Chinese.

Names come from CLDR (`rules/cldr-names.json`, written by tools/make_cldr_names.py); how a
visitor may name Chinese and English, and the Chinese suffix rule, from `rules/languages.toml`.
"""

from __future__ import annotations

import functools
import unicodedata

from .load import DEFAULT_LANGUAGE, rules, rules_json, text

CHINESE, ENGLISH, OTHER = "chinese", "english", "other"
NAMES_FILE = "cldr-names"


def fold(name: str) -> str:
    """A name reduced for matching: NFKC (full-width letters become ASCII), case-folded, without
    spaces, punctuation or invisible characters (Unicode categories Z, P and C)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] not in "ZPC")


def _data() -> dict:
    return rules_json(NAMES_FILE)


def _column(lang: str) -> int:
    columns = _data()["columns"]
    return columns.index(lang) if lang in columns else 0


def _canonical(code: str) -> str:
    """The language id a CLDR code counts as: its base language, Chinese and English by name."""
    data = rules("languages")
    base = code.split("_")[0]
    if base in data["chinese_codes"]:
        return CHINESE
    return ENGLISH if base in data["english_codes"] else base


@functools.cache
def _indexes() -> tuple[dict, dict, dict]:
    """(ids, names, stems): folded id -> id; folded full name -> set of ids; folded Chinese
    stem (the name without 文/語/语) -> set of ids."""
    data = rules("languages")
    suffixes = tuple(data["chinese_suffixes"])
    ids = {fold(code): _canonical(code) for code in _data()["languages"] if "_" not in code}
    ids.update({fold(c): CHINESE for c in data["chinese_codes"]})
    ids.update({CHINESE: CHINESE, ENGLISH: ENGLISH, OTHER: OTHER})
    named: list[tuple[str, str]] = [(n, CHINESE) for n in data["chinese_names"]]
    named += [(n, ENGLISH) for n in data["english_names"]]
    for code, names in _data()["languages"].items():
        named += [(n, _canonical(code)) for n in names if n]
    from .answers import question  # the form's own labels ("Chinese (Putonghua or Cantonese)")
    for value, label in question("good_languages").get("choice_labels", {}).items():
        named += [(text(label, lang), value) for lang in _data()["columns"]]
    named += [(text(data["other"]["label"], lang), OTHER) for lang in _data()["columns"]]
    names: dict[str, set] = {}
    stems: dict[str, set] = {}
    for name, lang_id in named:
        names.setdefault(fold(name), set()).add(lang_id)
        if name.endswith(suffixes) and len(name) > 1:
            stems.setdefault(fold(name[:-1]), set()).add(lang_id)
    return ids, names, stems


def language_ids(name: str) -> set[str]:
    """The language ids `name` may mean: one id, several when the name is ambiguous, or none.
    `name` is an id ("fr", "chinese", "other"; exact) or a name in en / zh-Hant / zh-Hans."""
    ids, names, stems = _indexes()
    if name in ids:
        return {ids[name]}
    key = fold(name)
    found = ({ids[key]} if key in ids else set()) | names.get(key, set())
    if found:
        return found
    if name.strip().endswith(tuple(rules("languages")["chinese_suffixes"])) and len(key) > 1:
        return set(stems.get(key[:-1], ()))
    return set()


def language_name(lang_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A language id's name in `lang` ("fr" -> "French", "法文", "法语")."""
    if lang_id == OTHER:
        return text(rules("languages")["other"]["label"], lang)
    from .answers import question
    label = question("good_languages").get("choice_labels", {}).get(lang_id)
    if label:
        return text(label, lang)
    names = _data()["languages"].get(lang_id)
    if not names:
        return lang_id
    return names[_column(lang)] or names[0]


def language_options(lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """Every language other than Chinese and English, as [{value, label}] sorted by label,
    then {value: "other", label}."""
    rows = [{"value": code, "label": language_name(code, lang)}
            for code in _data()["languages"] if "_" not in code and _canonical(code) == code]
    rows.sort(key=lambda r: fold(r["label"]))
    return rows + [{"value": OTHER, "label": language_name(OTHER, lang)}]


def country_name(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """An ISO 3166-1 alpha-2 code's name in `lang` ("AF" -> "Afghanistan", "阿富汗")."""
    names = _data()["territories"].get(code)
    if not names:
        return code
    return names[_column(lang)] or names[0]


def is_country(code) -> bool:
    return isinstance(code, str) and code in _data()["territories"]


def country_options(lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """Every ISO 3166-1 country or territory as [{value, label}], sorted by label."""
    rows = [{"value": code, "label": country_name(code, lang)} for code in _data()["territories"]]
    return sorted(rows, key=lambda r: fold(r["label"]))

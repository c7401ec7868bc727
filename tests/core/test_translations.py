"""Every human-readable text is in three languages: English, Hong Kong Traditional Chinese and
Simplified Chinese, with the same `{placeholders}`, and each Chinese text in its own script."""

import json
import string
import tomllib
from pathlib import Path

import pytest

import qmas_core
from qmas_core import talent_list
from qmas_core.load import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "qmas_core" / "rules"
TEXT_FILES = sorted(RULES.glob("*.toml")) + [ROOT / "site_scripts" / "calculator_strings.toml"]
EDITIONS = ["points-245", "criteria-2024", "achievement"]
CHINESE = ["zh-Hant", "zh-Hans"]

# Common characters written only in Traditional, and their Simplified forms (same order).
TRADITIONAL_ONLY = "們這個學歷經驗語與書業體資產際專"
SIMPLIFIED_ONLY = "们这个学历经验语与书业体资产际专"
FORBIDDEN = {"zh-Hans": TRADITIONAL_ONLY, "zh-Hant": SIMPLIFIED_ONLY}
# Keys a text table may carry besides the languages: formats.toml's English singular.
EXTRA_KEYS = {"one"}
# Placeholders that stand for the same field in another language's form (a date's month: a name
# in English, a number in Chinese).
SAME_FIELD = {"month_number": "month"}


def text_tables(value, path=""):
    """Every `{en = "...", ...}` table inside a parsed TOML value, with where it is."""
    if isinstance(value, dict):
        if path.endswith(".url"):
            return  # a source's addresses per language: tests/core/test_sources.py checks them
        if isinstance(value.get("en"), str):
            yield path, value
            return
        for key, item in value.items():
            yield from text_tables(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from text_tables(item, f"{path}[{i}]")


def placeholders(text: str) -> list[str]:
    return sorted(SAME_FIELD.get(name, name) for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def problems(table: dict) -> list[str]:
    """What is wrong with one text table (empty when it is complete and consistent)."""
    found = []
    for lang in LANGUAGES:
        if not isinstance(table.get(lang), str) or not table[lang].strip():
            found.append(f"no {lang}")
    found += [f"unknown language {k!r}" for k in table if k not in LANGUAGES and k not in EXTRA_KEYS]
    try:
        wanted = placeholders(table["en"])
    except ValueError as error:
        return found + [f"en is not a valid template: {error}"]
    for lang in CHINESE:
        value = table.get(lang)
        if not isinstance(value, str):
            continue
        try:
            if placeholders(value) != wanted:
                found.append(f"{lang} placeholders {placeholders(value)} != en {wanted}")
        except ValueError as error:
            found.append(f"{lang} is not a valid template: {error}")
        wrong = sorted({ch for ch in value if ch in FORBIDDEN[lang]})
        if wrong:
            found.append(f"{lang} has characters of the other script: {''.join(wrong)}")
    return found


def all_tables():
    for path in TEXT_FILES:
        data = tomllib.loads(path.read_text("utf-8"))
        for where, table in text_tables(data):
            yield f"{path.relative_to(ROOT)}:{where}", table


TABLES = list(all_tables())


def test_the_lists_pair_up():
    assert len(TRADITIONAL_ONLY) == len(SIMPLIFIED_ONLY) and not set(TRADITIONAL_ONLY) & set(SIMPLIFIED_ONLY)


def test_every_text_file_is_read():
    names = {p.name for p in TEXT_FILES}
    assert {"questions.toml", "points-245.toml", "criteria-2024.toml", "achievement.toml", "prerequisites.toml",
            "conditions.toml", "advice.toml", "editions.toml", "evidence.toml", "calculator_strings.toml"} <= names
    assert len(TABLES) > 150


@pytest.mark.parametrize("where, table", TABLES, ids=[w for w, _ in TABLES])
def test_text_is_in_three_languages(where, table):
    assert not problems(table), f"{where}: {'; '.join(problems(table))}"


@pytest.mark.parametrize("table, expected", [
    ({"en": "Age"}, "no zh-Hant"),
    ({"en": "Age", "zh-Hant": "年齡"}, "no zh-Hans"),
    ({"en": "Aged {age}", "zh-Hant": "年齡{years}歲", "zh-Hans": "年龄{age}岁"}, "zh-Hant placeholders"),
    ({"en": "Aged {age}", "zh-Hant": "年齡{age}歲", "zh-Hans": "年龄岁"}, "zh-Hans placeholders"),
    ({"en": "Work", "zh-Hant": "工作經验", "zh-Hans": "工作经验"}, "zh-Hant has characters of the other script: 验"),
    ({"en": "Work", "zh-Hant": "工作經驗", "zh-Hans": "工作經验"}, "zh-Hans has characters of the other script: 經"),
    ({"en": "Age", "zh-Hant": "年齡", "zh-Hans": "年龄", "fr": "Âge"}, "unknown language 'fr'"),
])
def test_the_check_catches_problems(table, expected):
    assert any(p.startswith(expected) for p in problems(table)), problems(table)


def test_the_check_passes_a_good_table():
    assert problems({"en": "Aged {age}: {points} points.", "zh-Hant": "年齡{age}歲：{points}分。",
                     "zh-Hans": "年龄{age}岁：{points}分。"}) == []


# --- what the core returns in Chinese ---------------------------------------------------------

FULL = {
    "age": 35, "financially_independent": True, "clean_record": True, "basic_education": True,
    "qualification": "master", "renowned_institution": True, "eligible_university_postgraduate": True,
    "stem_degree": True, "good_languages": ["chinese", "english", "french"], "work_years": 12,
    "senior_years": 6, "international_years": 3, "multinational_years": 4, "specified_field_years": 3,
    "annual_income_hkd": 1_200_000, "business_profit_hkd": 0, "owns_listed_company": False,
    "talent_list": "actuaries", "family_hk_permanent_resident": True, "spouse_degree": True,
    "children_under_18": 1, "dependants_apply_together": True, "achievement_award": False, "peer_recognition": True,
}
WEAK = {
    "age": 52, "financially_independent": False, "qualification": "none", "renowned_institution": True,
    "good_languages": ["german"], "work_years": 1, "talent_list": False, "spouse_degree": True,
    "children_under_18": 2, "dependants_apply_together": False, "achievement_award": False,
    "eligible_university_postgraduate": False, "stem_degree": True,
}
CASES = {"full": FULL, "weak": WEAK, "empty": {}, "young": {"age": 17, "good_languages": ["english"]}}


def is_chinese(text: str, lang: str) -> bool:
    """Not ASCII-only, and free of the other script's common characters."""
    return not text.isascii() and not set(text) & set(FORBIDDEN[lang])


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("case", CASES)
def test_assess_speaks_the_language(edition, lang, case):
    result = qmas_core.assess(CASES[case], edition, lang=lang)
    assert result["lang"] == lang
    texts = [result["title"], *result["notes"]]
    for row in result["factors"] + result["prerequisites"]:
        texts += [row["label"], row["reason"], *row.get("notes", [])]
        texts += [row["area"]] if "area" in row else []
    for change in result["age_changes"]:
        texts.append(change["label"])
    for text in texts:
        assert is_chinese(text, lang), f"{edition} {lang}: {text!r}"


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("edition", EDITIONS)
def test_assess_differs_from_english_but_scores_the_same(edition, lang):
    english, chinese = qmas_core.assess(FULL, edition), qmas_core.assess(FULL, edition, lang=lang)
    assert [f["score"] for f in english["factors"]] == [f["score"] for f in chinese["factors"]]
    assert english["total"] == chinese["total"] and english["passed"] == chinese["passed"]
    assert all(e["reason"] != c["reason"] for e, c in zip(english["factors"], chinese["factors"]))


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("case", ["full", "weak"])
def test_advice_and_checklist_speak_the_language(edition, lang, case):
    advice = qmas_core.advise(CASES[case], edition, lang=lang)
    texts = [advice["summary"]] + [c["text"] for c in advice["candidates"]]
    texts += [c["text"] for o in advice["options"] for c in o["changes"]]
    texts += [r["label"] for r in advice["rests_on"]] + advice["prerequisites"]
    checklist = qmas_core.checklist(CASES[case], edition, lang=lang)
    texts += [checklist["note"]] + [item["text"] for item in checklist["items"]]
    for text in texts:
        assert is_chinese(text, lang), f"{edition} {lang}: {text!r}"


@pytest.mark.parametrize("lang", CHINESE)
def test_questions_speak_the_language(lang):
    for q in qmas_core.questions(lang):
        for text in [q["label"], q["group_label"], *(c["label"] for c in q["choices"])] + ([q["help"]] if q["help"] else []):
            assert is_chinese(text, lang), f"{q['key']}: {text!r}"


@pytest.mark.parametrize("lang", CHINESE)
def test_editions_speak_the_language(lang):
    for edition in qmas_core.editions(lang):
        assert is_chinese(edition["title"], lang) and is_chinese(edition["note"], lang)


# --- Talent List names in Simplified Chinese ------------------------------------------------------

ZH_HANS = json.loads((RULES / "talent-list-zh-hans.json").read_text("utf-8"))


def talent_entries():
    """Every segment and profession of every version, as stored."""
    for version in talent_list.versions():
        for segment in version["segments"]:
            yield segment
            yield from segment["professions"]


def test_every_talent_name_with_traditional_chinese_has_simplified():
    named = {e["id"]: e for e in talent_entries() if e.get("zh_hant")}
    assert named, "no Traditional Chinese names found"
    assert set(named) <= set(ZH_HANS), sorted(set(named) - set(ZH_HANS))
    assert set(ZH_HANS) <= {e["id"] for e in talent_entries()}, "names for unknown ids"
    for key, entry in named.items():
        simplified = talent_list.name(entry, "zh-Hans")
        assert simplified == ZH_HANS[key] and is_chinese(simplified, "zh-Hans"), key
        assert talent_list.name(entry, "zh-Hant") == entry["zh_hant"]
        assert len(simplified) == len(entry["zh_hant"]), key


def test_talent_names_fall_back():
    plain = next(e for e in talent_entries() if not e.get("zh_hant"))
    assert talent_list.name(plain, "zh-Hans") == talent_list.name(plain, "zh-Hant") == plain["en"]
    assert talent_list.name({"id": "not-a-profession", "en": "X", "zh_hant": "專才"}, "zh-Hans") == "專才"


def test_talent_table_is_fresh():
    pytest.importorskip("opencc")
    from tools import make_talent_zh_hans

    if make_talent_zh_hans.opencc_port() is None:
        pytest.skip("opencc-python-reimplemented not installed")
    assert make_talent_zh_hans.build() == ZH_HANS, "run python -m tools.make_talent_zh_hans"


def test_points_reason_names_the_profession_in_simplified():
    factor = next(f for f in qmas_core.assess({"talent_list": "actuaries"}, "points-245", lang="zh-Hans")["factors"]
                  if f["id"] == "talent_list")
    assert ZH_HANS["actuaries"] in factor["reason"]

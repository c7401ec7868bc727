"""Languages and countries by name (qmas_core.names, rules/languages.toml, rules/cldr-names.json)."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import qmas_core
from qmas_core import names

ROOT = Path(__file__).resolve().parents[2]
CLDR_FILE = ROOT / "qmas_core" / "rules" / "cldr-names.json"

# Every form the rules reference lists, in English, Traditional and Simplified Chinese.
CHINESE_FORMS = ["Chinese", "Mandarin", "Putonghua", "Cantonese", "中文", "漢語", "汉语", "華語", "华语",
                 "國語", "国语", "普通話", "普通话", "粵語", "粤语", "廣東話", "广东话"]
ENGLISH_FORMS = ["English", "英文", "英語", "英语"]


def ids(value):
    return qmas_core.assess({"good_languages": value}, "criteria-2024")


def criterion(result, rule_id):
    return next(f for f in result["factors"] if f["id"] == rule_id)


@pytest.mark.parametrize("form", CHINESE_FORMS)
def test_every_form_of_chinese_is_chinese(form):
    assert names.language_ids(form) == {"chinese"}
    result = qmas_core.assess({"good_languages": [form, "chinese"]}, "criteria-2024")
    assert "1 language" in criterion(result, "two_languages")["reason"]


@pytest.mark.parametrize("form", ENGLISH_FORMS)
def test_every_form_of_english_is_english(form):
    assert names.language_ids(form) == {"english"}
    assert criterion(ids([form]), "good_english")["score"] == 1


@pytest.mark.parametrize("form", ["CHINESE", " chinese ", "Putong hua", "ｃｈｉｎｅｓｅ", "Ｅｎｇｌｉｓｈ", "Eng\u200blish",
                                  "\u202eenglish\u202c", "中\u200d文", "英　文", "Chinese (Putonghua or Cantonese)",
                                  "中文（普通話或粵語）", "中文（普通话或粤语）"])
def test_case_space_width_and_invisible_characters_do_not_matter(form):
    assert names.language_ids(form) in ({"chinese"}, {"english"})


@pytest.mark.parametrize("code", ["yue", "cmn", "wuu", "hak", "nan", "gan", "hsn", "zh"])
def test_chinese_varieties_of_the_zh_macrolanguage_are_chinese(code):
    assert names.language_ids(code) == {"chinese"}


@pytest.mark.parametrize("name", ["Wu Chinese", "Hakka Chinese", "Min Nan Chinese", "客家話", "閩南語", "吴语",
                                  "Traditional Chinese", "簡體中文"])
def test_cldr_names_of_chinese_varieties_are_chinese(name):
    assert names.language_ids(name) == {"chinese"}


@pytest.mark.parametrize("name, code", [
    ("French", "fr"), ("法文", "fr"), ("法語", "fr"), ("法语", "fr"), ("fr", "fr"), ("ＦＲＥＮＣＨ", "fr"),
    ("Japanese", "ja"), ("日文", "ja"), ("日語", "ja"), ("日语", "ja"),
    ("German", "de"), ("德文", "de"), ("德語", "de"), ("Spanish", "es"), ("西班牙語", "es"),
    ("Korean", "ko"), ("韓語", "ko"), ("韩文", "ko"), ("Canadian French", "fr"), ("British English", "english"),
    ("other", "other"), ("Another language (not in this list)", "other"), ("其他语言（不在此列表内）", "other"),
])
def test_cldr_names_and_the_chinese_suffix_rule(name, code):
    assert names.language_ids(name) == {code}


def test_every_cldr_name_names_its_language():
    data = json.loads(CLDR_FILE.read_text("utf-8"))
    checked = 0
    for code, row in data["languages"].items():
        for name in filter(None, row):
            assert names._canonical(code) in names.language_ids(name), (code, name)
            checked += 1
    assert checked > 1800


@pytest.mark.parametrize("value, two, english, points", [
    (["中文", "英文"], 1, 1, 20),
    (["汉语", "英语"], 1, 1, 20),
    (["chinese", "粵語"], 0, 0, 10),
    (["普通話", "廣東話"], 0, 0, 10),
    (["english", "\u200b"], 0, 1, 10),
    (["english", ""], 0, 1, 10),
    (["英語", "法語"], 1, 1, 15),
    (["english", "other", "other"], 1, 1, 15),
    (["英文、法語"], 1, 1, 15),
    (["English, French ,"], 1, 1, 15),
    (["中文；粵語"], 0, 0, 10),
])
def test_languages_score_by_what_they_mean(value, two, english, points):
    result = qmas_core.assess({"good_languages": value}, "criteria-2024")
    assert (criterion(result, "two_languages")["score"], criterion(result, "good_english")["score"]) == (two, english)
    old = qmas_core.assess({"good_languages": value}, "points-245")
    assert criterion(old, "language")["score"] == points
    assert "chinese_or_english" not in old["unmet_prerequisites"]


def test_reasons_name_languages_in_the_visitors_language():
    result = qmas_core.assess({"good_languages": ["english", "法語"]}, "criteria-2024", "zh-Hans")
    assert "法语" in criterion(result, "two_languages")["reason"]


def test_other_language_counts_once_with_a_check():
    result = qmas_core.assess({"good_languages": ["english", "other"]}, "criteria-2024", "zh-Hant")
    assert [c["key"] for c in result["checks"]] == ["good_languages"]
    assert "不在清單內" in result["checks"][0]["check"]
    assert qmas_core.assess({"good_languages": ["english", "fr"]}, "criteria-2024")["checks"] == []


@pytest.mark.parametrize("lang, words", [
    ("en", '"Klingonese" is not a language name'),
    ("zh-Hant", "不認識語言名稱「Klingonese」"),
    ("zh-Hans", "不认识语言名称“Klingonese”"),
])
def test_an_unrecognised_name_is_an_error_naming_it(lang, words):
    with pytest.raises(qmas_core.InvalidAnswers) as caught:
        qmas_core.assess({"good_languages": ["english", "Kling\u200bonese"]}, "criteria-2024", lang)
    [error] = caught.value.errors
    assert error["field"] == "good_languages" and words in error["message"]
    assert "\u200b" not in error["message"]


def test_a_name_of_two_languages_is_an_error_listing_both():
    with pytest.raises(qmas_core.InvalidAnswers) as caught:
        qmas_core.assess({"good_languages": ["Ga"]}, "criteria-2024")
    message = caught.value.errors[0]["message"]
    assert "Irish" in message and "Ga" in message and "more than one language" in message


@pytest.mark.parametrize("lang, french, other", [
    ("en", "French", "Another language (not in this list)"),
    ("zh-Hant", "法文", "其他語言（不在此清單內）"),
    ("zh-Hans", "法语", "其他语言（不在此列表内）"),
])
def test_the_form_offers_every_other_language_by_name(lang, french, other):
    row = next(q for q in qmas_core.questions(lang) if q["key"] == "good_languages")
    assert [c["value"] for c in row["choices"]] == ["chinese", "english"]
    options = row["options"]
    assert options[-1] == {"value": "other", "label": other}
    assert {"value": "fr", "label": french} in options
    values = [o["value"] for o in options]
    assert len(values) == len(set(values)) > 500
    assert not {"zh", "yue", "en", "chinese", "english"} & set(values)
    # Every option's value is accepted as an answer and means itself.
    assert all(names.language_ids(v) == {v} for v in values)


@pytest.mark.parametrize("code, lang, name", [
    ("AF", "en", "Afghanistan"), ("AF", "zh-Hant", "阿富汗"), ("KP", "en", "North Korea"),
    ("KP", "zh-Hant", "北韓"), ("KP", "zh-Hans", "朝鲜"), ("CU", "zh-Hans", "古巴"),
])
def test_country_names(code, lang, name):
    assert names.country_name(code, lang) == name


def test_countries_are_the_iso_3166_1_codes():
    data = json.loads(CLDR_FILE.read_text("utf-8"))
    assert len(data["territories"]) == 249  # ISO 3166-1's officially assigned alpha-2 codes
    assert not {"EU", "UN", "XK", "ZZ", "QO", "AC", "IC"} & set(data["territories"])



NAMED = [(name, names._canonical(code)) for code, row in json.loads(CLDR_FILE.read_text("utf-8"))["languages"].items()
         for name in row if name and len(names.language_ids(name)) == 1]
DISGUISES = st.sampled_from(["\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u00ad", " ", "\u3000"])


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.sampled_from(NAMED), st.lists(st.tuples(st.integers(0, 40), DISGUISES), max_size=4),
       st.sampled_from(["lower", "upper", "title", "wide", "same"]))
def test_a_name_means_the_same_however_it_is_written(named, inserts, case):
    """Case, spacing, full width and invisible characters never change what a name means."""
    name, lang_id = named
    written = {"lower": name.lower(), "upper": name.upper(), "title": name.title(), "same": name,
               "wide": "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)}[case]
    for at, char in inserts:
        written = written[:at] + char + written[at:]
    assert names.language_ids(written) == {lang_id}

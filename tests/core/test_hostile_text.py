"""Text from links, storage and fields: nothing invisible counts, nothing is spoofed, the end of
the calendar and impossible dates are clear errors, amounts are read as people write them."""

import json
import re
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

import qmas_core
from qmas_core.answers import questions

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u202c", "\u2066", "\u2069",
             "\u200e", "\u200f", "\u00ad", "\ud800", "\udfff"]
EDITIONS = ["points-245", "criteria-2024", "achievement"]


def errors(answers, lang="en", edition="criteria-2024"):
    with pytest.raises(qmas_core.InvalidAnswers) as caught:
        qmas_core.assess(answers, edition, lang)
    return {e["field"]: e["message"] for e in caught.value.errors}


def criterion(answers, rule_id):
    result = qmas_core.assess(answers, "criteria-2024")
    return next(f for f in result["factors"] if f["id"] == rule_id)["score"]


@pytest.mark.parametrize("char", INVISIBLE)
def test_an_invisible_language_is_no_language(char):
    assert criterion({"good_languages": ["english", char]}, "two_languages") == 0
    assert criterion({"good_languages": ["english", char + "english" + char]}, "two_languages") == 0


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_in_values_are_removed(char):
    result = qmas_core.assess({"qualification": "master" + char, "birth_date": char + "1990-01-01",
                               "application_date": "2024-06-01" + char, "nationality": "A" + char + "F",
                               "talent_list": char + "actuaries", "annual_income_hkd": "1,2" + char + "00,000"}, "points-245")
    assert result["age"] == 34 and "nationality" in result["unmet_prerequisites"]
    scores = {f["id"]: f["score"] for f in result["factors"]}
    assert scores["qualification"] == 20 and scores["talent_list"] == 30


def test_an_unknown_key_is_shown_without_invisible_characters():
    key = "\u202e :\u202d\u200bAll criteria met - you qualify"
    found = errors({key: "1"})
    assert list(found) == [":All criteria met - you qualify"]
    for lang in ("en", "zh-Hant", "zh-Hans"):
        fields = errors({key: "1", "x\x1b[31m": 1}, lang)
        assert set(fields) == {":All criteria met - you qualify", "x[31m"}


def test_a_key_with_invisible_characters_is_the_same_key_and_cannot_be_given_twice():
    assert qmas_core.assess({"age\u200b": 30}, "criteria-2024")["age"] == 30
    assert errors({"age": 30, "\u2066age\u2069": 31}) == {"age": "is given twice"}


def test_a_lone_surrogate_through_the_json_boundary_is_not_a_crash():
    request = '{"answers": {"good_languages": ["english", "\\ud800"], "qualification\\udfff": "master"}, "include": ["advice"]}'
    out = json.loads(qmas_core.assess_json(request))
    assert out["result"]["total"] >= 1
    bad = json.loads(qmas_core.assess_json('{"answers": {"\\ud800x": 1}}'))
    assert bad["errors"] == [{"field": "x", "message": "is not a question of this check"}]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("answers", [
    {"birth_date": "9999-12-30", "application_date": "9999-12-31"},
    {"birth_date": "2000-01-01", "application_date": "9999-12-31"},
    {"birth_date": "0001-01-01"},
    {"age": 30, "application_date": "9999-12-31"},
])
def test_dates_at_the_end_of_the_calendar_are_a_clear_error(edition, answers):
    out = json.loads(qmas_core.assess_json(json.dumps({"answers": answers, "edition": edition})))
    messages = {e["field"]: e["message"] for e in out["errors"]}
    assert set(messages) <= {"birth_date", "application_date"} and messages
    assert all("between 1 January 1900 and 31 December 2100" in m for m in messages.values())


def test_date_bounds_are_data_the_form_gets():
    rows = {q["key"]: q for q in qmas_core.questions()}
    assert (rows["birth_date"]["min"], rows["birth_date"]["max"]) == ("1900-01-01", "2100-12-31")
    assert rows["application_date"]["max"] == "2100-12-31"


@pytest.mark.parametrize("value, lang, words", [
    ("2000-02-30", "en", "is not a real calendar date: that month has only 29 days"),
    ("2001-02-29", "en", "that month has only 28 days"),
    ("2000-04-31", "zh-Hant", "並非真實存在的日期：該月只有30日"),
    ("2000-13-01", "zh-Hans", "月份须为01至12"),
    ("2000-00-10", "en", "the month must be 01 to 12"),
])
def test_an_impossible_date_is_reported(value, lang, words):
    assert words in errors({"birth_date": value}, lang)["birth_date"]


@pytest.mark.parametrize("typed, amount", [
    ("1,000,000", 1_000_000), ("100萬", 1_000_000), ("120万", 1_200_000), ("1.2M", 1_200_000), ("HK$1.2m", 1_200_000),
    ("港幣120萬元", 1_200_000), ("1 200 000", 1_200_000), ("１２０万", 1_200_000), ("HKD 5 million", 5_000_000),
    ("500k", 500_000), ("1.5億", 150_000_000), ("-300,000", -300_000), ("5000000", 5_000_000),
])
def test_amounts_as_people_write_them(typed, amount):
    result = qmas_core.assess({"annual_income_hkd": typed if amount >= 0 else 0, "business_profit_hkd": typed}, "criteria-2024")
    profit = next(f for f in result["factors"] if f["id"] == "business_profit_5m")
    assert profit["score"] == int(amount >= 5_000_000)
    assert qmas_core.assess({"business_profit_hkd": typed}, "criteria-2024")["total"] == int(amount >= 5_000_000)


@pytest.mark.parametrize("typed", ["about a million", "1e308", "1,00", "1.2.3", "HK$", "", "12 apples", "NaN", "Infinity"])
@pytest.mark.parametrize("lang, words", [
    ("en", "must be an amount in Hong Kong dollars, written like 1,200,000"),
    ("zh-Hant", "必須是以港幣計的金額"),
    ("zh-Hans", "必须是以港币计的金额"),
])
def test_anything_else_is_a_clear_error_with_units(typed, lang, words):
    assert words in errors({"annual_income_hkd": typed}, lang)["annual_income_hkd"]


def test_an_amount_out_of_range_says_its_unit():
    assert errors({"annual_income_hkd": "-1"})["annual_income_hkd"] == "must be from HK$0 to HK$10,000,000,000,000"
    assert errors({"annual_income_hkd": -5}, "zh-Hant")["annual_income_hkd"] == "必須介乎港幣0元至港幣10,000,000,000,000元之間"


BAD = {"age": 121, "work_years": 3, "senior_years": 4, "qualification": "phd", "clean_record": "yes",
       "good_languages": ["Klingonese"], "talent_list": "astronaut", "annual_income_hkd": "lots", "nationality": "XX",
       "children_under_18": 1.5, "colour": "blue"}


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("answers", [BAD, {"age": 30, "birth_date": "1990-01-01"},
                                     {"birth_date": "1800-01-01", "application_date": "2000-01-01"},
                                     {"birth_date": "1900-01-01", "application_date": "2100-01-01"}])
def test_chinese_messages_never_name_an_internal_key(lang, answers):
    keys = {q["key"] for q in questions()} | {"age", "birth_date"}
    for message in errors(answers, lang).values():
        assert not [k for k in keys if re.search(rf"\b{k}\b", message)], message
        assert not re.search(r"[（(][a-z_]+[)）]", message), message


@pytest.mark.parametrize("typed", ["9" * 5000, "-" + "9" * 5000, "9" * 5000 + "萬"])
def test_an_amount_of_thousands_of_digits_is_out_of_range_not_a_crash(typed):
    assert errors({"business_profit_hkd": typed})["business_profit_hkd"].startswith("must be from -HK$10,000,000,000,000")


HOSTILE = st.text(st.characters(categories=["Cs", "Cf", "Cc", "Zs", "Ll", "Lo", "Nd"]), max_size=12)
KEYS = [q["key"] for q in questions()]


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.dictionaries(HOSTILE | st.sampled_from(KEYS), HOSTILE | st.lists(HOSTILE, max_size=3), max_size=4),
       st.sampled_from(["en", "zh-Hant", "zh-Hans"]))
def test_no_invisible_or_unencodable_character_comes_back(answers, lang):
    """Whatever text comes in, the answer is JSON that encodes as UTF-8 (no lone surrogate) and
    shows no format character (nothing to reorder or hide a message)."""
    out = qmas_core.assess_json(json.dumps({"answers": answers, "lang": lang, "include": ["advice"]}))
    out.encode("utf-8")
    assert not [c for c in out if unicodedata.category(c) in ("Cf", "Cs")]
    assert set(json.loads(out)) & {"result", "errors"}

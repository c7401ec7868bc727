"""The core's Chinese sentences say their units and the official terms: 35歲，不超過50歲;
8年，不少於5年; 港幣1,200,000元; 你還差6項; 你剛好達到申請資格門檻; 及格分數 for the old test."""

import pytest

import qmas_core

PASSING = {"age": 35, "eligible_university_postgraduate": True, "stem_degree": True,
           "good_languages": ["chinese", "english"], "work_years": 8, "multinational_years": 0,
           "specified_field_years": 0, "international_years": 0, "annual_income_hkd": 1_200_000,
           "business_profit_hkd": 0, "owns_listed_company": False, "financially_independent": True,
           "clean_record": True, "basic_education": True, "application_date": "2025-06-01"}


def reason(result: dict, factor_id: str) -> str:
    return next(f["reason"] for f in result["factors"] if f["id"] == factor_id)


@pytest.mark.parametrize("lang, age, work, income", [
    ("zh-Hant", "符合：35歲，不超過50歲。", "符合：8年，不少於5年。", "符合：港幣1,200,000元，不少於港幣1,000,000元。"),
    ("zh-Hans", "符合：35岁，不超过50岁。", "符合：8年，不少于5年。", "符合：港币1,200,000元，不少于港币1,000,000元。"),
    ("en", "Met: 35 years old, at most 50 years old.", "Met: 8 years, at least 5 years.", "Met: HK$1,200,000, at least HK$1,000,000."),
])
def test_limits_are_said_with_their_units(lang, age, work, income):
    result = qmas_core.assess(PASSING, "criteria-2024", lang)
    assert reason(result, "age_50_or_below") == age
    assert reason(result, "work_5_years") == work
    assert reason(result, "income_1m") == income


@pytest.mark.parametrize("lang, expected", [
    ("zh-Hant", "你剛好達到申請資格門檻（6項）。"),
    ("zh-Hans", "你刚好达到申请资格门槛（6项）。"),
    ("en", "You meet the passing threshold of 6 criteria exactly."),
])
def test_a_zero_margin_says_the_threshold_is_just_met(lang, expected):
    answers = {**PASSING, "good_languages": ["chinese"], "eligible_university_postgraduate": False,
               "stem_degree": False, "multinational_years": 3, "specified_field_years": 3,
               "international_years": 2}
    advice = qmas_core.advise(answers, "criteria-2024", lang)
    assert advice["margin"] == 0 and advice["summary"] == expected


@pytest.mark.parametrize("lang, expected", [
    ("zh-Hant", "你還差5項才達到申請資格門檻（6項）。"),
    ("zh-Hans", "你还差5项才达到申请资格门槛（6项）。"),
])
def test_a_shortfall_counts_criteria(lang, expected):
    advice = qmas_core.advise({"age": 30, "financially_independent": True, "clean_record": True,
                               "basic_education": True}, "criteria-2024", lang)
    assert advice["summary"] == expected
    assert all(c["gain_text"].startswith("多") and c["gain_text"].endswith(("項", "项")) for c in advice["candidates"])


def test_the_old_test_speaks_of_its_pass_mark_in_points():
    answers = {"age": 30, "qualification": "doctorate", "work_years": 10, "senior_years": 5,
               "good_languages": ["chinese", "english"], "financially_independent": True,
               "clean_record": True, "basic_education": True}
    advice = qmas_core.advise(answers, "points-245", "zh-Hant")
    assert advice["summary"] == f"你比及格分數（80分）多{advice['margin']}分。"


def test_unmet_prerequisites_are_listed_with_chinese_punctuation():
    advice = qmas_core.advise({"age": 30}, "criteria-2024", "zh-Hant")
    assert "; " not in advice["summary"] and "。 " not in advice["summary"]
    assert "；" in advice["summary"]

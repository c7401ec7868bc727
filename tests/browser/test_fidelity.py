"""Right for every visitor, through the real form: languages named in any script, the excluded
nationalities, the Talent List by date, the fees by date and family, and dates at the end of the
calendar score on the page exactly as the core scores them in CPython."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import qmas_core
from tests.browser.calculator_driver import READY_TIMEOUT, fill_answers, open_calculator, shown_result

CHINESE_FORMS = ["Chinese", "Mandarin", "Putonghua", "Cantonese", "中文", "漢語", "汉语", "華語", "华语", "國語", "国语",
                 "普通話", "普通话", "粵語", "粤语", "廣東話", "广东话"]
ENGLISH_FORMS = ["English", "英文", "英語", "英语"]
FOREIGN_FORMS = ["法語", "法语", "French", "日語", "日语"]


def agree(page, answers: dict, edition: str = "auto", lang: str = "en") -> dict:
    """Fill the form with `answers`; what the page shows equals the core's result."""
    fill_answers(page, edition, answers)
    shown = shown_result(page, extras=False)
    result = qmas_core.assess(answers, edition, lang)
    assert shown["total"] == result["total"], answers
    assert shown["eligible"] == result["eligible"] and shown["passed"] == result["passed"], answers
    assert shown["factors"] == {f["id"]: f["score"] for f in result["factors"]}, answers
    assert shown["unmet_prerequisites"] == result["unmet_prerequisites"], answers
    return result


def test_every_way_of_naming_a_language_scores_as_in_cpython(page, served_site):
    open_calculator(page, served_site)
    lang = "en"
    for chinese in CHINESE_FORMS:
        result = agree(page, {"good_languages": [chinese, ENGLISH_FORMS[1]]}, "criteria-2024", lang)
        assert {f["id"]: f["score"] for f in result["factors"]}["good_english"] == 1
    for english in ENGLISH_FORMS:
        result = agree(page, {"good_languages": ["中文", english]}, "points-245", lang)
        assert {f["id"]: f["score"] for f in result["factors"]}["language"] == 20
    for foreign in FOREIGN_FORMS:
        agree(page, {"good_languages": ["english", foreign]}, "points-245", lang)
    # Two forms of Chinese are one language: criterion (4) is not met by them alone.
    result = agree(page, {"good_languages": ["chinese", "粵語"]}, "criteria-2024", lang)
    assert {f["id"]: f["score"] for f in result["factors"]}["two_languages"] == 0


@pytest.mark.parametrize("prefix, lang", [("zh-Hant/", "zh-Hant"), ("zh-Hans/", "zh-Hans")])
def test_languages_named_in_chinese_on_the_chinese_pages(page, served_site, prefix, lang):
    open_calculator(page, served_site, "", prefix)
    for names in (["中文", "英文"], ["汉语", "英语"], ["普通話", "法語"], ["chinese", "粵語"]):
        agree(page, {"good_languages": names}, "criteria-2024", lang)


@pytest.mark.parametrize("code, excluded", [("AF", True), ("CU", True), ("KP", True), ("GB", False), ("CN", False)])
def test_excluded_nationalities_whatever_the_score(page, served_site, code, excluded):
    open_calculator(page, served_site)
    strong = {"age": 30, "qualification": "doctorate", "eligible_university_postgraduate": True, "stem_degree": True,
              "good_languages": ["chinese", "english"], "work_years": 10, "annual_income_hkd": 2_000_000,
              "financially_independent": True, "clean_record": True, "basic_education": True, "nationality": code}
    for edition in ("criteria-2024", "points-245", "achievement"):
        result = agree(page, strong, edition)
        assert ("nationality" in result["unmet_prerequisites"]) is excluded


def test_talent_list_by_the_application_date(page, served_site):
    # Ship finance professionals were added on 2023-05-16: nothing the day before, 30 points from it.
    open_calculator(page, served_site)
    for day, points in (("2023-05-15", 0), ("2023-05-16", 30), ("2024-10-31", 30)):
        result = agree(page, {"age": 30, "talent_list": "ship-finance-professionals", "application_date": day}, "points-245")
        assert {f["id"]: f["score"] for f in result["factors"]}["talent_list"] == points
    result = agree(page, {"age": 30, "talent_list": "actuaries", "application_date": "2023-03-01"}, "points-245")
    assert {f["id"]: f["score"] for f in result["factors"]}["talent_list"] == 30


@pytest.mark.parametrize("on", ["2025-02-25", "2025-02-26", "2026-12-07"])
def test_fees_by_the_application_date_and_the_family(page, served_site, on):
    open_calculator(page, served_site)
    answers = {"age": 30, "application_date": on, "accompanying_spouse": True, "children_under_18": 2}
    agree(page, answers, "criteria-2024")
    fees = qmas_core.assess(answers, "criteria-2024")["fees"]
    expect(page.get_by_test_id("fees")).to_contain_text(fees["summary"])


def test_a_date_at_the_end_of_the_calendar_is_a_clear_error(page, served_site):
    page.goto(f"{served_site}calculator/#edition=auto&birth_date=9999-12-30&application_date=9999-12-31")
    errors = page.get_by_test_id("errors")
    expect(errors).to_be_visible(timeout=READY_TIMEOUT)
    assert "internal error" not in errors.inner_text().lower()
    with pytest.raises(qmas_core.InvalidAnswers) as raised:
        qmas_core.assess({"birth_date": "9999-12-30", "application_date": "9999-12-31"})
    assert all(e["message"] in errors.inner_text() for e in raised.value.errors)

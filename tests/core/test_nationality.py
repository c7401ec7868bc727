"""Nationality: the scheme is not open to nationals of Afghanistan, Cuba and North Korea."""

import pytest

import qmas_core
from tests.conftest import golden_cases

EDITIONS = ["points-245", "criteria-2024", "achievement"]
OFFICIAL = "not applicable to nationals of Afghanistan, Cuba and Korea (Democratic People's Republic of)"
STRONG = {"age": 30, "qualification": "doctorate", "renowned_institution": True, "eligible_university_postgraduate": True,
          "stem_degree": True, "good_languages": ["chinese", "english"], "work_years": 12, "senior_years": 6,
          "international_years": 5, "multinational_years": 5, "specified_field_years": 5, "annual_income_hkd": 9_000_000,
          "business_profit_hkd": 9_000_000, "owns_listed_company": True, "talent_list": True, "achievement_award": True,
          "peer_recognition": True, "financially_independent": True, "clean_record": True, "basic_education": True}


def row(result):
    return next(p for p in result["prerequisites"] if p["id"] == "nationality")


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("code", ["AF", "CU", "KP", "af", " kp "])
def test_excluded_nationals_are_ineligible_whatever_the_score(edition, code):
    result = qmas_core.assess({**STRONG, "nationality": code}, edition)
    assert result["total"] >= result["pass_mark"]
    assert not result["eligible"] and not result["passed"]
    assert "nationality" in result["unmet_prerequisites"]
    assert OFFICIAL in row(result)["reason"]


@pytest.mark.parametrize("lang, words", [("zh-Hant", "阿富汗、古巴及朝鮮"), ("zh-Hans", "阿富汗、古巴及朝鲜")])
def test_the_reason_in_chinese(lang, words):
    assert words in row(qmas_core.assess({"nationality": "KP"}, "criteria-2024", lang))["reason"]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("code, name", [("FR", "France"), ("CN", "China"), ("VN", "Vietnam")])
def test_other_nationals_are_not_excluded(edition, code, name):
    result = qmas_core.assess({**STRONG, "nationality": code}, edition)
    assert result["eligible"] and result["passed"] and row(result)["met"]
    assert name in row(result)["reason"]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("answers", [{}, {"nationality": None}])
def test_missing_or_unsure_nationality_is_not_checked(edition, answers):
    result = qmas_core.assess({**STRONG, **answers}, edition)
    assert result["eligible"] and row(result)["met"] and "Not answered" in row(result)["reason"]
    assert "nationality" not in result["unanswered"]


def test_unsure_nationality_says_what_to_check():
    result = qmas_core.assess({"nationality": None}, "criteria-2024")
    assert result["unsure"] == ["nationality"]
    assert [c["key"] for c in result["checks"]] == ["nationality"]


def test_points_245_notes_the_older_wider_list():
    notes = row(qmas_core.assess({"nationality": "NP"}, "points-245")).get("notes", [])
    assert any("Cambodia, Laos, Nepal and Vietnam" in n and "not confirmed" in n for n in notes)
    assert "notes" not in row(qmas_core.assess({"nationality": "NP"}, "criteria-2024"))


@pytest.mark.parametrize("value", ["XX", "Afghanistan", "EU", "AFG", 4, True, ["AF"]])
def test_a_nationality_must_be_a_country_code(value):
    with pytest.raises(qmas_core.InvalidAnswers) as caught:
        qmas_core.assess({"nationality": value}, "criteria-2024")
    assert caught.value.errors[0]["field"] == "nationality"
    assert "ISO 3166-1" in caught.value.errors[0]["message"]


@pytest.mark.parametrize("lang, afghanistan", [("en", "Afghanistan"), ("zh-Hant", "阿富汗"), ("zh-Hans", "阿富汗")])
def test_the_form_asks_with_a_country_list_and_says_why(lang, afghanistan):
    q = next(q for q in qmas_core.questions(lang) if q["key"] == "nationality")
    assert q["type"] == "country" and q["editions"] == EDITIONS
    assert {"value": "AF", "label": afghanistan} in q["options"] and len(q["options"]) == 249
    assert q["help"]


@pytest.mark.parametrize("case", golden_cases(), ids=lambda c: c["name"])
def test_golden_cases_keep_their_eligibility_without_a_nationality(case):
    result = qmas_core.assess(case["answers"], case["edition"])
    assert result["eligible"] == case["expected"]["eligible"]
    assert row(result)["met"]

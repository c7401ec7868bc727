"""Each of the 12 criteria on both sides of its threshold."""

import pytest

import qmas_core
from tests.core.helpers import score, scores

E = "criteria-2024"


@pytest.mark.parametrize("criterion, answers, met", [
    ("age_50_or_below", {"age": 50}, 1),
    ("age_50_or_below", {"age": 51}, 0),
    ("age_50_or_below", {}, 0),
    ("eligible_university_degree", {"eligible_university_postgraduate": True}, 1),
    ("eligible_university_degree", {"eligible_university_postgraduate": False}, 0),
    ("stem_degree", {"eligible_university_postgraduate": True, "stem_degree": True}, 1),
    ("stem_degree", {"eligible_university_postgraduate": False, "stem_degree": True}, 0),
    ("stem_degree", {"stem_degree": True}, 0),
    ("two_languages", {"good_languages": ["chinese", "english"]}, 1),
    ("two_languages", {"good_languages": ["thai", "malay"]}, 1),
    ("two_languages", {"good_languages": ["putonghua", "cantonese"]}, 0),
    ("two_languages", {"good_languages": ["english", "English "]}, 0),
    ("good_english", {"good_languages": ["english"]}, 1),
    ("good_english", {"good_languages": ["chinese", "french"]}, 0),
    ("work_5_years", {"work_years": 5}, 1),
    ("work_5_years", {"work_years": 4.99}, 0),
    ("multinational_3_years", {"work_years": 3, "multinational_years": 3}, 1),
    ("multinational_3_years", {"work_years": 3, "multinational_years": 2.9}, 0),
    ("specified_field_3_years", {"work_years": 3, "specified_field_years": 3}, 1),
    ("specified_field_3_years", {"work_years": 3, "specified_field_years": 2.5}, 0),
    ("international_2_years", {"work_years": 2, "international_years": 2}, 1),
    ("international_2_years", {"work_years": 2, "international_years": 1.9}, 0),
    ("income_1m", {"annual_income_hkd": 1_000_000}, 1),
    ("income_1m", {"annual_income_hkd": 999_999.99}, 0),
    ("business_profit_5m", {"business_profit_hkd": 5_000_000}, 1),
    ("business_profit_5m", {"business_profit_hkd": 4_999_999}, 0),
    ("business_profit_5m", {"business_profit_hkd": -100}, 0),
    ("listed_company", {"owns_listed_company": True}, 1),
    ("listed_company", {"owns_listed_company": False}, 0),
])
def test_criterion_edges(criterion, answers, met):
    assert score(answers, E, criterion) == met


def test_pass_at_six_met(complete):
    five = {**complete, "age": 30, "good_languages": ["english", "chinese"], "work_years": 5,
            "annual_income_hkd": 1_000_000}
    assert sum(scores(five, E).values()) == 5
    assert not qmas_core.assess(five, E)["passed"]
    six = {**five, "international_years": 2}
    assert qmas_core.assess(six, E)["passed"]


def test_numbered_in_official_order():
    result = qmas_core.assess({}, E)
    assert [f["number"] for f in result["factors"]] == list(range(1, 13))
    assert result["maximum"] == 12 and result["pass_mark"] == 6

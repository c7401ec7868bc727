"""Every band edge of every `points-245` factor."""

import pytest

import qmas_core
from tests.core.helpers import score

E = "points-245"


@pytest.mark.parametrize("age, points", [
    (17, 0), (18, 30), (39, 30), (40, 20), (44, 20), (45, 15), (50, 15), (51, 0), (120, 0), (0, 0),
])
def test_age_bands(age, points):
    assert score({"age": age}, E, "age") == points


def test_missing_age_scores_nothing():
    assert score({}, E, "age") == 0


@pytest.mark.parametrize("level, points", [
    ("none", 0), ("bachelor", 10), ("two_bachelors", 20), ("master", 20), ("two_masters", 40), ("doctorate", 40),
])
def test_qualification_levels(level, points):
    assert score({"qualification": level}, E, "qualification") == points
    bonus = 0 if level == "none" else 30
    assert score({"qualification": level, "renowned_institution": True}, E, "qualification") == points + bonus


@pytest.mark.parametrize("work, senior, points", [
    (0, 0, 0), (1.99, 0, 0), (2, 0, 5), (4.9, 4.9, 5), (5, 0, 15), (5, 1.9, 15), (5, 2, 30),
    (9.9, 5, 30), (10, 4.9, 30), (10, 5, 40), (40, 40, 40),
])
def test_work_tiers(work, senior, points):
    assert score({"work_years": work, "senior_years": senior}, E, "work_experience") == points


@pytest.mark.parametrize("international, multinational, bonus", [
    (1.9, 2.9, 0), (2, 0, 15), (0, 3, 20), (2, 3, 35),
])
def test_work_bonuses(international, multinational, bonus):
    answers = {"work_years": 10, "senior_years": 5, "international_years": international, "multinational_years": multinational}
    assert score(answers, E, "work_experience") == 40 + bonus


@pytest.mark.parametrize("answer, points", [
    (False, 0), (True, 30), ("actuaries", 30), ("ship-finance-professionals", 30), ("accountants", 0),
])
def test_talent_list(answer, points):
    # Accountants were added on 2025-03-01, after this edition ended.
    assert score({"talent_list": answer}, E, "talent_list") == points


@pytest.mark.parametrize("languages, points", [
    ([], 0), (["french"], 0), (["chinese"], 10), (["english"], 10), (["english", "french"], 15),
    (["Cantonese", "german"], 15), (["chinese", "english"], 20), (["chinese", "english", "french"], 20),
])
def test_language(languages, points):
    assert score({"good_languages": languages}, E, "language") == points


@pytest.mark.parametrize("answers, points", [
    ({}, 0),
    ({"family_hk_permanent_resident": True}, 5),
    ({"spouse_degree": True}, 5),
    ({"children_under_18": 1}, 5),
    ({"children_under_18": 2}, 10),
    ({"children_under_18": 5}, 10),
    ({"family_hk_permanent_resident": True, "spouse_degree": True, "children_under_18": 2}, 20),
    ({"spouse_degree": True, "children_under_18": 2, "dependants_apply_together": False}, 0),
    ({"family_hk_permanent_resident": True, "spouse_degree": True, "dependants_apply_together": False}, 5),
])
def test_family(answers, points):
    assert score(answers, E, "family") == points


@pytest.mark.parametrize("profession, on, points", [
    # Added on 2023-05-16: nothing before that day, 30 from it.
    ("ship-finance-professionals", "2023-03-01", 0),
    ("ship-finance-professionals", "2023-05-15", 0),
    ("ship-finance-professionals", "2023-05-16", 30),
    ("ship-finance-professionals", "2024-10-31", 30),
    ("ship-finance-professionals", None, 30),
    # On the list since 2018: on every date.
    ("actuaries", "2023-03-01", 30),
    ("actuaries", "2023-05-16", 30),
    # Added on 2025-03-01, after this test ended: never, on either side of that date.
    ("accountants", "2025-02-28", 0),
    ("accountants", "2025-03-01", 0),
    ("accountants", "2024-10-31", 0),
    ("accountants", None, 0),
])
def test_talent_list_profession_scores_only_on_the_list_in_force(profession, on, points):
    answers = {"talent_list": profession, **({"application_date": on} if on else {})}
    assert score(answers, E, "talent_list") == points


@pytest.mark.parametrize("lang, words", [
    ("en", "added to the Talent List on 16 May 2023, after your application date (1 March 2023)"),
    ("zh-Hant", "於2023年5月16日才加入人才清單，遲於你的申請日期（2023年3月1日）"),
])
def test_talent_list_reason_gives_both_dates_in_words(lang, words):
    result = qmas_core.assess({"talent_list": "ship-finance-professionals", "application_date": "2023-03-01"}, E, lang)
    assert words in next(f for f in result["factors"] if f["id"] == "talent_list")["reason"]

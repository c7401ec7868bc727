"""Every band edge of every `points-245` factor."""

import pytest

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

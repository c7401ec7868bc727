import pytest

import qmas_core


@pytest.mark.parametrize("edition", ["points-245", "criteria-2024", "achievement"])
def test_missing_prerequisite_answers_are_unmet(edition):
    result = qmas_core.assess({"age": 30, "good_languages": ["english"]}, edition)
    assert not result["eligible"] and not result["passed"]
    assert {"financially_independent", "clean_record", "basic_education"} <= set(result["unmet_prerequisites"])


@pytest.mark.parametrize("age, met", [(17, False), (18, True)])
def test_age_18(complete, age, met):
    result = qmas_core.assess({**complete, "age": age, "good_languages": ["english"]}, "criteria-2024")
    assert ("age_18" not in result["unmet_prerequisites"]) is met


def test_language_prerequisite_only_before_2024(complete):
    answers = {**complete, "age": 30, "good_languages": ["french"]}
    assert qmas_core.assess(answers, "points-245")["unmet_prerequisites"] == ["chinese_or_english"]
    assert qmas_core.assess(answers, "criteria-2024")["unmet_prerequisites"] == []
    ids = [p["id"] for p in qmas_core.assess(answers, "criteria-2024")["prerequisites"]]
    assert ids == ["age_18", "financially_independent", "clean_record", "basic_education", "nationality"]

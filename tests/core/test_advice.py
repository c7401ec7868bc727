"""What-if advice on hand-checked profiles."""

import qmas_core

BASE = {"financially_independent": True, "clean_record": True, "basic_education": True}


def texts(option):
    return sorted(c["id"] for c in option["changes"])


def test_criteria_short_by_one_lists_each_single_criterion():
    # Met: (1) age, (5) English, (6) 5 years, (10) income = 4... plus (4) two languages = 5.
    answers = {**BASE, "age": 30, "good_languages": ["english", "chinese"], "work_years": 6, "annual_income_hkd": 1_200_000}
    advice = qmas_core.advise(answers, "criteria-2024")
    assert (advice["passed"], advice["total"], advice["margin"]) == (False, 5, -1)
    single = {texts(o)[0] for o in advice["options"] if len(o["changes"]) == 1}
    assert {"eligible_university_degree", "international_2_years", "multinational_3_years"} <= {c["id"] for c in advice["candidates"]}
    assert all(len(o["changes"]) == 1 and o["total_after"] >= 6 for o in advice["options"])
    assert single and "age_50_or_below" not in single
    assert advice["summary"] == "You are 1 criterion short of the pass mark of 6 criteria."


def test_english_counts_twice_for_a_chinese_speaker():
    answers = {**BASE, "age": 30, "good_languages": ["chinese"], "work_years": 6, "annual_income_hkd": 1_200_000}
    advice = qmas_core.advise(answers, "criteria-2024")
    assert advice["total"] == 3
    english = next(c for c in advice["candidates"] if c["id"] == "good_english")
    assert english["gain"] == 2  # English also makes (4) two languages
    assert ["business_profit_5m", "good_english"] in [texts(o) for o in advice["options"]]


def test_points_one_change_enough():
    # 20 (age 41) + 10 (bachelor) + 15 (6 years) + 10 (Chinese) = 55: 25 short.
    answers = {**BASE, "age": 41, "qualification": "bachelor", "good_languages": ["chinese"], "work_years": 6, "senior_years": 1}
    advice = qmas_core.advise(answers, "points-245")
    assert advice["total"] == 55 and advice["margin"] == -25
    options = {texts(o)[0]: o["total_after"] for o in advice["options"]}
    assert options == {"work": 80, "qualification": 85, "renowned": 85, "talent": 85}
    for option in advice["options"]:
        patched = {**answers, **{k: v for c in option["changes"] for k, v in c["answers"].items()}}
        assert qmas_core.assess(patched, "points-245")["total"] == option["total_after"]


def test_points_needs_two_changes():
    answers = {**BASE, "age": 52, "qualification": "bachelor", "good_languages": ["english"], "work_years": 2}
    advice = qmas_core.advise(answers, "points-245")  # 0 + 10 + 5 + 10 = 25, 55 short
    assert advice["total"] == 25
    assert advice["options"] and all(len(o["changes"]) == 2 for o in advice["options"])
    assert all(o["total_after"] >= 80 for o in advice["options"])


def test_passing_profile_shows_margin_and_critical_facts():
    answers = {**BASE, "age": 30, "qualification": "doctorate", "renowned_institution": True, "good_languages": ["chinese"], "work_years": 2}
    advice = qmas_core.advise(answers, "points-245")  # 30 + 70 + 5 + 10 = 115
    assert (advice["passed"], advice["margin"]) == (True, 35)
    rests = {r["id"]: r["critical"] for r in advice["rests_on"]}
    assert rests == {"age": False, "qualification": True, "work_experience": False, "language": False}
    assert advice["options"] == [] and "35 points to spare" in advice["summary"]


def test_unmet_prerequisite_is_said_first():
    advice = qmas_core.advise({"age": 30, "achievement_award": True}, "achievement")
    assert advice["margin"] == 0 and not advice["passed"]
    assert "First meet every prerequisite" in advice["summary"] and len(advice["prerequisites"]) == 3


def test_achievement_advice():
    advice = qmas_core.advise({**BASE, "age": 30}, "achievement")
    assert sorted(texts(o)[0] for o in advice["options"]) == ["exceptional_award", "peer_recognition"]

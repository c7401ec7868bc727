"""The Top Talent Pass Scheme beside QMAS: each category on both sides of every threshold."""

import pytest

import qmas_core

ON = "2026-12-07"


def verdicts(answers: dict, lang: str = "en") -> dict:
    return {s["id"]: s["met"] for s in qmas_core.schemes({"application_date": ON, **answers}, lang)["schemes"]}


def condition(answers: dict, scheme: str, condition_id: str) -> dict:
    result = qmas_core.schemes({"application_date": ON, **answers})
    entry = next(s for s in result["schemes"] if s["id"] == scheme)
    return next(c for c in entry["conditions"] if c["id"] == condition_id)


@pytest.mark.parametrize("income, met", [(2_499_999, False), (2_500_000, True), (9_000_000, True), (0, False)])
def test_category_a_income_threshold(income, met):
    assert verdicts({"annual_income_hkd": income})["ttps-a"] is met


DEGREE = {"eligible_university_degree": True, "hk_degree": False}


@pytest.mark.parametrize("years, b, c", [(2.9, False, True), (3, True, False), (5, True, False), (0, False, True)])
def test_three_years_in_the_last_five_separates_b_and_c(years, b, c):
    got = verdicts({**DEGREE, "graduation_year": 2024, "work_years_last_5": years})
    assert (got["ttps-b"], got["ttps-c"]) == (b, c)


@pytest.mark.parametrize("year, met", [(2020, False), (2021, True), (2026, True), (2027, False)])
def test_category_c_counts_graduation_by_year(year, met):
    assert condition({**DEGREE, "graduation_year": year, "work_years_last_5": 1}, "ttps-c", "recent_graduate")["met"] is met


def test_no_eligible_degree_fails_b_and_c():
    got = verdicts({"eligible_university_degree": False, "graduation_year": 2024, "work_years_last_5": 4, "hk_degree": False})
    assert got["ttps-b"] is False and got["ttps-c"] is False


def test_non_local_graduates_of_hong_kong_programmes_use_iang_not_c():
    result = qmas_core.schemes({"application_date": ON, **DEGREE, "hk_degree": True, "graduation_year": 2025, "work_years_last_5": 0})
    assert next(s for s in result["schemes"] if s["id"] == "ttps-c")["met"] is False
    assert next(a for a in result["also_consider"] if a["id"] == "iang")["relevant"] is True


@pytest.mark.parametrize("hk_degree, says", [(True, "locally-accredited programme in Hong Kong: non-local"), (False, "not a degree from")])
def test_a_yes_no_condition_says_which_answer_decided(hk_degree, says):
    row = condition({**DEGREE, "hk_degree": hk_degree}, "ttps-c", "not_hk_degree")
    assert row["met"] is (not hk_degree) and says in row["reason"]


@pytest.mark.parametrize("answers", [{}, {"annual_income_hkd": None}, {"eligible_university_degree": None, "work_years_last_5": 4}])
def test_missing_or_unsure_answers_leave_the_verdict_open(answers):
    got = verdicts(answers)
    assert got["ttps-a"] is None or "annual_income_hkd" in answers and answers["annual_income_hkd"] is not None
    assert got["ttps-b"] is None


def test_one_unmet_condition_decides_even_with_another_unsure():
    assert verdicts({"eligible_university_degree": None, "work_years_last_5": 1})["ttps-b"] is False


def test_job_offer_points_to_gep_and_asmtp_only_when_answered():
    def relevant(answers):
        also = qmas_core.schemes({"application_date": ON, **answers})["also_consider"]
        return next(a for a in also if a["id"] == "gep-asmtp")["relevant"]
    assert relevant({"hk_job_offer": True}) is True
    assert relevant({"hk_job_offer": False}) is False
    assert relevant({}) is None


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_every_scheme_says_stay_processing_extension_and_sources(lang):
    result = qmas_core.schemes({"application_date": ON, "annual_income_hkd": 3_000_000}, lang)
    assert [s["id"] for s in result["schemes"]] == ["ttps-a", "ttps-b", "ttps-c"]
    for s in result["schemes"]:
        assert s["first_stay"] and s["processing"] and s["extension"] and s["sources"]
        assert all(c["reason"] for c in s["conditions"])
    months = {s["id"]: s["first_stay_months"] for s in result["schemes"]}
    assert months == {"ttps-a": 36, "ttps-b": 24, "ttps-c": 24}


def test_category_c_quota_is_a_note():
    result = qmas_core.schemes({"application_date": ON})
    c = next(s for s in result["schemes"] if s["id"] == "ttps-c")
    assert any("quota" in n for n in c["notes"])


def test_bad_answers_raise_like_assess():
    with pytest.raises(qmas_core.InvalidAnswers):
        qmas_core.schemes({"work_years_last_5": 6})


@pytest.mark.parametrize("code", ["AF", "CU", "KP"])
def test_the_excluded_nationalities_meet_no_category(code):
    rich = {"annual_income_hkd": 5_000_000, **DEGREE, "graduation_year": 2024, "work_years_last_5": 4}
    assert set(verdicts({**rich, "nationality": code}).values()) == {False}


@pytest.mark.parametrize("code", ["GB", "CN"])
def test_other_nationalities_are_not_excluded(code):
    assert verdicts({"annual_income_hkd": 5_000_000, "nationality": code})["ttps-a"] is True


def test_an_unanswered_nationality_is_not_checked_as_for_qmas():
    row = condition({"annual_income_hkd": 5_000_000}, "ttps-a", "nationality")
    assert row["met"] is True and row["reason"]


@pytest.mark.parametrize("test, stay", [("general", "36 months"), ("achievement", "8 years")])
def test_qmas_itself_is_described_for_the_comparison(test, stay):
    from qmas_core.answers import validate
    from qmas_core.schemes import for_profile
    qmas = for_profile(validate({}), "en", test=test)["qmas"]
    assert qmas["first_stay"] == stay and qmas["processing"] and qmas["extension"] and qmas["sources"]


def test_asks_only_what_could_still_change_a_verdict():
    def asks(answers):
        return set(qmas_core.schemes({"application_date": ON, **answers})["asks"])
    assert {"eligible_university_degree", "work_years_last_5", "graduation_year", "annual_income_hkd"} <= asks({})
    # No eligible degree rules out B and C: their other questions are not asked.
    ruled_out = asks({"eligible_university_degree": False, "annual_income_hkd": 100})
    assert "graduation_year" not in ruled_out and "work_years_last_5" not in ruled_out
    assert {"hk_degree", "hk_job_offer"} <= ruled_out  # the schemes to also consider

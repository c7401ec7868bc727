"""Validation: every bad value is a specific error naming its field, all reported at once."""

import datetime as dt
import math

import pytest

import qmas_core
from qmas_core.answers import age_on, next_birthday


def errors(answers, edition="criteria-2024", **kw):
    with pytest.raises(qmas_core.InvalidAnswers) as caught:
        qmas_core.assess(answers, edition, **kw)
    assert isinstance(caught.value, ValueError)
    return {e["field"]: e["message"] for e in caught.value.errors}


@pytest.mark.parametrize("field, value, words", [
    ("age", -1, "from 0 to 120 years old"),
    ("age", 121, "from 0 to 120 years old"),
    ("age", 30.5, "whole number"),
    ("age", True, "must be a number"),
    ("age", "30", "must be a number"),
    ("work_years", -0.5, "from 0 to 80 years"),
    ("work_years", math.nan, "finite"),
    ("work_years", math.inf, "finite"),
    ("work_years", False, "must be a number"),
    ("annual_income_hkd", -1, "from HK$0 to HK$10,000,000,000,000"),
    ("annual_income_hkd", 1e300, "from HK$0"),
    ("children_under_18", 21, "from 0 to 20 children"),
    ("clean_record", 1, "true or false"),
    ("clean_record", "yes", "true or false"),
    ("qualification", "phd", "one of: No degree, Bachelor's degree"),
    ("good_languages", "english", "list of language names"),
    ("good_languages", ["english", 3], "printable"),
    ("good_languages", ["\x00evil"], "not a language name"),
    ("good_languages", ["x" * 41], "printable"),
    ("good_languages", ["l%d" % i for i in range(21)], "at most 20"),
    ("talent_list", "astronaut", "Talent List profession"),
    ("talent_list", 1, "Talent List profession"),
    ("birth_date", "1990-02-30", "not a real calendar date: that month has only 28 days"),
    ("birth_date", "01/02/1990", "YYYY-MM-DD"),
    ("birth_date", 19900101, "YYYY-MM-DD"),
])
def test_bad_value_names_field(field, value, words):
    found = errors({field: value})
    assert words in found[field]


def test_all_problems_at_once():
    found = errors({"age": -3, "work_years": "ten", "colour": "blue", "clean_record": None})
    assert set(found) == {"age", "work_years", "colour"}
    assert "is not a question of this check" in found["colour"]


def test_senior_years_cannot_exceed_work_years():
    assert errors({"work_years": 3, "senior_years": 4})["senior_years"] == (
        'cannot be more than your answer to "Years of graduate or specialist-level work experience" (3 years)')


@pytest.mark.parametrize("key", ["international_years", "multinational_years", "specified_field_years"])
def test_part_of_work_years(key):
    assert key in errors({"work_years": 1, key: 2})


def test_answers_must_be_an_object():
    assert "answers" in errors(["age", 30])


def test_unknown_edition_and_language():
    found = errors({}, edition="points-999", lang="fr")
    assert "criteria-2024" in found["edition"] and "zh-Hant" in found["lang"]


def test_age_and_birth_date_together_is_an_error():
    assert "not both" in errors({"age": 30, "birth_date": "1990-01-01"})["birth_date"]


def test_birth_after_application_is_an_error():
    assert "before the application date" in errors({"birth_date": "2030-01-01", "application_date": "2026-01-01"})["birth_date"]


def test_unsure_counts_as_unanswered():
    result = qmas_core.assess({"age": 30, "stem_degree": None}, "criteria-2024")
    assert "stem_degree" in result["unanswered"] and result["unsure"] == ["stem_degree"]


@pytest.mark.parametrize("birth, on, age", [
    ("1990-06-15", "2026-06-14", 35),
    ("1990-06-15", "2026-06-15", 36),
    ("2000-02-29", "2026-02-28", 25),
    ("2000-02-29", "2026-03-01", 26),
    ("2000-02-29", "2028-02-29", 28),
    ("1975-12-31", "2025-12-31", 50),
])
def test_age_on(birth, on, age):
    assert age_on(dt.date.fromisoformat(birth), dt.date.fromisoformat(on)) == age
    assert qmas_core.assess({"birth_date": birth, "application_date": on}, "criteria-2024")["age"] == age


@pytest.mark.parametrize("birth, after, expected", [
    ("1990-06-15", "2026-06-14", "2026-06-15"),
    ("1990-06-15", "2026-06-15", "2027-06-15"),
    ("2000-02-29", "2026-01-10", "2026-03-01"),
    ("2000-02-29", "2027-03-01", "2028-02-29"),
])
def test_next_birthday(birth, after, expected):
    assert next_birthday(dt.date.fromisoformat(birth), dt.date.fromisoformat(after)).isoformat() == expected


def test_birthday_that_changes_points_is_reported():
    result = qmas_core.assess({"birth_date": "1985-03-10", "application_date": "2025-03-09"}, "points-245")
    assert result["age"] == 39
    assert result["age_changes"] == [
        {"id": "age", "label": "Age", "age": 40, "on": "2025-03-10", "on_text": "10 March 2025", "when": "after_application", "score": 30, "score_after": 20}
    ]


def test_birthday_that_changes_nothing_is_not_reported():
    assert qmas_core.assess({"age": 30}, "criteria-2024")["age_changes"] == []


def test_turning_18_reports_the_prerequisite():
    changes = qmas_core.assess({"age": 17}, "criteria-2024")["age_changes"]
    assert changes == [{"id": "age_18", "label": "Aged 18 or above when applying", "age": 18, "on": None, "on_text": None,
                        "when": "after_application", "met": False, "met_after": True}]


def test_birth_date_without_application_date_uses_today():
    today = dt.date.today()
    birth = today.replace(year=today.year - 30) if not (today.month == 2 and today.day == 29) else dt.date(today.year - 30, 3, 1)
    assert qmas_core.assess({"birth_date": birth.isoformat()}, "criteria-2024")["age"] == 30


def test_unsure_answers_say_what_to_check_and_where():
    result = qmas_core.assess({"eligible_university_postgraduate": None, "age": 30}, "criteria-2024")
    [check] = result["checks"]
    assert check["key"] == "eligible_university_postgraduate" and "Aggregate List" in check["check"]
    assert check["sources"][0]["url"] == "https://www.immd.gov.hk/pdf/aggregate_list.pdf"
    assert qmas_core.assess({"age": 30}, "criteria-2024")["checks"] == []


def test_birthday_before_a_chosen_application_date_is_reported():
    # 39 today, 40 by the application date: the result counts 40, and says what applying earlier keeps.
    result = qmas_core.assess({"birth_date": "1986-01-15", "application_date": "2026-03-01"}, "points-245",
                              today=dt.date(2025, 12, 1))
    assert result["age"] == 40 and result["factors"][0]["score"] == 20
    assert result["age_changes"] == [{"id": "age", "label": "Age", "age": 40, "on": "2026-01-15", "on_text": "15 January 2026",
                                      "when": "before_application", "score": 30, "score_after": 20}]


def test_no_before_application_row_when_the_date_is_past():
    result = qmas_core.assess({"birth_date": "1986-01-15", "application_date": "2026-03-01"}, "points-245",
                              today=dt.date(2026, 6, 1))
    assert [c["when"] for c in result["age_changes"]] == []

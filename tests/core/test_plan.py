"""The personal plan's dates on hand-checked profiles (29 February birthdays and month ends too)."""

import datetime as dt

import pytest

import qmas_core
from qmas_core.plan import add_months


def steps(answers: dict, lang: str = "en") -> dict:
    """Step id -> dates, in order."""
    out = {}
    for step in qmas_core.plan(answers, lang, today=dt.date(2026, 12, 7))["steps"]:
        out.setdefault(step["id"], []).append(step["date"])
    return out


@pytest.mark.parametrize("day, months, expected", [
    ("2025-01-31", 1, "2025-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2024-02-29", 36, "2027-02-28"),
    ("2024-02-29", 48, "2028-02-29"), ("2025-11-30", 3, "2026-02-28"), ("2026-12-07", 84, "2033-12-07"),
])
def test_add_months_keeps_the_day_or_the_months_last(day, months, expected):
    assert add_months(dt.date.fromisoformat(day), months).isoformat() == expected


def test_a_29_february_birthday_costs_criterion_1_on_1_march_in_a_common_year():
    plan = qmas_core.plan({"birth_date": "1976-02-29", "application_date": "2026-12-07"}, today=dt.date(2026, 12, 7))
    birthday = next(s for s in plan["steps"] if s["id"] == "birthday")
    assert birthday["date"] == "2027-03-01" and birthday["title"] == "You turn 51"
    assert "Aged 50 or below" in birthday["text"]


def test_a_29_february_birthday_in_a_leap_year_costs_points_on_the_day():
    got = steps({"birth_date": "1984-02-29", "application_date": "2024-01-10"})
    assert got["birthday"] == ["2024-02-29"]  # turns 40: age points 30 -> 20


def test_birthdays_after_the_edition_ended_are_left_out():
    # points-245 ended on 2024-10-31: turning 45 in 2029 changes nothing one could still apply under.
    assert "birthday" not in steps({"birth_date": "1984-05-01", "application_date": "2024-06-01"})


def test_birthdays_stop_at_the_last_application_date_the_form_accepts():
    # A birthday after 2100-12-31 would be an application date assess refuses.
    plan = qmas_core.plan({"birth_date": "2000-01-01", "application_date": "2099-12-31"}, today=dt.date(2026, 12, 7))
    assert plan["steps"][0]["id"] == "apply"


def test_work_reaching_the_next_tier_is_dated_from_the_application_date():
    got = qmas_core.plan({"age": 30, "application_date": "2024-01-01", "work_years": 4.5}, today=dt.date(2026, 12, 7))
    work = [s for s in got["steps"] if s["id"] == "work"]
    assert [s["date"] for s in work] == ["2024-07-01"]  # six months to 5 years
    assert "5 points → 15 points" in work[0]["text"]


def test_work_thresholds_of_the_current_test():
    got = qmas_core.plan({"age": 30, "application_date": "2026-12-07", "work_years": 3, "specified_field_years": 2},
                         today=dt.date(2026, 12, 7))
    work = {s["title"]: s["date"] for s in got["steps"] if s["id"] == "work"}
    assert "2028-12-07" in work.values()  # criterion (6): five years
    assert "2027-12-07" in work.values()  # criterion (8): three years in a specified field


def test_the_stay_from_a_given_start_date_in_a_3_plus_2_pattern():
    got = steps({"age": 30, "application_date": "2026-12-07", "stay_start_date": "2027-01-31"})
    assert got["stay_start"] == ["2027-01-31"]
    assert got["salaries_tax"] == ["2029-01-31"]
    assert got["stay_end_1"] == ["2030-01-31"] and got["window_1"] == ["2030-01-03"]
    assert got["stay_end_2"] == ["2032-01-31"] and got["window_2"] == ["2032-01-03"]
    assert got["right_of_abode"] == ["2034-01-31"]


def test_a_stay_starting_on_29_february_ends_on_the_28th():
    got = steps({"age": 30, "application_date": "2023-12-01", "stay_start_date": "2024-02-29"})
    assert got["stay_end_1"] == ["2027-02-28"] and got["right_of_abode"] == ["2031-02-28"]


def test_without_a_start_date_the_plan_counts_from_the_application_date_and_says_so():
    plan = qmas_core.plan({"age": 30, "application_date": "2026-12-07"}, today=dt.date(2026, 12, 7))
    assert plan["stay_start_assumed"] is True
    start = next(s for s in plan["steps"] if s["id"] == "stay_start")
    assert start["date"] == "2026-12-07" and "no official processing time" in start["text"]


def test_achievement_entrants_get_8_years_and_no_3_plus_2():
    got = steps({"age": 30, "application_date": "2026-12-07", "stay_start_date": "2027-01-01"})
    plan = qmas_core.plan({"age": 30, "application_date": "2026-12-07", "stay_start_date": "2027-01-01"},
                          edition="achievement", today=dt.date(2026, 12, 7))
    ids = [s["id"] for s in plan["steps"]]
    assert "salaries_tax" not in ids and "stay_end_2" not in ids
    assert next(s for s in plan["steps"] if s["id"] == "stay_end_1")["date"] == "2035-01-01"
    assert "stay_end_2" in got  # the General Points Test, for contrast


@pytest.mark.parametrize("on, total", [("2025-02-25", 230 * 3), ("2026-12-07", 1900 * 3)])
def test_the_apply_step_carries_the_familys_fees_at_the_application_date(on, total):
    plan = qmas_core.plan({"age": 30, "application_date": on, "accompanying_spouse": True, "children_under_18": 1},
                          today=dt.date(2026, 12, 7))
    apply = plan["steps"][0]
    assert apply["id"] == "apply" and f"HK${total:,}" in apply["text"]


def test_extension_windows_carry_the_familys_fees():
    plan = qmas_core.plan({"age": 30, "application_date": "2026-12-07", "children_under_18": 2}, today=dt.date(2026, 12, 7))
    window = next(s for s in plan["steps"] if s["id"] == "window_1")
    assert "HK$5,700 for 3 people" in window["text"]


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_every_step_is_dated_in_words_and_sourced(lang):
    plan = qmas_core.plan({"birth_date": "1980-06-15", "application_date": "2026-12-07", "work_years": 4}, lang,
                          today=dt.date(2026, 12, 7))
    dates = [s["date"] for s in plan["steps"]]
    assert dates == sorted(dates)
    for s in plan["steps"]:
        assert s["title"] and s["text"] and s["sources"] and s["date"] not in s["date_text"]

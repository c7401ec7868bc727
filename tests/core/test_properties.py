"""Invariants over generated profiles (derandomized, so a failure is reproducible)."""

import json

from hypothesis import assume, given, settings, strategies as st

import qmas_core
from qmas_core.answers import _shown_key, visible
from qmas_core.answers import questions

EDITIONS = ["points-245", "criteria-2024", "achievement"]
SETTINGS = settings(derandomize=True, max_examples=300, deadline=None)
YEARS = st.floats(min_value=0, max_value=40, allow_nan=False)


@st.composite
def profiles(draw):
    work = draw(YEARS)
    within = st.floats(min_value=0, max_value=work, allow_nan=False)
    answers = {
        "age": draw(st.integers(0, 120)),
        "qualification": draw(st.sampled_from(["none", "bachelor", "two_bachelors", "master", "two_masters", "doctorate"])),
        "work_years": work,
        "senior_years": draw(within),
        "international_years": draw(within),
        "multinational_years": draw(within),
        "specified_field_years": draw(within),
        "good_languages": draw(st.lists(st.sampled_from(["chinese", "english", "french", "cantonese"]), max_size=3)),
        "annual_income_hkd": draw(st.floats(min_value=0, max_value=5e6, allow_nan=False)),
        "business_profit_hkd": draw(st.floats(min_value=-1e6, max_value=1e7, allow_nan=False)),
        "children_under_18": draw(st.integers(0, 5)),
        "talent_list": draw(st.sampled_from([True, False, "actuaries", "accountants"])),
    }
    for key in ("renowned_institution", "eligible_university_postgraduate", "stem_degree", "owns_listed_company",
                "family_hk_permanent_resident", "spouse_degree", "dependants_apply_together", "achievement_award",
                "peer_recognition", "financially_independent", "clean_record", "basic_education"):
        answers[key] = draw(st.booleans())
    # Leave some answers out: missing answers must behave like the least favourable value.
    drop = draw(st.sets(st.sampled_from(sorted(answers))))
    return {k: v for k, v in answers.items() if k not in drop}


@SETTINGS
@given(profiles(), st.sampled_from(EDITIONS))
def test_scores_within_maxima(answers, edition):
    result = qmas_core.assess(answers, edition)
    assert all(0 <= f["score"] <= f["max"] for f in result["factors"])
    assert result["total"] == sum(f["score"] for f in result["factors"]) <= result["maximum"]
    assert sum(f["max"] for f in result["factors"]) == result["maximum"]
    assert result["passed"] == (result["eligible"] and result["total"] >= result["pass_mark"])
    json.dumps(result)


# Facts that can only help: turning one on must never lower any factor.
IMPROVEMENTS = [
    ("renowned_institution", True), ("eligible_university_postgraduate", True), ("stem_degree", True),
    ("owns_listed_company", True), ("family_hk_permanent_resident", True), ("spouse_degree", True),
    ("achievement_award", True), ("peer_recognition", True), ("financially_independent", True),
    ("clean_record", True), ("basic_education", True), ("talent_list", True), ("dependants_apply_together", True),
]


@SETTINGS
@given(profiles(), st.sampled_from(EDITIONS), st.sampled_from(IMPROVEMENTS))
def test_adding_a_qualifying_fact_never_lowers_a_score(answers, edition, fact):
    key, value = fact
    before = qmas_core.assess(answers, edition)
    after = qmas_core.assess({**answers, key: value}, edition)
    assert after["total"] >= before["total"]
    assert all(a["score"] >= b["score"] for a, b in zip(after["factors"], before["factors"]))
    assert after["passed"] >= before["passed"]


@SETTINGS
@given(profiles(), st.sampled_from(EDITIONS), st.sampled_from(["work_years", "annual_income_hkd", "business_profit_hkd"]),
       st.floats(min_value=0, max_value=10, allow_nan=False))
def test_more_years_or_money_never_lowers_a_score(answers, edition, key, extra):
    assume(key in answers)  # a dropped work_years cannot grow without breaking its parts
    before = qmas_core.assess(answers, edition)
    bigger = {**answers, key: answers.get(key, 0) + extra * (1 if key == "work_years" else 1e5)}
    after = qmas_core.assess(bigger, edition)
    assert after["total"] >= before["total"]


@SETTINGS
@given(profiles(), st.sampled_from(EDITIONS))
def test_missing_answer_is_least_favourable(answers, edition):
    result = qmas_core.assess(answers, edition)
    assert set(result["unanswered"]).isdisjoint(answers)


KEYS = [q["key"] for q in questions()]
BAD_VALUES = st.one_of(
    st.text(max_size=30).filter(lambda s: s not in ("none", "bachelor")),
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda f: f != f or f in (float("inf"), float("-inf")) or f < 0),
    st.integers(max_value=-1),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.lists(st.integers(), min_size=1, max_size=3),
)


@SETTINGS
@given(st.sampled_from(KEYS), BAD_VALUES, st.sampled_from(EDITIONS))
def test_invalid_input_raises_with_the_field(key, value, edition):
    try:
        qmas_core.assess({key: value}, edition)
    except qmas_core.InvalidAnswers as error:
        assert error.errors and any(e["field"] == key for e in error.errors)
        assert all(set(e) == {"field", "message"} and e["message"] for e in error.errors)
    else:
        # Only values that are valid for the key may get through (e.g. a talent id string never will).
        assert key in ("business_profit_hkd",) and isinstance(value, (int, float))


@SETTINGS
@given(st.dictionaries(st.text(max_size=20).filter(lambda k: visible(k).strip() not in KEYS), st.none() | st.integers(),
                       min_size=1, max_size=5))
def test_unknown_keys_always_rejected(answers):
    """(A key is the same key without invisible characters: "age" + a zero-width space is "age".)"""
    try:
        qmas_core.assess(answers, "criteria-2024")
    except qmas_core.InvalidAnswers as error:
        fields = {e["field"] for e in error.errors}
        assert fields >= {_shown_key(k) for k in answers}
        assert all(visible(f) == f for f in fields)
    else:
        raise AssertionError("unknown keys accepted")

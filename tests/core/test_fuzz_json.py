"""The JSON boundary the browser calls, fuzzed: any string in, a JSON answer out, never an exception.

``qmas_core.assess_json`` and ``find_universities_json`` (qmas_core/browser.py) promise "one
string in, one string out … every failure comes back as data". test_properties.py generates
well-formed profiles; here the request itself is hostile: any text, any JSON value, requests
whose answers, edition, language and extras are arbitrary JSON. Every call must return JSON
that is either a result or a non-empty list of errors, each naming a field, and a result must
be what ``assess`` itself says for the same request.
"""

from __future__ import annotations

import json
import math

from hypothesis import given, settings, strategies as st

import qmas_core
from qmas_core.browser import EXTRAS

SETTINGS = settings(derandomize=True, max_examples=400, deadline=None)
KEYS = [q["key"] for q in qmas_core.questions("en")]
EDITIONS = [e["id"] for e in qmas_core.editions("en")]
LANGS = ["en", "zh-Hant", "zh-Hans"]

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["", "unsure", "yes", "chinese", "master", "actuaries", "2024-02-29", "1990-13-01", "NaN"]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def answer_values(key):
    """Mostly plausible values for the key, sometimes any JSON at all."""
    plausible = {
        "age": st.integers(-5, 130), "children_under_18": st.integers(-2, 12),
        "qualification": st.sampled_from(["none", "bachelor", "master", "doctorate", "phd", ""]),
        "good_languages": st.lists(st.sampled_from(["chinese", "english", "french", "", "x" * 50]), max_size=4),
        "birth_date": st.dates().map(str), "application_date": st.dates().map(str),
        "talent_list": st.one_of(st.booleans(), st.sampled_from(["actuaries", "no-such-profession"])),
    }.get(key, st.one_of(st.booleans(), st.floats(-10, 1e7, allow_nan=False)))
    return st.one_of(plausible, plausible, st.none(), JSON_VALUES)


ANSWERS = st.one_of(
    st.lists(st.sampled_from(KEYS), unique=True, max_size=10).flatmap(
        lambda keys: st.fixed_dictionaries({k: answer_values(k) for k in keys})),
    st.dictionaries(st.text(max_size=20), JSON_VALUES, max_size=3),
    JSON_VALUES,
)
REQUESTS = st.fixed_dictionaries({}, optional={
    "answers": ANSWERS,
    "edition": st.one_of(st.sampled_from(EDITIONS), JSON_VALUES),
    "lang": st.one_of(st.sampled_from(LANGS), JSON_VALUES),
    "include": st.one_of(st.lists(st.sampled_from(EXTRAS), unique=True), st.lists(JSON_VALUES, max_size=3), JSON_VALUES),
})


def check_answer(out: str, request=None) -> dict:
    """The answer is JSON: a result, or errors that each name a field and say what is wrong.
    (A field may be blank only when the request itself named an answer key "" or " ".)"""
    given_keys = set(request["answers"]) if isinstance(request, dict) and isinstance(request.get("answers"), dict) else set()
    assert isinstance(out, str)
    answer = json.loads(out)
    assert isinstance(answer, dict)
    assert ("result" in answer) != ("errors" in answer), answer
    if "errors" in answer:
        assert isinstance(answer["errors"], list) and answer["errors"], answer
        for error in answer["errors"]:
            assert isinstance(error.get("field"), str) and (error["field"].strip() or error["field"] in given_keys), error
            assert isinstance(error.get("message"), str) and error["message"].strip(), error
    return answer


def to_json(value) -> str:
    """As the browser would send it, except that Python also writes NaN and Infinity, which the
    boundary's json.loads reads too."""
    return json.dumps(value, ensure_ascii=False)


@SETTINGS
@given(st.text(max_size=200))
def test_any_text_is_answered_with_json(text):
    check_answer(qmas_core.assess_json(text))


@SETTINGS
@given(JSON_VALUES)
def test_any_json_value_is_answered_with_json(value):
    check_answer(qmas_core.assess_json(to_json(value)))


@SETTINGS
@given(REQUESTS)
def test_hostile_requests_are_answered_with_json(request):
    answer = check_answer(qmas_core.assess_json(to_json(request)), request)
    if "result" in answer:
        # A result is exactly what assess says for the same request.
        expected = qmas_core.assess(request.get("answers", {}), request.get("edition") or qmas_core.edition_for(),
                                    request.get("lang", "en"))
        assert answer["result"] == json.loads(json.dumps(expected, ensure_ascii=False))
        assert set(answer) - {"result"} <= set(request.get("include", []))


@SETTINGS
@given(st.one_of(st.text(max_size=100), JSON_VALUES.map(to_json),
                 st.fixed_dictionaries({}, optional={"query": JSON_VALUES, "limit": JSON_VALUES,
                                                     "lang": JSON_VALUES}).map(to_json)))
def test_university_finder_answers_with_json(request):
    out = qmas_core.find_universities_json(request)
    answer = json.loads(out)
    if isinstance(answer, dict) and "errors" in answer:
        assert all(e["field"] and e["message"] for e in answer["errors"])


def test_deeply_nested_request_is_an_error_not_a_crash():
    """json.loads gives up on very deep nesting with RecursionError, not ValueError."""
    check_answer(qmas_core.assess_json("[" * 100_000 + "]" * 100_000))
    check_answer(qmas_core.assess_json('{"answers": ' + "[" * 100_000 + "]" * 100_000 + "}"))


def test_nesting_is_refused_before_parsing_beyond_the_limit():
    """The browser's stack overflows in json.loads long before Python's recursion limit, so
    nesting beyond MAX_DEPTH is refused before parsing; brackets inside strings do not count."""
    from qmas_core.browser import MAX_DEPTH

    def nested(depth):  # the request itself is depth 1, "answers" 2, then lists
        return '{"answers": {"age": ' + "[" * (depth - 2) + "]" * (depth - 2) + "}}"

    assert check_answer(qmas_core.assess_json(nested(MAX_DEPTH)))["errors"][0]["field"] == "age"
    assert check_answer(qmas_core.assess_json(nested(MAX_DEPTH + 1)))["errors"][0]["field"] == "request"
    brackets = to_json({"answers": {"age": 30, "note": "[{" * 1000 + '\\"'}, "edition": "criteria-2024"})
    assert check_answer(qmas_core.assess_json(brackets))["errors"][0]["field"] == "note"
    query = to_json({"query": "[" * 1000})
    assert "errors" not in json.loads(qmas_core.find_universities_json(query))
    assert json.loads(qmas_core.find_universities_json("[" * 40 + "]" * 40))["errors"][0]["field"] == "query"


def test_nan_and_infinity_in_answers_are_errors():
    for bad in (math.nan, math.inf, -math.inf):
        answer = check_answer(qmas_core.assess_json(to_json({"answers": {"age": bad, "work_years": bad}})))
        assert {e["field"] for e in answer["errors"]} == {"age", "work_years"}

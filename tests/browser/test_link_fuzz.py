"""Hostile deep links: the calculator's URL fragment parser, fuzzed, and the page opened with them.

``parseFragment(form, fragment)`` (overrides/assets/javascripts/qmas-link.js, imported into the page)
reads whatever a link carries. Hypothesis (derandomized, so a failure is reproducible) builds
batches of hostile fragments in Python: markup and script, huge values, unknown and
Object.prototype keys, broken percent-encodings, control characters, any Unicode. Each batch
is parsed in one ``page.evaluate`` call on the real calculator page, against its real form:

* no exception, and each call takes a bounded time;
* every answer it returns is a question of the form, of that question's type;
* every problem names a field (non-blank, at most 40 characters) and says what is wrong;
* what it accepts survives a round trip through ``formatFragment``.

Then the calculator is opened with such links: nothing in them runs (no handler fires, no
element or request appears, no CSP violation), the calculator still answers, and "Ignored from
the link" (``[data-testid=link-problems]``) names the bad fields.
"""

from __future__ import annotations

import datetime
import math
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from playwright.sync_api import expect

import qmas_core
from tests.browser.calculator_driver import READY_TIMEOUT
from tests.browser.site_pages import CSP_RECORDER, csp_violations, wait_for_result

QUESTIONS = {q["key"]: q for q in qmas_core.questions("en")}
EDITIONS = [e["id"] for e in qmas_core.editions("en")]
BATCH = 40
BATCHES = 12  # 480 fragments
MAX_MS_PER_CALL = 50
FIELD_MAX = 40
NAMED = re.compile(r"[^\s\x00-\x1f\x7f-\x9f]")  # a field name has something to read
# Format characters (bidi controls, zero-width), line separators: invisible, or they reorder text.
FORMAT_CHARS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
                "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2061", "\ufeff", "\u061c",
                "\u00ad", "\u2028", "\u2029"]
INVISIBLE = re.compile("[" + "".join(FORMAT_CHARS) + "\x00-\x1f\x7f-\x9f\ud800-\udfff]")
PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf",
                  "__defineGetter__", "propertyIsEnumerable", "toLocaleString"]

HOSTILE_VALUES = [
    "<script>window.__pwned=1</script>", "<img src=x onerror=window.__pwned=1>", "\"'><svg onload=window.__pwned=1>",
    "javascript:window.__pwned=1", "${window.__pwned=1}", "{{7*7}}", "</script><script>window.__pwned=1</script>",
    "unsure", "UNSURE", "null", "undefined", "NaN", "Infinity", "-Infinity", "1e999", "0x10", "1_000", " 30", "30 ",
    "-0", "00030", "1.", ".5", "9" * 16, "9" * 17, "9" * 400, "A" * 5000, "\x00", "\x1f\x7f", "\u202e30", "\ufeff",
    "中文", "𝟛𝟘", "👍", "chinese,english", ",,,,", "a," * 30, "2024-02-30", "99999-01-01", "2024-1-1",
    "yes", "no", "true", "FALSE", "Yes", "on", "doctorate", "master", "actuaries", "__proto__", "constructor",
    "english,\u200b", "\u202e", "chinese,\u2066english", "3\u200b0", "2000-02-30", "2023-02-29", "1e308", "1e+308",
    "1E5", "1e309", "-1e308",
] + FORMAT_CHARS + [c + "english" for c in FORMAT_CHARS[:9]]
BROKEN_ENCODINGS = ["%", "%G1", "%E0%A4%A", "%ED%A0%80", "%C0%AF", "%FF", "%00", "%0A", "%25", "%2526", "%%", "%u0041",
                    "+", "%2B", "%3Cscript%3E", "%F0%9F%91"]


def text(max_size=30):
    # Lone surrogates (Cs) cannot travel through JSON to the page; they are tested on it.
    letters = st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(FORMAT_CHARS))
    return st.text(letters, max_size=max_size)


def encoded(value_strategy):
    """A value as a link might carry it: raw, percent-encoded, or encoded twice."""
    return st.tuples(value_strategy, st.sampled_from(["raw", "quoted", "twice"])).map(
        lambda pair: pair[0] if pair[1] == "raw"
        else quote(pair[0], safe="") if pair[1] == "quoted" else quote(quote(pair[0], safe=""), safe=""))


def good_value(key):
    q = QUESTIONS[key]
    choices = [c["value"] for c in q.get("choices", [])]
    kinds = {"bool": st.sampled_from(["yes", "no"]), "choice": st.sampled_from(choices or ["none"]),
             "talent_list": st.sampled_from(["yes", "no", "actuaries"]),
             "languages": st.lists(st.sampled_from(["chinese", "english", "french"]), min_size=1, max_size=3).map(",".join),
             "date": st.dates().map(lambda d: d.isoformat())}
    return kinds.get(q["type"], st.integers(-10, 10**9).map(str))


KEYS = st.one_of(
    st.sampled_from(sorted(QUESTIONS) + ["edition", "lang"]),
    st.sampled_from(PROTOTYPE_KEYS + ["", " ", "AGE", "age]", "<script>", "x" * 100, "%", "%E0%A4%A", "age\u200b",
                                     "\u202e age", "\u200b", "\u202e\u2066"] + FORMAT_CHARS),
    text(20),
)
VALUES = st.one_of(
    st.sampled_from(HOSTILE_VALUES + BROKEN_ENCODINGS + EDITIONS),
    st.sampled_from(sorted(QUESTIONS)).flatmap(good_value),
    text(),
)


@st.composite
def part(draw):
    key = draw(st.one_of(KEYS, KEYS.map(lambda k: quote(k, safe=""))))
    shape = draw(st.sampled_from(["key=value", "key=value", "key=value", "key", "key=", "=value", "", "key==value"]))
    value = draw(encoded(VALUES))
    return shape.replace("key", key).replace("value", value)


@st.composite
def fragment(draw):
    parts = draw(st.lists(part(), max_size=12))
    separator = draw(st.sampled_from(["&", "&", "&&", ";"]))
    hash_sign = draw(st.sampled_from(["#", "#", ""]))
    return hash_sign + separator.join(parts)


LINK_MODULE = """await import(new URL("qmas-link.js", new URL("assets/javascripts/calculator.js", __md_scope)))"""

PARSE_BATCH = """async (fragments) => {
  const form = document.getElementById("qmas-form");
  const qmasLink = """ + LINK_MODULE + """;
  return fragments.map((fragment) => {
    const started = performance.now();
    try {
      const parsed = qmasLink.parseFragment(form, fragment);
      const ms = performance.now() - started;
      let again = null;
      if (parsed.edition || Object.keys(parsed.answers).length) {
        const link = qmasLink.formatFragment(form, parsed.edition || "auto", parsed.answers);
        again = qmasLink.parseFragment(form, link);
        again.link = link;
      }
      return { ok: true, ms, parsed, keys: Object.keys(parsed.answers), again };
    } catch (error) {
      return { ok: false, error: String(error && error.stack || error) };
    }
  });
}"""

FORM_FACTS = """() => {
  const form = document.getElementById("qmas-form");
  const options = {};
  form.querySelectorAll("select").forEach((s) => { options[s.name] = Array.from(s.options, (o) => o.value); });
  form.querySelectorAll(".qmas-question[data-type=country]").forEach((q) => {
    options[q.dataset.key] = Array.from(q.querySelectorAll("datalist option"), (o) => o.dataset.value);
  });
  return {
    types: Object.fromEntries(Array.from(form.querySelectorAll(".qmas-question"), (n) => [n.dataset.key, n.dataset.type])),
    editions: Array.from(form.querySelectorAll("input[name=edition]"), (r) => r.value),
    options,
  };
}"""


class LinkPage(tuple):
    """(page, facts about its form); a short repr for Hypothesis' falsifying examples."""

    def __repr__(self):
        return "<calculator page>"


@pytest.fixture(scope="module")
def link_page(browser, served_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{served_site}calculator/")
    page.wait_for_load_state("domcontentloaded")
    facts = page.evaluate(FORM_FACTS)
    assert facts["types"] and set(facts["types"]) == set(QUESTIONS)
    yield LinkPage((page, facts))
    context.close()


def real_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_value(key: str, value, facts) -> str | None:
    """Why ``value`` is not a possible answer to question ``key``, or None."""
    kind = facts["types"][key]
    options = [o for o in facts["options"].get(key, []) if o]
    if value is None:
        return None  # "not sure"
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "choice":
        ok = value in options and value != "unsure"
    elif kind == "talent_list":
        ok = isinstance(value, bool) or (value in options and value not in ("yes", "no", "unsure"))
    elif kind == "languages":  # [] (an empty value) is "none of them", as the core reads it
        most = QUESTIONS[key].get("max_items", math.inf)
        ok = (isinstance(value, list) and len(value) <= most
              and all(isinstance(n, str) and n.strip() and not re.search(r"[<>]", n) and not INVISIBLE.search(n)
                      for n in value))
    elif kind == "country":
        ok = value in options
    elif kind == "money":  # as typed: the core reads amounts as people write them
        ok = isinstance(value, str) and value.strip() != "" and not INVISIBLE.search(value) and not re.search(r"[<>]", value)
    elif kind == "date":
        ok = isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None and real_date(value)
    else:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return None if ok else f"{key}={value!r} is not a {kind} answer"


def check_parsed(fragment: str, outcome: dict, facts: dict) -> list[str]:
    """Every property of one parse; an empty list when all hold."""
    if not outcome["ok"]:
        return [f"threw: {outcome['error']}"]
    wrong = []
    parsed = outcome["parsed"]
    if outcome["ms"] > MAX_MS_PER_CALL:
        wrong.append(f"took {outcome['ms']:.1f} ms")
    if parsed["edition"] is not None and parsed["edition"] not in facts["editions"]:
        wrong.append(f"edition {parsed['edition']!r}")
    for key in outcome["keys"]:
        if key not in facts["types"]:
            wrong.append(f"{key!r} accepted as an answer, but it is no question of the form")
        elif (why := check_value(key, parsed["answers"].get(key), facts)):
            wrong.append(why)
    parts = [p for p in re.split("&", fragment.removeprefix("#")) if p]
    if len(parsed["problems"]) > max(1, len(parts)):
        wrong.append(f"{len(parsed['problems'])} problems for {len(parts)} parts")
    for problem in parsed["problems"]:
        field, message = problem.get("field"), problem.get("message")
        if not isinstance(field, str) or not NAMED.search(field) or len(field) > FIELD_MAX:
            wrong.append(f"a problem names no field: {problem!r}")
        elif INVISIBLE.search(field) or INVISIBLE.search(message or ""):
            wrong.append(f"a problem shows invisible characters: {problem!r}")
        if not isinstance(message, str) or not message.strip():
            wrong.append(f"a problem says nothing: {problem!r}")
    again = outcome["again"]
    if again is not None and not [w for w in wrong if "accepted as an answer" in w]:
        if again["problems"] or again["answers"] != parsed["answers"]:
            wrong.append(f"round trip through {again['link'][:120]!r} gave {again['answers']!r}, {again['problems']!r}")
    return wrong


# No shrinking: a batch of 40 browser round trips shrinks for minutes; the assertion lists
# just the failing fragments of the batch, and each property names what is wrong.
FUZZ = settings(derandomize=True, max_examples=BATCHES, deadline=None, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

@FUZZ
@given(st.lists(fragment(), min_size=BATCH, max_size=BATCH))
def test_parse_fragment_survives_hostile_links(link_page, fragments):
    page, facts = link_page
    outcomes = page.evaluate(PARSE_BATCH, fragments)
    failures = {f: w for f, o in zip(fragments, outcomes) if (w := check_parsed(f, o, facts))}
    assert failures == {}


@pytest.mark.parametrize("fragment, fields", [
    ("#constructor=5", ["constructor"]),
    ("#toString=1&hasOwnProperty=yes&valueOf=unsure", ["toString", "hasOwnProperty", "valueOf"]),
    ("#__proto__=unsure", ["__proto__"]),
])
def test_object_prototype_names_are_not_answer_keys(link_page, fragment, fields):
    """A link may name any key; only the form's questions are answers (qmas-link.js looked keys up
    in a plain object, so inherited names such as "constructor" counted as questions)."""
    page, facts = link_page
    outcome = page.evaluate(PARSE_BATCH, [fragment])[0]
    assert outcome["ok"], outcome
    assert outcome["keys"] == []
    assert [p["field"] for p in outcome["parsed"]["problems"]] == fields


@pytest.mark.parametrize("fragment, field", [
    ("#spouse_degree=constructor", "spouse_degree"),
    ("#spouse_degree=__proto__", "spouse_degree"),
    ("#talent_list=toString", "talent_list"),
    ("#talent_list=__proto__", "talent_list"),
])
def test_object_prototype_names_are_not_values(link_page, fragment, field):
    """"yes"/"no" words were looked up in a plain object too: "constructor" read as a yes."""
    page, facts = link_page
    outcome = page.evaluate(PARSE_BATCH, [fragment])[0]
    assert outcome["ok"], outcome
    assert outcome["keys"] == []
    assert [p["field"] for p in outcome["parsed"]["problems"]] == [field]


@pytest.mark.parametrize("fragment", ["#=5", "#+=1", "#%20=yes", "#=unsure&age=30", "#%E2%80%8B=1", "#%E2%80%AE%E2%80%8B=yes",
                                      "#good_languages=%E2%80%8B", "#age=3%E2%80%8B0", "#%ED%A0%80=1"])
def test_a_problem_with_a_blank_key_still_names_it(link_page, fragment):
    page, facts = link_page
    outcome = page.evaluate(PARSE_BATCH, [fragment])[0]
    assert check_parsed(fragment, outcome, facts) == []


LONE_SURROGATES = """async () => {
  const form = document.getElementById("qmas-form");
  const qmasLink = """ + LINK_MODULE + """;
  const texts = ["\\uD800", "a\\uDC00b", "english,\\uDBFF", "\\uDFFF\\uD800"];
  const out = [];
  for (const text of texts) {
    for (const fragment of ["#" + text + "=1", "#good_languages=" + text, "#age=" + text]) {
      try {
        const parsed = qmasLink.parseFragment(form, fragment);
        const link = qmasLink.formatFragment(form, "auto", { good_languages: [text], age: 30, annual_income_hkd: text });
        out.push({ fragment, ok: true, parsed, link, again: qmasLink.parseFragment(form, link) });
      } catch (error) {
        out.push({ fragment, ok: false, error: String(error) });
      }
    }
  }
  return out;
}"""


def test_lone_surrogates_never_throw(link_page):
    """Set by a script or kept in storage, a lone UTF-16 surrogate made encodeURIComponent throw."""
    page, facts = link_page
    for outcome in page.evaluate(LONE_SURROGATES):
        assert outcome["ok"], outcome
        for key, value in outcome["parsed"]["answers"].items():
            assert check_value(key, value, facts) is None, outcome
        assert not [p for p in outcome["parsed"]["problems"] if INVISIBLE.search(p["field"])], outcome


# --------------------------------------------------------------------------- the page itself


HOSTILE_LINKS = [
    pytest.param("#age=<img src=x onerror=window.__pwned=1>&edition=<script>window.__pwned=2</script>",
                 ["age", "edition"], id="markup-and-script"),
    pytest.param("#edition=criteria-2024&qualification=<svg onload=window.__pwned=3>&work_years=1e999"
                 "&%22%3E%3Cscript%3Ewindow.__pwned%3D4%3C%2Fscript%3E=1&lang=%3Cscript%3E&age=%E0%A4%A",
                 ["qualification", "work_years", '"><script>window.__pwned=4</script>', "age=%E0%A4%A"],
                 id="encoded-script-key-broken-encoding"),
    pytest.param("#constructor=5&toString=1&age=30", ["constructor", "toString"], id="prototype-keys"),
    pytest.param("#age=30&note=" + "A" * 4100, ["link"], id="too-long"),
]


@pytest.fixture(scope="module")
def hostile_context(browser):
    context = browser.new_context()  # one context: the Pyodide files are cached between the links
    context.add_init_script(CSP_RECORDER)
    yield context
    context.close()


@pytest.mark.parametrize("link, fields", HOSTILE_LINKS)
def test_hostile_link_runs_nothing_and_is_reported(hostile_context, served_site, link, fields):
    page = hostile_context.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{served_site}calculator/{link}")
        wait_for_result(page, errors, READY_TIMEOUT)
        problems = page.get_by_test_id("link-problems")
        expect(problems).to_be_visible()
        shown = problems.inner_text()
        for field in fields:
            assert field in shown, (field, shown)
        assert page.evaluate("() => window.__pwned") is None
        injected = page.evaluate("""() => document.querySelectorAll(
            "#qmas-calculator img, #qmas-calculator svg[onload], #qmas-calculator script:not([type='application/json']), [onerror], [onload]").length""")
        assert injected == 0
        assert not [u for u in requests if u.rstrip("/").endswith("/x")], requests
        assert csp_violations(page) == []
        assert errors == []
    finally:
        page.close()

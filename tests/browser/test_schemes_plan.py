"""QMAS beside the Top Talent Pass Scheme, the summary graphic and the dated plan, through the real
form: what the page shows agrees with the core (CPython) for the same answers, in each language."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

import qmas_core
from tests.browser.calculator_driver import READY_TIMEOUT, fill_answers, open_calculator, shown_result

icalendar = pytest.importorskip("icalendar")

STATE = {True: "met", False: "unmet", None: "open"}
PROFILES = [
    # A high earner with a listed degree and three recent years of work: A and B, not C.
    {"qualification": "master", "eligible_university_postgraduate": True, "good_languages": ["chinese", "english"],
     "work_years": 6, "annual_income_hkd": 2_600_000, "eligible_university_degree": True, "graduation_year": 2019,
     "work_years_last_5": 4, "financially_independent": True, "clean_record": True, "basic_education": True,
     "birth_date": "1990-05-01"},
    # A recent graduate: C only, QMAS short.
    {"age": 24, "qualification": "bachelor", "eligible_university_degree": True, "graduation_year": 2025,
     "work_years_last_5": 1, "hk_degree": False, "good_languages": ["english"]},
    # Not sure of the degree: B and C open; a national of an excluded country meets nothing.
    {"age": 40, "eligible_university_degree": None, "work_years_last_5": 4, "annual_income_hkd": 900_000},
    {"age": 35, "annual_income_hkd": 3_000_000, "nationality": "KP"},
]


def link(answers: dict) -> str:
    def word(value):
        if value is None:
            return "unsure"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return ",".join(value) if isinstance(value, list) else str(value)
    return "#" + "&".join(f"{key}={word(value)}" for key, value in answers.items())


def card_states(page) -> list[str]:
    cards = page.locator("[data-testid=schemes] .qmas-scheme")
    return [cards.nth(i).get_attribute("data-state") for i in range(cards.count())]


@pytest.mark.parametrize("lang", ["", "zh-Hant/", "zh-Hans/"])
def test_side_by_side_agrees_with_the_core(page, served_site, lang):
    open_calculator(page, served_site, link(PROFILES[0]), lang)
    code = lang.rstrip("/") or "en"
    for n, answers in enumerate(PROFILES):
        if n:
            fill_answers(page, "auto", answers)
        shown_result(page)
        result = qmas_core.assess(answers, lang=code)
        schemes = qmas_core.schemes(answers, code)
        qmas = "met" if result["passed"] else "open" if result["best_case"] and result["best_case"]["passed"] else "unmet"
        assert card_states(page) == [qmas] + [STATE[s["met"]] for s in schemes["schemes"]], answers
        caption = page.locator("[data-testid=glance] figcaption").text_content()
        assert result["total_text"] in caption and all(s["title"] in caption for s in schemes["schemes"])
        conditions = page.locator("[data-testid=schemes] .qmas-scheme-conditions li").all_text_contents()
        assert conditions == [c["label"] + " — " + c["reason"] for s in schemes["schemes"] for c in s["conditions"]]


def test_the_summary_graphic_is_an_image_with_its_text_beside_it(page, served_site):
    open_calculator(page, served_site, link(PROFILES[0]))
    shown_result(page)
    drawing = page.locator("[data-testid=glance] svg")
    assert drawing.get_attribute("role") == "img" and drawing.get_attribute("aria-label")
    # Nothing in it takes focus: Tab goes past it.
    assert page.locator("[data-testid=glance] [tabindex], [data-testid=glance] a, [data-testid=glance] button").count() == 0
    rows = page.locator("[data-testid=glance] .qmas-glance-verdict")
    assert rows.count() == 4  # QMAS and the three categories, each with a word and a mark


def test_the_plan_downloads_as_a_calendar_file_the_core_made(page, served_site):
    answers = PROFILES[0]
    open_calculator(page, served_site, link(answers))
    shown_result(page)
    with page.expect_download() as waiting:
        page.get_by_test_id("plan-ics").click()
    text = open(waiting.value.path(), encoding="utf-8").read()
    events = [c for c in icalendar.Calendar.from_ical(text).walk() if c.name == "VEVENT"]
    plan = qmas_core.plan(answers)
    assert [(e.decoded("DTSTART"), str(e["SUMMARY"])) for e in events] == [
        (dt.date.fromisoformat(s["date"]), s["title"]) for s in plan["steps"]]
    shown = page.locator("[data-testid=plan] li").evaluate_all("items => items.map((li) => li.dataset.date)")
    assert shown == [s["date"] for s in plan["steps"]]


def test_the_plan_prints_without_its_download_button(page, served_site):
    open_calculator(page, served_site, link(PROFILES[1]))
    shown_result(page)
    page.emulate_media(media="print")
    expect(page.get_by_test_id("plan")).to_be_visible()
    expect(page.get_by_test_id("plan-ics")).to_be_hidden()
    expect(page.get_by_test_id("glance")).to_be_visible()


@pytest.mark.parametrize("lang", ["", "zh-Hant/"])
def test_schemes_plan_and_graphic_fit_a_phone(browser, served_site, lang):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    open_calculator(page, served_site, link(PROFILES[0]), lang)
    shown_result(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    box = page.locator("[data-testid=glance] svg").bounding_box()
    assert box["width"] <= 360
    context.close()


def test_questions_only_the_other_schemes_read_are_asked_while_they_matter(page, served_site):
    # No listed degree: categories B and C are decided, so the year of graduation is not asked.
    open_calculator(page, served_site, link({"age": 30, "eligible_university_degree": False}))
    shown_result(page)
    expect(page.locator(".qmas-question[data-key=graduation_year]")).to_be_hidden()
    page.locator("input[name=eligible_university_degree][value=yes]").check()
    expect(page.locator(".qmas-question[data-key=graduation_year]")).to_be_visible(timeout=READY_TIMEOUT)

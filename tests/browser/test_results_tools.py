"""Results people can act on and share: links, print, remembered answers, the embed view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import qmas_core
from tests.conftest import golden_cases
from tests.browser.calculator_driver import READY_TIMEOUT, fill_answers, open_calculator, shown_result


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture(scope="module")
def calculator(context, served_site):
    page = context.new_page()
    open_calculator(page, served_site)
    return page


def test_every_golden_profile_round_trips_through_a_link(context, calculator, served_site):
    reopened = context.new_page()
    for case in golden_cases():
        fill_answers(calculator, case["edition"], case["answers"])
        before = shown_result(calculator)
        link = calculator.evaluate("() => location.href")
        reopened.goto("about:blank")
        reopened.goto(link)
        expect(reopened.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
        assert shown_result(reopened) == before, case["name"]
        assert before["total"] == case["expected"]["total"]
    reopened.close()


def test_link_prefills_a_subset_and_picks_the_edition(page, served_site):
    open_calculator(page, served_site, "#edition=points-245&age=41&good_languages=chinese,french")
    expect(page.locator("input[name=edition][value='points-245']")).to_be_checked()
    expect(page.locator("#q-age")).to_have_value("41")
    expect(page.get_by_test_id("language-chips")).to_contain_text("french")
    result = shown_result(page)
    assert result["factors"]["age"] == 20 and result["factors"]["language"] == 15


def test_unknown_and_malformed_link_values_are_reported_and_ignored(page, served_site):
    open_calculator(page, served_site, "#edition=criteria-2024&age=30&colour=blue&work_years=lots&clean_record=maybe")
    problems = page.get_by_test_id("link-problems")
    expect(problems).to_contain_text("colour")
    expect(problems).to_contain_text("work_years")
    expect(problems).to_contain_text("clean_record")
    assert shown_result(page)["factors"]["age_50_or_below"] == 1


def test_print_fits_three_a4_pages(calculator):
    """The printed summary: result, graphic, advice, the other schemes' verdicts and why, the
    plan's dated steps, checklist and answers (the schemes and the plan took it from two pages
    to three; their details stay on screen)."""
    case = next(c for c in golden_cases() if c["edition"] == "points-245")
    fill_answers(calculator, case["edition"], case["answers"])
    shown_result(calculator)
    calculator.emulate_media(media="print")
    pdf = calculator.pdf(format="A4", print_background=False)
    calculator.emulate_media(media="screen")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3, pages


def test_advice_in_the_page_matches_the_core(calculator):
    answers = {"age": 41, "qualification": "bachelor", "good_languages": ["chinese"], "work_years": 6, "senior_years": 1,
               "financially_independent": True, "clean_record": True, "basic_education": True}
    fill_answers(calculator, "points-245", answers)
    shown_result(calculator)
    advice = qmas_core.advise(answers, "points-245")
    box = calculator.get_by_test_id("advice")
    expect(box).to_contain_text(advice["summary"])
    for option in advice["options"]:
        expect(box).to_contain_text(" + ".join(c["text"] for c in option["changes"]) + " → " + option["total_after_text"])


def test_answers_kept_only_when_asked_and_forgotten(context, served_site):
    page = context.new_page()
    open_calculator(page, served_site, "#edition=criteria-2024&age=33")
    assert page.evaluate("() => localStorage.getItem('qmas-answers')") is None
    page.locator("#qmas-remember").check()
    stored = page.evaluate("() => localStorage.getItem('qmas-answers')")
    assert "age=33" in stored
    page.goto(f"{served_site}calculator/")
    expect(page.locator("#q-age")).to_have_value("33", timeout=READY_TIMEOUT)
    page.locator("#qmas-forget").click()
    assert page.evaluate("() => localStorage.getItem('qmas-answers')") is None
    expect(page.locator("#qmas-remember")).not_to_be_checked()
    page.close()


def test_copy_link(browser, served_site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_calculator(page, served_site, "#edition=achievement&age=50")
    page.locator("#qmas-copy-link").click()
    expect(page.locator("#qmas-tools-status")).not_to_be_empty()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    context.close()
    assert copied.endswith("#edition=achievement&age=50&dependants_apply_together=yes")


def test_embed_view_in_an_iframe(page, page_log, served_site):
    page.goto(f"{served_site}__tests__/embed_host.html")
    frame = page.frame_locator("#qmas")
    expect(frame.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
    expect(frame.get_by_test_id("total")).to_have_attribute("data-total", "2")
    expect(frame.locator(".md-header")).to_be_hidden()
    expect(frame.locator(".md-sidebar")).to_have_count(0)
    assert page_log.foreign_requests(served_site) == []
    assert page_log.problems() == []


def test_finder_needs_confirmation(calculator):
    fill_answers(calculator, "criteria-2024", {"age": 30})
    finder = calculator.locator("#qmas-finder-input")
    finder.fill("清华")
    results = calculator.get_by_test_id("finder-results")
    expect(results.locator("li").first).to_have_attribute("data-name", "Tsinghua University", timeout=READY_TIMEOUT)
    results.locator("li").first.get_by_role("button").click()
    expect(calculator.get_by_test_id("finder-chosen")).to_contain_text("Tsinghua University")
    # Choosing alone answers nothing: criterion (2) still unanswered.
    assert shown_result(calculator)["factors"]["eligible_university_degree"] == 0
    calculator.locator("#qmas-finder-yes").click()
    expect(calculator.locator("input[name='eligible_university_postgraduate'][value='yes']")).to_be_checked()
    assert shown_result(calculator)["factors"]["eligible_university_degree"] == 1


def test_finder_says_when_nothing_matches(calculator):
    calculator.locator("#qmas-finder-input").fill("Hogwarts School")
    # The list's edition as a date in words, never ISO.
    edition = qmas_core.formats.date(qmas_core.universities.list_info()["edition"], "en")
    expect(calculator.locator("#qmas-finder-count")).to_contain_text(edition, timeout=READY_TIMEOUT)
    expect(calculator.get_by_test_id("finder-results").locator("li")).to_have_count(0)

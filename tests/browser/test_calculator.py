"""The calculator driven through its real form in headless Chromium, against the built site."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import qmas_core
from tests.conftest import golden_cases
from tests.browser.calculator_driver import READY_TIMEOUT, fill_answers, open_calculator, shown_result


@pytest.fixture(scope="module")
def calculator(browser, served_site):
    """One calculator page for many cases: Pyodide starts once."""
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    open_calculator(page, served_site)
    yield page, errors
    context.close()


def cpython(answers: dict, edition: str) -> dict:
    r = qmas_core.assess(answers, edition)
    return {"total": r["total"], "passed": r["passed"], "eligible": r["eligible"],
            "factors": {f["id"]: f["score"] for f in r["factors"]}, "unmet_prerequisites": r["unmet_prerequisites"]}


@pytest.mark.parametrize("case", golden_cases(), ids=lambda c: c["name"])
def test_golden_case_through_the_form(calculator, case):
    page, errors = calculator
    fill_answers(page, case["edition"], case["answers"])
    shown = shown_result(page)
    expected = case["expected"]
    assert shown == cpython(case["answers"], case["edition"])
    assert shown == {k: expected[k] for k in ("total", "passed", "eligible", "factors", "unmet_prerequisites")}
    assert errors == []


def test_page_is_clean_and_same_origin(page, page_log, served_site):
    open_calculator(page, served_site)
    assert page_log.problems() == []
    assert page_log.foreign_requests(served_site) == []


def test_answers_typed_while_loading_are_scored(page, served_site):
    page.goto(f"{served_site}calculator/")
    page.locator("#q-age").fill("51")  # before Python is ready
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
    assert shown_result(page)["factors"]["age_50_or_below"] == 0


def test_each_change_asks_the_worker_once(page, served_site):
    """A radio or a filled field fires "input" and then "change" with the same answers: one
    request, not two (the second would make the visitor wait for a second round trip)."""
    # Every message the page posts to a worker, recorded as it leaves.
    page.add_init_script("""(() => {
      const post = Worker.prototype.postMessage;
      window.assessAsked = [];
      Worker.prototype.postMessage = function (message) {
        if (message && message.type === "assess") window.assessAsked.push(message.answers);
        return post.call(this, message);
      };
    })()""")
    open_calculator(page, served_site, "#edition=criteria-2024&age=30")
    page.evaluate("() => { window.assessAsked = []; }")
    page.locator("#q-work_years").fill("7")
    page.locator(".qmas-question[data-key='financially_independent'] input[value='yes']").check()
    page.locator("#q-age").press("Enter")  # the same answers again: nothing new to ask
    result = shown_result(page)
    asked = page.evaluate("() => window.assessAsked")
    assert len(asked) == 2, asked
    assert asked[-1]["work_years"] == 7 and asked[-1]["financially_independent"] is True
    assert result["factors"]


def test_result_updated_in_place_is_the_result_a_fresh_page_shows(calculator, browser, served_site):
    """A new result keeps the nodes it can and changes their text and attributes: after answers
    that change the result's shape (another edition, sections coming and going), it is exactly
    what a page opened on the same answers shows."""
    page, errors = calculator
    for case in golden_cases()[:6]:
        fill_answers(page, case["edition"], case["answers"])
        shown_result(page)
    updated = page.locator("#qmas-output").inner_html()
    context = browser.new_context()
    try:
        fresh = context.new_page()
        open_calculator(fresh, served_site, page.evaluate("location.hash"))
        shown_result(fresh)
        assert fresh.locator("#qmas-output").inner_html() == updated
    finally:
        context.close()
    assert errors == []


def test_result_is_announced(calculator):
    page, _ = calculator
    status = page.locator("#qmas-status")
    assert status.get_attribute("role") == "status"
    fill_answers(page, "criteria-2024", {"age": 30})
    shown_result(page)
    expect(status).to_contain_text("1 of 12")
    fill_answers(page, "criteria-2024", {"age": 30, "work_years": 6})
    shown_result(page)
    expect(status).to_contain_text("2 of 12")


def test_bad_input_names_the_field(calculator):
    page, _ = calculator
    fill_answers(page, "criteria-2024", {"age": 30, "work_years": 3, "international_years": 5})
    error = page.locator("#q-international_years-error")
    expect(error).to_be_visible(timeout=READY_TIMEOUT)
    work_years = next(q["label"] for q in qmas_core.questions("en") if q["key"] == "work_years")
    expect(error).to_contain_text(work_years)
    expect(page.get_by_test_id("errors")).to_be_visible()


def test_not_sure_shows_best_case(calculator):
    page, _ = calculator
    fill_answers(page, "criteria-2024", {"age": 30, "work_years": 6})
    page.locator("input[name='eligible_university_postgraduate'][value='unsure']").check()
    page.locator("input[name='stem_degree'][value='unsure']").check()
    shown = shown_result(page)
    assert shown["total"] == 2
    expect(page.get_by_test_id("best-case")).to_contain_text("4 of 12")
    unsure = page.get_by_test_id("unsure")
    expect(unsure).to_contain_text("Aggregate List of Eligible Universities")
    expect(unsure.get_by_role("link").first).to_have_attribute("href", "https://www.immd.gov.hk/pdf/aggregate_list.pdf")


def test_edition_follows_application_date(calculator):
    page, _ = calculator
    page.locator("#qmas-form button[type=reset]").click()
    page.locator("#q-application_date").fill("2024-10-31")
    page.locator("#q-application_date").dispatch_event("change")
    # The core chooses the edition ("auto"); the page shows the one the result names.
    page.locator("input[name=edition][value='auto']").check()
    expect(page.locator("#qmas-output")).to_have_attribute("data-edition", "points-245", timeout=READY_TIMEOUT)
    expect(page.get_by_test_id("edition")).to_contain_text(qmas_core.editions("en")[0]["title"])
    expect(page.get_by_test_id("compare")).to_contain_text("12", timeout=READY_TIMEOUT)


def test_keyboard_only(page, served_site):
    open_calculator(page, served_site)
    page.locator("input[name=edition]:checked").focus()
    # Tab from the test picker into the first question (age) and type.
    page.keyboard.press("Tab")
    expect(page.locator("#q-age")).to_be_focused()
    page.keyboard.type("45")
    # On through "not sure" and the date fields (each has several parts) to the next question.
    target = page.locator("input[name='financially_independent'][value='yes']")
    for _ in range(15):
        page.keyboard.press("Tab")
        if target.evaluate("node => node === document.activeElement"):
            break
    expect(target).to_be_focused()
    page.keyboard.press("Space")
    result = shown_result(page)
    assert result["factors"]["age_50_or_below"] == 1 and "financially_independent" not in result["unmet_prerequisites"]


def test_phone_width_has_no_horizontal_scroll(browser, served_site):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    open_calculator(page, served_site)
    fill_answers(page, "points-245", golden_cases()[0]["answers"])
    shown_result(page)
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    context.close()
    assert width[0] <= width[1], width


def test_form_words_all_resolved(site_dir):
    html = (site_dir / "calculator" / "index.html").read_text("utf-8")
    assert "built-in method" not in html and "{{" not in html and "ui." not in html


def test_birthday_before_the_application_date_is_explained(calculator):
    page, _ = calculator
    fill_answers(page, "points-245", {"birth_date": "2000-01-01", "application_date": "2099-12-31"})
    shown_result(page)
    # 99 by then: the note says which birthday, before the chosen date, changes a factor.
    expect(page.get_by_test_id("birthday").first).to_be_visible()


def test_finder_and_comparison_by_keyboard_alone(page, served_site):
    open_calculator(page, served_site, "#edition=criteria-2024&age=30")
    page.locator("#qmas-finder-input").focus()
    page.keyboard.type("ucl")
    first = page.get_by_test_id("finder-results").locator("li").first
    expect(first).to_have_attribute("data-name", "University College London", timeout=READY_TIMEOUT)
    page.keyboard.press("Tab")  # onto the first result's "Choose" button
    expect(first.get_by_role("button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#qmas-finder-yes")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("input[name='eligible_university_postgraduate'][value='yes']")).to_be_checked()
    assert shown_result(page)["factors"]["eligible_university_degree"] == 1
    # The other General Points Test edition, side by side, for the same answers.
    expect(page.get_by_test_id("compare")).to_contain_text("245")

"""The visitor's answers are never lost or corrupted in ordinary use (the page side).

In-page anchors (the skip link, a heading's ¶) are not answers; Back and Forward keep the form
and the address in step; a link opened with "Remember my answers" on leaves the remembered
answers alone until the visitor changes one; the address keeps up with fast typing under
Chromium's real navigation throttling; invisible characters from links, storage and fields
never throw and never count; impossible dates and huge numbers are handled like other values;
the embed works in a cross-site frame without uncaught errors.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tools import browser as browser_setup
from tests.browser.calculator_driver import READY_TIMEOUT, open_calculator, shown_result

LINK = "#edition=criteria-2024&age=31&qualification=doctorate&good_languages=chinese,english&work_years=12"
STORE = "qmas-answers"


SAME = """() => {
  const output = document.getElementById("qmas-output"), form = document.getElementById("qmas-form");
  const age = document.getElementById("q-age").value;
  return location.hash === output.dataset.fragment && location.hash === form.dataset.fragment
    && location.hash.includes("age=" + age + "&");
}"""


def address_matches_form(page) -> str:
    """Wait until the address (written coalesced), the result on screen and the form's age agree."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not page.evaluate(SAME):
        time.sleep(0.1)
    assert page.evaluate(SAME), page.evaluate(
        "() => [location.hash, document.getElementById('qmas-output').dataset.fragment, document.getElementById('q-age').value]")
    return page.evaluate("() => location.hash")


@pytest.fixture
def remembering(page, served_site):
    """A page whose visitor chose "Remember my answers" with age 44."""
    open_calculator(page, served_site, "#edition=criteria-2024&age=44")
    page.locator("#qmas-remember").check()
    assert "age=44" in page.evaluate(f"() => localStorage.getItem('{STORE}')")
    return page


@pytest.mark.parametrize("how", ["skip link", "heading permalink"])
def test_in_page_anchors_keep_the_answers(page, served_site, how):
    open_calculator(page, served_site, LINK)
    page.locator("#qmas-remember").check()
    before = shown_result(page)
    if how == "skip link":
        page.locator("a.md-skip").focus()  # the first Tab stop of the page
        page.keyboard.press("Enter")
    else:
        page.locator("h1 a.headerlink").click()
    page.wait_for_timeout(1000)
    expect(page.locator("#q-age")).to_have_value("31")
    expect(page.locator("#q-work_years")).to_have_value("12")
    assert "age=31" in page.evaluate(f"() => localStorage.getItem('{STORE}')")
    assert shown_result(page) == before
    expect(page.get_by_test_id("link-problems")).to_have_count(0)


def test_back_and_forward_keep_form_and_address_together(page, served_site):
    open_calculator(page, served_site, LINK)
    page.locator("h1 a.headerlink").click()
    page.wait_for_timeout(500)
    page.locator("#q-age").fill("40")
    address_matches_form(page)
    page.go_back()
    page.wait_for_timeout(500)
    address_matches_form(page)
    page.go_forward()
    page.wait_for_timeout(500)
    address_matches_form(page)
    expect(page.locator("#q-age")).to_have_value("40")
    assert shown_result(page)["factors"]


def test_a_link_does_not_replace_remembered_answers(remembering, served_site):
    page = remembering
    page.goto("about:blank")
    page.goto(f"{served_site}calculator/#edition=criteria-2024&age=25")
    expect(page.locator("#q-age")).to_have_value("25", timeout=READY_TIMEOUT)
    shown_result(page)
    # The link's answers on screen, the remembered ones kept, and the page says so.
    assert "age=44" in page.evaluate(f"() => localStorage.getItem('{STORE}')")
    notice = page.get_by_test_id("link-notice")
    expect(notice).to_be_visible()
    expect(page.locator("#qmas-remember-help")).to_contain_text("link")
    notice.get_by_role("button").click()
    expect(page.locator("#q-age")).to_have_value("44")
    expect(notice).to_be_hidden()


def test_changing_an_answer_after_a_link_is_remembered(remembering, served_site):
    page = remembering
    page.goto("about:blank")
    page.goto(f"{served_site}calculator/#edition=criteria-2024&age=25")
    expect(page.locator("#q-age")).to_have_value("25", timeout=READY_TIMEOUT)
    page.locator("#q-work_years").fill("3")
    shown_result(page)
    kept = page.evaluate(f"() => localStorage.getItem('{STORE}')")
    assert "age=25" in kept and "work_years=3" in kept


@pytest.mark.parametrize("fragment", ["#x", "#%", "#" + "A" * 5000])
def test_a_fragment_that_is_no_answers_keeps_remembered_ones(remembering, served_site, fragment):
    page = remembering
    page.goto("about:blank")
    page.goto(f"{served_site}calculator/{fragment}")
    expect(page.locator("#q-age")).to_have_value("44", timeout=READY_TIMEOUT)
    shown_result(page)
    assert "age=44" in page.evaluate(f"() => localStorage.getItem('{STORE}')")


@pytest.fixture(scope="module")
def throttled_browser(browser):
    """Chromium with its real navigation throttling (Playwright turns it off by default)."""
    chromium = browser.browser_type.launch(**browser_setup.launch_options(),
                                           ignore_default_args=["--disable-ipc-flooding-protection"])
    yield chromium
    chromium.close()


def test_address_keeps_up_with_fast_typing_under_real_throttling(throttled_browser, served_site):
    context = throttled_browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        open_calculator(page, served_site, "#edition=criteria-2024&age=20")
        # 250 changes in about 4.5 s: more than the 200 address updates Chromium allows in 10 s.
        page.evaluate("""async () => {
          const age = document.getElementById("q-age");
          for (let i = 0; i < 250; i++) {
            age.value = String(20 + (i % 40));
            age.dispatchEvent(new Event("input", { bubbles: true }));
            await new Promise((resolve) => setTimeout(resolve, 18));
          }
        }""")
        expect(page.locator("#q-age")).to_have_value("29")
        fragment = address_matches_form(page)
        assert "age=29&" in fragment and shown_result(page)["factors"]
        page.locator("#qmas-copy-link").click()
        expect(page.locator("#qmas-tools-status")).not_to_be_empty()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.endswith(fragment)
    finally:
        context.close()


def test_a_lone_surrogate_in_a_field_never_stops_the_result(page, served_site):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_calculator(page, served_site, "#edition=criteria-2024&age=30")
    page.evaluate("""() => {
      const other = document.getElementById("q-good_languages-other");
      other.value = "french\\uD800";
      other.dispatchEvent(new Event("input", { bubbles: true }));
    }""")
    page.locator("#q-age").fill("41")
    address_matches_form(page)
    shown_result(page)
    assert errors == []


@pytest.mark.parametrize("kept", [
    "#edition=criteria-2024&age=30&good_languages=english,\ud800fr",
    "#edition=criteria-2024&age=30&\ud800=1",
    "#edition=criteria-2024&age=30&good_languages=english,%E2%80%8B",
])
def test_damaged_remembered_answers_still_open(page, served_site, kept):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{served_site}404.html")
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [STORE, kept])
    open_calculator(page, served_site)
    expect(page.locator("#q-age")).to_have_value("30")
    page.locator("#q-work_years").fill("2")
    address_matches_form(page)
    assert shown_result(page)["factors"]
    assert errors == []


def test_an_invisible_language_does_not_count(page, served_site):
    open_calculator(page, served_site, "#edition=criteria-2024&good_languages=english,%E2%80%8B,%E2%80%AE")
    assert shown_result(page)["factors"]["two_languages"] == 0


def test_bidi_and_zero_width_characters_never_show_in_a_field_name(page, served_site):
    open_calculator(page, served_site, "#edition=criteria-2024&age=30"
                    "&%E2%80%AE%20%3A%E2%80%AD%E2%80%8BAll%20criteria%20met%20-%20you%20qualify=1")
    problems = page.get_by_test_id("link-problems")
    expect(problems).to_be_visible(timeout=READY_TIMEOUT)
    shown = problems.inner_text()
    assert not [c for c in shown if c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"]


def test_an_impossible_date_in_a_link_is_reported(page, served_site):
    open_calculator(page, served_site, "#edition=points-245&age=30&birth_date=2000-02-30")
    expect(page.get_by_test_id("link-problems")).to_contain_text("birth_date", timeout=READY_TIMEOUT)


def test_a_huge_number_round_trips_through_the_link(browser, served_site):
    context = browser.new_context()
    page = context.new_page()
    try:
        open_calculator(page, served_site, "#edition=criteria-2024&age=30")
        page.locator("#q-annual_income_hkd").fill("1e308")
        expect(page.locator("#q-annual_income_hkd-error")).to_be_visible(timeout=READY_TIMEOUT)
        address_matches_form(page)
        link = page.evaluate("() => location.href")
        again = context.new_page()
        again.goto(link)
        expect(again.locator("#q-annual_income_hkd-error")).to_be_visible(timeout=READY_TIMEOUT)
        expect(again.get_by_test_id("link-problems")).to_have_count(0)
        assert again.locator("#q-annual_income_hkd").input_value() in ("1e+308", "1e308")
    finally:
        context.close()


def test_embed_in_a_cross_site_frame_throws_nothing(page, served_site):
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    # about:blank with an <iframe>: the embed is another site's frame, its storage denied.
    page.set_content(f'<iframe id="qmas" src="{served_site}embed/#edition=criteria-2024&age=35&work_years=6"'
                     ' width="800" height="900"></iframe>')
    frame = page.frame_locator("#qmas")
    expect(frame.get_by_test_id("total")).to_have_attribute("data-total", "2", timeout=READY_TIMEOUT)
    assert errors == []

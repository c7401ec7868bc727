"""The form renders what the core returns: languages chosen by name, the nationality by country
name, amounts as typed, the fees, the finder's notes, the edition the core chose, a blank form
that says what to do, and a result that reads as cards on a phone."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

import qmas_core
from tests.browser.calculator_driver import READY_TIMEOUT, open_calculator, shown_result


def option_label(key: str, value: str, lang: str) -> str:
    question = next(q for q in qmas_core.questions(lang) if q["key"] == key)
    return next(o["label"] for o in question["options"] if o["value"] == value)


def strings(lang: str) -> dict:
    import tomllib
    from pathlib import Path

    from qmas_core import load
    raw = tomllib.loads((Path(__file__).resolve().parents[2] / "site_scripts" / "calculator_strings.toml").read_text("utf-8"))
    return {k: load.text(v, lang) for k, v in raw["strings"].items()}


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.mark.parametrize("lang, prefix", [("en", ""), ("zh-Hant", "zh-Hant/"), ("zh-Hans", "zh-Hans/")])
def test_a_language_chosen_by_name_becomes_a_removable_chip(context, served_site, lang, prefix):
    page = context.new_page()
    open_calculator(page, served_site, "#edition=criteria-2024&good_languages=english", prefix)
    french = option_label("good_languages", "fr", lang)
    chooser = page.locator("#q-good_languages-other")
    chooser.fill(french)  # as a choice from the list
    chips = page.get_by_test_id("language-chips")
    expect(chips.locator("li")).to_have_count(1)
    expect(chips).to_contain_text(french)
    expect(chooser).to_have_value("")
    assert shown_result(page)["factors"]["two_languages"] == 1
    assert "good_languages=english,fr&" in page.evaluate("() => location.hash")
    chips.get_by_role("button").click()
    expect(chips.locator("li")).to_have_count(0)
    assert shown_result(page)["factors"]["two_languages"] == 0
    page.close()


def test_a_link_shows_its_languages_by_name_in_the_page_language(context, served_site):
    page = context.new_page()
    open_calculator(page, served_site, "#edition=criteria-2024&good_languages=chinese,fr", "zh-Hant/")
    expect(page.get_by_test_id("language-chips")).to_contain_text(option_label("good_languages", "fr", "zh-Hant"))
    expect(page.locator("input[name=good_languages][value=chinese]")).to_be_checked()
    page.close()


def test_a_language_the_core_does_not_know_is_an_error_on_the_field(context, served_site):
    page = context.new_page()
    open_calculator(page, served_site, "#edition=criteria-2024&age=30")
    chooser = page.locator("#q-good_languages-other")
    chooser.fill("Klingonese")
    chooser.press("Enter")  # free text, judged by the core
    expect(page.get_by_test_id("language-chips")).to_contain_text("Klingonese")
    error = page.locator("#q-good_languages-error")
    expect(error).to_be_visible(timeout=READY_TIMEOUT)
    expect(error).to_contain_text("Klingonese")
    page.close()


def test_nationality_by_country_name_sends_the_code(context, served_site):
    page = context.new_page()
    open_calculator(page, served_site, "#edition=criteria-2024&age=30")
    page.locator("#q-nationality").fill(option_label("nationality", "AF", "en"))
    result = shown_result(page)
    assert "nationality" in result["unmet_prerequisites"]
    assert "nationality=AF&" in page.evaluate("() => location.hash")
    again = context.new_page()
    open_calculator(again, served_site, "#edition=criteria-2024&nationality=AF", "zh-Hans/")
    expect(again.locator("#q-nationality")).to_have_value(option_label("nationality", "AF", "zh-Hans"))
    again.close()
    page.close()


@pytest.mark.parametrize("typed", ["100萬", "1.2M", "1,000,000"])
def test_money_is_sent_as_typed(context, served_site, typed):
    page = context.new_page()
    open_calculator(page, served_site, "#edition=criteria-2024&age=30")
    page.locator("#q-annual_income_hkd").fill(typed)
    assert shown_result(page)["factors"]["income_1m"] == 1
    assert "annual_income_hkd=" + quote(typed, safe=",") + "&" in page.evaluate("() => location.hash")
    page.close()


def test_fees_and_the_edition_the_core_chose_are_shown(context, served_site):
    page = context.new_page()
    open_calculator(page, served_site, "#age=30&application_date=2024-10-01")
    shown_result(page)
    expect(page.locator("#qmas-output")).to_have_attribute("data-edition", "points-245")
    expect(page.locator("input[name=edition][value=auto]")).to_be_checked()
    result = qmas_core.assess({"age": 30, "application_date": "2024-10-01"})
    expect(page.get_by_test_id("fees")).to_contain_text(result["fees"]["summary"])
    expect(page.get_by_test_id("total")).to_have_text(result["total_text"])
    # The questions of the edition the core chose; the application date is always asked.
    expect(page.locator("#q-qualification")).to_be_visible()
    expect(page.locator("#q-application_date")).to_be_visible()
    page.close()


@pytest.mark.parametrize("query, expected", [
    ("HKU SPACE", "finder-not-listed"),
    ("中大", "finder-also"),
])
def test_finder_says_what_is_not_on_the_list(context, served_site, query, expected):
    page = context.new_page()
    open_calculator(page, served_site, "#edition=criteria-2024&age=30")
    page.locator("#qmas-finder-input").fill(query)
    found = qmas_core.find_universities(query, lang="en")
    sentence = found["not_listed"][0]["note"] if found["not_listed"] else found["results"][0]["also_text"]
    expect(page.get_by_test_id(expected).first).to_contain_text(sentence, timeout=READY_TIMEOUT)
    page.close()


@pytest.mark.parametrize("lang, prefix", [("en", ""), ("zh-Hant", "zh-Hant/"), ("zh-Hans", "zh-Hans/")])
def test_a_blank_form_says_what_to_do(context, served_site, lang, prefix):
    page = context.new_page()
    open_calculator(page, served_site, "", prefix)
    prompt = strings(lang)["blank_prompt"]
    expect(page.get_by_test_id("total")).to_have_text(prompt)
    expect(page.get_by_test_id("verdict")).to_have_count(0)
    expect(page.locator("#qmas-status")).to_have_text(prompt)
    page.close()


@pytest.mark.parametrize("prefix", ["", "zh-Hant/", "zh-Hans/"])
def test_result_reads_as_cards_at_phone_width(browser, served_site, prefix):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_calculator(page, served_site, "#edition=criteria-2024&age=30&work_years=6&good_languages=chinese,english", prefix)
        shown_result(page)
        boxes = page.evaluate("""() => Array.from(document.querySelectorAll("[data-testid=breakdown] [data-factor]"), (card) => ({
          card: card.getBoundingClientRect().width,
          label: card.querySelector(".qmas-factor-label").getBoundingClientRect().width,
          reason: card.querySelector(".qmas-reason").getBoundingClientRect().width,
        }))""")
        assert boxes
        for box in boxes:  # the reason spans the card; no column is a few characters wide
            assert box["reason"] >= 0.9 * box["card"] and box["label"] >= 0.5 * box["card"], box
        width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], width
    finally:
        context.close()

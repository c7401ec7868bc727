"""Drive the calculator through its real form, as a visitor would."""

from __future__ import annotations

from playwright.sync_api import Page, expect

READY_TIMEOUT = 90_000  # Pyodide's first start on a slow 2-core machine

# The form's one table of question types writes each answer, as the deep link does. The module
# is imported from the site's root (__md_scope, Material's), the instance the calculator uses.
WRITE = """async (answers) => {
  const { writeAnswers } = await import(new URL("calculator/fields.js",
    new URL("assets/javascripts/calculator.js", __md_scope)));
  const form = document.getElementById("qmas-form");
  writeAnswers(form, answers);
  form.dispatchEvent(new Event("change", { bubbles: true }));
}"""


def open_calculator(page: Page, base_url: str, fragment: str = "", lang_prefix: str = "") -> None:
    page.goto(f"{base_url}{lang_prefix}calculator/{fragment}")
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)


def fill_answers(page: Page, edition: str, answers: dict) -> None:
    page.locator("#qmas-form button[type=reset]").click()
    page.locator(f"input[name=edition][value='{edition}']").check()
    page.evaluate(WRITE, answers)


def shown_result(page: Page, extras: bool = True) -> dict:
    """The result on screen once it matches the form's current state (the URL fragment), with
    its advice, comparison and checklist (they come in a second message) unless `extras` is
    False."""
    # The address is written a moment after a change (coalesced); page.url may lag behind it.
    page.wait_for_function("""(extras) => {
      const output = document.getElementById("qmas-output");
      const shows = document.getElementById("qmas-form").dataset.fragment;
      return output.dataset.fragment === shows && shows === location.hash && (!extras || output.dataset.extras === "done");
    }""", arg=extras, timeout=READY_TIMEOUT, polling=100)
    rows = page.locator("[data-testid=breakdown] [data-factor]")
    factors = {rows.nth(i).get_attribute("data-factor"): int(rows.nth(i).get_attribute("data-score")) for i in range(rows.count())}
    unmet = page.locator("#qmas-output").get_attribute("data-unmet") or ""
    return {
        "total": int(page.get_by_test_id("total").get_attribute("data-total")),
        "passed": page.locator("#qmas-output").get_attribute("data-passed") == "true",
        "eligible": page.locator("#qmas-output").get_attribute("data-eligible") == "true",
        "factors": factors,
        "unmet_prerequisites": [u for u in unmet.split(" ") if u],
    }

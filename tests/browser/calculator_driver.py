"""Drive the calculator through its real form, as a visitor would."""

from __future__ import annotations

from playwright.sync_api import Page, expect

READY_TIMEOUT = 90_000  # Pyodide's first start on a slow 2-core machine


def open_calculator(page: Page, base_url: str, fragment: str = "", lang_prefix: str = "") -> None:
    page.goto(f"{base_url}{lang_prefix}calculator/{fragment}")
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)


def fill_answers(page: Page, edition: str, answers: dict) -> None:
    page.locator("#qmas-form button[type=reset]").click()
    page.locator(f"input[name=edition][value='{edition}']").check()
    for key, value in answers.items():
        question = page.locator(f".qmas-question[data-key='{key}']")
        kind = question.get_attribute("data-type")
        if kind == "bool":
            question.locator(f"input[value='{'yes' if value else 'no'}']").check()
        elif kind in ("choice", "talent_list"):
            choice = {True: "yes", False: "no"}.get(value, value) if kind == "talent_list" else value
            page.locator(f"#q-{key}").select_option(choice)
        elif kind == "languages":
            boxes = question.locator(f"input[type=checkbox][name='{key}']")
            known = [boxes.nth(i).get_attribute("value") for i in range(boxes.count())]
            for name in value:
                if name in known:
                    question.locator(f"input[type=checkbox][value='{name}']").check()
            others = [n for n in value if n not in known]
            if others:
                page.locator(f"#q-{key}-other").fill(", ".join(others))
        else:
            page.locator(f"#q-{key}").fill(str(value))


def shown_result(page: Page) -> dict:
    """The result on screen once it matches the form's current state (the URL fragment), with
    its advice, comparison and checklist (they come in a second message)."""
    # The address is written a moment after a change (coalesced); page.url may lag behind it.
    page.wait_for_function("""() => {
      const output = document.getElementById("qmas-output"), form = document.getElementById("qmas-form");
      return output.dataset.fragment === form.dataset.fragment && output.dataset.fragment === location.hash
        && output.dataset.extras === "done";
    }""", timeout=READY_TIMEOUT, polling=100)
    rows = page.locator("[data-testid=breakdown] tbody tr")
    factors = {rows.nth(i).get_attribute("data-factor"): int(rows.nth(i).get_attribute("data-score")) for i in range(rows.count())}
    unmet = page.locator("#qmas-output").get_attribute("data-unmet") or ""
    return {
        "total": int(page.get_by_test_id("total").get_attribute("data-total")),
        "passed": page.locator("#qmas-output").get_attribute("data-passed") == "true",
        "eligible": page.locator("#qmas-output").get_attribute("data-eligible") == "true",
        "factors": factors,
        "unmet_prerequisites": [u for u in unmet.split(" ") if u],
    }

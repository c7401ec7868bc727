"""Accessibility: axe-core on every page in the light and the dark scheme, and visible focus.

axe-core (the PyPI package axe-playwright-python, which bundles it) runs all its rules but the
experimental ones, WCAG 2.2 AA's colour contrast among them (in a page's second scheme only the
colour rules, as nothing else changes), on:

* every page of the built site (read from the build folder), in both schemes;
* the calculator with a result, with errors in the form, and opened from a link with problems;
* the search with results.

The scheme is switched with Material's toggle in the header, as a visitor does; Material sets
``data-md-color-scheme`` (``default`` or ``slate``), as it does at load from the system's
``prefers-color-scheme``. A page without the toggle (the embeddable calculator) shows only the
light scheme, and is checked in it. Findings are fixed in CSS (docs/stylesheets/extra.css), no rule is disabled.

Then the keyboard: Tab through the calculator and the Talent List page; every element that takes
focus shows a ring (an outline of at least 2 px, or the browser's own) with 3:1 contrast
against the background it is drawn on (WCAG 1.4.11), in both schemes.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.calculator_driver import READY_TIMEOUT, fill_answers, shown_result
from tests.browser.site_pages import page_paths

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")

SCHEMES = {"light": "default", "dark": "slate"}
AXE_OPTIONS = {"resultTypes": ["violations"]}
# A scheme changes colours only: in the second scheme of a page, the rules about colour.
COLOUR_RULES = {**AXE_OPTIONS, "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}


class Axe:
    """axe-core from axe-playwright-python, injected once per document and run with options."""

    def __init__(self):
        self.script = axe_playwright.Axe().axe_script

    def run(self, page, options=AXE_OPTIONS) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.script)
        # Colours as they end up, not halfway through a fade (search results, the scheme switch).
        return page.evaluate("""(options) => {
          document.getAnimations().forEach((a) => a.finish());
          return axe.run(document, options).then((r) => r.violations);
        }""", options)


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture(scope="module")
def a11y_page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def schemes_of(page) -> list[str]:
    """The schemes a visitor can see on this page."""
    # The embed view keeps Material's header hidden: no toggle there.
    return list(SCHEMES) if page.locator("form[data-md-component='palette']:visible").count() else ["light"]


def set_scheme(page, scheme: str) -> None:
    """Switch with Material's own toggle in the header (Material reads the system's preference
    only when a page loads; the choice is kept for the next page, as for a visitor)."""
    body = page.locator("body")
    if not page.locator("form[data-md-component='palette']:visible").count():
        return
    if body.get_attribute("data-md-color-scheme") != SCHEMES[scheme]:
        page.locator("form[data-md-component='palette'] label:visible").first.click()
    expect(body).to_have_attribute("data-md-color-scheme", SCHEMES[scheme])


def violations(axe, page, where: str) -> dict[str, list]:
    """axe's violations on the page as it is now, in each scheme (the one showing first):
    {"where (scheme)": [(rule, impact, targets, summary)]}."""
    found = {}
    schemes = schemes_of(page)
    current = page.locator("body").get_attribute("data-md-color-scheme")
    schemes.sort(key=lambda s: SCHEMES[s] != current)
    for scheme in schemes:
        set_scheme(page, scheme)
        found_now = axe.run(page, AXE_OPTIONS if scheme == schemes[0] else COLOUR_RULES)
        rules = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5],
                  v["nodes"][0].get("failureSummary", "")[:300]) for v in found_now]
        if rules:
            found[f"{where} ({scheme})"] = rules
    return found


def test_every_page_in_both_schemes(axe, a11y_page, served_site, site_dir):
    page = a11y_page
    found, checked = {}, 0
    for path in page_paths(site_dir):
        page.goto(served_site + path)
        found.update(violations(axe, page, path or "(home)"))
        checked += len(schemes_of(page))
    assert found == {}
    assert checked >= len(page_paths(site_dir))


def test_calculator_result_errors_and_link_problems(axe, a11y_page, served_site):
    page = a11y_page
    page.goto(f"{served_site}calculator/#edition=criteria-2024&age=35&qualification=doctorate&nonsense=1")
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
    expect(page.get_by_test_id("link-problems")).to_be_visible()
    found = violations(axe, page, "calculator with a result and link problems")
    fill_answers(page, "points-245", {"age": 35, "qualification": "master", "work_years": 12, "senior_years": 6,
                                      "good_languages": ["chinese", "english"], "children_under_18": 2})
    shown_result(page)
    found.update(violations(axe, page, "calculator with a full result"))
    fill_answers(page, "criteria-2024", {"age": 30, "work_years": 3, "international_years": 5})
    expect(page.get_by_test_id("errors")).to_be_visible(timeout=READY_TIMEOUT)
    found.update(violations(axe, page, "calculator with errors"))
    assert found == {}


def test_search_with_results(axe, a11y_page, served_site):
    page = a11y_page
    page.goto(served_site)
    found = {}
    for scheme in SCHEMES:  # the open search covers the toggle: switch, then search
        set_scheme(page, scheme)
        query = page.locator("input.md-search__input")
        query.click()
        query.fill("")
        query.press_sequentially("talent list", delay=20)  # typed: Material may miss a first fill()
        expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)
        found[scheme] = [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in axe.run(page)]
        page.keyboard.press("Escape")
        expect(page.locator(".md-search-result__item").first).to_be_hidden()
    assert found == {"light": [], "dark": []}


# --------------------------------------------------------------------------- keyboard focus


FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  document.getAnimations().forEach((a) => a.finish());  // the styles focus ends in (Material fades some in)
  const visible = (node) => {
    const r = node.getBoundingClientRect(), cs = getComputedStyle(node);
    return r.width > 2 && r.height > 2 && cs.opacity !== "0" && cs.visibility !== "hidden" && cs.clipPath === "none"
      && !(cs.clip && cs.clip.startsWith("rect(0"));
  };
  // A visually hidden control (Material's colour toggle radio) shows focus on the label beside it.
  let ring = el;
  if (!visible(el) && el.nextElementSibling && el.nextElementSibling.tagName === "LABEL") ring = el.nextElementSibling;
  const cs = getComputedStyle(ring);
  const offset = parseFloat(cs.outlineOffset) || 0;
  // The background the ring is drawn on: outside the element (offset >= 0) or inside it.
  let node = offset < 0 ? ring : ring.parentElement, background = null;
  while (node && !background) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && !/rgba\\(.*,\\s*0\\)$/.test(bg) && bg !== "transparent") background = bg;
    node = node.parentElement;
  }
  return {
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? "[name=" + el.name + "]" : "")
      + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : ""),
    visibleElement: visible(el), ringVisible: visible(ring),
    style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) || 0, color: cs.outlineColor,
    background: background || "rgb(255, 255, 255)",
    scheme: document.body.dataset.mdColorScheme,
  };
}"""


def rgb(css: str) -> tuple[float, float, float, float]:
    inside = css[css.index("(") + 1: css.index(")")].replace("/", ",").split(",")
    values = [float(v) for v in inside]
    return (*values[:3], values[3] if len(values) > 3 else 1.0)


def contrast(foreground: str, background: str) -> float:
    def luminance(color):
        channels = []
        for c in color[:3]:
            c /= 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    bg = rgb(background)
    fg = rgb(foreground)
    blended = [fg[i] * fg[3] + bg[i] * (1 - fg[3]) for i in range(3)]  # a translucent ring on its background
    a, b = sorted([luminance(blended), luminance(bg)], reverse=True)
    return (a + 0.05) / (b + 0.05)


def focus_problem(state: dict) -> str | None:
    if not state["ringVisible"]:
        return "its focus ring is on nothing visible"
    if state["style"] == "auto":
        return None  # the browser's own two-tone focus ring
    if state["style"] == "none" or state["width"] < 2:
        return f"no visible focus ring (outline {state['style']} {state['width']}px)"
    ratio = contrast(state["color"], state["background"])
    if ratio < 3:
        return f"focus ring {state['color']} on {state['background']}: contrast {ratio:.2f}:1, under 3:1"
    return None


def tab_through(page, limit: int = 400) -> dict[str, str]:
    """Press Tab until focus comes round again; what each focused element lacks, if anything."""
    problems, seen, first = {}, 0, None
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:
            continue
        seen += 1
        if state["what"] == first:
            break
        first = first or state["what"]
        problem = focus_problem(state)
        if problem:
            problems[f"{state['what']} ({state['scheme']})"] = problem
    assert seen > 10, "Tab moved focus nowhere"
    return problems


def test_keyboard_focus_is_visible(a11y_page, served_site):
    page = a11y_page
    problems = {}
    page.goto(f"{served_site}calculator/#edition=criteria-2024&age=35&work_years=3&international_years=5")
    expect(page.get_by_test_id("errors")).to_be_visible(timeout=READY_TIMEOUT)
    for scheme in SCHEMES:
        set_scheme(page, scheme)
        problems.update(tab_through(page))
    page.goto(f"{served_site}talent-list/")
    for scheme in SCHEMES:
        set_scheme(page, scheme)
        problems.update(tab_through(page))
    assert problems == {}

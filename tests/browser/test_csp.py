"""The Content-Security-Policy of every page: what the build wrote, and that browsers enforce it.

The policy is a ``<meta http-equiv="Content-Security-Policy">`` written by overrides/main.html;
site_scripts/csp.py fills in the hashes of Material's inline scripts. These tests read every
built page (the pages and 404.html) and check the policy is there before anything it governs,
names this origin only, has no 'unsafe-inline' or 'unsafe-eval', and allows each inline script
by its hash. In Chromium they check it is enforced (an injected inline script, eval, a
cross-origin fetch and a blob: worker are refused) and that the calculator works under it.
test_privacy.py walks every page for violations.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import qmas_core
from site_scripts import csp
from tests.conftest import golden_cases
from tests.browser.calculator_driver import fill_answers, open_calculator, shown_result
from tests.browser.site_pages import CSP_CONSOLE_WORDS, CSP_RECORDER, csp_violations, html_files

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="(?P<policy>[^"]*)">')
GOVERNED = re.compile(r"<script\b|<link\b[^>]*rel=\"?stylesheet|<style\b|<img\b|<iframe\b", re.IGNORECASE)
HASH = re.compile(r"^'sha256-[A-Za-z0-9+/]{43}='$")
KEYWORDS = {"'self'", "'none'", "'wasm-unsafe-eval'"}
# What each directive may allow, at most: nothing from another origin, anywhere.
ALLOWED = {
    "default-src": {"'self'"},
    "script-src": {"'self'", "'wasm-unsafe-eval'", HASH},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "worker-src": {"'self'"},
    "manifest-src": {"'self'"},
    "frame-src": {"'none'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'", "'none'"},
    "form-action": {"'self'", "'none'"},
}
REQUIRED = {"default-src", "script-src", "object-src", "base-uri", "form-action", "worker-src"}


def parse_policy(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"directive {words[0]} twice"
            directives[words[0]] = words[1:]
    return directives


def allowed(source: str, allowed_sources: set) -> bool:
    return any(source == a if isinstance(a, str) else a.match(source) for a in allowed_sources)


@pytest.fixture(scope="module")
def documents(site_dir):
    docs = {path.relative_to(site_dir).as_posix(): path.read_text("utf-8") for path in html_files(site_dir)}
    assert "index.html" in docs and "404.html" in docs and "calculator/index.html" in docs
    return docs


def test_every_page_has_one_policy_before_what_it_governs(documents):
    for name, html in documents.items():
        metas = META.findall(html)
        assert len(metas) == 1, f"{name}: {len(metas)} CSP meta tags"
        head_end = html.index("</head>")
        position = META.search(html).start()
        first_governed = GOVERNED.search(html)
        assert position < head_end, name
        assert first_governed is None or position < first_governed.start(), \
            f"{name}: the policy comes after {first_governed.group(0)!r}, which it would not cover"
        assert '<meta name="referrer" content="no-referrer">' in html[:head_end], name


def test_policy_is_strict_and_first_party_only(documents):
    policies = {}
    for name, html in documents.items():
        policy = META.search(html)["policy"]
        assert csp.PLACEHOLDER not in policy, f"{name}: site_scripts/csp.py did not fill in the hashes"
        directives = parse_policy(policy)
        assert REQUIRED <= set(directives), f"{name}: missing {REQUIRED - set(directives)}"
        for directive, sources in directives.items():
            assert directive in ALLOWED, f"{name}: unexpected directive {directive}"
            assert sources, f"{name}: {directive} is empty"
            bad = [s for s in sources if not allowed(s, ALLOWED[directive])]
            assert bad == [], f"{name}: {directive} allows {bad}"
        policies[name] = policy
    # One policy for the whole site (instant navigation keeps the first page's policy).
    assert len(set(policies.values())) == 1, set(policies.values())


def test_every_inline_script_is_allowed_by_its_hash(documents):
    counted = 0
    for name, html in documents.items():
        script_src = parse_policy(META.search(html)["policy"])["script-src"]
        for body in csp.inline_scripts(html):
            counted += 1
            assert csp.script_hash(body) in script_src, f"{name}: inline script not in the policy: {body[:80]!r}"
    assert counted >= len(documents)  # Material's __md_scope script is on every page


def test_no_inline_code_the_policy_would_block(documents):
    found = {name: csp.blocked_inline_code(html) for name, html in documents.items()}
    assert {name: f for name, f in found.items() if f} == {}


def test_no_data_block_in_the_page_content(documents):
    """Material's instant navigation swaps the content and re-inserts each <script> in it as a new
    script with only its text, without its type: a <script type="application/json"> there is then
    run as JavaScript (a SyntaxError; under this policy, a refused inline script) and loses its id.
    Data the page's scripts read belongs in an attribute or a <template>, or outside the content."""
    found = {}
    for name, html in documents.items():
        start = html.find('data-md-component="container"')
        end = html.find('data-md-component="dialog"', start)
        content = html[start:end] if start >= 0 and end >= 0 else ""
        blocks = [m.group(0)[:80] for m in csp.SCRIPT.finditer(content)
                  if not csp.ATTR_SRC.search(m["attrs"]) and m["body"] not in csp.inline_scripts(m.group(0))]
        if blocks:
            found[name] = blocks
    assert found == {}


def test_json_data_blocks_are_not_hashed():
    html = ('<script id="__config" type="application/json">{"a": 1}</script>'
            '<script>var a=1</script><script src="x.js"></script><script type="module">b()</script>')
    assert csp.inline_scripts(html) == ["var a=1", "b()"]
    # The hash CSP compares: SHA-256 of the script's UTF-8 text, base64.
    assert csp.script_hash("alert('Hello, world.');") == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"


# --------------------------------------------------------------------------- in the browser


PROBES = """async () => {
  const out = {};
  const script = document.createElement("script");
  script.textContent = "window.__qmasInjected = 1";
  document.body.append(script);
  out.inlineScriptRan = window.__qmasInjected === 1;
  // String code run by the page itself (DevTools' own evaluation is exempt from the policy).
  setTimeout("window.__qmasTimer = 1", 0);
  try { await fetch("https://qmas.invalid/probe"); out.foreignFetch = "allowed"; } catch (e) { out.foreignFetch = e.name; }
  try {
    const url = URL.createObjectURL(new Blob(["postMessage(1)"], { type: "text/javascript" }));
    new Worker(url);
    out.blobWorker = "allowed";
  } catch (e) { out.blobWorker = e.name; }
  await new Promise((resolve) => setTimeout(resolve, 200));  // violation events are queued
  out.stringTimerRan = window.__qmasTimer === 1;
  return out;
}"""


@pytest.fixture
def calculator_under_csp(page, page_log, served_site):
    page.context.add_init_script(CSP_RECORDER)
    console = []
    page.on("console", lambda m: any(w in m.text for w in CSP_CONSOLE_WORDS) and console.append(m.text))
    open_calculator(page, served_site)
    return page, console


def test_policy_is_enforced(calculator_under_csp, page_log):
    page, console = calculator_under_csp
    probes = page.evaluate(PROBES)
    assert probes == {"inlineScriptRan": False, "stringTimerRan": False, "foreignFetch": "TypeError",
                      "blobWorker": probes["blobWorker"]}, probes
    assert probes["blobWorker"] in ("SecurityError", "allowed")  # a refused worker fails as an event
    directives = {v["directive"] for v in csp_violations(page)}
    assert {"script-src-elem", "script-src", "connect-src", "worker-src"} <= directives, directives
    assert not [u for u in page_log.requests if "qmas.invalid" in u]  # refused before any request
    assert console, "Chromium reports refusals in the console too"


def test_calculator_works_under_the_policy(calculator_under_csp, page_log):
    page, console = calculator_under_csp
    assert page.locator("meta[http-equiv='Content-Security-Policy']").count() == 1
    case = golden_cases()[0]
    fill_answers(page, case["edition"], case["answers"])
    shown = shown_result(page)
    expected = qmas_core.assess(case["answers"], case["edition"])
    assert shown["total"] == expected["total"] and shown["passed"] == expected["passed"]
    expect(page.get_by_test_id("total")).to_be_visible()
    assert csp_violations(page) == [] and console == []
    assert page_log.problems() == []

"""The site in three languages: English at the root, Traditional Chinese under zh-Hant/,
Simplified Chinese under zh-Hans/ (mkdocs-static-i18n, site_scripts/i18n.py).

Without a browser: every English page has both translations (source and built page), every nav
label is translated, every page carries the right <html lang>, hreflang alternates and language
selector links, the generated tables speak the page's language, and the calculator's runtime is
one copy at the site root. In headless Chromium: the language selector keeps the page and the
calculator's #answers, the golden cases score the same as CPython in each language with the core's
own reasons and error messages, and Material's search finds Chinese words in each language.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import qmas_core  # noqa: E402
from qmas_core import load, talent_list  # noqa: E402
from tests.conftest import golden_cases  # noqa: E402
from tests.core.test_translations import FORBIDDEN, problems  # noqa: E402
from tests.browser.chinese_text import own_language_text  # noqa: E402
from tests.core.test_chinese_usage import usage_problems  # noqa: E402

DOCS = ROOT / "docs"
LANGS = {"en": "", "zh-Hant": "zh-Hant/", "zh-Hans": "zh-Hans/"}
CHINESE = ("zh-Hant", "zh-Hans")
ENGLISH_PAGES = sorted(p for p in DOCS.glob("*.md") if p.name.count(".") == 1)


def mkdocs_config() -> dict:
    from mkdocs.utils.yaml import yaml_load
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        return yaml_load(f)


def i18n_languages() -> dict:
    plugin = next(p["i18n"] for p in mkdocs_config()["plugins"] if isinstance(p, dict) and "i18n" in p)
    return {lang["locale"]: lang for lang in plugin["languages"]}


def nav_titles(nav) -> list[str]:
    titles = []
    for item in nav:
        if isinstance(item, dict):
            for title, target in item.items():
                titles.append(title)
                if isinstance(target, list):
                    titles += nav_titles(target)
    return titles


def page_url(md: Path) -> str:
    """docs/eligibility.md -> "eligibility/"; docs/index.md -> ""."""
    return "" if md.stem == "index" else f"{md.stem}/"


def built(site_dir: Path, lang: str, url: str) -> str:
    return (site_dir / LANGS[lang] / url / "index.html").read_text("utf-8")


def article(html: str) -> str:
    return html[html.index("<article"):html.index("</article>")]


# --------------------------------------------------------------------------- sources


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("page", ENGLISH_PAGES, ids=lambda p: p.name)
def test_every_english_page_is_translated(page, lang):
    translated = page.with_name(f"{page.stem}.{lang}.md")
    assert translated.is_file(), f"{page.name} has no {lang} translation: add docs/{translated.name}"
    text = translated.read_text("utf-8")
    english = page.read_text("utf-8")
    # The same generated tables, in the same order.
    assert re.findall(r"<!-- qmas:.*?-->", text) == re.findall(r"<!-- qmas:.*?-->", english)
    # Nothing in the other Chinese script (outside code).
    prose = re.sub(r"`[^`]*`", "", text)
    wrong = sorted({ch for ch in prose if ch in FORBIDDEN[lang]})
    assert not wrong, f"{translated.name} has characters of the other script: {''.join(wrong)}"


def test_no_translation_without_an_english_page():
    english = {p.stem for p in ENGLISH_PAGES}
    for path in DOCS.glob("*.*.md"):
        assert path.name.split(".")[0] in english, f"{path.name} translates no English page"


@pytest.mark.parametrize("lang", CHINESE)
def test_every_nav_label_is_translated(lang):
    config = i18n_languages()[lang]
    translations = config.get("nav_translations") or {}
    missing = [t for t in nav_titles(mkdocs_config()["nav"]) if not translations.get(t)]
    assert not missing, f"mkdocs.yml: {lang} nav_translations lacks {missing}"
    assert config["theme"]["language"] == {"zh-Hant": "zh-TW", "zh-Hans": "zh"}[lang]
    for key in ("site_name", "site_description", "copyright"):
        assert config.get(key), f"{lang} has no {key}"


def test_site_strings_are_complete():
    strings = tomllib.loads((ROOT / "site_scripts" / "site_strings.toml").read_text("utf-8"))["strings"]
    found = {key: problems(table) for key, table in strings.items()}
    assert {k: v for k, v in found.items() if v} == {}
    used = "\n".join(p.read_text("utf-8") for p in (ROOT / "overrides" / "partials" / "qmas").glob("*.html"))
    used += "\n".join(p.read_text("utf-8") for p in (ROOT / "site_scripts").glob("*.py"))
    dynamic = tuple(re.findall(r'f"(\w+_)\{', used))  # _t(f"counting_{f['id']}") and the like
    unused = [k for k in strings if not re.search(rf"\b{k}\b", used) and not k.startswith(dynamic)]
    assert not unused, f"site_strings.toml keys used nowhere: {unused}"


# --------------------------------------------------------------------------- the built site


@pytest.fixture(scope="module")
def pages(site_dir):
    return [page_url(p) for p in ENGLISH_PAGES]


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_is_built_with_lang_and_alternates(site_dir, pages, lang):
    names = {code: cfg["name"] for code, cfg in i18n_languages().items()}
    for url in pages:
        html = built(site_dir, lang, url)
        assert re.search(rf'<html lang="{lang}"', html), (lang, url)
        here = f"http://site/{LANGS[lang]}{url}"
        alternates = dict((h, a) for a, h in re.findall(r'<link rel="alternate" href="([^"]+)" hreflang="([^"]+)">', html))
        assert set(alternates) == set(LANGS), (lang, url, alternates)
        selector = dict((h, a) for a, h in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)" class="md-select__link">', html))
        embedded = 'class="md-header' not in html  # embed/: no header, so no selector
        assert selector == ({} if embedded else alternates), (lang, url)
        for other, prefix in LANGS.items():
            assert urljoin(here, alternates[other]) == f"http://site/{prefix}{url}", (lang, url, other)
            assert (site_dir / prefix / url / "index.html").is_file()
        labels = re.findall(r'class="md-select__link">\s*(.*?)\s*</a>', html)
        assert labels == ([] if embedded else [names[code] for code in LANGS]), labels
        if lang != "en":  # a translated page is in its language, not an English fallback
            text = re.sub(r"<[^>]+>", "", article(html))
            han = len(re.findall(r"[\u4e00-\u9fff]", text))
            assert han > 20, (lang, url, han)


@pytest.mark.parametrize("lang", CHINESE)
def test_nav_and_headings_in_each_language(site_dir, pages, lang):
    translations = i18n_languages()[lang]["nav_translations"]
    home = built(site_dir, lang, "")
    nav = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', home)
    for title in nav_titles(mkdocs_config()["nav"]):
        assert translations[title] in nav, (lang, title)
        assert title not in nav, (lang, title)
    for url in pages:  # headings keep the English ids, so #anchors work in every language
        ids = lambda html: re.findall(r'<h[1-6] id="([^"]+)"', article(html))  # noqa: E731
        assert ids(built(site_dir, lang, url)) == ids(built(site_dir, "en", url)), (lang, url)


def test_runtime_is_one_copy_at_the_site_root(site_dir, pages):
    for prefix in ("zh-Hant", "zh-Hans"):
        assert not (site_dir / prefix / "assets").exists(), f"{prefix}/assets duplicates the root's"
        assert not list((site_dir / prefix).rglob("*.whl")) and not list((site_dir / prefix).rglob("pyodide*"))
    assert (site_dir / "assets" / "javascripts" / "qmas-worker.js").is_file()
    assert (site_dir / "assets" / "pyodide").is_dir()
    for lang, prefix in LANGS.items():
        html = built(site_dir, lang, "calculator/")
        here = f"http://site/{prefix}calculator/"
        scripts = {urljoin(here, s) for s in re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)}
        for name in ("qmas-runtime.js", "calculator.js", "qmas-lang.js"):
            assert f"http://site/assets/javascripts/{name}" in scripts, (lang, name)
        assert f'data-lang="{lang}"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_search_index_per_language(site_dir, lang):
    index = json.loads((site_dir / LANGS[lang] / "search" / "search_index.json").read_text("utf-8"))
    assert "\\u200b" in index["config"]["separator"]
    assert index["docs"]
    for doc in index["docs"]:
        path = doc["location"].split("#")[0]
        assert not path.startswith(("zh-Hant/", "zh-Hans/")), doc["location"]
        assert (site_dir / LANGS[lang] / path / "index.html").is_file(), doc["location"]
    html = built(site_dir, lang, "eligibility/")
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)[1])
    assert urljoin(f"http://site/{LANGS[lang]}eligibility/", config["base"]) == f"http://site/{LANGS[lang]}"


@pytest.mark.parametrize("lang", CHINESE)
def test_generated_tables_speak_the_page_language(site_dir, lang):
    points = article(built(site_dir, lang, "general-points-test/"))
    for factor in load.rules("points-245")["factors"]:
        assert load.text(factor["label"], lang) in points, factor["id"]
    for criterion in load.rules("criteria-2024")["criteria"]:
        assert load.text(criterion["label"], lang) in points, criterion["id"]
    eligibility = article(built(site_dir, lang, "eligibility/"))
    for rule in load.rules("prerequisites")["prerequisites"]:
        assert load.text(rule["label"], lang) in eligibility
    talent = article(built(site_dir, lang, "talent-list/"))
    for version in talent_list.versions():
        for segment in version["segments"]:
            for profession in segment["professions"]:
                assert talent_list.name(profession, lang) in talent, profession["id"]
    calculator = article(built(site_dir, lang, "calculator/"))
    for q in qmas_core.questions(lang):
        assert q["label"] in calculator.replace("&#39;", "'").replace("&amp;", "&"), q["key"]
    # None of the tables' English words is left in a generated table.
    for html in (points, eligibility, talent, article(built(site_dir, lang, "sources/"))):
        for block in re.findall(r'<div class="qmas-generated.*?</table>', html, re.S):
            cells = re.sub(r'<(span|a|div|details)[^>]*lang="en"[^>]*>.*?</\1>', "", block, flags=re.S)
            cells = re.sub(r"<code>.*?</code>|<[^>]+>", " ", cells)
            for words in ("Passing mark", "Required", "Not listed", "Source", "Maximum", "In force",
                          "Official total", "Points", "or over", "at least"):
                assert words not in cells, (lang, words)


@pytest.mark.parametrize("lang", CHINESE)
def test_chinese_pages_in_their_regions_usage(site_dir, lang):
    """Every built Chinese page, in its own words: the region's forms and script, no ISO date, no
    ASCII colon or semicolon between Chinese words, 「」 quotes; ImmD linked in the page's language."""
    found = {}
    for index in sorted((site_dir / LANGS[lang]).rglob("index.html")):
        where = index.relative_to(site_dir).as_posix()
        if where.startswith((f"{lang}/search/", f"{lang}/assets/")):
            continue
        html = index.read_text("utf-8")
        wrong = usage_problems(own_language_text(html, lang), lang)
        wrong += [f"English ImmD page {u}" for u in re.findall(r'href="(https?://www\.immd\.gov\.hk/eng/[^"]*)"', html)]
        if wrong:
            found[where] = wrong
    assert found == {}


# --------------------------------------------------------------------------- in the browser


def _reasons(page) -> dict:
    rows = page.locator("[data-testid=breakdown] [data-factor]")  # one card per factor
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        out[row.get_attribute("data-factor")] = {
            "score": int(row.get_attribute("data-score")),
            "label": row.locator(".qmas-factor-label").text_content().strip(),
            "reason": row.locator(".qmas-reason").text_content().strip(),
        }
    return out


@pytest.fixture(scope="module", params=list(LANGS))
def calculator_in(request, browser, served_site):
    """One calculator page per language, reused by every case: Pyodide starts once per language."""
    from tests.browser.calculator_driver import open_calculator
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    open_calculator(page, served_site, lang_prefix=LANGS[request.param])
    yield request.param, page, errors
    context.close()


def test_golden_cases_in_each_language(calculator_in):
    """Factor scores equal CPython's, and the labels and reasons shown are the core's own, in
    the page's language."""
    from tests.browser.calculator_driver import fill_answers, shown_result
    lang, page, errors = calculator_in
    assert page.evaluate("document.documentElement.lang") == lang
    for case in golden_cases():
        fill_answers(page, case["edition"], case["answers"])
        shown = shown_result(page)
        expected = qmas_core.assess(case["answers"], case["edition"], lang=lang)
        assert shown["factors"] == {f["id"]: f["score"] for f in expected["factors"]}, case["name"]
        assert shown["total"] == expected["total"] and shown["passed"] == expected["passed"], case["name"]
        rows = _reasons(page)
        for f in expected["factors"]:
            label = (f"({f['number']}) " if f.get("number") else "") + f["label"]
            assert rows[f["id"]] == {"score": f["score"], "label": label, "reason": f["reason"]}, (case["name"], f["id"])
    assert errors == []


def test_error_messages_in_each_language(calculator_in):
    from playwright.sync_api import expect
    from tests.browser.calculator_driver import READY_TIMEOUT, fill_answers
    lang, page, _ = calculator_in
    answers = {"age": 30, "work_years": 3, "international_years": 5}
    fill_answers(page, "criteria-2024", answers)
    with pytest.raises(qmas_core.InvalidAnswers) as raised:
        qmas_core.assess(answers, "criteria-2024", lang=lang)
    message = next(e["message"] for e in raised.value.errors if e["field"] == "international_years")
    error = page.locator("#q-international_years-error")
    expect(error).to_be_visible(timeout=READY_TIMEOUT)
    expect(error).to_have_text(message)


def test_language_switch_keeps_the_page_and_the_answers(page, page_log, served_site):
    from playwright.sync_api import expect
    from tests.browser.calculator_driver import open_calculator, shown_result
    open_calculator(page, served_site, "#edition=criteria-2024&age=35&work_years=6", "zh-Hans/")
    page.locator("#q-age").fill("41")
    shown_result(page)
    fragment = page.evaluate("() => location.hash")
    assert "age=41" in fragment
    for lang in ("zh-Hant", "en", "zh-Hans"):
        page.locator(".md-header__option .md-select").hover()
        page.locator(f"a.md-select__link[hreflang='{lang}']").click()
        page.wait_for_url(f"{served_site}{LANGS[lang]}calculator/{fragment}")
        assert page.evaluate("document.documentElement.lang") == lang
        expect(page.locator("#q-age")).to_have_value("41")
        assert shown_result(page)["factors"]["age_50_or_below"] == 1
    # Any other page: the same page in the other language, with its #anchor.
    page.goto(f"{served_site}zh-Hant/how-to-apply/#processing-time")
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.md-select__link[hreflang='en']").click()
    page.wait_for_url(f"{served_site}how-to-apply/#processing-time")
    assert page_log.problems() == []


# The same word in each script: on either Chinese site, both find the same pages.
CROSS_SCRIPT = [("人才清單", "人才清单"), ("優才", "优才"), ("申請", "申请"), ("受養人", "受养人"),
                ("評核", "评核"), ("粵語", "粤语"), ("居留權", "居留权")]


def _search_pages(page, served_site, lang: str, query: str) -> set[str]:
    """The pages (without anchors) Material's search lists for `query` on the `lang` site."""
    from playwright.sync_api import expect
    page.goto(f"{served_site}{LANGS[lang]}eligibility/")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    page.keyboard.press("End")  # Material reads the query on keyup
    results = page.locator(".md-search-result__item > a")
    expect(results.first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)  # the list settles after the first result
    return {results.nth(i).get_attribute("href").split("#")[0].split("?")[0] for i in range(results.count())}


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("traditional, simplified", CROSS_SCRIPT)
def test_search_finds_the_same_pages_in_either_script(page, served_site, lang, traditional, simplified):
    own, other = (traditional, simplified) if lang == "zh-Hant" else (simplified, traditional)
    expected = _search_pages(page, served_site, lang, own)
    assert expected and all(h.startswith(f"{served_site}{LANGS[lang]}") for h in expected), expected
    assert _search_pages(page, served_site, lang, other) == expected


@pytest.mark.parametrize("lang, query, page_path", [
    ("zh-Hant", "人才清單", "talent-list/"),
    ("zh-Hant", "年齡", "general-points-test/"),
    ("zh-Hans", "人才清单", "talent-list/"),
    ("zh-Hans", "年龄", "general-points-test/"),
    ("en", "talent list", "talent-list/"),
])
def test_search_finds_words_in_each_language(page, served_site, lang, query, page_path):
    found = _search_pages(page, served_site, lang, query)
    assert f"{served_site}{LANGS[lang]}{page_path}" in found, found
    # Only this language's pages.
    others = [p for code, p in LANGS.items() if p and code != lang]
    assert not any(f"{served_site}{p}" in h for h in found for p in others), found
    if lang != "en":
        assert not any(re.match(rf"{re.escape(served_site)}(?!zh-)", h) for h in found), found


def test_own_language_text_leaves_out_other_languages_and_code():
    html = ('<html lang="zh-Hans"><body><p>申请<span lang="zh-Hant">申請</span><code>2024-11-01</code>'
            '<br>记录<script>var a = "紀錄";</script><a class="md-select__link" hreflang="zh-Hant">繁體中文</a></p>')
    assert own_language_text(html, "zh-Hans") == "申请 记录"
    assert usage_problems(own_language_text(html.replace("记录", "纪录"), "zh-Hans"), "zh-Hans")


@pytest.mark.parametrize("lang", CHINESE)
def test_talent_list_page_speaks_chinese(site_dir, lang):
    """Every note and detail translated; English only in names marked lang="en" (beside a Chinese
    name, or marked as having no confirmed Chinese name)."""
    html = article(built(site_dir, lang, "talent-list/"))
    # English quoted as such (「…」, a name with no official Chinese form) and addresses aside.
    text = re.sub(r"「[^」]*」", "", own_language_text(html, lang))
    text = re.sub(r"[\w./-]+\.(?:com|org|hk|html)\b", "", text)
    assert not re.findall(r"[A-Za-z]+(?:[ ,()/-]+[A-Za-z]+){2,}", text)
    marked = load.text(tomllib.loads((ROOT / "site_scripts" / "site_strings.toml").read_text("utf-8"))
                       ["strings"]["tl_no_chinese_name"], lang)
    assert marked in html
    assert "not segmented" not in html


TABLE_FIT = """() => [...document.querySelectorAll('.qmas-generated table')].map(t => ({
  table: t.dataset.qmasTable,
  cut: t.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || t.scrollWidth > t.clientWidth + 1,
  broken: [...t.querySelectorAll('code')].filter(c => c.getClientRects().length > 1).map(c => c.textContent),
}))"""


@pytest.mark.parametrize("lang", list(LANGS))
def test_generated_tables_fit_360_px(page, served_site, lang):
    """At 360 px no generated table cuts off a column (each row reads as a card) and no edition
    id breaks inside itself."""
    page.set_viewport_size({"width": 360, "height": 800})
    seen = 0
    for path in ("", "general-points-test/", "eligibility/", "sources/", "achievement-based-test/"):
        page.goto(f"{served_site}{LANGS[lang]}{path}")
        tables = page.evaluate(TABLE_FIT)
        seen += len(tables)
        assert [t for t in tables if t["cut"] or t["broken"]] == [], path
    assert seen >= 6

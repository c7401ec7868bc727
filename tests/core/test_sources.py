"""Lint the sources (rules/sources.toml): each says how it was read, and has a title and an address
in every language or says why a language falls back to the English one."""

import pytest

from qmas_core import load
from qmas_core.load import LANGUAGES, rules

SOURCES = rules("sources")
READ = {"page", "copy", "cited"}
CHINESE = ("zh-Hant", "zh-Hans")


def per_language(value) -> dict:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"en": value}


@pytest.mark.parametrize("source_id", sorted(SOURCES))
def test_every_source_says_how_it_was_read(source_id):
    entry = SOURCES[source_id]
    assert entry.get("read") in READ, f"{source_id}: read must be one of {sorted(READ)}"
    if entry["read"] == "copy":
        assert entry.get("note") or entry.get("copy"), f"{source_id}: a copy is named by `copy` or `note`"
        assert entry.get("copy", "https://").startswith("https://"), source_id
    if entry["read"] == "cited" or "url" not in entry:
        assert isinstance(entry.get("note"), dict), f"{source_id}: say what it is cited for (or why it has no link)"


@pytest.mark.parametrize("source_id", sorted(SOURCES))
def test_titles_and_addresses_per_language_or_an_explicit_fallback(source_id):
    entry = SOURCES[source_id]
    titles = per_language(entry["title"])
    assert all(titles.get(lang, "").strip() for lang in LANGUAGES), f"{source_id}: a title in every language"
    urls = per_language(entry.get("url"))
    missing = [lang for lang in CHINESE if "url" in entry and lang not in urls]
    if missing:
        fallback = entry.get("fallback")
        assert isinstance(fallback, dict) and all(fallback.get(lang) for lang in LANGUAGES), \
            f"{source_id}: no {missing} address and no `fallback` saying why"
    else:
        assert "fallback" not in entry, f"{source_id}: a fallback with nothing falling back"


def test_immd_pages_in_the_pages_language():
    for source_id, entry in SOURCES.items():
        urls = per_language(entry.get("url"))
        for lang, folder in (("en", "/eng/"), ("zh-Hant", "/hkt/"), ("zh-Hans", "/hks/")):
            url = urls.get(lang, "")
            if "immd.gov.hk/" in url and "/pdf/" not in url:
                assert folder in url, f"{source_id} {lang}: {url}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_source_returns_the_page_language(lang):
    qmas = load.source("immd-qmas", lang)
    assert qmas["url_lang"] == lang and qmas["title_lang"] == lang
    assert qmas["url"] == SOURCES["immd-qmas"]["url"][lang]
    press = load.source("gia-talent-list-2025", lang)
    assert press["url"].endswith("P2025021800221.htm") and press["url_lang"] == "en"
    assert press["title"] == SOURCES["gia-talent-list-2025"]["title"][lang]


def test_source_defaults_to_english_and_keeps_its_keys():
    assert load.source("immd-qmas") == load.source("immd-qmas", "en")
    assert {"id", "title", "url", "kind"} <= set(load.source("aggregate-list"))
    assert load.source("consultancy-lodge-together")["url"] is None


def test_points_245_numbers_cite_copies_of_the_guidance_notes():
    data = rules("points-245")
    for rule in [data, *data["factors"]]:
        assert "immd-guidance-982" not in rule["sources"], rule.get("id", "points-245")
    family = next(f for f in data["factors"] if f["id"] == "family")
    assert "consultancy-lodge-together" in family["sources"]
    assert SOURCES["consultancy-lodge-together"]["kind"] == "secondary"

"""MkDocs hook: the site's three languages on top of mkdocs-static-i18n.

The ``i18n`` plugin (mkdocs.yml) builds English at the site root and each other language
under ``<locale>/`` (``zh-Hant/``, ``zh-Hans/``) from the translated pages beside the English
ones (``eligibility.zh-Hant.md``). Its Material integration is off (``reconfigure_material:
false``) because it writes absolute links (``/zh-Hant/``), which break under a sub-path such
as ``/qmas/``. This hook does that part instead, with relative links:

* **Language selector and hreflang alternates.** For every page, Material's
  ``config.extra.alternate`` lists the same page in each language; Material renders it as
  the header's language selector and as ``<link rel="alternate" hreflang>`` in the head.
  ``assets/javascripts/qmas-lang.js`` carries the URL fragment over (the calculator's
  answers live there) and keeps the switch a full page load.
* **One search index per language.** Material's search plugin writes one index for the whole
  build; after the build it is split into ``search/search_index.json`` (English) and
  ``<locale>/search/search_index.json``, and each language's pages tell Material's scripts
  that their base is their language's root (``qmas_lang_base``, used by overrides/main.html),
  so a search on a Chinese page searches the Chinese pages only.
* **Search across scripts.** Each Chinese page's index entry gains an ``alt`` field: the words
  of the page whose other-script form differs (OpenCC), each once. A visitor typing 优才 on the
  Traditional site, or 申請 on the Simplified one, finds the same pages; only the differing
  words are added (not a second copy of every page), so each index grows by a fraction.
* **Sitemaps for Material's scripts.** Material fetches ``sitemap.xml`` beside its base and
  beside each ``<link rel="alternate">`` (mkdocs-material#6582): each language root gets its
  own pages' sitemap, and each page folder an empty one, so no request fails.
* **One copy of everything else.** Theme files (Material's bundle, the calculator's scripts,
  the Pyodide runtime) are written once at the site root; ``404.html`` is the English one.

``hooks.py`` asks :func:`language` which language a page is built in, and
:func:`nested_build` whether a build is one of the plugin's extra language builds.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.qmas.i18n")

DEFAULT = "en"
EMPTY_SITEMAP = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n')

_state: dict = {"pages": {}}


# --------------------------------------------------------------------------- queries


def plugin(config):
    """The mkdocs-static-i18n plugin instance, or None when the site is built without it."""
    plugins = getattr(config, "plugins", None) or {}
    return plugins.get("i18n") if hasattr(plugins, "get") else None


def language(config) -> str:
    """The language being built: ``en``, ``zh-Hant`` or ``zh-Hans``."""
    i18n = plugin(config)
    if i18n is None:
        return DEFAULT
    return i18n.current_language or i18n.default_language or DEFAULT


def nested_build(config) -> bool:
    """True inside the plugin's builds of the non-default languages."""
    i18n = plugin(config)
    return bool(i18n is not None and i18n.building)


def roots(config) -> dict[str, str]:
    """Each built language's root folder, relative to the site root: {"en": "", "zh-Hant": "zh-Hant/"}."""
    i18n = plugin(config)
    if i18n is None:
        return {DEFAULT: ""}
    return {lang.locale: lang.link.strip("/") + "/" if lang.link.strip("/") else ""
            for lang in i18n.config.languages if lang.build}


def names(config) -> dict[str, str]:
    i18n = plugin(config)
    return {lang.locale: lang.name for lang in i18n.config.languages if lang.build} if i18n else {}


# --------------------------------------------------------------------------- MkDocs events


def on_config(config, **kwargs):
    if not nested_build(config):
        _state["pages"] = {}
    # One 404.html at the site root, the English one (the default build writes it first).
    templates = config.theme.static_templates
    if language(config) == DEFAULT:
        templates.add("404.html")
    else:
        templates.discard("404.html")
    return config


@event_priority(-50)  # after the i18n plugin's own on_page_context (priority 50)
def on_page_context(context, page, config, nav, **kwargs):
    i18n = plugin(config)
    if i18n is None or not hasattr(page.file, "alternates"):
        return context
    lang = language(config)
    lang_roots = roots(config)
    alternates = []
    for locale, name in names(config).items():
        target = page.file.alternates.get(locale)
        url = target.url if target is not None else lang_roots[locale] or "./"
        # Material renders `link | url`: relative to this page, or with site_url (a deployed
        # build) the full address, as hreflang alternates should be.
        if config.site_url:
            url = config.site_url.rstrip("/") + "/" + ("" if url == "./" else url)
        alternates.append({"name": name, "link": url, "lang": locale})
    config.extra["alternate"] = alternates
    # Material's scripts load the search index and sitemap from their base: this language's root.
    context["qmas_lang_base"] = get_relative_url(lang_roots.get(lang) or "./", page.url)
    context["qmas_site_base"] = get_relative_url("./", page.url)
    context["qmas_lang_roots"] = lang_roots
    _state["pages"].setdefault(lang, []).append(page.file.dest_uri)
    return context


@event_priority(-110)  # after the i18n plugin has built every language and merged the index
def on_post_build(config, **kwargs):
    if nested_build(config) or plugin(config) is None:
        return
    site = Path(config.site_dir)
    lang_roots = roots(config)
    split_search_index(site, lang_roots)
    write_sitemaps(site, lang_roots, _state["pages"])


# --------------------------------------------------------------------------- after the build


def _language_of(location: str, lang_roots: dict[str, str]) -> str:
    for lang, root in lang_roots.items():
        if root and location.startswith(root):
            return lang
    return next(lang for lang, root in lang_roots.items() if not root)


def split_search_index(site: Path, lang_roots: dict[str, str]) -> None:
    """search/search_index.json (every language) -> one index per language, at its root."""
    index_path = site / "search" / "search_index.json"
    if not index_path.is_file():
        return
    index = json.loads(index_path.read_text("utf-8"))
    docs: dict[str, list] = {lang: [] for lang in lang_roots}
    separator = re.compile(index["config"]["separator"])
    for doc in index["docs"]:
        lang = _language_of(doc["location"], lang_roots)
        entry = {**doc, "location": doc["location"][len(lang_roots[lang]):]}
        if lang in OTHER_SCRIPT:
            entry["alt"] = other_script_words(f"{doc['title']} {doc['text']}", lang, separator)
        docs[lang].append(entry)
    for lang, root in lang_roots.items():
        config = index["config"]
        if lang in OTHER_SCRIPT:
            config = {**config, "fields": {**config["fields"], "alt": {"boost": 1.0}}}
        path = site / root / "search" / "search_index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**index, "config": config, "docs": docs[lang]}, ensure_ascii=False,
                                   separators=(",", ":")), "utf-8")
    log.info("qmas i18n: search index split: %s",
             ", ".join(f"{lang} {len(d)}" for lang, d in docs.items()))


# OpenCC conversions to the other script of each Chinese site (Hong Kong forms for Traditional).
OTHER_SCRIPT = {"zh-Hant": "hk2s", "zh-Hans": "s2hk"}
TAG = re.compile(r"<[^>]+>")
HAN = re.compile(r"[\u3400-\u9fff]")


def other_script_words(text: str, lang: str, separator: re.Pattern) -> str:
    """The words of `text` (a search entry: HTML, words split by the index's separator) whose
    form in the other script differs, each once, separated by spaces."""
    import opencc  # the site extra; only the build needs it

    convert = opencc.OpenCC(OTHER_SCRIPT[lang]).convert
    seen: dict[str, None] = {}
    for word in separator.split(TAG.sub(" ", text)):
        if HAN.search(word):
            other = convert(word)
            if other != word:
                seen.setdefault(other)
    return " ".join(seen)


URL_ENTRY = re.compile(r"<url>.*?</url>", re.DOTALL)
LOC = re.compile(r"<loc>(.*?)</loc>", re.DOTALL)


def write_sitemaps(site: Path, lang_roots: dict[str, str], pages: dict[str, list[str]]) -> None:
    """Each language root: a sitemap of its own pages (the root one lists every language,
    with alternates). Each page folder: an empty sitemap, for Material's alternate lookup."""
    root_sitemap = site / "sitemap.xml"
    text = root_sitemap.read_text("utf-8") if root_sitemap.is_file() else EMPTY_SITEMAP
    head, _, _ = text.partition("<url>")
    tail = "</urlset>\n"
    entries = URL_ENTRY.findall(text)
    for lang, root in lang_roots.items():
        if not root:
            continue
        own = [e for e in entries if f"/{root}" in (LOC.search(e)[1] if LOC.search(e) else "")]
        body = (head.rstrip() + "\n    " + "\n    ".join(own) + "\n" + tail) if own else EMPTY_SITEMAP
        (site / root / "sitemap.xml").write_text(body, "utf-8")
    language_roots = {site / root for root in lang_roots.values()}
    for lang, dest_uris in pages.items():
        for dest in dest_uris:
            folder = site / posixpath.dirname(dest)
            if folder not in language_roots and folder.is_dir():
                (folder / "sitemap.xml").write_text(EMPTY_SITEMAP, "utf-8")

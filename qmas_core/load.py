"""Read the rule data shipped inside the package (TOML and JSON), once."""

from __future__ import annotations

import functools
import json
import tomllib
from importlib.resources import files

LANGUAGES = ("en", "zh-Hant", "zh-Hans")
DEFAULT_LANGUAGE = "en"


@functools.cache
def rules(name: str) -> dict:
    """The parsed `rules/<name>.toml`."""
    return tomllib.loads(files(__package__).joinpath("rules", f"{name}.toml").read_text("utf-8"))


@functools.cache
def rules_json(name: str) -> dict:
    """The parsed `rules/<name>.json`."""
    return json.loads(files(__package__).joinpath("rules", f"{name}.json").read_text("utf-8"))


def text(value: dict | str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """One language's string from a `{en, zh-Hant, zh-Hans}` table; English where it is missing."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get(DEFAULT_LANGUAGE, "")


def message(table: dict, key: str, lang: str, **fields) -> str:
    """A rule file's `[messages]` template filled with `fields`."""
    return text(table["messages"][key], lang).format(**fields)


def _in_language(value: dict | str | None, lang: str) -> tuple[str | None, str]:
    """(value, its language) for `lang` from a per-language table or a single string (English);
    a language the table lacks gets the English one (sources.toml's `fallback` says why)."""
    if value is None or isinstance(value, str):
        return value, DEFAULT_LANGUAGE
    if lang in value:
        return value[lang], lang
    return value[DEFAULT_LANGUAGE], DEFAULT_LANGUAGE


def source(source_id: str, lang: str = DEFAULT_LANGUAGE) -> dict:
    """A cited source in the page's language: id, title, url (None when no address is known),
    kind, how it was `read` ("page", "copy", "cited") with the `copy`'s address, its `note`, and
    the languages of the title and of the linked page (`title_lang`, `url_lang`)."""
    entry = rules("sources")[source_id]
    title, title_lang = _in_language(entry["title"], lang)
    url, url_lang = _in_language(entry.get("url"), lang)
    return {"id": source_id, "title": title, "url": url, "kind": entry["kind"],
            "title_lang": title_lang, "url_lang": url_lang, "read": entry.get("read"),
            "copy": entry.get("copy"), "revised": entry.get("revised"), "note": text(entry.get("note"), lang)}

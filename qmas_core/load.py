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


def source(source_id: str) -> dict:
    """A cited source as a dict: id, title, url and kind."""
    entry = rules("sources")[source_id]
    return {"id": source_id, "title": entry["title"], "url": entry["url"], "kind": entry["kind"]}

"""The editions of the tests and which one applies on a date."""

from __future__ import annotations

import datetime as dt

from . import formats
from .load import message, rules, text


def all_editions() -> list[dict]:
    return rules("editions")["editions"]


def get(edition_id: str) -> dict | None:
    return next((e for e in all_editions() if e["id"] == edition_id), None)


def in_force(entry: dict, on: dt.date) -> bool:
    start = dt.date.fromisoformat(entry["effective_from"])
    end = entry.get("effective_to")
    return start <= on and (end is None or on <= dt.date.fromisoformat(end))


def editions(lang: str = "en", today: dt.date | None = None) -> list[dict]:
    """`id`, `title`, `test`, `unit`, `effective_from`, `effective_to` (or None),
    `effective_text` (the dates in words), `current`, `note`."""
    today = today or dt.date.today()
    return [
        {
            "id": e["id"],
            "title": text(e["title"], lang),
            "test": e["test"],
            "unit": rules(e["id"])["unit"],
            "effective_from": e["effective_from"],
            "effective_to": e.get("effective_to"),
            "effective_text": effective_text(e, lang),
            "current": in_force(e, today),
            "note": text(e.get("note"), lang),
        }
        for e in all_editions()
    ]


def edition_for(on: dt.date | str | None = None, test: str = "general") -> str:
    """The id of the edition of `test` ("general" or "achievement") in force on a date
    (default: today). Raises ValueError for a date before any encoded edition."""
    if on is None:
        on = dt.date.today()
    elif isinstance(on, str):
        on = dt.date.fromisoformat(on)
    for e in all_editions():
        if e["test"] == test and in_force(e, on):
            return e["id"]
    raise ValueError(f"no encoded {test} test edition was in force on {on.isoformat()}")


def effective_text(entry: dict, lang: str) -> str:
    """An edition's dates in words: "1 January 2023 to 31 October 2024", "from 1 November 2024"."""
    start = formats.date(entry["effective_from"], lang)
    if entry.get("effective_to"):
        end = formats.date(entry["effective_to"], lang)
        return message(rules("results"), "effective_range", lang, **{"from": start, "to": end})
    return message(rules("results"), "effective_from", lang, **{"from": start})

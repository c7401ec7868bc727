"""The Talent List versions shipped as sourced data (`rules/talent-list-*.json`).

Only professions confirmed from sources are listed; each version states its official total,
so a page can say how many are shown and link the official site for the rest.
"""

from __future__ import annotations

import functools

from .load import rules_json

FILES = ("talent-list-2021", "talent-list-2023", "talent-list-2025")


@functools.cache
def versions() -> list[dict]:
    """Every version, oldest first, as stored (segments with their confirmed professions)."""
    return [rules_json(name) for name in FILES]


def version(version_id: str) -> dict:
    return next(v for v in versions() if v["version"] == version_id)


def newest() -> dict:
    return versions()[-1]


@functools.cache
def _professions() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for v in versions():
        for segment in v["segments"]:
            for p in segment["professions"]:
                entry = found.setdefault(p["id"], {**p, "versions": [], "segments": {}})
                entry["versions"].append(v["version"])
                entry["segments"][v["version"]] = segment["id"]
    return found


def profession(profession_id: str) -> dict | None:
    """A confirmed profession by id, with the versions it is listed in; None if unknown."""
    return _professions().get(profession_id)


def professions() -> list[dict]:
    return list(_professions().values())


def name(entry: dict, lang: str) -> str:
    """A profession's or segment's name; the Chinese name where one was confirmed."""
    if lang.startswith("zh") and entry.get("zh_hant"):
        return entry["zh_hant"] if lang == "zh-Hant" else entry.get("zh_hans") or entry["zh_hant"]
    return entry["en"]

"""The Talent List versions shipped as sourced data (`rules/talent-list-*.json`).

Only professions confirmed from sources are listed; each version states its official total,
so a page can say how many are shown and link the official site for the rest.
"""

from __future__ import annotations

import datetime as dt
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


def _order(version_id: str) -> int:
    return [v["version"] for v in versions()].index(version_id)


def in_force(version_ids: list[str], on: dt.date | None) -> str:
    """Of `version_ids` (oldest first), the one in force on `on`: the newest that had started
    (a version without a known start, "2021", was in force before any dated one); with no
    date, the newest of them."""
    started = [v for v in version_ids if on is None or (version(v)["effective_from"] or "") <= on.isoformat()]
    return (started or version_ids[:1])[-1]


def added_in(entry: dict) -> str:
    """The first version that lists a profession, from the date (or year) it was added."""
    return next(v["version"] for v in versions()
                if v["version"] == entry["added"] or (v["effective_from"] or v["version"]) >= entry["added"])


def listed_in(entry: dict, version_id: str) -> bool:
    """Whether the version lists the profession (it was added in that version or earlier; the
    shipped versions are incomplete, so membership comes from the date it was added)."""
    return _order(added_in(entry)) <= _order(version_id)


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


ZH_HANS_FILE = "talent-list-zh-hans"


def zh_hans_names() -> dict[str, str]:
    """id -> Simplified Chinese name, for every profession and segment with a confirmed
    Traditional name (`rules/talent-list-zh-hans.json`, made by site_scripts/make_talent_zh_hans.py)."""
    return rules_json(ZH_HANS_FILE)


def name(entry: dict, lang: str) -> str:
    """A profession's or segment's name; the Chinese name where one was confirmed. zh-Hans falls
    back to the Traditional name, then English; zh-Hant to English."""
    if lang == "zh-Hans":
        return entry.get("zh_hans") or zh_hans_names().get(entry.get("id", "")) or entry.get("zh_hant") or entry["en"]
    if lang == "zh-Hant" and entry.get("zh_hant"):
        return entry["zh_hant"]
    return entry["en"]

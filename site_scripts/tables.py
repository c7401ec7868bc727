"""The HTML of each `<!-- qmas:NAME -->` marker, from qmas_core's rule data through the
templates in overrides/partials/qmas/, in the page's language."""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import jinja2
from markupsafe import Markup, escape
from mkdocs.utils import get_relative_url

import qmas_core
from qmas_core import fees, formats, load, talent_list

HERE = Path(__file__).resolve().parent
TEMPLATES = "partials/qmas/"
FACTOR_ROWS = TEMPLATES + "points-245-factors.html"
SITE_STRINGS = HERE / "site_strings.toml"


class MarkerError(ValueError):
    """A marker's arguments or the data behind it cannot be shown."""


@dataclass
class Page:
    """What a marker is rendered for: its page, the page's language, the build's date and the
    templates (`env` fails on a missing variable; `loose_env`, for the calculator, does not)."""

    lang: str
    today: dt.date
    env: jinja2.Environment
    loose_env: jinja2.Environment
    page: object = None
    files: object = None
    config: object = None

    def strings(self) -> dict[str, str]:
        return site_strings(self.lang)

    def t(self, name: str, /, **values) -> str:
        return self.strings()[name].format(**values)

    def tr(self, name: str, /, **values) -> Markup:
        """Like t, for templates: the values may be markup (a link, a date), the rest is escaped."""
        return Markup(escape(self.strings()[name])).format(**values)

    def text(self, value) -> str:
        return load.text(value, self.lang)

    def render(self, template: str, **context) -> str:
        return self.env.get_template(TEMPLATES + template).render(
            lang=self.lang, t=self.strings(), tr=self.tr, sp=" " if self.lang == "en" else "", day=self.day, **context)

    def day(self, value) -> str:
        """A date in words in the page's language (never ISO in text); "" for none."""
        return formats.date(value, self.lang) if value else ""


@functools.cache
def site_strings(lang: str) -> dict[str, str]:
    """The tables' own words (site_strings.toml) in one language."""
    strings = tomllib.loads(SITE_STRINGS.read_text("utf-8"))["strings"]
    return {key: load.text(value, lang) for key, value in strings.items()}


def _sources(ids, lang: str) -> list[dict]:
    try:
        return [load.source(i, lang) for i in ids]
    except KeyError as error:
        raise MarkerError(f"unknown source id {error}") from None


def _link(url: str) -> dict:
    """A cited URL (Talent List data): its host as the link text, and whether it is official."""
    host = (urlparse(url).hostname or url).removeprefix("www.")
    return {"url": url, "host": host, "official": host.endswith(".gov.hk") or host == "gov.hk"}


def no_args(args, name):
    if args:
        raise MarkerError(f"qmas:{name} takes no arguments, got {' '.join(args)}")


def _edition(p: Page, edition_id: str) -> dict:
    raw = next((e for e in load.rules("editions")["editions"] if e["id"] == edition_id), None)
    if raw is None:
        raise MarkerError(f"unknown edition {edition_id!r}")
    current = next(e for e in qmas_core.editions(p.lang, p.today) if e["id"] == edition_id)
    return {**current, "sources": _sources(raw.get("sources", []), p.lang)}


def _localised(value, lang: str):
    """Rule data with every {en, zh-Hant, zh-Hans} table replaced by the page's language."""
    if isinstance(value, dict):
        if "en" in value and set(value) <= set(load.LANGUAGES):
            return load.text(value, lang)
        return {k: _localised(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [_localised(v, lang) for v in value]
    return value


def _page_url(target: str, p: Page) -> str:
    """A relative link from the marker's page to the page built from `target` (a docs path)."""
    found = p.files.get_file_from_path(target) if p.files is not None else None
    if found is None:
        raise MarkerError(f"links to {target}, which is not in the docs")
    return get_relative_url(found.url, p.page.url)


# --------------------------------------------------------------------------- the markers


def build_editions(args, p: Page):
    no_args(args, "editions")
    rows = []
    for e in qmas_core.editions(p.lang, p.today):
        data = load.rules(e["id"])
        rows.append({**_edition(p, e["id"]), "pass_mark": data["pass_mark"], "maximum": data["maximum"],
                     "shape": "points" if "factors" in data else "criteria"})
    return p.render("editions.html", editions=rows, today=p.today.isoformat())


def build_prerequisites(args, p: Page):
    every = [e["id"] for e in qmas_core.editions(p.lang, p.today)]
    if len(args) > 1:
        raise MarkerError("takes at most one edition id")
    columns = args or every
    for edition_id in columns:
        if edition_id not in every:
            raise MarkerError(f"unknown edition {edition_id!r} (known: {', '.join(every)})")
    rows = []
    for rule in load.rules("prerequisites")["prerequisites"]:
        applies = rule.get("editions", every)
        if args and args[0] not in applies:
            continue
        rows.append({"id": rule["id"], "label": p.text(rule["label"]), "note": p.text(rule.get("note")),
                     "sources": _sources(rule["sources"], p.lang),
                     "applies": {e: e in applies for e in columns}})
    return p.render("prerequisites.html", rows=rows, columns=[_edition(p, e) for e in columns],
                    single=bool(args))


def points_245_factors(p: Page) -> list[dict]:
    """The factors as the rule data has them, in the page's language; each factor's rows come
    from its macro in points-245-factors.html, and its `*_note` texts are shown under it."""
    rows = p.env.get_template(FACTOR_ROWS).make_module(
        {"lang": p.lang, "t": p.strings(), "tr": p.tr, "choices": {
            q["key"]: {c["value"]: c["label"] for c in q["choices"]} for q in qmas_core.questions(p.lang)}})
    out = []
    for raw in load.rules("points-245")["factors"]:
        f = _localised(raw, p.lang)
        macro = getattr(rows, f["id"].replace("-", "_"), None)
        if macro is None:
            raise MarkerError(f"factor {f['id']!r} has no macro in overrides/{FACTOR_ROWS}")
        out.append({"description": "", **f, "counting": p.t(f"counting_{f['id']}"), "rows": macro(f),
                    "notes": [v for k, v in f.items() if k.endswith("_note") and v],
                    "sources": _sources(f["sources"], p.lang), "list_versions": f.get("list_versions", [])})
    return out


def build_points_245(args, p: Page):
    data = load.rules("points-245")
    factors = points_245_factors(p)
    ids = [f["id"] for f in factors]
    if len(args) > 1 or (args and args[0] not in ids + ["summary"]):
        raise MarkerError(f"argument must be 'summary' or one of {', '.join(ids)}")
    view = args[0] if args else "all"
    shown = factors if view in ("all", "summary") else [f for f in factors if f["id"] == view]
    return p.render("points-245.html", view=view, factors=shown, all_factors=factors,
                    edition=_edition(p, "points-245"), pass_mark=data["pass_mark"],
                    maximum=data["maximum"], pass_note=p.text(data.get("pass_note")),
                    sources=_sources(data["sources"], p.lang), talent_list_url=_page_url("talent-list.md", p))


def build_criteria_2024(args, p: Page):
    no_args(args, "criteria-2024")
    data = load.rules("criteria-2024")
    by_key = {c["key"]: c["number"] for c in data["criteria"]}
    # The page's language; beside it, the official Simplified wording (on zh-Hans pages the
    # label is that wording).
    rows = [{
        "id": c["id"], "number": c["number"], "area": c["area"],
        "label": p.text(c["label"]), "label_en": c["label"]["en"], "zh_hans": c["label"].get("zh-Hans"),
        "official_wording": c.get("wording", "official") == "official",
        "note": p.text(c.get("note")), "requires": by_key.get(c.get("requires")),
        "sources": _sources(c["sources"], p.lang),
    } for c in data["criteria"]]
    areas = [{"id": a, "label": p.text(label), "zh_hans": label.get("zh-Hans") if p.lang == "en" else None,
              "criteria": [r for r in rows if r["area"] == a]} for a, label in data["areas"].items()]
    return p.render("criteria-2024.html", areas=areas, edition=_edition(p, "criteria-2024"),
                    pass_mark=data["pass_mark"], maximum=data["maximum"],
                    pass_note=p.text(data.get("pass_note")), sources=_sources(data["sources"], p.lang))


def build_achievement(args, p: Page):
    no_args(args, "achievement")
    data = load.rules("achievement")
    rows = [{"id": c["id"], "label": p.text(c["label"]), "note": p.text(c.get("note")),
             "sources": _sources(c["sources"], p.lang)} for c in data["criteria"]]
    return p.render("achievement.html", criteria=rows, edition=_edition(p, "achievement"),
                    pass_mark=data["pass_mark"], maximum=data["maximum"],
                    wording_from=data["criteria_wording_from"],
                    points_maximum=load.rules("points-245")["maximum"],
                    pass_note=p.text(data.get("pass_note")), sources=_sources(data["sources"], p.lang))


# The profession fields the template may read (absent ones are None there).
PROFESSION_KEYS = ("id", "en", "zh_hant", "zh_hans", "added", "added_note", "en_note", "zh_hant_note",
                   "zh_hant_source", "spec", "evidence", "sector_2018_proposal_zh")


def talent_list_version(p: Page, version_id: str) -> dict:
    """One Talent List version shaped for the template."""
    versions = {v["version"]: v for v in talent_list.versions()}
    if version_id not in versions:
        raise MarkerError(f"unknown Talent List version {version_id!r} (known: {', '.join(versions)})")
    v = versions[version_id]
    segments = []
    for s in v["segments"]:
        professions = []
        for prof in s["professions"]:
            evidence = prof.get("evidence") or []
            professions.append({**dict.fromkeys(PROFESSION_KEYS), **prof,
                                "evidence": [_link(u) for u in ([evidence] if isinstance(evidence, str) else evidence)],
                                "name": talent_list.name(prof, p.lang),
                                "zh_hans": talent_list.name(prof, "zh-Hans") if prof.get("zh_hant") else None})
        segments.append({"id": s["id"], "en": s["en"], "zh_hant": s.get("zh_hant"),
                         "name": talent_list.name(s, p.lang), "expected_count": s.get("expected_count"),
                         "notes": [n for n in (s.get("note"), s.get("segment_note")) if n],
                         "professions": professions})
    shown = sum(len(s["professions"]) for s in segments)
    return {
        "version": version_id, "slug": re.sub(r"[^a-z0-9]+", "-", version_id.lower()),
        "effective_from": v.get("effective_from"), "announced": v.get("announced"),
        "notes": [n for n in (v.get("version_note"), v.get("effective_note"), v.get("note")) if n],
        "shown": shown, "official_total": v["expected_count"], "missing": v["expected_count"] - shown,
        "newest": version_id == talent_list.newest()["version"], "segments": segments,
        "sources": [_link(u) for u in v["sources"]],
    }


def build_talent_list(args, p: Page):
    if len(args) != 1:
        known = ", ".join(v["version"] for v in talent_list.versions())
        raise MarkerError(f"needs exactly one version id (one of {known})")
    return p.render("talent-list.html", tl=talent_list_version(p, args[0]),
                    official=load.source("talent-list-site", p.lang))


def build_sources(args, p: Page):
    no_args(args, "sources")
    rows = [{"id": source_id, "revised": None, **load.source(source_id, p.lang), "note": p.text(entry.get("note")) or None,
             "fallback": p.text(entry.get("fallback")) if p.lang != "en" else None,
             "kind_label": p.t(f"kind_{entry['kind']}")}
            for source_id, entry in load.rules("sources").items()]
    return p.render("sources.html", sources=rows)


def build_answer_keys(args, p: Page):
    """The deep-link vocabulary: every answer key, what it takes, and the tests that use it."""
    no_args(args, "answer-keys")
    return p.render("answer-keys.html", questions=qmas_core.questions(p.lang))


def build_fees(args, p: Page):
    no_args(args, "fees")
    return p.render("fees.html", fees=fees.schedule_table(p.lang))

"""MkDocs hooks for the QMAS self-check site (``hooks: [site_scripts/hooks.py]``).

``on_page_markdown`` replaces markers written as HTML comments in the Markdown pages,

    <!-- qmas:NAME ARG ... -->

with HTML generated from qmas_core's rule data through the Jinja templates in
``overrides/partials/qmas/``. No rule number is typed into a page: every table comes
from the data, with the data's sources and notes. An unknown marker, a wrong argument
or a rule-data key this module does not know how to show fails the build.

Markers (arguments in brackets are optional):

    qmas:editions                     the editions of the tests and their dates
    qmas:prerequisites [EDITION]      prerequisites, per edition (or for one edition)
    qmas:points-245 [summary|FACTOR]  the six-factor test: every factor, or the summary,
                                      or one factor (age, qualification, work_experience,
                                      talent_list, language, family)
    qmas:criteria-2024                the 12 criteria by area, with the Chinese wording
    qmas:achievement                  the Achievement-based test
    qmas:talent-list VERSION          one Talent List version (2021, 2023-05-16, 2025-03-01)
    qmas:sources                      the sources cited by the rule data
    qmas:calculator                   overrides/partials/qmas/calculator.html, if present

Every table is rendered in the language of the page it is on (``en``, ``zh-Hant`` or
``zh-Hans``: the mkdocs-static-i18n build in progress, see ``site_scripts/i18n.py``): the rule
data's own texts through ``qmas_core``, the tables' words from ``site_strings.toml``.

``on_post_build`` copies the Pyodide runtime and the qmas_core wheel into the site
(``site_scripts.pyodide_files.copy_runtime`` and ``site_scripts.wheel.build_into_site``)
when those modules are there, once: the other languages' builds share the site root's copy.
"""

from __future__ import annotations

import datetime as dt
import json
import importlib
import importlib.util
import logging
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import jinja2
from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `mkdocs build` does not put the project on sys.path
    sys.path.insert(0, str(ROOT))

import qmas_core  # noqa: E402
from qmas_core import load, talent_list, universities  # noqa: E402
from site_scripts import i18n as site_i18n  # noqa: E402

log = logging.getLogger("mkdocs.hooks.qmas")

MARKER = re.compile(r"<!--\s*qmas:(?P<name>[^\s>]*)(?P<args>.*?)-->", re.DOTALL)
UNCLOSED = re.compile(r"<!--\s*qmas:")
TEMPLATES = "partials/qmas/"
CALCULATOR_TEMPLATE = TEMPLATES + "calculator.html"
LANG = "en"  # the default; a page's own language is _lang()
SITE_STRINGS = ROOT / "site_scripts" / "site_strings.toml"

_state: dict = {"lang": LANG}


# --------------------------------------------------------------------------- MkDocs events


def on_config(config, **kwargs):
    loader = jinja2.FileSystemLoader([str(d) for d in config.theme.dirs])
    common = dict(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                  keep_trailing_newline=False)
    # Our own templates: a missing variable is a bug, so it fails the build.
    _state["env"] = jinja2.Environment(undefined=jinja2.StrictUndefined, **common)
    # The calculator template belongs to another part of the site: default undefined.
    _state["calculator_env"] = jinja2.Environment(**common)
    _state["today"] = dt.date.today()
    return config


def on_page_markdown(markdown, page, config, files, **kwargs):
    _state["lang"] = site_i18n.language(config)

    def replace(match: re.Match) -> str:
        name, args = match["name"], match["args"].split()
        builder = BUILDERS.get(name)
        if builder is None:
            raise PluginError(
                f"{page.file.src_uri}: unknown marker <!-- qmas:{name} -->"
                f" (known: {', '.join(sorted(BUILDERS))})"
            )
        try:
            html = builder(args, page=page, config=config, files=files)
        except (MarkerError, jinja2.TemplateError) as error:
            raise PluginError(f"{page.file.src_uri}: <!-- qmas:{name} {' '.join(args)} -->: {error}") from error
        # A block of raw HTML: blank lines around it, no leading indent.
        return f"\n\n{html.strip()}\n\n" if html.strip() else "\n"

    markdown = MARKER.sub(replace, markdown)
    leftover = UNCLOSED.search(markdown)
    if leftover:
        raise PluginError(f"{page.file.src_uri}: unterminated marker near {markdown[leftover.start():][:40]!r}")
    return markdown


def on_post_build(config, **kwargs):
    """Copy the Pyodide runtime, then build the wheel (it reads the copied lock file)."""
    if site_i18n.nested_build(config):
        return  # another language's build: the runtime is at the site root already
    site_dir = config["site_dir"]
    if str(ROOT) not in sys.path:  # MkDocs restores sys.path after loading this module
        sys.path.insert(0, str(ROOT))
    for module_name, function_names in (
        ("site_scripts.pyodide_files", ("copy_runtime",)),
        ("site_scripts.wheel", ("build_into_site", "build_into")),
    ):
        if importlib.util.find_spec(module_name) is None:
            log.info("qmas: %s not found, skipped", module_name)
            continue
        module = importlib.import_module(module_name)
        function = next((getattr(module, n) for n in function_names if hasattr(module, n)), None)
        if function is None:
            raise PluginError(f"{module_name} has none of {', '.join(function_names)}")
        function(site_dir)


# --------------------------------------------------------------------------- helpers


class MarkerError(ValueError):
    """A marker's arguments or the data behind it cannot be shown."""


def _lang() -> str:
    return _state.get("lang", LANG)


def site_strings(lang: str = LANG) -> dict[str, str]:
    """The tables' own words (site_strings.toml) in one language."""
    if "site_strings" not in _state:
        _state["site_strings"] = tomllib.loads(SITE_STRINGS.read_text("utf-8"))["strings"]
    return {key: load.text(value, lang) for key, value in _state["site_strings"].items()}


def _t(name: str, /, **values) -> str:
    """One of the tables' words in the page's language, with its {placeholders} filled."""
    return site_strings(_lang())[name].format(**values)


def _tr(name: str, /, **values) -> Markup:
    """For templates: like _t, but the values may be markup (a link, a date) and the rest is
    escaped."""
    return Markup(escape(site_strings(_lang())[name])).format(**values)


def _render(template: str, **context) -> str:
    return _state["env"].get_template(TEMPLATES + template).render(
        lang=_lang(), t=site_strings(_lang()), tr=_tr, sp=" " if _lang() == "en" else "", **context)


def _text(value) -> str:
    return load.text(value, _lang())


def _sources(ids) -> list[dict]:
    try:
        return [load.source(i) for i in ids]
    except KeyError as error:
        raise MarkerError(f"unknown source id {error}") from None


def _link(url: str) -> dict:
    """A cited URL (Talent List data): its host as the link text, and whether it is official."""
    host = (urlparse(url).hostname or url).removeprefix("www.")
    return {"url": url, "host": host, "official": host.endswith(".gov.hk") or host == "gov.hk"}


def _check_keys(entry: dict, known: set[str], what: str) -> None:
    unknown = set(entry) - known
    if unknown:
        raise MarkerError(f"{what} has keys the site does not show: {', '.join(sorted(unknown))}")


def _no_args(args, name):
    if args:
        raise MarkerError(f"qmas:{name} takes no arguments, got {' '.join(args)}")


def _edition_rules(edition_id: str) -> dict:
    return load.rules(edition_id)


def _edition(edition_id: str) -> dict:
    raw = next((e for e in load.rules("editions")["editions"] if e["id"] == edition_id), None)
    if raw is None:
        raise MarkerError(f"unknown edition {edition_id!r}")
    current = next(e for e in qmas_core.editions(_lang(), _state["today"]) if e["id"] == edition_id)
    return {**current, "sources": _sources(raw.get("sources", []))}


# --------------------------------------------------------------------------- builders


def build_editions(args, **_):
    _no_args(args, "editions")
    rows = []
    for e in qmas_core.editions(_lang(), _state["today"]):
        data = _edition_rules(e["id"])
        rows.append({**_edition(e["id"]), "pass_mark": data["pass_mark"], "maximum": data["maximum"],
                     "shape": "points" if "factors" in data else "criteria"})
    return _render("editions.html", editions=rows, today=_state["today"].isoformat())


def build_prerequisites(args, **_):
    every = [e["id"] for e in qmas_core.editions(_lang(), _state["today"])]
    if len(args) > 1:
        raise MarkerError("takes at most one edition id")
    columns = args or every
    for edition_id in columns:
        if edition_id not in every:
            raise MarkerError(f"unknown edition {edition_id!r} (known: {', '.join(every)})")
    rows = []
    for rule in load.rules("prerequisites")["prerequisites"]:
        _check_keys(rule, {"id", "key", "test", "value", "editions", "sources", "label", "note",
                           "missing", "excluded", "edition_notes"},
                    f"prerequisite {rule['id']}")
        applies = rule.get("editions", every)
        if args and args[0] not in applies:
            continue
        rows.append({"id": rule["id"], "label": _text(rule["label"]), "note": _text(rule.get("note")),
                     "sources": _sources(rule["sources"]),
                     "applies": {e: e in applies for e in columns}})
    return _render("prerequisites.html", rows=rows, columns=[_edition(e) for e in columns],
                   single=bool(args))


FACTOR_BASE_KEYS = {"id", "max", "uses", "sources", "label", "description"}


def _row(label, points, kind, display=None):
    return {"label": label, "points": points, "kind": kind,
            "display": display or (f"+{points}" if kind == "bonus" else str(points))}


def _factor_age(f):
    rows = []
    for band in f["bands"]:
        _check_keys(band, {"min", "max", "points"}, "age band")
        label = _t("age_band", **band) if "max" in band else _t("age_band_open", **band)
        rows.append(_row(label, band["points"], "band"))
    return rows, [], {"bands"}


def _factor_qualification(f):
    question = next(q for q in qmas_core.questions(_lang()) if q["key"] == "qualification")
    labels = {c["value"]: c["label"] for c in question["choices"]}
    levels = list(f["levels"].items())[::-1]
    levels.sort(key=lambda item: -item[1])
    rows = []
    for level, points in levels:
        if level not in labels:
            raise MarkerError(f"qualification level {level!r} has no label in questions.toml")
        rows.append(_row(labels[level], points, "level"))
    rows.append(_row(_t("renowned_bonus"), f["renowned_bonus"], "bonus"))
    return rows, [_text(f["renowned_note"])], {"levels", "renowned_bonus", "renowned_note"}


def _factor_work_experience(f):
    rows = []
    for tier in f["tiers"]:
        _check_keys(tier, {"work_years", "senior_years", "points"}, "work tier")
        label = _t("work_tier_senior" if tier["senior_years"] else "work_tier", **tier)
        rows.append(_row(label, tier["points"], "tier"))
    rows.append(_row(_t("international_bonus", **f["international"]), f["international"]["points"], "bonus"))
    rows.append(_row(_t("multinational_bonus", **f["multinational"]), f["multinational"]["points"], "bonus"))
    return rows, [_text(f["multinational_note"])], {"tiers", "international", "multinational",
                                                    "multinational_note"}


def _factor_talent_list(f):
    known = {v["version"] for v in talent_list.versions()}
    for version in f["list_versions"]:
        if version not in known:
            raise MarkerError(f"Talent List version {version!r} is not in the data")
    rows = [_row(_t("talent_list_row"), f["points"], "item")]
    return rows, [], {"points", "list_versions"}


def _factor_language(f):
    keys = ("chinese_and_english", "chinese_or_english_and_foreign", "chinese_or_english")
    rows = [_row(_t(f"language_{k}"), f[k], "level") for k in keys]
    return rows, [], set(keys)


def _factor_family(f):
    rows = [
        _row(_t("family_hk"), f["hk_family"], "bonus"),
        _row(_t("family_spouse"), f["spouse_degree"], "bonus"),
        _row(_t("family_child"), f["per_child"], "bonus",
             display=_t("family_child_points", points=f["per_child"], maximum=f["children_max"])),
    ]
    return rows, [_text(f["together_note"])], {"hk_family", "spouse_degree", "per_child",
                                               "children_max", "together_note"}


# Each factor's renderer; how it counts is site_strings.toml's counting_<factor id>.
FACTORS = {
    "age": _factor_age,
    "qualification": _factor_qualification,
    "work_experience": _factor_work_experience,
    "talent_list": _factor_talent_list,
    "language": _factor_language,
    "family": _factor_family,
}


def points_245_factors() -> list[dict]:
    """The six factors as rows for the template (also used by the tests)."""
    data = load.rules("points-245")
    out = []
    for f in data["factors"]:
        if f["id"] not in FACTORS:
            raise MarkerError(f"factor {f['id']!r} has no renderer in site_scripts/hooks.py")
        builder, counting = FACTORS[f["id"]], _t(f"counting_{f['id']}")
        rows, notes, used = builder(f)
        _check_keys(f, FACTOR_BASE_KEYS | used, f"factor {f['id']}")
        out.append({"id": f["id"], "label": _text(f["label"]), "max": f["max"],
                    "description": _text(f.get("description")), "counting": counting,
                    "rows": rows, "notes": [n for n in notes if n], "sources": _sources(f["sources"]),
                    "list_versions": f.get("list_versions", [])})
    if sum(f["max"] for f in out) != data["maximum"]:
        raise MarkerError(f"factor maxima add up to {sum(f['max'] for f in out)}, not {data['maximum']}")
    return out


def _page_url(target: str, page, files) -> str:
    """A relative link from `page` to the page built from `target` (a docs path)."""
    found = files.get_file_from_path(target) if files is not None else None
    if found is None:
        raise MarkerError(f"links to {target}, which is not in the docs")
    return get_relative_url(found.url, page.url)


def build_points_245(args, page=None, files=None, **_):
    data = load.rules("points-245")
    factors = points_245_factors()
    ids = [f["id"] for f in factors]
    if len(args) > 1 or (args and args[0] not in ids + ["summary"]):
        raise MarkerError(f"argument must be 'summary' or one of {', '.join(ids)}")
    view = args[0] if args else "all"
    shown = factors if view in ("all", "summary") else [f for f in factors if f["id"] == view]
    return _render("points-245.html", view=view, factors=shown, all_factors=factors,
                   edition=_edition("points-245"), pass_mark=data["pass_mark"],
                   maximum=data["maximum"], pass_note=_text(data.get("pass_note")),
                   sources=_sources(data["sources"]),
                   talent_list_url=_page_url("talent-list.md", page, files))


def criteria_2024_rows() -> list[dict]:
    data = load.rules("criteria-2024")
    known = {"id", "number", "area", "test", "key", "value", "requires", "sources", "label", "note",
             "wording"}
    by_key = {c["key"]: c["number"] for c in data["criteria"]}
    rows = []
    for c in data["criteria"]:
        _check_keys(c, known, f"criterion {c['id']}")
        if c["area"] not in data["areas"]:
            raise MarkerError(f"criterion {c['id']} is in unknown area {c['area']!r}")
        # The page's language; beside it, the official Simplified wording (on zh-Hans pages
        # the label is that wording).
        lang = _lang()
        rows.append({
            "id": c["id"], "number": c["number"], "area": c["area"],
            "label": load.text(c["label"], lang), "label_en": c["label"]["en"],
            "zh_hans": c["label"].get("zh-Hans"),
            "official_wording": c.get("wording", "official") == "official",
            "note": _text(c.get("note")), "requires": by_key.get(c.get("requires")),
            "sources": _sources(c["sources"]),
        })
    return rows


def build_criteria_2024(args, **_):
    _no_args(args, "criteria-2024")
    data = load.rules("criteria-2024")
    rows = criteria_2024_rows()
    areas = [{"id": a, "label": _text(label), "zh_hans": label.get("zh-Hans") if _lang() == "en" else None,
              "criteria": [r for r in rows if r["area"] == a]} for a, label in data["areas"].items()]
    if sum(len(a["criteria"]) for a in areas) != data["maximum"]:
        raise MarkerError(f"{len(rows)} criteria, but maximum is {data['maximum']}")
    return _render("criteria-2024.html", areas=areas, edition=_edition("criteria-2024"),
                   pass_mark=data["pass_mark"], maximum=data["maximum"],
                   pass_note=_text(data.get("pass_note")), sources=_sources(data["sources"]))


def build_achievement(args, **_):
    _no_args(args, "achievement")
    data = load.rules("achievement")
    rows = []
    for c in data["criteria"]:
        _check_keys(c, {"id", "key", "sources", "label", "note"}, f"criterion {c['id']}")
        rows.append({"id": c["id"], "label": _text(c["label"]), "note": _text(c.get("note")),
                     "sources": _sources(c["sources"])})
    points = load.rules("points-245")["maximum"]
    return _render("achievement.html", criteria=rows, edition=_edition("achievement"),
                   pass_mark=data["pass_mark"], maximum=data["maximum"],
                   wording_from=data["criteria_wording_from"], points_maximum=points,
                   pass_note=_text(data.get("pass_note")), sources=_sources(data["sources"]))


PROFESSION_KEYS = {"id", "en", "zh_hant", "zh_hans", "added", "added_note", "en_note", "zh_hant_note",
                   "zh_hant_source", "spec", "evidence", "sector_2018_proposal_zh"}
# Deliberately not published: the data says these are not confirmed titles of the version.
SEGMENT_UNPUBLISHED = {"probable_carry_over_from_2021_unconfirmed", "described_in_news_not_official_titles"}
SEGMENT_KEYS = {"id", "en", "zh_hant", "professions", "note", "segment_note", "expected_count"}
VERSION_KEYS = {"version", "version_note", "effective_from", "effective_note", "announced",
                "profession_count", "expected_count", "missing_count", "sources", "note", "segments"}


def talent_list_version(version_id: str) -> dict:
    """One Talent List version shaped for the template (also used by the tests)."""
    versions = {v["version"]: v for v in talent_list.versions()}
    if version_id not in versions:
        raise MarkerError(f"unknown Talent List version {version_id!r} (known: {', '.join(versions)})")
    v = versions[version_id]
    _check_keys(v, VERSION_KEYS, f"Talent List {version_id}")
    segments = []
    for s in v["segments"]:
        _check_keys(s, SEGMENT_KEYS | SEGMENT_UNPUBLISHED, f"segment {s['id']}")
        professions = []
        for p in s["professions"]:
            _check_keys(p, PROFESSION_KEYS, f"profession {p['id']}")
            evidence = p.get("evidence") or []
            professions.append({**dict.fromkeys(PROFESSION_KEYS), **p, "evidence": [_link(u) for u in
                                                  ([evidence] if isinstance(evidence, str) else evidence)],
                                "name": talent_list.name(p, _lang()),
                                "zh_hans": talent_list.name(p, "zh-Hans") if p.get("zh_hant") else None})
        segments.append({"id": s["id"], "en": s["en"], "zh_hant": s.get("zh_hant"),
                         "name": talent_list.name(s, _lang()),
                         "expected_count": s.get("expected_count"),
                         "notes": [n for n in (s.get("note"), s.get("segment_note")) if n],
                         "professions": professions})
    shown = sum(len(s["professions"]) for s in segments)
    if shown != v["profession_count"]:
        raise MarkerError(f"Talent List {version_id}: {shown} professions, data says {v['profession_count']}")
    missing = v["expected_count"] - shown
    if v.get("missing_count", missing) != missing:
        raise MarkerError(f"Talent List {version_id}: missing_count {v['missing_count']} != {missing}")
    newest = talent_list.newest()["version"]
    return {
        "version": version_id, "slug": re.sub(r"[^a-z0-9]+", "-", version_id.lower()),
        "effective_from": v.get("effective_from"), "announced": v.get("announced"),
        "notes": [n for n in (v.get("version_note"), v.get("effective_note"), v.get("note")) if n],
        "shown": shown, "official_total": v["expected_count"], "missing": missing,
        "newest": version_id == newest, "segments": segments,
        "sources": [_link(u) for u in v["sources"]],
    }


def build_talent_list(args, **_):
    if len(args) != 1:
        known = ", ".join(v["version"] for v in talent_list.versions())
        raise MarkerError(f"needs exactly one version id (one of {known})")
    return _render("talent-list.html", tl=talent_list_version(args[0]),
                   official=load.source("talent-list-site"))


def build_sources(args, **_):
    _no_args(args, "sources")
    rows = []
    for source_id, entry in load.rules("sources").items():
        _check_keys(entry, {"kind", "title", "url", "revised", "note"}, f"source {source_id}")
        rows.append({"id": source_id, "revised": None, **entry, "note": _text(entry.get("note")) or None,
                     "kind_label": _t(f"kind_{entry['kind']}")})
    return _render("sources.html", sources=rows)


def build_answer_keys(args, **_):
    """The deep-link vocabulary: every answer key, what it takes, and the tests that use it."""
    _no_args(args, "answer-keys")
    return _render("answer-keys.html", questions=qmas_core.questions(_lang()))


CALCULATOR_STRINGS = ROOT / "site_scripts" / "calculator_strings.toml"


def calculator_context(lang: str = LANG) -> dict:
    """What overrides/partials/qmas/calculator.html is rendered with."""
    questions = qmas_core.questions(lang)
    groups = list(dict.fromkeys((q["group"], q["group_label"]) for q in questions))
    ui = {}
    if CALCULATOR_STRINGS.is_file():
        strings = tomllib.loads(CALCULATOR_STRINGS.read_text("utf-8")).get("strings", {})
        ui = {key: load.text(value, lang) for key, value in strings.items()}
    # JSON for a <script type="application/json"> block: "<" escaped so no "</script>" can end it.
    ui_json = Markup(json.dumps(ui, ensure_ascii=False).replace("<", "\\u003c"))
    factor = next(f for f in load.rules("points-245")["factors"] if f["id"] == "talent_list")
    talent_versions = [
        {"version": v["version"], "effective_from": v.get("effective_from"),
         "segments": [{"id": s["id"], "name": talent_list.name(s, lang),
                       "professions": [{"id": p["id"], "name": talent_list.name(p, lang)}
                                       for p in s["professions"]]}
                      for s in v["segments"]]}
        for v in talent_list.versions() if v["version"] in factor["list_versions"]
    ]
    return {
        "questions": questions,
        "editions": qmas_core.editions(lang),
        "default_edition": qmas_core.edition_for(),
        "groups": groups,
        "ui": ui,
        "ui_json": ui_json,
        "talent_versions": talent_versions,
        "universities": universities.list_info(),
        "lang": lang,
    }


def build_calculator(args, page, config, **_):
    _no_args(args, "calculator")
    env = _state["calculator_env"]
    try:
        template = env.get_template(CALCULATOR_TEMPLATE)
    except jinja2.TemplateNotFound as error:
        if error.name != CALCULATOR_TEMPLATE:
            raise
        log.info("qmas: %s not written yet; the calculator marker renders nothing", CALCULATOR_TEMPLATE)
        return ""
    return template.render(**calculator_context(_lang()), base_url=get_relative_url(".", page.url),
                           page=page, config=config)


BUILDERS = {
    "editions": build_editions,
    "prerequisites": build_prerequisites,
    "points-245": build_points_245,
    "criteria-2024": build_criteria_2024,
    "achievement": build_achievement,
    "talent-list": build_talent_list,
    "sources": build_sources,
    "calculator": build_calculator,
    "answer-keys": build_answer_keys,
}

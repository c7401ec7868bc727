"""The calculator's form (overrides/partials/qmas/calculator.html) for the `<!-- qmas:calculator -->`
marker: the questions, the page's words and the lists the form offers, in the page's language."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from markupsafe import Markup
from mkdocs.utils import get_relative_url

import qmas_core
from qmas_core import formats, load, talent_list, universities
from site_scripts.tables import Page, no_args, segment_name

TEMPLATE = "partials/qmas/calculator.html"
STRINGS = Path(__file__).resolve().parent / "calculator_strings.toml"


def calculator_context(lang: str) -> dict:
    """What overrides/partials/qmas/calculator.html is rendered with."""
    questions = qmas_core.questions(lang)
    strings = tomllib.loads(STRINGS.read_text("utf-8"))["strings"]
    ui = {key: load.text(value, lang) for key, value in strings.items()}
    factor = next(f for f in load.rules("points-245")["factors"] if f["id"] == "talent_list")
    talent_versions = [
        {"version": v["version"], "effective_from": v.get("effective_from"),
         "segments": [{"id": s["id"], "name": segment_name(s, lang),
                       "professions": [{"id": prof["id"], "name": talent_list.name(prof, lang)}
                                       for prof in s["professions"]]}
                      for s in v["segments"]]}
        for v in talent_list.versions() if v["version"] in factor["list_versions"]
    ]
    return {
        "questions": questions,
        "editions": qmas_core.editions(lang),
        "default_edition": qmas_core.edition_for(),
        "groups": list(dict.fromkeys((q["group"], q["group_label"]) for q in questions)),
        "ui": ui,
        # For a <script type="application/json"> block: "<" escaped so no "</script>" can end it.
        "ui_json": Markup(json.dumps(ui, ensure_ascii=False).replace("<", "\\u003c")),
        "talent_versions": talent_versions,
        # The list's edition as a date in words: the finder's sentences quote it.
        "universities": {**universities.list_info(), "edition_text": formats.date(universities.list_info()["edition"], lang)},
        "lang": lang,
    }


def build_calculator(args, p: Page):
    no_args(args, "calculator")
    return p.loose_env.get_template(TEMPLATE).render(
        **calculator_context(p.lang), base_url=get_relative_url(".", p.page.url), page=p.page, config=p.config,
        day=p.day)

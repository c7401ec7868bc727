"""MkDocs hook: replaces each `<!-- qmas:NAME ARG ... -->` marker of a page with its HTML (the
rule tables, the calculator's form); an unknown or unterminated marker fails the build."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `mkdocs build` does not put the project on sys.path
    sys.path.insert(0, str(ROOT))

from site_scripts import calculator_form, i18n, tables  # noqa: E402

BUILDERS = {
    "editions": tables.build_editions,
    "prerequisites": tables.build_prerequisites,
    "points-245": tables.build_points_245,
    "criteria-2024": tables.build_criteria_2024,
    "achievement": tables.build_achievement,
    "talent-list": tables.build_talent_list,
    "sources": tables.build_sources,
    "answer-keys": tables.build_answer_keys,
    "fees": tables.build_fees,
    "calculator": calculator_form.build_calculator,
    "fees": tables.build_fees,
}
MARKER = re.compile(r"<!--\s*qmas:(?P<name>[^\s>]*)(?P<args>.*?)-->", re.DOTALL)
UNCLOSED = re.compile(r"<!--\s*qmas:")

_state: dict = {}


def on_config(config, **kwargs):
    loader = jinja2.FileSystemLoader([str(d) for d in config.theme.dirs])
    common = dict(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                  keep_trailing_newline=False)
    # Our own templates: a missing variable is a bug, so it fails the build.
    _state["env"] = jinja2.Environment(undefined=jinja2.StrictUndefined, **common)
    # The calculator template belongs to another part of the site: default undefined.
    _state["loose_env"] = jinja2.Environment(**common)
    _state["today"] = dt.date.today()
    return config


def on_page_markdown(markdown, page, config, files, **kwargs):
    context = tables.Page(lang=i18n.language(config), today=_state["today"], env=_state["env"],
                          loose_env=_state["loose_env"], page=page, files=files, config=config)

    def replace(match: re.Match) -> str:
        name, args = match["name"], match["args"].split()
        builder = BUILDERS.get(name)
        if builder is None:
            raise PluginError(
                f"{page.file.src_uri}: unknown marker <!-- qmas:{name} -->"
                f" (known: {', '.join(sorted(BUILDERS))})"
            )
        try:
            html = builder(args, context)
        except (tables.MarkerError, jinja2.TemplateError) as error:
            raise PluginError(f"{page.file.src_uri}: <!-- qmas:{name} {' '.join(args)} -->: {error}") from error
        # A block of raw HTML: blank lines around it, no leading indent.
        return f"\n\n{html.strip()}\n\n" if html.strip() else "\n"

    markdown = MARKER.sub(replace, markdown)
    leftover = UNCLOSED.search(markdown)
    if leftover:
        raise PluginError(f"{page.file.src_uri}: unterminated marker near {markdown[leftover.start():][:40]!r}")
    return markdown

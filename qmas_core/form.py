"""The questions as a form description in one language, for the site's generated form."""

from __future__ import annotations

from . import names
from .answers import questions as raw_questions
from .assess import SCORERS, used_keys
from .load import rules, text

# Question types whose long list of values comes from CLDR: `options` [{value, label}].
OPTIONS = {"languages": names.language_options, "country": names.country_options}


def questions(lang: str = "en") -> list[dict]:
    """One dict per answer key, in form order: key, type, group, group_label, label, help,
    choices ([{value, label}]), min, max, default, within, unit (rules/formats.toml), and the
    editions that use it; for languages and countries also `options` ([{value, label}] by
    label: every other language, then "other"; every ISO 3166-1 country or territory), labels
    in `lang`."""
    groups = rules("questions")["groups"]
    users = {edition: set(used_keys(edition)) for edition in SCORERS}
    rows = []
    for q in raw_questions():
        labels = q.get("choice_labels", {})
        row = {
            "key": q["key"],
            "type": q["type"],
            "group": q["group"],
            "group_label": text(groups[q["group"]], lang),
            "label": text(q["label"], lang),
            "help": text(q.get("help"), lang),
            "choices": [{"value": c, "label": text(labels.get(c, c), lang)} for c in q.get("choices", labels)],
            "editions": [e for e, keys in users.items() if q["key"] in keys or q.get("derives") in keys or q.get("for_fees")],
        }
        row.update({k: q[k] for k in ("min", "max", "default", "within", "derives", "unit") if k in q})
        if q["type"] in OPTIONS:
            row["options"] = OPTIONS[q["type"]](lang)
        rows.append(row)
    return rows

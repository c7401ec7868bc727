"""Yes/no conditions shared by the criteria and the prerequisites: `test` names the check,
`key` the answer and `value` the threshold, all from the rule files."""

from __future__ import annotations

from .load import rules, text
from .names import country_name, language_name


def check(rule: dict, p, lang: str) -> tuple[bool | None, str]:
    """(met, detail): met is None when the answer is missing; detail is plain words."""
    value, limit = p[rule["key"]], rule.get("value")
    messages = rules("conditions")["messages"]

    def say(key: str, **fields) -> str:
        return text(messages[key], lang).format(**fields)

    test = rule["test"]
    if test in ("at_least", "at_most"):
        if value is None:
            return None, ""
        met = value >= limit if test == "at_least" else value <= limit
        shown = f"{value:,.0f}" if limit >= 1000 else f"{value:g}"
        return met, say(test if met else test + "_fail", value=shown, limit=f"{limit:,}")
    if test == "is_true":
        if value is None:
            return None, ""
        return value, say("is_true" if value else "is_false")
    if test == "both_true":
        if value is None:
            return None, ""
        if value and not p[rule["requires"]]:
            return False, say("requires_fail")
        return value, say("is_true" if value else "is_false")
    if test == "languages_at_least":
        if value is None:
            return None, ""
        names = ", ".join(language_name(n, lang) for n in value) or "-"
        return len(value) >= limit, say("languages_count", count=len(value), names=names)
    if test in ("has_language", "has_any_language"):
        if value is None:
            return None, ""
        wanted = [limit] if isinstance(limit, str) else limit
        met = any(n in value for n in wanted)
        shown = " / ".join(language_name(n, lang) for n in wanted)
        return met, say("has_language" if met else "lacks_language", language=shown)
    if test == "not_in":
        if value is None:
            return None, ""
        return value not in limit, say("country", country=country_name(value, lang))
    raise AssertionError(f"unknown test {test!r} in rule {rule['id']!r}")

"""Counts, amounts and dates as each language writes them: one formatter for the core's
reasons and advice, the generated tables and the calculator (rules/formats.toml)."""

from __future__ import annotations

import datetime as dt

from .load import DEFAULT_LANGUAGE, rules


def number(value: int | float) -> str:
    """Thousands grouped, no trailing zeros: 1,200,000; 2.5; -300."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def quantity(value: int | float, unit: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number with its unit ("8 years", "8年"; "HK$1,000,000", "港幣1,000,000元").
    A negative amount keeps its sign in front: "-HK$300", "-港幣300元"."""
    data = rules("formats")
    template = data["english_singular"].get(unit) if lang == "en" and value == 1 else None
    template = template or data["units"][unit].get(lang) or data["units"][unit][DEFAULT_LANGUAGE]
    sign = "-" if value < 0 else ""
    return sign + template.format(n=number(abs(value)))


def date(value: dt.date | str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A calendar date in words: "1 November 2024", "2024年11月1日" (never ISO in text)."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    data = rules("formats")["dates"]
    lang = lang if lang in data["full"] else DEFAULT_LANGUAGE
    return data["full"][lang].format(day=day.day, month=data["months"][lang][day.month - 1], year=day.year)

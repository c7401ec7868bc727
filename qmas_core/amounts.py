"""Amounts of money as people type them, turned into numbers (rules/amounts.toml)."""

from __future__ import annotations

import re
import unicodedata

from .load import rules

# A number: digits grouped by commas in threes, or plain; an optional decimal part.
MAX_DIGITS = 20
NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<unit>.*)$")


def parse(text: str) -> int | float | None:
    """The amount `text` writes ("1,000,000", "100萬", "1.2M", "HK$1.2m", "-300,000"), or None
    when it is not one."""
    words = rules("amounts")
    s = unicodedata.normalize("NFKC", text).casefold()
    s = "".join(c for c in s if not c.isspace() and unicodedata.category(c) not in ("Cf", "Cs", "Cc"))
    s = s.replace("\u2212", "-")  # the minus sign
    sign = ""
    if s[:1] in "-+" and s:
        sign, s = s[0], s[1:]
    for word in sorted(words["currency"], key=len, reverse=True):
        s = s.removeprefix(word).removesuffix(word)
    match = NUMBER.match(sign + s)
    if not match:
        return None
    unit = match["unit"]
    for word in sorted(words["currency"], key=len, reverse=True):
        unit = unit.removesuffix(word)
    if unit and unit not in words["multipliers"]:
        return None
    whole, _, fraction = match["digits"].replace(",", "").partition(".")
    # Far beyond any limit: said as out of range, without converting thousands of digits.
    whole, fraction = ("1" + "0" * MAX_DIGITS, "") if len(whole) > MAX_DIGITS else (whole, fraction[:MAX_DIGITS])
    scale = words["multipliers"].get(unit, 1)
    # Exact: "1.2" million is 1,200,000, not 1,199,999.9999.
    carried, rest = divmod(int(fraction or "0") * scale, 10 ** len(fraction))
    value = int(whole or "0") * scale + carried
    value = value + rest / 10 ** len(fraction) if rest else value
    return -value if match["sign"] == "-" else value

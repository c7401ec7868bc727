"""One formatter per language: counts with their unit, money and dates in words."""

import datetime as dt

import pytest

from qmas_core import formats


@pytest.mark.parametrize("value, unit, lang, expected", [
    (1, "years", "en", "1 year"),
    (8, "years", "en", "8 years"),
    (8, "years", "zh-Hant", "8年"),
    (2.5, "years", "en", "2.5 years"),
    (35, "age", "zh-Hant", "35歲"),
    (35, "age", "zh-Hans", "35岁"),
    (6, "criteria", "zh-Hant", "6項"),
    (1, "criteria", "en", "1 criterion"),
    (20, "points", "zh-Hans", "20分"),
    (1_200_000, "hkd", "en", "HK$1,200,000"),
    (1_000_000, "hkd", "zh-Hant", "港幣1,000,000元"),
    (5_000_000, "hkd", "zh-Hans", "港币5,000,000元"),
    (-300, "hkd", "en", "-HK$300"),
    (10.0, "years", "en", "10 years"),
])
def test_quantities(value, unit, lang, expected):
    assert formats.quantity(value, unit, lang) == expected


@pytest.mark.parametrize("lang, expected", [
    ("en", "1 November 2024"), ("zh-Hant", "2024年11月1日"), ("zh-Hans", "2024年11月1日"),
])
def test_dates_in_words(lang, expected):
    assert formats.date("2024-11-01", lang) == expected
    assert formats.date(dt.date(2024, 11, 1), lang) == expected


def test_every_unit_has_every_language():
    from qmas_core.load import LANGUAGES, rules
    for unit, forms in rules("formats")["units"].items():
        assert set(LANGUAGES) <= set(forms), unit

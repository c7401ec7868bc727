"""Each Chinese script in its own region's usage, in every rule text and in what the core says:
Simplified in Mainland usage (记录, 也可以, 措辞, 译文), Traditional in Hong Kong usage (身分);
no character of the other script, no ISO date, no ASCII colon or semicolon between Chinese
words, 「」 quotes, and no answer key (an internal name) in a sentence."""

import json
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

import qmas_core
from qmas_core.answers import questions
from tests.core.test_translations import text_tables

opencc = pytest.importorskip("opencc", reason="opencc-python-reimplemented (the test extra)")

ROOT = Path(__file__).resolve().parents[2]
TEXT_FILES = sorted((ROOT / "qmas_core" / "rules").glob("*.toml")) + sorted((ROOT / "site_scripts").glob("*strings.toml"))
GOLDEN = json.loads((ROOT / "tests" / "cases" / "golden.json").read_text("utf-8"))["cases"]

# Words of the other region (the review of December 2026, and common pairs).
NOT_MAINLAND = ["纪录", "亦可", "字眼", "译写", "史丹福", "柏克莱", "圣地牙哥", "三藩市", "身分", "程式", "列印",
                "电邮", "登入", "视像", "数码", "资讯", "质素"]
NOT_HONG_KONG = ["身份", "視頻", "打印", "默認", "信息", "登錄", "質量", "軟件包", "鏈接"]
OTHER_REGION = {"zh-Hans": NOT_MAINLAND, "zh-Hant": NOT_HONG_KONG}
HAN = r"[\u3400-\u9fff]"
ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
ASCII_BETWEEN_HAN = re.compile(rf"{HAN}\s*[:;,]\s*{HAN}")
# Characters shared by both scripts that OpenCC would still convert in one direction.
SHARED = set("著准")


@cache
def converter(config: str):
    return opencc.OpenCC(config)


def other_script(text: str, lang: str) -> str:
    """The characters of `text` that belong to the other script."""
    to = converter("t2s" if lang == "zh-Hans" else "s2t")
    return "".join(sorted({ch for ch in text if re.match(HAN, ch) and ch not in SHARED and to.convert(ch) != ch}))


def usage_problems(text: str, lang: str) -> list[str]:
    found = [f"other region's form {w!r}" for w in OTHER_REGION[lang] if w in text]
    if wrong := other_script(text, lang):
        found.append(f"characters of the other script: {wrong}")
    if ISO_DATE.search(text):
        found.append(f"ISO date {ISO_DATE.search(text).group(0)}")
    if m := ASCII_BETWEEN_HAN.search(text):
        found.append(f"ASCII punctuation between Chinese words: {m.group(0)!r}")
    if "“" in text or "”" in text:
        found.append("“” quotes (「」 on both Chinese sites)")
    return found


RULE_TEXTS = [(f"{p.name}:{where}", lang, table[lang])
              for p in TEXT_FILES for where, table in text_tables(tomllib.loads(p.read_text("utf-8")))
              for lang in ("zh-Hant", "zh-Hans") if isinstance(table.get(lang), str)]


def test_every_rule_text_is_read():
    assert len(RULE_TEXTS) > 400


@pytest.mark.parametrize("where, lang, text", RULE_TEXTS, ids=[f"{w}:{l}" for w, l, _ in RULE_TEXTS])
def test_rule_texts_in_their_regions_usage(where, lang, text):
    assert not usage_problems(text, lang), f"{where} {lang}: {usage_problems(text, lang)}"


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# Keys whose values are data, not sentences (ids, dates, addresses, the answers themselves).
DATA_KEYS = {"id", "edition", "key", "url", "copy", "answers", "assessed_on", "on", "effective_from", "effective_to",
             "assumed", "unanswered", "unsure", "value", "read", "kind", "unit", "test", "title_lang", "url_lang",
             "revised", "changes_on", "lang", "added", "unmet_prerequisites", "checked_on"}


def sentences(value):
    """The human-readable strings of a core result."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in DATA_KEYS:
                yield from sentences(item)
    elif isinstance(value, list):
        for item in value:
            yield from sentences(item)
    elif isinstance(value, str):
        yield value


ANSWER_KEYS = sorted({q["key"] for q in questions()}, key=len, reverse=True)


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_core_output_in_its_regions_usage(case, lang):
    result = qmas_core.assess(case["answers"], case["edition"], lang)
    advice = qmas_core.advise(case["answers"], case["edition"], lang)
    for text in [*sentences(result), *sentences(advice)]:
        assert not usage_problems(text, lang), f"{text!r}: {usage_problems(text, lang)}"
        keys = [k for k in ANSWER_KEYS if re.search(rf"(?<![\w-]){k}(?![\w-])", text)]
        assert not keys, f"{text!r} names answer keys {keys}"


@pytest.mark.parametrize("text, lang, problem", [
    ("请查阅纪录", "zh-Hans", "other region"),
    ("你亦可改选", "zh-Hans", "other region"),
    ("申請人身份", "zh-Hant", "other region"),
    ("香港大学專业進修学院", "zh-Hans", "other script"),
    ("香港大学專业進修学院", "zh-Hant", "other script"),
    ("生效日期2024-11-01", "zh-Hant", "ISO date"),
    ("國籍: 阿富汗", "zh-Hant", "ASCII punctuation"),
    ("甲; 乙", "zh-Hans", "ASCII punctuation"),
    ("中文, 英文", "zh-Hant", "ASCII punctuation"),
    ("选“是”", "zh-Hans", "quotes"),
])
def test_the_lint_finds_each_problem(text, lang, problem):
    assert any(problem in p for p in usage_problems(text, lang))


@pytest.mark.parametrize("text, lang", [("申請人的身分證明", "zh-Hant"), ("请查阅记录，你也可以改选", "zh-Hans"),
                                        ("2024年11月1日；港幣1,000,000元", "zh-Hant"), ("（甲）年龄：50岁", "zh-Hans")])
def test_the_lint_passes_good_text(text, lang):
    assert usage_problems(text, lang) == []

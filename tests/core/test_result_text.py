"""What a result carries so the page renders it without naming an edition or re-typing a limit."""

import datetime as dt
import importlib
import json
import re

import pytest

import qmas_core

SHORT = {"age": 30, "qualification": "master", "good_languages": ["chinese"], "work_years": 6,
         "financially_independent": True, "clean_record": True, "basic_education": True}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.mark.parametrize("edition, unit, test", [
    ("points-245", "points", "general"), ("criteria-2024", "criteria", "general"), ("achievement", "criteria", "achievement"),
])
def test_unit_and_test(edition, unit, test):
    result = qmas_core.assess({}, edition)
    assert (result["unit"], result["test"]) == (unit, test)


@pytest.mark.parametrize("lang, on, effective, total", [
    ("en", "1 October 2024", "1 January 2023 to 31 October 2024", "30 of 245 points (pass mark 80)"),
    ("zh-Hant", "2024年10月1日", "2023年1月1日至2024年10月31日", "30分（滿分245分；及格分數為80分）"),
    ("zh-Hans", "2024年10月1日", "2023年1月1日至2024年10月31日", "30分（满分245分；及格分数为80分）"),
])
def test_dates_and_total_in_words(lang, on, effective, total):
    result = qmas_core.assess({"age": 30, "application_date": "2024-10-01"}, lang=lang)
    assert result["assessed_on"] == "2024-10-01"
    assert (result["assessed_on_text"], result["effective_text"], result["total_text"]) == (on, effective, total)


def test_current_edition_and_today():
    today = dt.date(2026, 12, 7)
    result = qmas_core.assess({"age": 30, "work_years": 6}, today=today, lang="zh-Hant")
    assert result["edition"] == "criteria-2024" and result["assessed_on"] == "2026-12-07"
    assert (result["checked_on"], result["checked_on_text"]) == ("2026-12-07", "2026年12月7日")
    assert result["effective_text"] == "2024年11月1日起"
    assert result["total_text"] == "符合12項準則中的2項（及格要求為6項）"


def test_birthday_has_its_date_in_words():
    result = qmas_core.assess({"birth_date": "1985-03-10", "application_date": "2024-06-01"}, "points-245", "zh-Hans")
    assert [(c["on"], c["on_text"]) for c in result["age_changes"]] == [("2025-03-10", "2025年3月10日")]


@pytest.mark.parametrize("edition, lang, lead, gain", [
    ("criteria-2024", "en", "Meet 4 more of these criteria:", "+1 criterion"),
    ("criteria-2024", "zh-Hant", "須再符合以下其中4項：", "多1項"),
    ("points-245", "en", "Each of these would add:", "+20 points"),
    ("points-245", "zh-Hans", "以下每项可增加的分数：", "多20分"),
])
def test_advice_says_its_own_lead_and_gains(edition, lang, lead, gain):
    advice = qmas_core.advise({**SHORT, "age": 41, "qualification": "bachelor", "work_years": 2}, edition, lang) \
        if edition == "points-245" else qmas_core.advise(SHORT, edition, lang)
    assert advice["lead"] == lead
    assert gain in [c["gain_text"] for c in advice["candidates"]]
    assert all(o["total_after_text"] for o in advice["options"])


def test_passing_advice_has_no_lead_and_scores_in_words():
    advice = qmas_core.advise({**SHORT, "qualification": "doctorate", "renowned_institution": True, "good_languages": ["chinese", "english"]},
                              "points-245")
    assert advice["lead"] is None and advice["passed"]
    assert {f["score_text"] for f in advice["rests_on"]} >= {"30 points"}


def test_comparison_carries_its_own_words():
    compare = qmas_core.report({**SHORT, "application_date": "2024-10-01"}, include=("compare",))["compare"]
    assert compare["edition"] == "criteria-2024" and compare["unit"] == "criteria"
    assert compare["effective_text"] == "from 1 November 2024"
    assert compare["total_text"].endswith("criteria met (pass mark 6)")


def test_best_case_total_in_words():
    result = qmas_core.assess({**SHORT, "stem_degree": None, "eligible_university_postgraduate": None}, "criteria-2024")
    assert result["best_case"]["total_text"].startswith(str(result["best_case"]["total"]) + " of 12 criteria")


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_no_iso_date_in_any_sentence_the_core_makes(lang):
    """(The rule files' own wording, in `notes` and `sources`, is checked with the translations.)"""
    out = qmas_core.report({"birth_date": "1985-03-10", "application_date": "2023-03-01", "talent_list": "ship-finance-professionals"},
                           lang=lang, include=("advice", "checklist", "compare"))
    texts = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("notes", "sources"):
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key not in ("on", "assessed_on", "checked_on", "effective_from", "effective_to", "url"):
            texts.append(value)
    walk(out)
    assert [t for t in texts if ISO.search(t)] == []


def test_report_validates_once_and_reuses_the_result(monkeypatch):
    """The extras reuse the one assessment: one validation of the answers per report."""
    module = importlib.import_module("qmas_core.assess")
    calls = []
    real = module.validate
    monkeypatch.setattr(module, "validate", lambda *a, **k: calls.append(1) or real(*a, **k))
    request = json.dumps({"answers": SHORT, "include": ["advice", "checklist", "compare"]})
    assert "result" in json.loads(qmas_core.assess_json(request))
    assert len(calls) == 1


def test_editions_say_their_unit_and_dates_in_words():
    rows = {e["id"]: e for e in qmas_core.editions("zh-Hans")}
    assert rows["points-245"]["unit"] == "points" and rows["achievement"]["unit"] == "criteria"
    assert rows["points-245"]["effective_text"] == "2023年1月1日至2024年10月31日"
    assert rows["criteria-2024"]["effective_text"] == "2024年11月1日起"

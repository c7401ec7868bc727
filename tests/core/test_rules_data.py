"""Lint the rule data: every rule cites known sources, every text has English, no stray keys."""

import datetime as dt

import pytest

import qmas_core
from qmas_core import talent_list
from qmas_core.load import LANGUAGES, rules
from qmas_core.answers import questions

SOURCES = rules("sources")
EDITION_FILES = ["points-245", "criteria-2024", "achievement"]


def rule_entries():
    for name in EDITION_FILES:
        data = rules(name)
        for entry in data.get("factors", []) + data.get("criteria", []):
            yield name, entry
    for entry in rules("prerequisites")["prerequisites"]:
        yield "prerequisites", entry


@pytest.mark.parametrize("name, entry", list(rule_entries()), ids=lambda x: x if isinstance(x, str) else x["id"])
def test_every_rule_cites_known_sources(name, entry):
    assert entry["sources"] and set(entry["sources"]) <= set(SOURCES)
    assert entry["label"]["en"]


def test_sources_are_https_and_kinded():
    for entry in SOURCES.values():
        assert entry["url"].startswith("https://") and entry["kind"] in ("official", "secondary")


def walk_texts(value, path=""):
    if isinstance(value, dict):
        if "en" in value and all(k in LANGUAGES for k in value):
            yield path, value
        else:
            for k, v in value.items():
                yield from walk_texts(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk_texts(v, f"{path}[{i}]")


@pytest.mark.parametrize("name", EDITION_FILES + ["prerequisites", "questions", "editions", "conditions"])
def test_texts_have_english_and_only_known_languages(name):
    texts = list(walk_texts(rules(name)))
    assert texts
    for path, value in texts:
        assert value["en"].strip(), path


def test_maxima_add_up():
    data = rules("points-245")
    assert sum(f["max"] for f in data["factors"]) == data["maximum"] == 245
    assert len(rules("criteria-2024")["criteria"]) == rules("criteria-2024")["maximum"] == 12


def test_editions_cover_time_without_gaps():
    general = [e for e in qmas_core.editions() if e["test"] == "general"]
    assert dt.date.fromisoformat(general[0]["effective_to"]) + dt.timedelta(days=1) == dt.date.fromisoformat(general[1]["effective_from"])
    assert qmas_core.edition_for("2024-10-31") == "points-245"
    assert qmas_core.edition_for("2024-11-01") == "criteria-2024"
    assert qmas_core.edition_for("2026-11-26", test="achievement") == "achievement"
    with pytest.raises(ValueError):
        qmas_core.edition_for("2019-05-01")


def test_question_keys_keep_the_contract():
    """The contract's keys stay, in form order; new keys only extend it."""
    keys = [q["key"] for q in questions()]
    contract = [
        "age", "birth_date", "application_date", "financially_independent", "clean_record", "basic_education",
        "qualification", "renowned_institution", "eligible_university_postgraduate", "stem_degree",
        "good_languages", "work_years", "senior_years", "international_years", "multinational_years",
        "specified_field_years", "annual_income_hkd", "business_profit_hkd", "owns_listed_company",
        "talent_list", "family_hk_permanent_resident", "spouse_degree", "accompanying_spouse", "children_under_18",
        "dependants_apply_together", "achievement_award", "peer_recognition",
    ]
    assert [k for k in keys if k in contract] == contract


def test_every_answer_key_is_used_by_some_edition_or_scheme():
    used = {q["key"] for q in qmas_core.questions() if q["editions"] or q["schemes"] or q["key"] == "application_date"}
    assert used == {q["key"] for q in questions()}


def test_talent_list_versions_match_shared_counts():
    counts = {v["version"]: (v["profession_count"], v["expected_count"]) for v in talent_list.versions()}
    assert counts == {"2021": (13, 13), "2023-05-16": (3, 51), "2025-03-01": (12, 60)}
    for v in talent_list.versions():
        assert sum(len(s["professions"]) for s in v["segments"]) == v["profession_count"]

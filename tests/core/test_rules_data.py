"""Lint the rule data: every rule cites known sources, every text has English, no stray keys."""

import datetime as dt
import re
from pathlib import Path

import pytest

import qmas_core
from qmas_core import talent_list
from qmas_core.load import LANGUAGES, rules
from qmas_core.answers import questions

ROOT = Path(__file__).resolve().parents[2]
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
    for source_id, entry in SOURCES.items():
        for lang in LANGUAGES:
            url = qmas_core.load.source(source_id, lang)["url"]
            assert url is None or url.startswith("https://"), source_id
        assert entry["kind"] in ("official", "secondary")


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


def test_question_keys_match_the_contract():
    assert [q["key"] for q in questions()] == [
        "age", "birth_date", "application_date", "financially_independent", "clean_record", "basic_education", "nationality",
        "qualification", "renowned_institution", "eligible_university_postgraduate", "stem_degree",
        "good_languages", "work_years", "senior_years", "international_years", "multinational_years",
        "specified_field_years", "annual_income_hkd", "business_profit_hkd", "owns_listed_company",
        "talent_list", "family_hk_permanent_resident", "spouse_degree", "accompanying_spouse", "children_under_18",
        "dependants_apply_together", "achievement_award", "peer_recognition",
    ]


def test_every_answer_key_is_used_by_some_edition():
    used = {k for q in qmas_core.questions() for k in [q["key"]] if q["editions"] or q["key"] == "application_date"}
    assert used == {q["key"] for q in questions()}


def test_talent_list_versions_match_shared_counts():
    counts = {v["version"]: (v["profession_count"], v["expected_count"]) for v in talent_list.versions()}
    assert counts == {"2021": (13, 13), "2023-05-16": (3, 51), "2025-03-01": (12, 60)}
    for v in talent_list.versions():
        assert sum(len(s["professions"]) for s in v["segments"]) == v["profession_count"]


# --- No stray keys ---------------------------------------------------------------------------
# Each key a record may have: one qmas_core reads or the site shows (site_scripts/tables.py,
# overrides/partials/qmas/). Any other key would be dropped without a word: a "notes" typed for
# "note" would hide what the data says is unconfirmed.
KNOWN_KEYS = {
    "prerequisite": {"id", "key", "test", "value", "editions", "sources", "label", "note", "missing", "excluded",
                     "edition_notes"},
    "criteria-2024 criterion": {"id", "number", "area", "test", "key", "value", "requires", "sources",
                                "label", "note", "wording"},
    "achievement criterion": {"id", "key", "sources", "label", "note"},
    "source": {"kind", "title", "url", "revised", "note"},
    "Talent List version": {"version", "version_note", "effective_from", "effective_note", "announced",
                            "profession_count", "expected_count", "missing_count", "sources", "note",
                            "segments"},
    # The last two are lists the data deliberately leaves unpublished (not confirmed titles).
    "Talent List segment": {"id", "en", "zh_hant", "professions", "note", "segment_note", "expected_count",
                            "probable_carry_over_from_2021_unconfirmed",
                            "described_in_news_not_official_titles"},
    "Talent List profession": {"id", "en", "zh_hant", "zh_hans", "added", "added_note", "en_note",
                               "zh_hant_note", "zh_hant_source", "spec", "evidence", "sector_2018_proposal_zh"},
}
# Every points-245 factor has these; its own keys are those its macro in the template reads.
FACTOR_KEYS = {"id", "max", "uses", "sources", "label", "description", "list_versions"}
FACTOR_ROWS = ROOT / "overrides" / "partials" / "qmas" / "points-245-factors.html"


def records():
    for rule in rules("prerequisites")["prerequisites"]:
        yield "prerequisite", rule["id"], rule
    for c in rules("criteria-2024")["criteria"]:
        yield "criteria-2024 criterion", c["id"], c
    for c in rules("achievement")["criteria"]:
        yield "achievement criterion", c["id"], c
    for source_id, entry in SOURCES.items():
        yield "source", source_id, entry
    for v in talent_list.versions():
        yield "Talent List version", v["version"], v
        for s in v["segments"]:
            yield "Talent List segment", f"{v['version']}/{s['id']}", s
            for p in s["professions"]:
                yield "Talent List profession", f"{v['version']}/{p['id']}", p


RECORDS = list(records())


@pytest.mark.parametrize("kind, name, entry", RECORDS, ids=[f"{kind} {name}" for kind, name, _ in RECORDS])
def test_every_key_is_read(kind, name, entry):
    unknown = sorted(set(entry) - KNOWN_KEYS[kind])
    assert not unknown, f"{kind} {name} has keys nothing reads: {', '.join(unknown)}"


def factor_macro_keys(factor_id: str) -> set[str]:
    """The keys of `f` that the factor's macro in points-245-factors.html reads."""
    macro = re.search(rf"{{% macro {factor_id}\(f\) %}}(.*?){{% endmacro %}}", FACTOR_ROWS.read_text("utf-8"), re.S)
    assert macro, f"{FACTOR_ROWS.name} has no macro for factor {factor_id}: its table would have no rows"
    return set(re.findall(r"\bf\.(\w+)", macro[1]))


@pytest.mark.parametrize("factor", rules("points-245")["factors"], ids=lambda f: f["id"])
def test_every_factor_key_is_shown(factor):
    # *_note texts are shown under the factor's table (site_scripts/tables.py).
    shown = FACTOR_KEYS | factor_macro_keys(factor["id"]) | {k for k in factor if k.endswith("_note")}
    unknown = sorted(set(factor) - shown)
    assert not unknown, f"factor {factor['id']} has keys its table does not show: {', '.join(unknown)}"


def test_criteria_are_in_known_areas():
    data = rules("criteria-2024")
    assert {c["area"] for c in data["criteria"]} <= set(data["areas"])


def test_qualification_levels_have_labels():
    levels = next(f for f in rules("points-245")["factors"] if f["id"] == "qualification")["levels"]
    choices = next(q for q in qmas_core.questions() if q["key"] == "qualification")["choices"]
    assert set(levels) <= {c["value"] for c in choices}


def test_talent_list_factor_names_known_versions():
    factor = next(f for f in rules("points-245")["factors"] if f["id"] == "talent_list")
    assert set(factor["list_versions"]) <= {v["version"] for v in talent_list.versions()}


def test_talent_list_missing_counts_add_up():
    for v in talent_list.versions():
        missing = v["expected_count"] - v["profession_count"]
        assert v.get("missing_count", missing) == missing, v["version"]

"""The Talent List in Chinese: every note and detail of the data has its Traditional and Simplified
translation (rules/talent-list-zh.toml), none is stale, and a segment's Chinese name is only ever
one the data confirms from an official Chinese source."""

import re

from qmas_core import talent_list
from qmas_core.load import rules

NOTE_KEYS = ("version_note", "effective_note", "note")
SEGMENT_KEYS = ("note", "segment_note")
PROFESSION_KEYS = ("spec", "en_note", "added_note", "zh_hant_note", "zh_hant_source")


def data_texts() -> set[str]:
    texts = set()
    for v in talent_list.versions():
        texts |= {v[k] for k in NOTE_KEYS if v.get(k)}
        for s in v["segments"]:
            texts |= {s[k] for k in SEGMENT_KEYS if s.get(k)}
            if s["id"] == "unsegmented":
                texts.add(s["en"])
            for p in s["professions"]:
                texts |= {p[k] for k in PROFESSION_KEYS if p.get(k)}
    return texts


def test_every_note_of_the_data_is_translated_and_none_is_stale():
    translated = {n["en"] for n in rules("talent-list-zh")["notes"]}
    assert data_texts() - translated == set()
    assert translated - data_texts() == set()


def test_translations_keep_years_and_references_and_have_both_scripts():
    for n in rules("talent-list-zh")["notes"]:
        plain = re.sub(r"\w*_\w*", "", n["en"])  # the data's own field names are not translated
        wanted = {x for x in re.findall(r"\d+", plain) if len(x) >= 3}  # years, paragraphs, circulars
        for lang in ("zh-Hant", "zh-Hans"):
            assert n[lang].strip() and wanted <= set(re.findall(r"\d+", n[lang])), (lang, n["en"])


def test_segment_names_in_chinese_only_where_confirmed():
    # The 2023 and 2025 data take Chinese segment names from the Chinese 2025 press release only.
    confirmed = {"financial-services": "金融服務", "innovation-technology": "創新科技",
                 "legal-dispute-resolution-services": "法律及爭議解決服務", "aviation-shipping": "航空及航運"}
    for v in talent_list.versions():
        for s in v["segments"]:
            assert s.get("zh_hant") in (None, confirmed.get(s["id"])), s["id"]

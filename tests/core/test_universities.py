"""The eligible-university finder: data integrity, matching and ranking, hostile input."""

import json

import pytest
from hypothesis import given, settings, strategies as st

from qmas_core import universities
from qmas_core.load import rules, rules_json
from qmas_core.universities import entries, find, is_han, list_info, normalise

LIST = rules_json(universities.LIST_FILE)
ALIASES = rules(universities.ALIASES_FILE)
VARIANTS = rules_json(universities.VARIANTS_FILE)
NAMES = [u["en"] for u in LIST["universities"]]


def first(query, **kw):
    results = find(query, **kw)["results"]
    assert results, f"no result for {query!r}"
    return results[0]["name"]


def names(query, **kw):
    return [r["name"] for r in find(query, **kw)["results"]]


def chinese_names():
    """Every Chinese name in the list data and the aliases."""
    return [u["zh"] for u in LIST["universities"] if u.get("zh")] + [z for a in ALIASES["aliases"] for z in a["zh"]]


def fold(text):
    return text.translate(str.maketrans(VARIANTS["t2s"]))


# --- The alias data ------------------------------------------------------------------------------


def test_alias_blocks_have_known_keys_and_name_list_entries():
    assert ALIASES["about"].strip()
    for block in ALIASES["aliases"]:
        assert set(block) <= {"name", "en", "zh"}, block["name"]
        assert block["name"] in NAMES, f"alias block for {block['name']!r}, which is not on the list"
        assert block["en"] or block["zh"], block["name"]
    blocks = [b["name"] for b in ALIASES["aliases"]]
    assert len(blocks) == len(set(blocks)), "one block per institution"


def test_aliases_are_in_the_right_script():
    for block in ALIASES["aliases"]:
        for alias in block["en"]:
            assert alias.strip() == alias and alias and not any(is_han(ch) for ch in alias), alias
        for alias in block["zh"]:
            assert alias and all(is_han(ch) for ch in alias), alias


def test_no_name_or_alias_finds_two_entries():
    """Every searchable string (list name and the forms derived from it, Chinese name, alias),
    once normalised, belongs to one entry only: NTU, say, cannot be both Taiwan and Nanyang."""
    index = universities._index()
    owners: dict[str, set[str]] = {}
    for k, compact in enumerate(index.key_compact):
        owners.setdefault(compact, set()).add(index.entries[index.key_entry[k]]["name"])
    shared = {key: sorted(o) for key, o in owners.items() if len(o) > 1}
    assert not shared


def test_an_entry_shown_with_an_alias_chinese_name_gets_a_full_name():
    """Without a Chinese name in the list data, the first Chinese alias is shown: it must be a name, not 港大."""
    by_name = {u["en"]: u for u in LIST["universities"]}
    for block in ALIASES["aliases"]:
        if block["zh"] and not by_name[block["name"]].get("zh"):
            assert block["zh"][0].endswith(("大學", "學院", "研究所", "技術院", "分校")), block["name"]


# --- The Traditional/Simplified table (checked without OpenCC) ----------------------------------


def test_variant_table_covers_every_chinese_character():
    used = {ch for name in chinese_names() for ch in name}
    missing = used - set(VARIANTS["covers"])
    assert not missing, f"run python -m tools.make_han_variants (new characters: {''.join(sorted(missing))})"
    assert set(VARIANTS["display"]) == set(chinese_names())


def test_variant_table_folds_to_one_script():
    t2s = VARIANTS["t2s"]
    assert all(len(k) == len(v) == 1 and is_han(k) and is_han(v) and k != v for k, v in t2s.items())
    assert not set(t2s.values()) & set(t2s), "folding twice must change nothing"


def test_traditional_and_simplified_forms_of_every_name_fold_alike():
    """The character table agrees with OpenCC's phrase-level conversion for every Chinese name."""
    for name, forms in VARIANTS["display"].items():
        assert fold(name) == fold(forms["zh-Hant"]) == fold(forms["zh-Hans"]) == forms["zh-Hans"], name


def test_the_generator_and_the_finder_agree_on_what_is_chinese():
    make = pytest.importorskip("tools.make_han_variants")
    points = [*range(0x2E80, 0xA000), *range(0xF800, 0xFB00), 0x1FFFF, 0x20000, 0x2A6DF, 0x3134F, 0x31350]
    assert all(make.is_han(chr(p)) == is_han(chr(p)) for p in points)


def test_variant_table_matches_opencc_when_installed():
    make = pytest.importorskip("tools.make_han_variants")
    if make.opencc_port() is None:
        pytest.skip("opencc-python-reimplemented is not installed")
    built = make.build()
    for key in ("covers", "t2s", "display"):
        assert built[key] == VARIANTS[key], "run python -m tools.make_han_variants"


# --- Finding ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    ("harvard", "Harvard University"),
    ("Imperial", "Imperial College London"),
    ("TORONTO", "University of Toronto"),
    ("melb", "University of Melbourne"),
    ("melbourne university", "University of Melbourne"),
    ("king's college", "King's College London"),
    ("kings", "King's College London"),
    ("university of hong kong", "The University of Hong Kong"),
    ("hong kong poly", "The Hong Kong Polytechnic University"),
    ("xian jiaotong", "Xi'an Jiaotong University"),
    ("karlsruhe institute of technology", "Karlsruhe Institute of Technology (KIT)"),
    ("purdue university", "Purdue University - West Lafayette"),
    ("wageningen university and research", "Wageningen University & Research"),
])
def test_english_names(query, expected):
    assert first(query) == expected


@pytest.mark.parametrize("query, expected", [
    ("UCL", "University College London"),
    ("ucl", "University College London"),
    ("MIT", "Massachusetts Institute of Technology"),
    ("HKU", "The University of Hong Kong"),
    ("HKUST", "The Hong Kong University of Science and Technology"),
    ("CUHK", "The Chinese University of Hong Kong"),
    ("PolyU", "The Hong Kong Polytechnic University"),
    ("KAIST", "Korea Advanced Institute of Science and Technology (KAIST)"),
    ("ETH", "ETH Zurich - Swiss Federal Institute of Technology"),
    ("NUS", "National University of Singapore"),
    ("LSE", "London School of Economics and Political Science"),
    ("UCLA", "University of California, Los Angeles"),
    ("UC Berkeley", "University of California, Berkeley"),
    ("NTU", "National Taiwan University (NTU)"),
    ("NTU Singapore", "Nanyang Technological University, Singapore"),
    ("KIT", "Karlsruhe Institute of Technology (KIT)"),
    ("UNAM", "Universidad Nacional Autónoma de México (UNAM)"),
    ("Tokyo Tech", "Tokyo Institute of Technology (Tokyo Tech)"),
    ("PKU", "Peking University"),
    ("ＵＣＬ", "University College London"),  # full-width letters
])
def test_abbreviations(query, expected):
    assert first(query) == expected


@pytest.mark.parametrize("query, expected", [
    ("清華", "Tsinghua University"),
    ("清華大學", "Tsinghua University"),
    ("港大", "The University of Hong Kong"),
    ("牛津", "University of Oxford"),
    ("北大", "Peking University"),
    ("劍橋大學", "University of Cambridge"),
    ("臺大", "National Taiwan University (NTU)"),
    ("台大", "National Taiwan University (NTU)"),
    ("南開大學", "Nankai University"),  # the list data writes it in Simplified
    ("倫敦大學學院", "University College London"),
    ("香港中文大學", "The Chinese University of Hong Kong"),
])
def test_traditional_chinese(query, expected):
    assert first(query) == expected


@pytest.mark.parametrize("query, expected", [
    ("清华", "Tsinghua University"),
    ("清华大学", "Tsinghua University"),
    ("北京大学", "Peking University"),
    ("剑桥", "University of Cambridge"),
    ("伦敦大学学院", "University College London"),
    ("复旦", "Fudan University"),  # the list data writes it in Traditional
    ("南开", "Nankai University"),
    ("香港科技大学", "The Hong Kong University of Science and Technology"),
    ("斯坦福", "Stanford University"),
])
def test_simplified_chinese(query, expected):
    assert first(query) == expected


@pytest.mark.parametrize("query, expected", [
    ("sao paulo", "University of São Paulo"),
    ("São Paulo", "University of São Paulo"),
    ("SAO PAULO", "University of São Paulo"),
    ("tubingen", "University of Tübingen"),
    ("tuebingen", "University of Tübingen"),
    ("ecole polytechnique federale", "École Polytechnique Fédérale de Lausanne"),
    ("universite paris cite", "Université Paris Cité (formerly Université de Paris)"),
    ("universitat munchen", "Ludwig-Maximilians-Universität München"),
    ("charite", "Charité - Universitätsmedizin Berlin"),
    ("catolica de chile", "Pontificia Universidad Católica de Chile"),
])
def test_accents(query, expected):
    assert first(query) == expected


@pytest.mark.parametrize("query", ["zurich", "Zürich", "ZURICH"])
def test_zurich_finds_both(query):
    assert set(names(query)[:2]) == {"ETH Zurich - Swiss Federal Institute of Technology", "University of Zurich"}


@pytest.mark.parametrize("query, expected", [
    ("Cambrige", "University of Cambridge"),
    ("Oxfrod", "University of Oxford"),
    ("Havard", "Harvard University"),
    ("Stamford", "Stanford University"),
    ("Princton", "Princeton University"),
    ("Yael", "Yale University"),
    ("cambrige university", "University of Cambridge"),
])
def test_one_letter_typos(query, expected):
    result = find(query)["results"][0]
    assert (result["name"], result["match"]) == (expected, "fuzzy")


def test_typos_only_when_nothing_better():
    assert all(r["match"] != "fuzzy" for r in find("oxford")["results"])
    assert [r["name"] for r in find("cambridge")["results"]] == ["University of Cambridge"]


def test_ranking_exact_then_prefix_then_words_then_substring():
    results = find("ucl")["results"]
    assert [(r["name"], r["match"]) for r in results[:2]] == [
        ("University College London", "exact"), ("University of California, Los Angeles", "prefix"),
    ]
    results = find("columbia")["results"]
    assert [(r["name"], r["match"]) for r in results] == [
        ("Columbia University", "prefix"), ("University of British Columbia", "words"),
    ]
    results = find("ntu")["results"]
    assert [r["match"] for r in results] == ["exact", "prefix", "substring"]
    scores = [r["score"] for r in find("university", limit=200)["results"]]
    assert scores == sorted(scores, reverse=True)
    bands = {"exact": (100, 100), "prefix": (80, 99), "words": (60, 79), "substring": (40, 59), "fuzzy": (20, 39)}
    for query in ("hong kong", "hongkong", "ucl", "大学", "Oxfrod", "paris"):
        for r in find(query, limit=50)["results"]:
            lo, hi = bands[r["match"]]
            assert lo <= r["score"] <= hi, (query, r)


@pytest.mark.parametrize("query", [
    "xyzzy", "Northeastern University", "University of York", "东北大学", "中大", "科大", "0000", "!!!",
])
def test_no_match_gives_no_results(query):
    result = find(query)
    assert result["results"] == [] and result["count"] == 200


@pytest.mark.parametrize("query", ["", " ", "\t\n", "\x00\x01\x7f", "\u200b\u202e", "-", "()[]{}.*+?"])
def test_empty_queries_give_no_results(query):
    assert find(query)["results"] == []


def test_result_shape():
    result = find("清华", lang="en")
    assert set(result) == {"edition", "official_url", "count", "query", "results"}
    assert result["edition"] == "2026-01-01" and result["count"] == 200 and result["query"] == "清华"
    assert result["official_url"] == LIST["official_list_url"]
    [r] = result["results"]
    assert r == {
        "name": "Tsinghua University", "zh": "清華大學", "country": "Chinese Mainland", "added_2026": False,
        "matched": "清華大學", "match": "prefix", "score": r["score"],
    }
    json.dumps(result)


def test_chinese_is_shown_in_the_page_script():
    assert find("Nankai", lang="zh-Hant")["results"][0]["zh"] == "南開大學"
    assert find("Tsinghua", lang="zh-Hans")["results"][0]["zh"] == "清华大学"
    assert find("牛津", lang="zh-Hans")["results"][0]["matched"] == "牛津"
    assert find("Oxford", lang="zh-Hans")["results"][0]["zh"] == "牛津大学"
    assert find("Harvard")["results"][0]["zh"] == "哈佛大學"
    assert find("Rice University")["results"][0]["zh"] is None


def test_added_2026_flag():
    assert find("Politecnico di Milano")["results"][0]["added_2026"] is True
    assert find("MIT")["results"][0]["added_2026"] is False


def test_limit():
    assert len(find("university")["results"]) == 8
    assert len(find("university", limit=3)["results"]) == 3
    assert len(find("university", limit=10_000)["results"]) <= 200
    for bad in (0, -1, 1.5, "8", None, True):
        with pytest.raises(ValueError, match="limit"):
            find("ucl", limit=bad)


def test_unknown_lang_is_refused():
    with pytest.raises(ValueError, match="lang"):
        find("ucl", lang="fr")


# --- Every entry round-trips ---------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_entry_is_found_first_by_its_exact_name(name):
    result = find(name)["results"][0]
    assert (result["name"], result["match"], result["score"]) == (name, "exact", 100)


@pytest.mark.parametrize("entry", [u for u in LIST["universities"] if u.get("zh")], ids=lambda u: u["en"])
def test_every_chinese_name_in_either_script_finds_its_entry_first(entry):
    forms = VARIANTS["display"][entry["zh"]]
    for text in (entry["zh"], forms["zh-Hant"], forms["zh-Hans"]):
        assert first(text) == entry["en"], text


@pytest.mark.parametrize("block", ALIASES["aliases"], ids=lambda b: b["name"])
def test_every_alias_finds_its_entry_first(block):
    for alias in block["en"] + block["zh"] + [VARIANTS["display"][z]["zh-Hans"] for z in block["zh"]]:
        result = find(alias)["results"][0]
        assert (result["name"], result["match"]) == (block["name"], "exact"), alias


# --- Hostile input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [None, 42, 4.2, b"ucl", ["ucl"], {"q": "ucl"}, object()])
def test_non_strings_are_refused_clearly(query):
    with pytest.raises(ValueError, match="query must be a string"):
        find(query)


def test_very_long_queries_are_cut():
    for query in ("a" * 1_000_000, "ucl " * 100_000, "清" * 1_000_000, "\ufdfa" * 10_000, "é" * 100_000):
        result = find(query)
        assert len(result["query"]) <= universities.MAX_QUERY
    assert find("University of Oxford" + " x" * 10_000)["results"] == []


def test_control_and_format_characters_are_stripped():
    assert find("U\x00C\x1bL")["query"] == "ucl"
    assert first("\u202eU\u200bC\u200dL\ufeff") == "University College London"
    assert first("\x00牛\x07津\x00") == "University of Oxford"
    assert find("ucl\ud800")["query"] == "ucl"  # a lone surrogate
    assert find("harvard\nuniversity\r\n")["query"] == "harvard university"


def test_normalise():
    assert normalise("  São   Paulo ") == "sao paulo"
    assert normalise("King's College") == "kings college"
    assert normalise("Wageningen University & Research") == "wageningen university and research"
    assert normalise("ETH苏黎世") == "eth 苏黎世"
    assert normalise("清華大學") == "清华大学"
    assert normalise("ＨＫＵ") == "hku"


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text(max_size=300), st.integers(1, 300), st.sampled_from(["en", "zh-Hant", "zh-Hans"]))
def test_any_text_gives_a_bounded_answer(query, limit, lang):
    result = find(query, limit=limit, lang=lang)
    assert len(result["query"]) <= universities.MAX_QUERY
    assert len(result["results"]) <= min(limit, 200)
    assert all(r["name"] in NAMES and 20 <= r["score"] <= 100 for r in result["results"])
    json.dumps(result)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.sampled_from(NAMES), st.data())
def test_any_start_of_a_name_finds_it(name, data):
    """Typing a name letter by letter, the entry is found from the third letter on."""
    cut = data.draw(st.integers(3, len(name)))
    query = name[:cut]
    if not normalise(query).replace(" ", ""):
        return
    assert name in names(query, limit=200)


# --- The page's list and facts -------------------------------------------------------------------


def test_entries():
    all_entries = entries()
    assert len(all_entries) == 200 == len({e["name"] for e in all_entries})
    assert [e["name"] for e in all_entries] == NAMES
    assert set(all_entries[0]) == {"name", "zh", "country", "added_2026", "aliases"}
    hku = next(e for e in all_entries if e["name"] == "The University of Hong Kong")
    assert hku["aliases"] == {"en": ["HKU"], "zh": ["香港大學", "港大"]}
    assert next(e for e in entries("zh-Hans") if e["name"] == "The University of Hong Kong")["zh"] == "香港大学"
    assert sum(e["added_2026"] for e in all_entries) == 5


def test_list_info():
    info = list_info()
    assert info["edition"] == "2026-01-01" and info["count"] == info["official_count"] == 200
    assert info["official_url"].startswith("https://") and info["added_this_edition"] == 5
    assert info["basis"] and info["provenance"] and info["aliases_note"]
    assert info["max_query_length"] == universities.MAX_QUERY
    json.dumps(info)

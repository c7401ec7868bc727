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
        assert set(block) <= {"name", "en", "zh", "display", "note", "note_source"}, block["name"]
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
    assert [r["match"] for r in results] == ["ambiguous", "ambiguous"]
    scores = [r["score"] for r in find("university", limit=200)["results"]]
    assert scores == sorted(scores, reverse=True)
    bands = {"ambiguous": (100, 100), "exact": (100, 100), "prefix": (80, 99), "words": (60, 79), "substring": (40, 59), "fuzzy": (20, 39)}
    for query in ("hong kong", "hongkong", "ucl", "大学", "Oxfrod", "paris"):
        for r in find(query, limit=50)["results"]:
            lo, hi = bands[r["match"]]
            assert lo <= r["score"] <= hi, (query, r)


@pytest.mark.parametrize("query", [
    "xyzzy", "Northeastern University", "University of York", "0000", "!!!",
])
def test_no_match_gives_no_results(query):
    result = find(query)
    assert result["results"] == [] and result["count"] == 200


@pytest.mark.parametrize("query", ["", " ", "\t\n", "\x00\x01\x7f", "\u200b\u202e", "-", "()[]{}.*+?"])
def test_empty_queries_give_no_results(query):
    assert find(query)["results"] == []


def test_result_shape():
    result = find("清华", lang="en")
    assert set(result) == {"edition", "official_url", "count", "query", "results", "ambiguous", "not_listed"}
    assert result["edition"] == "2026-01-01" and result["count"] == 200 and result["query"] == "清华"
    assert result["official_url"] == LIST["official_list_url"]
    assert result["ambiguous"] is None and result["not_listed"] == []
    [r] = result["results"]
    assert r == {
        "name": "Tsinghua University", "zh": "清華大學", "display_name": "Tsinghua University",
        "country": "Chinese Mainland", "country_name": "Chinese Mainland", "added_2026": False,
        "matched": "清華大學", "match": "prefix", "score": r["score"],
        "also": [{"name": "National Tsing Hua University (Taiwan)", "note": None}],
        "also_text": "“清华” is also the name of National Tsing Hua University (Taiwan), which is not on the list.",
        "note": None,
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
    assert find("U\x00C\x1bL")["query"] == "UCL"
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
    assert set(all_entries[0]) == {"name", "zh", "country", "country_name", "added_2026", "aliases"}
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


# --- Names that mean more than one institution, names off the list, per-script names ------------

AMBIGUOUS = ALIASES["ambiguous"]


def also_names(query, lang="en"):
    return {r["name"]: [a["name"] for a in r["also"]] for r in find(query, lang=lang)["results"] if r["also"]}


def test_ambiguity_data_names_list_entries_in_three_languages():
    for block in AMBIGUOUS:
        assert block["names"] and block["list"], block
        assert set(block["list"]) <= set(NAMES), block["list"]
        for other in block["also"]:
            english = other["name"] if isinstance(other["name"], str) else other["name"]["en"]
            assert english not in NAMES, f"{english} is on the list"
            assert other["names"] and set(other) <= {"name", "names", "note"}, other
            assert isinstance(other["name"], str) or set(other["name"]) == {"en", "zh-Hant", "zh-Hans"}, other
            if "note" in other:
                assert set(other["note"]) == {"en", "zh-Hant", "zh-Hans"}
    for name in NAMES:  # an off-list name never shadows a list name
        assert universities._compact(name) not in universities._index().unlisted, name


@pytest.mark.parametrize("query, entry, others", [
    ("清華大學", "Tsinghua University", ["National Tsing Hua University (Taiwan)"]),
    ("清华", "Tsinghua University", ["National Tsing Hua University (Taiwan)"]),
    ("USC", "University of Southern California", ["University of South Carolina"]),
    ("CMU", "Carnegie Mellon University", ["Central Michigan University", "Chiang Mai University"]),
    ("UCL", "University College London", ["Université catholique de Louvain (UCLouvain)"]),
    ("HUST", "Huazhong University of Science and Technology", ["Hanoi University of Science and Technology"]),
    ("LMU", "Ludwig-Maximilians-Universität München", ["Loyola Marymount University"]),
    ("DTU", "Technical University of Denmark", ["Delhi Technological University"]),
    ("北大", "Peking University", ["Hokkaido University (Japan)", "National Taipei University (Taiwan)"]),
    ("城大", "City University of Hong Kong", ["City University of Macau"]),
    ("奧克蘭大學", "The University of Auckland", ["Oakland University (Michigan, U.S.A.)"]),
    ("奥克兰大学", "The University of Auckland", ["Oakland University (Michigan, U.S.A.)"]),
    ("sorbonne", "Sorbonne University", [
        "Sorbonne Nouvelle University (Paris 3)", "Panthéon-Sorbonne University (Paris 1)",
        "Sorbonne Paris North University (Paris 13)", "Université Sorbonne Paris Cité (USPC)"]),
    ("Purdue", "Purdue University - West Lafayette", [
        "Purdue University Fort Wayne", "Purdue University Northwest", "Purdue University Global"]),
    ("UMass", "University of Massachusetts", [
        "University of Massachusetts Amherst", "University of Massachusetts Boston", "University of Massachusetts Dartmouth",
        "University of Massachusetts Lowell", "UMass Chan Medical School"]),
    ("THU", "Tsinghua University", ["Tunghai University (Taiwan)"]),
])
def test_a_name_that_also_names_an_unlisted_institution_says_so(query, entry, others):
    result = find(query)
    assert result["results"][0]["name"] == entry and result["results"][0]["match"] in ("exact", "prefix")
    assert also_names(query) == {entry: others}
    assert result["ambiguous"] is None


def test_also_is_named_in_the_page_language():
    assert also_names("清华", "zh-Hans") == {"Tsinghua University": ["台湾清华大学"]}
    assert also_names("清華大學", "zh-Hant") == {"Tsinghua University": ["國立清華大學（台灣）"]}
    assert also_names("LMU", "zh-Hant") == {"Ludwig-Maximilians-Universität München": ["Loyola Marymount University"]}
    assert find("USC")["results"][0]["also_text"] == "“USC” is also the name of University of South Carolina, which is not on the list."
    assert find("CMU", lang="zh-Hans")["results"][0]["also_text"] == "「CMU」也可指中密歇根大学、清迈大学，但这些院校不在名单上。"
    assert find("清華", lang="zh-Hant")["results"][0]["also_text"] == "「清華」也可指國立清華大學（台灣），但該院校不在名單上。"
    assert find("Harvard")["results"][0]["also_text"] is None
    [umass] = find("UMass", lang="zh-Hant")["results"][:1]
    assert umass["also"][0]["note"] == "名單只列出麻省大學，沒有註明校區；並無說明涵蓋哪些校區。"


@pytest.mark.parametrize("query, lang, name", [
    ("National Tsing Hua University", "en", "National Tsing Hua University (Taiwan)"),
    ("NTHU", "en", "National Tsing Hua University (Taiwan)"),
    ("國立清華大學", "zh-Hant", "國立清華大學（台灣）"),
    ("国立清华大学", "zh-Hans", "台湾清华大学"),
    ("University of South Carolina", "en", "University of South Carolina"),
    ("UMass Amherst", "en", "University of Massachusetts Amherst"),
    ("Paris 13", "en", "Sorbonne Paris North University (Paris 13)"),
    ("澳门城市大学", "zh-Hans", "澳门城市大学"),
])
def test_a_query_naming_only_an_unlisted_institution_says_it_is_not_listed(query, lang, name):
    result = find(query, lang=lang)
    assert [n["name"] for n in result["not_listed"]] == [name]
    assert all(r["match"] != "fuzzy" for r in result["results"])  # no typo guesses (NTHU is not NTU)


def test_not_listed_note_names_the_list_edition():
    [n] = find("NTHU")["not_listed"]
    assert n["note"] == "National Tsing Hua University (Taiwan) is not on the list in force from 1 January 2026."
    [n] = find("國立清華大學", lang="zh-Hant")["not_listed"]
    assert n["note"] == "國立清華大學（台灣）不在2026年1月1日起生效的名單上。"
    [n] = find("USPC")["not_listed"]
    assert n["note"].endswith("Removed from the list from 1 January 2026.")


@pytest.mark.parametrize("query, entries", [
    ("中大", ["The Chinese University of Hong Kong", "Sun Yat-sen University"]),
    ("南大", ["Nanjing University", "Nanyang Technological University, Singapore"]),
    ("科大", ["The Hong Kong University of Science and Technology", "University of Science and Technology of China"]),
    ("交大", ["Shanghai Jiao Tong University", "Xi'an Jiaotong University"]),
    ("東大", ["The University of Tokyo", "Southeast University"]),
    ("东大", ["The University of Tokyo", "Southeast University"]),
    ("NTU", ["National Taiwan University (NTU)", "Nanyang Technological University, Singapore"]),
    ("MSU", ["Michigan State University", "Lomonosov Moscow State University"]),
    ("華盛頓大學", ["University of Washington", "Washington University in St. Louis"]),
])
def test_a_short_name_for_several_listed_universities_says_it_is_ambiguous(query, entries):
    result = find(query, lang="zh-Hant")
    assert [(r["name"], r["match"]) for r in result["results"][:len(entries)]] == [(e, "ambiguous") for e in entries]
    assert result["ambiguous"] == {"name": query, "note": f"「{query}」是多於一間大學的簡稱：請確認哪一間是你的大學。"}
    assert find(query)["ambiguous"]["note"] == f"“{query}” is a short name for more than one university: check which one is yours."
    assert find(query, limit=1)["results"][1:] == [] or len(find(query, limit=1)["results"]) == len(entries)


@pytest.mark.parametrize("query, expected", [
    ("港中大", "The Chinese University of Hong Kong"),
    ("港科大", "The Hong Kong University of Science and Technology"),
    ("上交", "Shanghai Jiao Tong University"),
    ("上交大", "Shanghai Jiao Tong University"),
    ("新国立", "National University of Singapore"),
    ("新國立", "National University of Singapore"),
    ("西交", "Xi'an Jiaotong University"),
    ("西交大", "Xi'an Jiaotong University"),
    ("伦敦政经", "London School of Economics and Political Science"),
    ("倫敦政經", "London School of Economics and Political Science"),
    ("蒙納士", "Monash University"),
    ("蒙納士大學", "Monash University"),
    ("賓州大學", "University of Pennsylvania"),
    ("宾州大学", "University of Pennsylvania"),
    ("Institute of Science Tokyo", "Tokyo Institute of Technology (Tokyo Tech)"),
    ("Science Tokyo", "Tokyo Institute of Technology (Tokyo Tech)"),
    ("東京科學大學", "Tokyo Institute of Technology (Tokyo Tech)"),
    ("东京科学大学", "Tokyo Institute of Technology (Tokyo Tech)"),
])
def test_common_short_and_new_names_find_their_university(query, expected):
    result = find(query)
    assert result["results"][0]["name"] == expected and result["ambiguous"] is None


def test_tokyo_tech_carries_a_note_on_the_2024_merger():
    for query in ("Tokyo Tech", "Institute of Science Tokyo"):
        note = find(query)["results"][0]["note"]
        assert "1 October 2024" in note and "Institute of Science Tokyo" in note
    assert "2024年10月1日" in find("東京科學大學", lang="zh-Hant")["results"][0]["note"]
    assert find("Harvard")["results"][0]["note"] is None


@pytest.mark.parametrize("query", ["THU", "thu", "LMU", "DTU", "ntu", "hku", "abc", "ford", "sity"])
def test_short_latin_queries_never_match_inside_words(query):
    for r in find(query, limit=50)["results"]:
        assert r["match"] != "substring", (query, r)
        words = normalise(r["matched"]).split()
        assert r["match"] in ("exact", "ambiguous", "fuzzy") or any(w.startswith(query.lower()) for w in words) \
            or normalise(r["matched"]).replace(" ", "").startswith(query.lower()), (query, r)
    assert [r["name"] for r in find("THU")["results"]] == ["Tsinghua University"]


@pytest.mark.parametrize("query, lang, display", [
    ("Stanford", "zh-Hans", "斯坦福大学"), ("Stanford", "zh-Hant", "史丹福大學"),
    ("斯坦福", "zh-Hant", "史丹福大學"), ("史丹福", "zh-Hans", "斯坦福大学"),
    ("UC Berkeley", "zh-Hans", "加州大学伯克利分校"), ("UC Berkeley", "zh-Hant", "加州大學柏克萊分校"),
    ("UCSD", "zh-Hans", "加州大学圣地亚哥分校"), ("UCSD", "zh-Hant", "加州大學聖地牙哥分校"),
    ("UCSF", "zh-Hans", "加州大学旧金山分校"), ("UCSF", "zh-Hant", "加州大學三藩市分校"),
    ("Monash", "zh-Hant", "蒙納士大學"), ("Monash", "zh-Hans", "莫纳什大学"),
    ("Cornell", "zh-Hant", "康乃爾大學"), ("Cornell", "zh-Hans", "康奈尔大学"),
    ("Harvard", "zh-Hans", "哈佛大学"), ("Harvard", "en", "Harvard University"),
    ("Rice University", "zh-Hant", "Rice University"),
])
def test_display_name_in_the_page_script_and_usage(query, lang, display):
    r = find(query, lang=lang)["results"][0]
    assert r["display_name"] == display
    if lang != "en" and r["zh"]:
        assert r["zh"] == display


def test_no_mixed_scripts_in_what_is_shown():
    hant_only, hans_only = "們這個學歷經驗語與書業體資產際專華", "们这个学历经验语与书业体资产际专华"
    typed = "香港大學專業進修學院"
    assert find(typed, lang="zh-Hans")["query"] == typed  # shown back as typed, not half-converted
    for query in ("大学", "大學", "中大", "清华", "北大", "USC", "Sorbonne", "交大", "国立清华大学"):
        for lang, foreign in (("zh-Hant", hans_only), ("zh-Hans", hant_only)):
            result = find(query, lang=lang, limit=20)
            shown = [r["display_name"] for r in result["results"]] + [r["zh"] or "" for r in result["results"]]
            shown += [a["name"] for r in result["results"] for a in r["also"]] + [n["name"] for n in result["not_listed"]]
            for text in shown:
                assert not any(ch in foreign for ch in text), (query, lang, text)


def test_every_ambiguous_name_in_either_script_gives_the_same_answer():
    opencc = pytest.importorskip("opencc")
    to_hans, to_hant = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    for block in AMBIGUOUS:
        for name in block["names"]:
            if any(is_han(ch) for ch in name):
                answers = {tuple(r["name"] for r in find(form)["results"][:len(block["list"])]) for form in (name, to_hans.convert(name), to_hant.convert(name))}
                assert answers == {tuple(block["list"])}, name


def test_answer_is_json():
    for query in ("中大", "USC", "NTHU", "Tokyo Tech"):
        for lang in ("en", "zh-Hant", "zh-Hans"):
            json.dumps(find(query, lang=lang))


def test_country_names_in_the_page_language():
    countries = ALIASES["countries"]
    assert {u["country"] for u in LIST["universities"]} <= set(countries)
    for lang in ("zh-Hant", "zh-Hans"):
        for e in entries(lang):
            assert e["country_name"] and all(is_han(ch) for ch in e["country_name"]), (lang, e["country"], e["country_name"])
    assert find("MIT", lang="zh-Hans")["results"][0]["country_name"] == "美国"
    assert find("Tsinghua", lang="zh-Hant")["results"][0]["country_name"] == "中國內地"
    assert find("HKU", lang="zh-Hans")["results"][0]["country_name"] == "香港特别行政区"
    assert find("MIT")["results"][0]["country_name"] == "U.S.A."  # the list's own words in English


@pytest.mark.parametrize("query, lang, name", [
    ("HKU SPACE", "en", "HKU SPACE (HKU School of Professional and Continuing Education)"),
    ("香港大學專業進修學院", "zh-Hant", "香港大學專業進修學院"),
    ("香港大学專业進修学院", "zh-Hans", "香港大学专业进修学院"),  # typed in mixed scripts, shown in one
    ("CUSCS", "zh-Hans", "香港中文大学专业进修学院"),
    ("PolyU SPEED", "zh-Hant", "香港理工大學專業進修學院"),
])
def test_continuing_education_arms_are_not_listed_and_say_why(query, lang, name):
    result = find(query, lang=lang)
    [item] = result["not_listed"]
    assert item["name"] == name and result["results"] == []
    assert ("continuing-education arm" in item["note"]) if lang == "en" else ("持續進修部門" in item["note"] or "持续进修部门" in item["note"])


def test_not_listed_data_is_complete():
    for other in ALIASES["not_listed"]:
        assert set(other) == {"name", "names", "note"} and other["names"]
        assert set(other["name"]) == set(other["note"]) == {"en", "zh-Hant", "zh-Hans"}

"""Find institutions on the Aggregate List of Eligible Universities by what a visitor types.

The list (criterion (2) of `criteria-2024`) is data: `rules/eligible-universities-2026.json`.
Other names people type are data too: `rules/university-aliases.toml`. Chinese in Traditional or
Simplified characters is folded to Simplified on both sides with `rules/han-variants.json`, a table
generated at development time by `site_scripts/make_han_variants.py`.

`find` is meant to run on every keystroke (in Pyodide, in a Web Worker): the index is built once,
on first use, and a query costs a dictionary look-up, a few bisections and one pass over about a
thousand short strings. Matching is, best first: an exact name or alias; a name or alias that
starts with the query; names whose words start with the query's words (in any order); names that
contain the query; and only when none of those match, names with a word one letter away from a
query word (one letter added, dropped, changed, or two neighbours swapped).

A match helps the visitor find their university; it never answers criterion (2) for them, and a
degree from a continuing-education arm, branch or subsidiary school does not count even when the
university is listed (`list_info()["basis"]`).
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

from .formats import date as date_text
from .names import country_name
from .load import LANGUAGES, message, rules, rules_json, text

LIST_FILE = "eligible-universities-2026"
ALIASES_FILE = "university-aliases"
VARIANTS_FILE = "han-variants"

MAX_INPUT = 1_000  # characters of the raw query read; the rest is ignored
MAX_QUERY = 100  # characters of the normalised query kept; the rest is cut off
MAX_LIMIT = 200
MAX_ABBREVIATION = 4  # an alias or a Latin query this short is an abbreviation: matched whole or by its start only
FUZZY_MIN_TOKEN = 4  # words shorter than this are never matched with a typo
FUZZY_MAX_TOKENS = 6  # a longer query gets no typo matching (it would be slow and rarely right)

# Score bands, best first: score = band + up to 19 for how much of the name the query covers.
EXACT, PREFIX, WORDS, SUBSTRING, FUZZY = 100, 80, 60, 40, 20
AMBIGUOUS = 101  # one of the entries a short name for several may mean: listed first, scored as exact
LOOSE = 39  # contains the query only once spaces are ignored: a substring match, scored 40, ranked last
MATCH_KIND = {
    AMBIGUOUS: "ambiguous", EXACT: "exact", PREFIX: "prefix", WORDS: "words", SUBSTRING: "substring", LOOSE: "substring", FUZZY: "fuzzy",
}

# Which kind of key matched, for breaking ties: the list's name beats a form derived from it,
# which beats the list's Chinese name, which beats an alias.
NAME, DERIVED, ZH, ALIAS = 0, 1, 2, 3

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_BOUNDARY = re.compile(rf"(?<=[{HAN_RANGES}])(?=[^{HAN_RANGES}\s])|(?<=[^{HAN_RANGES}\s])(?=[{HAN_RANGES}])")
_NOT_WORD = re.compile(r"[\W_]+")
_PARENTHESES = re.compile(r"\s*\(([^)]*)\)")
# Letters that do not decompose into a base letter and an accent.
_LETTERS = str.maketrans({
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h",
    "&": " and ", "'": None, "\u2019": None, "\u2018": None, "\u02bc": None, "`": None,
})
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def is_han(ch: str) -> bool:
    """A CJK unified (or compatibility) ideograph. Kept in step with site_scripts/make_han_variants.py."""
    o = ord(ch)
    return 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


@functools.cache
def _fold_table() -> dict[int, str]:
    return str.maketrans(rules_json(VARIANTS_FILE)["t2s"])


def normalise(text: str, cap: int | None = None) -> str:
    """The form names and queries are compared in.

    Compatibility forms folded (full-width letters), control and format characters dropped, case
    folded, accents removed (São → sao), punctuation turned into spaces (apostrophes dropped: King's →
    kings; & → and), Chinese folded to Simplified characters and set apart from Latin words. With
    `cap`, the text is cut to that many characters after each step that can lengthen it (one
    character can decompose into eighteen), so the work stays bounded.
    """
    text = unicodedata.normalize("NFKC", text)[:cap]
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    text = unicodedata.normalize("NFKD", text.casefold())[:cap]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "M")  # accents, once split off
    text = text.translate(_LETTERS)
    text = _NOT_WORD.sub(" ", text).translate(_fold_table())
    text = _HAN_BOUNDARY.sub(" ", text)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _compact(text: str) -> str:
    return normalise(text).replace(" ", "")


def _visible(query: str) -> str:
    """The query as the visitor typed it, for showing back: compatibility forms folded, control and
    format characters dropped, spacing collapsed; never folded to another script or case."""
    text = unicodedata.normalize("NFKC", query[:MAX_INPUT])
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())[:MAX_QUERY].strip()


def _clean_query(query) -> str:
    if not isinstance(query, str):
        raise ValueError(f"query must be a string, not {type(query).__name__}")
    return normalise(query[:MAX_INPUT], cap=MAX_INPUT)[:MAX_QUERY].strip()


# ---------------------------------------------------------------------------------------------
# The index, built once.


def _derived_names(name: str) -> list[str]:
    """Forms of a list name that people type: without "The", without a parenthesis or a campus
    after " - " / "--", the abbreviation or former name in parentheses, ae/oe/ue for umlauts."""
    forms = []
    inside = _PARENTHESES.findall(name)
    bare = _PARENTHESES.sub("", name).strip()
    for part in inside:
        forms.append(re.sub(r"^formerly\s+", "", part.strip(), flags=re.IGNORECASE))
    for cut in (" - ", "--"):
        if cut in bare:
            bare = bare.split(cut, 1)[0].strip()
    forms.append(bare)
    if bare.lower().startswith("the "):
        forms.append(bare[4:])
    forms.extend(f.translate(_UMLAUTS) for f in [name, *forms] if f.translate(_UMLAUTS) != f)
    return forms


class _Index:
    def __init__(self) -> None:
        data = rules_json(LIST_FILE)
        aliases = {a["name"]: a for a in rules(ALIASES_FILE)["aliases"]}
        self.data = data
        self.entries: list[dict] = []
        # Keys: parallel lists, one item per (entry, searchable string).
        self.key_entry: list[int] = []
        self.key_norm: list[str] = []
        self.key_compact: list[str] = []
        self.key_original: list[str] = []
        self.key_rank: list[int] = []
        postings: dict[str, set[int]] = {}
        for e, item in enumerate(data["universities"]):
            alias = aliases.get(item["en"], {})
            zh_aliases = list(alias.get("zh", []))
            self.entries.append({
                "name": item["en"],
                "zh": item.get("zh") or (zh_aliases[0] if zh_aliases else None),
                "display": alias.get("display", {}),
                "note": alias.get("note"),
                "country": item["country"],
                "added_2026": bool(item.get("added_2026")),
                "aliases": {"en": list(alias.get("en", [])), "zh": zh_aliases},
            })
            seen: set[str] = set()
            sources = [(item["en"], NAME)] + [(f, DERIVED) for f in _derived_names(item["en"])]
            sources += [(item["zh"], ZH)] if item.get("zh") else []
            sources += [(a, ALIAS) for a in alias.get("en", []) + zh_aliases]
            for original, rank in sources:
                norm = normalise(original)
                compact = norm.replace(" ", "")
                if not compact or compact in seen:
                    continue
                seen.add(compact)
                k = len(self.key_entry)
                self.key_entry.append(e)
                self.key_norm.append(norm)
                self.key_compact.append(compact)
                self.key_original.append(original)
                self.key_rank.append(rank)
                for token in norm.split():
                    postings.setdefault(token, set()).add(k)
        self.abbreviation = [
            rank == ALIAS and len(compact) <= MAX_ABBREVIATION for rank, compact in zip(self.key_rank, self.key_compact)
        ]
        # Keys in the order they rank within a band: shortest (closest to the query) first.
        def rank_in_band(k: int) -> tuple:
            return len(self.key_compact[k]), self.key_rank[k], self.entries[self.key_entry[k]]["name"].casefold()

        self.order = sorted(range(len(self.key_entry)), key=rank_in_band)
        self.position = [0] * len(self.order)
        for p, k in enumerate(self.order):
            self.position[k] = p
        self.exact: dict[str, list[int]] = {}
        for k, compact in enumerate(self.key_compact):
            self.exact.setdefault(compact, []).append(k)
        self.by_compact = sorted((c, k) for k, c in enumerate(self.key_compact))
        self.sorted_compacts = [c for c, _ in self.by_compact]
        self.vocab = sorted(postings)
        self.postings = [frozenset(postings[t]) for t in self.vocab]
        # One-deletion neighbourhoods of every Latin word, for typo matching.
        self.deletions: dict[str, set[str]] = {}
        for token in self.vocab:
            if len(token) >= FUZZY_MIN_TOKEN - 1 and not is_han(token[0]):
                for d in _deletions(token):
                    self.deletions.setdefault(d, set()).add(token)
        self.token_postings = dict(zip(self.vocab, self.postings))
        # Names that mean several institutions, and the unlisted institutions' own names.
        entry_of = {entry["name"]: e for e, entry in enumerate(self.entries)}
        self.ambiguous: dict[str, dict] = {}
        self.unlisted: dict[str, dict] = {}
        for block in rules(ALIASES_FILE).get("ambiguous", []):
            shared = {**block, "list": [entry_of[name] for name in block["list"]]}
            for name in block["names"]:
                self.ambiguous[_compact(name)] = {**shared, "name": name}
            for other in block["also"]:
                for name in other["names"]:
                    self.unlisted[_compact(name)] = other
        for other in rules(ALIASES_FILE).get("not_listed", []):
            for name in other["names"]:
                self.unlisted[_compact(name)] = other

    @functools.lru_cache(maxsize=512)
    def keys_with_word_prefix(self, prefix: str) -> frozenset[int]:
        """Keys having a word that starts with `prefix`."""
        lo = bisect.bisect_left(self.vocab, prefix)
        hi = bisect.bisect_left(self.vocab, prefix + "\U0010ffff", lo)
        if hi - lo == 1:
            return self.postings[lo]
        return frozenset().union(*self.postings[lo:hi])

    @functools.lru_cache(maxsize=512)
    def keys_with_near_word(self, token: str) -> frozenset[int]:
        """Keys having a word one edit (insert, delete, substitute, swap neighbours) from `token`."""
        near: set[str] = set(self.deletions.get(token, ()))
        for d in _deletions(token):
            if d in self.token_postings:
                near.add(d)
            near.update(self.deletions.get(d, ()))
        found: set[int] = set()
        for word in near:
            if word != token and _within_one_edit(token, word):
                found.update(self.token_postings[word])
        return frozenset(found)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """Optimal string alignment distance of at most 1."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


@functools.cache
def _index() -> _Index:
    return _Index()


# ---------------------------------------------------------------------------------------------
# Public API.


def _check_lang(lang) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def _script(text: str | None, lang: str) -> str | None:
    """A Chinese name in the page's script: Simplified for zh-Hans, Traditional otherwise."""
    if text is None:
        return None
    forms = rules_json(VARIANTS_FILE)["display"].get(text)
    if forms is None:
        return text
    return forms["zh-Hans" if lang == "zh-Hans" else "zh-Hant"]


def _chinese_name(entry: dict, lang: str) -> str | None:
    """The entry's Chinese name in the page's script, and in its usage where Hong Kong and the
    Mainland name it differently (史丹福 / 斯坦福); Traditional on an English page."""
    return (entry["display"].get(lang) if lang != "en" else None) or _script(entry["zh"], lang)


def _country_name(country: str, lang: str) -> str:
    """The list's country or territory in the page's language (the list's own words in English)."""
    known = rules(ALIASES_FILE)["countries"].get(country)
    if lang == "en" or known is None:
        return country
    return country_name(known, lang) if isinstance(known, str) else text(known, lang)


def _display_name(entry: dict, lang: str) -> str:
    """The entry's name for a page: English, or its Chinese name on a Chinese page."""
    return (_chinese_name(entry, lang) if lang != "en" else None) or entry["name"]


def _other(other: dict, lang: str) -> dict:
    """An institution not on the list, named in `lang` where a name is known."""
    return {"name": text(other["name"], lang), "note": text(other.get("note"), lang) or None}


def _also_text(query: str, also: list[dict], lang: str) -> str | None:
    """One sentence for the page: the query also names these institutions, not on the list."""
    if not also:
        return None
    names = [_other(o, lang)["name"] for o in also]
    others = "、".join(names) if lang != "en" else (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
    return message(rules(ALIASES_FILE), "also_one" if len(names) == 1 else "also_many", lang, name=_visible(query), others=others)


def find(query: str, limit: int = 8, lang: str = "en") -> dict:
    """Entries of the list matching `query`, best first, at most `limit` of them.

    Returns `{"edition", "official_url", "count", "query", "results", "ambiguous", "not_listed"}`.
    `query` is the query as typed (cleaned for showing back: at most MAX_QUERY characters, after
    reading at most MAX_INPUT). Each result is `{"name", "zh", "display_name", "country",
    "country_name", "added_2026", "matched", "match", "score", "also", "note"}`: `zh` is the
    Chinese name in the page's script or None, `display_name` the name to show on the page (its
    Chinese name in the page's script and usage on a Chinese page), `country_name` the country or
    territory in the page's language (the list's own words in English), `matched` the name or alias
    that matched, `match` one of exact, ambiguous, prefix, words, substring, fuzzy, `score` 20-100
    (higher is better; the bands are 100, 80-99, 60-79, 40-59 and 20-39), `also` the institutions
    NOT on the list that the query also names (`{"name", "note"}`), `also_text` the sentence that
    says so (or None), and `note` a note on the entry or None. `ambiguous` is None, or `{"name", "note"}` when the query is a short name for several
    entries (all of which are then in the results, first); `not_listed` lists `{"name", "note"}`
    for institutions not on the list that the query names (an `also` institution of a shared name,
    or a `[[not_listed]]` one such as a listed university's continuing-education arm). A query that matches nothing, or is
    empty, gives no results. Raises ValueError for a query that is not a string, a bad `limit` or
    an unknown `lang`.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive whole number, not {limit!r}")
    _check_lang(lang)
    q = _clean_query(query)
    index = _index()
    compact = q.replace(" ", "")
    shared = index.ambiguous.get(compact)
    unlisted = index.unlisted.get(compact)
    rows = [(band, index.key_entry[k], k) for band, k in (_search(index, q, min(limit, MAX_LIMIT)) if q else [])]
    if unlisted:  # a name known to be off the list: no typo guesses
        rows = [row for row in rows if row[0] != FUZZY]
    if shared:
        # The entries the name may mean come first: as "ambiguous" when it means several, else as
        # an exact match (found by the name even where it is no alias, as THU).
        multi = len(shared["list"]) > 1
        kept = {e: row for row in rows for e in [row[1]] if e in shared["list"]}
        first = [(AMBIGUOUS if multi else EXACT, e, None) if multi or e not in kept else kept[e] for e in shared["list"]]
        first = [row if row[0] != FUZZY else (EXACT, row[1], None) for row in first]
        rows = first + [row for row in rows if row[1] not in shared["list"]]
        rows = rows[:max(limit, len(first))]
    results = []
    for band, e, k in rows:
        entry = index.entries[e]
        original, rank = (index.key_original[k], index.key_rank[k]) if k is not None else (_visible(query), ALIAS)
        if band in (EXACT, AMBIGUOUS):
            score = EXACT
        elif band == LOOSE:
            score = SUBSTRING
        else:
            score = band + min(19, 19 * len(compact) // len(index.key_compact[k]))
        also = shared["also"] if shared and e in shared["list"] else []
        results.append({
            "name": entry["name"],
            "zh": _chinese_name(entry, lang),
            "display_name": _display_name(entry, lang),
            "country": entry["country"],
            "country_name": _country_name(entry["country"], lang),
            "added_2026": entry["added_2026"],
            "matched": _script(original, lang) if rank in (ZH, ALIAS) and k is not None else original,
            "match": MATCH_KIND[band],
            "score": score,
            "also": [_other(o, lang) for o in also],
            "also_text": _also_text(query, also, lang),
            "note": text(entry["note"], lang) or None,
        })
    aliases = rules(ALIASES_FILE)
    edition = index.data["effective_from"]
    ambiguous = None
    if shared and len(shared["list"]) > 1:
        shown = _visible(query)
        ambiguous = {"name": shown, "note": message(aliases, "ambiguous", lang, name=shown)}
    not_listed = []
    if unlisted:
        other = _other(unlisted, lang)
        note = message(aliases, "not_listed", lang, name=other["name"], date=date_text(edition, lang))
        not_listed.append({"name": other["name"], "note": (" " if lang == "en" else "").join(filter(None, [note, other["note"]]))})
    return {
        "edition": edition,
        "official_url": index.data["official_list_url"],
        "count": len(index.entries),
        "query": _visible(query),
        "results": results,
        "ambiguous": ambiguous,
        "not_listed": not_listed,
    }


def _search(index: _Index, q: str, limit: int) -> list[tuple[int, int]]:
    """(band, key) of the best-matching key of each matching entry, best first, at most `limit`.

    Bands never overlap and, within a band, a shorter key is a closer match (the query covers more
    of it), so each key's rank is (band, length, kind of key, name), and a lower band is only
    searched while the higher ones found fewer than `limit` entries.
    """
    compact = q.replace(" ", "")
    tokens = q.split()
    best: dict[int, int] = {}  # key -> band of its best match

    def found(band: int) -> bool:
        """Whether keys of at least `band` already fill the results."""
        return len({index.key_entry[k] for k, b in best.items() if b >= band}) >= limit

    for k in index.exact.get(compact, ()):
        best[k] = EXACT
    # Keys starting with the query; where that holds only with spaces ignored (kings -> King Saud),
    # the match counts as a word match.
    lo = bisect.bisect_left(index.sorted_compacts, compact)
    for c, k in index.by_compact[lo:]:
        if not c.startswith(compact):
            break
        best.setdefault(k, PREFIX if index.key_norm[k].startswith(q) else WORDS)
    if not found(PREFIX):
        keys = _keys_with_words(index, tokens, fuzzy=False)
        for k in keys:
            best.setdefault(k, WORDS)
        # Keys containing the query; with spaces ignored only (ntu -> GheNT University), at the
        # bottom. Not inside abbreviations: 科大 is not 中科大.
        if not found(WORDS) and (is_han(compact[0]) or len(compact) > MAX_ABBREVIATION):
            for k, c in enumerate(index.key_compact):
                if compact in c and not index.abbreviation[k]:
                    best.setdefault(k, SUBSTRING if q in index.key_norm[k] else LOOSE)
    if not best and len(tokens) <= FUZZY_MAX_TOKENS:
        # Nothing matched: allow one typo per word, in words long enough to tell.
        best = dict.fromkeys(_keys_with_words(index, tokens, fuzzy=True), FUZZY)

    n = len(index.position)
    codes = sorted((EXACT - band) * n + index.position[k] for k, band in best.items())
    ranked, seen = [], set()
    for code in codes:
        k = index.order[code % n]
        e = index.key_entry[k]
        if e not in seen:
            seen.add(e)
            ranked.append((EXACT - code // n, k))
            if len(ranked) == limit:
                break
    return ranked


def _keys_with_words(index: _Index, tokens: list[str], fuzzy: bool) -> frozenset[int]:
    """Keys having, for every query word, a word that starts with it (or, with `fuzzy`, is one
    edit away from it)."""
    keys = None
    for token in tokens:
        with_token = index.keys_with_word_prefix(token)
        if fuzzy and len(token) >= FUZZY_MIN_TOKEN and not is_han(token[0]):
            with_token = with_token | index.keys_with_near_word(token)
        keys = with_token if keys is None else keys & with_token
        if not keys:
            break
    return keys or frozenset()


def entries(lang: str = "en") -> list[dict]:
    """Every entry of the list, in the list file's order (by country, then name).

    Each is `{"name", "zh", "country", "country_name", "added_2026", "aliases": {"en": [...], "zh": [...]}}`;
    `zh` is None where neither the list data nor the aliases give a Chinese name.
    """
    _check_lang(lang)
    return [
        {
            "name": e["name"],
            "zh": _chinese_name(e, lang),
            "country": e["country"],
            "country_name": _country_name(e["country"], lang),
            "added_2026": e["added_2026"],
            "aliases": {"en": list(e["aliases"]["en"]), "zh": [_script(z, lang) for z in e["aliases"]["zh"]]},
        }
        for e in _index().entries
    ]


def list_info() -> dict:
    """The list edition's facts, from the data file: dates, official links, counts, basis, provenance."""
    data = rules_json(LIST_FILE)
    return {
        "list": data["list"],
        "edition": data["effective_from"],
        "announced": data["announced"],
        "official_url": data["official_list_url"],
        "official_also_at": list(data.get("official_list_also_at", [])),
        "compiled_by": data["compiled_by"],
        "count": len(data["universities"]),
        "official_count": data["official_count"],
        "added_this_edition": sum(1 for u in data["universities"] if u.get("added_2026")),
        "basis": data["basis"],
        "provenance": data["provenance"],
        "aliases_note": rules(ALIASES_FILE)["about"],
        "removed_since_2024": list(data.get("removed_since_2024", [])),
        "history": [dict(h) for h in data.get("history", [])],
        "max_query_length": MAX_QUERY,
    }

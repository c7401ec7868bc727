"""What-if advice: for a profile that does not pass, the smallest sets of changes that would;
for one that passes, the margin and the facts it rests on. Every option is checked by scoring
the changed profile for real, so advice can never disagree with `assess`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from . import formats
from .answers import Profile, question
from .assess import AUTO, SCORERS, assess_profile, profile
from .conditions import language_name
from .load import rules, text

MAX_OPTIONS = 6
MAX_CHANGES = 4


def _say(key: str, lang: str, **fields) -> str:
    return text(rules("advice")["messages"][key], lang).format(**fields)


def _raise_years(answers: dict, key: str, years: float) -> dict:
    """Set `key` to at least `years`, growing work_years with it (its parts fit inside it)."""
    patch = {key: max(answers.get(key) or 0, years)}
    if key != "work_years" and question(key).get("within") == "work_years":
        patch["work_years"] = max(answers.get("work_years") or 0, years)
    return patch


def _with_language(answers: dict, name: str) -> dict:
    return {"good_languages": list(answers.get("good_languages") or []) + [name]}


def _points_changes(answers: dict, lang: str) -> list[tuple[str, dict, str]]:
    data = {f["id"]: f for f in rules("points-245")["factors"]}
    levels = data["qualification"]["levels"]
    current = levels[answers.get("qualification") or "none"]
    labels = question("qualification")["choice_labels"]
    changes = [("qualification", {"qualification": level}, _say("qualification_level", lang, choice=text(labels[level], lang)))
               for level, points in levels.items() if points > current]
    if not answers.get("renowned_institution"):
        changes.append(("renowned", {"renowned_institution": True, "qualification": answers.get("qualification") or "bachelor"},
                        _say("renowned", lang)))
    for tier in data["work_experience"]["tiers"]:
        patch = {**_raise_years(answers, "work_years", tier["work_years"]), **_raise_years(answers, "senior_years", tier["senior_years"])}
        patch["work_years"] = max(patch["work_years"], tier["work_years"])
        changes.append(("work", patch, _say("work_tier", lang, work=f"{patch['work_years']:g}", senior=f"{patch['senior_years']:g}")))
    for bonus, key in (("international", "international_years"), ("multinational", "multinational_years")):
        years = data["work_experience"][bonus]["years"]
        changes.append((bonus, _raise_years(answers, key, years), _say(bonus, lang, years=years)))
    changes.append(("talent", {"talent_list": True}, _say("talent", lang)))
    spoken = set(answers.get("good_languages") or [])
    for name in ("chinese", "english"):
        if name not in spoken:
            changes.append(("language", _with_language(answers, name), _say("add_language", lang, language=language_name(name, lang))))
    changes.append(("language", _with_language(answers, "other"), _say("add_foreign", lang)))
    if answers.get("dependants_apply_together") is False:
        changes.append(("together", {"dependants_apply_together": True}, _say("together", lang)))
    elif not answers.get("spouse_degree"):
        changes.append(("spouse", {"spouse_degree": True}, _say("spouse", lang)))
    return changes


def _criteria_changes(answers: dict, edition: str, lang: str) -> list[tuple[str, dict, str]]:
    changes = []
    for rule in rules(edition)["criteria"]:
        test, key = rule.get("test", "is_true"), rule["key"]
        if test == "at_most":
            continue  # age cannot be changed
        if test == "at_least":
            patch = _raise_years(answers, key, rule["value"]) if question(key).get("within") else {key: rule["value"]}
        elif test == "both_true":
            patch = {key: True, rule["requires"]: True}
        elif test == "languages_at_least":
            spoken = list(answers.get(key) or [])
            extra = [n for n in ("english", "chinese", "other") if n not in spoken][: max(rule["value"] - len(spoken), 0)]
            patch = {key: spoken + extra}
        elif test == "has_language":
            patch = _with_language(answers, rule["value"])
        else:
            patch = {key: True}
        label = text(rule["label"], lang)
        words = _say("criterion", lang, number=rule["number"], label=label) if "number" in rule else _say("achievement", lang, label=label)
        changes.append((rule["id"], patch, words))
    return changes


def _merge(answers: dict, patches: list[dict]) -> dict:
    merged = dict(answers)
    for patch in patches:
        for key, value in patch.items():
            if key == "good_languages":
                merged[key] = list(dict.fromkeys((merged.get(key) or []) + value))
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(merged.get(key), (int, float)):
                merged[key] = max(merged[key], value)
            else:
                merged[key] = value
    return merged


def advise(answers: dict, edition: str | None = AUTO, lang: str = "en", *, result: dict | None = None,
           today: dt.date | None = None) -> dict:
    """Advice for `answers` under `edition` (validated like `assess`; None or "auto" as there).
    `result`, when given, is `assess`'s result for the same answers, reused instead of assessing
    again. Keys: `passed`, `total`, `pass_mark`, `margin` (total minus pass mark), `unit`,
    `summary` (plain words); for a profile short of the pass mark, `lead` (the sentence before
    the candidates), `candidates` (each single change that adds to the total: `{id, text,
    answers, gain, gain_text}`, best first) and `options` (the smallest sets of changes that
    reach the pass mark, each `{changes: [{id, text, answers}], total_after, total_after_text}`);
    `rests_on` (for one that passes: each scoring fact, `score_text`, and whether losing it
    alone would fail) and `prerequisites` (unmet ones, which no score can replace)."""
    p, edition, today = profile(answers, edition if result is None else result["edition"], lang, today)
    return advise_profile(p, result or assess_profile(p, edition, lang, today), lang)


def advise_profile(p: Profile, now: dict, lang: str) -> dict:
    """`advise` for answers already validated and assessed (`now`)."""
    edition, unit = now["edition"], now["unit"]

    def count(n: int) -> str:
        return formats.quantity(n, unit, lang)

    threshold = text(rules("advice")["thresholds"][edition], lang)

    out = {"passed": now["passed"], "total": now["total"], "pass_mark": now["pass_mark"], "unit": unit,
           "margin": now["total"] - now["pass_mark"], "options": [], "candidates": [], "rests_on": [], "lead": None,
           "prerequisites": [r["label"] for r in now["prerequisites"] if not r["met"]]}
    if out["margin"] >= 0:
        out["rests_on"] = [{"id": f["id"], "label": f["label"], "score": f["score"], "score_text": count(f["score"]),
                            "critical": now["total"] - f["score"] < now["pass_mark"]}
                           for f in now["factors"] if f["score"] > 0]
        out["summary"] = _say("passes" if out["margin"] else "exactly", lang, margin=count(out["margin"]),
                              pass_mark=count(now["pass_mark"]), threshold=threshold)
    else:
        out["candidates"], out["options"] = _options(p, edition, lang, now)
        out["summary"] = _say("short", lang, deficit=count(-out["margin"]), pass_mark=count(now["pass_mark"]),
                              threshold=threshold)
        if out["candidates"]:
            out["lead"] = _result_say("lead_" + unit, lang, n=formats.number(-out["margin"]))
    if out["prerequisites"]:
        gap = " " if lang == "en" else ""  # Chinese sentences follow each other without a space
        out["summary"] += gap + _say("prerequisites_first", lang, names=_say("list_separator", lang).join(out["prerequisites"]))
    return out


def _result_say(key: str, lang: str, **fields) -> str:
    return text(rules("results")["messages"][key], lang).format(**fields)


def _total(p: Profile, edition: str, lang: str, patches: list[dict]) -> int:
    """The total with the answers changed by `patches` (the core's own values: no validation)."""
    changed = _merge({k: p.values[k] for k in p.given}, patches)
    # The factors' scores alone: the total is their sum (prerequisites do not count in it).
    return sum(f["score"] for f in SCORERS[edition](dataclasses.replace(p, values={**p.values, **changed}), lang))


def _options(p: Profile, edition: str, lang: str, now: dict) -> tuple[list[dict], list[dict]]:
    """(candidates, options): every single change that adds something, best first, and the
    smallest sets of changes that reach the pass mark."""
    clean = {k: p.values[k] for k in p.given}
    changes = _points_changes(clean, lang) if now["unit"] == "points" else _criteria_changes(clean, edition, lang)
    # Each change on its own: what it adds (scored for real).
    gains = []
    for group, patch, words in changes:
        gain = _total(p, edition, lang, [patch]) - now["total"]
        if gain > 0:
            gains.append((group, patch, words, gain))
    candidates = [{"id": g, "text": w, "answers": patch, "gain": gain,
                   "gain_text": _result_say("gain", lang, gain=formats.quantity(gain, now["unit"], lang))}
                  for g, patch, w, gain in sorted(gains, key=lambda c: -c[3])]
    deficit = now["pass_mark"] - now["total"]
    groups = sorted({g for g, *_ in gains})
    for size in range(1, min(MAX_CHANGES, len(groups)) + 1):
        found = []
        for chosen in itertools.combinations(groups, size):
            per_group = [[c for c in gains if c[0] == g] for g in chosen]
            for combo in itertools.product(*per_group):
                if sum(c[3] for c in combo) < deficit:
                    continue
                after = _total(p, edition, lang, [c[1] for c in combo])
                if after >= now["pass_mark"]:
                    found.append({"changes": [{"id": c[0], "text": c[2], "answers": c[1]} for c in combo],
                                  "total_after": after, "total_after_text": formats.quantity(after, now["unit"], lang)})
        if found:
            # Least overshoot first: the smallest changes that are enough.
            found.sort(key=lambda o: o["total_after"])
            return candidates, _minimal(found)[:MAX_OPTIONS]
    return candidates, []


def _minimal(options: list[dict]) -> list[dict]:
    """Drop an option when another of the same size asks for strictly less in every group."""
    kept = []
    for option in options:
        groups = tuple(c["id"] for c in option["changes"])
        if not any(tuple(c["id"] for c in k["changes"]) == groups for k in kept):
            kept.append(option)
    return kept

"""A personal document checklist: the kinds of evidence for each claimed factor, criterion and
prerequisite of a profile (from `rules/evidence.toml`)."""

from __future__ import annotations

from .assess import AUTO, assess
from .load import rules, source, text


def checklist(answers: dict, edition: str | None = AUTO, lang: str = "en", *, result: dict | None = None) -> dict:
    """`{"items": [{id, text, for: [labels]}], "note", "sources"}` for what `answers` claims:
    every factor or criterion that scores, and every prerequisite. `result`, when given, is
    `assess`'s result for the same answers, used instead of assessing again."""
    result = result or assess(answers, edition, lang)
    claimed = {f["id"]: f["label"] for f in result["factors"] if f["score"] > 0}
    claimed.update({p["id"]: p["label"] for p in result["prerequisites"]})
    data = rules("evidence")
    items = []
    for entry in data["evidence"]:
        proves = [claimed[i] for i in entry["for"] if i in claimed]
        if proves:
            items.append({"id": entry["id"], "text": text(entry["text"], lang), "for": proves})
    return {"items": items, "note": text(data["note"], lang), "sources": [source(s, lang) for s in data["sources"]]}

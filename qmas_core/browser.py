"""The JSON boundary used by the in-browser calculator: one string in, one string out, so the
worker never handles Python objects and every failure comes back as data."""

from __future__ import annotations

import datetime as dt
import json
import re

from .advice import advise_profile
from .answers import InvalidAnswers
from .assess import AUTO, assess_profile, profile, summary
from .checklist import checklist
from .editions import editions
from .ics import plan_ics
from .plan import plan
from .schemes import for_profile as schemes_for
from .universities import find

EXTRAS = ("advice", "checklist", "compare", "schemes", "plan")
# A request nests 3 deep; far deeper nesting is refused before json.loads, whose recursion
# overflows the browser's stack (a JavaScript RangeError that kills Pyodide) before Python's
# RecursionError on a worker's smaller stack.
MAX_DEPTH = 32
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _loads(request):
    """The request parsed, or None when it is not JSON or nests deeper than MAX_DEPTH."""
    if not isinstance(request, (str, bytes, bytearray)):
        return None
    text = request.decode("utf-8", "replace") if isinstance(request, (bytes, bytearray)) else request
    depth = 0
    for token in _TOKENS.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return None
        elif bracket in ("]", "}"):
            depth -= 1
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _other_general(edition: str) -> str | None:
    general = [e["id"] for e in editions() if e["test"] == "general"]
    return next((e for e in general if e != edition), None) if edition in general else None


def report(answers: dict, edition: str | None = AUTO, lang: str = "en", include: tuple[str, ...] = (), *,
           today: dt.date | None = None) -> dict:
    """`assess` plus the extras asked for: `advice` (what-if), `checklist` (documents), `compare`
    (the same answers under the other General Points Test edition), `schemes` (the Top Talent
    Pass Scheme beside QMAS) and `plan` (the dated steps, with `ics`: the plan as an iCalendar
    file). The answers are validated and assessed once; the extras reuse that result."""
    return _extras(_assessed(answers, edition, lang, today), answers, lang, include)


def _assessed(answers: dict, edition: str | None, lang: str, today: dt.date | None) -> tuple:
    """(profile, edition, today, result): the answers validated and assessed."""
    p, edition, today = profile(answers, edition, lang, today)
    return p, edition, today, assess_profile(p, edition, lang, today)


def _extras(assessed: tuple, answers: dict, lang: str, include: tuple[str, ...]) -> dict:
    p, edition, today, result = assessed
    out = {"result": result}
    if "advice" in include:
        out["advice"] = advise_profile(p, result, lang)
    if "checklist" in include:
        out["checklist"] = checklist(answers, edition, lang, result=result)
    other = _other_general(edition)
    if "compare" in include and other:
        out["compare"] = summary(p, other, lang)
    if "schemes" in include:
        out["schemes"] = schemes_for(p, lang, today, result["test"])
    if "plan" in include:
        steps = plan(answers, lang, edition=edition, today=today)
        out["plan"] = {**steps, "ics": plan_ics(steps)}
    return out


def assess_json(request: str) -> str:
    """`{"answers", "edition", "lang", "include"}` as JSON in (`edition` omitted, null or "auto":
    the edition in force on the application date, or today); `{"result", …extras}` or
    `{"errors": [{field, message}]}` out."""
    call = _loads(request)
    if not isinstance(call, dict):
        return json.dumps({"errors": [{"field": "request", "message": "must be a JSON object"}]})
    include = call.get("include", [])
    if not isinstance(include, list) or not all(isinstance(x, str) and x in EXTRAS for x in include):
        return json.dumps({"errors": [{"field": "include", "message": "must be a list of: " + ", ".join(EXTRAS)}]})
    answers, edition, lang = call.get("answers", {}), call.get("edition"), call.get("lang", "en")
    today = dt.date.today()
    # The calculator asks for the score, then for the extras of the same answers one by one:
    # the last assessment is kept for them (a pure function of this key), never re-validated.
    key = json.dumps([answers, edition, lang, today.isoformat()], sort_keys=True)
    try:
        if key not in _last_assessed:
            assessed = _assessed(answers, edition, lang, today)
            _last_assessed.clear()
            _last_assessed[key] = assessed
        out = _extras(_last_assessed[key], answers, lang, tuple(include))
    except InvalidAnswers as error:
        return json.dumps({"errors": error.errors}, ensure_ascii=False)
    return json.dumps(out, ensure_ascii=False)


_last_assessed: dict[str, tuple] = {}


def find_universities_json(request: str) -> str:
    """`{"query", "limit", "lang"}` as JSON in; the finder's result or `{"errors": [...]}` out."""
    try:
        call = _loads(request)
        if not isinstance(call, dict):
            raise ValueError("must be a JSON object")
        return json.dumps(find(call.get("query", ""), call.get("limit", 8), call.get("lang", "en")), ensure_ascii=False)
    except ValueError as error:
        return json.dumps({"errors": [{"field": "query", "message": str(error)}]}, ensure_ascii=False)

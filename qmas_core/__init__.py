"""qmas_core: the scoring core of the QMAS self-check.

The public contract, kept stable for the site, deep links and other tools:
`assess`, `editions`, `edition_for`, `questions`, `InvalidAnswers`, and `assess_json`
(the JSON-in, JSON-out form of `assess` used by the in-browser calculator).
"""

from __future__ import annotations

import json

from .answers import InvalidAnswers
from .assess import assess
from .editions import edition_for, editions
from .form import questions

__all__ = ["assess", "assess_json", "editions", "edition_for", "questions", "InvalidAnswers"]
__version__ = "1.0.0"


def assess_json(request: str) -> str:
    """`{"answers", "edition", "lang"}` as JSON in; `{"result": …}` or `{"errors": […]}` out."""
    try:
        call = json.loads(request)
    except ValueError:
        return json.dumps({"errors": [{"field": "request", "message": "is not valid JSON"}]})
    if not isinstance(call, dict):
        return json.dumps({"errors": [{"field": "request", "message": "must be a JSON object"}]})
    try:
        result = assess(call.get("answers", {}), call.get("edition", edition_for()), call.get("lang", "en"))
    except InvalidAnswers as error:
        return json.dumps({"errors": error.errors}, ensure_ascii=False)
    return json.dumps({"result": result}, ensure_ascii=False)

"""qmas_core: the scoring core of the QMAS self-check.

The public contract, kept stable for the site, deep links and other tools: `assess`,
`editions`, `edition_for`, `questions`, `InvalidAnswers`; what-if `advise` and the document
`checklist`; `find_universities` (the eligible-university finder); `schemes` (the Top Talent Pass Scheme
beside QMAS); `plan` and `plan_ics` (the dated steps from applying to the right of abode); `report` and the JSON
forms `assess_json` and `find_universities_json`, used by the in-browser calculator.
"""

from __future__ import annotations

from .advice import advise
from .answers import InvalidAnswers
from .assess import assess
from .browser import assess_json, find_universities_json, report
from .checklist import checklist
from .editions import edition_for, editions
from .form import questions
from .ics import plan_ics
from .plan import plan
from .schemes import schemes
from .universities import find as find_universities

__all__ = [
    "InvalidAnswers", "advise", "assess", "assess_json", "checklist", "edition_for", "editions", "find_universities",
    "find_universities_json", "plan", "plan_ics", "questions", "report", "schemes",
]
__version__ = "1.0.0"

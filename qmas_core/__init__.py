"""qmas_core: the scoring core of the QMAS self-check.

The public contract, kept stable for the site, deep links and other tools: `assess`,
`editions`, `edition_for`, `questions`, `InvalidAnswers`; what-if `advise` and the document
`checklist`; `report` and its JSON form `assess_json`, used by the in-browser calculator.
"""

from __future__ import annotations

from .advice import advise
from .answers import InvalidAnswers
from .assess import assess
from .browser import assess_json, report
from .checklist import checklist
from .editions import edition_for, editions
from .form import questions

__all__ = [
    "InvalidAnswers", "advise", "assess", "assess_json", "checklist", "edition_for", "editions", "questions", "report",
]
__version__ = "1.0.0"

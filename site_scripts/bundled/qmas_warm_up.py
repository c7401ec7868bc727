"""What the calculator worker asks the core before and after a memory snapshot: the warm-up
(rules parsed, caches filled) and the reference answer a restored snapshot must give again.

Fixed, synthetic answers only, never a visitor's: the snapshot is memory and would keep them.
The application date is fixed too, so that the answer does not change with the day. Shipped
at the top level of the bundle (site_scripts/pyodide_files.build_bundle).
"""

import json

import qmas_core
from qmas_core.browser import EXTRAS
from qmas_core.load import LANGUAGES

REFERENCE = {
    "answers": {"age": 31, "qualification": "master", "good_languages": ["chinese", "english"], "work_years": 6,
                "application_date": "2025-06-01"},
    "lang": "en",
}


def reference_answer():
    """The core's answer to the reference request (the score alone: about 1 ms)."""
    return qmas_core.assess_json(json.dumps(REFERENCE))


def warm_up():
    """Every edition in every language with every extra, then the reference answer."""
    for edition in qmas_core.editions():
        for lang in LANGUAGES:
            qmas_core.assess_json(json.dumps({**REFERENCE, "edition": edition["id"], "lang": lang,
                                              "include": list(EXTRAS)}))
    return reference_answer()

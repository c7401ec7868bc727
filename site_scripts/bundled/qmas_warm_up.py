"""What the calculator worker asks the core before and after a memory snapshot: the warm-up
(rules parsed, caches filled) and the reference answer a restored snapshot must give again.

Fixed, synthetic answers only, never a visitor's: the snapshot is memory and would keep them.
The reference is assessed as on a fixed day, so that it does not change with the date. Shipped
at the top level of the bundle (site_scripts/pyodide_files.build_bundle).
"""

import datetime
import json

import qmas_core
from qmas_core.browser import EXTRAS, report
from qmas_core.load import LANGUAGES

ANSWERS = {"age": 31, "qualification": "master", "good_languages": ["chinese", "english"], "work_years": 6}
DAY = datetime.date(2025, 6, 1)


def reference_answer():
    """The core's answer for the reference profile on DAY (the score alone: about 1 ms)."""
    return json.dumps(report(ANSWERS, lang="en", today=DAY), ensure_ascii=False, sort_keys=True)


def warm_up():
    """Every edition in every language with every extra, through the worker's own entry point;
    then the reference answer."""
    for edition in qmas_core.editions():
        for lang in LANGUAGES:
            qmas_core.assess_json(json.dumps({"answers": ANSWERS, "edition": edition["id"], "lang": lang,
                                              "include": list(EXTRAS)}))
    return reference_answer()

"""Run inside Pyodide at build time (site_scripts/pyodide_pyc.mjs --bundle), never in CPython.

Exercises qmas_core the way the browser worker does, so that every standard-library module
the calculator imports is in ``sys.modules`` afterwards: the trimmed stdlib of the browser
bundle is exactly those modules (plus what the core's own ``import`` statements name; the
worker fetches the full stdlib on the rare miss). Failures are ignored: only imports matter.
"""

import json

import qmas_core


def _calls():
    strong = {
        "age": 30, "qualification": "doctorate", "renowned_institution": True,
        "eligible_university_postgraduate": True, "stem_degree": True,
        "good_languages": ["chinese", "english", "french"], "work_years": 12, "senior_years": 6,
        "international_years": 3, "multinational_years": 3, "specified_field_years": 5,
        "annual_income_hkd": 2_500_000, "business_profit_hkd": -10_000, "owns_listed_company": False,
        "talent_list": True, "family_hk_permanent_resident": True, "spouse_degree": True,
        "children_under_18": 2, "dependants_apply_together": True, "achievement_award": False,
        "peer_recognition": False, "financially_independent": True, "clean_record": True,
        "basic_education": True,
    }
    weak = {k: (False if isinstance(v, bool) else v) for k, v in strong.items()}
    weak.update(age=52, qualification="none", good_languages=["english"], work_years=1, senior_years=0,
                international_years=0, multinational_years=0, specified_field_years=0,
                annual_income_hkd=100_000, children_under_18=0)
    unsure = {k: None for k in strong}
    dated = {"birth_date": "1992-02-29", "application_date": "2025-06-01", "qualification": "master"}
    invalid = {"age": -3, "qualification": "wizard", "work_years": "many", "good_languages": 7}
    try:
        editions = [e["id"] for e in qmas_core.editions()]
    except Exception:
        editions = ["points-245", "criteria-2024", "achievement"]
    for edition in editions + [None, "no-such-edition"]:
        for lang in ("en", "zh-Hant", "zh-Hans"):
            for answers in ({}, strong, weak, unsure, dated, invalid, None):
                yield {"answers": answers, "edition": edition, "lang": lang,
                       "include": ["advice", "checklist", "compare"]}
            yield {"answers": strong, "edition": edition, "lang": lang}


for request in _calls():
    try:
        qmas_core.assess_json(json.dumps(request))
    except Exception:
        pass
for query in ("Tsinghua", "清华", "清華大學", "UCL", "HKU", "Oxfrd", "Hogwarts School", "", "é"):
    for lang in ("en", "zh-Hant", "zh-Hans"):
        try:
            qmas_core.find_universities_json(json.dumps({"query": query, "lang": lang}))
        except Exception:
            pass
for name in ("questions", "editions"):
    for lang in ("en", "zh-Hant", "zh-Hans"):
        try:
            getattr(qmas_core, name)(lang)
        except Exception:
            pass

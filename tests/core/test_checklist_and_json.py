import json

import qmas_core


def test_checklist_follows_claims():
    answers = {"age": 30, "qualification": "master", "good_languages": ["english"], "work_years": 6, "talent_list": True}
    items = {i["id"] for i in qmas_core.checklist(answers, "points-245")["items"]}
    assert {"identity", "degrees", "employer_letters", "languages", "talent", "means", "records"} <= items
    assert "business" not in items and "family" not in items
    items = {i["id"] for i in qmas_core.checklist({"business_profit_hkd": 6e6}, "criteria-2024")["items"]}
    assert "business" in items and "talent" not in items


def test_checklist_cites_sources():
    out = qmas_core.checklist({}, "achievement")
    assert out["note"] and all(s["url"].startswith("https://") for s in out["sources"])


def test_json_boundary_result_and_extras():
    out = json.loads(qmas_core.assess_json(json.dumps(
        {"answers": {"age": 39}, "edition": "points-245", "include": ["advice", "checklist", "compare"]})))
    assert out["result"]["total"] == 30 and out["advice"]["margin"] == -50
    assert out["compare"]["edition"] == "criteria-2024" and out["compare"]["total"] == 1
    assert out["checklist"]["items"]


def test_json_boundary_defaults_to_edition_in_force():
    out = json.loads(qmas_core.assess_json(json.dumps({"answers": {}})))
    assert out["result"]["edition"] == qmas_core.edition_for()


def test_json_boundary_errors_are_data():
    for request in ("not json", "[]", json.dumps({"answers": {"age": "x"}}),
                    json.dumps({"edition": ["x"], "lang": {}}), json.dumps({"include": ["everything"]})):
        out = json.loads(qmas_core.assess_json(request))
        assert out["errors"] and all(e["field"] and e["message"] for e in out["errors"])


def test_the_json_boundary_gives_the_other_schemes_and_the_plan_as_the_python_api_does():
    answers = {"age": 30, "application_date": "2026-12-07", "annual_income_hkd": "300萬", "children_under_18": 1}
    reply = json.loads(qmas_core.assess_json(json.dumps({"answers": answers, "lang": "zh-Hant", "include": ["schemes", "plan"]})))
    assert reply["schemes"] == json.loads(json.dumps(qmas_core.schemes(answers, "zh-Hant")))
    plan = qmas_core.plan(answers, "zh-Hant")
    assert reply["plan"]["steps"] == json.loads(json.dumps(plan["steps"]))
    assert reply["plan"]["ics"].startswith("BEGIN:VCALENDAR\r\n") and reply["plan"]["ics"].count("BEGIN:VEVENT") == len(plan["steps"])


def test_the_extras_asked_one_by_one_are_those_asked_together():
    # The calculator asks for the score, then for each extra on its own (the boundary keeps
    # the last assessment for them): the same answers give the same replies either way, and
    # other answers in between are assessed afresh.
    def ask(answers, include):
        reply = json.loads(qmas_core.assess_json(json.dumps({"answers": answers, "lang": "zh-Hans", "include": include})))
        if "plan" in reply:
            reply["plan"]["ics"] = "\n".join(line for line in reply["plan"]["ics"].split("\n") if not line.startswith("DTSTAMP"))
        return reply

    profiles = [{"age": 39, "qualification": "master", "work_years": 6}, {"birth_date": "2001-02-28", "application_date": "2027-03-01"},
                {"age": 52, "good_languages": ["english"], "annual_income_hkd": "200萬"}]
    together = [ask(answers, list(qmas_core.browser.EXTRAS)) for answers in profiles]
    for answers, expected in zip(profiles, together):
        one_by_one = ask(answers, [])
        for extra in reversed(qmas_core.browser.EXTRAS):
            reply = ask(answers, [extra])
            assert reply["result"] == one_by_one["result"]
            one_by_one.update(reply)
        assert one_by_one == expected
        assert ask(answers, ["advice"])["advice"] != ask({"age": 30, "work_years": 9}, ["advice"])["advice"]
    assert ask({"age": "x"}, [])["errors"] == ask({"age": "x"}, ["plan"])["errors"]
    # An extra the core does not offer is an error reply for that request alone, after a
    # score that was given.
    assert ask({"age": 30}, [])["result"] and ask({"age": 30}, ["horoscope"])["errors"][0]["field"] == "include"
    assert ask({"age": 30}, ["advice"])["advice"]

import json

import pytest

import qmas_core
from qmas_core.__main__ import main


def write(tmp_path, answers):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def test_readable_breakdown(tmp_path, capsys):
    assert main(["assess", "--edition", "criteria-2024", write(tmp_path, {"age": 30, "work_years": 6})]) == 0
    out = capsys.readouterr().out
    assert "Total: 2 of 12 criteria met (pass mark 6): does not pass" in out
    assert "(6) At least 5 years" in out


def test_json_output_is_the_contract(tmp_path, capsys):
    assert main(["assess", "--edition", "points-245", "--json", write(tmp_path, {"age": 40})]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["edition"] == "points-245" and result["factors"][0] == {**result["factors"][0], "id": "age", "score": 20}


def test_bad_answers_exit_2_with_field_messages(tmp_path, capsys):
    assert main(["assess", write(tmp_path, {"age": -5})]) == 2
    assert "age: must be from 0 to 120 years old" in capsys.readouterr().err


def test_unreadable_file(tmp_path):
    with pytest.raises(SystemExit, match="cannot read answers"):
        main(["assess", str(tmp_path / "missing.json")])


def test_editions(capsys):
    assert main(["editions"]) == 0
    assert "criteria-2024" in capsys.readouterr().out


@pytest.mark.parametrize("answers, expected", [
    ({"age": 30, "application_date": "2024-10-01"}, "points-245"),
    ({"age": 30, "application_date": "2024-10-31"}, "points-245"),
    ({"age": 30, "application_date": "2024-11-01"}, "criteria-2024"),
    ({"birth_date": "1990-05-05", "application_date": "2023-06-01"}, "points-245"),
    ({"age": 30}, qmas_core.edition_for()),
])
def test_python_json_and_command_line_pick_the_same_edition(tmp_path, capsys, answers, expected):
    """No edition, None or "auto": the edition in force on the application date, everywhere."""
    picked = {
        "assess": qmas_core.assess(answers)["edition"],
        "assess auto": qmas_core.assess(answers, "auto")["edition"],
        "assess None": qmas_core.assess(answers, None)["edition"],
        "advise": qmas_core.advise(answers)["unit"],
        "report": qmas_core.report(answers, include=("advice", "checklist", "compare"))["result"]["edition"],
    }
    for request in ({"answers": answers}, {"answers": answers, "edition": None}, {"answers": answers, "edition": "auto"}):
        picked[f"json {request.get('edition', 'omitted')}"] = json.loads(qmas_core.assess_json(json.dumps(request)))["result"]["edition"]
    for extra in ([], ["--edition", "auto"]):
        assert main(["assess", "--json", *extra, write(tmp_path, answers)]) == 0
        picked[f"cli {extra}"] = json.loads(capsys.readouterr().out)["edition"]
    unit = {"points-245": "points", "criteria-2024": "criteria"}[expected]
    assert picked == {k: (unit if k == "advise" else expected) for k in picked}


def test_a_date_before_every_edition_is_the_same_clear_error_everywhere(tmp_path, capsys):
    answers = {"age": 30, "application_date": "2019-05-01"}
    with pytest.raises(qmas_core.InvalidAnswers) as caught:
        qmas_core.assess(answers)
    [error] = caught.value.errors
    assert error["field"] == "application_date" and "1 January 2023" in error["message"]
    assert json.loads(qmas_core.assess_json(json.dumps({"answers": answers})))["errors"] == [error]
    assert main(["assess", write(tmp_path, answers)]) == 2
    assert "application_date: " + error["message"] in capsys.readouterr().err

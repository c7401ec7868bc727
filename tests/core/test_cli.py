import json

import pytest

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
    assert "age: must be between 0 and 120" in capsys.readouterr().err


def test_unreadable_file(tmp_path):
    with pytest.raises(SystemExit, match="cannot read answers"):
        main(["assess", str(tmp_path / "missing.json")])


def test_editions(capsys):
    assert main(["editions"]) == 0
    assert "criteria-2024" in capsys.readouterr().out

import pytest

import qmas_core
from tests.conftest import golden_cases


def summary(result: dict) -> dict:
    return {
        "eligible": result["eligible"],
        "passed": result["passed"],
        "total": result["total"],
        "pass_mark": result["pass_mark"],
        "maximum": result["maximum"],
        "factors": {f["id"]: f["score"] for f in result["factors"]},
        "unmet_prerequisites": result["unmet_prerequisites"],
    }


@pytest.mark.parametrize("case", golden_cases(), ids=lambda c: c["name"])
def test_golden_case(case):
    assert summary(qmas_core.assess(case["answers"], case["edition"])) == case["expected"]


def test_golden_cases_cover_every_edition():
    assert {c["edition"] for c in golden_cases()} == {e["id"] for e in qmas_core.editions()}

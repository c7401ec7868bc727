import json
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases" / "golden.json"


def golden_cases() -> list[dict]:
    return json.loads(CASES.read_text("utf-8"))["cases"]


@pytest.fixture
def complete():
    """A profile meeting every prerequisite, to which a test adds the facts it is about."""
    return {"financially_independent": True, "clean_record": True, "basic_education": True}

import pytest

import qmas_core

E = "achievement"


@pytest.mark.parametrize("award, peers, total, passed", [
    (False, False, 0, False), (True, False, 1, True), (False, True, 1, True), (True, True, 2, True),
])
def test_meeting_one_is_enough(complete, award, peers, total, passed):
    result = qmas_core.assess({**complete, "age": 40, "achievement_award": award, "peer_recognition": peers}, E)
    assert (result["total"], result["passed"], result["maximum"], result["pass_mark"]) == (total, passed, 2, 1)


def test_wording_follows_the_period():
    before = qmas_core.assess({"birth_date": "1980-01-01", "application_date": "2024-10-31", "achievement_award": True}, E)
    after = qmas_core.assess({"birth_date": "1980-01-01", "application_date": "2024-11-01", "achievement_award": True}, E)
    assert "245 points" in before["factors"][0]["reason"]
    assert "245" not in after["factors"][0]["reason"]

import qmas_core


def scores(answers: dict, edition: str) -> dict:
    """Factor id -> score."""
    return {f["id"]: f["score"] for f in qmas_core.assess(answers, edition)["factors"]}


def score(answers: dict, edition: str, factor: str) -> int:
    return scores(answers, edition)[factor]

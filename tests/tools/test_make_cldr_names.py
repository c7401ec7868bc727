"""The committed CLDR names are what tools/make_cldr_names.py writes with the pinned Babel.
(Outside tests/core: that suite also runs in the browser, where Babel is not shipped.)"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_cldr_names_file_is_what_the_generator_writes():
    pytest.importorskip("babel", reason="Babel (test extra) writes the CLDR names")
    from tools import make_cldr_names
    assert make_cldr_names.render() == (ROOT / "qmas_core" / "rules" / "cldr-names.json").read_text("utf-8")

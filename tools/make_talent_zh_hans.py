"""Write `qmas_core/rules/talent-list-zh-hans.json`: the Simplified Chinese name of every Talent List
profession and segment that has a confirmed Traditional Chinese name (`zh_hant`) in the
`rules/talent-list-*.json` files, keyed by its id.

Development only: needs the PyPI package `opencc-python-reimplemented` (pure Python, in the
`test` extra), which the runtime never imports. Run after adding or changing a `zh_hant` name
in a Talent List file:

    python -m tools.make_talent_zh_hans          # write the table
    python -m tools.make_talent_zh_hans --check  # exit 1 if the shipped table is stale

The names are converted with OpenCC's `hk2s` (Hong Kong Traditional to Simplified). A name that
needs Mainland wording rather than a character conversion goes in OVERRIDES below, by id.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .make_han_variants import opencc_port

RULES = Path(__file__).resolve().parent.parent / "qmas_core" / "rules"
LIST_FILES = sorted(RULES.glob("talent-list-[0-9]*.json"))
OUT = RULES / "talent-list-zh-hans.json"

# id -> Simplified name, where the OpenCC conversion is not the right Mainland wording.
OVERRIDES: dict[str, str] = {}


def traditional_names() -> dict[str, str]:
    """id -> zh_hant for every segment and profession that has one, over every version."""
    names: dict[str, str] = {}
    for path in LIST_FILES:
        for segment in json.loads(path.read_text("utf-8"))["segments"]:
            for entry in [segment, *segment["professions"]]:
                if not entry.get("zh_hant"):
                    continue
                known = names.setdefault(entry["id"], entry["zh_hant"])
                if known != entry["zh_hant"]:
                    raise SystemExit(f"{path.name}: {entry['id']} is {entry['zh_hant']!r} here, {known!r} elsewhere")
    return names


def build() -> dict[str, str]:
    opencc = opencc_port()
    if opencc is None:
        raise SystemExit("needs the PyPI package opencc-python-reimplemented: pip install opencc-python-reimplemented")
    hk2s = opencc.OpenCC("hk2s")
    return {key: OVERRIDES.get(key) or hk2s.convert(name) for key, name in sorted(traditional_names().items())}


def render(table: dict[str, str]) -> str:
    return json.dumps(table, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped table is stale")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        if not OUT.is_file() or OUT.read_text("utf-8") != text:
            print(f"{OUT.name} is stale: run python -m tools.make_talent_zh_hans", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT.relative_to(RULES.parent.parent)} ({text.count(chr(10)) - 2} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

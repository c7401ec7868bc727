"""Command line: `python -m qmas_core assess --edition criteria-2024 answers.json`."""

from __future__ import annotations

import argparse
import json
import sys

from . import InvalidAnswers, assess, editions
from .load import LANGUAGES


def _readable(result: dict) -> str:
    verdict = "PASSES" if result["passed"] else "does not pass"
    lines = [
        f"{result['title']} ({result['effective_text']}), assessed on {result['assessed_on_text']}",
        f"Total: {result['total_text']}: {verdict}",
        "",
    ]
    for f in result["factors"]:
        number = f"({f['number']}) " if "number" in f else ""
        lines.append(f"  {f['score']:>3}/{f['max']:<3}  {number}{f['label']}")
        lines.append(f"           {f['reason']}")
    lines.append("")
    lines.append("Prerequisites: " + ("all met" if result["eligible"] else "NOT met: " + ", ".join(result["unmet_prerequisites"])))
    if result["unanswered"]:
        lines.append("Not answered (counted as least favourable): " + ", ".join(result["unanswered"]))
    for change in result["age_changes"]:
        when = f"on {change['on_text']}" if change["on"] else "at your next birthday"
        lines.append(f"Note: {when} you turn {change['age']}, which changes '{change['label']}'.")
    return "\n".join(lines)


def main(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qmas_core", description="QMAS self-check from a JSON file of answers.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("assess", help="score a JSON file of answers ('-' reads standard input)")
    run.add_argument("answers", help="path to a JSON object of answers, or - for standard input")
    run.add_argument("--edition", default="auto",
                     help="test edition, or auto (the default): the general test in force on the application date, or today")
    run.add_argument("--lang", default="en", choices=LANGUAGES)
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    commands.add_parser("editions", help="list the test editions")
    options = parser.parse_args(args)

    if options.command == "editions":
        for e in editions():
            end = e["effective_to"] or "now"
            print(f"{e['id']:<14} {e['effective_from']} to {end:<10} {'(current) ' if e['current'] else ''}{e['title']}")
        return 0
    try:
        text = sys.stdin.read() if options.answers == "-" else open(options.answers, encoding="utf-8").read()
        answers = json.loads(text)
    except (OSError, ValueError) as error:
        raise SystemExit(f"cannot read answers: {error}")
    try:
        result = assess(answers, options.edition, options.lang)
    except InvalidAnswers as error:
        for e in error.errors:
            print(f"{e['field']}: {e['message']}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2) if options.json else _readable(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

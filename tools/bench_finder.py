"""Time `qmas_core.universities.find` per query: median and max over a few hundred typical queries.

Not a test (timings depend on the machine); run it by hand after changing the finder:

    python -m tools.bench_finder [--repeat 5]

The queries are what a visitor types: every name of the list typed letter by letter (a sample of
the keystrokes), abbreviations, Chinese in both scripts, accents, typos, queries that match nothing,
and hostile ones. "cold" clears the finder's per-word caches before every query (the worst case);
"warm" keeps them, as in a browser session.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from qmas_core import universities
from qmas_core.load import rules, rules_json


def queries() -> list[str]:
    names = [u["en"] for u in rules_json(universities.LIST_FILE)["universities"]]
    rng = random.Random(2026)
    typed = []
    for name in rng.sample(names, 40):
        typed += [name[:n] for n in range(1, len(name) + 1, 3)]
    aliases = [a for block in rules(universities.ALIASES_FILE)["aliases"] for a in block["en"] + block["zh"]]
    fixed = [
        "zurich", "sao paulo", "melb", "ucl", "mit", "hku", "kaist", "eth", "nus", "lse", "清华", "清華", "港大",
        "牛津", "北大", "Cambrige", "Oxfrod", "Havard", "Stamford", "Princton", "university", "uni", "u", "大学",
        "hong kong", "hongkong", "king's college", "tuebingen", "Universite Paris Cite", "xyzzy",
        "Northeastern University", "University of York", "东北大学", "cambrige university of englnd",
    ]
    return typed + rng.sample(aliases, 60) + fixed


HOSTILE = ["a" * 5_000, "ucl " * 2_000, "\x00\x1b\u202e" * 300 + "ucl", "清" * 3_000, "\ufdfa" * 1_000]


def main(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of the whole query set (default 5)")
    options = parser.parse_args(args)
    qs = queries() + HOSTILE

    start = time.perf_counter()
    universities.find("warm up")  # loads the data and builds the index
    build = time.perf_counter() - start

    index = universities._index()
    print(f"{len(qs)} queries x {options.repeat} runs; first call (load data, build index): {build * 1000:.1f} ms")
    for mode in ("cold", "warm"):
        times: dict[str, list[int]] = {"typical": [], "hostile": []}
        for _ in range(options.repeat):
            for q in qs:
                if mode == "cold":
                    index.keys_with_word_prefix.cache_clear()
                    index.keys_with_near_word.cache_clear()
                t = time.perf_counter_ns()
                universities.find(q)
                times["hostile" if q in HOSTILE else "typical"].append(time.perf_counter_ns() - t)
        for kind, ts in times.items():
            ts.sort()
            p99 = ts[max(0, int(len(ts) * 0.99) - 1)]
            print(
                f"{mode}, {kind} ({len(ts)}): median {statistics.median(ts) / 1000:.0f} us, "
                f"p99 {p99 / 1000:.0f} us, max {ts[-1] / 1000:.0f} us per query"
            )
    slow = sorted(((time_query(q), q) for q in qs), reverse=True)[:3]
    print("slowest (cold):", "; ".join(f"{t / 1000:.0f} us {q[:30]!r}{'...' if len(q) > 30 else ''}" for t, q in slow))
    return 0


def time_query(q: str) -> int:
    index = universities._index()
    index.keys_with_word_prefix.cache_clear()
    index.keys_with_near_word.cache_clear()
    t = time.perf_counter_ns()
    universities.find(q)
    return time.perf_counter_ns() - t


if __name__ == "__main__":
    raise SystemExit(main())

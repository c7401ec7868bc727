"""tools.bench_network: the profiles' option and the figures of one visit (no browser, no timing)."""

from __future__ import annotations

import pytest

from tools.bench_link import Link
from tools.bench_network import Profile, after_last_byte, figures, parse


def test_profiles_by_name_by_numbers_or_none():
    assert parse("slow4g,10mbps") == [Profile("slow4g", 1.6, 150.0), Profile("10mbps", 10.0, 40.0)]
    assert parse("1.6:150, slow4g") == [Profile("1.6mbps-150ms", 1.6, 150.0), Profile("slow4g", 1.6, 150.0)]
    assert parse("none") == []
    for bad in ("4g", "1.6", "fast:150", "0:40", "10:-1"):
        with pytest.raises(ValueError, match="MBPS:RTT_MS"):
            parse(bad)


def test_figures_count_what_crossed_the_link_until_the_first_score():
    link = Link(("127.0.0.1", 1), mbps=8, rtt_ms=100)  # not started: its logs filled by hand
    origin_ms = 1_000_000.0  # the navigation's start, epoch ms
    at = lambda ms: (origin_ms + ms) / 1000  # noqa: E731
    # 1 MB down = 1 s at 8 Mbps; arrivals 50 ms (rtt/2) after each segment was sent.
    link.down += [(at(600), 500_000, 0.0), (at(1_300), 500_000, 0.002), (at(9_000), 123, 0.0)]
    link.up += [(at(100), 400, 0.0), (at(9_500), 400, 0.0)]
    requests = [{"path": "/qmas/a.wasm", "status": 200, "bytes": 999_000, "gzip": True, "t": at(150)},
                {"path": "/qmas/late.js", "status": 200, "bytes": 123, "gzip": True, "t": at(8_900)}]
    row = figures(link, 0, 0, requests, origin_ms, first_score_ms=1_800)
    assert (row["down_bytes"], row["up_bytes"], row["response_bytes"], row["requests"]) == (1_000_000, 400, 999_000, 1)
    assert row["floor_ms"] == pytest.approx(1_000)
    assert row["ratio"] == pytest.approx(1.8)
    assert row["last_byte_ms"] == pytest.approx(1_300)
    assert row["after_last_byte_ms"] == pytest.approx(500)
    assert row["idle_before_last_byte_ms"] == pytest.approx(300)
    # Sent from 50 to 550 ms and from 750 to 1,250 (gaps of 50 ms, too short to list, and 200 ms),
    # the last byte arriving 50 ms later: 300 ms idle before it.
    assert row["idle_gaps_ms"] == [[550, 750]]
    assert row["link_late_max_ms"] == 2.0
    assert row["files"] == [{"path": "/qmas/a.wasm", "status": 200, "bytes": 999_000, "gzip": True,
                             "answered_ms": 150}]

    row["runtime_info"] = {"timings": {"manifest": 50, "downloading": 700, "instantiated": 900, "core": 1_000}}
    assert after_last_byte(row) == {"instantiated": 200, "core": 100, "answer shown": 200}

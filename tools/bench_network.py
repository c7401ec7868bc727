"""The benchmark's network profiles: which links, what one visit through a link measured, and the
targets. The link itself is tools/bench_link.py; tools/bench.py opens the pages."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

# Chromium's "Slow 4G" throughput and latency, and a good mobile or modest home connection.
PROFILES = {"slow4g": (1.6, 150.0), "10mbps": (10.0, 40.0)}
DEFAULT = "slow4g,10mbps"
# First score at most this many times the floor (bytes down / bandwidth): the time after the
# last byte is what the page controls. First paint under FCP_TARGET_MS on slow 4G.
FLOOR_TARGETS = {"slow4g": 1.05, "10mbps": 1.15}
FCP_TARGETS_MS = {"slow4g": 1000}


@dataclass(frozen=True)
class Profile:
    name: str
    mbps: float
    rtt_ms: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.mbps:g} Mbps, {self.rtt_ms:g} ms)"


def parse(spec: str) -> list[Profile]:
    """``slow4g,10mbps``, ``1.6:150`` (Mbps:RTT ms), a mix of both, or ``none``."""
    if spec.strip().lower() in ("none", ""):
        return []
    profiles = []
    for item in (i.strip() for i in spec.split(",") if i.strip()):
        if item in PROFILES:
            profiles.append(Profile(item, *PROFILES[item]))
            continue
        mbps, sep, rtt = item.partition(":")
        try:
            profile = Profile(f"{float(mbps):g}mbps-{float(rtt):g}ms", float(mbps), float(rtt))
        except ValueError:
            profile = None
        if not sep or profile is None or profile.mbps <= 0 or profile.rtt_ms < 0:
            raise ValueError(f"--network: {item!r} is neither a profile ({', '.join(PROFILES)}) nor MBPS:RTT_MS"
                             " such as 1.6:150")
        profiles.append(profile)
    return profiles


def figures(link, down_from: int, up_from: int, requests: list[dict], time_origin_ms: float,
            first_score_ms: float) -> dict:
    """What crossed ``link`` (its logs from the given positions on) until the first score of a page
    whose navigation started at ``time_origin_ms`` (epoch ms); ``requests``: the server's log of
    the visit (``t``: when the server answered, ``bytes``: the body sent)."""
    score_at = (time_origin_ms + first_score_ms) / 1000
    down = [(t, n) for t, n, _ in link.down[down_from:] if t <= score_at]
    up = [n for t, n, _ in link.up[up_from:] if t <= score_at]
    late = [late for t, _, late in link.down[down_from:] + link.up[up_from:] if t <= score_at]
    answered = [r for r in requests if r["t"] <= score_at]
    down_bytes = sum(n for _, n in down)
    floor_ms = link.floor_seconds(down_bytes) * 1000
    last_byte_ms = (max(t for t, _ in down) * 1000 - time_origin_ms) if down else None
    return {
        "first_score_ms": first_score_ms,
        "down_bytes": down_bytes, "up_bytes": sum(up),
        "response_bytes": sum(r["bytes"] for r in answered), "requests": len(answered),
        "floor_ms": floor_ms,
        "ratio": first_score_ms / floor_ms if floor_ms else None,
        "last_byte_ms": last_byte_ms,
        # first score = floor + the link's idle time before its last byte + the time after it
        "idle_before_last_byte_ms": last_byte_ms - floor_ms if last_byte_ms is not None else None,
        "after_last_byte_ms": first_score_ms - last_byte_ms if last_byte_ms is not None else None,
        "idle_gaps_ms": idle_gaps(link, down, time_origin_ms),
        # how late the proxy delivered bytes on a busy machine (ms): p95 and max
        "link_late_p95_ms": round(sorted(late)[int(len(late) * 0.95)] * 1000, 1) if late else None,
        "link_late_max_ms": round(max(late) * 1000, 1) if late else None,
        # when the server answered each request, from the navigation's start (about rtt/2 after the
        # browser asked); bytes of the body sent, gzipped or not
        "files": [{"path": r["path"], "status": r["status"], "bytes": r["bytes"], "gzip": bool(r.get("gzip")),
                   "answered_ms": round(r["t"] * 1000 - time_origin_ms)} for r in answered],
    }


def idle_gaps(link, down: list[tuple[float, int]], time_origin_ms: float, at_least_ms: float = 100) -> list:
    """[from, to] ms after the navigation's start when no byte was on the way down (at least
    ``at_least_ms``): round trips, and waits for the page or the worker to ask for more."""
    gaps, free_from = [], time_origin_ms / 1000
    for arrived, n in down:
        sent_from = arrived - link.one_way - link.floor_seconds(n)
        if (sent_from - free_from) * 1000 >= at_least_ms:
            gaps.append([round(free_from * 1000 - time_origin_ms), round(sent_from * 1000 - time_origin_ms)])
        free_from = max(free_from, arrived - link.one_way)
    return gaps


KEYS = ("first_score_ms", "fcp_ms", "down_bytes", "up_bytes", "response_bytes", "requests", "floor_ms", "ratio",
        "last_byte_ms", "idle_before_last_byte_ms", "after_last_byte_ms", "worker_started_ms",
        "link_late_p95_ms", "link_late_max_ms")


def after_last_byte(run: dict) -> dict | None:
    """The time after the link's last byte, step by step: each worker step after its runtime
    files had all arrived ("downloading", its last byte count) as the time since the step before,
    then "answer shown": from the worker's last step to the score on the page."""
    steps = (run.get("runtime_info") or {}).get("timings") or {}
    if "downloading" not in steps or run.get("after_last_byte_ms") is None:
        return None
    out, previous = {}, steps["downloading"]
    for step, ms in sorted(((k, v) for k, v in steps.items() if v > steps["downloading"]), key=lambda kv: kv[1]):
        out[step] = ms - previous
        previous = ms
    out["answer shown"] = run["after_last_byte_ms"] - (previous - steps["downloading"])
    return out


def summarise(profile: Profile, runs: list[dict], page: str = "ours") -> dict:
    """Median, min and max of each figure over the runs, and the worker's steps (median)."""
    def stats(values):
        values = [v for v in values if v is not None]
        return {"median": statistics.median(values), "min": min(values), "max": max(values),
                "n": len(values)} if values else None

    summary = {key: stats(r.get(key) for r in runs) for key in KEYS}
    steps = {}
    for r in runs:
        for step, ms in ((r.get("runtime_info") or {}).get("timings") or {}).items():
            steps.setdefault(step, []).append(ms)
    summary["worker_steps_ms"] = dict(sorted(((k, statistics.median(v)) for k, v in steps.items()),
                                             key=lambda kv: kv[1]))
    tails = [t for t in (after_last_byte(r) for r in runs) if t]
    summary["after_last_byte_steps_ms"] = {
        k: statistics.median(t[k] for t in tails if k in t) for k in (tails[0] if tails else {})}
    label = profile.label if page == "ours" else f"{profile.name} {page}"
    return {"profile": profile.name, "page": page, "mbps": profile.mbps, "rtt_ms": profile.rtt_ms, "label": label,
            "summary": summary, "runs": runs}


def targets(profiles: dict) -> dict:
    """The issue's targets for the named profiles measured on our page (median over the runs)."""
    out = {}
    for name, p in profiles.items():
        if p["page"] != "ours":
            continue
        s = p["summary"]
        if name in FLOOR_TARGETS and s["ratio"]:
            limit = FLOOR_TARGETS[name]
            value = s["ratio"]["median"]
            out[f"network_{name}_floor"] = {
                "text": f"{p['label']}: first score <= {limit}x the floor (bytes down the link / bandwidth)",
                "value": value, "met": value <= limit}
        if name in FCP_TARGETS_MS and s["fcp_ms"]:
            limit = FCP_TARGETS_MS[name]
            value = s["fcp_ms"]["median"]
            out[f"network_{name}_fcp"] = {"text": f"{p['label']}: FCP < {limit} ms", "value": value,
                                          "met": value < limit}
    return out

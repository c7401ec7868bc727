"""A plan as an iCalendar file (RFC 5545): one all-day event per dated step, no time zone."""

from __future__ import annotations

import datetime as dt

LINE_OCTETS = 75


def _escape(value: str) -> str:
    """TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11)."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continued with a space, never splitting a UTF-8 character."""
    data = line.encode("utf-8")
    parts, start, limit = [], 0, LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, LINE_OCTETS - 1  # a continuation line starts with a space
    parts.append(data[start:].decode("utf-8"))
    return [parts[0]] + [" " + part for part in parts[1:]]


def plan_ics(plan: dict, *, now: dt.datetime | None = None) -> str:
    """The steps of `qmas_core.plan(...)` as an iCalendar file, CRLF line ends. All-day events
    (DATE values) need no time zone: a step falls on its day wherever the calendar is opened."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//QMAS self-check//plan//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    for step in plan["steps"]:
        day = dt.date.fromisoformat(step["date"])
        # Stable across downloads of the same plan, so a calendar updates instead of duplicating.
        uid = f"{plan['on']}-{step['id']}-{step['date']}"
        description = step["text"] + "".join(f"\n{s['title']}: {s['url']}" for s in step["sources"])
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@qmas-self-check",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(step['title'])}",
            f"DESCRIPTION:{_escape(description)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))

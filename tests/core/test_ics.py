"""The plan as an iCalendar file, read back by a real parser (icalendar), event by event."""

import datetime as dt

import pytest

import qmas_core

icalendar = pytest.importorskip("icalendar")  # the test extra; tests/browser/test_core_in_browser.py leaves this file out

NOW = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.timezone.utc)
ANSWERS = {"birth_date": "1976-02-29", "application_date": "2026-12-07", "work_years": 4,
           "accompanying_spouse": True, "children_under_18": 1}


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_every_step_is_one_all_day_event(lang):
    plan = qmas_core.plan(ANSWERS, lang, today=dt.date(2026, 12, 7))
    text = qmas_core.plan_ics(plan, now=NOW)
    calendar = icalendar.Calendar.from_ical(text)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == len(plan["steps"])
    for event, step in zip(events, plan["steps"]):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and start.isoformat() == step["date"]  # a DATE: no time zone
        assert end - start == dt.timedelta(days=1)
        assert str(event["SUMMARY"]) == step["title"]
        assert str(event["DESCRIPTION"]).startswith(step["text"])
        assert all(s["url"] in str(event["DESCRIPTION"]) for s in step["sources"])
        assert event.decoded("DTSTAMP") == NOW
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_lines_are_folded_at_75_octets_with_crlf():
    text = qmas_core.plan_ics(qmas_core.plan(ANSWERS, "zh-Hant", today=dt.date(2026, 12, 7)), now=NOW)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert max(len(line.encode("utf-8")) for line in text.split("\r\n")) <= 75


def test_the_same_plan_gives_the_same_uids():
    plan = qmas_core.plan(ANSWERS, today=dt.date(2026, 12, 7))
    uids = lambda text: [line for line in text.split("\r\n") if line.startswith("UID:")]  # noqa: E731
    assert uids(qmas_core.plan_ics(plan, now=NOW)) == uids(qmas_core.plan_ics(plan))

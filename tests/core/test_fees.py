"""The fees of an entry application in assess()'s result: dated schedules, dependants, not-sure answers."""

import datetime as dt
import json
import re

import pytest

import qmas_core
from qmas_core import fees
from qmas_core.load import LANGUAGES, rules

TODAY = dt.date(2026, 12, 7)
BASE = {"age": 30}


def estimate(answers=None, edition="criteria-2024", lang="en", today=TODAY):
    return qmas_core.assess({**BASE, **(answers or {})}, edition, lang, today=today)["fees"]


def rows(result):
    return {row["id"]: (row["count"], row["application_fee_hkd"], row["visa_fee_hkd"], row["total_hkd"]) for row in result["people"]}


def test_shape_matches_the_contract():
    result = estimate({"accompanying_spouse": True, "children_under_18": 2})
    assert set(result) == {"on", "on_text", "people", "total_hkd", "total_text", "summary", "notes", "sources"}
    for row in result["people"]:
        assert set(row) == {"id", "label", "count", "application_fee_hkd", "visa_fee_hkd", "total_hkd", "text"}
    assert [s["id"] for s in result["sources"]] == ["immd-specified-schemes", "gia-fees-2025"]
    json.dumps(result)


def test_applicant_alone_today():
    result = estimate()
    assert result["on"] == "2026-12-07" and result["on_text"] == "7 December 2026"
    assert rows(result) == {"applicant": (1, 600, 1300, 1900)}
    assert result["total_hkd"] == 1900 and result["total_text"] == "HK$1,900"
    assert result["people"][0]["text"] == "You (the applicant): application fee HK$600 + visa issuance fee HK$1,300 = HK$1,900"
    assert result["summary"] == (
        "For 1 person, an entry application submitted on 7 December 2026 costs HK$1,900: HK$600 in application "
        "fees when you apply, and HK$1,300 in visa issuance fees if it is approved."
    )


def test_spouse_and_children_after_the_change():
    result = estimate({"application_date": "2026-03-01", "accompanying_spouse": True, "children_under_18": 2})
    assert result["on"] == "2026-03-01"
    assert rows(result) == {"applicant": (1, 600, 1300, 1900), "spouse": (1, 600, 1300, 1900), "children": (2, 600, 1300, 3800)}
    assert result["total_hkd"] == 7600 == 4 * (600 + 1300)
    children = result["people"][2]["text"]
    assert children == "Your children under 18 (2 children): 2 × (application fee HK$600 + visa issuance fee HK$1,300) = HK$3,800"


def test_before_the_change_no_application_fee_and_the_old_visa_fee():
    result = estimate({"application_date": "2025-02-25", "accompanying_spouse": True, "children_under_18": 1})
    assert rows(result) == {"applicant": (1, 0, 230, 230), "spouse": (1, 0, 230, 230), "children": (1, 0, 230, 230)}
    assert result["total_hkd"] == 690 and result["total_text"] == "HK$690"
    assert result["people"][0]["text"] == "You (the applicant): visa fee HK$230, no application fee"
    assert "no application fee" in result["summary"] and "HK$690" in result["summary"]
    # No refund note (there was no application fee); the later fees are stated.
    assert not any("not refunded" in n for n in result["notes"])
    assert any("before 11 a.m. on 26 February 2025" in n and "HK$600" in n and "HK$1,300" in n for n in result["notes"])


def test_the_points_test_period_uses_the_old_fees():
    assert rows(estimate({"application_date": "2023-06-01"}, edition="points-245")) == {"applicant": (1, 0, 230, 230)}


def test_a_bare_date_on_the_change_day_gets_the_new_fees_and_a_note():
    """The change took effect at 11 a.m.; an answer has no time, so the day shows the new fees
    (in force for most of it) and a note gives the old ones for an application submitted earlier."""
    result = estimate({"application_date": "2025-02-26"})
    assert rows(result) == {"applicant": (1, 600, 1300, 1900)}
    assert "The fees changed at 11 a.m. on 26 February 2025: an application submitted before then paid HK$230 per person instead." in result["notes"]
    assert not any("fees changed at" in n for n in estimate({"application_date": "2025-02-27"})["notes"])
    assert not any("fees changed at" in n for n in estimate({"application_date": "2025-02-25"})["notes"])


def test_schedule_boundary_is_at_eleven_in_hong_kong():
    first = rules("fees")["schedules"][0]["from"]
    assert first == dt.datetime(2025, 2, 26, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert fees.schedule_on(dt.date(2025, 2, 26))[0]["application_fee_hkd"] == 600
    assert fees.schedule_on(dt.date(2025, 2, 26))[1]["visa_fee_hkd"]["long_stay"] == 230
    assert fees.schedule_on(dt.date(2025, 2, 25)) == (rules("fees")["schedules"][1], None)


def test_without_an_application_date_today_is_used():
    assert estimate(today=dt.date(2025, 1, 10))["total_hkd"] == 230
    assert estimate(today=dt.date(2025, 3, 10))["total_hkd"] == 1900


def test_a_birth_date_without_an_application_date_uses_today():
    result = qmas_core.assess({"birth_date": "1990-01-01"}, "criteria-2024", today=dt.date(2025, 1, 10))["fees"]
    assert result["on"] == "2025-01-10" and result["total_hkd"] == 230


def test_no_dependants():
    result = estimate({"accompanying_spouse": False, "children_under_18": 0})
    assert rows(result) == {"applicant": (1, 600, 1300, 1900)}
    assert not any("not sure" in n for n in result["notes"])


def test_a_spouse_counted_for_their_degree_is_an_accompanying_spouse():
    assert "spouse" in rows(estimate({"spouse_degree": True}, edition="points-245"))
    assert "spouse" not in rows(estimate({"spouse_degree": False}, edition="points-245"))


def test_not_sure_answers_are_left_out_and_say_what_they_would_add():
    result = estimate({"accompanying_spouse": None, "children_under_18": None})
    assert rows(result) == {"applicant": (1, 600, 1300, 1900)}
    assert "You were not sure whether your spouse or partner will come with you: if they do, add HK$1,900." in result["notes"]
    assert "You were not sure how many children under 18 will come with you: add HK$1,900 for each." in result["notes"]
    old = estimate({"application_date": "2024-05-01", "spouse_degree": None}, edition="points-245")
    assert "You were not sure whether your spouse or partner will come with you: if they do, add HK$230." in old["notes"]


def test_notes_say_non_refundable_extensions_and_paid_on_approval():
    notes = estimate()["notes"]
    assert any("not refunded" in n for n in notes)
    assert any("extension of stay costs the same again" in n for n in notes)
    assert any("paid only if the application is approved" in n for n in notes)
    assert "The visa issuance fee shown is the one for a stay of more than 180 days: the first stay is normally 36 months." in notes
    achievement = estimate(edition="achievement")["notes"]
    assert any("the first stay is normally 8 years" in n for n in achievement)


@pytest.mark.parametrize("edition", ["points-245", "criteria-2024", "achievement"])
def test_every_edition_has_fees(edition):
    assert estimate({"application_date": "2026-01-05"}, edition=edition)["total_hkd"] == 1900


def test_chinese_text_uses_the_formatter_and_no_iso_dates():
    for lang in ("zh-Hant", "zh-Hans"):
        result = estimate({"application_date": "2025-02-26", "accompanying_spouse": None, "children_under_18": 3}, lang=lang)
        texts = [result["on_text"], result["total_text"], result["summary"], *result["notes"], *(r["text"] for r in result["people"])]
        assert result["on_text"] == "2025年2月26日"
        for t in texts:
            assert not re.search(r"\d{4}-\d{2}-\d{2}", t), t
            assert not re.search(r"[\u4e00-\u9fff][:;,]", t), t
    hant = estimate({"children_under_18": 3}, lang="zh-Hant")
    assert hant["people"][1]["text"] == "你的18歲以下子女（3名子女）：3 ×（申請費港幣600元＋簽證簽發費港幣1,300元）＝港幣5,700元"
    assert hant["total_text"] == "港幣7,600元"
    assert estimate(lang="zh-Hans")["people"][0]["text"] == "你（申请人）：申请费港币600元＋签证签发费港币1,300元＝港币1,900元"


def test_accompanying_spouse_is_asked_in_every_edition_and_validated():
    row = next(q for q in qmas_core.questions("zh-Hant") if q["key"] == "accompanying_spouse")
    assert row["type"] == "bool" and set(row["editions"]) == {"points-245", "criteria-2024", "achievement"}
    children = next(q for q in qmas_core.questions() if q["key"] == "children_under_18")
    assert "criteria-2024" in children["editions"]
    with pytest.raises(qmas_core.InvalidAnswers) as error:
        qmas_core.assess({**BASE, "accompanying_spouse": "yes"}, "criteria-2024")
    assert error.value.errors[0]["field"] == "accompanying_spouse"


def test_fee_answers_do_not_change_scores_or_the_unanswered_list():
    plain = qmas_core.assess(BASE, "criteria-2024", today=TODAY)
    with_family = qmas_core.assess({**BASE, "accompanying_spouse": True, "children_under_18": 2}, "criteria-2024", today=TODAY)
    for key in ("total", "passed", "eligible", "unanswered", "factors"):
        assert plain[key] == with_family[key]
    assert "accompanying_spouse" not in plain["unanswered"]


def test_fee_texts_exist_in_every_language():
    data = rules("fees")
    for table in [*data["people"].values(), *data["messages"].values(), *data["times"].values()]:
        assert set(table) == set(LANGUAGES) and all(table[lang].strip() for lang in LANGUAGES)


def test_the_page_table_lists_both_schedules_in_each_language():
    table = fees.schedule_table("en")
    assert [r["period"] for r in table["rows"]] == ["From 11 a.m. on 26 February 2025", "Before 11 a.m. on 26 February 2025"]
    assert [(r["application_fee"], r["long_stay"], r["short_stay"]) for r in table["rows"]] == [
        ("HK$600", "HK$1,300", "HK$600"), ("None", "HK$230", "HK$230")]
    assert table["headers"][2] == "Visa issuance fee, stay of more than 180 days (if approved)"
    hans = fees.schedule_table("zh-Hans")
    assert hans["rows"][0]["period"] == "2025年2月26日上午11时起" and hans["rows"][0]["long_stay"] == "港币1,300元"
    assert fees.schedule_table("zh-Hant")["rows"][1]["application_fee"] == "無"

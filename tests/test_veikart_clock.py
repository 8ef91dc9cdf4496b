"""KS Veikart's response norm on the office clock: same working day, within a few hours.

Every expected number is computed by hand in the comments. Easter 2013 in Norway:
Maundy Thursday (skjærtorsdag) 28 March, Good Friday 29 March, Easter Sunday 31 March and
Easter Monday 1 April are public holidays; Easter Saturday 30 March is a Saturday. The last
working day before Easter is Wednesday 27 March, the first after it Tuesday 2 April.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kommunesm.metrics import response

TZ = "Europe/Oslo"


def t(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def one_question(asked: str, answered: str | None, **kw: object) -> pd.Series:
    rows = {
        "comment_id": ["q"],
        "post_id": ["p"],
        "page_id": ["A"],
        "parent_id": [None],
        "created_at": [t(asked)],
        "author_id": ["u"],
        "is_page_reply": [False],
        "message": ["Når åpner svømmehallen?"],
    }
    c = pd.DataFrame(rows)
    if answered is not None:
        c = pd.concat(
            [
                c,
                pd.DataFrame(
                    {
                        "comment_id": ["r"],
                        "post_id": ["p"],
                        "page_id": ["A"],
                        "parent_id": ["q"],
                        "created_at": [t(answered)],
                        "author_id": ["page:A"],
                        "is_page_reply": [True],
                        "message": ["Kl. 7."],
                    }
                ),
            ],
            ignore_index=True,
        )
    out = response.response_times(c, **kw)
    assert len(out) == 1
    return out.iloc[0]


def test_easter_wednesday_1530_answered_1540_same_day() -> None:
    r = one_question("2013-03-27 15:30", "2013-03-27 15:40")
    assert r["response_office_minutes"] == 10
    assert r["answered_same_working_day"] and r["answered_within_few_hours"]


def test_easter_wednesday_1530_answered_on_maundy_thursday_is_late() -> None:
    # deadline: Wednesday 15:45. Maundy Thursday is a holiday, so the office clock counts
    # only 15:30-15:45 = 15 minutes -> "within a few hours", but NOT the same working day.
    r = one_question("2013-03-27 15:30", "2013-03-28 10:00")
    assert r["response_office_minutes"] == 15
    assert not r["answered_same_working_day"]
    assert r["answered_within_few_hours"]
    # wall clock 18.5 h; H2's 24-h weekday clock: Wed 8.5 h + 0 on Thursday = 8.5 h
    assert r["response_minutes"] == 18.5 * 60
    assert r["response_working_minutes"] == 8.5 * 60
    assert r["answered_within_24h_weekdays"]


def test_easter_wednesday_1530_answered_tuesday_after_easter() -> None:
    # Wed 15:30-15:45 (15) + Tue 2 April 08:00-09:00 (60) = 75 office minutes
    r = one_question("2013-03-27 15:30", "2013-04-02 09:00")
    assert r["response_office_minutes"] == 75
    assert not r["answered_same_working_day"]
    assert r["answered_within_few_hours"]  # 1.25 h <= 3 h


@pytest.mark.parametrize(
    "asked",
    [
        "2013-03-27 16:00",  # Wednesday after closing
        "2013-03-28 15:30",  # Maundy Thursday (holiday)
        "2013-03-30 15:30",  # Easter Saturday, "the day before Easter"
        "2013-04-01 09:00",  # Easter Monday (holiday)
    ],
)
def test_questions_outside_working_time_belong_to_tuesday_2_april(asked: str) -> None:
    deadline = response.same_working_day_deadline(t(asked))
    assert deadline == t("2013-04-02 15:45")
    assert one_question(asked, "2013-04-02 15:45")["answered_same_working_day"]
    assert not one_question(asked, "2013-04-02 15:46")["answered_same_working_day"]


def test_full_office_day_and_before_opening() -> None:
    # Wed 16:00 -> Tue 15:45: the clock stands still until Tue 08:00, then 7 h 45 min
    r = one_question("2013-03-27 16:00", "2013-04-02 15:45")
    assert r["response_office_minutes"] == 7 * 60 + 45
    assert not r["answered_within_few_hours"]
    # asked 07:00, answered 10:00 the same day: the clock starts at 08:00 -> 120 minutes
    r = one_question("2013-04-09 07:00", "2013-04-09 10:00")
    assert r["response_office_minutes"] == 120 and r["answered_same_working_day"]


def test_few_hours_boundary_and_parameter() -> None:
    assert one_question("2013-04-09 09:00", "2013-04-09 12:00")["answered_within_few_hours"]
    assert not one_question("2013-04-09 09:00", "2013-04-09 12:01")["answered_within_few_hours"]
    assert one_question("2013-04-09 09:00", "2013-04-09 12:01", few_hours=4)[
        "answered_within_few_hours"
    ]


def test_office_hours_parameter() -> None:
    # 09:00-16:00: a question at 15:50 is still inside the day; answered 15:59 -> 9 minutes
    r = one_question("2013-04-09 15:50", "2013-04-09 15:59", office_hours=("09:00", "16:00"))
    assert r["response_office_minutes"] == 9 and r["answered_same_working_day"]
    # with the default 08:00-15:45 it was asked after closing: next day's deadline, 0 minutes
    r = one_question("2013-04-09 15:50", "2013-04-09 15:59")
    assert r["response_office_minutes"] == 0 and r["answered_same_working_day"]
    with pytest.raises(ValueError, match="opening must be before closing"):
        response.office_minutes_between(
            t("2013-04-09 09:00"), t("2013-04-09 10:00"), office_hours=("16:00", "08:00")
        )
    with pytest.raises(ValueError, match="time of day"):
        response.office_minutes_between(
            t("2013-04-09 09:00"), t("2013-04-09 10:00"), office_hours=("8 am", "15:45")
        )


def test_unanswered_counts_as_not_answered() -> None:
    r = one_question("2013-04-09 09:00", None)
    assert not r["answered"] and not r["answered_same_working_day"]
    assert not r["answered_within_few_hours"] and pd.isna(r["response_office_minutes"])


def test_office_minutes_vectorised_with_nat() -> None:
    start = pd.Series([t("2013-03-27 15:30"), pd.NaT, t("2013-04-09 10:00")])
    end = pd.Series([t("2013-04-02 09:00"), t("2013-04-02 09:00"), t("2013-04-09 09:00")])
    out = response.office_minutes_between(start, end)
    assert out.iloc[0] == 75 and pd.isna(out.iloc[1]) and out.iloc[2] == 0  # negative -> 0


def test_page_response_kpis_side_by_side() -> None:
    # four questions on page A (Tuesday 9 April 2013, 09:00):
    #   q1 answered 09:30 (0.5 office h, same day, within 3 h, within 24 h)
    #   q2 answered 14:00 (5 h: same day, not within 3 h)
    #   q3 answered Wednesday 09:00 (6.75 + 1 = 7.75 office h: not same day)
    #   q4 unanswered
    base = t("2013-04-09 09:00")
    answers = [t("2013-04-09 09:30"), t("2013-04-09 14:00"), t("2013-04-10 09:00")]
    c = pd.DataFrame(
        {
            "comment_id": ["q1", "q2", "q3", "q4", "r1", "r2", "r3"],
            "post_id": ["p"] * 7,
            "page_id": ["A"] * 7,
            "parent_id": [None, None, None, None, "q1", "q2", "q3"],
            "created_at": [base] * 4 + answers,
            "author_id": ["u1", "u2", "u3", "u4", "A", "A", "A"],
            "is_page_reply": [False] * 4 + [True] * 3,
            "message": ["Hva?"] * 4 + ["Svar"] * 3,
        }
    )
    kpi = response.page_response(c).loc["A"]
    assert kpi["questions"] == 4 and kpi["questions_answered"] == 3
    assert kpi["share_answered"] == 0.75  # response rate
    assert kpi["median_response_working_hours"] == 5.0  # median(0.5, 5, 7.75)
    assert kpi["share_within_few_hours"] == 0.25
    assert kpi["share_same_working_day"] == 0.5
    assert kpi["share_within_24h_weekdays"] == 0.75
    assert kpi["median_response_time_minutes"] == 300  # wall clock median(30, 300, 1440)

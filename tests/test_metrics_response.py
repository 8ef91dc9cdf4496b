"""Citizen questions, first page reply, response times, the 24-working-hour rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunesm.errors import InputError
from kommunesm.metrics import response

TZ = "Europe/Oslo"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def comments_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (comment_id, post_id, parent_id, created_at, is_page_reply, message)."""
    frame = pd.DataFrame(
        rows,
        columns=["comment_id", "post_id", "parent_id", "created_at", "is_page_reply", "message"],
    )
    frame["page_id"] = "A"
    frame["author_id"] = np.where(frame["is_page_reply"], "page", "citizen")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).dt.tz_convert(TZ)
    return frame


# ----------------------------------------------------------------------------- questions
@pytest.mark.parametrize(
    "message, expected",
    [
        ("Når kommer vannet tilbake?", True),
        ("Er biblioteket åpent i morgen", True),  # verb + subject, no question mark
        ("Hvordan søker man om plass", True),
        ("hei, hvor kan jeg levere hageavfall", True),  # after a comma
        ("Korleis søkjer ein", True),  # nynorsk
        ("Kven kan eg kontakte", True),
        ("Kvifor får vi ikkje melding", True),
        ("Kan dere sjekke veien ved skolen", True),
        ("Jeg lurer på når fristen er", True),  # indirect question
        ("Noen som vet om bassenget er åpent", True),
        ("Har de opningstid i dag", True),
        ("Flott bilde!", False),
        ("Kan anbefale turen.", False),  # subject-less declarative
        ("Er så glad for den nye parken", False),
        ("Takk for svar, det var det jeg lurte på.", True),  # 'lurte på': known ambiguity
        ("Jeg kommer når jeg kan.", False),  # 'når' inside a sentence is a conjunction
        ("", False),
    ],
)
def test_detect_questions_rules(message: str, expected: bool) -> None:
    c = pd.DataFrame({"message": [message], "is_page_reply": [False]})
    assert bool(response.detect_questions(c).iloc[0]) is expected


def test_detect_questions_excludes_page_replies_and_missing_and_keeps_index() -> None:
    c = pd.DataFrame(
        {
            "message": ["Hva koster det?", "Hva koster det?", None],
            "is_page_reply": [False, True, False],
        },
        index=[10, 20, 30],
    )
    out = response.detect_questions(c)
    assert out.index.tolist() == [10, 20, 30]
    assert out.tolist() == [True, False, False]
    assert out.dtype == bool


def test_detect_questions_names_missing_column() -> None:
    with pytest.raises(InputError, match="message"):
        response.detect_questions(pd.DataFrame({"is_page_reply": [False]}))


# ----------------------------------------------------------------------------- first reply
def test_direct_reply_earliest_page_reply_counts_not_citizen_replies() -> None:
    c = comments_frame(
        [
            ("q", "p1", None, "2013-04-02 10:00+02:00", False, "Hvor er møtet?"),
            ("x", "p1", "q", "2013-04-02 10:05+02:00", False, "Lurer på det samme"),
            ("r2", "p1", "q", "2013-04-02 12:00+02:00", True, "Rådhuset."),
            ("r1", "p1", "q", "2013-04-02 10:45+02:00", True, "I rådhuset."),
        ]
    )
    rt = response.response_times(c)
    assert rt["comment_id"].tolist() == ["q", "x"]  # 'x' is a citizen question too
    q = rt.set_index("comment_id").loc["q"]
    assert q["answered"] and q["response_minutes"] == 45.0
    assert q["answered_at"] == ts("2013-04-02 10:45")
    # x is a reply in q's thread; the page's first later reply under q answers it too
    x = rt.set_index("comment_id").loc["x"]
    assert x["response_minutes"] == 40.0
    assert list(rt.columns) == response.RESPONSE_COLUMNS


def test_thread_rule_for_a_question_that_is_itself_a_reply() -> None:
    c = comments_frame(
        [
            ("root", "p1", None, "2013-04-02 09:00+02:00", False, "Fint arrangement."),
            ("q", "p1", "root", "2013-04-02 10:00+02:00", False, "Når starter det?"),
            ("early", "p1", "root", "2013-04-02 09:30+02:00", True, "Takk!"),
            ("late", "p1", "root", "2013-04-02 11:00+02:00", True, "Kl. 12."),
        ]
    )
    rt = response.response_times(c).set_index("comment_id")
    assert rt.index.tolist() == ["q"]
    assert rt.loc["q", "response_minutes"] == 60.0  # 'early' came before the question


def test_flat_export_first_page_comment_after_question_on_same_post() -> None:
    c = comments_frame(
        [
            ("before", "p1", None, "2013-04-02 09:00+02:00", True, "Velkommen!"),
            ("q1", "p1", None, "2013-04-02 10:00+02:00", False, "Hva koster det?"),
            ("other", "p2", None, "2013-04-02 10:10+02:00", True, "Annet innlegg."),
            ("q2", "p1", None, "2013-04-02 10:20+02:00", False, "Og for barn?"),
            ("ans", "p1", None, "2013-04-02 10:30+02:00", True, "100 kr, barn 50."),
            ("q3", "p2", None, "2013-04-02 11:00+02:00", False, "Hvor?"),
        ]
    )
    rt = response.response_times(c).set_index("comment_id")
    assert rt.loc["q1", "response_minutes"] == 30.0
    assert rt.loc["q2", "response_minutes"] == 10.0
    assert not rt.loc["q3", "answered"]  # the p2 page comment came before q3
    assert pd.isna(rt.loc["q3", "answered_at"]) and np.isnan(rt.loc["q3", "response_minutes"])
    assert not rt.loc["q3", "answered_within_24h_weekdays"]


def test_parent_id_column_absent_uses_same_post_rule() -> None:
    c = comments_frame(
        [
            ("q1", "p1", None, "2013-04-02 10:00+02:00", False, "Hva koster det?"),
            ("ans", "p1", None, "2013-04-02 10:30+02:00", True, "100 kr."),
        ]
    ).drop(columns="parent_id")
    assert response.response_times(c)["response_minutes"].tolist() == [30.0]


def test_reply_timestamped_before_question_counts_zero_minutes() -> None:
    c = comments_frame(
        [
            ("q", "p1", None, "2013-04-02 10:00+02:00", False, "Hva?"),
            ("r", "p1", "q", "2013-04-02 09:58+02:00", True, "Svar."),
        ]
    )
    rt = response.response_times(c)
    assert rt["response_minutes"].tolist() == [0.0]
    assert rt["answered_within_24h_weekdays"].tolist() == [True]


# ----------------------------------------------------------------------------- working clock
@pytest.mark.parametrize(
    "asked, answered, working_hours, within",
    [
        ("2013-04-05 15:00", "2013-04-08 14:00", 23, True),  # Fri -> Mon, clock stops Sat/Sun
        ("2013-04-05 15:00", "2013-04-08 16:00", 25, False),
        ("2013-04-06 10:00", "2013-04-08 23:00", 23, True),  # asked on a Saturday
        ("2013-05-16 10:00", "2013-05-18 10:00", 14, True),  # Fri 17 May is a holiday
        ("2013-05-16 10:00", "2013-05-20 10:00", 14, True),  # Mon 20 May: Whit Monday
        ("2013-05-16 10:00", "2013-05-21 11:00", 25, False),
        ("2013-04-02 10:00", "2013-04-03 10:00", 24, True),  # exactly 24 h: within
        ("2013-03-28 10:00", "2013-04-02 09:00", 9, True),  # Easter: Thu–Mon are holidays
    ],
)
def test_working_clock_rule(asked: str, answered: str, working_hours: float, within: bool) -> None:
    c = comments_frame(
        [
            ("q", "p1", None, ts(asked), False, "Hva gjelder?"),
            ("r", "p1", "q", ts(answered), True, "Svar."),
        ]
    )
    row = response.response_times(c).iloc[0]
    assert row["response_working_minutes"] == pytest.approx(working_hours * 60)
    assert bool(row["answered_within_24h_weekdays"]) is within
    wall = (ts(answered) - ts(asked)).total_seconds() / 60
    assert row["response_minutes"] == pytest.approx(wall)


def test_working_minutes_scalar_and_series() -> None:
    fri = ts("2013-04-05 15:00")
    mon = ts("2013-04-08 14:00")
    assert response.working_minutes_between(fri, mon) == 23 * 60
    out = response.working_minutes_between(pd.Series([fri, pd.NaT]), pd.Series([mon, mon]))
    assert out.iloc[0] == 23 * 60 and np.isnan(out.iloc[1])


_moments = st.integers(min_value=0, max_value=60 * 24 * 40).map(
    lambda m: ts("2013-04-25 00:00") + pd.Timedelta(minutes=m)
)


@settings(max_examples=60, deadline=None)
@given(a=_moments, b=_moments, c=_moments)
def test_working_clock_properties(a: pd.Timestamp, b: pd.Timestamp, c: pd.Timestamp) -> None:
    a, b, c = sorted([a, b, c])
    w = response.working_minutes_between
    assert 0 <= w(a, b) <= (b - a).total_seconds() / 60 + 1e-9
    assert w(a, c) == pytest.approx(w(a, b) + w(b, c))


# ----------------------------------------------------------------------------- per page
def test_page_response_counts_and_rates() -> None:
    c = comments_frame(
        [
            ("q1", "p1", None, "2013-04-02 10:00+02:00", False, "Hva?"),
            ("r1", "p1", "q1", "2013-04-02 11:00+02:00", True, "Svar."),
            ("q2", "p1", None, "2013-04-02 10:00+02:00", False, "Hvor?"),
            ("r2", "p1", "q2", "2013-04-05 10:00+02:00", True, "Svar."),  # 72 h (Tue–Fri)
            ("q3", "p1", None, "2013-04-02 10:00+02:00", False, "Hvem?"),
        ]
    )
    other = comments_frame([("c9", "p9", None, "2013-04-02 10:00+02:00", False, "Flott.")])
    other["page_id"] = "B"
    pr = response.page_response(pd.concat([c, other], ignore_index=True))
    assert pr.index.tolist() == ["A", "B"]
    a = pr.loc["A"]
    assert (a["questions"], a["questions_answered"]) == (3, 2)
    assert a["share_answered"] == pytest.approx(2 / 3)
    assert a["avg_response_time_minutes"] == pytest.approx((60 + 72 * 60) / 2)
    assert a["median_response_time_minutes"] == pytest.approx((60 + 72 * 60) / 2)
    assert a["share_within_24h_weekdays"] == pytest.approx(1 / 3)
    b = pr.loc["B"]
    assert b["questions"] == 0 and b["questions_answered"] == 0
    assert np.isnan(b["share_answered"]) and np.isnan(b["avg_response_time_minutes"])
    assert list(pr.columns) == response.PAGE_RESPONSE_COLUMNS


def test_empty_comments_give_empty_tables() -> None:
    empty = comments_frame([])
    assert response.response_times(empty).empty
    assert list(response.response_times(empty).columns) == response.RESPONSE_COLUMNS
    assert response.page_response(empty).empty


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 3),  # post
            st.integers(0, 60 * 24 * 10),  # minute
            st.booleans(),  # page reply
            st.booleans(),  # question text
            st.integers(-1, 8),  # parent index (-1: none)
        ),
        min_size=1,
        max_size=25,
    )
)
def test_response_time_invariants(data: list[tuple]) -> None:
    rows = []
    for i, (post, minute, page, q, parent) in enumerate(data):
        rows.append(
            (
                f"c{i}",
                f"p{post}",
                f"c{parent}" if 0 <= parent < i else None,
                ts("2013-04-01 08:00") + pd.Timedelta(minutes=minute),
                page,
                "Hva skjer?" if q else "Fint.",
            )
        )
    c = comments_frame(rows)
    rt = response.response_times(c)
    assert len(rt) == int(response.detect_questions(c).sum())
    assert (rt["answered"] == rt["answered_at"].notna()).all()
    assert (rt["response_minutes"].dropna() >= 0).all()
    assert (~rt["answered_within_24h_weekdays"] | rt["answered"]).all()
    done = rt[rt["answered"]]
    assert (done["response_working_minutes"] <= done["response_minutes"] + 1e-9).all()


def test_question_pattern_means_the_same_in_python_re_and_re2() -> None:
    """pandas uses pyarrow's RE2 for the pattern; Python's re must agree (and DuckDB's
    RE2 in the benchmark)."""
    import re

    import pyarrow as pa
    import pyarrow.compute as pc

    messages = [
        "Når kommer vannet tilbake?",
        "NÅR kommer bussen",
        "hei,hvor er det",
        "Jeg lurer på når",
        "Jeg lurer påske",  # not 'lurer på'
        "Kan dere\u00a0svare",  # no-break space
        "Kanskje dere vet",
        "Skal vi ta en tur",
        "Kvar er ho",
        "Kvarteret er fint",  # 'kvar' + letters: no
        "Flott.\nHvem har tatt bildet",
        "Åpner dere i dag",  # 'åpner' is not in the verb list? it is: 'åpner'
        "Hvorfor ikke",
        "ærlig talt",
        "",
    ]
    py = [bool(re.search(response.QUESTION_PATTERN, m)) for m in messages]
    re2 = pc.match_substring_regex(pa.array(messages), response.QUESTION_PATTERN).to_pylist()
    assert py == re2
    assert py[:4] == [True, True, True, True] and py[4] is False and py[9] is False

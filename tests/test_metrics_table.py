"""page_table: the ten Gambit metrics per page, missing inputs, vectorisation."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kommunesm import schema
from kommunesm.metrics import (
    EXTRA_COLUMNS,
    GAMBIT_METRICS,
    describe_columns,
    page_table,
    response,
)
from kommunesm.metrics.table import build_atoms, gambit_arrays

REPO = Path(__file__).resolve().parents[1]

TZ = "Europe/Oslo"


def t(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


@pytest.fixture()
def tiny() -> dict[str, pd.DataFrame]:
    pages = pd.DataFrame(
        {"page_id": ["A", "B", "C"], "name": ["a", "b", "c"], "population": [1000, 500, 0]}
    )
    page_days = pd.DataFrame(
        {
            "page_id": ["A", "A", "A", "B", "B", "B"],
            "date": pd.to_datetime(
                ["2013-03-31", "2013-04-01", "2013-04-10", "2013-04-01", "2013-04-02", "2013-04-20"]
            ),
            "followers": [90, 100, 120, 50, None, 60],
            "talking_about": [1, 10, 20, 0, 0, 0],
        }
    )
    posts = pd.DataFrame(
        {
            "post_id": ["p1", "p2", "p3", "p4", "p5"],
            "page_id": ["A", "A", "A", "B", "B"],
            "created_at": [
                t("2013-04-02 10:00"),
                t("2013-04-09 10:00"),
                t("2013-05-01 10:00"),  # outside the period
                t("2013-04-03 10:00"),
                t("2013-04-04 10:00"),
            ],
            "likes": [10, 20, 1000, 3, None],
            "comments": [2, 3, 1000, 0, None],
            "shares": [1, None, 1000, 0, None],
        }
    )
    comments = pd.DataFrame(
        {
            "comment_id": ["q1", "r1", "q2", "q3", "r3", "n1"],
            "post_id": ["p1", "p1", "p2", "p4", "p4", "p4"],
            "page_id": ["A", "A", "A", "B", "B", "B"],
            "parent_id": [None, "q1", None, None, "q3", None],
            "created_at": [
                t("2013-04-02 11:00"),
                t("2013-04-02 11:30"),
                t("2013-04-09 11:00"),
                t("2013-04-03 11:00"),
                t("2013-04-05 11:00"),  # 48 h later
                t("2013-04-03 12:00"),
            ],
            "author_id": ["u1", "A", "u2", "u3", "B", "u4"],
            "is_page_reply": [False, True, False, False, True, False],
            "message": ["Hva?", "Svar", "Hvor?", "Når?", "Svar", "Fint"],
        }
    )
    return {"pages": pages, "page_days": page_days, "posts": posts, "comments": comments}


def test_columns_exact_order_and_float(tiny: dict) -> None:
    tab = page_table(**tiny, start="2013-04-01", end="2013-04-30")
    assert list(tab.columns[:10]) == list(GAMBIT_METRICS)
    assert list(tab.columns) == list(GAMBIT_METRICS) + list(EXTRA_COLUMNS)
    assert tab.index.name == "page_id" and tab.index.tolist() == ["A", "B", "C"]
    assert (tab.dtypes == "float64").all()
    assert set(describe_columns().index) == set(tab.columns)


def test_ten_metrics_by_hand(tiny: dict) -> None:
    tab = page_table(**tiny, start="2013-04-01", end="2013-04-30")
    a, b, c = tab.loc["A"], tab.loc["B"], tab.loc["C"]
    assert a["followers"] == 120  # last day in the period (31 March is outside)
    assert a["page_posts"] == 2 and a["likes"] == 30 and a["comments"] == 5 and a["shares"] == 1
    assert a["interactions"] == 36
    # default: Socialbakers' daily variant, mean over posting days of interactions / posts
    # / followers that day (2 April: 13 / 1 / 100; 9 April: 23 / 1 / 100)
    assert a["engagement_rate"] == pytest.approx((13 / 100 + 23 / 100) / 2 * 100)
    assert a["engagement_rate"] == a["engagement_rate_daily"]
    assert a["engagement_rate_period"] == pytest.approx(36 / 120 * 100)
    assert a["people_talking_about"] == 15  # mean of 10 and 20
    assert a["questions_answered"] == 1 and a["avg_response_time_minutes"] == 30
    assert a["questions"] == 2 and a["share_answered"] == 0.5
    assert a["followers_start"] == 100 and a["followers_growth"] == 20
    assert a["followers_growth_share"] == pytest.approx(0.2)
    assert a["quality_indicator"] == 8 and a["population"] == 1000
    assert a["followers_per_inhabitant"] == pytest.approx(0.12)
    assert a["posts_per_week"] == pytest.approx(2 / (30 / 7))
    # B: the second post has no counts at all; last followers value 60
    assert b["page_posts"] == 2 and b["likes"] == 3 and b["interactions"] == 3
    assert b["followers"] == 60 and b["people_talking_about"] == 0
    assert np.isnan(b["quality_indicator"])  # 0 talking about: NaN, not inf
    assert b["avg_response_time_minutes"] == 48 * 60
    assert b["share_within_24h_weekdays"] == 0.0  # Wed 11:00 -> Fri 11:00 = 48 working h
    # C: in pages only -> no posts (0), no page days (NaN), no comments (0 questions)
    assert c["page_posts"] == 0 and c["likes"] == 0 and c["interactions"] == 0
    assert np.isnan(c["followers"]) and np.isnan(c["engagement_rate"])
    assert c["questions_answered"] == 0 and np.isnan(c["avg_response_time_minutes"])
    assert np.isnan(c["followers_per_inhabitant"])  # population 0


def test_missing_tables_give_nan_columns_not_errors(tiny: dict) -> None:
    only_posts = page_table(None, None, tiny["posts"], None, "2013-04-01", "2013-04-30")
    for col in (
        "followers",
        "people_talking_about",
        "questions_answered",
        "avg_response_time_minutes",
        "engagement_rate",
    ):
        assert only_posts[col].isna().all(), col
    assert only_posts["page_posts"].tolist() == [2.0, 2.0]
    empty_tables = {k: schema.empty(k) for k in ("pages", "page_days", "posts", "comments")}
    none = page_table(
        empty_tables["pages"],
        empty_tables["page_days"],
        tiny["posts"],
        empty_tables["comments"],
        "2013-04-01",
        "2013-04-30",
    )
    assert none["followers"].isna().all() and none["likes"].tolist() == [30.0, 3.0]
    only_comments = page_table(None, None, None, tiny["comments"])
    assert only_comments["questions_answered"].tolist() == [1.0, 1.0]
    assert only_comments["page_posts"].isna().all()
    nothing = page_table(None, None, None, None)
    assert nothing.empty and list(nothing.columns[:10]) == list(GAMBIT_METRICS)


def test_followers_fall_back_to_followers_at_posting(tiny: dict) -> None:
    posts = tiny["posts"].assign(followers_at_posting=[100, 110, 999, 40, 45])
    tab = page_table(None, None, posts, None, "2013-04-01", "2013-04-30")
    assert tab["followers"].tolist() == [110.0, 45.0]


def test_response_columns_agree_with_page_response(tiny: dict) -> None:
    tab = page_table(**tiny)
    pr = response.page_response(tiny["comments"])
    assert tab["questions_answered"].reindex(pr.index).tolist() == pr["questions_answered"].tolist()


def test_unit_weights_reproduce_the_table(tiny: dict) -> None:
    """rank_uncertainty re-aggregates through gambit_arrays: unit weights = page_table."""
    atoms = build_atoms(tiny["pages"], tiny["page_days"], tiny["posts"], tiny["comments"])
    arrays = gambit_arrays(atoms)
    tab = page_table(**tiny)
    for col in GAMBIT_METRICS:
        np.testing.assert_allclose(arrays[col][:, 0], tab[col].to_numpy(), equal_nan=True)


def test_vectorised_and_fast_on_a_larger_panel() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from scale import make_panel

    panel = make_panel(n_pages=200, posts_per_page_year=100, comments_per_post=3, seed=1)
    t0 = time.perf_counter()
    tab = page_table(**panel, start="2013-01-01", end="2013-12-31")
    elapsed = time.perf_counter() - t0
    assert len(tab) == 200
    assert tab["page_posts"].sum() == len(panel["posts"])
    assert elapsed < 20  # generous: a per-page Python loop would be far slower

"""Posts per week and the share of active weeks (H1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kommunesm.errors import InputError
from kommunesm.metrics import activity

TZ = "Europe/Oslo"


def posts_at(page_times: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "page_id": [p for p, _ in page_times],
            "created_at": pd.to_datetime([t for _, t in page_times]).tz_localize(TZ),
        }
    )


def test_posts_per_week_and_active_weeks_by_hand() -> None:
    posts = posts_at(
        [
            ("A", "2013-04-01 08:00"),
            ("A", "2013-04-02 08:00"),
            ("A", "2013-04-09 08:00"),  # week 2
            ("A", "2013-04-14 23:30"),  # last day of the period: included
            ("A", "2013-04-15 00:10"),  # the day after: excluded
            ("A", "2013-03-31 23:59"),  # before: excluded
            ("B", "2013-04-03 12:00"),
        ]
    )
    out = activity.posting_activity(posts, "2013-04-01", "2013-04-14", page_ids=["A", "B", "C"])
    assert list(out.columns) == activity.ACTIVITY_COLUMNS
    assert out.index.tolist() == ["A", "B", "C"]
    assert out.loc["A"].tolist() == [4.0, 2.0, 2.0, 1.0]
    assert out.loc["B"].tolist() == [1.0, 2.0, 0.5, 0.5]
    assert out.loc["C"].tolist() == [0.0, 2.0, 0.0, 0.0]


def test_gambit_period_is_123_days_and_partial_last_week_counts() -> None:
    posts = posts_at([("A", "2013-08-01 12:00")])
    out = activity.posting_activity(posts, "2013-04-01", "2013-08-01")
    assert out.loc["A", "weeks"] == pytest.approx(123 / 7)
    assert out.loc["A", "active_weeks_share"] == pytest.approx(1 / 18)  # ceil(123/7) = 18


def test_period_from_data_when_not_given() -> None:
    posts = posts_at([("A", "2013-04-01 10:00"), ("A", "2013-04-07 10:00")])
    out = activity.posting_activity(posts)
    assert out.loc["A", "weeks"] == 1.0 and out.loc["A", "posts_per_week"] == 2.0


def test_missing_column_is_named() -> None:
    with pytest.raises(InputError, match="created_at"):
        activity.posting_activity(pd.DataFrame({"page_id": ["A"]}))


def test_h1_threshold_is_strictly_more_than_four() -> None:
    assert activity.H1_POSTS_PER_WEEK == 4.0
    rate = np.array([4.0, 4.01])
    assert (rate > activity.H1_POSTS_PER_WEEK).tolist() == [False, True]

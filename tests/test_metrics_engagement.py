"""Interactions, engagement-rate variants and Bonsón's indices (incl. the real UCI file)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kommunesm.errors import InputError
from kommunesm.io import facebook_insights
from kommunesm.metrics import engagement

TZ = "Europe/Oslo"


def test_interactions_sum_and_missing_rules() -> None:
    posts = pd.DataFrame(
        {
            "likes": pd.array([10, 0, None, 5], dtype="Int64"),
            "comments": pd.array([2, 0, None, None], dtype="Int64"),
            "shares": pd.array([1, None, None, 0], dtype="Int64"),
        }
    )
    out = engagement.interactions(posts)
    assert out.iloc[:2].tolist() == [13.0, 0.0]
    assert np.isnan(out.iloc[2])  # all three missing
    assert out.iloc[3] == 5.0  # missing components count as 0


def test_interactions_names_missing_column() -> None:
    with pytest.raises(InputError, match="shares"):
        engagement.interactions(pd.DataFrame({"likes": [1], "comments": [1]}))


def test_engagement_rate_scalar_series_and_zero_followers() -> None:
    assert engagement.engagement_rate(250, 1000) == pytest.approx(25.0)
    out = engagement.engagement_rate(pd.Series([5.0, 5.0, 5.0]), pd.Series([100.0, 0.0, np.nan]))
    assert out.iloc[0] == 5.0
    assert np.isnan(out.iloc[1]) and np.isnan(out.iloc[2])
    assert not np.isinf(out).any()


def _posts() -> pd.DataFrame:
    t = pd.Timestamp("2013-04-02 10:00", tz=TZ)
    return pd.DataFrame(
        {
            "page_id": ["A", "A", "A", "B"],
            "created_at": [t, t + pd.Timedelta(hours=2), t + pd.Timedelta(days=1), t],
            "likes": [10, 30, 5, 1],
            "comments": [0, 0, 5, 0],
            "shares": [0, 0, 0, 0],
        }
    )


def _days() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "page_id": ["A", "A", "B"],
            "date": pd.to_datetime(["2013-04-01", "2013-04-03", "2013-04-02"]),
            "followers": [100, 200, 0],
        }
    )


def test_followers_at_posting_prefers_column_then_page_days_asof() -> None:
    posts = _posts()
    posts["followers_at_posting"] = pd.array([None, 50, None, None], dtype="Int64")
    f = engagement.followers_at_posting(posts, _days())
    # post 0: 2 April -> latest page day on/before is 1 April (100); post 1 has its own 50;
    # post 2: 3 April -> 200; page B: 0 followers
    assert f.tolist() == [100.0, 50.0, 200.0, 0.0]


def test_engagement_rate_per_post_and_daily_by_hand() -> None:
    posts, days = _posts(), _days()
    per_post = engagement.engagement_rate_per_post(posts, days)
    # A: posts 10/100, 30/100, 10/200 -> mean(10, 30, 5) %
    assert per_post["A"] == pytest.approx(np.mean([10.0, 30.0, 5.0]))
    assert np.isnan(per_post["B"])  # 0 followers: left out, nothing left
    daily = engagement.engagement_rate_daily(posts, days)
    # A: day 1: (40 interactions / 2 posts) / 100 = 20 %; day 2: 10 / 1 / 200 = 5 %
    assert daily["A"] == pytest.approx(12.5)
    assert np.isnan(daily["B"])


def test_bonson_indices_by_hand_one_and_several_pages() -> None:
    posts = pd.DataFrame(
        {
            "page_id": ["A", "A", "A", "A", "B"],
            "likes": [10, 0, 4, 6, 3],
            "comments": [2, 0, 0, None, 1],
            "shares": [0, 0, 1, 0, 0],
        }
    )
    one_page = engagement.bonson_indices(posts[posts["page_id"] == "A"], followers=2000)
    assert list(one_page.index) == ["A"]  # a DataFrame however many pages
    one = one_page.loc["A"]
    assert list(one.index) == engagement.BONSON_INDICES
    assert one["P1"] == 0.75 and one["P2"] == 5.0 and one["P3"] == pytest.approx(2.5)
    # comments known on 3 posts: 1 commented, 2 comments
    assert one["C1"] == pytest.approx(1 / 3) and one["C2"] == pytest.approx(2 / 3)
    assert one["C3"] == pytest.approx(2 / 3 / 2000 * 1000)
    assert one["V1"] == 0.25 and one["V2"] == 0.25 and one["V3"] == pytest.approx(0.125)
    assert one["E"] == pytest.approx(one["P3"] + one["C3"] + one["V3"])
    many = engagement.bonson_indices(posts, followers=pd.Series({"A": 2000, "B": 0}))
    assert many.index.tolist() == ["A", "B"]
    assert many.loc["A"].equals(one)
    assert np.isnan(many.loc["B", "P3"]) and many.loc["B", "P1"] == 1.0


def test_bonson_needs_followers() -> None:
    with pytest.raises(InputError, match="followers"):
        engagement.bonson_indices(pd.DataFrame({"likes": [1], "comments": [1], "shares": [1]}))


def test_bonson_indices_on_the_real_uci_page(uci_path) -> None:
    """Moro, Rita & Vala (2016): 500 posts of one cosmetics brand's page (CC BY 4.0).
    Expected values are computed here straight from the raw CSV, independently."""
    raw = pd.read_csv(uci_path, sep=";")
    posts = facebook_insights.read_posts(uci_path).data
    assert len(posts) == len(raw) == 500
    fans = float(raw["Page total likes"].max())
    table = engagement.bonson_indices(posts)  # followers: largest "Page total likes"
    assert len(table) == 1
    got = table.squeeze(axis=0)
    for prefix, col in (("P", "like"), ("C", "comment"), ("V", "share")):
        known = raw[col].dropna()
        assert got[f"{prefix}1"] == pytest.approx((known > 0).mean())
        assert got[f"{prefix}2"] == pytest.approx(known.mean())
        assert got[f"{prefix}3"] == pytest.approx(known.mean() / fans * 1000)
    assert got["E"] == pytest.approx(got["P3"] + got["C3"] + got["V3"])
    # a few fixed anchors of this file (1 missing like, 4 missing shares)
    assert raw["like"].isna().sum() == 1 and raw["share"].isna().sum() == 4
    assert fans == 139441
    assert 0.9 < got["P1"] <= 1.0
    explicit = engagement.bonson_indices(posts, followers=fans)
    assert explicit.equals(table)

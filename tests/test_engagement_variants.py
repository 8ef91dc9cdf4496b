"""The engagement-rate variant of page_table and of the ranking (default: daily)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kommunesm import ranking
from kommunesm.metrics import engagement, page_table
from kommunesm.metrics.table import build_atoms, engagement_arrays

TZ = "Europe/Oslo"


def t(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


@pytest.fixture()
def posts() -> pd.DataFrame:
    # page A: two posts on 2 April (10 and 30 interactions), one on 3 April (5), 100 fans
    #   daily    = mean(40 / 2 / 100, 5 / 1 / 100) * 100 = mean(20, 5) = 12.5
    #   period   = 45 / 100 * 100 = 45
    #   per post = mean(10, 30, 5) / 100 * 100 = 15
    # page B: one post (8 interactions), 200 fans -> daily = per post = period = 4
    return pd.DataFrame(
        {
            "post_id": ["a1", "a2", "a3", "b1"],
            "page_id": ["A", "A", "A", "B"],
            "created_at": [
                t("2013-04-02 09:00"),
                t("2013-04-02 13:00"),
                t("2013-04-03 09:00"),
                t("2013-04-02 09:00"),
            ],
            "likes": [10, 30, 5, 8],
            "comments": [0, 0, 0, 0],
            "shares": [0, 0, 0, 0],
            "followers_at_posting": [100, 100, 100, 200],
        }
    )


def test_variants_by_hand(posts: pd.DataFrame) -> None:
    tab = page_table(None, None, posts, None)
    a = tab.loc["A"]
    assert a["engagement_rate_daily"] == pytest.approx(12.5)
    assert a["engagement_rate_period"] == pytest.approx(45.0)
    assert a["engagement_rate_per_post"] == pytest.approx(15.0)
    assert a["engagement_rate"] == a["engagement_rate_daily"]
    for v, col in (("period", 45.0), ("per_post", 15.0), ("daily", 12.5)):
        assert page_table(None, None, posts, None, engagement=v).loc["A", "engagement_rate"] == (
            pytest.approx(col)
        )
    assert tab.loc["B", ["engagement_rate_daily", "engagement_rate_period"]].tolist() == [4, 4]
    with pytest.raises(ValueError, match="engagement must be one of"):
        page_table(None, None, posts, None, engagement="weekly")


def test_bootstrap_arrays_equal_the_reference_functions(posts: pd.DataFrame) -> None:
    atoms = build_atoms(None, None, posts, None)
    arr = engagement_arrays(atoms)
    daily = engagement.engagement_rate_daily(posts, None)
    per_post = engagement.engagement_rate_per_post(posts, None)
    np.testing.assert_allclose(arr["daily"][:, 0], daily.reindex(atoms.ids).to_numpy())
    np.testing.assert_allclose(arr["per_post"][:, 0], per_post.reindex(atoms.ids).to_numpy())
    # weights: dropping a2 (weight 0) and doubling a3 -> A daily = mean(10/1, 10/2*... )
    w = np.array([[1.0], [0.0], [2.0], [1.0]])
    arr_w = engagement_arrays(atoms, w)
    # 2 April: 10 / 1 / 100 = 10 %; 3 April: (2 * 5) / 2 / 100 = 5 % -> 7.5
    assert arr_w["daily"][0, 0] == pytest.approx(7.5)
    # per post: (10 + 2 * 5) / 3 = 6.67 %; period: (10 + 10) / 100 = 20 %
    assert arr_w["per_post"][0, 0] == pytest.approx(20 / 3)
    assert arr_w["period"][0, 0] == pytest.approx(20.0)


def test_rank_uncertainty_and_rank_dataset_take_the_variant(posts: pd.DataFrame) -> None:
    ranked = ranking.rank_dataset({"posts": posts}, engagement="period")
    metrics = ranked.metrics
    assert metrics["engagement_rate"].equals(metrics["engagement_rate_period"])
    assert ranked.source == "page_table"
    ru = ranking.rank_uncertainty(posts=posts, n_boot=20, seed=1, engagement="per_post")
    assert set(ru.index) == {"A", "B"}


def test_engagement_variant_ranks_counts_places_moved() -> None:
    tab = pd.DataFrame(
        {
            "followers": [300.0, 200.0, 100.0],
            "engagement_rate_daily": [1.0, 3.0, 2.0],
            "engagement_rate_period": [9.0, 1.0, 2.0],
            "engagement_rate_per_post": [1.0, 2.0, 3.0],
        },
        index=pd.Index(["A", "B", "C"], name="page_id"),
    )
    ev = ranking.engagement_variant_ranks(tab, top=3, list_size=3, top_points=3)
    # followers: A 1+3, B 1+2, C 1+1. daily: B 4, C 3, A 2 -> A 6, B 7, C 5
    # period: A 4, C 3, B 2 -> A 8, B 5, C 5; per post: C 4, B 3, A 2 -> A 6, B 6, C 6
    assert ev["total_daily"].to_dict() == {"B": 7, "A": 6, "C": 5}
    assert ev["total_period"].to_dict() == {"B": 5, "A": 8, "C": 5}
    assert ev["rank_per_post"].tolist() == [1, 1, 1]
    assert ev["moved_period"].to_dict() == {"B": -1, "A": 1, "C": 1}
    assert ev["moved_per_post"].to_dict() == {"B": 0, "A": 1, "C": 2}
    # a page outside every Top-N is left out
    two = ranking.engagement_variant_ranks(tab, variants=("daily", "period"), top=1, list_size=3)
    assert list(two.index) == ["B", "A"]
    with pytest.raises(ValueError, match="unknown engagement variant"):
        ranking.engagement_variant_ranks(tab, variants=("weekly",))


def test_units_keep_the_engagement_variant() -> None:
    from kommunesm import annual

    m = pd.DataFrame(
        {
            "followers": [100.0, 300.0, 50.0],
            "interactions": [10.0, 50.0, 5.0],
            "page_posts": [1.0, 3.0, 2.0],
            "engagement_rate": [2.0, 4.0, 7.0],
        },
        index=pd.Index(["a", "b", "c"], name="page_id"),
    )
    keys = pd.DataFrame(
        {"name": ["A", "B", "C"], "unit": ["u", "u", "v"]},
        index=pd.Index(["a", "b", "c"], name="page_id"),
    )
    daily = annual.to_units(m, keys, engagement="daily")
    # u: (2 * 1 + 4 * 3) / 4 = 3.5; v (one page) keeps its own rate
    assert daily["engagement_rate"].to_dict() == {"u": 3.5, "v": 7.0}
    period = annual.to_units(m, keys, engagement="period")
    assert period["engagement_rate"].to_dict() == {"u": 15.0, "v": 10.0}  # 60/400, 5/50

"""Gambit points, NM i Facebook and rank uncertainty."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunesm import ranking
from kommunesm.errors import InputError
from kommunesm.io import socialbakers
from kommunesm.metrics import GAMBIT_METRICS, page_table

TZ = "Europe/Oslo"


def frame(**cols: list) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    ids = pd.Index([chr(ord("A") + i) for i in range(n)], name="page_id")
    return pd.DataFrame(cols, index=ids)


# ----------------------------------------------------------------------------- the rule
def test_points_one_metric_by_hand() -> None:
    m = frame(followers=[600, 500, 400, 300, 200, 100, 50])
    res = ranking.gambit_points(m, list_size=6)
    assert list(res.columns) == ranking.POINTS_COLUMNS
    assert res["list_occurrences"].to_dict() == {k: 1 for k in "ABCDEF"} | {"G": 0}
    assert res["top5_points"].to_dict() == {"A": 5, "B": 4, "C": 3, "D": 2, "E": 1, "F": 0, "G": 0}
    assert res["total"].tolist() == [6, 5, 4, 3, 2, 1, 0]
    assert res["rank"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert (res.dtypes == "int64").all()


def test_ties_share_the_better_rank_and_the_same_points() -> None:
    m = frame(followers=[100, 100, 90, 80, 80, 80, 10])
    lists = ranking.gambit_lists(m, list_size=4).set_index("page_id")
    assert lists["rank"].to_dict() == {"A": 1, "B": 1, "C": 3, "D": 4, "E": 4, "F": 4, "G": 7}
    assert lists["points"].to_dict() == {"A": 5, "B": 5, "C": 3, "D": 2, "E": 2, "F": 2, "G": 0}
    # boundary tie: D, E, F share rank 4 = list_size, so all three are on the list
    assert lists["on_list"].to_dict() == {k: k != "G" for k in "ABCDEFG"}
    res = ranking.gambit_points(m, list_size=4)
    assert res.loc["A", "rank"] == res.loc["B", "rank"] == 1
    assert res.loc["C", "rank"] == 3
    assert res.loc[["D", "E", "F"], "rank"].tolist() == [4, 4, 4]


def test_nan_is_on_no_list_and_response_time_ascends() -> None:
    m = frame(avg_response_time_minutes=[30.0, 10.0, np.nan, 20.0])
    lists = ranking.gambit_lists(m, list_size=30).set_index("page_id")
    assert "C" not in lists.index
    assert lists["rank"].to_dict() == {"B": 1, "D": 2, "A": 3}
    res = ranking.gambit_points(m)
    assert res.loc["C", ["list_occurrences", "top5_points", "total"]].tolist() == [0, 0, 0]
    assert res.loc["B", "total"] == 6
    custom = ranking.gambit_points(m, ascending=())  # slower is "better" if you say so
    assert custom.loc["A", "rank"] == 1


def test_short_lists_score_only_their_places() -> None:
    m = frame(followers=[30, 20, 10])
    res = ranking.gambit_points(m, list_size=2, top_points=5)
    assert res["top5_points"].tolist() == [5, 4, 0]  # C is third but not on a 2-page list
    assert res["list_occurrences"].tolist() == [1, 1, 0]


def test_zeros_are_values_not_missing() -> None:
    m = frame(questions_answered=[0, 0, 3])
    res = ranking.gambit_points(m, list_size=30, top_points=5)
    assert res.loc["C", "total"] == 6
    assert res.loc["A", "total"] == res.loc["B", "total"] == 1 + 4  # tied second


def test_total_over_several_metrics_and_example_from_docstring() -> None:
    m = frame(followers=[300, 200, 200, 100], avg_response_time_minutes=[30, 10, None, 20])
    res = ranking.gambit_points(m, list_size=2, top_points=2)
    assert res.index.tolist() == ["B", "A", "C", "D"]
    assert res.to_numpy().tolist() == [[2, 3, 5, 1], [1, 2, 3, 2], [1, 1, 2, 3], [1, 1, 2, 3]]


def test_min_followers_removes_small_pages_from_every_list() -> None:
    m = frame(followers=[1000, 50, 500, np.nan], engagement_rate=[1.0, 99.0, 2.0, 50.0])
    res = ranking.gambit_points(m, min_followers=100)
    assert res.loc["B", "total"] == 0 and res.loc["D", "total"] == 0
    assert res.loc["C", "top5_points"] == 4 + 5  # second on followers, first on rate
    with pytest.raises(InputError, match="followers"):
        ranking.gambit_points(frame(likes=[1, 2]), min_followers=10)


def test_other_columns_ignored_and_page_id_column_accepted() -> None:
    m = frame(followers=[1, 2], posts_per_week=[100, 0], name=["x", "y"]).reset_index()
    res = ranking.gambit_points(m)
    assert ranking.gambit_lists(m)["metric"].unique().tolist() == ["followers"]
    assert res.index.tolist() == ["B", "A"]


def test_bad_inputs_are_named() -> None:
    with pytest.raises(InputError, match="no Gambit metric"):
        ranking.gambit_points(frame(posts_per_week=[1, 2]))
    dup = pd.DataFrame({"page_id": ["A", "A"], "followers": [1, 2]})
    with pytest.raises(InputError, match="more than once"):
        ranking.gambit_points(dup)
    with pytest.raises(ValueError):
        ranking.gambit_points(frame(followers=[1]), list_size=0)
    with pytest.raises(ValueError, match="unknown metric"):
        ranking.gambit_points(frame(followers=[1]), metrics_used=["nope"])


def test_socialbakers_page_metrics_can_be_ranked(fixtures) -> None:
    data = socialbakers.read(fixtures / "socialbakers_pages.csv").data
    res = ranking.gambit_points(data.set_index("page_id"), list_size=2)
    assert len(res) == data["page_id"].nunique()
    lists = ranking.gambit_lists(data.set_index("page_id"), list_size=2)
    assert lists["metric"].unique().tolist() == list(GAMBIT_METRICS)
    assert (res["total"] == res["list_occurrences"] + res["top5_points"]).all()


# ----------------------------------------------------------------------------- properties
_value = st.one_of(st.integers(0, 6).map(float), st.just(np.nan))


@st.composite
def metric_tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    cols = draw(st.lists(st.sampled_from(GAMBIT_METRICS), min_size=1, max_size=4, unique=True))
    data = {c: draw(st.lists(_value, min_size=n, max_size=n)) for c in cols}
    return pd.DataFrame(data, index=pd.Index([f"p{i:02d}" for i in range(n)], name="page_id"))


@settings(max_examples=80, deadline=None)
@given(m=metric_tables(), k=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_properties_sum_permutation_and_rank(m: pd.DataFrame, k: int, seed: int) -> None:
    res = ranking.gambit_points(m, list_size=k)
    assert (res["total"] == res["list_occurrences"] + res["top5_points"]).all()
    assert ((res["top5_points"] == 0) | (res["list_occurrences"] > 0)).all()
    assert (res["list_occurrences"] <= len(m.columns)).all()
    # rank = 1 + number of pages with a strictly larger total
    totals = res["total"].to_numpy()
    expected = 1 + (totals[None, :] > totals[:, None]).sum(axis=1)
    assert res["rank"].tolist() == expected.tolist()
    shuffled = m.sample(frac=1, random_state=seed)
    again = ranking.gambit_points(shuffled, list_size=k)
    pd.testing.assert_frame_equal(res, again)


@settings(max_examples=80, deadline=None)
@given(m=metric_tables(), k=st.integers(1, 6))
def test_adding_a_page_worse_on_every_metric_changes_no_one_else(m: pd.DataFrame, k: int) -> None:
    before = ranking.gambit_points(m, list_size=k)
    worst = {}
    for col in m.columns:
        worst[col] = 100.0 if col in ranking.ASCENDING_DEFAULT else -1.0
    bigger = pd.concat([m, pd.DataFrame(worst, index=pd.Index(["zz"], name="page_id"))])
    after = ranking.gambit_points(bigger, list_size=k)
    cols = ["list_occurrences", "top5_points", "total"]
    pd.testing.assert_frame_equal(after.loc[before.index, cols], before[cols])


# ----------------------------------------------------------------------------- sensitivity
def test_list_size_sensitivity_reference_overlaps_itself() -> None:
    rng = np.random.default_rng(0)
    m = pd.DataFrame(
        rng.integers(0, 100, size=(40, 3)).astype(float),
        columns=["followers", "likes", "shares"],
        index=pd.Index([f"p{i}" for i in range(40)], name="page_id"),
    )
    sens = ranking.list_size_sensitivity(m, (5, 10, 20), top=10, reference=10)
    ranks, summary = sens.ranks, sens.summary
    assert summary.loc[10, "overlap_share"] == 1.0 and summary.loc[10, "spearman_rho"] == 1.0
    assert list(ranks.columns) == [5, 10, 20]
    assert (
        ranking.top_n(ranking.gambit_points(m, list_size=10), 10).shape[0]
        == summary.loc[10, "top_n_size"]
    )


# ----------------------------------------------------------------------------- NM i Facebook
def test_nm_facebook_six_categories() -> None:
    m = frame(
        followers=[4600, 950, 2000],
        people_talking_about=[100, 200, 50],
        followers_growth=[100, 300, 100],
        followers_growth_share=[0.02, 0.46, 0.05],
        population=[54000, 17000, 10000],
    )
    nm = ranking.nm_facebook(m, top=1)
    assert nm["category"].tolist() == list(ranking.NM_CATEGORIES)
    assert nm["page_id"].tolist() == ["A", "C", "B", "B", "B", "B"]
    assert nm.loc[1, "value"] == pytest.approx(0.2)  # 2000 / 10000

    ties = ranking.nm_facebook(frame(followers=[5, 5, 1]), top=1)
    assert ties["page_id"].tolist() == ["A", "B"]  # tie at place 1: both listed
    assert "likers_per_inhabitant" not in set(ties["category"])
    pop = pd.Series({"A": 10, "B": 100, "C": 1})
    assert (
        ranking.nm_facebook(frame(followers=[5, 5, 1]), pop, top=1)["page_id"].tolist()[-1] == "C"
    )


# ----------------------------------------------------------------------------- uncertainty
def _panel(seed: int = 3) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rows = []
    strength = {"A": 50, "B": 20, "C": 19, "D": 2}
    for page, lam in strength.items():
        for i in range(15):
            rows.append(
                {
                    "post_id": f"{page}{i}",
                    "page_id": page,
                    "created_at": pd.Timestamp("2013-04-01 09:00", tz=TZ)
                    + pd.Timedelta(hours=int(rng.integers(0, 24 * 60))),
                    "likes": rng.poisson(lam),
                    "comments": rng.poisson(lam / 5),
                    "shares": rng.poisson(lam / 10),
                }
            )
    posts = pd.DataFrame(rows)
    days = pd.DataFrame(
        {
            "page_id": list(strength),
            "date": pd.Timestamp("2013-05-31"),
            "followers": [1000, 800, 800, 100],
            "talking_about": [50, 30, 30, 1],
        }
    )
    return {"posts": posts, "page_days": days}


def test_rank_uncertainty_is_reproducible_and_consistent() -> None:
    p = _panel()
    kwargs = dict(start="2013-04-01", end="2013-05-31", n_boot=300, top=2, list_size=2)
    ru = ranking.rank_uncertainty(posts=p["posts"], page_days=p["page_days"], seed=7, **kwargs)
    again = ranking.rank_uncertainty(posts=p["posts"], page_days=p["page_days"], seed=7, **kwargs)
    pd.testing.assert_frame_equal(ru, again)
    point = ranking.gambit_points(
        page_table(None, p["page_days"], p["posts"], None, "2013-04-01", "2013-05-31"),
        list_size=2,
    )
    assert ru["rank"].to_dict() == point["rank"].to_dict()
    assert ((ru["p_top"] >= 0) & (ru["p_top"] <= 1)).all()
    assert (ru["rank_low"] <= ru["rank_median"]).all()
    assert (ru["rank_median"] <= ru["rank_high"]).all()
    assert ru.loc["A", "p_top"] > 0.95 and ru.loc["D", "p_top"] < 0.05
    # B and C are close: neither is certain of the Top-2
    assert 0 < ru.loc["B", "p_top"] < 1 and 0 < ru.loc["C", "p_top"] < 1


def test_rank_uncertainty_min_followers_and_seed_changes() -> None:
    p = _panel()
    ru = ranking.rank_uncertainty(
        posts=p["posts"], page_days=p["page_days"], n_boot=50, top=1, list_size=2, min_followers=500
    )
    assert ru.loc["D", "total"] == 0 and ru.loc["D", "p_top"] == 0
    seeded = {
        seed: ranking.rank_uncertainty(
            posts=p["posts"], page_days=p["page_days"], n_boot=50, seed=seed, top=2
        )
        for seed in (99, 2013)
    }
    assert not seeded[99][["rank_low", "rank_high", "p_top"]].equals(
        seeded[2013][["rank_low", "rank_high", "p_top"]]
    )


# ----------------------------------------------------------------------------- presentation
def test_top_table_beside_published_and_plots() -> None:
    import matplotlib.pyplot as plt

    from kommunesm import plots
    from kommunesm.io import published

    m = frame(followers=[5, 4, 3, 3], likes=[1, 2, 3, 4])
    pts = ranking.gambit_points(m, list_size=3)
    pages = pd.DataFrame({"page_id": ["A", "B", "C", "D"], "name": ["Demo a", "Demo b", None, "x"]})
    top = ranking.top_table(pts, pages, top=2)
    assert list(top.columns) == [
        "rank",
        "page_id",
        "name",
        "list_occurrences",
        "top5_points",
        "total",
    ]
    pub = published.load("gambit2013_top30")
    side = ranking.beside_published(top, pub, synthetic=True)
    assert len(side) == 30 and side.index[0] == 1
    assert side.iloc[0, 0] == "Sarpsborg"
    assert any("synthetic, method only" in c for c in side.columns)
    assert side.iloc[len(top) :, 1].eq("").all()  # no computed page beyond the Top-N
    p = _panel()
    ru = ranking.rank_uncertainty(
        posts=p["posts"], page_days=p["page_days"], n_boot=20, top=2, list_size=2
    )
    assert "Top-2" in ranking.describe_uncertainty(ru, top=2, n_boot=20)
    assert "of 20 bootstrap" in ranking.describe_uncertainty(ru, top=2, n_boot=20)
    ax = plots.rank_intervals(ru, top=2, synthetic=True)
    assert "syntetiske demodata" in ax.get_title()
    plt.close(ax.figure)


def test_cli_rank_prints_the_top_table(fixtures) -> None:
    from typer.testing import CliRunner

    from kommunesm.cli import app

    result = CliRunner().invoke(
        app, ["rank", str(fixtures / "socialbakers_pages.csv"), "--list-size", "2", "--top", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "Top 2" in result.output and "from page_metrics" in result.output
    assert "Demo-kommune 101" in result.output and "Sum" in result.output
    bad = CliRunner().invoke(
        app, ["rank", str(fixtures / "socialbakers_pages.csv"), "--list-size", "0"]
    )
    assert bad.exit_code == 1

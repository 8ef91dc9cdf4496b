"""kommunesm.annual: year-to-year comparison on small hand-checkable tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunesm import annual, schema
from kommunesm.io.dataset import Dataset, MissingInputError


def _keys(units: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"name": list(units), "unit": list(units.values())},
        index=pd.Index(list(units), name="page_id"),
    )


# --------------------------------------------------------------------------- keys
def test_keys_harmonise_mergers_splits_and_missing():
    pages = pd.DataFrame(
        {
            "page_id": ["sandefjord", "andebu", "oslo", "tysfjord", "nocode", "rissa", "given"],
            "name": ["S", "A", "O", "T", "N", "R", "G"],
            "kommunenummer": ["0706", "719", "0301", "1850", None, "1624", "0706"],
            "kommunenummer_2024": [None, None, None, None, None, None, "9999x"],
        }
    )
    keys = annual.municipality_keys(pages)
    assert keys.loc["sandefjord", "unit"] == "3907"  # Sandefjord+Andebu+Stokke → 3907
    assert keys.loc["andebu", "unit"] == "3907"  # unpadded code accepted
    assert keys.loc["oslo", "unit"] == "0301"
    assert keys.loc["tysfjord", "unit"] == "1850*"  # split: no single 2024 code
    assert keys.loc["nocode", "unit"] == "side:nocode"
    assert keys.loc["rissa", "unit"] == "5054"
    assert keys.loc["given", "unit"] == "9999x"  # a given 2024 code wins over harmonising
    merged = annual.merged_units(keys)
    assert merged.to_dict("records") == [{"unit": "3907", "codes": "0706, 719", "n_pages": 2}]


# --------------------------------------------------------------------------- units
def test_to_units_sums_recomputes_rate_and_weights_response_time():
    metrics = pd.DataFrame(
        {
            "followers": [100.0, 300.0, 50.0],
            "interactions": [10.0, 50.0, 5.0],
            "engagement_rate": [10.0, 16.7, 10.0],
            "questions_answered": [1.0, 3.0, 0.0],
            "avg_response_time_minutes": [60.0, 20.0, 90.0],
            "share_answered": [0.5, 0.5, 0.5],  # not aggregatable: left out
        },
        index=pd.Index(["a", "b", "c"], name="page_id"),
    )
    keys = _keys({"a": "u1", "b": "u1", "c": "u2"})
    units = annual.to_units(metrics, keys)
    assert list(units.index) == ["u1", "u2"]
    assert "share_answered" not in units.columns
    u1 = units.loc["u1"]
    assert u1["followers"] == 400 and u1["interactions"] == 60
    assert u1["engagement_rate"] == pytest.approx(15.0)  # 60 / 400 × 100, not a mean
    assert u1["avg_response_time_minutes"] == pytest.approx((60 * 1 + 20 * 3) / 4)
    assert u1["n_pages"] == 2 and u1["name"] == "a + b"
    # no answers counted: the plain mean of the page averages
    assert units.loc["u2", "avg_response_time_minutes"] == 90.0


def test_to_units_missing_key_is_an_error():
    metrics = pd.DataFrame({"followers": [1.0]}, index=pd.Index(["zz"], name="page_id"))
    with pytest.raises(KeyError, match="zz"):
        annual.to_units(metrics, _keys({"a": "u"}))


def test_to_units_all_missing_stays_missing():
    metrics = pd.DataFrame(
        {"followers": [np.nan, np.nan]}, index=pd.Index(["a", "b"], name="page_id")
    )
    units = annual.to_units(metrics, _keys({"a": "u", "b": "u"}))
    assert np.isnan(units.loc["u", "followers"])


# --------------------------------------------------------------------------- growth
def test_growth_pairs_common_units_only():
    prev = pd.DataFrame({"followers": [100.0, 0.0, 7.0]}, index=["a", "b", "gone"])
    curr = pd.DataFrame({"followers": [150.0, 10.0, 3.0]}, index=["a", "b", "new"])
    g = annual.growth(prev, curr, ["followers", "not_there"])
    assert g["unit"].tolist() == ["a", "b"]
    assert g["change"].tolist() == [50.0, 10.0]
    assert g["growth_pct"].iloc[0] == 50.0 and np.isnan(g["growth_pct"].iloc[1])


def test_growth_summary_hand_values():
    ch = pd.DataFrame(
        {
            "unit": list("abcd") * 2,
            "metric": ["followers"] * 4 + ["avg_response_time_minutes"] * 4,
            "previous": [100.0, 200.0, 300.0, 400.0, 60.0, 60.0, 60.0, 60.0],
            "current": [110.0, 220.0, 330.0, 400.0, 30.0, 30.0, 90.0, 30.0],
        }
    )
    ch["change"] = ch["current"] - ch["previous"]
    ch["growth_pct"] = (ch["current"] / ch["previous"] - 1) * 100
    s = annual.growth_summary(ch, n_boot=500)
    f = s.loc["followers"]
    assert f["n_units"] == 4
    assert f["total_growth_pct"] == pytest.approx(60 / 1000 * 100)
    assert f["median_growth_pct"] == pytest.approx(10.0)
    assert f["ci_low"] <= f["median_growth_pct"] <= f["ci_high"]
    assert f["share_increased"] == 0.75
    assert f["rank_biserial"] == 1.0  # every non-zero change is up
    r = s.loc["avg_response_time_minutes"]
    assert np.isnan(r["total_growth_pct"])  # an average: summing means nothing
    assert r["improved"] == 0.75 and r["share_increased"] == 0.25  # lower is better
    assert r["rank_biserial"] == pytest.approx((2.5 - 7.5) / 10)  # all |d| tie: 3 down, 1 up


def test_growth_summary_of_no_common_units_is_empty():
    prev = pd.DataFrame({"followers": [1.0]}, index=["a"])
    curr = pd.DataFrame({"followers": [2.0]}, index=["b"])
    s = annual.growth_summary(annual.growth(prev, curr, ["followers"]))
    assert s.empty and "median_growth_pct" in s.columns
    assert annual.describe_growth(s, 2012, 2013) == []


def test_growth_summary_is_reproducible_with_seed():
    rng = np.random.default_rng(1)
    prev = rng.uniform(100, 1000, 40)
    ch = pd.DataFrame(
        {"unit": [str(i) for i in range(40)], "metric": "followers", "previous": prev}
    )
    ch["current"] = prev * rng.uniform(0.9, 1.3, 40)
    ch["change"] = ch["current"] - ch["previous"]
    ch["growth_pct"] = (ch["current"] / ch["previous"] - 1) * 100
    a = annual.growth_summary(ch, seed=5)
    b = annual.growth_summary(ch, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc["followers", "wilcoxon_p"] < 0.001


# --------------------------------------------------------------------------- Top-N
def test_top_changes_entered_left_stayed_and_merged_unit():
    keys = _keys({"A": "a", "B": "b", "C": "c", "D1": "d", "D2": "d", "E": "e"})
    prev = pd.DataFrame({"rank": [1, 2, 3, 4, 5, 6]}, index=["A", "B", "C", "D1", "D2", "E"])
    curr = pd.Series({"A": 3, "B": 9, "C": 1, "D2": 2, "E": 3})  # A and E tie at 3
    top = annual.top_changes(prev, curr, keys, top_n=3)
    assert top["status"].to_dict() == {
        "c": "stayed",
        "d": "entered",
        "a": "stayed",
        "e": "entered",
        "b": "left",
    }
    assert top.loc["d", "rank_previous"] == 4  # best of the merged unit's pages
    assert top.loc["a", "rank_change"] == -2  # 1 → 3: moved down
    assert pd.isna(top.loc["b", "rank_current"]) is False and top.loc["b", "rank_current"] == 9
    sentence = annual.describe_top_changes(top, 2012, 2013, 3)
    assert "2 municipalities were also in the Top-3 of 2012 and 2 entered; 1 left" in sentence


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 12), min_size=6, max_size=6),
    st.lists(st.integers(1, 12), min_size=6, max_size=6),
    st.integers(1, 6),
)
def test_top_changes_partitions_the_two_lists(prev_ranks, curr_ranks, n):
    ids = list("ABCDEF")
    keys = _keys(dict(zip(ids, ["u1", "u1", "u2", "u3", "u4", "u5"], strict=True)))
    prev = pd.Series(prev_ranks, index=ids)
    curr = pd.Series(curr_ranks, index=ids)
    top = annual.top_changes(prev, curr, keys, top_n=n)
    units_prev = set(keys.loc[prev[prev <= n].index, "unit"])
    units_curr = set(keys.loc[curr[curr <= n].index, "unit"])
    assert set(top.index[top["status"].isin(["stayed", "entered"])]) == units_curr
    assert set(top.index[top["status"].isin(["stayed", "left"])]) == units_prev


def test_coverage_counts_units_and_pages():
    keys = _keys({"A": "a", "B": "b", "B2": "b", "C": "c"})
    cov = annual.coverage(["A", "B"], ["B2", "C"], keys)
    assert cov.to_dict() == {
        "both": 1,
        "only_previous": 1,
        "only_current": 1,
        "pages_previous": 2,
        "pages_current": 2,
    }
    assert "1 municipalities have data in both 2012 and 2013" in annual.describe_coverage(
        cov, 2012, 2013
    )


# --------------------------------------------------------------------------- whole run
def _mini_dataset() -> Dataset:
    """Two years, four pages: 'old' (0706 Sandefjord) exists in 2012 only and 'new'
    (3907, the merged Sandefjord) in 2013 only, so they are one unit across the years."""
    pages = pd.DataFrame(
        {
            "page_id": ["oslo", "bergen", "old", "new"],
            "platform": "facebook",
            "name": ["Side O", "Side B", "Side S gammel", "Side S ny"],
            "kommunenummer": ["0301", "1201", "0706", "3907"],
        }
    )
    rows_days, rows_posts, rows_comments = [], [], []
    followers = {
        2012: {"oslo": 1000, "bergen": 800, "old": 300},
        2013: {"oslo": 1500, "bergen": 700, "new": 500},
    }
    for year, pf in followers.items():
        for page, f in pf.items():
            for day in pd.date_range(f"{year}-04-01", f"{year}-04-10"):
                rows_days.append(
                    {"page_id": page, "date": day, "followers": f, "talking_about": f // 10}
                )
            for k in range(3):
                t = pd.Timestamp(f"{year}-04-0{k + 2} 10:00", tz="Europe/Oslo")
                pid = f"{page}_{year}_{k}"
                rows_posts.append(
                    {
                        "post_id": pid,
                        "page_id": page,
                        "created_at": t,
                        "likes": f // 100,
                        "comments": 1,
                        "shares": 1,
                    }
                )
                rows_comments.append(
                    {
                        "comment_id": f"q_{pid}",
                        "post_id": pid,
                        "page_id": page,
                        "created_at": t + pd.Timedelta(minutes=5),
                        "author_id": "p_citizen",
                        "is_page_reply": False,
                        "message": "Når åpner bassenget?",
                    }
                )
                rows_comments.append(
                    {
                        "comment_id": f"r_{pid}",
                        "post_id": pid,
                        "page_id": page,
                        "parent_id": f"q_{pid}",
                        "created_at": t + pd.Timedelta(minutes=65),
                        "author_id": f"page_{page}",
                        "is_page_reply": True,
                        "message": "Klokka 10.",
                    }
                )
    tables = {t: schema.empty(t) for t in schema.TABLES}
    tables["pages"] = schema.coerce_dtypes(pages, "pages")
    tables["page_days"] = schema.coerce_dtypes(pd.DataFrame(rows_days), "page_days")
    tables["posts"] = schema.coerce_dtypes(pd.DataFrame(rows_posts), "posts")
    tables["comments"] = schema.coerce_dtypes(pd.DataFrame(rows_comments), "comments")
    files = pd.DataFrame(columns=["file", "sha256", "table", "rows_in", "kept", "synthetic"])
    return Dataset(Path("mini"), tables, schema.quarantine_frame(), files)


def test_compare_on_two_years_with_a_merger():
    pytest.importorskip("kommunesm.ranking")
    full = _mini_dataset()
    cmp = annual.compare(full, 2013, top_n=2, n_boot=200)
    assert (cmp.previous_year, cmp.year) == (2012, 2013)
    assert cmp.periods[2013][0] == pd.Timestamp("2013-04-01")
    # the retired 0706 page and the new 3907 page are the same unit
    assert set(cmp.unit_metrics[2012].index) == set(cmp.unit_metrics[2013].index)
    assert set(cmp.unit_metrics[2013].index) == {"0301", "4601", "3907"}
    f = cmp.changes[cmp.changes["metric"] == "followers"].set_index("unit")
    assert f.loc["3907", "previous"] == 300 and f.loc["3907", "current"] == 500
    assert f.loc["0301", "growth_pct"] == pytest.approx(50.0)
    assert cmp.coverage["both"] == 3
    assert cmp.merged["unit"].tolist() == ["3907"]
    assert set(cmp.top["status"]) <= {"entered", "left", "stayed"}
    assert len(annual.describe_growth(cmp.summary, 2012, 2013)) == len(cmp.summary)


def test_compare_needs_both_years():
    pytest.importorskip("kommunesm.ranking")
    with pytest.raises(MissingInputError, match="2011"):
        annual.compare(_mini_dataset(), 2012)

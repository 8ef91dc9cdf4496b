"""The thesis' quality indicator, its inverse, and per-inhabitant shares."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunesm.metrics import quality


def test_quality_indicator_scalar_and_series() -> None:
    assert quality.quality_indicator(950, 95) == 10.0
    assert isinstance(quality.quality_indicator(950, 95), float)
    out = quality.quality_indicator(pd.Series([4600.0, 500.0]), pd.Series([230.0, 100.0]))
    assert out.tolist() == [20.0, 5.0]
    assert out.name == "quality_indicator"


def test_zero_talking_about_is_nan_with_warning_never_inf() -> None:
    with pytest.warns(quality.QualityWarning, match="talking_about = 0"):
        out = quality.quality_indicator(pd.Series([100.0, 0.0, 50.0]), pd.Series([0, 0, 5]))
    assert np.isnan(out.iloc[0]) and np.isnan(out.iloc[1])  # 0/0 too
    assert out.iloc[2] == 10.0
    assert not np.isinf(out).any()
    with pytest.warns(quality.QualityWarning):
        assert np.isnan(quality.quality_indicator(10, 0))


def test_missing_inputs_give_nan_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = quality.quality_indicator(pd.Series([np.nan, 100.0]), pd.Series([5.0, np.nan]))
    assert out.isna().all()


def test_series_are_aligned_on_index() -> None:
    f = pd.Series({"A": 100.0, "B": 300.0})
    t = pd.Series({"B": 30.0, "A": 10.0})
    out = quality.quality_indicator(f, t)
    assert out["A"] == 10.0 and out["B"] == 10.0


def test_inverse_and_per_inhabitant() -> None:
    assert quality.talking_about_share(1000, 50) == 0.05
    assert quality.per_inhabitant(5000, 50000) == 0.1
    with pytest.warns(quality.QualityWarning, match="population = 0"):
        assert np.isnan(quality.per_inhabitant(10, 0))
    with pytest.warns(quality.QualityWarning, match="followers = 0"):
        assert np.isnan(quality.talking_about_share(0, 5))


@given(
    f=st.floats(min_value=1, max_value=1e7, allow_nan=False),
    t=st.floats(min_value=1, max_value=1e7, allow_nan=False),
)
def test_indicator_and_share_are_inverse(f: float, t: float) -> None:
    assert quality.quality_indicator(f, t) * quality.talking_about_share(f, t) == pytest.approx(1)


# ----------------------------------------------------------------------------- real pages
def test_comment_volume_reader_gives_979_distinct_snapshots() -> None:
    from kommunesm.io import comment_volume

    snaps = comment_volume.read()
    assert len(snaps) == 979
    assert int(snaps["n_posts"].sum()) == len(pd.read_csv(comment_volume.DEFAULT_PATH)) == 10044
    keys = ["page_likes", "talking_about", "checkins", "category"]
    assert not snaps.duplicated(keys).any()
    assert snaps["snapshot_id"].is_unique
    assert comment_volume.LICENSE == "CC BY 4.0" and "Singh" in comment_volume.CITATION
    # the first snapshot of the file, checked against the raw CSV
    raw = pd.read_csv(comment_volume.DEFAULT_PATH, nrows=1)
    assert snaps.loc[0, "page_likes"] == raw.loc[0, "Page Popularity Likes"]
    assert snaps.loc[0, "talking_about"] == raw.loc[0, "Page Talking About"]
    assert (snaps["talking_about"] == 0).sum() == 4  # → 4 NaN quality indicators


def test_comment_volume_reader_names_bad_rows(tmp_path) -> None:
    from kommunesm.errors import InputError
    from kommunesm.io import comment_volume

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Page Popularity Likes,Page Checkins,Page Talking About,Page Category\n"
        "100,0,5,1\n100,0,mange,1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"bad.csv, row 3, column 'Page Talking About'"):
        comment_volume.read(bad)
    missing = tmp_path / "missing.csv"
    missing.write_text("Page Popularity Likes,Page Checkins\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="Page Talking About|Page Category"):
        comment_volume.read(missing)


def test_describe_correlation_sentence_follows_the_numbers() -> None:
    from kommunesm import stats

    def row(r: float, lo: float, hi: float, p: float, n: int = 50) -> pd.DataFrame:
        return pd.DataFrame(
            [{"method": "spearman", "n": n, "r": r, "ci_low": lo, "ci_high": hi, "p_value": p}]
        )

    text = stats.describe_correlation(row(0.23, 0.17, 0.29, 1e-9), "x", "y", claim_none=True)
    assert "0.23" in text and "weak positive" in text and "contradict" in text
    text = stats.describe_correlation(row(-0.05, -0.3, 0.2, 0.7), "x", "y", claim_none=True)
    # an interval including 0 never gets a strength word, whatever r is
    assert "no demonstrated correlation" in text and "consistent with no correlation" in text
    assert "0.30" in text  # the largest correlation the interval allows
    # the strength is read from the bound nearest 0: r = -0.6 with CI -0.8 to -0.3 is moderate
    text = stats.describe_correlation(row(-0.6, -0.8, -0.3, 0.001), "x", "y")
    assert "moderate negative" in text and "strong" not in text
    text = stats.describe_correlation(row(0.67, -0.001, 0.93, 0.06, n=9), "x", "y")
    assert "strong" not in text and "no demonstrated correlation" in text
    nan = stats.describe_correlation(row(np.nan, np.nan, np.nan, np.nan, n=2), "x", "y")
    assert "cannot be computed" in nan


def test_figure6_shows_both_directions_by_hand() -> None:
    import pandas as pd

    from kommunesm.metrics import quality as q

    tab = pd.DataFrame(
        {"followers": [4600.0, 950.0, 2000.0], "people_talking_about": [92.0, 95.0, 100.0]},
        index=pd.Index(["big", "small", "mid"], name="page_id"),
    )
    fig6 = q.figure6_table(tab)
    # 4600 / 92 = 50, 950 / 95 = 10, 2000 / 100 = 20: the lowest ratio is the best score
    assert fig6["quality_indicator"].to_dict() == {"big": 50.0, "mid": 20.0, "small": 10.0}
    assert fig6["talking_about_share"].to_dict() == {"big": 0.02, "mid": 0.05, "small": 0.1}
    assert fig6["quality_rank"].to_dict() == {"big": 3.0, "mid": 2.0, "small": 1.0}

"""Cross-platform metrics, SSB covariates and the page-year panel (issue 14)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kommunesm import panel
from kommunesm.errors import InputError
from kommunesm.io import ssb
from kommunesm.metrics import platforms

SSB = Path(__file__).parent / "fixtures" / "ssb"
T = pd.Timestamp("2013-04-02 10:00", tz="Europe/Oslo")


def _posts():
    return pd.DataFrame(
        {
            "post_id": ["f1", "f2", "i1", "i2", "x1", "x2"],
            "page_id": ["fb", "fb", "ig", "ig", "x", "x"],
            "platform": ["facebook", "facebook", "instagram", "instagram", "twitter", "twitter"],
            "created_at": [T, T + pd.Timedelta(days=400), T, T, T, T],
            "type": ["photo", "photo", "FEED", "REELS", "tweet", "retweet"],
            "likes": [10, 20, 30, 50, 4, 0],
            "reactions": [12, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA],
            "comments": [2, 4, 1, 3, 1, 0],
            "shares": [1, 0, 0, 0, 2, 90],
            "views": [pd.NA, pd.NA, pd.NA, 900, 300, pd.NA],
            "reactions_like": [10, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA],
            "reactions_love": [2, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA],
            "followers_at_posting": [1000, 1100, 500, 500, 200, 200],
        }
    )


def _pages():
    return pd.DataFrame(
        {
            "page_id": ["fb", "ig", "x"],
            "platform": ["facebook", "instagram", "twitter"],
            "kommunenummer_2024": ["0301", "0301", "3101"],
            "open_wall": [True, True, False],
        }
    )


def test_platform_engagement_bonson_e():
    table = platforms.platform_engagement(_posts(), pages=_pages()).set_index("page_id")
    # facebook: (12+2+1 + 20+4+0) / 2 posts / 1100 followers x 1000 (reactions preferred)
    assert table.loc["fb", "engagement_per_1000"] == pytest.approx((15 + 24) / 2 / 1100 * 1000)
    # instagram: (31 + 53) / 2 / 500 x 1000
    assert table.loc["ig", "engagement_per_1000"] == pytest.approx(84 / 2 / 500 * 1000)
    # the retweet is left out (its metrics are the original's)
    assert table.loc["x", "posts"] == 1 and table.loc["x", "interactions"] == 7
    muni = platforms.municipality_engagement(table.reset_index()).set_index("kommunenummer_2024")
    assert muni.loc["0301", "platforms"] == "facebook+instagram"
    assert muni.loc["0301", "engagement_per_1000"] == pytest.approx((39 + 84) / 4 / 1600 * 1000)


def test_reactions_and_views_only_where_given():
    reactions = platforms.reactions_by_type(_posts(), _pages())
    assert set(reactions["page_id"]) == {"fb"}
    love = reactions.set_index("reaction").loc["love"]
    assert love["count"] == 2 and love["share"] == pytest.approx(2 / 12)
    views = platforms.video_views(_posts(), pages=_pages()).set_index("page_id")
    assert views.loc["ig", "videos"] == 1 and views.loc["ig", "views_per_1000_followers"] == 1800
    assert "fb" not in views.index


def test_response_by_platform():
    times = pd.DataFrame(
        {
            "comment_id": ["q1", "q2", "q3"],
            "page_id": ["fb", "fb", "ig"],
            "answered": [True, False, True],
            "response_minutes": [30.0, np.nan, 90.0],
        }
    )
    out = platforms.response_by_platform(times, pages=_pages()).set_index("platform")
    assert out.loc["facebook", "response_rate"] == 0.5
    assert out.loc["instagram", "median_response_minutes"] == 90.0


def test_definition_changes_flag_what_differs():
    changes = platforms.DEFINITION_CHANGES.set_index("metric")
    assert not changes.loc["followers", "comparable"]
    assert not changes.loc["impressions", "comparable"]
    assert changes.loc["comments", "comparable"]
    assert set(platforms.METRIC_CAVEATS["platform"]) >= {"facebook", "instagram", "tiktok"}


def test_ssb_csv_long_with_symbols_and_harmonised_codes():
    tidy = ssb.read_statbank_csv(SSB / "07459_befolkning_2015.csv")
    by = tidy.set_index("kommunenummer")
    assert by.loc["0301", "value"] == 666759 and by.loc["0301", "name"] == "Oslo"
    assert by.loc["0722", "kommunenummer_2024"] == "3911"  # Nøtterøy -> Færder
    assert pd.isna(by.loc["1718", "value"]) and by.loc["1718", "missing_symbol"] == "not available"
    assert by.loc["0", "kommunenummer_2024"] in ("nan", None) or pd.isna(
        by.loc["0", "kommunenummer_2024"]
    )
    assert tidy["source"].str.contains("07459").all()


def test_ssb_jsonstat_and_covariates():
    area = ssb.read_jsonstat(SSB / "09280_areal_2015.json")
    assert area.set_index("kommunenummer").loc["0301", "value"] == pytest.approx(454.03)
    tidy = pd.concat([ssb.read(SSB / "07459_befolkning_2015.csv"), area])
    cov = ssb.covariates(tidy, rename={"Personer": "population", "Areal (km²)": "area_km2"})
    cov = cov.set_index("kommunenummer_2024")
    # Færder = Nøtterøy + Tjøme (counts and areas are summed over merged codes)
    assert cov.loc["3911", "population"] == 21748 + 4928
    assert cov.loc["3911", "area_km2"] == pytest.approx(60.86 + 39.40)
    # Indre Fosen: Leksvik's population is '..' -> no partial sum
    assert pd.isna(cov.loc["5054", "population"])


def test_ssb_wide_layout_and_bad_cell(tmp_path):
    wide = ssb.read_statbank_csv(SSB / "wide_table_view.csv")
    assert wide["year"].tolist() == [2015, 2015] and set(wide["variable"]) == {"Personer"}
    bad = tmp_path / "bad.csv"
    bad.write_text('"region";"år";"Personer"\n"0301 Oslo";"2015";mange\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        ssb.read_statbank_csv(bad)
    assert "row 2" in str(err.value) and "Personer" in str(err.value)


def test_write_statbank_csv_roundtrip(tmp_path):
    shipped = ssb.shipped_covariates().head(5).assign(year=2015)
    path = ssb.write_statbank_csv(
        shipped,
        tmp_path / "kommunefakta.csv",
        title="Kommunefakta 2015",
        variable_labels={"population": "Personer", "area_km2": "Areal (km²)"},
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith('"Kommunefakta 2015"\n\n"region";"statistikkvariabel";"år";')
    assert '"0101 Halden";"Personer";"2015";30790' in text
    back = ssb.read_statbank_csv(path)
    pop = back[back["variable"] == "Personer"].set_index("kommunenummer")["value"]
    assert pop.loc["0101"] == 30790


def test_page_years_panel_joins_covariates():
    comments = pd.DataFrame(
        {
            "comment_id": ["c1", "r1"],
            "post_id": ["f1", "f1"],
            "page_id": ["fb", "fb"],
            "parent_id": [None, "c1"],
            "created_at": [T, T + pd.Timedelta(minutes=45)],
            "author_id": ["u1", "page:fb"],
            "is_page_reply": [False, True],
            "message": ["Når åpner bassenget?", "Mandag."],
        }
    )
    cov = pd.DataFrame(
        {"kommunenummer_2024": ["0301", "3101"], "year": [2015, 2015], "population": [100, 10]}
    )
    out = panel.page_years(_posts(), comments=comments, pages=_pages(), covariates=cov).set_index(
        ["page_id", "year"]
    )
    assert out.loc[("fb", 2013), "questions"] == 1
    assert out.loc[("fb", 2013), "response_rate"] == 1.0
    assert out.loc[("fb", 2013), "median_response_minutes"] == 45.0
    assert out.loc[("fb", 2014), "posts"] == 1 and out.loc[("fb", 2014), "followers"] == 1100
    assert out.loc[("x", 2013), "log_population"] == pytest.approx(np.log(10))
    assert bool(out.loc[("ig", 2013), "open_wall"]) is True


def test_demo_has_two_platforms_and_two_years(repo):
    from kommunesm.io.dataset import read_dataset

    facebook_only = read_dataset(repo / "data" / "raw")
    assert set(facebook_only.pages["platform"]) == {"facebook"}
    both = read_dataset(repo / "data" / "raw", platforms=True)
    assert set(both.pages["platform"]) == {"facebook", "instagram"}
    ig = both.posts[both.posts["platform"] == "instagram"]
    assert set(ig["created_at"].dt.year) == {2012, 2013}
    assert ig["synthetic"].all() and both.synthetic
    names = both.pages.loc[both.pages["platform"] == "instagram", "name"]
    assert names.str.startswith("Demo-kommune ").all()
    years = panel.page_years(both.posts, page_days=both.page_days, pages=both.pages)
    assert set(years["platform"]) == {"facebook", "instagram"}


def _accounts(ratio: float, noise: float, n: int = 30) -> pd.DataFrame:
    """Engagement per account for n municipalities on Facebook and Instagram, the
    Instagram account ``ratio`` times the Facebook one, times log-normal noise."""
    rng = np.random.default_rng(1)
    fb = rng.lognormal(3, 0.5, n)
    ig = fb * ratio * rng.lognormal(0, noise, n)
    codes = [f"{3000 + i:04d}" for i in range(n)]
    return pd.DataFrame(
        {
            "page_id": [f"fb{i}" for i in range(n)] + [f"ig{i}" for i in range(n)],
            "platform": ["facebook"] * n + ["instagram"] * n,
            "kommunenummer_2024": codes + codes,
            "engagement_per_1000": np.concatenate([fb, ig]),
        }
    )


def test_paired_ratio_interval_and_test():
    from kommunesm import stats

    res = stats.paired_ratio([1, 2, 4, 8, 0, np.nan], [3, 6, 12, 24, 5, 1]).iloc[0]
    assert res["n"] == 4  # the pair with 0 and the pair with a missing value drop out
    assert res["ratio"] == pytest.approx(3.0)
    assert res["ci_low"] == pytest.approx(3.0) and res["ci_high"] == pytest.approx(3.0)
    assert res["p_value"] < 0.2


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_platform_verdict_follows_the_interval(lang):
    clear = platforms.compare_platforms(_accounts(2.0, 0.2)).iloc[0]
    assert clear["ci_low"] > 1 and clear["platform_b"] == "instagram"
    text = platforms.describe_platform_pairs(platforms.compare_platforms(_accounts(2.0, 0.2)), lang)
    assert ("høyere på Instagram" if lang == "nb" else "higher on Instagram") in text
    unclear = platforms.compare_platforms(_accounts(1.0, 1.5))
    row = unclear.iloc[0]
    assert row["ci_low"] <= 1 <= row["ci_high"]
    text = platforms.describe_platform_pairs(unclear, lang)
    assert ("ingen påvist forskjell" if lang == "nb" else "no demonstrated difference") in text
    assert "høyere" not in text and "higher" not in text


def test_platform_conclusion_counts_changed_definitions():
    pairs = platforms.compare_platforms(_accounts(2.0, 0.2))
    text = platforms.describe_conclusion(pairs, None, lang="en")
    changed = int((~platforms.DEFINITION_CHANGES["comparable"]).sum())
    assert f"{changed} of the {len(platforms.DEFINITION_CHANGES)} metrics" in text
    assert "Følgere" not in text  # definitions translated
    assert platforms.describe_platform_pairs(pairs.iloc[:0], "nb").startswith("Ingen plattform")

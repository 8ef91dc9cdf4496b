"""Tests of kommunesm.stats: GRIM, proportions, survey tables, chi-square, regressions."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from kommunesm import demo, registry, stats
from kommunesm.io import published


# --------------------------------------------------------------------------- GRIM
@pytest.mark.parametrize("percent", [63, 42, 8, 96])
def test_grim_consistent_with_24_respondents(percent):
    assert stats.grim(percent, 24)


@pytest.mark.parametrize("percent", [91, 87])
def test_grim_inconsistent_with_24_under_half_up(percent):
    assert not stats.grim(percent, 24, rounding="half_up")
    below, above = stats.nearest_consistent_n(percent, 24)
    assert below == 23  # one respondent not answering the item
    assert stats.grim(percent, below)
    assert all(not stats.grim(percent, m) for m in range(below + 1, 24))
    assert above is not None and stats.grim(percent, above)


def test_grim_rounding_rules_differ_at_ties():
    # 15/24 = 62.5 % exactly: 63 half-up, 62 half-even and truncated
    assert stats.grim_counts(63, 24, rounding="half_up").tolist() == [15]
    assert stats.grim_counts(63, 24, rounding="half_even").tolist() == []
    assert stats.grim_counts(62, 24, rounding="half_even").tolist() == [15]
    assert stats.grim_counts(62, 24, rounding="truncation").tolist() == [15]
    # 22/24 = 91.67 %: truncated to 91
    assert stats.grim(91, 24, rounding="truncation")


def test_grim_with_decimals_and_errors():
    assert stats.grim(41.7, 24, decimals=1)  # 10/24 = 41.666…
    assert not stats.grim(41.6, 24, decimals=1)
    with pytest.raises(ValueError):
        stats.grim(41.67, 24, decimals=1)
    with pytest.raises(ValueError):
        stats.grim(50, 0)
    with pytest.raises(ValueError):
        stats.grim(50, 24, rounding="ceiling")


def _reference_round(k: int, n: int, decimals: int, rule: str) -> Fraction:
    x = Fraction(100 * k, n) * 10**decimals
    floor = x.numerator // x.denominator
    frac = x - floor
    if rule == "truncation":
        r = floor
    elif rule == "half_up":
        r = floor + (1 if frac >= Fraction(1, 2) else 0)
    else:
        r = floor + (1 if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and floor % 2) else 0)
    return Fraction(r, 10**decimals)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 300),
    data=st.data(),
    decimals=st.integers(0, 2),
    rule=st.sampled_from(stats.ROUNDING_RULES),
)
def test_grim_counts_match_exact_rounding(n, data, decimals, rule):
    k = data.draw(st.integers(0, n))
    published_value = _reference_round(k, n, decimals, rule)
    counts = stats.grim_counts(float(published_value), n, decimals, rule)
    assert k in counts.tolist()
    for c in counts.tolist():
        assert _reference_round(c, n, decimals, rule) == published_value


def test_grim_table_on_published_facts():
    facts = published.load("facts")
    tab = stats.grim_table(facts).set_index("item")
    gambit = tab[tab["study"] == "gambit2013"]
    # every published percentage with a base is in the table, including '>50'
    expected = facts[(facts["unit"] == "percent") & facts["n_base"].notna()]
    assert len(tab) == len(expected)
    row = tab.loc["evaluate_own_presence_not_regularly"]
    assert not row["testable"] and pd.isna(row["consistent"]) and "a bound" in row["note"]
    assert tab.loc["no_target_groups_defined", "k"] == 15
    assert tab.loc["no_target_groups_defined", "rules"] == "half-up"
    for item in ("ambition_to_become_better", "want_knowledge_of_other_municipalities"):
        assert not tab.loc[item, "consistent"]
        assert tab.loc[item, "consistent_truncation"]
        assert tab.loc[item, "nearest_n"] == 23
        assert "n = 23" in tab.loc[item, "note"]
    # "Åtte av ti" is recognised as a verbal fraction
    assert tab.loc["information_unit_responsible_for_updates", "verbal"] == "Åtte av ti"
    # only values printed as numbers (precision "exact") are tested: 9, of which 7 fit
    # n = 24; the verbal fractions ("Åtte av ti", "halvparten", "Tre av fire", "alle", …)
    # are listed as not tested, never as inconsistent
    assert gambit["testable"].sum() == 9 and gambit["consistent"].sum() == 7
    verbal = gambit[gambit["precision"] == "verbal"]
    assert len(verbal) and verbal["consistent"].isna().all() and not verbal["testable"].any()
    text = stats.describe_grim(stats.grim_table(facts))
    assert "ambition_to_become_better (91 % of 24; fits n = 23)" in text
    assert "'>50'" in text
    assert "no single rounding rule" in text  # 63 needs half-up, 91 and 87 need truncation


def test_published_proportions_reconstructs_counts_and_wilson():
    pp = stats.published_proportions(published.load("facts")).set_index("item")
    row = pp.loc["page_would_continue_if_responsible_quit"]
    assert row["k"] == 10 and row["n"] == 24
    lo, hi = proportion_confint(10, 24, method="wilson")
    assert row["ci_low"] == pytest.approx(100 * lo) and row["ci_high"] == pytest.approx(100 * hi)
    assert pp.loc["ambition_to_become_better", "k"] == 22
    assert "not consistent" in pp.loc["ambition_to_become_better", "k_basis"]
    assert pd.isna(pp.loc["evaluate_own_presence_not_regularly", "k"])
    assert pp["small_n"].all()
    assert (pp["source"] == "Johnsen, Jørgensen & Aaneland (2013)").all()


# --------------------------------------------------------------------------- proportions
@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 500), data=st.data(), conf=st.sampled_from([0.9, 0.95, 0.99]))
def test_wilson_equals_statsmodels(n, data, conf):
    k = data.draw(st.integers(0, n))
    res = stats.proportion_ci(k, n, confidence=conf)
    lo, hi = proportion_confint(k, n, alpha=1 - conf, method="wilson")
    assert res["ci_low"].iloc[0] == pytest.approx(lo, abs=1e-12)
    assert res["ci_high"].iloc[0] == pytest.approx(hi, abs=1e-12)


def test_two_proportions_newcombe_reference():
    # Newcombe (1998), Table II example (e): 56/70 vs 48/80 -> method 10: 0.0524 to 0.3339
    res = stats.two_proportions(56, 70, 48, 80)
    assert res["difference"].iloc[0] == pytest.approx(0.2)
    assert res["ci_low"].iloc[0] == pytest.approx(0.0524, abs=5e-4)
    assert res["ci_high"].iloc[0] == pytest.approx(0.3339, abs=5e-4)


def test_two_proportions_difi_from_facts():
    facts = published.load("facts").set_index("item")
    k1, n1 = (
        int(facts.loc["ministries_responded", "value_num"]),
        int(facts.loc["ministries_sent", "value_num"]),
    )
    k2, n2 = (
        int(facts.loc["agencies_responded", "value_num"]),
        int(facts.loc["agencies_sent", "value_num"]),
    )
    res = stats.two_proportions(k1, n1, k2, n2, labels=("departementer", "etater"))
    r = res.iloc[0]
    assert (r["k_a"], r["n_a"], r["k_b"], r["n_b"]) == (11, 17, 89, 108)
    assert r["ci_low"] < 0 < r["ci_high"]
    assert 0.05 < r["p_value"] < 0.2
    text = stats.describe_two_proportions(res, what="response rate")
    assert "65%" in text and "82%" in text and "includes zero" in text
    with pytest.raises(ValueError):
        stats.two_proportions(5, 4, 1, 2)


def test_small_n_note():
    assert stats.small_n_note(100) == ""
    assert "n = 24" in stats.small_n_note([24, 100])


# --------------------------------------------------------------------------- survey tables
def _survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "respondent_id": ["a", "b", "c", "d", "e"] * 2,
            "question_id": ["Q1"] * 5 + ["Q2"] * 5,
            "answer": [
                "Ja",
                "Ja",
                "Nei",
                "Vet ikke",
                None,
                "Enig",
                "Uenig",
                "Enig",
                "Enig",
                "Enig",
            ],
            "group": ["x", "x", "y", "y", "y"] * 2,
        }
    )


def test_survey_table_counts_and_bases():
    tab = stats.survey_table(_survey())
    q1 = tab[tab["question_id"] == "Q1"].set_index("answer")
    assert q1.loc["Ja", "k"] == 2 and q1.loc["Ja", "n"] == 3
    assert q1.loc["Ja", "n_dont_know"] == 1 and q1.loc["Ja", "n_missing"] == 1
    lo, hi = proportion_confint(2, 3, method="wilson")
    assert q1.loc["Ja", "ci_low"] == pytest.approx(100 * lo)
    assert tab["small_n"].all() and "Small sample" in stats.describe_survey_table(tab)
    with_dk = stats.survey_table(_survey(), include_dont_know=True)
    q1dk = with_dk[with_dk["question_id"] == "Q1"].set_index("answer")
    assert q1dk.loc["Ja", "n"] == 4
    assert q1dk.loc["Vet ikke / don't know", "k"] == 1


def test_survey_table_by_group_adds_up():
    tab = stats.survey_table(_survey(), by="group")
    q2 = tab[tab["question_id"] == "Q2"]
    assert q2["k"].sum() == 5
    assert set(q2["group"]) == {"x", "y"}
    assert "questions; bases" in stats.describe_survey_table(tab)


def test_survey_table_multi_choice_options():
    s = pd.DataFrame(
        {
            "respondent_id": ["a", "a", "b", "b", "c", "c"],
            "question_id": ["Q3_fb", "Q3_tw"] * 3,
            "answer": ["1", "0", "1", "1", None, None],
            "answer_type": ["valid"] * 4 + ["missing"] * 2,
            "item": ["Q3"] * 6,
            "option": ["Facebook", "Twitter"] * 3,
            "scale": "multi",
        }
    )
    tab = stats.survey_table(s).set_index("answer")
    assert tab.loc["Facebook", "k"] == 2 and tab.loc["Facebook", "n"] == 2
    assert tab.loc["Twitter", "k"] == 1 and tab.loc["Twitter", "n_missing"] == 1


# --------------------------------------------------------------------------- chi-square
def test_chi_square_tidy_with_bootstrap_ci():
    rng = np.random.default_rng(0)
    x = rng.choice(["a", "b"], 400)
    y = np.where((x == "a") & (rng.random(400) < 0.4), "yes", rng.choice(["yes", "no"], 400))
    res = stats.chi_square(pd.DataFrame({"x": x, "y": y}), "x", "y").iloc[0]
    assert res["n"] == 400 and res["p_value"] < 0.01
    assert res["ci_low"] <= res["cramers_v"] <= res["ci_high"]
    assert res["warning"] == ""
    small = stats.chi_square(pd.DataFrame({"x": list("aabb"), "y": list("xyxx")}), "x", "y")
    assert "Fisher" in small["warning"].iloc[0]


# --------------------------------------------------------------------------- regressions
@pytest.fixture(scope="module")
def pages():
    rng = np.random.default_rng(42)
    n = 150
    df = pd.DataFrame({"population": np.exp(rng.normal(9, 1.1, n))})
    df["followers"] = np.exp(0.5 + 0.4 * np.log(df["population"]) + rng.normal(0, 0.5, n))
    df.loc[0, "followers"] = 0  # log(0) must be dropped and counted
    df.loc[1, "population"] = np.nan
    return df


def test_ols_log_log_recovers_elasticity(pages):
    res = stats.ols("np.log(followers) ~ np.log(population)", pages)
    row = res.table.set_index("term").loc["np.log(population)"]
    assert row["ci_low"] < 0.4 < row["ci_high"]
    assert res.summary["n"].iloc[0] == 148 and res.summary["n_dropped"].iloc[0] == 2
    assert res.summary["cov_type"].iloc[0] == "HC3"
    assert 0 < row["partial_r2"] < 1 and 0 < row["effect"] < 1
    text = stats.describe_regression(
        res, "np.log(population)", x_label="population", y_label="followers", synthetic=True
    )
    assert text.startswith("A 10% larger population goes with")
    assert "clear positive association" in text and "synthetic" in text


def test_describe_regression_no_effect():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"x": rng.normal(size=80), "z": rng.normal(size=80)})
    df["y"] = df["z"] + rng.normal(size=80)
    res = stats.ols("y ~ x + z", df)
    text = stats.describe_regression(res, "x", labels={"z": "size"})
    row = res.table.set_index("term").loc["x"]
    if row["ci_low"] < 0 < row["ci_high"]:
        assert "do not show an association, holding size constant" in text
    with pytest.raises(KeyError):
        stats.describe_regression(res, "w")


def test_negbin_with_cluster_and_diagnostics():
    rng = np.random.default_rng(7)
    pages = pd.DataFrame({"page_id": np.arange(60), "freq": rng.gamma(2, 2, 60)})
    posts = pages.loc[rng.integers(0, 60, 1500)].reset_index(drop=True)
    mu = np.exp(0.2 + 0.1 * posts["freq"])
    posts["comments"] = rng.negative_binomial(1.5, 1.5 / (1.5 + mu))
    res = stats.negbin("comments ~ freq", posts, cluster="page_id")
    row = res.table.set_index("term").loc["freq"]
    assert row["effect_name"] == "IRR"
    assert row["effect_ci_low"] < np.exp(0.1) < row["effect_ci_high"]
    assert res.summary["n_clusters"].iloc[0] == posts["page_id"].nunique()
    assert res.summary["alpha"].iloc[0] > 0
    diag = res.residuals()
    assert len(diag) == len(posts) and "quantile_resid" in diag.columns
    assert abs(diag["quantile_resid"].mean()) < 0.15
    checks = stats.diagnostic_tests(res)
    assert "Pearson dispersion (chi2 / df)" in checks["check"].tolist()
    text = stats.describe_regression(res, "freq", x_label="posts per week", y_label="comments")
    assert "multiplies the expected comments by" in text


def test_ols_residual_data_and_glm(pages):
    res = stats.ols("np.log(followers) ~ np.log(population)", pages, robust=None)
    diag = stats.residual_data(res)
    assert {"fitted", "std_resid", "leverage", "cooks_d", "qq_theoretical"} <= set(diag.columns)
    assert diag["leverage"].sum() == pytest.approx(2.0)  # trace of the hat matrix = #params
    tests = stats.diagnostic_tests(res)
    assert tests["check"].str.contains("Breusch-Pagan").any()
    df = pd.DataFrame({"x": np.arange(40.0) % 5, "y": (np.arange(40) % 3 == 0).astype(int)})
    logit = stats.glm("y ~ x", df, family="binomial")
    assert logit.table["effect_name"].iloc[1] == "odds ratio"
    with pytest.raises(ValueError):
        stats.glm("y ~ x", df, family="weibull")


# --------------------------------------------------------------------------- descriptive
def test_coverage_by_county_and_quarantine_summary():
    reg = pd.DataFrame(
        {"kommunenummer": ["0101", "0104", "0211", "0301"], "county": ["Ø", "Ø", "A", "O"]}
    )
    pages = pd.DataFrame(
        {"page_id": ["p1", "p2", "p3", "p4"], "kommunenummer": ["0101", "0101", "0211", None]}
    )
    cov = stats.coverage_by_county(pages, reg).set_index("county")
    assert cov.loc["Ø", "with_page"] == 1 and cov.loc["Ø", "pages"] == 2
    assert cov.loc["Ø", "share"] == pytest.approx(50.0)
    assert cov.loc["O", "with_page"] == 0
    assert (
        cov.loc["Hele landet", "with_page"] == 2 and cov.loc["Hele landet", "municipalities"] == 4
    )
    assert cov.loc["(ukjent kommune)", "pages"] == 1
    q = pd.DataFrame(
        {
            "source_file": ["a.csv"] * 3,
            "source_row": [2, 5, 9],
            "column": ["x", "x", "y"],
            "value": "",
            "reason": ["bad", "bad", "worse"],
        }
    )
    summ = stats.quarantine_summary(q)
    assert summ.iloc[0]["rows"] == 2 and summ.iloc[0]["example_rows"] == "2, 5"
    assert len(stats.quarantine_summary(q.iloc[:0])) == 0


def test_adoption_series_from_facts():
    series = published.adoption_series(published.load("facts"))
    official = series[series["series"] == "official page"].set_index("table")
    assert official.loc["jan2013", "count"] == 210 and official.loc["jan2013", "n"] == 428
    assert official.loc["apr2015", "share"] == pytest.approx(100 * 335 / 428)
    # the computed share agrees with the percentage the source printed
    assert (official["share"] - official["published_percent"]).abs().dropna().max() < 0.5
    assert str(official.loc["dec2015", "date"].date()) == "2015-10-30"
    assert series["date"].is_monotonic_increasing
    assert series["source"].notna().all() and series["date_basis"].notna().all()
    assert set(series["study"]) >= {"areca2010", "thesis2012", "ialloffentlighet"}


def test_describe_built_in_effects():
    text = demo.describe_built_in_effects(["fast_responders", "no_such_effect"])
    if demo.BUILT_IN_EFFECTS:
        assert "fast_responders" in text and "put in by the generator" in text
    assert demo.describe_built_in_effects(["no_such_effect"]) == ""


def test_harmonisation_table_statuses():
    codes = pd.Series(["0722", "1613", "0301", "0301", "9999", None, "0101"])
    tab = registry.harmonisation_table(codes, year=2013).set_index("kommunenummer")
    assert tab.loc["0722", "kommunenummer_2024"] == "3911"
    assert tab.loc["0722", "status"] == "merged"  # Nøtterøy + Tjøme -> Færder
    assert tab.loc["1613", "status"] == "split (ambiguous)"
    assert pd.isna(tab.loc["1613", "kommunenummer_2024"])
    assert tab.loc["0301", "status"] == "unchanged" and tab.loc["0301", "pages"] == 2
    assert tab.loc["0101", "status"] == "new code"
    assert tab.loc["9999", "status"] == "unknown"
    assert tab["pages"].sum() == len(codes)


def test_data_periods():
    t = pd.Timestamp("2013-04-01 10:00", tz="Europe/Oslo")
    tables = {
        "posts": pd.DataFrame({"created_at": [t, t + pd.Timedelta(days=9)]}),
        "page_days": pd.DataFrame({"date": pd.to_datetime(["2012-04-01", "2013-08-01"])}),
        "comments": pd.DataFrame({"created_at": pd.Series([], dtype="datetime64[us, UTC]")}),
    }
    per = stats.data_periods(tables).set_index("table")
    assert per.loc["posts", "days"] == 10 and per.loc["posts", "rows"] == 2
    assert per.loc["page_days", "years"] == "2012, 2013"
    assert "comments" not in per.index


def test_vectorised_rank_biserial_bootstrap_equals_scipy_per_resample():
    """The vectorised bootstrap gives, resample by resample, scipy's U."""
    from scipy import stats as sps

    from kommunesm.stats.inference import _bootstrap_rank_biserial

    rng = np.random.default_rng(7)
    a = rng.integers(0, 4, 9).astype(float)
    b = rng.integers(0, 4, 13).astype(float)
    ours = _bootstrap_rank_biserial(a, b, 50, seed=11)
    again = np.random.default_rng(11)
    ra = a[again.integers(0, len(a), size=(50, len(a)))]
    rb = b[again.integers(0, len(b), size=(50, len(b)))]
    ref = [
        2 * sps.mannwhitneyu(x, y).statistic / (len(a) * len(b)) - 1
        for x, y in zip(ra, rb, strict=True)
    ]
    np.testing.assert_allclose(ours, ref)


def test_correlation_table_matches_correlation_row_by_row():
    rng = np.random.default_rng(2)
    t = pd.DataFrame({"x": rng.normal(size=30), "a": rng.normal(size=30), "b": rng.normal(size=30)})
    out = stats.correlation_table({"all": t, "head": t.head(10)}, "x", ["a", "b"])
    assert list(zip(out["pages"], out["y"], out["method"], strict=True))[:3] == [
        ("all", "a", "spearman"),
        ("all", "a", "pearson"),
        ("all", "b", "spearman"),
    ]
    ref = stats.correlation(t.head(10)["x"], t.head(10)["b"], method="pearson")
    assert out.iloc[-1]["r"] == pytest.approx(ref.loc[0, "r"])
    assert out.iloc[-1]["n"] == 10


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.05, 1.0, float("nan")])),
        min_size=1,
        max_size=25,
    )
)
def test_adjust_pvalues_holm_equals_statsmodels(values):
    from statsmodels.stats.multitest import multipletests

    p = np.array(values, dtype="float64")
    got = stats.adjust_pvalues(p)
    ok = np.isfinite(p)
    expected = np.full_like(p, np.nan)
    if ok.any():
        expected[ok] = multipletests(p[ok], method="holm")[1]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0, equal_nan=True)


def test_adjust_pvalues_other_methods_go_to_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = np.array([0.001, 0.02, np.nan, 0.04, 0.3])
    for method in ("fdr_bh", "bonferroni", "hommel"):
        got = stats.adjust_pvalues(p, method=method)
        assert np.isnan(got[2])
        expected = multipletests(p[[0, 1, 3, 4]], method=method)[1]
        np.testing.assert_allclose(got[[0, 1, 3, 4]], expected, rtol=1e-12)

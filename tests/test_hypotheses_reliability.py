"""Reliability: our Krippendorff's alpha against the ``krippendorff`` package and the
published example of Krippendorff (2011); Cohen's kappa against statsmodels; the tidy
``reliability`` table on a fixed coding table; automatic-vs-human agreement."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from kommunesm.hypotheses.reliability import (
    auto_agreement,
    cohen_kappa,
    krippendorff_alpha,
    reliability_table,
)

NAN = np.nan
#: Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 coders,
#: 12 units, values 1-5 with missing values. Published: nominal 0.743, ordinal 0.815,
#: interval 0.849.
K2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_alpha_reproduces_krippendorff_2011(level, published):
    assert krippendorff_alpha(K2011, level=level) == pytest.approx(published, abs=5e-4)


def test_alpha_matches_krippendorff_package_on_random_tables():
    rng = np.random.default_rng(5)
    checked = 0
    for _ in range(60):
        coders, units, cats = rng.integers(2, 5), rng.integers(4, 20), rng.integers(2, 4)
        data = rng.integers(0, cats, size=(coders, units)).astype(float)
        data[rng.random(data.shape) < 0.2] = np.nan
        if len(np.unique(data[np.isfinite(data)])) < 2:
            continue
        for level in ("nominal", "ordinal"):
            ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
            assert krippendorff_alpha(data, level=level) == pytest.approx(ref, abs=1e-9)
            checked += 1
    assert checked > 80


def test_alpha_edge_cases():
    assert np.isnan(krippendorff_alpha(np.array([[1, 1, 1], [1, 1, 1]])))  # no variation
    assert krippendorff_alpha(np.array([[0, 1, 2, 1], [0, 1, 2, 1]])) == 1.0
    # unpairable units (one coder only) do not count
    a = krippendorff_alpha(np.array([[0, 1, 2, 1, 2], [0, 1, 2, 1, NAN]]))
    assert a == 1.0


def test_cohen_kappa_matches_statsmodels():
    a = [0, 1, 2, 2, 1, 0, 2, 1, 1, 0, 2, 2]
    b = [0, 2, 2, 1, 1, 0, 2, 0, 1, 1, 2, 1]
    table = np.zeros((3, 3))
    np.add.at(table, (a, b), 1)
    for ours, theirs in ((None, None), ("linear", "linear"), ("quadratic", "quadratic")):
        expected = cohens_kappa(table, wt=theirs).kappa
        assert cohen_kappa(a, b, weights=ours) == pytest.approx(expected)
    # hand check of plain kappa: po = 0.75, pe = 0.5 → 0.5
    assert cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0], weights=None) == pytest.approx(0.5)


def _fixed_coding() -> pd.DataFrame:
    """Two coders, 8 pages on H1 (three-level) and 8 posts on H5 (1/0)."""
    a = ["Bra", "Bra", "Kan bli bedre", "Dårlig", "Dårlig", "Bra", "Kan bli bedre", "Dårlig"]
    b = ["Bra", "Kan bli bedre", "Kan bli bedre", "Dårlig", "Kan bli bedre", "Bra", "Bra", "Dårlig"]
    a5 = ["1", "1", "0", "0", "1", "0", "0", "0"]
    b5 = ["1", "0", "0", "0", "1", "0", "0", "1"]
    rows = []
    for coder, h1, h5 in (("A", a, a5), ("B", b, b5)):
        rows += [
            {"unit_id": f"p{i}", "hypothesis": "H1", "coder": coder, "value": v}
            for i, v in enumerate(h1)
        ]
        rows += [
            {"unit_id": f"q{i}", "hypothesis": "H5", "coder": coder, "value": v}
            for i, v in enumerate(h5)
        ]
    rows.append({"unit_id": "p0", "hypothesis": "H1", "coder": "auto", "value": "Dårlig"})
    return pd.DataFrame(rows)


def test_reliability_table_on_fixed_coding():
    coding = _fixed_coding()
    rel = reliability_table(coding, n_boot=500, seed=1)
    assert rel.index.tolist() == ["H1", "H5"]
    assert {"alpha_ordinal", "alpha_nominal", "kappa_weighted"} <= set(rel.columns)
    score = {"Bra": 2, "Kan bli bedre": 1, "Dårlig": 0}
    h1 = coding[(coding["hypothesis"] == "H1") & (coding["coder"] != "auto")]
    mat = h1.assign(s=h1["value"].map(score)).pivot(index="coder", columns="unit_id", values="s")
    data = mat.to_numpy(dtype=float)
    for level in ("ordinal", "nominal"):
        ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert rel.loc["H1", f"alpha_{level}"] == pytest.approx(ref)
    assert rel.loc["H1", "kappa_weighted"] == pytest.approx(
        cohen_kappa(data[0], data[1], weights="linear")
    )
    assert rel.loc["H1", "percent_agreement"] == pytest.approx(5 / 8)
    assert rel.loc["H1", "n_units"] == 8 and rel.loc["H1", "n_coders"] == 2  # auto left out
    assert rel.loc["H1", "scale"] == "ordinal" and rel.loc["H5", "scale"] == "binary"
    # yes/no codes: ordinal = nominal alpha, kappa unweighted
    assert rel.loc["H5", "alpha_ordinal"] == pytest.approx(rel.loc["H5", "alpha_nominal"])
    assert rel.loc["H5", "kappa_weights"] == "none"
    for est in ("alpha_ordinal", "alpha_nominal"):
        assert (
            rel.loc["H1", f"{est}_ci_low"] <= rel.loc["H1", est] <= rel.loc["H1", f"{est}_ci_high"]
        )
    assert rel.loc["H1", "kappa_ci_low"] < rel.loc["H1", "kappa_ci_high"]
    # same seed, same intervals
    again = reliability_table(coding, n_boot=500, seed=1)
    pd.testing.assert_frame_equal(rel, again)


def test_reliability_three_coders_has_no_kappa():
    coding = _fixed_coding()
    third = coding[coding["coder"] == "A"].assign(coder="C")
    rel = reliability_table(pd.concat([coding, third]), n_boot=0)
    assert rel.loc["H1", "n_coders"] == 3
    assert np.isnan(rel.loc["H1", "kappa_weighted"])
    assert np.isnan(rel.loc["H1", "alpha_ordinal_ci_low"])  # n_boot=0: no interval


def test_auto_agreement_with_wide_auto_codes():
    coding = _fixed_coding()
    auto = pd.DataFrame(
        {"H5_du_form": [True, True, False, False, True, False, False, False]},
        index=[f"q{i}" for i in range(8)],
    )
    agree = auto_agreement(coding, auto, n_boot=200)
    assert agree.index.tolist() == [("H5", "A"), ("H5", "B")]
    assert agree.loc[("H5", "A"), "agreement"] == 1.0
    assert agree.loc[("H5", "A"), "kappa"] == pytest.approx(1.0)
    # coder B: 6 of 8 agree; B says yes on q0, q4, q7; auto on q0, q1, q4
    row = agree.loc[("H5", "B")]
    assert row["agreement"] == pytest.approx(6 / 8)
    assert row["precision"] == pytest.approx(2 / 3) and row["recall"] == pytest.approx(2 / 3)
    assert row["prevalence_auto"] == pytest.approx(3 / 8)
    # ratings as auto codes (page level)
    pages = pd.DataFrame({"H1": ["Bra"] * 8}, index=[f"p{i}" for i in range(8)])
    assert auto_agreement(coding, pages, n_boot=0).loc[("H1", "A"), "agreement"] == 3 / 8


def test_scale_is_read_from_the_labels_not_the_scores():
    """A three-level hypothesis where nobody used 'Bra' is still ordinal (weighted kappa
    over three categories), and yes/no codes with a missing cell stay binary."""
    coding = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c", "d"] * 2 + ["a", "b", "c", "d"] * 2,
            "hypothesis": ["H1"] * 8 + ["H5"] * 8,
            "coder": (["A"] * 4 + ["B"] * 4) * 2,
            "value": ["Dårlig", "Kan bli bedre", "Dårlig", "Kan bli bedre"]
            + ["Dårlig", "Dårlig", "Dårlig", "Kan bli bedre"]
            + ["1", "0", "1", None]
            + ["1", "0", "0", "0"],
        }
    )
    rel = reliability_table(coding, n_boot=0)
    assert rel.loc["H1", "scale"] == "ordinal" and rel.loc["H1", "kappa_weights"] == "linear"
    assert rel.loc["H5", "scale"] == "binary" and rel.loc["H5", "n_units"] == 3
    assert rel.loc["H1", "kappa_weighted"] == pytest.approx(
        cohen_kappa([0, 1, 0, 1], [0, 0, 0, 1], weights="linear", categories=[0, 1, 2])
    )
    auto = pd.DataFrame({"H1": ["Dårlig"] * 4}, index=list("abcd"))
    assert auto_agreement(coding, auto, n_boot=0).loc[("H1", "A"), "agreement"] == 0.5

"""Mixed model on the municipality-year panel (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kommunesm.stats import describe_mixed, mixed_model


def _panel(seed=1, slope=0.5, n_muni=60):
    rng = np.random.default_rng(seed)
    muni = np.repeat(np.arange(n_muni), 4)
    platform = np.tile(["facebook", "instagram"], n_muni * 2)
    year = np.tile(np.repeat([2012, 2013], 2), n_muni)
    log_pop = rng.normal(9, 1, n_muni)[muni]
    u = rng.normal(0, 0.4, n_muni)[muni]
    y = 1 + slope * log_pop + 0.3 * (platform == "instagram") + u + rng.normal(0, 0.3, len(muni))
    return pd.DataFrame(
        {
            "kommunenummer_2024": pd.Series(muni).astype("str").str.zfill(4),
            "platform": platform,
            "year": year,
            "log_population": log_pop,
            "y": y,
        }
    )


def test_mixedlm_recovers_slope_with_ci():
    table = mixed_model(_panel(), "y ~ log_population + C(platform)")
    row = table.set_index("term").loc["log_population"]
    assert row["ci_low"] < 0.5 < row["ci_high"]
    assert abs(row["estimate"] - 0.5) < 0.15
    assert row["n_groups"] == 60 and row["n_obs"] == 240 and bool(row["converged"])
    assert 0.3 < row["icc"] < 0.9 and table["icc"].nunique() == 1  # the municipality effect is real
    assert 0 < row["std_effect"] < 1


def test_gee_and_missing_rows():
    data = _panel()
    data.loc[:9, "y"] = np.nan
    table = mixed_model(data, "y ~ log_population", method="gee")
    assert (table["n_dropped"] == 10).all() and table["icc"].isna().all()
    row = table.set_index("term").loc["log_population"]
    assert row["ci_low"] < 0.5 < row["ci_high"]


def test_no_effect_is_not_found():
    table = mixed_model(_panel(seed=3, slope=0.0), "y ~ log_population")
    row = table.set_index("term").loc["log_population"]
    assert row["ci_low"] < 0 < row["ci_high"]


def test_needs_two_groups():
    data = _panel().assign(kommunenummer_2024="0301")
    with pytest.raises(ValueError, match="at least 2 groups"):
        mixed_model(data, "y ~ log_population")


def test_describe_mixed_words_and_percent():
    data = _panel().assign(year=lambda d: d["year"].astype("Int64"))
    table = mixed_model(data, "y ~ log_population + C(year)")
    assert "C(year)[T.2013]" in set(table["term"])  # a year stays a whole number
    text = describe_mixed(
        table, "C(year)[T.2013]", x_label="2013", y_label="y", log_outcome=True, lang="en"
    )
    assert text.startswith("Compared with the reference level, 2013 goes with")
    assert "%" in text and "60 municipalities" in text
    nb = describe_mixed(table, "log_population", x_label="log folketall", y_label="y")
    assert nb.startswith("Én enhet mer log folketall henger sammen med")
    assert "KI" in nb and "60 kommunene" in nb

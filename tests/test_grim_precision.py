"""GRIM and the consistency checks apply only to values printed as numbers
(``precision`` = exact in facts.csv): verbal fractions and bounds are listed, not tested."""

from __future__ import annotations

import pandas as pd
import pytest

from kommunesm import stats
from kommunesm.io import published


def _facts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "study": "s",
            "table": "survey",
            "item": ["exact_ok", "exact_bad", "verbal", "bound"],
            "value": ["42", "91", "80", ">50"],
            "unit": "percent",
            "n_base": [24, 24, 24, 24],
            "source": "x",
            "locator": "s. 1",
            "note": [None, None, '"Åtte av ti"', '"Over halvparten"'],
            "precision": ["exact", "exact", "verbal", "bound"],
        }
    )


def test_grim_tests_only_exact_values():
    t = stats.grim_table(_facts()).set_index("item")
    assert t["testable"].tolist() == [True, True, False, False]
    assert t.loc["exact_ok", "consistent"] and not t.loc["exact_bad", "consistent"]
    assert pd.isna(t.loc["verbal", "consistent"]) and pd.isna(t.loc["bound", "consistent"])
    assert "verbal fraction" in t.loc["verbal", "note"] and "Åtte av ti" in t.loc["verbal", "note"]
    assert t.loc["bound", "note"].startswith("not tested: '>50' is a bound")
    assert t["precision"].tolist() == ["exact", "exact", "verbal", "bound"]
    text = stats.describe_grim(stats.grim_table(_facts()))
    flagged = text.split("not consistent: ")[1].split(";")[0]
    assert "exact_bad" in flagged and "verbal" not in flagged
    assert "1 are verbal fractions" in text
    # 80 % of 24 is impossible (19/24 = 79.2 %, 20/24 = 83.3 %): without the precision
    # column the verbal value would be flagged, as it was before
    legacy = stats.grim_table(_facts().drop(columns="precision")).set_index("item")
    assert not legacy.loc["verbal", "consistent"]


def test_published_proportions_count_verbal_fractions_approximately():
    pp = stats.published_proportions(_facts(), study="s").set_index("item")
    assert pp.loc["verbal", "k"] == 19
    assert pp.loc["verbal", "k_basis"] == "verbal fraction: approximate count, no GRIM"
    assert pd.isna(pp.loc["verbal", "consistent"])
    assert pp.loc["exact_bad", "k_basis"].startswith("nearest count")


def test_packaged_facts_no_longer_call_atte_av_ti_inconsistent():
    facts = published.load("facts")
    assert "precision" in facts.columns and len(facts) == 142
    t = stats.grim_table(facts).set_index("item")
    row = t.loc["information_unit_responsible_for_updates"]
    assert row["precision"] == "verbal" and not row["testable"] and pd.isna(row["consistent"])
    text = stats.describe_grim(t.reset_index())
    assert (
        "information_unit_responsible_for_updates"
        not in text.split("not consistent: ")[1].split(";")[0]
    )
    # the new Difi rows are tested where they are exact
    assert bool(t.loc["use_social_media_externally", "consistent"])


def test_fact_checks_on_the_published_facts():
    res = stats.fact_checks(published.load("facts")).set_index("check")
    assert res["applicable"].all() and res["consistent"].all()
    assert res.loc["difi_sent", "computed"] == 125
    assert res.loc["ioff_2013_likers_per_page", "computed"] == pytest.approx(155000 / 210)


def test_fact_checks_flag_errors_and_skip_verbal_or_bound_values():
    facts = pd.DataFrame(
        {
            "study": "s",
            "table": "t",
            "item": ["a", "b", "total", "share", "vague"],
            "value": ["10", "6", "15", "61", ">50"],
            "n_base": [None, None, None, None, None],
            "precision": ["exact", "exact", "exact", "exact", "bound"],
        }
    )
    checks = [
        stats.FactCheck("sum", "a + b = total", "s", ("a", "b"), "sum", stated=("total",)),
        stats.FactCheck("pct", "a / b", "s", ("a", "b"), "ratio", stated=167.0, scale=100),
        stats.FactCheck("bound", "vague + a", "s", ("vague", "a"), "sum", stated=60.0),
    ]
    res = stats.fact_checks(facts, checks).set_index("check")
    assert not res.loc["sum", "consistent"] and res.loc["sum", "note"].startswith("NOT")
    assert res.loc["pct", "consistent"]  # 166.67 rounds to 167
    assert not res.loc["bound", "applicable"] and pd.isna(res.loc["bound", "consistent"])
    assert "is bound, not a number printed exactly" in res.loc["bound", "note"]

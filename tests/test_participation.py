"""Participation profiles, the 90-9-1 comparison and concentration, on hand-made tables."""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from conftest import SHARED
from kommunesm import participation as P
from kommunesm import plots
from kommunesm.errors import InputError
from kommunesm.io import published

SEED = SHARED / "seeds" / "003_72a3ab6728cc1670.txt"


def act(rows, community="#x"):
    """Activity from (actor, action) pairs."""
    return pd.DataFrame(
        {
            "actor_id": [a for a, _ in rows],
            "community": community,
            "action": [b for _, b in rows],
        }
    )


# a: post + retweet -> creator; b: retweet; c: reply -> contributors; d: view -> consumer
NIELSEN_ROWS = [("a", "post"), ("a", "retweet"), ("b", "retweet"), ("c", "reply"), ("d", "view")]
# forrester: a creator, b critic (like + reply), c collector, d joiner, e spectator
FORRESTER_ROWS = [
    ("a", "post"),
    ("a", "view"),
    ("b", "like"),
    ("b", "reply"),
    ("c", "retweet"),
    ("d", "follow"),
    ("e", "view"),
    ("e", "view"),
]


# --------------------------------------------------------------------------- mapping
def test_mapping_table_is_the_thesis_figure_3():
    t = P.mapping_table()
    assert t["forrester_level"].tolist() == [
        "creators",
        "critics",
        "collectors",
        "joiners",
        "spectators",
        "inactives",
    ]
    assert t["label_no"].tolist() == [
        "Skapere",
        "Kommentatorer",
        "Samlere",
        "Deltakere",
        "Tilskuere",
        "Inaktive",
    ]
    groups = t.drop_duplicates("nielsen_group")
    assert groups["nielsen_no"].tolist() == ["Innholdsprodusenter", "Bidragsytere", "Konsumenter"]
    assert groups["nielsen_share"].tolist() == [0.01, 0.09, 0.90]
    # commentators and collectors are the 9 %, the three lowest rungs the 90 %
    assert t.groupby("nielsen_group")["forrester_level"].size().to_dict() == {
        "consumers": 3,
        "contributors": 2,
        "creators": 1,
    }


@pytest.mark.skipif(not SEED.exists(), reason="seed documents not available")
def test_norwegian_labels_are_the_thesis_words():
    text = SEED.read_text(encoding="utf-8")
    t = P.mapping_table()
    for word in list(t["label_no"]) + list(t["nielsen_no"].unique()) + ["Passive"]:
        assert word in text, word
    assert "Skapere Kommentatorer Passive" in text  # Figur 5's three bars


def test_rule_from_published_facts():
    rule = P.rule_from_facts(published.load("facts"))
    assert rule["group"].tolist() == ["creators", "contributors", "consumers"]
    assert rule["published_share"].tolist() == pytest.approx(list(P.NIELSEN_RULE))
    assert set(rule["source"]) == {"Handelshøyskolen BI (2012)"}
    assert set(rule["locator"]) == {"p.10"}


def test_rule_from_facts_names_missing_rows():
    facts = published.load("facts")
    with pytest.raises(InputError, match="nielsen_creators"):
        P.rule_from_facts(facts[facts["item"] != "nielsen_creators"])


# --------------------------------------------------------------------------- profile
def test_profile_nielsen_without_population():
    prof = P.profile(act(NIELSEN_ROWS))
    assert prof["level"].tolist() == ["creators", "contributors", "consumers"]
    assert prof["label_no"].tolist() == ["Skapere", "Kommentatorer", "Passive"]
    assert prof["actors"].tolist() == [1, 2, 1]
    assert prof["share"].tolist() == [0.25, 0.5, 0.25]
    assert prof["actions"].tolist() == [2, 2, 1]  # actions of actors at that level
    assert prof["action_share"].tolist() == [0.4, 0.4, 0.2]
    assert prof["population"].isna().all()


def test_profile_nielsen_with_population():
    prof = P.profile(act(NIELSEN_ROWS), population=20)
    assert prof["actors"].tolist() == [1, 2, 17]
    assert prof["share"].tolist() == pytest.approx([0.05, 0.10, 0.85])
    assert prof["actions"].tolist() == [2, 2, 1]
    assert (prof["population"] == 20).all()


def test_profile_forrester_without_and_with_population():
    prof = P.profile(act(FORRESTER_ROWS), scheme="forrester")
    assert prof["label_no"].tolist() == [
        "Skapere",
        "Kommentatorer",
        "Samlere",
        "Deltakere",
        "Tilskuere",
        "Inaktive",
    ]
    assert prof["actors"].tolist() == [1, 1, 1, 1, 1, 0]
    assert prof["actions"].tolist() == [2, 2, 1, 1, 2, 0]
    prof = P.profile(act(FORRESTER_ROWS), population=8, scheme="forrester")
    assert prof["actors"].tolist() == [1, 1, 1, 1, 1, 3]
    assert prof["share"].sum() == pytest.approx(1)
    spect = P.profile(
        act(FORRESTER_ROWS), population=8, scheme="forrester", remainder_level="spectators"
    )
    assert spect["actors"].tolist() == [1, 1, 1, 1, 4, 0]


def test_profile_mapping_overrides():
    rows = act(FORRESTER_ROWS)
    thesis = P.profile(rows, scheme="forrester", mapping={"retweet": "critics"})
    assert thesis["actors"].tolist() == [1, 2, 0, 1, 1, 0]
    no_views = P.profile(rows, scheme="forrester", mapping={"view": None})
    # a still a creator; e only viewed and disappears
    assert no_views["actors"].tolist() == [1, 1, 1, 1, 0, 0]
    with pytest.raises(ValueError, match="levels are creators"):
        P.profile(rows, scheme="forrester", mapping={"retweet": "retweeters"})
    with pytest.raises(ValueError, match="unknown scheme"):
        P.profile(rows, scheme="rogers")


def test_profile_unknown_action_names_column():
    frame = act([("a", "post")]).assign(action=["dance"])
    with pytest.raises(InputError, match="'dance'"):
        P.profile(frame)


def test_profile_per_community_and_populations():
    frame = pd.concat([act(NIELSEN_ROWS, "#x"), act([("z", "post")], "#y")], ignore_index=True)
    prof = P.profile(frame, population={"#x": 10, "#y": 4})
    assert prof.groupby("community")["actors"].sum().to_dict() == {"#x": 10, "#y": 4}
    assert prof.loc[prof["community"] == "#y", "actors"].tolist() == [1, 0, 3]
    with pytest.raises(ValueError, match="one population number"):
        P.profile(frame, population=10)
    with pytest.raises(ValueError, match="no value for community '#y'"):
        P.profile(frame, population={"#x": 10}, strict=True)
    with pytest.warns(P.PopulationWarning, match="'#y'"):
        partial = P.profile(frame, population={"#x": 10})
    assert partial.loc[partial["community"] == "#y", "actors"].tolist() == [1, 0, 0]
    assert partial.loc[partial["community"] == "#y", "population"].isna().all()
    pooled = P.combine_profiles(prof)
    assert pooled["actors"].tolist() == [2, 2, 10]
    assert pooled["share"].sum() == pytest.approx(1)
    assert pooled["population"].iloc[0] == 14


def test_profile_population_smaller_than_actors():
    with pytest.raises(InputError, match="smaller than its 4 actors"):
        P.profile(act(NIELSEN_ROWS), population=3, strict=True)
    with pytest.warns(P.PopulationWarning):
        prof = P.profile(act(NIELSEN_ROWS), population=3)
    assert prof["actors"].tolist() == [1, 2, 1]


# --------------------------------------------------------------------------- the rule
def _big_profile(scheme="nielsen"):
    rows = [(f"c{i}", "post") for i in range(30)] + [(f"k{i}", "retweet") for i in range(90)]
    rows += [(f"r{i}", "reply") for i in range(20)]
    return P.profile(act(rows), population=1000, scheme=scheme)


def test_compare_to_rule_matches_scipy():
    prof = _big_profile()
    res = P.compare_to_rule(prof)
    obs = np.array([30, 110, 860], dtype=float)
    exp = np.array(P.NIELSEN_RULE) * 1000
    chi = sps.chisquare(obs, exp)
    g = sps.power_divergence(obs, exp, lambda_="log-likelihood")
    tests = res.tests.set_index("test")
    assert tests.loc["chi-square", "statistic"] == pytest.approx(chi.statistic)
    assert tests.loc["chi-square", "p_value"] == pytest.approx(chi.pvalue)
    assert tests.loc["G-test", "statistic"] == pytest.approx(g.statistic)
    assert tests.loc["G-test", "p_value"] == pytest.approx(g.pvalue)
    assert (tests["df"] == 2).all() and (tests["n"] == 1000).all()
    w = math.sqrt(chi.statistic / 1000)
    assert tests.loc["chi-square", "cohens_w"] == pytest.approx(w)
    assert tests.loc["chi-square", "cramers_v"] == pytest.approx(w / math.sqrt(2))
    assert tests.loc["chi-square", "w_relative"] == pytest.approx(w / math.sqrt(0.99 / 0.01))
    lv = res.levels
    assert lv["observed"].tolist() == [30, 110, 860]
    assert lv["expected"].tolist() == pytest.approx([10, 90, 900])
    assert lv["ratio"].tolist() == pytest.approx([3.0, 110 / 90, 860 / 900])
    assert lv["residual"].tolist() == pytest.approx(list((obs - exp) / np.sqrt(exp)))


def test_relative_w_reaches_one_when_everyone_is_in_the_rarest_group():
    res = P.compare_to_rule(P.profile(act([(f"a{i}", "post") for i in range(600)])))
    assert res.tests["w_relative"].iloc[0] == pytest.approx(1)
    assert res.tests["cohens_w"].iloc[0] == pytest.approx(math.sqrt(99))


def test_compare_to_rule_forrester_collapses_to_the_three_groups():
    nielsen = P.compare_to_rule(_big_profile()).levels
    forrester = P.compare_to_rule(_big_profile("forrester")).levels
    assert forrester["observed"].tolist() == nielsen["observed"].tolist()
    six = P.compare_to_rule(_big_profile("forrester"), expected=[0.01, 0.04, 0.05, 0.2, 0.3, 0.4])
    assert six.levels["group"].tolist()[:2] == ["creators", "critics"]
    assert (six.tests["df"] == 5).all()


def test_compare_to_rule_with_published_shares_equals_default():
    rule = P.rule_from_facts(published.load("facts")).set_index("group")["published_share"]
    a = P.compare_to_rule(_big_profile(), expected=rule).tests
    b = P.compare_to_rule(_big_profile()).tests
    assert a["statistic"].tolist() == pytest.approx(b["statistic"].tolist())


def test_compare_to_rule_warns_on_small_expected_counts():
    prof = P.profile(act(NIELSEN_ROWS), population=20)
    with pytest.warns(P.RuleWarning, match="expected count"):
        res = P.compare_to_rule(prof)
    assert res.tests["min_expected"].iloc[0] == pytest.approx(0.2)
    assert "approximate" in res.tests["note"].iloc[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P.compare_to_rule(_big_profile())  # 10 expected creators: no warning


def test_compare_to_rule_rejects_bad_expected():
    with pytest.raises(ValueError, match="sum to 1"):
        P.compare_to_rule(_big_profile(), expected=(0.1, 0.1, 0.1))
    with pytest.raises(ValueError, match="give 3"):
        P.compare_to_rule(_big_profile(), expected=(0.5, 0.5))


def test_describe_comparison_states_numbers_and_caveats():
    text = P.compare_to_rule(_big_profile()).describe()
    assert "χ²(2)" in text and "p < 0.001" in text and "30 of 1000" in text
    assert "3× the rule" in text and "differs from the rule" in text
    with pytest.warns(P.RuleWarning):
        without = P.compare_to_rule(P.profile(act([(f"a{i}", "post") for i in range(200)])))
    assert "No population was given" in without.describe()


def test_describe_comparison_when_the_rule_fits():
    rows = [(f"c{i}", "post") for i in range(10)] + [(f"k{i}", "retweet") for i in range(90)]
    res = P.compare_to_rule(P.profile(act(rows), population=1000))
    assert res.tests["statistic"].iloc[0] == pytest.approx(0)
    assert "do not show a departure" in res.describe()


# --------------------------------------------------------------------------- concentration
@given(st.integers(1, 300), st.integers(1, 50))
@settings(max_examples=40, deadline=None)
def test_gini_all_equal_is_zero(n, k):
    assert P.gini([k] * n) == pytest.approx(0, abs=1e-12)


@given(st.integers(1, 300), st.integers(1, 1000))
@settings(max_examples=40, deadline=None)
def test_gini_one_actor_does_everything(n, total):
    values = [0] * (n - 1) + [total]
    assert P.gini(values) == pytest.approx((n - 1) / n)


@given(st.lists(st.integers(0, 100), min_size=1, max_size=60), st.integers(1, 9))
@settings(max_examples=60, deadline=None)
def test_gini_bounds_and_scale_invariance(values, factor):
    if sum(values) == 0:
        assert math.isnan(P.gini(values))
        return
    g = P.gini(values)
    n = len(values)
    assert -1e-12 <= g <= (n - 1) / n + 1e-12
    assert P.gini([v * factor for v in values]) == pytest.approx(g)


def test_concentration_closed_forms_through_activity():
    one = act([("a", "post")] * 12)
    res = P.concentration(one, population=50)
    assert res.summary["gini"].iloc[0] == pytest.approx(49 / 50)
    assert res.summary["top1_share"].iloc[0] == 1.0
    equal = act([(f"p{i}", "post") for i in range(40)] * 3)
    res = P.concentration(equal)
    assert res.summary["gini"].iloc[0] == pytest.approx(0)
    assert res.summary["top10_share"].iloc[0] == pytest.approx(0.1)
    assert res.summary["top10_actors"].iloc[0] == 4


def test_concentration_hand_example_and_lorenz():
    rows = [("a", "post")] * 6 + [("b", "post")] * 3 + [("c", "reply")]
    res = P.concentration(act(rows))
    s = res.summary.iloc[0]
    assert (s["actors"], s["actions"]) == (3, 10)
    assert s["top1_actors"] == 1 and s["top1_share"] == pytest.approx(0.6)
    # sorted 1, 3, 6: 2*(1 + 6 + 18)/(3*10) - 4/3
    assert s["gini"] == pytest.approx(2 * 25 / 30 - 4 / 3)
    lor = res.lorenz
    assert lor["actor_share"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert lor["action_share"].tolist() == pytest.approx([0, 0.1, 0.4, 1])
    only_posts = P.concentration(act(rows), actions=["post"])
    assert only_posts.summary["actions"].iloc[0] == 9
    assert "top 1 %" in res.describe() and "Gini = " in res.describe()


@given(st.lists(st.integers(1, 30), min_size=2, max_size=40))
@settings(max_examples=25, deadline=None)
def test_lorenz_is_convex_and_below_the_diagonal(counts):
    rows = [(f"p{i}", "post") for i, c in enumerate(counts) for _ in range(c)]
    lor = P.concentration(act(rows)).lorenz
    x, y = lor["actor_share"].to_numpy(), lor["action_share"].to_numpy()
    assert x[0] == 0 and y[0] == 0 and x[-1] == pytest.approx(1) and y[-1] == pytest.approx(1)
    assert (np.diff(y) >= -1e-12).all() and (y <= x + 1e-12).all()
    slopes = np.diff(y) / np.diff(x)
    assert (np.diff(slopes) >= -1e-9).all()


# --------------------------------------------------------------------------- facebook
def _comments():
    t = pd.Timestamp("2013-04-02 10:00", tz="Europe/Oslo")
    return pd.DataFrame(
        {
            "comment_id": ["c1", "c2", "c3", "c4", "c5"],
            "post_id": ["p1", "p1", "p1", "p2", "p9"],
            "page_id": ["demo-1", "demo-1", "demo-1", "demo-1", "demo-2"],
            "parent_id": [None, "c1", "c1", None, None],
            "created_at": [t + pd.Timedelta(minutes=i) for i in range(5)],
            "author_id": ["p_a", "p_b", "page:demo-1", "p_a", "p_a"],
            "is_page_reply": [False, False, True, False, False],
            "message": "hei",
            "synthetic": True,
        }
    )


def test_facebook_activity_citizens_only():
    out = P.facebook_activity(_comments())
    assert out["actor_id"].tolist() == ["p_a", "p_b", "p_a", "p_a"]
    assert out["action"].tolist() == ["comment", "reply", "comment", "comment"]
    assert out["community"].tolist() == ["demo-1", "demo-1", "demo-1", "demo-2"]
    assert out["synthetic"].all()
    assert str(out["created_at"].dt.tz) == "Europe/Oslo"
    pooled = P.facebook_activity(_comments(), community="alle")
    assert set(pooled["community"]) == {"alle"}


def test_facebook_activity_with_the_page():
    posts = pd.DataFrame(
        {
            "post_id": ["p1", "p2"],
            "page_id": "demo-1",
            "created_at": pd.Timestamp("2013-04-02 09:00", tz="Europe/Oslo"),
        }
    )
    out = P.facebook_activity(_comments(), posts, include_page=True)
    page = out[out["actor_id"] == "page:demo-1"]
    assert sorted(page["action"]) == ["post", "post", "reply"]
    prof = P.profile(out[out["community"] == "demo-1"])
    assert prof["actors"].tolist() == [1, 2, 0]  # the page is the only "creator"


def test_followers_population():
    pdays = pd.DataFrame(
        {
            "page_id": ["a", "a", "a", "b"],
            "date": pd.to_datetime(["2013-04-01", "2013-04-03", "2013-04-02", "2013-04-01"]),
            "followers": pd.array([100, 90, 120, pd.NA], dtype="Int64"),
        }
    )
    assert P.followers_population(pdays).to_dict() == {"a": 90}
    assert P.followers_population(pdays, how="max").to_dict() == {"a": 120}


def test_parse_lower_bound_and_summary():
    assert P.parse_lower_bound("700+") == 700
    assert P.parse_lower_bound("> 50") == 51
    assert P.parse_lower_bound("4 600") == 4600
    with pytest.raises(ValueError):
        P.parse_lower_bound("just under 700")
    summary = P.summarise_activity(act(NIELSEN_ROWS))
    row = summary.iloc[0]
    assert (row["actions"], row["actors"], row["retweet"], row["post"]) == (5, 4, 2, 1)


def test_summary_has_every_known_action_column_even_when_absent():
    """A file of own tweets only (no replies, retweets, likes …) must not break chapter 03,
    which shows the post, reply and retweet columns."""
    a = pd.DataFrame(
        {
            "actor_id": ["p_a", "p_b", "p_a"],
            "community": ["#x", "#x", "#y"],
            "action": ["post", "post", "post"],
            "created_at": pd.to_datetime(["2012-02-07 10:00"] * 3).tz_localize("Europe/Oslo"),
        }
    )
    summary = P.summarise_activity(a)
    for kind in ("post", "reply", "quote", "retweet", "like", "comment", "share"):
        assert kind in summary.columns, kind
    assert summary["post"].tolist() == [2, 1]
    assert summary[["reply", "retweet", "like"]].to_numpy().sum() == 0
    assert str(summary["reply"].dtype) == "int64"
    # an action outside the known list keeps its own column after the known ones
    b = pd.concat([a, a.iloc[:1].assign(action="bookmark")], ignore_index=True)
    assert list(P.summarise_activity(b).columns)[-3:] == ["bookmark", "first", "last"]


# --------------------------------------------------------------------------- plots
def test_plots_draw():
    prof = P.profile(act(NIELSEN_ROWS), population=20)
    ax = plots.ladder_profile(prof, rule=P.rule_series(), synthetic=True)
    assert "syntetiske demodata" in ax.get_title()
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Skapere",
        "Kommentatorer",
        "Passive",
    ]
    plt.close(ax.figure)
    conc = P.concentration(act(NIELSEN_ROWS))
    ax = plots.lorenz_curves(conc.lorenz, summary=conc.summary)
    assert "Gini" in ax.get_legend().get_texts()[0].get_text()
    plt.close(ax.figure)


@pytest.mark.notebooks
def test_chapter_03_runs_on_own_posts_only(tmp_path):
    """Chapter 03 on an activity file with only ``post`` actions (no replies, retweets)."""
    from typer.testing import CliRunner

    from kommunesm.cli import app

    raw = tmp_path / "raw"
    raw.mkdir()
    rows = ["actor_id,community,action,created_at"] + [
        f"p_{i:016x},#kommunedagene,post,2012-02-07T06:4{i}:08+01:00" for i in range(1, 7)
    ]
    (raw / "activity.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    site = tmp_path / "site"
    res = CliRunner().invoke(
        app, ["report", "--data", str(raw), "--out", str(site), "--no-code", "--only", "03"]
    )
    assert res.exit_code == 0, res.output
    page = next(site.rglob("03_participation_ladder.html")).read_text(encoding="utf-8")
    assert "Egne tweets" in page and "Retweets" in page

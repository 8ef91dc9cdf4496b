"""From codes to the report's H × municipality matrix, and the test the report never made.

Johnsen, Jørgensen & Aaneland (2013, s. 14) showed the ratings of the
top-10 pages as a table of symbols (*Bra / kan bli bedre / Dårlig*; the symbols were lost
in the transcript) and concluded that "flesteparten av kommunene scoret høyt på alle
påstandene" (p. 9). Scoring high among the top 10 does not show that the statements
describe what *makes* a page successful: for that the top pages must score higher than
the others. :func:`test_hypotheses` makes that comparison.

* :func:`consensus` — one value per unit and hypothesis from several coders;
* :func:`page_scores` — numeric scores (Bra 2, Kan bli bedre 1, Dårlig 0);
* :func:`page_ratings_from_posts` — page ratings from post-level yes/no codes;
* :func:`matrix` — the report's table (symbols ●/◐/○) with aggregated scores;
* :func:`test_hypotheses` — top-N vs the rest per hypothesis: Mann–Whitney U with the
  rank-biserial correlation, Fisher's exact test of "Bra" with the odds ratio, an
  ordinal logistic regression of the rank group on the score, multiple-testing
  correction; :func:`ordinal_regression` fits all hypotheses jointly;
* :func:`describe_tests`, :func:`describe_reliability` — the sentences the notebook prints.

Examples
--------
>>> import pandas as pd
>>> coding = pd.DataFrame({"unit_id": ["a", "a", "b", "b"], "hypothesis": "H1",
...                        "coder": ["A", "B", "A", "B"],
...                        "value": ["Bra", "Kan bli bedre", "Dårlig", "Dårlig"]})
>>> consensus(coding)["H1"].tolist()
['Kan bli bedre', 'Dårlig']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kommunesm import narrate, stats
from kommunesm.errors import InputError
from kommunesm.hypotheses.definitions import (
    DEFAULT_RULES,
    HYPOTHESES,
    HYPOTHESIS_IDS,
    SCALE,
    SCORES,
    SYMBOLS,
    RatingRule,
    rate_pages,
    to_score,
)

__all__ = [
    "consensus",
    "describe_reliability",
    "describe_tests",
    "matrix",
    "ordinal_regression",
    "page_ratings_from_posts",
    "page_scores",
    "rank_groups",
    "test_hypotheses",
]

_LABEL_OF_SCORE = {v: k for k, v in SCORES.items()}


def _ordered(cols: Sequence[str]) -> list[str]:
    cols = list(dict.fromkeys(cols))
    return [h for h in HYPOTHESIS_IDS if h in cols] + [c for c in cols if c not in HYPOTHESES]


def _is_long(frame: pd.DataFrame) -> bool:
    return {"unit_id", "hypothesis", "coder", "value"} <= set(frame.columns)


def consensus(
    coding: pd.DataFrame, *, method: str = "median_low", exclude: Sequence[str] = ("auto",)
) -> pd.DataFrame:
    """One value per unit and hypothesis from the coders' values.

    Parameters
    ----------
    coding : DataFrame
        Canonical coding table.
    method : str, default 'median_low'
        ``"median_low"`` (default: the lower median of the scores — with two coders who
        disagree, the less favourable rating; conservative), ``"median_high"``, or the
        name of a coder whose values are taken (e.g. a ``"consensus"`` coder after a
        reconciliation meeting).
    exclude : sequence of str, default ('auto',)
        Coders left out (default the automatic coder).

    Returns
    -------
    DataFrame
        Index unit_id, one column per hypothesis, labels (Bra / Kan bli bedre / Dårlig)
        or ``"1"``/``"0"`` for yes/no codes; NA where nobody coded.
    """
    data = coding[~coding["coder"].astype(str).isin(list(exclude))]
    if method not in ("median_low", "median_high"):
        if method not in set(data["coder"].astype(str)):
            raise ValueError("method must be 'median_low', 'median_high' or a coder name")
        data = data[data["coder"].astype(str) == method]
    frame = pd.DataFrame(
        {
            "unit_id": data["unit_id"].astype(str).to_numpy(),
            "hypothesis": data["hypothesis"].astype(str).to_numpy(),
            "score": to_score(data["value"]).to_numpy(),
            "binary": data["value"].astype(str).isin(["0", "1"]).to_numpy(),
        }
    ).dropna(subset=["score"])
    g = frame.groupby(["unit_id", "hypothesis"], sort=True)["score"]
    if method == "median_high":
        agg = g.apply(lambda s: float(np.sort(s.to_numpy())[len(s) // 2]))
    else:
        agg = g.apply(lambda s: float(np.sort(s.to_numpy())[(len(s) - 1) // 2]))
    binary = frame.groupby("hypothesis")["binary"].all()
    wide = agg.unstack("hypothesis")
    out = pd.DataFrame(index=wide.index)
    for h in _ordered(wide.columns):
        col = wide[h]
        if binary.get(h, False):
            out[h] = col.map(lambda v: pd.NA if pd.isna(v) else str(int(v))).astype(object)
        else:
            out[h] = col.map(lambda v: pd.NA if pd.isna(v) else _LABEL_OF_SCORE[int(v)]).astype(
                object
            )
    out.index.name = "unit_id"
    return out


def page_scores(codes: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    """Numeric scores (Bra 2, Kan bli bedre 1, Dårlig 0; yes/no 1/0) per unit and
    hypothesis, from a long coding table (via :func:`consensus`) or a wide table of
    labels.

    Parameters
    ----------
    codes : DataFrame
        A long coding table or a wide table of labels indexed by unit.
    **kwargs : object
        Passed on to :func:`consensus` for a long table.

    Returns
    -------
    DataFrame
        Units as rows, hypotheses as columns, numeric scores.
    """
    wide = consensus(codes, **kwargs) if _is_long(codes) else codes
    cols = _ordered([c for c in wide.columns if c in HYPOTHESES or str(c).startswith("H")])
    return pd.DataFrame({c: to_score(wide[c]).to_numpy() for c in cols}, index=wide.index)


def page_ratings_from_posts(
    post_coding: pd.DataFrame,
    posts: pd.DataFrame,
    *,
    rules: Mapping[str, RatingRule] | None = None,
    method: str = "median_low",
) -> pd.DataFrame:
    """Page ratings from post-level yes/no codes (e.g. H3, H4, H6 coded on a sample).

    The consensus code of each sampled post is averaged per page; the share is rated
    with the hypothesis' rule (measure ``H3_share`` …, or the automatic column name for
    H5, H7, H10; :data:`~kommunesm.hypotheses.definitions.DEFAULT_RULES`).

    Parameters
    ----------
    post_coding : DataFrame
        Canonical coding table of posts (yes/no codes).
    posts : DataFrame
        Canonical ``posts`` (for each post's page).
    rules : mapping of str to RatingRule, optional
        The rating rules (default :data:`~kommunesm.hypotheses.definitions.DEFAULT_RULES`).
    method : str, default 'median_low'
        How the coders' values are combined (see :func:`consensus`).

    Returns
    -------
    DataFrame
        Index page_id; per hypothesis a label column ``H3`` … and the share
        ``H3_share`` …, plus ``n_posts_coded``.
    """
    rules = dict(DEFAULT_RULES if rules is None else rules)
    codes = page_scores(post_coding, method=method)
    page_of = posts.set_index(posts["post_id"].astype(str))["page_id"]
    codes["page_id"] = page_of.reindex(codes.index).to_numpy()
    if codes["page_id"].isna().any():
        missing = codes.index[codes["page_id"].isna()][:5].tolist()
        raise InputError(
            "coded posts not found in posts", file="posts", column="post_id", got=missing
        )
    hyps = [c for c in codes.columns if c in HYPOTHESES]
    shares = codes.groupby("page_id", sort=True)[hyps].mean()
    measures = pd.DataFrame(index=shares.index)
    for h in hyps:
        rule = rules.get(h)
        name = rule.measure if rule is not None else f"{h}_share"
        measures[name] = shares[h]
    labels = rate_pages(measures, {h: r for h, r in rules.items() if h in hyps})
    out = labels.join(shares.add_suffix("_share"))
    out["n_posts_coded"] = codes.groupby("page_id", sort=True).size()
    out.index.name = "page_id"
    return out


def matrix(
    coding: pd.DataFrame,
    *,
    names: Mapping[str, str] | pd.Series | None = None,
    order: Sequence[str] | None = None,
    hypotheses: Sequence[str] | None = None,
    symbols: bool = True,
    method: str = "median_low",
) -> pd.DataFrame:
    """The report's H1–H10 × municipality table, with aggregated scores.

    Parameters
    ----------
    coding : DataFrame
        Long coding table (several coders → :func:`consensus`) or a wide table of labels
        indexed by page id.
    names : mapping of str to str or Series, optional
        page_id → display name (e.g. ``pages.set_index("page_id")["name"]``).
    order : sequence of str, optional
        Page ids in the order of the rows (e.g. by Top-30 rank); default: by score.
    hypotheses : sequence of str, optional
        Columns (default all coded, in order H1 … H10).
    symbols : bool, default True
        Show ● (Bra), ◐ (Kan bli bedre), ○ (Dårlig) instead of labels; missing "–".
    method : str, default 'median_low'
        How the coders' values are combined (see :func:`consensus`).

    Returns
    -------
    DataFrame
        Rows: pages, then a last row ``"Andel Bra"`` (share of rated pages with Bra per
        hypothesis). Columns: the hypotheses, then ``poeng`` (sum of scores, Bra 2 /
        Kan bli bedre 1 / Dårlig 0), ``maks`` (2 × hypotheses rated) and ``andel`` (poeng /
        maks).

    Examples
    --------
    >>> wide = pd.DataFrame({"H1": ["Bra", "Dårlig"], "H2": ["Bra", "Kan bli bedre"]},
    ...                     index=["a", "b"])
    >>> m = matrix(wide)
    >>> m.index.tolist(), m.loc["b", ["H1", "H2"]].tolist(), float(m.loc["b", "poeng"])
    (['a', 'b', 'Andel Bra'], ['○', '◐'], 1.0)
    """
    wide = consensus(coding, method=method) if _is_long(coding) else coding.copy()
    hyps = _ordered(
        hypotheses if hypotheses is not None else [c for c in wide.columns if c in HYPOTHESES]
    )
    wide = wide[hyps]
    scores = page_scores(wide)
    binary = [
        h for h in hyps if set(wide[h].dropna().astype(str)) <= {"0", "1"} and wide[h].notna().any()
    ]
    if binary:
        raise ValueError(
            f"matrix needs page ratings (Bra / Kan bli bedre / Dårlig); {binary} hold yes/no "
            "codes: aggregate them with page_ratings_from_posts first"
        )
    points = scores.sum(axis=1, min_count=1)
    maks = 2.0 * scores.notna().sum(axis=1)
    if order is not None:
        idx = [str(o) for o in order if str(o) in wide.index]
    else:
        idx = points.sort_values(ascending=False, kind="stable").index.tolist()
    shown = wide.loc[idx].copy()
    if symbols:
        shown = shown.apply(lambda c: c.map(lambda v: SYMBOLS.get(v, "–") if pd.notna(v) else "–"))
    shown = shown.astype(object)
    shown["poeng"] = points.loc[idx].to_numpy()
    shown["maks"] = maks.loc[idx].to_numpy()
    shown["andel"] = (points.loc[idx] / maks.loc[idx].where(maks.loc[idx] > 0)).to_numpy()
    share_bra = (wide == SCALE[0]).sum() / wide.notna().sum().where(wide.notna().sum() > 0)
    total = pd.Series(
        {
            **share_bra.round(3).to_dict(),
            "poeng": points.sum(),
            "maks": maks.sum(),
            "andel": points.sum() / maks.sum() if maks.sum() else np.nan,
        },
        name="Andel Bra",
    )
    out = pd.concat([shown, total.to_frame().T])
    if names is not None:
        mapping = dict(names.items()) if isinstance(names, pd.Series) else dict(names)
        out.index = [mapping.get(i, i) for i in out.index]
    out.index.name = "side"
    return out


# ----------------------------------------------------------------------------- tests
def rank_groups(
    metrics: pd.DataFrame, groups: Sequence[int] = (10, 30), *, list_size: int = 30
) -> pd.Series:
    """Ordered rank group of each page: for ``groups=(10, 30)`` 2 = Top-10, 1 = places
    11–30, 0 = the rest. ``metrics`` is :func:`kommunesm.ranking.gambit_points` output
    (has ``rank``) or a page table that is ranked here with ``list_size``.

    Parameters
    ----------
    metrics : DataFrame
        :func:`kommunesm.ranking.gambit_points` output or a page table.
    groups : sequence of int, default (10, 30)
        Upper places of the groups, best first.
    list_size : int, default 30
        List size when ``metrics`` has to be ranked here.

    Returns
    -------
    Series of int
        The rank group per page (highest = best).
    """
    if "rank" not in metrics.columns:
        from kommunesm.ranking import gambit_points

        metrics = gambit_points(metrics, list_size=list_size)
    rank = metrics["rank"].astype("float64")
    cuts = sorted(groups)
    level = np.zeros(len(rank), dtype="int64")
    for cut in cuts:
        level += (rank.to_numpy() <= cut).astype("int64")
    out = pd.Series(level, index=metrics.index.astype(str), name="rank_group")
    out.index.name = "page_id"
    return out


def _ordlogit(y: pd.Series, x: pd.DataFrame) -> pd.DataFrame | None:
    """Ordered logit of y (integers, ordered) on x; None if it cannot be fitted."""
    import warnings

    from statsmodels.miscmodels.ordinal_model import OrderedModel

    levels = sorted(y.unique())
    if len(levels) < 2 or x.shape[0] < x.shape[1] + 3 or (x.std(ddof=0) == 0).any():
        return None
    endog = pd.Series(
        pd.Categorical(y, categories=levels, ordered=True), index=y.index, name="rank_group"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = OrderedModel(endog, x, distr="logit").fit(method="bfgs", disp=False, maxiter=500)
        except (np.linalg.LinAlgError, ValueError):
            return None
    params = res.params[x.columns]
    ci = res.conf_int().loc[x.columns]
    bse = res.bse[x.columns]
    if not np.all(np.isfinite(bse)) or (bse > 50).any():
        return None  # separation: estimates diverge
    return pd.DataFrame(
        {
            "coef": params,
            "se": bse,
            "odds_ratio": np.exp(params),
            "ci_low": np.exp(ci[0]),
            "ci_high": np.exp(ci[1]),
            "p_value": res.pvalues[x.columns],
            "n": len(y),
            "converged": bool(res.mle_retvals.get("converged", True)),
        }
    )


def _mann_whitney(
    a: np.ndarray, b: np.ndarray, *, alternative: str, n_boot: int, seed: int
) -> dict[str, float]:
    """Mann–Whitney U of a vs b with the rank-biserial correlation (positive when a tends
    to be larger) and its bootstrap CI: :func:`kommunesm.stats.compare_groups`, renamed
    for the hypothesis table."""
    res = stats.compare_groups(
        np.concatenate([a, b]),
        ["a"] * len(a) + ["b"] * len(b),
        alternative=alternative,
        n_boot=n_boot,
        seed=seed,
    ).iloc[0]
    return {
        "U": float(res["U"]),
        "p_mw": float(res["p_value"]),
        "rank_biserial": float(res["rank_biserial"]),
        "rb_ci_low": float(res["ci_low"]),
        "rb_ci_high": float(res["ci_high"]),
    }


def _binary_columns(codes: pd.DataFrame) -> set[str]:
    """Hypotheses holding yes/no codes (not three-level ratings)."""
    if _is_long(codes):
        v = codes.assign(v=codes["value"].astype(str))
        return {h for h, g in v.groupby("hypothesis")["v"] if set(g) <= {"0", "1"}}
    out = set()
    for h in codes.columns:
        vals = codes[h].dropna()
        labels = set(vals.astype(str))
        if (
            len(vals)
            and not labels & set(SCALE)
            and pd.to_numeric(vals, errors="coerce").max() <= 1
        ):
            out.add(h)
    return out


def _scores_and_groups(
    page_codes: pd.DataFrame,
    metrics: pd.DataFrame,
    top: int,
    groups: Sequence[int] | None,
    list_size: int,
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    scores = page_scores(page_codes)
    scores.index = scores.index.astype(str)
    cuts = tuple(groups) if groups else (top,)
    if top not in cuts:
        cuts = tuple(sorted({*cuts, top}))
    grp = rank_groups(metrics, cuts, list_size=list_size)
    if "rank" in metrics.columns:
        rank = metrics["rank"]
    else:
        from kommunesm.ranking import gambit_points

        rank = gambit_points(metrics, list_size=list_size)["rank"]
    rank.index = rank.index.astype(str)
    common = scores.index.intersection(grp.index)
    if not len(common):
        raise InputError(
            "no page is both coded and ranked",
            file="page_codes",
            column="page_id",
            expected="page ids shared by page_codes and metrics",
        )
    is_top = rank.reindex(common) <= top
    return scores.loc[common], grp.loc[common], is_top


def test_hypotheses(
    page_codes: pd.DataFrame,
    metrics: pd.DataFrame,
    top: int = 10,
    *,
    groups: Sequence[int] | None = (10, 30),
    alternative: str = "greater",
    correction: str = "holm",
    n_boot: int = 1000,
    seed: int = 0,
    list_size: int = 30,
) -> pd.DataFrame:
    """Do the top-ranked pages score higher on each hypothesis than the others?

    Parameters
    ----------
    page_codes : DataFrame
        Page ratings: a long coding table (consensus of the coders) or a wide table
        indexed by page_id with columns H1 … H10 (labels or scores).
    metrics : DataFrame
        :func:`kommunesm.ranking.gambit_points` output (``rank``) or the page table of
        :func:`kommunesm.metrics.page_table` (ranked here with ``list_size``).
    top : int, default 10
        Size of the top group (the report tested its Top-10).
    groups : sequence of int, default (10, 30)
        Cut-offs of the ordered rank groups of the ordinal regression (default: Top-10,
        11–30, rest); ``None``: top vs rest.
    alternative : str, default 'greater'
        ``"greater"`` (top scores higher; the report's claim, default), ``"two-sided"``.
    correction : str, default 'holm'
        Multiple-testing correction across hypotheses (:func:`kommunesm.stats.
        adjust_pvalues`: ``"holm"``, ``"fdr_bh"``, …).
    n_boot : int, default 1000
    seed : int, default 0
        Bootstrap of the rank-biserial CI.
    list_size : int, default 30
        List size when ``metrics`` is a page table ranked here.

    Returns
    -------
    DataFrame indexed by hypothesis: n_top, n_rest, mean_top, mean_rest, share_bra_top,
    share_bra_rest; Mann–Whitney ``U``, ``p_mw``, ``rank_biserial`` (positive: top
    higher) with ``rb_ci_low``/``rb_ci_high``; Fisher's exact test of "Bra" (top score of
    the scale) vs not: ``odds_ratio``, ``or_ci_low``/``or_ci_high``, ``p_fisher``;
    ordered logit of the rank group on the score (one model per hypothesis):
    ``ordlogit_or`` with CI and ``p_ordlogit``; the adjusted p-values ``p_mw_adj``,
    ``p_fisher_adj``, ``p_ordlogit_adj``; and the ``top`` and ``correction`` used (the
    same on every row). Hypotheses without
    variation or without pages in both groups get NaN.

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 13–14) rated only the top 10 and did not compare
    them with anyone. Statistics: Mann–Whitney with the rank-biserial correlation as in
    :func:`kommunesm.stats.compare_groups`, Fisher via :func:`kommunesm.stats.fisher_exact`, ordinal logit via
    ``statsmodels.miscmodels.ordinal_model.OrderedModel``. With 10 top pages the tests
    have little power: read the effect sizes and intervals, not only p.
    """
    if alternative not in ("greater", "two-sided"):
        raise ValueError("alternative must be 'greater' or 'two-sided'")
    scores, grp, is_top = _scores_and_groups(page_codes, metrics, top, groups, list_size)
    binary = _binary_columns(page_codes)
    rows = []
    for h in scores.columns:
        x = scores[h]
        ok = x.notna()
        xt, xr = x[ok & is_top], x[ok & ~is_top]
        row: dict[str, object] = {
            "hypothesis": h,
            "n_top": len(xt),
            "n_rest": len(xr),
            "mean_top": float(xt.mean()) if len(xt) else np.nan,
            "mean_rest": float(xr.mean()) if len(xr) else np.nan,
        }
        vals = x[ok]
        # "Bra" is the top of the scale: 2 for ratings, 1 for yes/no codes
        best = 1.0 if h in binary else 2.0
        row["share_bra_top"] = float((xt >= best).mean()) if len(xt) else np.nan
        row["share_bra_rest"] = float((xr >= best).mean()) if len(xr) else np.nan
        if len(xt) >= 2 and len(xr) >= 2 and vals.nunique() > 1:
            row.update(
                _mann_whitney(
                    xt.to_numpy(),
                    xr.to_numpy(),
                    alternative=alternative,
                    n_boot=n_boot,
                    seed=seed,
                )
            )
            table = np.array(
                [
                    [int((xt >= best).sum()), int((xt < best).sum())],
                    [int((xr >= best).sum()), int((xr < best).sum())],
                ]
            )
            fe = stats.fisher_exact(table, alternative=alternative).iloc[0]
            row.update(
                odds_ratio=fe["odds_ratio"],
                or_ci_low=fe["ci_low"],
                or_ci_high=fe["ci_high"],
                p_fisher=fe["p_value"],
            )
            fit = _ordlogit(grp[ok], vals.to_frame(h))
            if fit is not None:
                f = fit.iloc[0]
                p = float(f["p_value"])
                if alternative == "greater":
                    p = p / 2 if f["coef"] > 0 else 1 - p / 2
                row.update(
                    ordlogit_or=f["odds_ratio"],
                    ordlogit_ci_low=f["ci_low"],
                    ordlogit_ci_high=f["ci_high"],
                    p_ordlogit=p,
                )
        rows.append(row)
    cols = [
        "hypothesis",
        "n_top",
        "n_rest",
        "mean_top",
        "mean_rest",
        "share_bra_top",
        "share_bra_rest",
        "U",
        "p_mw",
        "rank_biserial",
        "rb_ci_low",
        "rb_ci_high",
        "odds_ratio",
        "or_ci_low",
        "or_ci_high",
        "p_fisher",
        "ordlogit_or",
        "ordlogit_ci_low",
        "ordlogit_ci_high",
        "p_ordlogit",
    ]
    out = pd.DataFrame(rows).reindex(columns=cols).set_index("hypothesis")
    for c in cols[3:]:
        out[c] = out[c].astype("float64")
    for p in ("p_mw", "p_fisher", "p_ordlogit"):
        out[f"{p}_adj"] = stats.adjust_pvalues(out[p].to_numpy(), method=correction)
    out["top"] = top
    out["correction"] = correction
    return out


def ordinal_regression(
    page_codes: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    groups: Sequence[int] = (10, 30),
    hypotheses: Sequence[str] | None = None,
    list_size: int = 30,
) -> pd.DataFrame:
    """One ordered logit of the rank group (Top-10 / 11–30 / rest) on all hypothesis
    scores jointly (complete cases; hypotheses without variation are dropped).

    Parameters
    ----------
    page_codes : DataFrame
        Page ratings (a long coding table or a wide table of H1 … H10), as for
        :func:`test_hypotheses`.
    metrics : DataFrame
        :func:`kommunesm.ranking.gambit_points` output or a page table.
    groups : sequence of int, default (10, 30)
        Upper places of the rank groups (see :func:`rank_groups`).
    hypotheses : sequence of str, optional
        The hypotheses in the model (default: every one coded).
    list_size : int, default 30
        List size when ``metrics`` is a page table ranked here.

    Returns
    -------
    DataFrame indexed by hypothesis: coef, se, odds_ratio (per scale step), ci_low,
    ci_high, p_value, n, converged. Empty if the model cannot be fitted (too few pages,
    or separation).
    """
    scores, grp, _ = _scores_and_groups(page_codes, metrics, min(groups), groups, list_size)
    cols = _ordered(hypotheses if hypotheses is not None else scores.columns)
    x = scores[cols].dropna()
    x = x.loc[:, x.std(ddof=0) > 0]
    fit = _ordlogit(grp.loc[x.index], x) if x.shape[1] else None
    if fit is None:
        return pd.DataFrame(
            columns=["coef", "se", "odds_ratio", "ci_low", "ci_high", "p_value", "n", "converged"]
        ).rename_axis("hypothesis")
    fit.index.name = "hypothesis"
    return fit


# ----------------------------------------------------------------------------- prose
def _fmt_list(items: Sequence[str]) -> str:
    items = list(items)
    if not items:
        return "none"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe_tests(res: pd.DataFrame, *, alpha: float = 0.05, synthetic: bool = False) -> str:
    """One paragraph summarising :func:`test_hypotheses` (generated from the numbers).

    Parameters
    ----------
    res : DataFrame
        A :func:`test_hypotheses` result.
    alpha : float, default 0.05
        Significance level.
    synthetic : bool, default False
        Whether the data are synthetic; the paragraph then says so.

    Returns
    -------
    str
        The paragraph (English).
    """
    top = int(res["top"].iloc[0]) if "top" in res.columns and len(res) else 10
    tested = res[res["p_mw"].notna()]
    if not len(tested):
        return "No hypothesis could be tested: too few pages in one of the groups."
    sig = tested.index[(tested["p_mw_adj"] < alpha) & (tested["rank_biserial"] > 0)].tolist()
    higher = tested.index[(tested["rank_biserial"] > 0) & ~tested.index.isin(sig)].tolist()
    lower = tested.index[tested["rank_biserial"] < 0].tolist()
    equal = tested.index[tested["rank_biserial"] == 0].tolist()
    corr = str(tested["correction"].iloc[0])
    n_top = int(tested["n_top"].max())
    n_rest = int(tested["n_rest"].max())
    head = f"Compared with the other pages (up to {n_rest}), the Top-{top} pages (up to {n_top})"
    test = f"{corr}-adjusted Mann–Whitney p < " + narrate.number(alpha, None, "en")
    if sig:
        parts = [f"{head} scored significantly higher on {_fmt_list(sig)} ({test})."]
        best = tested.loc[sig, "rank_biserial"].sort_values(ascending=False)
        h = best.index[0]
        parts.append(
            f"Largest effect: {h} (rank-biserial r = {best.iloc[0]:.2f}, 95 % CI "
            f"{tested.loc[h, 'rb_ci_low']:.2f} to {tested.loc[h, 'rb_ci_high']:.2f})."
        )
    else:
        parts = [f"{head} did not score significantly higher on any hypothesis ({test})."]
    if higher:
        parts.append(f"Higher but not significantly so: {_fmt_list(higher)}.")
    if lower:
        parts.append(f"The Top-{top} scored lower on {_fmt_list(lower)}.")
    if equal:
        parts.append(f"No difference at all on {_fmt_list(equal)}.")
    untested = res.index[res["p_mw"].isna()].tolist()
    if untested:
        parts.append(f"Not testable (no variation or a group too small): {_fmt_list(untested)}.")
    if synthetic:
        parts.append("These are synthetic demo data: the result shows the method, not a finding.")
    return " ".join(parts)


def describe_reliability(rel: pd.DataFrame, *, synthetic: bool = False) -> str:
    """One paragraph summarising :func:`kommunesm.hypotheses.reliability.reliability_table`
    against Krippendorff's (2004, p. 241) guide: alpha >= 0.800 reliable, 0.667–0.800
    for tentative conclusions only, below 0.667 not acceptable.

    Parameters
    ----------
    rel : DataFrame
        A :func:`kommunesm.hypotheses.reliability.reliability_table` result.
    synthetic : bool, default False
        Whether the codes are simulated or synthetic; the paragraph then says so.

    Returns
    -------
    str
        The paragraph (English).
    """
    a = rel["alpha_ordinal"].dropna()
    if not len(a):
        return "No hypothesis was coded by two or more coders: reliability cannot be computed."
    good = a.index[a >= 0.8].tolist()
    tentative = a.index[(a >= 0.667) & (a < 0.8)].tolist()
    poor = a.index[a < 0.667].tolist()
    text = (
        f"Krippendorff's alpha (ordinal) ranged from {a.min():.2f} to {a.max():.2f} over "
        f"{len(a)} hypotheses: reliable (≥ 0.800) for {_fmt_list(good)}; tentative "
        f"(0.667–0.800) for {_fmt_list(tentative)}; not acceptable (< 0.667) for "
        f"{_fmt_list(poor)}."
    )
    if synthetic:
        text += " The coders are simulated: these figures demonstrate the computation only."
    return text

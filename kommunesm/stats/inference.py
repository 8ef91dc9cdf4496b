"""Tests with effect sizes and confidence intervals, one tidy DataFrame each (pingouin style).

Correlations (Spearman/Pearson with Fisher/Bonett-Wright intervals), Wilson intervals for
proportions, group comparisons (Mann-Whitney with rank-biserial r), Fisher's exact and
chi-square tests, two-proportion differences and p-value adjustment. The heavy lifting
is done by scipy, statsmodels and pingouin; what this module adds is a consistent shape,
missing values dropped pairwise and counted in ``n``, and a sentence per result.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from kommunesm import narrate

__all__ = [
    "adjust_pvalues",
    "chi_square",
    "compare_groups",
    "correlation",
    "correlation_table",
    "describe_correlation",
    "describe_two_proportions",
    "fisher_exact",
    "paired_ratio",
    "proportion_ci",
    "two_proportions",
]


def _pairwise(
    x: Sequence[float] | pd.Series, y: Sequence[float] | pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    xa = pd.to_numeric(pd.Series(np.asarray(x, dtype="float64")), errors="coerce").to_numpy()
    ya = pd.to_numeric(pd.Series(np.asarray(y, dtype="float64")), errors="coerce").to_numpy()
    if len(xa) != len(ya):
        raise ValueError(f"x and y differ in length ({len(xa)} vs {len(ya)})")
    ok = np.isfinite(xa) & np.isfinite(ya)
    return xa[ok], ya[ok]


def correlation(
    x: Sequence[float] | pd.Series,
    y: Sequence[float] | pd.Series,
    *,
    method: str = "spearman",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Correlation with a confidence interval and p-value.

    Parameters
    ----------
    x, y : sequence of float or Series
        Paired observations; pairs with a missing or infinite value are dropped (and
        not counted in ``n``).
    method : str, default 'spearman'
        ``"spearman"`` (rank; robust to the skewed follower counts of Facebook pages)
        or ``"pearson"``.
    confidence : float, default 0.95
        Confidence level of the interval (Fisher z-transform; for Pearson the
        standard error is ``1/sqrt(n − 3)``, identical to :func:`pingouin.corr`; for
        Spearman the Bonett–Wright (2000) error ``sqrt((1 + r²/2)/(n − 3))``, slightly
        wider and better calibrated than the plain Fisher interval pingouin reports).

    Returns
    -------
    DataFrame
        One row: method, n, r, ci_low, ci_high, p_value.

    Notes
    -----
    r and p come from :func:`scipy.stats.spearmanr` / :func:`scipy.stats.pearsonr`.
    Bonett, D. G. & Wright, T. A. (2000). Sample size requirements for estimating
    Pearson, Kendall and Spearman correlations. *Psychometrika* 65, 23–28.
    """
    if method not in ("spearman", "pearson"):
        raise ValueError("method must be 'spearman' or 'pearson'")
    xa, ya = _pairwise(x, y)
    n = len(xa)
    if n < 3 or np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return pd.DataFrame(
            [
                {
                    "method": method,
                    "n": n,
                    "r": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "p_value": np.nan,
                }
            ]
        )
    if method == "spearman":
        r, p = sps.spearmanr(xa, ya)
        se = np.sqrt((1 + r**2 / 2) / (n - 3)) if n > 3 else np.nan
    else:
        r, p = sps.pearsonr(xa, ya)
        se = 1 / np.sqrt(n - 3) if n > 3 else np.nan
    zcrit = sps.norm.ppf(0.5 + confidence / 2)
    z = np.arctanh(np.clip(r, -0.999999, 0.999999))
    lo, hi = np.tanh(z - zcrit * se), np.tanh(z + zcrit * se)
    return pd.DataFrame(
        [
            {
                "method": method,
                "n": n,
                "r": float(r),
                "ci_low": float(lo),
                "ci_high": float(hi),
                "p_value": float(p),
            }
        ]
    )


def proportion_ci(
    k: int | Sequence[int] | np.ndarray,
    n: int | Sequence[int] | np.ndarray,
    *,
    method: str = "wilson",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Confidence intervals for proportions ``k / n``.

    Parameters
    ----------
    k, n : int or sequence of int or ndarray
        Counts and bases (scalars or arrays of the same length).
    method : str, default 'wilson'
        Any method of :func:`statsmodels.stats.proportion.proportion_confint`
        (default ``"wilson"``, which behaves well for small ``n`` such as the 24 survey
        respondents of Gambit 2013).
    confidence : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        Columns k, n, proportion, ci_low, ci_high (proportions, not percent).

    Examples
    --------
    >>> proportion_ci(15, 24).round(3).iloc[0].tolist()
    [15.0, 24.0, 0.625, 0.427, 0.788]
    """
    from statsmodels.stats.proportion import proportion_confint

    k_arr = np.atleast_1d(np.asarray(k, dtype="float64"))
    n_arr = np.atleast_1d(np.asarray(n, dtype="float64"))
    k_arr, n_arr = (a.copy() for a in np.broadcast_arrays(k_arr, n_arr))
    if np.any(k_arr > n_arr) or np.any(k_arr < 0):
        raise ValueError("need 0 <= k <= n")
    lo, hi = proportion_confint(k_arr, n_arr, alpha=1 - confidence, method=method)
    with np.errstate(invalid="ignore", divide="ignore"):
        prop = np.where(n_arr > 0, k_arr / n_arr, np.nan)
    return pd.DataFrame(
        {
            "k": k_arr,
            "n": n_arr,
            "proportion": prop,
            "ci_low": np.asarray(lo, dtype=float),
            "ci_high": np.asarray(hi, dtype=float),
        }
    )


def _bootstrap_rank_biserial(a: np.ndarray, b: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Rank-biserial correlations of ``n_boot`` resamples (within groups), vectorised.

    U of each resample is counted from all pairwise comparisons (ties count 1/2), in
    chunks of about two million comparisons, instead of one scipy call per resample.
    """
    nab = len(a) * len(b)
    if n_boot <= 0 or nab == 0:
        return np.full(max(n_boot, 1), np.nan)
    rng = np.random.default_rng(seed)
    ra = a[rng.integers(0, len(a), size=(n_boot, len(a)))]
    rb = b[rng.integers(0, len(b), size=(n_boot, len(b)))]
    u = np.empty(n_boot)
    step = max(1, int(2e6 // nab))
    for i in range(0, n_boot, step):
        x, y = ra[i : i + step, :, None], rb[i : i + step, None, :]
        u[i : i + step] = ((x > y) + 0.5 * (x == y)).sum(axis=(1, 2))
    return 2 * u / nab - 1


def compare_groups(
    values: Sequence[float] | pd.Series,
    groups: Sequence[object] | pd.Series,
    *,
    alternative: str = "two-sided",
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Mann–Whitney U test of two groups with the rank-biserial correlation and a
    bootstrap CI for it.

    Parameters
    ----------
    values : sequence of float or Series
        The outcome (ordinal or continuous).
    groups : sequence of object or Series
        Exactly two distinct labels; the first in sorted order is group A.
    alternative : str, default 'two-sided'
        ``"two-sided"``, ``"greater"`` (A > B) or ``"less"``.
    n_boot : int, default 2000
    seed : int, default 0
        Bootstrap resamples (within groups) for the effect-size interval.

    Returns
    -------
    DataFrame
        One row: group_a, group_b, n_a, n_b, median_a, median_b, U, p_value,
        rank_biserial (positive when A tends to be larger), ci_low, ci_high.
    """
    frame = pd.DataFrame(
        {"v": pd.to_numeric(pd.Series(list(values)), errors="coerce"), "g": list(groups)}
    ).dropna()
    labels = sorted(frame["g"].unique(), key=str)
    if len(labels) != 2:
        raise ValueError(f"compare_groups needs exactly two groups, got {labels}")
    a = frame.loc[frame["g"] == labels[0], "v"].to_numpy()
    b = frame.loc[frame["g"] == labels[1], "v"].to_numpy()
    res = sps.mannwhitneyu(a, b, alternative=alternative)
    rbc = 2 * res.statistic / (len(a) * len(b)) - 1
    lo, hi = np.nanpercentile(_bootstrap_rank_biserial(a, b, n_boot, seed), [2.5, 97.5])
    return pd.DataFrame(
        [
            {
                "group_a": labels[0],
                "group_b": labels[1],
                "n_a": len(a),
                "n_b": len(b),
                "median_a": float(np.median(a)),
                "median_b": float(np.median(b)),
                "U": float(res.statistic),
                "p_value": float(res.pvalue),
                "rank_biserial": float(rbc),
                "ci_low": float(lo),
                "ci_high": float(hi),
            }
        ]
    )


def paired_ratio(
    x: Sequence[float] | pd.Series,
    y: Sequence[float] | pd.Series,
    *,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """How many times larger ``y`` is than ``x`` on the same units: the median of the
    paired ratios y / x with a percentile bootstrap 95 % CI and Wilcoxon's signed-rank
    test of log(y / x) = 0.

    Pairs with a missing or non-positive value are left out (a ratio needs both).

    Parameters
    ----------
    x, y : sequence of float or Series
        The two measurements of each unit (e.g. one municipality's engagement per 1,000
        followers on two platforms), aligned by position.
    n_boot : int, default 2000
    seed : int, default 0
        Bootstrap resamples of the units, for the interval of the median ratio.

    Returns
    -------
    DataFrame
        One row: ``n`` (pairs used), ``median_x``, ``median_y``, ``ratio`` (median of
        y / x), ``ci_low``, ``ci_high`` (95 % bootstrap interval of that median) and
        ``p_value`` (Wilcoxon signed-rank, two-sided; missing below 2 pairs).

    Examples
    --------
    >>> r = paired_ratio([1, 2, 4, 8, 16, 3], [2, 4, 8, 16, 32, 6])
    >>> float(r["ratio"].iloc[0]), float(r["ci_low"].iloc[0])
    (2.0, 2.0)
    """
    xa, ya = _pairwise(x, y)
    ok = (xa > 0) & (ya > 0)
    xa, ya = xa[ok], ya[ok]
    log_ratio = np.log(ya / xa)
    n = len(log_ratio)
    lo = hi = p = med = np.nan
    if n:
        med = float(np.exp(np.median(log_ratio)))
        rng = np.random.default_rng(seed)
        boot = np.median(log_ratio[rng.integers(0, n, size=(n_boot, n))], axis=1)
        lo, hi = (float(v) for v in np.exp(np.percentile(boot, [2.5, 97.5])))
    if n >= 2 and np.any(log_ratio != 0):
        p = float(sps.wilcoxon(log_ratio, zero_method="wilcox").pvalue)
    elif n >= 2:
        p = 1.0
    return pd.DataFrame(
        [
            {
                "n": n,
                "median_x": float(np.median(xa)) if n else np.nan,
                "median_y": float(np.median(ya)) if n else np.nan,
                "ratio": med,
                "ci_low": lo,
                "ci_high": hi,
                "p_value": p,
            }
        ]
    )


def fisher_exact(
    table: np.ndarray | pd.DataFrame, *, alternative: str = "two-sided"
) -> pd.DataFrame:
    """Fisher's exact test of a 2×2 table with the odds ratio and its 95 % CI
    (conditional maximum-likelihood interval from scipy).

    Parameters
    ----------
    table : ndarray or DataFrame
        The 2×2 table of counts.
    alternative : str, default 'two-sided'
        ``"two-sided"``, ``"less"`` or ``"greater"`` (as in :func:`scipy.stats.fisher_exact`).

    Returns
    -------
    DataFrame
        One row: ``odds_ratio``, ``ci_low``, ``ci_high``, ``p_value``, ``n``.
    """
    arr = np.asarray(table, dtype="int64")
    if arr.shape != (2, 2):
        raise ValueError("fisher_exact needs a 2x2 table")
    res = sps.fisher_exact(arr, alternative=alternative)
    ci = sps.contingency.odds_ratio(arr).confidence_interval(0.95)
    return pd.DataFrame(
        [
            {
                "odds_ratio": float(res.statistic),
                "ci_low": float(ci.low),
                "ci_high": float(ci.high),
                "p_value": float(res.pvalue),
                "n": int(arr.sum()),
            }
        ]
    )


def adjust_pvalues(p: Sequence[float] | pd.Series, *, method: str = "holm") -> np.ndarray:
    """Multiple-testing correction (``holm`` by default; any statsmodels method such as
    ``fdr_bh``). Missing p-values stay missing.

    Parameters
    ----------
    p : sequence of float or Series
        The p-values (missing values allowed).
    method : str, default 'holm'
        A method of :func:`statsmodels.stats.multitest.multipletests`.

    Returns
    -------
    ndarray of float
        The adjusted p-values, in the order of ``p``.

    Notes
    -----
    Holm's step-down adjustment (Holm, S. 1979, "A simple sequentially rejective multiple
    test procedure", *Scandinavian Journal of Statistics* 6(2), 65–70) is computed here
    with the formula of statsmodels' ``multipletests`` (sorted p-values times
    ``m, m-1, …, 1``, cumulative maximum, capped at 1; a test checks that the two agree):
    statsmodels runs a full ``gc.collect()`` on every Holm call, which costs 0.1–0.4 s in
    a kernel holding the data and was the largest single cost of chapter 04. Other
    methods go to statsmodels.
    """
    arr = np.asarray(p, dtype="float64")
    out = np.full_like(arr, np.nan)
    ok = np.isfinite(arr)
    if not ok.any():
        return out
    if method.lower() in ("h", "holm"):
        vals = arr[ok]
        order = np.argsort(vals, kind="stable")
        steps = np.arange(vals.size, 0, -1, dtype="float64")
        adjusted = np.minimum(np.maximum.accumulate(vals[order] * steps), 1.0)
        held = np.empty_like(vals)
        held[order] = adjusted
        out[ok] = held
        return out
    from statsmodels.stats.multitest import multipletests

    out[ok] = multipletests(arr[ok], method=method)[1]
    return out


def correlation_table(
    groups: Mapping[str, pd.DataFrame],
    x: str,
    y: str | Sequence[str],
    *,
    methods: Sequence[str] = ("spearman", "pearson"),
    label: str = "pages",
) -> pd.DataFrame:
    """:func:`correlation` of ``x`` with each ``y`` in each group of rows, one row per
    group × y × method (in that order), tidy.

    Parameters
    ----------
    groups : mapping of str to DataFrame
        Label → table (e.g. ``{"all pages": table, "ten largest": top10}``).
    x : str
    y : str or sequence of str
        Column names; ``y`` may be several.
    methods : sequence of str, default ('spearman', 'pearson')
        Correlation methods, see :func:`correlation`.
    label : str, default 'pages'
        Name of the column holding the group label.

    Returns
    -------
    DataFrame
        One row per group × y × method with the columns of :func:`correlation` and the
        group label in ``label``.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 1, 4, 3, 5.0]})
    >>> correlation_table({"all": t}, "a", "b")[["pages", "y", "method", "n"]].values.tolist()
    [['all', 'b', 'spearman', 5], ['all', 'b', 'pearson', 5]]
    """
    ys = [y] if isinstance(y, str) else list(y)
    rows = [
        correlation(frame[x], frame[col], method=m).assign(**{label: name, "y": col})
        for name, frame in groups.items()
        for col in ys
        for m in methods
    ]
    return pd.concat(rows, ignore_index=True)


def describe_correlation(
    res: pd.DataFrame | pd.Series, x: str, y: str, *, claim_none: bool = False
) -> str:
    """One English sentence (two with ``claim_none``) describing a :func:`correlation`
    result, generated from the numbers so that notebooks never type a conclusion.

    Parameters
    ----------
    res : DataFrame or Series
        A row of :func:`correlation` (method, n, r, ci_low, ci_high, p_value).
    x, y : str
        Names of the two variables as they should appear in the text.
    claim_none : bool, default False
        Add a sentence on the claim "there is no correlation": the data contradict it if
        the confidence interval excludes 0, otherwise they are consistent with it (and
        the sentence says how large a correlation the interval still allows).

    Returns
    -------
    str
        The sentence(s).

    Notes
    -----
    The verdict is :func:`kommunesm.narrate.correlation_verdict`: an interval that
    includes 0 shows no correlation whatever r is; otherwise the strength (weak < 0.3 ≤
    moderate < 0.5 ≤ strong) is read from the bound nearest 0, so a wide interval cannot
    make a strong claim.

    Examples
    --------
    >>> import pandas as pd
    >>> res = pd.DataFrame([{"method": "spearman", "n": 979, "r": 0.62, "ci_low": 0.58,
    ...                      "ci_high": 0.66, "p_value": 1e-40}])
    >>> describe_correlation(res, "page likes", "talking about", claim_none=True)  # doctest: +NORMALIZE_WHITESPACE
    "Spearman's ρ between page likes and talking about is 0.62 (95% CI 0.58 to 0.66, p < 0.001, n = 979): strong positive correlation. The confidence interval excludes 0, so the data contradict the claim of no correlation."
    """
    row = res.iloc[0] if isinstance(res, pd.DataFrame) else res
    n = int(row["n"])
    r = float(row["r"])
    name = {"spearman": "Spearman's ρ", "pearson": "Pearson's r"}.get(
        str(row["method"]), str(row["method"])
    )
    if not np.isfinite(r):
        return (
            f"The {name} between {x} and {y} cannot be computed (n = {n} complete pairs, or "
            "no variation)."
        )
    lo, hi = float(row["ci_low"]), float(row["ci_high"])
    ci = narrate.ci(lo, hi, 2, lang="en") + ", " if np.isfinite(lo) and np.isfinite(hi) else ""
    verdict = (
        narrate.correlation_verdict(r, lo, hi, lang="en")
        if np.isfinite(lo) and np.isfinite(hi)
        else "the interval could not be computed"
    )
    text = (
        f"{name} between {x} and {y} is {narrate.number(r, 2, 'en')} "
        f"({ci}{narrate.pvalue(row['p_value'], 'en')}, n = {narrate.integer(n, 'en')}): "
        f"{verdict}."
    )
    if claim_none and np.isfinite(lo) and np.isfinite(hi):
        if lo > 0 or hi < 0:
            text += (
                " The confidence interval excludes 0, so the data contradict the claim of no "
                "correlation."
            )
        else:
            bound = max(abs(lo), abs(hi))
            text += (
                " The confidence interval includes 0, so the data are consistent with no "
                "correlation, but also with one as large as "
                f"{narrate.number(bound, 2, 'en')} in absolute value."
            )
    return text


def two_proportions(
    k1: int,
    n1: int,
    k2: int,
    n2: int,
    *,
    labels: tuple[str, str] = ("A", "B"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Compare two proportions: Wilson CIs for each, the difference with Newcombe's
    hybrid-score CI, Fisher's exact test and the odds ratio.

    Newcombe, R. G. (1998), Interval estimation for the difference between independent
    proportions, *Statistics in Medicine* 17, 873-890 (method 10), via
    :func:`statsmodels.stats.proportion.confint_proportions_2indep` (``"newcomb"``).

    Parameters
    ----------
    k1, n1 : int
        Count and base of the first group.
    k2, n2 : int
        Count and base of the second group.
    labels : tuple of str, default ('A', 'B')
        Names of the two groups.
    confidence : float, default 0.95
        Level of the intervals.

    Returns
    -------
    DataFrame
        One row: each group's ``k``, ``n``, proportion and Wilson interval (``*_a``,
        ``*_b``), the ``difference`` with its Newcombe interval (``ci_low``, ``ci_high``),
        the ``odds_ratio`` with its interval and Fisher's ``p_value``.

    Examples
    --------
    Difi 2012:2 response rates (Amdam, Hoel & Stranger-Thorsen 2012, ch. 2): 11 of 17
    ministries and 89 of 108 agencies answered.

    >>> res = two_proportions(11, 17, 89, 108, labels=("departementer", "etater"))
    >>> round(float(res["difference"].iloc[0]), 3), round(float(res["p_value"].iloc[0]), 3)
    (-0.177, 0.106)
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    if not (0 <= k1 <= n1 and 0 <= k2 <= n2 and n1 > 0 and n2 > 0):
        raise ValueError("need 0 <= k <= n and n > 0 for both groups")
    ci = proportion_ci([k1, k2], [n1, n2], confidence=confidence)
    lo, hi = confint_proportions_2indep(
        k1, n1, k2, n2, method="newcomb", compare="diff", alpha=1 - confidence
    )
    fish = fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])
    return pd.DataFrame(
        [
            {
                "group_a": labels[0],
                "k_a": int(k1),
                "n_a": int(n1),
                "p_a": k1 / n1,
                "p_a_ci_low": float(ci["ci_low"].iloc[0]),
                "p_a_ci_high": float(ci["ci_high"].iloc[0]),
                "group_b": labels[1],
                "k_b": int(k2),
                "n_b": int(n2),
                "p_b": k2 / n2,
                "p_b_ci_low": float(ci["ci_low"].iloc[1]),
                "p_b_ci_high": float(ci["ci_high"].iloc[1]),
                "difference": k1 / n1 - k2 / n2,
                "ci_low": float(lo),
                "ci_high": float(hi),
                "ci_method": "Newcombe hybrid score",
                "odds_ratio": float(fish["odds_ratio"].iloc[0]),
                "or_ci_low": float(fish["ci_low"].iloc[0]),
                "or_ci_high": float(fish["ci_high"].iloc[0]),
                "p_value": float(fish["p_value"].iloc[0]),
                "test": "Fisher exact (two-sided)",
            }
        ]
    )


def describe_two_proportions(res: pd.DataFrame, *, what: str = "share") -> str:
    """A sentence for a :func:`two_proportions` result (generated from the numbers).

    Parameters
    ----------
    res : DataFrame
        A :func:`two_proportions` result.
    what : str, default 'share'
        What the proportions are, as it should appear in the sentence.

    Returns
    -------
    str
        The sentence.
    """
    r = res.iloc[0]
    diff = 100 * r["difference"]
    lo, hi = 100 * r["ci_low"], 100 * r["ci_high"]

    def pts(v: float) -> str:
        return narrate.number(v, 0, "en", sign=True)

    text = (
        f"The {what} was {narrate.percent(r['p_a'], 0, 'en')} among {r['group_a']} "
        f"({r['k_a']} of {r['n_a']}) and {narrate.percent(r['p_b'], 0, 'en')} among "
        f"{r['group_b']} ({r['k_b']} of {r['n_b']}): a difference of {pts(diff)} percentage "
        f"points (95% CI {pts(lo)} to {pts(hi)}; {r['test']} "
        f"{narrate.pvalue(r['p_value'], 'en')})."
    )
    if lo > 0 or hi < 0:
        text += f" The {what} differs clearly between the groups."
    else:
        text += (
            f" The interval includes zero: the data do not show that the {what} differs "
            f"between {r['group_a']} and {r['group_b']}; with groups this small, a "
            f"difference of up to {narrate.number(max(abs(lo), abs(hi)), 0, 'en')} points "
            "cannot be ruled out."
        )
    return text


def chi_square(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    correction: bool = True,
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Chi-square test of independence with Cramér's V and a bootstrap CI for V.

    The test is :func:`pingouin.chi2_independence` (Pearson, Yates-corrected for 2×2
    tables when ``correction``); the CI for V is a percentile bootstrap of the table
    (multinomial resampling of the observed cell proportions, ``seed`` fixed). When an
    expected count is below 5 the ``warning`` column says so and suggests Fisher's exact
    test (:func:`fisher_exact` for 2×2).

    Parameters
    ----------
    data : DataFrame
        One row per observation.
    x, y : str
        The two categorical columns.
    correction : bool, default True
        Yates' continuity correction for 2×2 tables.
    n_boot : int, default 2000
        Bootstrap resamples for the interval of V.
    seed : int, default 0
        Seed of the bootstrap.
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    DataFrame
        One row: x, y, n, chi2, dof, p_value, cramers_v, ci_low, ci_high, min_expected,
        warning.
    """
    import pingouin as pg

    frame = data[[x, y]].dropna()
    with warnings.catch_warnings():  # low counts are reported in the ``warning`` column
        warnings.simplefilter("ignore")
        expected, observed, st = pg.chi2_independence(frame, x=x, y=y, correction=correction)
    pearson = st[st["test"] == "pearson"].iloc[0]
    obs = observed.to_numpy(dtype="float64")
    n = int(obs.sum())
    k = min(obs.shape) - 1
    rng = np.random.default_rng(seed)
    probs = (obs / n).ravel()
    boots = rng.multinomial(n, probs, size=n_boot).reshape((n_boot, *obs.shape)).astype("float64")
    rows_ = boots.sum(axis=2, keepdims=True)
    cols_ = boots.sum(axis=1, keepdims=True)
    exp_b = rows_ * cols_ / n
    with np.errstate(invalid="ignore", divide="ignore"):
        chi_b = np.nansum(np.where(exp_b > 0, (boots - exp_b) ** 2 / exp_b, 0.0), axis=(1, 2))
    v_b = np.sqrt(chi_b / (n * k)) if k > 0 else np.full(n_boot, np.nan)
    alpha = 1 - confidence
    lo, hi = np.nanpercentile(v_b, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    min_exp = float(expected.to_numpy().min())
    warning = (
        f"smallest expected count is {min_exp:.1f} (< 5): the chi-square approximation is "
        "unreliable; prefer Fisher's exact test"
        if min_exp < 5
        else ""
    )
    return pd.DataFrame(
        [
            {
                "x": x,
                "y": y,
                "n": n,
                "chi2": float(pearson["chi2"]),
                "dof": float(pearson["dof"]),
                "p_value": float(pearson["pval"]),
                "cramers_v": float(pearson["cramer"]),
                "ci_low": float(lo),
                "ci_high": float(hi),
                "min_expected": min_exp,
                "warning": warning,
            }
        ]
    )

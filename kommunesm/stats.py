"""Statistics helpers that return tidy results with effect sizes and confidence intervals.

Modelled on pingouin: every test returns a one-row (or one-row-per-test) DataFrame
with the estimate, its 95 % confidence interval, the p-value and the ``n`` it rests on,
so that a notebook writes one line per test and the report can print the table as it
is. The heavy lifting is done by pingouin, scipy and statsmodels; what this module adds
is a consistent shape, handling of missing values (dropped pairwise, counted in ``n``)
and the checks the studies never made.

Examples
--------
>>> import numpy as np
>>> from kommunesm import stats
>>> x = np.arange(20.0); y = x + np.sin(x)
>>> res = stats.correlation(x, y, method="spearman")
>>> list(res.columns)
['method', 'n', 'r', 'ci_low', 'ci_high', 'p_value']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

__all__ = [
    "adjust_pvalues",
    "compare_groups",
    "correlation",
    "fisher_exact",
    "proportion_ci",
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
    x, y
        Paired observations; pairs with a missing or infinite value are dropped (and
        not counted in ``n``).
    method
        ``"spearman"`` (rank; robust to the skewed follower counts of Facebook pages)
        or ``"pearson"``.
    confidence
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
    k, n
        Counts and bases (scalars or arrays of the same length).
    method
        Any method of :func:`statsmodels.stats.proportion.proportion_confint`
        (default ``"wilson"``, which behaves well for small ``n`` such as the 24 survey
        respondents of Gambit 2013).
    confidence
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
    values
        The outcome (ordinal or continuous).
    groups
        Exactly two distinct labels; the first in sorted order is group A.
    alternative
        ``"two-sided"``, ``"greater"`` (A > B) or ``"less"``.
    n_boot, seed
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
    rng = np.random.default_rng(seed)
    boots = np.empty(n_boot)
    for i in range(n_boot):
        ra = rng.choice(a, len(a))
        rb = rng.choice(b, len(b))
        u = sps.mannwhitneyu(ra, rb, alternative="two-sided").statistic
        boots[i] = 2 * u / (len(a) * len(b)) - 1
    lo, hi = np.nanpercentile(boots, [2.5, 97.5])
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


def fisher_exact(
    table: np.ndarray | pd.DataFrame, *, alternative: str = "two-sided"
) -> pd.DataFrame:
    """Fisher's exact test of a 2×2 table with the odds ratio and its 95 % CI
    (conditional maximum-likelihood interval from scipy)."""
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
    ``fdr_bh``). Missing p-values stay missing."""
    from statsmodels.stats.multitest import multipletests

    arr = np.asarray(p, dtype="float64")
    out = np.full_like(arr, np.nan)
    ok = np.isfinite(arr)
    if ok.any():
        out[ok] = multipletests(arr[ok], method=method)[1]
    return out

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

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

__all__ = [
    "ROUNDING_RULES",
    "ModelResult",
    "adjust_pvalues",
    "adoption_series",
    "check_rows",
    "chi_square",
    "compare_groups",
    "correlation",
    "coverage_by_county",
    "data_periods",
    "describe_built_in_effects",
    "correlation_table",
    "describe_correlation",
    "describe_grim",
    "describe_regression",
    "describe_survey_table",
    "describe_two_proportions",
    "diagnostic_tests",
    "fisher_exact",
    "glm",
    "grim",
    "grim_counts",
    "grim_table",
    "harmonisation_table",
    "nearest_consistent_n",
    "negbin",
    "numeric_summary",
    "ols",
    "proportion_ci",
    "published_proportions",
    "quarantine_summary",
    "residual_data",
    "small_n_note",
    "survey_table",
    "two_proportions",
    "with_page_covariates",
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


def _strength(r: float) -> str:
    a = abs(r)
    if a < 0.1:
        return "negligible"
    if a < 0.3:
        return "weak"
    if a < 0.5:
        return "moderate"
    if a < 0.7:
        return "strong"
    return "very strong"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


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
    groups
        Label → table (e.g. ``{"all pages": table, "ten largest": top10}``).
    x, y
        Column names; ``y`` may be several.
    methods
        Correlation methods, see :func:`correlation`.
    label
        Name of the column holding the group label.

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
    res
        A row of :func:`correlation` (method, n, r, ci_low, ci_high, p_value).
    x, y
        Names of the two variables as they should appear in the text.
    claim_none
        Add a sentence on the claim "there is no correlation": the data contradict it if
        the confidence interval excludes 0, otherwise they are consistent with it (and
        the sentence says how large a correlation the interval still allows).

    Strength labels by |r|: < 0.1 negligible, < 0.3 weak, < 0.5 moderate, < 0.7 strong,
    otherwise very strong (Cohen's 1988 conventions, extended).

    Examples
    --------
    >>> import pandas as pd
    >>> res = pd.DataFrame([{"method": "spearman", "n": 979, "r": 0.62, "ci_low": 0.58,
    ...                      "ci_high": 0.66, "p_value": 1e-40}])
    >>> describe_correlation(res, "page likes", "talking about", claim_none=True)  # doctest: +NORMALIZE_WHITESPACE
    "Spearman's ρ between page likes and talking about is 0.62 (95 % CI 0.58 to 0.66, p < 0.001, n = 979): a strong positive correlation. The confidence interval excludes 0, so the data contradict the claim of no correlation."
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
    direction = "positive" if r > 0 else "negative"
    lo, hi = float(row["ci_low"]), float(row["ci_high"])
    ci = f"95 % CI {lo:.2f} to {hi:.2f}, " if np.isfinite(lo) and np.isfinite(hi) else ""
    strength = _strength(r)
    kind = "correlation" if strength == "negligible" else f"{direction} correlation"
    text = (
        f"{name} between {x} and {y} is {r:.2f} ({ci}{_p_text(float(row['p_value']))}, "
        f"n = {n}): a {strength} {kind}."
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
                f"correlation, but also with one as large as {bound:.2f} in absolute value."
            )
    return text


# =========================================================================== GRIM
#: Rounding rules that :func:`grim` can check.
ROUNDING_RULES = ("half_up", "half_even", "truncation")
_RULE_LABEL = {"half_up": "half-up", "half_even": "half-even", "truncation": "truncation"}
_NUMBER_WORDS = {
    "en": 1,
    "ett": 1,
    "én": 1,
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "sju": 7,
    "syv": 7,
    "åtte": 8,
    "ni": 9,
    "ti": 10,
}


def _scaled_percent(percent: float, decimals: int) -> int:
    scaled = float(percent) * 10**decimals
    whole = int(round(scaled))
    if abs(scaled - whole) > 1e-6 * max(1.0, abs(scaled)):
        raise ValueError(f"{percent} has more than {decimals} decimal(s)")
    if not 0 <= whole <= 100 * 10**decimals:
        raise ValueError(f"a percentage must lie in 0..100, got {percent}")
    return whole


def grim_counts(percent: float, n: int, decimals: int = 0, rounding: str = "half_up") -> np.ndarray:
    """The counts ``k`` (0..n) for which ``100·k/n`` rounds to ``percent``.

    The comparison is exact (integer arithmetic), so 62.5 % is a genuine tie: it rounds
    to 63 half-up, to 62 half-even, and truncates to 62.

    Parameters
    ----------
    percent
        The published percentage, e.g. ``63``.
    n
        The base (number of respondents).
    decimals
        Decimals the percentage was reported with.
    rounding
        ``"half_up"`` (school rounding, ties away from zero), ``"half_even"`` (banker's
        rounding, the IEEE/Python default) or ``"truncation"`` (decimals cut off).

    Examples
    --------
    >>> grim_counts(63, 24).tolist(), grim_counts(63, 24, rounding="half_even").tolist()
    ([15], [])
    """
    if rounding not in ROUNDING_RULES:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDING_RULES)}")
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be a positive whole number, got {n}")
    target = _scaled_percent(percent, decimals)
    scale = 100 * 10**decimals
    k = np.arange(n + 1, dtype=np.int64)
    twice = 2 * scale * k  # 2·x·n, with x = scale·k/n the scaled percentage
    lo, hi = (2 * target - 1) * n, (2 * target + 1) * n
    if rounding == "half_up":
        ok = (twice >= lo) & (twice < hi)
    elif rounding == "half_even":
        ok = (twice >= lo) & (twice <= hi) if target % 2 == 0 else (twice > lo) & (twice < hi)
    else:
        ok = (scale * k >= target * n) & (scale * k < (target + 1) * n)
    return k[ok]


def grim(percent: float, n: int, decimals: int = 0, rounding: str = "half_up") -> bool:
    """GRIM test: can a whole number of the ``n`` respondents give ``percent``?

    A percentage reported with ``decimals`` decimals is consistent with ``n`` if some
    integer ``k`` in 0..n gives ``100·k/n`` that rounds to it under ``rounding``
    (DESIGN.md, "Definitions"; Brown, N. J. L. & Heathers, J. A. J. (2017), The GRIM
    test, *Social Psychological and Personality Science* 8(4), 363-369).

    Examples
    --------
    Gambit H+K 2013 had 24 respondents (seed ``000_168a329c410e5397.txt``, p. 12):

    >>> grim(63, 24), grim(42, 24), grim(91, 24), grim(87, 24)
    (True, True, False, False)
    >>> grim(91, 24, rounding="truncation")
    True
    """
    return bool(len(grim_counts(percent, n, decimals, rounding)))


def nearest_consistent_n(
    percent: float,
    n: int,
    decimals: int = 0,
    rounding: str = "half_up",
    *,
    max_n: int | None = None,
) -> tuple[int | None, int | None]:
    """The nearest bases below and above ``n`` with which ``percent`` is GRIM-consistent.

    Searching *downwards* models item non-response (fewer than all respondents answered
    the question); upwards is reported for completeness. ``None`` where there is none
    (below: down to 1; above: up to ``max_n``, default ``2n + 10``).

    >>> nearest_consistent_n(91, 24)
    (23, 32)
    """
    below = next(
        (m for m in range(int(n) - 1, 0, -1) if grim(percent, m, decimals, rounding)), None
    )
    top = int(max_n) if max_n is not None else 2 * int(n) + 10
    above = next(
        (m for m in range(int(n) + 1, top + 1) if grim(percent, m, decimals, rounding)), None
    )
    return below, above


def _decimals_of(text: object) -> int | None:
    m = re.fullmatch(r"\s*-?\d+(?:[.,](\d+))?\s*%?\s*", str(text))
    if m is None:
        return None
    return len(m.group(1)) if m.group(1) else 0


def _verbal_fraction(note: object) -> tuple[str, float] | None:
    """A verbal fraction quoted in a fact's note: ``"Åtte av ti"`` → ("Åtte av ti", 80.0)."""
    if note is None or pd.isna(note):
        return None
    text = str(note)
    m = re.search(r"(\w+)\s+av\s+(\w+)", text, flags=re.IGNORECASE)
    if m:
        a, b = m.group(1).casefold(), m.group(2).casefold()
        num = int(a) if a.isdigit() else _NUMBER_WORDS.get(a)
        den = int(b) if b.isdigit() else _NUMBER_WORDS.get(b)
        if num is not None and den:
            return m.group(0), 100.0 * num / den
    m = re.search(r"\bhalvparten\b", text, flags=re.IGNORECASE)
    if m:
        return m.group(0), 50.0
    return None


def grim_table(
    facts: pd.DataFrame, *, rounding: str = "half_up", unit: str = "percent"
) -> pd.DataFrame:
    """GRIM check of every published percentage that has a base ``n``.

    Parameters
    ----------
    facts
        :func:`kommunesm.io.published.load` ``("facts")`` (columns study, table, item,
        value, unit, n_base, source, locator, note).
    rounding
        The rule the verdict ``consistent`` refers to (all three rules are reported).
    unit
        Which facts are percentages.

    Returns
    -------
    DataFrame
        One row per percentage with a base: study, table, item, value (as published),
        n_base, decimals, ``testable`` (False for values such as ``">50"``, which are
        bounds, not numbers: they stay in the table with a note), ``consistent`` (under
        ``rounding``), ``consistent_half_up`` / ``_half_even`` / ``_truncation``,
        ``rules`` (the rules under which it is consistent), ``k`` (the count under
        ``rounding``), ``counts`` (counts per rule), ``verbal`` (the report's words when
        the value is a verbal fraction such as "Åtte av ti", which is approximate by
        nature), ``nearest_n_below`` / ``nearest_n_above`` / ``nearest_n`` and
        ``k_at_nearest_n`` (when inconsistent under ``rounding``; the nearest base, ties
        going to the smaller one, i.e. item non-response), ``note`` (one generated
        sentence), source and locator.

    Examples
    --------
    >>> from kommunesm.io import published
    >>> tab = grim_table(published.load("facts"))
    >>> int(tab.set_index("item").loc["want_knowledge_of_other_municipalities", "nearest_n"])
    23
    """
    if rounding not in ROUNDING_RULES:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDING_RULES)}")
    sel = facts[(facts["unit"] == unit) & facts["n_base"].notna()]
    rows = []
    for rec in sel.itertuples(index=False):
        n = int(rec.n_base)
        value = str(rec.value)
        decimals = _decimals_of(value)
        row: dict[str, object] = {
            "study": rec.study,
            "table": rec.table,
            "item": rec.item,
            "value": value,
            "n_base": n,
            "decimals": decimals,
            "testable": decimals is not None,
            "source": rec.source,
            "locator": rec.locator,
        }
        verbal = _verbal_fraction(getattr(rec, "note", None))
        if decimals is None:
            row["note"] = (
                f"not testable: {value!r} is a bound or a text, not a single percentage; "
                "kept here so that it is not silently dropped"
            )
            rows.append(row)
            continue
        pct = float(value.replace(",", ".").rstrip("%").strip())
        is_verbal = verbal is not None and abs(verbal[1] - pct) < 0.5 / 10**decimals
        row["verbal"] = verbal[0] if is_verbal else pd.NA
        counts = {r: grim_counts(pct, n, decimals, r) for r in ROUNDING_RULES}
        for r in ROUNDING_RULES:
            row[f"consistent_{r}"] = bool(len(counts[r]))
        row["consistent"] = bool(len(counts[rounding]))
        row["rules"] = ", ".join(_RULE_LABEL[r] for r in ROUNDING_RULES if len(counts[r]))
        row["counts"] = "; ".join(
            f"{_RULE_LABEL[r]}: {', '.join(map(str, counts[r]))}"
            for r in ROUNDING_RULES
            if len(counts[r])
        )
        target = pct * n / 100
        if len(counts[rounding]):
            ks = counts[rounding]
            k = int(ks[np.argmin(np.abs(ks - target))])
            row["k"] = k
            row["note"] = (
                f"consistent: {k} of {n} = {100 * k / n:.2f} % rounds to {value} % ({row['rules']})"
            )
        else:
            below, above = nearest_consistent_n(pct, n, decimals, rounding)
            cands = [m for m in (below, above) if m is not None]
            nearest = min(cands, key=lambda m: (abs(m - n), m)) if cands else None
            row.update({"nearest_n_below": below, "nearest_n_above": above, "nearest_n": nearest})
            if nearest is not None:
                ks = grim_counts(pct, nearest, decimals, rounding)
                row["k_at_nearest_n"] = int(ks[np.argmin(np.abs(ks - pct * nearest / 100))])
            others = [r for r in ROUNDING_RULES if len(counts[r])]
            text = f"not consistent with n = {n} under {_RULE_LABEL[rounding]} rounding"
            if others:
                text += f"; consistent under {', '.join(_RULE_LABEL[r] for r in others)}"
            if nearest is not None:
                text += (
                    f"; under {_RULE_LABEL[rounding]} the nearest base is n = {nearest} "
                    f"({row['k_at_nearest_n']} of {nearest})"
                )
                if nearest < n:
                    text += f", i.e. {n - nearest} respondent(s) not answering the item"
            if is_verbal:
                text = (
                    f"the report gives {verbal[0]!r} (= {verbal[1]:g} %), a verbal "
                    "approximation rather than a computed percentage; " + text
                )
            row["note"] = text
        rows.append(row)
    columns = [
        "study",
        "table",
        "item",
        "value",
        "n_base",
        "decimals",
        "testable",
        "consistent",
        "consistent_half_up",
        "consistent_half_even",
        "consistent_truncation",
        "rules",
        "k",
        "counts",
        "verbal",
        "nearest_n_below",
        "nearest_n_above",
        "nearest_n",
        "k_at_nearest_n",
        "note",
        "source",
        "locator",
    ]
    out = pd.DataFrame(rows, columns=columns)
    for c in ("decimals", "k", "nearest_n_below", "nearest_n_above", "nearest_n", "k_at_nearest_n"):
        out[c] = pd.to_numeric(out[c]).astype("Int64")
    for c in ("consistent", "consistent_half_up", "consistent_half_even", "consistent_truncation"):
        out[c] = out[c].astype("boolean")
    out["testable"] = out["testable"].astype(bool)
    for c in ("rules", "counts", "verbal", "note"):
        out[c] = out[c].astype("str")
    out.attrs["rounding"] = rounding
    return out


def describe_grim(table: pd.DataFrame) -> str:
    """One paragraph summarising a :func:`grim_table` (generated from the numbers).

    >>> t = pd.DataFrame({"testable": [True, True, False], "consistent": [True, False, pd.NA],
    ...     "item": ["a", "b", "c"], "value": ["50", "91", ">50"], "n_base": [24, 24, 24],
    ...     "nearest_n": [pd.NA, 23, pd.NA], "verbal": [pd.NA, pd.NA, pd.NA],
    ...     "consistent_truncation": [True, True, pd.NA]})
    >>> describe_grim(t).split(";")[0]
    'Of 3 published percentages with a stated base, 2 can be tested, and 1 of these are consistent with their base under half-up rounding'
    """
    rule = _RULE_LABEL.get(table.attrs.get("rounding", "half_up"), "half-up")
    testable = table[table["testable"]]
    bad = testable[testable["consistent"].fillna(False).astype(bool) == False]  # noqa: E712
    parts = [
        f"Of {len(table)} published percentages with a stated base, {len(testable)} can be "
        f"tested, and {len(testable) - len(bad)} of these are consistent with their base under "
        f"{rule} rounding"
    ]
    if len(bad):
        items = ", ".join(
            f"{r.item} ({r.value} % of {r.n_base}"
            + (f"; fits n = {r.nearest_n}" if pd.notna(r.nearest_n) else "")
            + ("; a verbal approximation" if pd.notna(r.verbal) and str(r.verbal) != "nan" else "")
            + ")"
            for r in bad.itertuples(index=False)
        )
        parts.append(f"not consistent: {items}")
        rule_cols = [f"consistent_{r}" for r in ROUNDING_RULES if f"consistent_{r}" in table]
        if rule_cols:
            if "verbal" in testable.columns:
                v = testable["verbal"]
                is_verbal = v.notna() & ~v.astype("str").isin(["nan", "<NA>", "None", ""])
                exact = testable[~is_verbal]
            else:
                exact = testable
            fits = [
                _RULE_LABEL[c.removeprefix("consistent_")]
                for c in rule_cols
                if exact[c].fillna(False).astype(bool).all()
            ]
            if fits:
                parts.append(
                    "all percentages that are not verbal approximations are consistent under "
                    f"{' and '.join(fits)} rounding, which the report may have used"
                )
            else:
                parts.append(
                    "no single rounding rule makes every percentage (verbal approximations "
                    "aside) consistent with its stated base, which points to item "
                    "non-response (smaller bases for some questions) rather than to a "
                    "rounding convention"
                )
    untestable = table[~table["testable"]]
    if len(untestable):
        parts.append(
            f"{len(untestable)} cannot be tested ("
            + ", ".join(f"{r.item}: {r.value!r}" for r in untestable.itertuples(index=False))
            + ")"
        )
    return "; ".join(parts) + "."


def published_proportions(
    facts: pd.DataFrame,
    *,
    study: str = "gambit2013",
    table: str | None = "survey",
    rounding: str = "half_up",
    confidence: float = 0.95,
    small_n: int = 30,
) -> pd.DataFrame:
    """Counts and Wilson intervals reconstructed from published percentages.

    The Gambit H+K report gives its survey results as percentages of the 24 responding
    municipalities (seed ``000_168a329c410e5397.txt``, pp. 16-19). The count behind each
    percentage is inferred with GRIM (:func:`grim_table`): the count under ``rounding``
    when the percentage is consistent with ``n``; otherwise the count nearest to
    ``percent·n/100`` (flagged, with the base that would fit). Values that are not numbers
    (``">50"``) keep their row with no count.

    Returns
    -------
    DataFrame
        study, item, value, n, k, k_basis, percent (100·k/n), ci_low, ci_high (percent,
        Wilson), consistent, nearest_n, small_n (True when n < ``small_n``), note,
        source, locator.
    """
    grim_tab = grim_table(facts, rounding=rounding)
    sel = grim_tab[grim_tab["study"] == study]
    if table is not None:
        sel = sel[sel["table"] == table]
    out = sel[
        ["study", "item", "value", "n_base", "consistent", "nearest_n", "note", "source", "locator"]
    ].rename(columns={"n_base": "n"})
    value_num = pd.to_numeric(sel["value"].str.replace(",", ".", regex=False), errors="coerce")
    target = (value_num * sel["n_base"].astype("float64") / 100).round()
    k = sel["k"].astype("Float64").fillna(target.astype("Float64"))
    out["k"] = k.astype("Int64")
    basis = np.where(
        sel["k"].notna(),
        f"GRIM ({_RULE_LABEL[rounding]})",
        np.where(value_num.notna(), "nearest count (percentage not consistent with n)", ""),
    )
    out["k_basis"] = pd.Series(basis, index=out.index, dtype="str")
    testable = out["k"].notna()
    out["percent"] = np.nan
    out["ci_low"] = np.nan
    out["ci_high"] = np.nan
    if testable.any():
        ci = proportion_ci(
            out.loc[testable, "k"].astype("int64").to_numpy(),
            out.loc[testable, "n"].astype("int64").to_numpy(),
            confidence=confidence,
        )
        out.loc[testable, "percent"] = 100 * ci["proportion"].to_numpy()
        out.loc[testable, "ci_low"] = 100 * ci["ci_low"].to_numpy()
        out.loc[testable, "ci_high"] = 100 * ci["ci_high"].to_numpy()
    out["small_n"] = out["n"].astype("int64") < small_n
    cols = ["study", "item", "value", "n", "k", "k_basis", "percent", "ci_low", "ci_high"]
    cols += ["consistent", "nearest_n", "small_n", "note", "source", "locator"]
    return out[cols].reset_index(drop=True)


def small_n_note(n: int | Sequence[int], *, small_n: int = 30, confidence: float = 0.95) -> str:
    """A warning sentence for small bases (empty when every n >= ``small_n``).

    >>> small_n_note(24)[:48]
    'Small sample: n = 24 (< 30). A 95 % Wilson inter'
    """
    ns = sorted({int(x) for x in np.atleast_1d(np.asarray(n)) if pd.notna(x)})
    small = [m for m in ns if m < small_n]
    if not small:
        return ""
    m = min(small)
    half = proportion_ci(m // 2, m, confidence=confidence)
    width = 100 * float(half["ci_high"].iloc[0] - half["ci_low"].iloc[0]) / 2
    ntext = f"n = {m}" if len(small) == 1 else f"n down to {m}"
    return (
        f"Small sample: {ntext} (< {small_n}). A {round(confidence * 100)} % Wilson interval "
        f"around 50 % is ±{width:.0f} percentage points wide, so differences of less than "
        "about that size between items or groups are not evidence of a real difference."
    )


# =========================================================================== survey tables
def survey_table(
    survey: pd.DataFrame,
    *,
    by: str | None = None,
    include_dont_know: bool = False,
    confidence: float = 0.95,
    small_n: int = 30,
) -> pd.DataFrame:
    """Counts, percentages and Wilson CIs per question and answer (optionally by group).

    Parameters
    ----------
    survey
        A long ``survey`` table as :func:`kommunesm.io.survey.read_survey` returns it
        (``respondent_id, question_id, answer`` and, if present, ``answer_type``,
        ``answer_code``, ``question_text``, ``scale``, ``item``, ``option``). Without
        ``answer_type`` it is derived from the answers
        (:func:`kommunesm.io.survey.answer_types`).
    by
        A column to break the table down by (e.g. ``"Fylke"``).
    include_dont_know
        Count "vet ikke" in the base (default: the base is the valid answers; the
        don't-know and missing counts are reported beside it).
    confidence
        Level of the Wilson intervals.
    small_n
        Bases below this get ``small_n = True`` and the table's ``attrs["warning"]``.

    Returns
    -------
    DataFrame
        One row per question × answer (× group): question_id, question_text, [by],
        answer, answer_code, k, n, percent, ci_low, ci_high (percent), n_dont_know,
        n_missing, small_n. Multi-choice options appear as one row each (``answer`` =
        the option; ``k`` respondents who chose it out of ``n`` who answered the
        question); free-text and numeric questions are left out (see
        :func:`numeric_summary`).

    Examples
    --------
    >>> s = pd.DataFrame({"respondent_id": list("abcd"), "question_id": "Q1",
    ...                   "answer": ["Ja", "Ja", "Nei", "Vet ikke"]})
    >>> survey_table(s)[["answer", "k", "n", "n_dont_know"]].values.tolist()
    [['Ja', 2, 3, 1], ['Nei', 1, 3, 1]]
    """
    from kommunesm.io.survey import answer_types

    df = survey.copy()
    if "answer_type" not in df.columns:
        df["answer_type"] = answer_types(df["answer"])
    for c in ("question_text", "scale", "item", "option"):
        if c not in df.columns:
            df[c] = pd.NA
    if "answer_code" not in df.columns:
        df["answer_code"] = np.nan
    df["answer_code"] = pd.to_numeric(df["answer_code"], errors="coerce").astype("float64")
    df = df[~df["scale"].astype("str").isin(["text", "numeric"])]
    keys = ["question_id"] + ([by] if by else [])
    counts = (
        df.assign(
            valid=df["answer_type"] == "valid",
            dk=df["answer_type"] == "dont_know",
            miss=df["answer_type"] == "missing",
        )
        .groupby(keys, sort=False, dropna=False)[["valid", "dk", "miss"]]
        .sum()
        .rename(columns={"valid": "n_valid", "dk": "n_dont_know", "miss": "n_missing"})
    )
    is_option = df["option"].notna() & (df["option"].astype("str") != "nan")
    valid = df[df["answer_type"] == "valid"]
    single = valid[~is_option.loc[valid.index]]
    k_single = (
        single.groupby(keys + ["answer"], sort=False, dropna=False)
        .agg(k=("respondent_id", "size"), answer_code=("answer_code", "min"))
        .reset_index()
    )
    opt = valid[is_option.loc[valid.index]]
    k_opt = (
        opt.assign(sel=opt["answer"].astype("str") == "1")
        .groupby(keys, sort=False, dropna=False)
        .agg(k=("sel", "sum"), answer=("option", "first"))
        .reset_index()
    )
    k_opt["answer_code"] = np.nan
    table = pd.concat([k_single, k_opt], ignore_index=True)
    table = table.merge(counts.reset_index(), on=keys, how="left")
    table["n"] = table["n_valid"] + (table["n_dont_know"] if include_dont_know else 0)
    if include_dont_know:
        dk_rows = counts.reset_index()
        dk_rows = dk_rows[dk_rows["n_dont_know"] > 0].assign(
            answer="Vet ikke / don't know", k=lambda d: d["n_dont_know"], answer_code=np.nan
        )
        dk_rows["n"] = dk_rows["n_valid"] + dk_rows["n_dont_know"]
        table = pd.concat([table, dk_rows], ignore_index=True)
    table = table[table["n"] > 0]
    ci = proportion_ci(
        table["k"].astype("int64").to_numpy(),
        table["n"].astype("int64").to_numpy(),
        confidence=confidence,
    )
    table["percent"] = 100 * ci["proportion"].to_numpy()
    table["ci_low"] = 100 * ci["ci_low"].to_numpy()
    table["ci_high"] = 100 * ci["ci_high"].to_numpy()
    table["small_n"] = table["n"] < small_n
    texts = df.drop_duplicates("question_id").set_index("question_id")["question_text"]
    table["question_text"] = table["question_id"].map(texts)
    order = {q: i for i, q in enumerate(pd.unique(df["question_id"]))}
    table = table.assign(_q=table["question_id"].map(order), _c=table["answer_code"]).sort_values(
        ["_q"] + ([by] if by else []) + ["_c"], kind="stable", na_position="last"
    )
    cols = ["question_id", "question_text"] + ([by] if by else [])
    cols += ["answer", "answer_code", "k", "n", "percent", "ci_low", "ci_high"]
    cols += ["n_dont_know", "n_missing", "small_n"]
    out = table[cols].reset_index(drop=True)
    for c in ("k", "n", "n_dont_know", "n_missing"):
        out[c] = out[c].astype("int64")
    out.attrs["warning"] = small_n_note(out["n"], small_n=small_n, confidence=confidence)
    return out


def numeric_summary(survey: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Numeric survey questions (``scale == "numeric"``): n, mean with a t-based CI,
    standard deviation, median, and the don't-know / missing counts."""
    from kommunesm.io.survey import answer_types

    df = survey[survey.get("scale", pd.Series("", index=survey.index)).astype("str") == "numeric"]
    if not len(df):
        return pd.DataFrame(
            columns=[
                "question_id",
                "question_text",
                "n",
                "mean",
                "ci_low",
                "ci_high",
                "sd",
                "median",
                "n_dont_know",
                "n_missing",
            ]
        )
    types = df["answer_type"] if "answer_type" in df.columns else answer_types(df["answer"])
    value = pd.to_numeric(df.get("answer_code", df["answer"]), errors="coerce").astype("float64")
    frame = pd.DataFrame(
        {"question_id": df["question_id"], "v": value.where(types == "valid"), "t": types}
    )
    g = frame.groupby("question_id", sort=False)
    out = g["v"].agg(n="count", mean="mean", sd="std", median="median").reset_index()
    out["n_dont_know"] = g["t"].agg(lambda t: int((t == "dont_know").sum())).to_numpy()
    out["n_missing"] = g["t"].agg(lambda t: int((t == "missing").sum())).to_numpy()
    tcrit = sps.t.ppf(0.5 + confidence / 2, np.maximum(out["n"] - 1, 1))
    half = tcrit * out["sd"] / np.sqrt(out["n"])
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    texts = df.drop_duplicates("question_id").set_index("question_id")
    out["question_text"] = out["question_id"].map(
        texts["question_text"] if "question_text" in texts.columns else pd.Series(dtype="str")
    )
    cols = ["question_id", "question_text", "n", "mean", "ci_low", "ci_high", "sd", "median"]
    return out[cols + ["n_dont_know", "n_missing"]]


def describe_survey_table(table: pd.DataFrame) -> str:
    """A sentence on the bases of a survey table (respondents, don't-know, missing)."""
    if not len(table):
        return "No questions with answers to tabulate."
    per_q = table.drop_duplicates("question_id")
    text = (
        f"{len(per_q)} questions; bases from n = {int(table['n'].min())} to "
        f"{int(table['n'].max())} valid answers"
    )
    dk = int(per_q["n_dont_know"].sum())
    miss = int(per_q["n_missing"].sum())
    text += f"; {dk} 'vet ikke' and {miss} missing answers kept out of the bases."
    warn = table.attrs.get("warning") or small_n_note(table["n"])
    return text + (" " + warn if warn else "")


# =========================================================================== two proportions
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

    Examples
    --------
    Difi 2012:2 response rates (seed ``004_46cd40235041b8e5.txt``, ch. 2): 11 of 17
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
    """A sentence for a :func:`two_proportions` result (generated from the numbers)."""
    r = res.iloc[0]
    diff = 100 * r["difference"]
    lo, hi = 100 * r["ci_low"], 100 * r["ci_high"]
    text = (
        f"The {what} was {100 * r['p_a']:.0f} % among {r['group_a']} ({r['k_a']} of {r['n_a']}) "
        f"and {100 * r['p_b']:.0f} % among {r['group_b']} ({r['k_b']} of {r['n_b']}): a "
        f"difference of {diff:+.0f} percentage points (95 % CI {lo:+.0f} to {hi:+.0f}; "
        f"{r['test']} {_p_eq(r['p_value'])})."
    )
    if lo > 0 or hi < 0:
        text += f" The {what} differs clearly between the groups."
    else:
        text += (
            f" The interval includes zero: the data do not show that the {what} differs "
            f"between {r['group_a']} and {r['group_b']}; with groups this small, a "
            f"difference of up to {max(abs(lo), abs(hi)):.0f} points cannot be ruled out."
        )
    return text


def _p_eq(p: float) -> str:
    """``"p < 0.001"`` or ``"p = 0.02"``."""
    text = _fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _fmt_p(p: float) -> str:
    if p is None or not np.isfinite(p):
        return "n/a"
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


# =========================================================================== chi-square
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


# =========================================================================== regression
@dataclass
class ModelResult:
    """A fitted regression in tidy form.

    Attributes
    ----------
    kind
        ``"ols"``, ``"count"`` (Poisson / negative binomial) or ``"binary"``.
    model
        Human-readable model name.
    formula, outcome
        The formula and its left-hand side.
    table
        One row per term: term, estimate, std_error, statistic, p_value, ci_low,
        ci_high, effect_name, effect, effect_ci_low, effect_ci_high (standardised beta
        for OLS; incidence-rate ratio for count models; odds ratio for logit), and for OLS
        ``partial_r2``.
    summary
        One row: model, formula, n, n_dropped, df_resid, r2, adj_r2, pseudo_r2, aic,
        bic, alpha (negative-binomial dispersion), cov_type, n_clusters.
    fit
        The statsmodels results object.
    data
        The rows the model used (index = position in the input frame).
    """

    kind: str
    model: str
    formula: str
    outcome: str
    table: pd.DataFrame
    summary: pd.DataFrame
    fit: Any = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    confidence: float = 0.95

    def residuals(self, *, seed: int = 0) -> pd.DataFrame:
        """Residual diagnostics data (:func:`residual_data`)."""
        return residual_data(self, seed=seed)


def _model_frame(
    build: Any, formula: str, data: pd.DataFrame, cluster: str | None
) -> tuple[Any, pd.DataFrame, int]:
    """Build a statsmodels formula model on the complete, finite rows of ``data``."""
    frame = data.reset_index(drop=True)
    if cluster is not None:
        frame = frame[frame[cluster].notna()]
    with np.errstate(divide="ignore", invalid="ignore"):  # log(0) rows are dropped below
        model = build(formula, data=frame, missing="drop")
    used = pd.Index(model.data.row_labels)
    exog = np.asarray(model.exog, dtype="float64")
    endog = np.asarray(model.endog, dtype="float64")
    finite = np.isfinite(endog) & np.isfinite(exog).all(axis=1)
    if not finite.all():
        used = used[finite]
        model = build(formula, data=frame.loc[used], missing="drop")
        used = pd.Index(model.data.row_labels)
    return model, frame.loc[used], len(data) - len(used)


def _cov_args(robust: str | None, cluster: str | None, frame: pd.DataFrame) -> dict[str, Any]:
    if cluster is not None:
        groups = pd.factorize(frame[cluster])[0]
        return {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
    if robust:
        return {"cov_type": robust}
    return {"cov_type": "nonrobust"}


def _tidy(fit: Any, confidence: float, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    ci = fit.conf_int(alpha=1 - confidence)
    table = pd.DataFrame(
        {
            "term": list(fit.params.index),
            "estimate": np.asarray(fit.params, dtype="float64"),
            "std_error": np.asarray(fit.bse, dtype="float64"),
            "statistic": np.asarray(fit.tvalues, dtype="float64"),
            "p_value": np.asarray(fit.pvalues, dtype="float64"),
            "ci_low": np.asarray(ci.iloc[:, 0], dtype="float64"),
            "ci_high": np.asarray(ci.iloc[:, 1], dtype="float64"),
        }
    )
    return table[~table["term"].isin(drop)].reset_index(drop=True)


def ols(
    formula: str,
    data: pd.DataFrame,
    *,
    robust: str | None = "HC3",
    cluster: str | None = None,
    confidence: float = 0.95,
) -> ModelResult:
    """Ordinary least squares with a formula, robust standard errors and effect sizes.

    Parameters
    ----------
    formula
        A patsy formula, e.g. ``"np.log(followers) ~ np.log(population)"``.
    data
        The data; rows with a missing or non-finite value in any model variable are
        dropped (counted in ``summary["n_dropped"]``), e.g. ``np.log(0)``.
    robust
        Heteroskedasticity-consistent covariance (``"HC3"`` by default, which behaves
        well in small samples: Long & Ervin 2000, *The American Statistician* 54, 217-224);
        ``None`` for classical standard errors.
    cluster
        A column of cluster ids (e.g. ``page_id`` for posts): cluster-robust standard
        errors; overrides ``robust``.
    confidence
        Level of the CIs.

    Returns
    -------
    ModelResult
        Effect sizes: the standardised coefficient (``b·sd(x)/sd(y)``, with its CI scaled
        the same way) and the partial R² (``t²/(t² + df_resid)`` from the classical t,
        a descriptive share of variance that does not depend on the SE choice).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=200)})
    >>> df["y"] = 2 + 0.5 * df["x"] + rng.normal(size=200)
    >>> res = ols("y ~ x", df)
    >>> round(float(res.table.set_index("term").loc["x", "estimate"]), 1)
    0.5
    """
    import statsmodels.formula.api as smf

    model, frame, dropped = _model_frame(smf.ols, formula, data, cluster)
    fit = model.fit(**_cov_args(robust, cluster, frame))
    classic = model.fit()
    table = _tidy(fit, confidence)
    exog = pd.DataFrame(model.exog, columns=model.exog_names)
    sd_y = float(np.std(model.endog, ddof=1))
    sd_x = exog.std(ddof=1).reindex(table["term"]).to_numpy()
    ratio = np.where((sd_x > 0) & (table["term"] != "Intercept"), sd_x / sd_y, np.nan)
    table["effect_name"] = "std. beta"
    table["effect"] = table["estimate"] * ratio
    table["effect_ci_low"] = table["ci_low"] * ratio
    table["effect_ci_high"] = table["ci_high"] * ratio
    t_classic = np.asarray(classic.tvalues, dtype="float64")
    table["partial_r2"] = np.where(
        table["term"] != "Intercept", t_classic**2 / (t_classic**2 + classic.df_resid), np.nan
    )
    summary = _summary(
        "OLS",
        formula,
        fit,
        frame,
        dropped,
        cluster,
        confidence,
        r2=float(fit.rsquared),
        adj_r2=float(fit.rsquared_adj),
    )
    return ModelResult(
        "ols",
        "OLS",
        formula,
        formula.split("~")[0].strip(),
        table,
        summary,
        fit,
        frame,
        confidence,
    )


def _summary(
    name: str,
    formula: str,
    fit: Any,
    frame: pd.DataFrame,
    dropped: int,
    cluster: str | None,
    confidence: float,
    **extra: float,
) -> pd.DataFrame:
    row = {
        "model": name,
        "formula": formula,
        "n": int(fit.nobs),
        "n_dropped": int(dropped),
        "df_resid": float(fit.df_resid),
        "r2": np.nan,
        "adj_r2": np.nan,
        "pseudo_r2": np.nan,
        "aic": float(fit.aic),
        "bic": float(getattr(fit, "bic", np.nan)),
        "alpha": np.nan,
        "cov_type": str(fit.cov_type),
        "n_clusters": int(frame[cluster].nunique()) if cluster else pd.NA,
        "confidence": confidence,
    }
    row.update(extra)
    return pd.DataFrame([row])


def _exp_effects(table: pd.DataFrame, name: str) -> pd.DataFrame:
    table["effect_name"] = np.where(table["term"] == "Intercept", "exp(b)", name)
    table["effect"] = np.exp(table["estimate"])
    table["effect_ci_low"] = np.exp(table["ci_low"])
    table["effect_ci_high"] = np.exp(table["ci_high"])
    return table


def negbin(
    formula: str,
    data: pd.DataFrame,
    *,
    robust: str | None = "HC0",
    cluster: str | None = None,
    confidence: float = 0.95,
) -> ModelResult:
    """Negative-binomial (NB2) regression for counts, e.g. comments per post.

    The dispersion ``alpha`` is estimated (``Var = μ + α·μ²``;
    :func:`statsmodels.formula.api.negativebinomial`). Coefficients are on the log scale;
    the effect size is the incidence-rate ratio ``exp(b)`` with its CI. Posts of the same
    page are not independent: pass ``cluster="page_id"`` for page-clustered standard
    errors.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["y"] = rng.negative_binomial(2, 2 / (2 + np.exp(0.5 + 0.3 * df["x"])))
    >>> res = negbin("y ~ x", df)
    >>> 1.1 < float(res.table.set_index("term").loc["x", "effect"]) < 1.6
    True
    """
    import statsmodels.formula.api as smf

    model, frame, dropped = _model_frame(smf.negativebinomial, formula, data, cluster)
    fit = model.fit(disp=0, maxiter=500, **_cov_args(robust, cluster, frame))
    table = _exp_effects(_tidy(fit, confidence, drop=("alpha",)), "IRR")
    alpha = float(fit.params.get("alpha", np.nan))
    summary = _summary(
        "negative binomial (NB2)",
        formula,
        fit,
        frame,
        dropped,
        cluster,
        confidence,
        pseudo_r2=float(fit.prsquared),
        alpha=alpha,
    )
    return ModelResult(
        "count",
        "negative binomial (NB2)",
        formula,
        formula.split("~")[0].strip(),
        table,
        summary,
        fit,
        frame,
        confidence,
    )


def glm(
    formula: str,
    data: pd.DataFrame,
    *,
    family: str = "poisson",
    robust: str | None = "HC0",
    cluster: str | None = None,
    confidence: float = 0.95,
) -> ModelResult:
    """Generalised linear model with a formula: ``family`` ``"poisson"`` (counts; the
    sandwich SEs make it a valid quasi-Poisson analysis under overdispersion),
    ``"binomial"`` (logit; effect = odds ratio) or ``"gaussian"``."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    fams = {
        "poisson": (sm.families.Poisson(), "count", "IRR"),
        "binomial": (sm.families.Binomial(), "binary", "odds ratio"),
        "gaussian": (sm.families.Gaussian(), "ols", "b"),
    }
    if family not in fams:
        raise ValueError(f"family must be one of {', '.join(fams)}")
    fam, kind, effect = fams[family]

    def build(f: str, data: pd.DataFrame, missing: str) -> Any:
        return smf.glm(f, data=data, family=fam, missing=missing)

    model, frame, dropped = _model_frame(build, formula, data, cluster)
    fit = model.fit(**_cov_args(robust, cluster, frame))
    table = _tidy(fit, confidence)
    if family == "gaussian":
        table["effect_name"] = "b"
        table["effect"] = table["estimate"]
        table["effect_ci_low"] = table["ci_low"]
        table["effect_ci_high"] = table["ci_high"]
    else:
        table = _exp_effects(table, effect)
    summary = _summary(
        f"GLM {family}",
        formula,
        fit,
        frame,
        dropped,
        cluster,
        confidence,
        pseudo_r2=float(fit.pseudo_rsquared(kind="mcf")),
    )
    return ModelResult(
        kind,
        f"GLM {family}",
        formula,
        formula.split("~")[0].strip(),
        table,
        summary,
        fit,
        frame,
        confidence,
    )


def residual_data(res: ModelResult, *, seed: int = 0) -> pd.DataFrame:
    """Per-observation residual diagnostics of a fitted model.

    Columns: fitted, observed, residual (observed − fitted), std_resid (internally
    studentised for OLS; Pearson for GLM/count models), leverage, cooks_d (OLS and GLM),
    and ``qq_theoretical`` / ``qq_sample`` for a normal Q-Q plot. For count models the
    Q-Q values use randomised quantile residuals (Dunn, P. K. & Smyth, G. K. 1996,
    *J. Comput. Graph. Stat.* 5, 236-244), which are standard normal when the model is
    right, whatever the counts (``seed`` fixes their jitter).
    """
    fit = res.fit
    endog = np.asarray(fit.model.endog, dtype="float64")
    fitted = np.asarray(fit.predict(), dtype="float64")
    out = pd.DataFrame(
        {"fitted": fitted, "observed": endog, "residual": endog - fitted}, index=res.data.index
    )
    if res.kind == "ols" and res.model == "OLS":
        infl = fit.get_influence()
        out["std_resid"] = infl.resid_studentized_internal
        out["leverage"] = infl.hat_matrix_diag
        out["cooks_d"] = infl.cooks_distance[0]
        q = out["std_resid"].to_numpy()
    else:
        pearson = getattr(fit, "resid_pearson", None)
        if pearson is None:
            pearson = (endog - fitted) / np.sqrt(np.maximum(fitted, 1e-12))
        out["std_resid"] = np.asarray(pearson, dtype="float64")
        try:
            infl = fit.get_influence()
            out["leverage"] = np.asarray(infl.hat_matrix_diag, dtype="float64")
            out["cooks_d"] = np.asarray(infl.cooks_distance[0], dtype="float64")
        except (AttributeError, NotImplementedError, ValueError, np.linalg.LinAlgError):
            out["leverage"] = np.nan
            out["cooks_d"] = np.nan
        q = out["std_resid"].to_numpy()
        if res.kind == "count":
            q = _quantile_residuals(res, endog, fitted, seed)
            out["quantile_resid"] = q
    order = np.argsort(np.argsort(q, kind="stable"), kind="stable")
    m = len(q)
    theo = sps.norm.ppf((np.arange(1, m + 1) - 0.5) / m)
    out["qq_theoretical"] = theo[order]
    out["qq_sample"] = q
    return out


def _quantile_residuals(res: ModelResult, y: np.ndarray, mu: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    alpha = float(res.summary["alpha"].iloc[0])
    if np.isfinite(alpha) and alpha > 0:
        size = 1 / alpha
        p = size / (size + mu)
        dist = sps.nbinom(size, p)
    else:
        dist = sps.poisson(mu)
    lo = np.where(y > 0, dist.cdf(y - 1), 0.0)
    hi = dist.cdf(y)
    u = lo + rng.uniform(size=len(y)) * (hi - lo)
    return sps.norm.ppf(np.clip(u, 1e-12, 1 - 1e-12))


def diagnostic_tests(res: ModelResult, *, seed: int = 0) -> pd.DataFrame:
    """Assumption checks of a fitted model, one row per check, each with a verdict.

    OLS: Breusch-Pagan (constant variance), Jarque-Bera (normal residuals), Cook's
    distance (influential points, threshold 4/n). Count models: Pearson dispersion
    (≈ 1 when the variance model is right), observed vs predicted share of zeros, and
    normality of the randomised quantile residuals (Kolmogorov-Smirnov).
    """
    from statsmodels.stats.diagnostic import het_breuschpagan
    from statsmodels.stats.stattools import jarque_bera

    fit = res.fit
    diag = residual_data(res, seed=seed)
    n = len(diag)
    rows = []
    if res.kind == "ols":
        bp = het_breuschpagan(np.asarray(diag["residual"]), fit.model.exog)
        rows.append(
            {
                "check": "Breusch-Pagan (constant variance)",
                "statistic": float(bp[0]),
                "p_value": float(bp[1]),
                "verdict": "variance looks constant"
                if bp[1] >= 0.05
                else "heteroskedastic: robust SEs are needed (used by default)",
            }
        )
        jb = jarque_bera(np.asarray(diag["residual"]))
        rows.append(
            {
                "check": "Jarque-Bera (normal residuals)",
                "statistic": float(jb[0]),
                "p_value": float(jb[1]),
                "verdict": "residuals look normal"
                if jb[1] >= 0.05
                else "residuals not normal: CIs rely on the sample size",
            }
        )
    else:
        pearson_chi2 = float(np.sum(np.asarray(diag["std_resid"]) ** 2))
        ratio = pearson_chi2 / float(fit.df_resid)
        rows.append(
            {
                "check": "Pearson dispersion (chi2 / df)",
                "statistic": ratio,
                "p_value": np.nan,
                "verdict": "variance model fits"
                if 0.7 <= ratio <= 1.5
                else ("overdispersed relative to the model" if ratio > 1.5 else "underdispersed"),
            }
        )
        if res.kind == "count":
            alpha = float(res.summary["alpha"].iloc[0])
            mu = diag["fitted"].to_numpy()
            p0 = (
                (1 + alpha * mu) ** (-1 / alpha)
                if np.isfinite(alpha) and alpha > 0
                else np.exp(-mu)
            )
            obs0 = float((diag["observed"] == 0).mean())
            rows.append(
                {
                    "check": "share of zero counts (observed vs model)",
                    "statistic": obs0 - float(p0.mean()),
                    "p_value": np.nan,
                    "verdict": f"observed {100 * obs0:.1f} % zeros, model {100 * p0.mean():.1f} %",
                }
            )
            ks = sps.kstest(diag["quantile_resid"], "norm")
            rows.append(
                {
                    "check": "quantile residuals ~ N(0,1) (Kolmogorov-Smirnov)",
                    "statistic": float(ks.statistic),
                    "p_value": float(ks.pvalue),
                    "verdict": "distribution fits"
                    if ks.statistic < 0.05
                    else "distribution misfits (see the Q-Q plot)",
                }
            )
    cooks = diag["cooks_d"].to_numpy()
    if np.isfinite(cooks).any():
        rows.append(
            {
                "check": "Cook's distance > 4/n",
                "statistic": float(np.nansum(cooks > 4 / n)),
                "p_value": np.nan,
                "verdict": f"{int(np.nansum(cooks > 4 / n))} of {n} observations are "
                f"influential (max D = {np.nanmax(cooks):.2f})",
            }
        )
    return pd.DataFrame(rows, columns=["check", "statistic", "p_value", "verdict"])


def _pct_change(ratio: float) -> str:
    change = 100 * (ratio - 1)
    word = "more" if change >= 0 else "fewer"
    return f"{abs(change):.1f} % {word}"


def describe_regression(
    res: ModelResult,
    term: str,
    *,
    x_label: str | None = None,
    y_label: str | None = None,
    labels: dict[str, str] | None = None,
    synthetic: bool = False,
) -> str:
    """A plain-language conclusion for one term of a regression, generated from the numbers.

    Interprets the coefficient on the scale of the model: elasticities for log-log OLS
    ("a 10 % larger population goes with … % more followers"), percentage changes for a
    logged outcome, incidence-rate ratios for count models, odds ratios for logit; says
    whether the CI excludes zero (no effect), names the other terms held constant (with
    their ``labels``, a mapping term → words), gives p, n and R², and reminds that the
    data are observational.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"pop": np.exp(rng.normal(8, 1, 300))})
    >>> df["fol"] = np.exp(1 + 0.5 * np.log(df["pop"]) + rng.normal(0, 0.3, 300))
    >>> res = ols("np.log(fol) ~ np.log(pop)", df)
    >>> describe_regression(res, "np.log(pop)", x_label="population", y_label="followers")[:60]
    'A 10 % larger population goes with 5.2 % more followers (ela'
    """
    tab = res.table.set_index("term")
    if term not in tab.index:
        raise KeyError(f"{term!r} is not a term of the model; terms: {', '.join(tab.index)}")
    r = tab.loc[term]
    b, lo, hi, p = (float(r[c]) for c in ("estimate", "ci_low", "ci_high", "p_value"))
    x = x_label or term
    y = y_label or res.outcome
    log_x = term.startswith(("np.log(", "log("))
    log_y = res.outcome.startswith(("np.log(", "log("))
    level = round(res.confidence * 100)
    if res.kind == "ols" and log_x and log_y:
        main = (
            f"A 10 % larger {x} goes with {_pct_change(1.1**b)} {y} "
            f"(elasticity {b:.2f}, {level} % CI {lo:.2f} to {hi:.2f})"
        )
    elif res.kind == "ols" and log_y:
        main = (
            f"A one-unit increase in {x} goes with {_pct_change(np.exp(b))} {y} "
            f"({level} % CI {_pct_change(np.exp(lo))} to {_pct_change(np.exp(hi))})"
        )
    elif res.kind == "ols" and log_x:
        main = (
            f"A 10 % larger {x} goes with a change of {b * np.log(1.1):+.3g} in {y} "
            f"({level} % CI {lo * np.log(1.1):+.3g} to {hi * np.log(1.1):+.3g})"
        )
    elif res.kind == "ols":
        main = (
            f"A one-unit increase in {x} goes with a change of {b:+.3g} in {y} "
            f"({level} % CI {lo:+.3g} to {hi:+.3g})"
        )
    else:
        name = "odds of" if res.kind == "binary" else "expected"
        step = "a 10 % larger" if log_x else "a one-unit increase in"
        f = 1.1 if log_x else np.e
        ratio, rlo, rhi = f**b, f**lo, f**hi
        label = "odds ratio" if res.kind == "binary" else "rate ratio"
        main = (
            f"{step[0].upper() + step[1:]} {x} multiplies the {name} {y} by {ratio:.3f} "
            f"({label}; {level} % CI {rlo:.3f} to {rhi:.3f}), i.e. {_pct_change(ratio)}"
        )
    summ = res.summary.iloc[0]
    stats_text = f"{_p_eq(p)}, n = {int(summ['n'])}"
    if np.isfinite(summ["r2"]):
        stats_text += f", R² = {summ['r2']:.2f}"
    if pd.notna(summ["n_clusters"]):
        stats_text += f", SEs clustered on {int(summ['n_clusters'])} groups"
    others = [(labels or {}).get(t, t) for t in tab.index if t not in (term, "Intercept")]
    held = ""
    if others:
        named = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
        held = f", holding {named} constant"
    if lo > 0 or hi < 0:
        direction = "positive" if b > 0 else "negative"
        verdict = f"The data show a clear {direction} association{held}."
    else:
        verdict = (
            f"The {level} % interval includes no effect: the data do not show an association{held}."
        )
    text = f"{main}; {stats_text}. {verdict} This is an association in observational data, not proof of a cause."
    if synthetic:
        text += " Computed on the synthetic demo panel: it describes the generator, not real municipalities."
    return text


def describe_built_in_effects(names: Sequence[str] | None = None) -> str:
    """What the demo generator put into the synthetic panel, for the named effects.

    Reads :data:`kommunesm.demo.BUILT_IN_EFFECTS` (empty string if it does not exist), so
    that a notebook run on the demo panel says that its "findings" were built in.
    """
    try:
        from kommunesm import demo
    except ImportError:  # pragma: no cover - demo is part of the package
        return ""
    effects = getattr(demo, "BUILT_IN_EFFECTS", None)
    if not effects:
        return ""
    keys = [k for k in (names or list(effects)) if k in effects]
    if not keys:
        return ""
    parts = [
        f"{k} ({effects[k].get('hypothesis', '-')}): {effects[k].get('description', '')}"
        for k in keys
    ]
    return (
        "On the synthetic demo panel these effects were put in by the generator "
        "(kommunesm.demo.BUILT_IN_EFFECTS): " + " ".join(parts) + " Estimates below recover "
        "the generator's settings; they are not findings about Norwegian municipalities."
    )


# =========================================================================== descriptive tables
def coverage_by_county(
    pages: pd.DataFrame, municipalities: pd.DataFrame, *, code: str = "kommunenummer"
) -> pd.DataFrame:
    """How many municipalities of each county have a page in the data.

    Parameters
    ----------
    pages
        A ``pages`` table with municipality codes in ``code`` (pages without a code are
        counted in the row ``"(ukjent kommune)"``).
    municipalities
        :func:`kommunesm.registry.municipalities` for the year (kommunenummer, county).

    Returns
    -------
    DataFrame
        county, municipalities, with_page, share (percent), pages; sorted by county,
        with a total row ``"Hele landet"``. A census, not a sample: no CIs.
    """
    reg = municipalities[["kommunenummer", "county"]].drop_duplicates("kommunenummer")
    codes = pages[code].astype("str")
    with_code = pages[codes.notna()].assign(_code=codes[codes.notna()])
    matched = with_code.merge(
        reg, left_on="_code", right_on="kommunenummer", how="left", suffixes=("_page", "")
    )
    per_county = (
        matched.dropna(subset=["county"])
        .groupby("county")
        .agg(with_page=("_code", "nunique"), pages=("_code", "size"))
    )
    total = reg.groupby("county").size().rename("municipalities")
    out = pd.concat([total, per_county], axis=1).fillna(0).reset_index()
    out = out.rename(columns={"index": "county"})
    out[["municipalities", "with_page", "pages"]] = out[
        ["municipalities", "with_page", "pages"]
    ].astype("int64")
    unknown = int(len(pages) - matched["county"].notna().sum())
    out = out.sort_values("county", kind="stable").reset_index(drop=True)
    tot = pd.DataFrame(
        [
            {
                "county": "Hele landet",
                "municipalities": int(out["municipalities"].sum()),
                "with_page": int(out["with_page"].sum()),
                "pages": int(out["pages"].sum()),
            }
        ]
    )
    parts = [out, tot]
    if unknown:
        parts.append(
            pd.DataFrame(
                [
                    {
                        "county": "(ukjent kommune)",
                        "municipalities": 0,
                        "with_page": 0,
                        "pages": unknown,
                    }
                ]
            )
        )
    out = pd.concat(parts, ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(
            out["municipalities"] > 0, 100 * out["with_page"] / out["municipalities"], np.nan
        )
    return out[["county", "municipalities", "with_page", "share", "pages"]]


def quarantine_summary(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows counted by file, column and reason (most frequent first), with
    the first few source rows of each group."""
    cols = ["source_file", "column", "reason"]
    if not len(quarantine):
        return pd.DataFrame(columns=cols + ["rows", "example_rows"])
    grouped = quarantine.groupby(cols, dropna=False, sort=False)["source_row"]
    out = grouped.agg(
        rows="size",
        example_rows=lambda s: ", ".join(str(int(v)) for v in s.dropna().head(5)),
    ).reset_index()
    return out.sort_values(
        ["rows", "source_file"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def data_periods(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows and the first and last date of every dated canonical table.

    Parameters
    ----------
    tables
        Table name → DataFrame (e.g. ``Dataset.tables``); the time column is
        ``created_at`` (posts, comments, activity), ``date`` (page_days) or
        ``period_start``/``period_end`` (page_metrics).

    Returns
    -------
    DataFrame
        table, rows, first, last, days (calendar days covered), years.
    """
    time_cols = {
        "posts": ("created_at", "created_at"),
        "comments": ("created_at", "created_at"),
        "activity": ("created_at", "created_at"),
        "page_days": ("date", "date"),
        "page_metrics": ("period_start", "period_end"),
    }
    rows = []
    for name, (a, b) in time_cols.items():
        frame = tables.get(name)
        if frame is None or not len(frame) or a not in frame.columns:
            continue
        first, last = frame[a].min(), frame[b].max()
        if getattr(first, "tzinfo", None) is not None:
            first, last = first.tz_localize(None), last.tz_localize(None)
        years = sorted(set(pd.to_datetime(frame[a]).dt.year.dropna().astype(int)))
        rows.append(
            {
                "table": name,
                "rows": len(frame),
                "first": first,
                "last": last,
                "days": (last.normalize() - first.normalize()).days + 1
                if pd.notna(first) and pd.notna(last)
                else pd.NA,
                "years": ", ".join(map(str, years)),
            }
        )
    return pd.DataFrame(rows, columns=["table", "rows", "first", "last", "days", "years"])


def harmonisation_table(codes: pd.Series, *, year: int = 2013) -> pd.DataFrame:
    """Municipality codes as given, harmonised to 2024 borders, with what happened.

    Uses :func:`kommunesm.registry.harmonise` and :func:`kommunesm.registry.to_2024_candidates`
    (SSB KLASS 131, 1994-2024). One row per distinct code: kommunenummer, name (in
    ``year``, if the code was valid then), kommunenummer_2024, name_2024, status, pages
    (how many rows had the code). Status:

    * ``unchanged`` - the 2024 code is the same;
    * ``new code`` - renumbered only (e.g. county reform), alone in its 2024 municipality;
    * ``merged`` - its 2024 municipality was formed from several municipalities of
      ``year`` (e.g. 0722 Nøtterøy and 0723 Tjøme → 3911 Færder);
    * ``split (ambiguous)`` - several 2024 successors: not harmonised;
    * ``unknown`` - not a municipality code of 1994-2024 (or missing).
    """
    from kommunesm import registry
    from kommunesm.errors import UnknownMunicipalityError

    given = codes.astype("str")
    counts = given.value_counts(dropna=False)
    distinct = pd.Series(counts.index, dtype="str")
    h = registry.harmonise(distinct).astype("str")
    then = registry.municipalities(year).set_index("kommunenummer")["name"]
    now = registry.municipalities(2024).set_index("kommunenummer")["name"]
    norm = distinct.str.zfill(4)

    def n_successors(code: object) -> int:
        if code is None or pd.isna(code):
            return 0
        try:
            return len(registry.to_2024_candidates(str(code)))
        except (UnknownMunicipalityError, ValueError):
            return 0

    succ = distinct.map(n_successors)
    out = pd.DataFrame(
        {
            "kommunenummer": distinct,
            "name": norm.map(then),
            "kommunenummer_2024": h,
            "name_2024": h.map(now),
            "pages": counts.to_numpy(),
        }
    )
    reg = registry.municipalities(year)
    parts = reg["kommunenummer_2024"].value_counts()
    shared = out["kommunenummer_2024"].map(parts)
    status = np.select(
        [
            succ == 0,
            succ > 1,
            shared.fillna(1) > 1,
            out["kommunenummer_2024"] == norm,
        ],
        ["unknown", "split (ambiguous)", "merged", "unchanged"],
        default="new code",
    )
    out["status"] = pd.Series(status, index=out.index, dtype="str")
    return out.sort_values(["status", "kommunenummer"], kind="stable").reset_index(drop=True)


def with_page_covariates(
    posts: pd.DataFrame,
    page_table: pd.DataFrame,
    columns: Sequence[str],
    *,
    start: object = None,
    end: object = None,
) -> pd.DataFrame:
    """Posts of a period with page-level columns attached (for post-level models).

    Parameters
    ----------
    posts
        Canonical ``posts`` table.
    page_table
        One row per page, indexed by page_id (e.g. :func:`kommunesm.metrics.page_table`).
    columns
        Columns of ``page_table`` to attach (e.g. ``followers``, ``posts_per_week``,
        ``avg_response_time_minutes``).
    start, end
        First and last calendar day (inclusive, Europe/Oslo) of posts to keep; None: all.

    Returns
    -------
    DataFrame
        The posts of the period with the page columns; posts of pages not in
        ``page_table`` get missing values (and drop out of a model).
    """
    frame = posts
    if len(frame) and (start is not None or end is not None):
        day = frame["created_at"].dt.tz_convert("Europe/Oslo").dt.tz_localize(None).dt.normalize()
        keep = pd.Series(True, index=frame.index)
        if start is not None:
            keep &= day >= pd.Timestamp(start).normalize()
        if end is not None:
            keep &= day <= pd.Timestamp(end).normalize()
        frame = frame[keep]
    cols = [c for c in columns if c not in frame.columns]
    return frame.merge(
        page_table[cols], left_on="page_id", right_index=True, how="left"
    ).reset_index(drop=True)


def check_rows(
    frame: pd.DataFrame, columns: Sequence[str], *, min_rows: int = 10, purpose: str = "This model"
) -> bool:
    """True if ``frame`` has at least ``min_rows`` rows with all ``columns`` present and
    finite; otherwise show (in a notebook) why the section is skipped and return False.

    The notebook counterpart of :func:`kommunesm.report.needs` for models: a user's data
    may have the tables but not the values (e.g. pages without population)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        n = 0
    else:
        values = frame[list(columns)].apply(pd.to_numeric, errors="coerce").astype("float64")
        n = int(np.isfinite(values.to_numpy()).all(axis=1).sum())
    if n >= min_rows:
        return True
    text = (
        f"> **Not computed — too little data.** {purpose} needs at least {min_rows} rows with "
        f"{', '.join(columns)}; the data have {n}"
        + (f" (no column {', '.join(missing)})" if missing else "")
        + "."
    )
    try:
        from IPython.display import Markdown, display

        display(Markdown(text))
    except ImportError:  # pragma: no cover
        warnings.warn(text, stacklevel=2)
    return False


# =========================================================================== adoption series
def adoption_series(facts: pd.DataFrame, *, n_municipalities: int | None = None) -> pd.DataFrame:
    """Share of Norwegian municipalities with an official Facebook page, 2010-2015.

    Built from the published facts (``facts.csv``); every point keeps its source,
    locator, the date it refers to and how that date was read, and the definition the
    source used (they differ: Areca counted municipalities *using* Facebook, I all
    offentlighet counted *official* pages; BETA.KOMM asked about social media in
    general and is included as a separate series for context).

    Points (study / item):

    * ``areca2010 / municipalities_using_facebook`` - 32 %, Areca "Kommunale kanaler
      2010", reported 16 Dec 2010.
    * ``betakomm2011 / adopted_social_media`` - 58 % used *any* social medium, Q1 2011
      (KS BETA.KOMM; thesis seed ``003_72a3ab6728cc1670.txt``, p. 2 and 23).
    * ``thesis2012 / municipalities_with_official_facebook_page_dec2011`` - 39 % in
      December 2011 (thesis p. 2, citing I all offentlighet).
    * ``ialloffentlighet / jan2013 / municipalities_with_page`` - 210 of 428 (post of
      5 Jan 2013).
    * ``ialloffentlighet / apr2015`` and ``dec2015 / municipalities_with_page`` - 335 and
      351 municipalities (posts of 14 Apr 2015 and 1 Dec 2015, the latter "as of 30 Oct
      2015").

    Counts are turned into shares with ``n_base`` when the fact has one, else with
    ``n_municipalities`` (default: the number of municipalities in
    :func:`kommunesm.registry.municipalities` for that year); a percentage written in
    the note ("78%") is reported beside it as ``published_percent``.

    Returns
    -------
    DataFrame
        date, share (percent), count, n, published_percent, series ("official page" /
        "uses Facebook" / "any social media"), study, table, item, date_basis, source,
        locator.
    """
    wanted = [
        ("areca2010", None, "municipalities_using_facebook", "uses Facebook"),
        ("betakomm2011", None, "adopted_social_media", "any social media"),
        ("thesis2012", None, "municipalities_with_official_facebook_page_dec2011", "official page"),
        ("ialloffentlighet", "jan2013", "municipalities_with_page", "official page"),
        ("ialloffentlighet", "apr2015", "municipalities_with_page", "official page"),
        ("ialloffentlighet", "dec2015", "municipalities_with_page", "official page"),
    ]
    rows = []
    for study, table, item, series in wanted:
        hit = facts[(facts["study"] == study) & (facts["item"] == item)]
        if table is not None:
            hit = hit[hit["table"] == table]
        if len(hit) != 1:
            continue
        rec = hit.iloc[0]
        date, basis = _reference_date(rec)
        value = pd.to_numeric(rec["value"], errors="coerce")
        published = _percent_in(rec.get("note"))
        if rec["unit"] == "percent":
            share, count, n = float(value), pd.NA, pd.NA
        else:
            n = rec["n_base"]
            if pd.isna(n):
                n = (
                    n_municipalities
                    if n_municipalities is not None
                    else _n_municipalities(date.year)
                )
            count = int(value)
            share = 100 * count / int(n)
        rows.append(
            {
                "date": date,
                "share": share,
                "count": count,
                "n": n,
                "published_percent": published if rec["unit"] != "percent" else float(value),
                "series": series,
                "study": study,
                "table": rec["table"],
                "item": item,
                "date_basis": basis,
                "source": rec["source"],
                "locator": rec["locator"],
            }
        )
    out = pd.DataFrame(rows)
    out["count"] = out["count"].astype("Int64")
    out["n"] = pd.to_numeric(out["n"]).astype("Int64")
    return out.sort_values("date", kind="stable").reset_index(drop=True)


_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "mai": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "okt": 10,
    "nov": 11,
    "dec": 12,
    "des": 12,
}


def _reference_date(rec: pd.Series) -> tuple[pd.Timestamp, str]:
    """The date a fact refers to, and which rule found it (documented order)."""
    note = str(rec.get("note") or "")
    m = re.search(r"as of (\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", note)
    if m and m.group(2).casefold() in _MONTHS:
        return (
            pd.Timestamp(int(m.group(3)), _MONTHS[m.group(2).casefold()], int(m.group(1))),
            "note: 'as of' date",
        )
    m = re.search(r"Q([1-4]) (\d{4})", note)
    if m:
        q = int(m.group(1))
        return pd.Timestamp(int(m.group(2)), 3 * q - 1, 15), "note: quarter (mid-quarter)"
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", str(rec.get("locator") or ""))
    if m:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3))), "locator: post date"
    m = re.search(r"([a-z]{3})(\d{4})$", str(rec.get("item") or ""))
    if m and m.group(1) in _MONTHS:
        return pd.Timestamp(
            int(m.group(2)), _MONTHS[m.group(1)], 15
        ), "item name: month (mid-month)"
    m = re.search(r"/(\d{4})/(\d{2})/(\d{2})/", str(rec.get("source") or ""))
    if m:
        return pd.Timestamp(
            int(m.group(1)), int(m.group(2)), int(m.group(3))
        ), "source URL: publication date"
    m = re.search(r"(\d{4})", str(rec.get("study") or ""))
    if m:
        return pd.Timestamp(int(m.group(1)), 7, 1), "study year (mid-year)"
    raise ValueError(f"no date for fact {rec.get('study')}/{rec.get('item')}")


def _percent_in(note: object) -> float:
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*%", str(note or ""))
    return float(m.group(1).replace(",", ".")) if m else np.nan


def _n_municipalities(year: int) -> int:
    from kommunesm import registry

    return len(registry.municipalities(year))

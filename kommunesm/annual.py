"""The annual re-run: compare two years of the same panel (notebook 07).

KS FoU re-runs the Top-30 analysis every year on fresh exports. Between two years the
numbers change for three reasons: the pages changed (growth in followers, engagement,
response), the *set* of pages changed (new pages, pages gone), and the municipalities
changed (mergers renumber them: 0706 Sandefjord, 0719 Andebu and 0720 Stokke became
0710 Sandefjord in 2017 and 3907 in 2024). This module keeps the three apart:

1. :func:`municipality_keys` gives every page a stable unit: its municipality
   harmonised to 2024 borders with :func:`kommunesm.registry.harmonise`, so that a page
   coded 0706 in one year and 3907 in the next is the same unit, and the pages of merged
   municipalities are compared as one.
2. :func:`to_units` aggregates page metrics (the ten Gambit H+K metrics of
   :func:`kommunesm.metrics.page_table`) to those units; :func:`growth` and
   :func:`growth_summary` compare the units present in both years (paired: the median
   change with a bootstrap CI, the Wilcoxon signed-rank test with the matched-pairs
   rank-biserial correlation as effect size).
3. :func:`top_changes` says which units entered and left the Top-N (the Gambit points
   ranking of :func:`kommunesm.ranking.gambit_points`, computed per page and year as the
   report did) and how their rank moved; :func:`coverage` counts units present in one
   year only, so that "left the Top-30" is not confused with "no data this year".

:func:`compare` runs all of it on a :class:`kommunesm.io.dataset.Dataset`; the
``describe_*`` functions turn the results into the sentences the notebook prints.

Sources
-------
Metric definitions and the points ranking: Johnsen, Jørgensen & Aaneland (2013, s. 9–11):
ten metrics, one list per metric, 1 point per list plus 5–1 points for places 1–5,
Top-30 by the sum. Municipal codes and mergers: SSB
KLASS 131 via :mod:`kommunesm.registry`. Matched-pairs rank-biserial correlation: Kerby
(2014), *Comprehensive Psychology* 3, 11.IT.3.1.

Examples
--------
>>> import pandas as pd
>>> pages = pd.DataFrame({"page_id": ["a", "b", "c"], "name": ["A", "B", "C"],
...                       "kommunenummer": ["0706", "0719", "0301"]})
>>> municipality_keys(pages)["unit"].tolist()
['3907', '3907', '0301']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats as sps

from kommunesm import narrate

if TYPE_CHECKING:
    from kommunesm.io.dataset import Dataset

__all__ = [
    "DEFAULT_METRICS",
    "LOWER_IS_BETTER",
    "SUMMED",
    "AnnualComparison",
    "compare",
    "coverage",
    "describe_coverage",
    "describe_growth",
    "describe_top_changes",
    "growth",
    "growth_summary",
    "merged_units",
    "municipality_keys",
    "StudyPeriod",
    "study_period",
    "to_units",
    "top_changes",
]

#: Metrics compared by default (the names of :func:`kommunesm.metrics.page_table`).
DEFAULT_METRICS = (
    "followers",
    "interactions",
    "engagement_rate",
    "people_talking_about",
    "page_posts",
    "questions_answered",
    "avg_response_time_minutes",
)
#: Metrics that add up over the pages of a municipality.
SUMMED = (
    "followers",
    "interactions",
    "people_talking_about",
    "questions_answered",
    "page_posts",
    "likes",
    "comments",
    "shares",
)
#: Metrics where a decrease is an improvement.
LOWER_IS_BETTER = ("avg_response_time_minutes",)

_PAGE_PREFIX = "side:"


# --------------------------------------------------------------------------- units
def municipality_keys(pages: pd.DataFrame) -> pd.DataFrame:
    """The unit each page is compared as: its municipality at 2024 borders.

    Parameters
    ----------
    pages : DataFrame
        The canonical ``pages`` table (``page_id``, ``name``; ``kommunenummer`` and/or
        ``kommunenummer_2024`` where known).

    Returns
    -------
    DataFrame
        Indexed by ``page_id`` with columns ``name``, ``kommunenummer`` (as given),
        ``kommunenummer_2024`` and ``unit``. ``unit`` is the 2024 code: the given
        ``kommunenummer_2024`` if present, else :func:`kommunesm.registry.harmonise` of
        ``kommunenummer``. A code without a single 2024 successor (a municipality split
        between several, e.g. 1850 Tysfjord) keeps its own code marked ``"1850*"``; a
        page without a code is its own unit ``"side:<page_id>"``.

    Examples
    --------
    >>> import pandas as pd
    >>> pages = pd.DataFrame({"page_id": ["x", "y", "z"], "name": ["X", "Y", "Z"],
    ...                       "kommunenummer": ["1850", None, "1624"]})
    >>> municipality_keys(pages)["unit"].tolist()
    ['1850*', 'side:y', '5054']
    """
    from kommunesm import registry

    frame = pages.drop_duplicates("page_id").set_index("page_id")
    given = _text_column(frame, "kommunenummer")
    code_2024 = _text_column(frame, "kommunenummer_2024")
    harmonised = registry.harmonise(given).astype("string")
    code_2024 = code_2024.fillna(harmonised)
    split = given.notna() & code_2024.isna()
    unit = code_2024.copy()
    unit[split] = given[split].str.zfill(4) + "*"
    no_code = unit.isna()
    unit[no_code] = _PAGE_PREFIX + pd.Series(
        frame.index[no_code.to_numpy()], index=unit.index[no_code]
    )
    names = _text_column(frame, "name").fillna(pd.Series(frame.index, index=frame.index))
    out = pd.DataFrame(
        {
            "name": names.astype("str"),
            "kommunenummer": given,
            "kommunenummer_2024": code_2024,
            "unit": unit.astype("str"),
        },
        index=frame.index,
    )
    out.index.name = "page_id"
    return out


def _text_column(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    s = frame[col].astype("string").str.strip()
    return s.mask(s.isin(["", "nan", "None", "<NA>"]))


def merged_units(keys: pd.DataFrame) -> pd.DataFrame:
    """Units made of several municipality codes (mergers) among the pages in ``keys``.

    Parameters
    ----------
    keys : DataFrame
        :func:`municipality_keys` of the pages.

    Returns
    -------
    DataFrame
        One row per such unit: ``unit``, ``codes`` (the codes given, sorted, joined with
        ", "), ``n_pages``.
    """
    known = keys[keys["kommunenummer"].notna()]
    grouped = known.groupby("unit", sort=True).agg(
        codes=("kommunenummer", lambda s: ", ".join(sorted(set(s)))),
        n_codes=("kommunenummer", "nunique"),
        n_pages=("kommunenummer", "size"),
    )
    out = grouped[grouped["n_codes"] > 1].drop(columns="n_codes").reset_index()
    return out


def to_units(
    metrics: pd.DataFrame, keys: pd.DataFrame, *, engagement: str = "period"
) -> pd.DataFrame:
    """Aggregate page metrics to units (municipalities at 2024 borders).

    Counts (:data:`SUMMED`) are summed over a unit's pages (min_count=1: all missing
    stays missing); ``engagement_rate`` follows its variant ``engagement``
    (:func:`kommunesm.metrics.page_table`'s argument): the period variant is
    recomputed from the sums with :func:`kommunesm.metrics.engagement.engagement_rate`
    (interactions / followers × 100), the daily and per-post variants are the pages' rates
    weighted by their ``page_posts``; ``avg_response_time_minutes`` is the mean of the pages'
    averages weighted by ``questions_answered`` (unweighted where no page has answers
    counted). Other columns (shares, medians, per-capita figures) do not aggregate this
    way and are left out.

    Parameters
    ----------
    metrics : DataFrame
        Page metrics indexed by ``page_id`` (one column per metric).
    keys : DataFrame
        :func:`municipality_keys` of (at least) those pages.
    engagement : {'period', 'daily', 'per_post'}, default 'period'
        The variant in ``metrics["engagement_rate"]`` (a page table's ``engagement``;
        "period" for exports that give interactions / followers).

    Returns
    -------
    DataFrame
        Indexed by ``unit``, sorted, with the metric columns, ``n_pages`` and ``name``
        (the pages' names joined with " + ").

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"followers": [100, 300], "interactions": [10, 50]},
    ...                  index=pd.Index(["a", "b"], name="page_id"))
    >>> keys = pd.DataFrame({"name": ["A", "B"], "unit": ["u", "u"]},
    ...                     index=pd.Index(["a", "b"], name="page_id"))
    >>> to_units(m, keys)[["followers", "interactions", "n_pages"]].to_dict("records")
    [{'followers': 400.0, 'interactions': 60.0, 'n_pages': 2}]

    (with ``engagement_rate`` present it would be 60 / 400 × 100 = 15).
    """
    missing = metrics.index.difference(keys.index)
    if len(missing):
        raise KeyError(
            f"to_units: {len(missing)} pages have metrics but no key "
            f"(first: {missing[0]!r}); pass municipality_keys() of all pages"
        )
    known = (*SUMMED, "engagement_rate", "avg_response_time_minutes")
    numeric = [c for c in metrics.columns if c in known]
    frame = metrics[numeric].astype("float64")
    unit = keys.loc[frame.index, "unit"].to_numpy()
    grouped = frame.groupby(unit, sort=True)
    summed = [c for c in numeric if c not in ("engagement_rate", "avg_response_time_minutes")]
    out = grouped[summed].sum(min_count=1) if summed else pd.DataFrame(index=grouped.size().index)
    if "avg_response_time_minutes" in numeric:
        rt = frame["avg_response_time_minutes"]
        if "questions_answered" in numeric:
            w = frame["questions_answered"].where(rt.notna())
            w = w.where(w > 0)
        else:
            w = pd.Series(np.nan, index=frame.index)
        weighted = (rt * w).groupby(unit).sum(min_count=1) / w.groupby(unit).sum(min_count=1)
        plain = rt.groupby(unit).mean()
        out["avg_response_time_minutes"] = weighted.fillna(plain)
    variant = engagement
    if "engagement_rate" in numeric:
        from kommunesm.metrics.engagement import engagement_rate

        if variant == "period" and {"interactions", "followers"} <= set(numeric):
            out["engagement_rate"] = engagement_rate(out["interactions"], out["followers"])
        elif "page_posts" in numeric:
            # daily / per-post rates are means over posts or posting days: a unit of several
            # pages gets its pages' rates weighted by their posts (exact for one page)
            er = frame["engagement_rate"]
            w = frame["page_posts"].where(er.notna() & (frame["page_posts"] > 0))
            weighted = (er * w).groupby(unit).sum(min_count=1) / w.groupby(unit).sum(min_count=1)
            out["engagement_rate"] = weighted.fillna(er.groupby(unit).mean())
        else:
            out["engagement_rate"] = grouped["engagement_rate"].mean()
    out = out[[c for c in numeric if c in out.columns]]
    out["n_pages"] = grouped.size().astype(int)
    names = keys.loc[frame.index, "name"].astype("str")
    out["name"] = names.groupby(unit).agg(lambda s: " + ".join(sorted(set(s))))
    out.index.name = "unit"
    return out


# --------------------------------------------------------------------------- growth
def growth(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    metrics: Sequence[str] = DEFAULT_METRICS,
) -> pd.DataFrame:
    """Change per unit and metric between two years (units present in both).

    Parameters
    ----------
    previous, current : DataFrame
        Unit metrics of the two years (:func:`to_units`), indexed by unit.
    metrics : sequence of str, optional
        Metrics to compare; those missing from either table are skipped.

    Returns
    -------
    DataFrame
        Tidy: one row per unit × metric with ``unit``, ``metric``, ``previous``,
        ``current``, ``change`` (current − previous) and ``growth_pct``
        ((current / previous − 1) × 100; NaN when previous is 0 or missing). Sorted by
        metric (in the order given) and unit.

    Examples
    --------
    >>> import pandas as pd
    >>> prev = pd.DataFrame({"followers": [100.0, 0.0]}, index=["a", "b"])
    >>> curr = pd.DataFrame({"followers": [150.0, 10.0]}, index=["a", "b"])
    >>> growth(prev, curr, ["followers"])[["unit", "change", "growth_pct"]].to_dict("list")
    {'unit': ['a', 'b'], 'change': [50.0, 10.0], 'growth_pct': [50.0, nan]}
    """
    common = previous.index.intersection(current.index).sort_values()
    parts = []
    for metric in metrics:
        if metric not in previous.columns or metric not in current.columns:
            continue
        p = previous.loc[common, metric].astype("float64").to_numpy()
        c = current.loc[common, metric].astype("float64").to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(p > 0, (c / p - 1.0) * 100.0, np.nan)
        parts.append(
            pd.DataFrame(
                {
                    "unit": common.astype("str"),
                    "metric": metric,
                    "previous": p,
                    "current": c,
                    "change": c - p,
                    "growth_pct": pct,
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            columns=["unit", "metric", "previous", "current", "change", "growth_pct"]
        )
    return pd.concat(parts, ignore_index=True)


def _rank_biserial_paired(diff: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation (Kerby 2014): (R+ − R−) / (R+ + R−) over
    the non-zero differences."""
    d = diff[diff != 0]
    if not len(d):
        return 0.0
    ranks = sps.rankdata(np.abs(d))
    pos, neg = ranks[d > 0].sum(), ranks[d < 0].sum()
    return float((pos - neg) / (pos + neg))


def growth_summary(
    changes: pd.DataFrame, *, n_boot: int = 2000, seed: int = 2013, ci: float = 0.95
) -> pd.DataFrame:
    """Summarise :func:`growth` per metric, with uncertainty.

    Parameters
    ----------
    changes : DataFrame
        The output of :func:`growth`.
    n_boot : int, default 2000
    seed : int, default 2013
    ci : float, default 0.95
        Bootstrap resamples (of units), seed and level of the interval for the median
        growth.

    Returns
    -------
    DataFrame
        Indexed by metric: ``n_units`` (pairs with both values), ``total_previous``,
        ``total_current``, ``total_growth_pct`` (of the sums; NaN for rates and
        averages, where a sum means nothing), ``median_previous``, ``median_current``,
        ``median_growth_pct`` with ``ci_low``/``ci_high`` (percentile bootstrap over
        units with a defined growth), ``share_increased`` (units whose value went up),
        ``wilcoxon_p`` (signed-rank test of current vs previous, two-sided) and
        ``rank_biserial`` (matched pairs, −1..1; positive = values went up),
        ``improved`` (the share of units that improved: went up, or down for
        :data:`LOWER_IS_BETTER`).

    Examples
    --------
    >>> import pandas as pd
    >>> ch = pd.DataFrame({"unit": list("abcd"), "metric": "followers",
    ...                    "previous": [100., 200., 300., 400.],
    ...                    "current": [110., 220., 330., 400.]})
    >>> ch["change"] = ch["current"] - ch["previous"]
    >>> ch["growth_pct"] = (ch["current"] / ch["previous"] - 1) * 100
    >>> s = growth_summary(ch, n_boot=200).loc["followers"]
    >>> [round(float(s[k]), 6) for k in ("total_growth_pct", "median_growth_pct", "share_increased")]
    [6.0, 10.0, 0.75]
    """
    rows = []
    rng = np.random.default_rng(seed)
    alpha = (1.0 - ci) / 2.0
    for metric, part in changes.groupby("metric", sort=False):
        both = part.dropna(subset=["previous", "current"])
        p = both["previous"].to_numpy(dtype="float64")
        c = both["current"].to_numpy(dtype="float64")
        g = both["growth_pct"].dropna().to_numpy(dtype="float64")
        diff = c - p
        if len(g) >= 2:
            idx = rng.integers(0, len(g), size=(n_boot, len(g)))
            boots = np.median(g[idx], axis=1)
            lo, hi = np.quantile(boots, [alpha, 1.0 - alpha])
        else:
            lo = hi = np.nan
        if np.count_nonzero(diff) >= 1 and len(diff) >= 2:
            p_value = float(sps.wilcoxon(c, p, zero_method="wilcox").pvalue)
        else:
            p_value = np.nan
        summed = metric in SUMMED
        total_p, total_c = (float(p.sum()), float(c.sum())) if summed else (np.nan, np.nan)
        lower_better = metric in LOWER_IS_BETTER
        rows.append(
            {
                "metric": metric,
                "n_units": len(both),
                "total_previous": total_p,
                "total_current": total_c,
                "total_growth_pct": (total_c / total_p - 1.0) * 100.0
                if summed and total_p > 0
                else np.nan,
                "median_previous": float(np.median(p)) if len(p) else np.nan,
                "median_current": float(np.median(c)) if len(c) else np.nan,
                "median_growth_pct": float(np.median(g)) if len(g) else np.nan,
                "ci_low": float(lo),
                "ci_high": float(hi),
                "share_increased": float(np.mean(diff > 0)) if len(diff) else np.nan,
                "wilcoxon_p": p_value,
                "rank_biserial": _rank_biserial_paired(diff) if len(diff) else np.nan,
                "improved": float(np.mean(diff < 0 if lower_better else diff > 0))
                if len(diff)
                else np.nan,
            }
        )
    columns = [
        "n_units",
        "total_previous",
        "total_current",
        "total_growth_pct",
        "median_previous",
        "median_current",
        "median_growth_pct",
        "ci_low",
        "ci_high",
        "share_increased",
        "wilcoxon_p",
        "rank_biserial",
        "improved",
    ]
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="metric"), dtype="float64")
    return pd.DataFrame(rows).set_index("metric")[columns]


# --------------------------------------------------------------------------- Top-N
def top_changes(
    ranks_previous: pd.DataFrame | pd.Series,
    ranks_current: pd.DataFrame | pd.Series,
    keys: pd.DataFrame,
    *,
    top_n: int = 30,
) -> pd.DataFrame:
    """Units that entered, left or stayed in the Top-N between two years.

    Parameters
    ----------
    ranks_previous, ranks_current : DataFrame or Series
        Page ranks of each year: the output of :func:`kommunesm.ranking.gambit_points`
        (indexed by page_id, column ``rank``; 1 = best, ties share a rank) or a Series
        of ranks.
    keys : DataFrame
        :func:`municipality_keys` of the pages of both years.
    top_n : int, default 30
        Size of the list (30 in Johnsen, Jørgensen & Aaneland 2013). A tie at place N takes every page
        tied there.

    Returns
    -------
    DataFrame
        One row per unit in the Top-N of either year, indexed by unit: ``name``,
        ``rank_previous``, ``rank_current`` (the best rank of the unit's pages; <NA>
        when the unit had no ranked page that year), ``status`` (``entered``, ``left``
        or ``stayed``), ``rank_change`` (previous − current: positive = moved up).
        Sorted by current rank, then previous rank.

    Examples
    --------
    >>> import pandas as pd
    >>> keys = pd.DataFrame({"name": list("ABC"), "unit": list("abc")},
    ...                     index=pd.Index(list("ABC"), name="page_id"))
    >>> prev = pd.Series({"A": 1, "B": 2, "C": 3})
    >>> curr = pd.Series({"A": 2, "B": 3, "C": 1})
    >>> top_changes(prev, curr, keys, top_n=2)["status"].to_dict()
    {'c': 'entered', 'a': 'stayed', 'b': 'left'}
    """

    def best(ranks: pd.DataFrame | pd.Series) -> pd.Series:
        r = ranks["rank"] if isinstance(ranks, pd.DataFrame) else ranks
        r = pd.to_numeric(r, errors="coerce").dropna()
        unknown = r.index.difference(keys.index)
        if len(unknown):
            raise KeyError(f"top_changes: page {unknown[0]!r} has a rank but no key")
        return r.groupby(keys.loc[r.index, "unit"].to_numpy()).min()

    prev, curr = best(ranks_previous), best(ranks_current)
    in_prev = set(prev.index[prev <= top_n])
    in_curr = set(curr.index[curr <= top_n])
    units = sorted(in_prev | in_curr)
    out = pd.DataFrame(index=pd.Index(units, name="unit"))
    names = keys.groupby("unit")["name"].agg(lambda s: " + ".join(sorted(set(s.astype(str)))))
    out["name"] = names.reindex(out.index).astype("str")
    out["rank_previous"] = prev.reindex(out.index).astype("Int64")
    out["rank_current"] = curr.reindex(out.index).astype("Int64")
    status = np.where(
        out.index.isin(list(in_prev)) & out.index.isin(list(in_curr)),
        "stayed",
        np.where(out.index.isin(list(in_curr)), "entered", "left"),
    )
    out["status"] = status
    out["rank_change"] = (out["rank_previous"] - out["rank_current"]).astype("Int64")
    order = np.lexsort(
        (
            out["rank_previous"].astype("float64").fillna(np.inf).to_numpy(),
            out["rank_current"].astype("float64").fillna(np.inf).to_numpy(),
        )
    )
    return out.iloc[order]


def coverage(
    pages_previous: Sequence[str] | pd.Index,
    pages_current: Sequence[str] | pd.Index,
    keys: pd.DataFrame,
) -> pd.Series:
    """How many units have data in both years, only the previous or only the current.

    Parameters
    ----------
    pages_previous, pages_current : sequence of str or Index
        Page ids with data in each year.
    keys : DataFrame
        :func:`municipality_keys` of the pages (index page_id, column ``unit``).

    Returns
    -------
    Series
        ``both``, ``only_previous``, ``only_current`` (counts of units) and
        ``pages_previous``, ``pages_current`` (counts of pages).
    """
    up = set(keys.loc[list(pages_previous), "unit"])
    uc = set(keys.loc[list(pages_current), "unit"])
    return pd.Series(
        {
            "both": len(up & uc),
            "only_previous": len(up - uc),
            "only_current": len(uc - up),
            "pages_previous": len(set(pages_previous)),
            "pages_current": len(set(pages_current)),
        },
        name="units",
    )


# --------------------------------------------------------------------------- whole run
class StudyPeriod(NamedTuple):
    """What :func:`study_period` returns (unpacks as ``first_day, last_day``).

    Attributes
    ----------
    first_day, last_day : Timestamp
        The first and last calendar day with data.
    """

    first_day: pd.Timestamp
    last_day: pd.Timestamp


def study_period(ds: Dataset) -> StudyPeriod | None:
    """First and last calendar day covered by a (one-year) dataset's page days or posts;
    None when it has neither.

    Parameters
    ----------
    ds : Dataset
        A dataset of one year.

    Returns
    -------
    StudyPeriod or None
        The first and last day, or None.
    """
    days = []
    if ds.has("page_days"):
        d = pd.to_datetime(ds.page_days["date"]).dropna()
        days += [d.min(), d.max()]
    if ds.has("posts"):
        t = ds.posts["created_at"].dropna()
        if len(t):
            t = t.dt.tz_convert("Europe/Oslo").dt.tz_localize(None).dt.normalize()
            days += [t.min(), t.max()]
    if not days:
        return None
    return StudyPeriod(min(days).normalize(), max(days).normalize())


@dataclass
class AnnualComparison:
    """Everything :func:`compare` computed, for the notebook to show.

    Attributes
    ----------
    previous_year, year
        The two years compared.
    periods
        Year → (first day, last day) of the data used.
    keys
        :func:`municipality_keys` of all pages.
    page_metrics
        Year → page metrics (:func:`kommunesm.metrics.page_table`).
    unit_metrics
        Year → :func:`to_units` of the page metrics.
    ranks
        Year → :func:`kommunesm.ranking.gambit_points` of the page metrics.
    changes
        :func:`growth` of the unit metrics.
    summary
        :func:`growth_summary`.
    top
        :func:`top_changes`.
    coverage
        :func:`coverage`.
    merged
        :func:`merged_units`.
    top_n
        Size of the Top list.
    synthetic
        True for the synthetic demo panel: the tables for display (:meth:`top_table`,
        :meth:`growth_table`) then show the pages' pseudonyms instead of municipality
        codes, so that no synthetic number appears under a real municipality.
    """

    previous_year: int
    year: int
    periods: dict[int, StudyPeriod]
    keys: pd.DataFrame
    page_metrics: dict[int, pd.DataFrame]
    unit_metrics: dict[int, pd.DataFrame]
    ranks: dict[int, pd.DataFrame]
    changes: pd.DataFrame
    summary: pd.DataFrame
    top: pd.DataFrame
    coverage: pd.Series
    merged: pd.DataFrame
    top_n: int = 30
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)

    def _public(self, frame: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
        out = frame.copy()
        out.insert(0, "name", names.reindex(out.index).astype("str"))
        if self.synthetic:
            out = out.set_index("name")
        return out

    def top_table(self) -> pd.DataFrame:
        """:attr:`top` for display: indexed by unit (with the pages' names), or by the
        pseudonyms for synthetic data."""
        return self._public(self.top.drop(columns="name"), self.top["name"])

    def growth_table(self, metrics: Sequence[str] | None = None) -> pd.DataFrame:
        """Growth in percent per unit (rows) and metric (columns), for display; indexed
        like :meth:`top_table`."""
        wide = self.changes.pivot(index="unit", columns="metric", values="growth_pct")
        order = [m for m in (metrics or DEFAULT_METRICS) if m in wide.columns]
        wide = wide[order]
        wide.columns.name = None
        return self._public(wide, self.unit_metrics[self.year]["name"])


def compare(
    full: Dataset,
    year: int,
    previous_year: int | None = None,
    *,
    top_n: int = 30,
    metrics: Sequence[str] = DEFAULT_METRICS,
    ranking_kwargs: Mapping[str, object] | None = None,
    n_boot: int = 2000,
    seed: int = 2013,
) -> AnnualComparison:
    """Compare ``year`` with ``previous_year`` (default ``year - 1``) in a dataset.

    For each year: the dataset restricted to the year (:meth:`Dataset.for_year`), its
    period (:func:`study_period`), the ten page metrics
    (:func:`kommunesm.metrics.page_table`) and the Gambit points ranking
    (:func:`kommunesm.ranking.gambit_points`, ``list_size=top_n``); then units, growth,
    its summary and the Top-N changes.

    Parameters
    ----------
    full : Dataset
        A dataset covering both years.
    year : int
        The later year.
    previous_year : int, optional
        The earlier year (default ``year - 1``).
    top_n : int, default 30
        N of the Top-N (also the list size of the ranking).
    metrics : sequence of str, default DEFAULT_METRICS
        The page metrics compared.
    ranking_kwargs : mapping of str to object, optional
        Passed on to :func:`kommunesm.ranking.gambit_points`.
    n_boot : int, default 2000
        Bootstrap resamples for the interval of the median growth.
    seed : int, default 2013
        Seed of the bootstrap.

    Returns
    -------
    AnnualComparison
        Both years' page metrics and rankings, the units, growth and its summary, the
        Top-N changes and the coverage.

    Raises
    ------
    kommunesm.errors.MissingInputError
        If either year has no posts or page days (the message names the year and the
        years the data do cover).
    """
    from kommunesm import ranking
    from kommunesm.errors import MissingInputError
    from kommunesm.metrics import page_table

    previous_year = int(year) - 1 if previous_year is None else int(previous_year)
    year = int(year)
    engagement = "daily"  # page_table's default variant, ranked as the report ranks
    periods: dict[int, StudyPeriod] = {}
    page_metrics: dict[int, pd.DataFrame] = {}
    for y in (previous_year, year):
        ds = full.for_year(y)
        period = study_period(ds) if (ds.has("posts") or ds.has("page_days")) else None
        covered = full.years()
        if period is None or y not in covered:
            raise MissingInputError(
                f"the comparison needs data for {y}, but the data cover "
                f"{', '.join(map(str, covered)) or 'no dated rows'}",
                file=str(full.data_dir),
                expected=f"posts or page days dated in {previous_year} and {year}",
            )
        periods[y] = period
        page_metrics[y] = page_table(
            ds.pages,
            ds.page_days,
            ds.posts,
            ds.comments,
            period[0],
            period[1],
            engagement=engagement,
        )
    keys = municipality_keys(full.pages)
    unit_metrics = {y: to_units(m, keys, engagement=engagement) for y, m in page_metrics.items()}
    kwargs = dict(ranking_kwargs or {})
    ranks = {
        y: ranking.gambit_points(m, list_size=top_n, **kwargs) for y, m in page_metrics.items()
    }
    changes = growth(unit_metrics[previous_year], unit_metrics[year], metrics)
    return AnnualComparison(
        previous_year=previous_year,
        year=year,
        periods=periods,
        keys=keys,
        page_metrics=page_metrics,
        unit_metrics=unit_metrics,
        ranks=ranks,
        changes=changes,
        summary=growth_summary(changes, n_boot=n_boot, seed=seed),
        top=top_changes(ranks[previous_year], ranks[year], keys, top_n=top_n),
        coverage=coverage(page_metrics[previous_year].index, page_metrics[year].index, keys),
        merged=merged_units(keys),
        top_n=top_n,
        synthetic=bool(full.synthetic),
    )


# --------------------------------------------------------------------------- sentences
_LABELS = {
    "followers": "followers",
    "interactions": "interactions",
    "engagement_rate": "engagement rate",
    "people_talking_about": "people talking about",
    "page_posts": "page posts",
    "questions_answered": "questions answered",
    "avg_response_time_minutes": "average response time",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
}


def describe_growth(summary: pd.DataFrame, previous_year: int, year: int) -> list[str]:
    """One English sentence per metric of :func:`growth_summary`.

    Parameters
    ----------
    summary : DataFrame
        A :func:`growth_summary` result.
    previous_year, year : int
        The two years.

    Returns
    -------
    list of str
        One sentence per metric.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"n_units": [4], "median_growth_pct": [10.0], "ci_low": [5.0],
    ...     "ci_high": [12.0], "share_increased": [0.75], "improved": [0.75],
    ...     "wilcoxon_p": [0.2], "rank_biserial": [0.8], "total_growth_pct": [6.0]},
    ...     index=pd.Index(["followers"], name="metric"))
    >>> describe_growth(s, 2012, 2013)[0]  # doctest: +NORMALIZE_WHITESPACE
    'Followers, 2012→2013 (4 municipalities with data in both years): median change
    +10.0% (95% CI +5.0% to +12.0%), total +6.0%; 75% of the municipalities went up
    (Wilcoxon signed-rank p = 0.20, matched-pairs rank-biserial r = 0.80).'
    """
    out = []
    for metric, row in summary.iterrows():
        label = _LABELS.get(str(metric), str(metric).replace("_", " "))
        n = int(row["n_units"])
        if n == 0 or not np.isfinite(row["median_growth_pct"]):
            out.append(
                f"{label.capitalize()}: no municipality has a value above zero in "
                f"{previous_year} and a value in {year}, so no growth is computed."
            )
            continue

        def pct(v: float) -> str:
            return narrate.number(v, 1, "en", sign=True) + "%"

        ci = (
            f" (95% CI {pct(row['ci_low'])} to {pct(row['ci_high'])})"
            if np.isfinite(row["ci_low"])
            else ""
        )
        total = (
            f", total {pct(row['total_growth_pct'])}"
            if np.isfinite(row.get("total_growth_pct", np.nan))
            else ""
        )
        direction = (
            f"{narrate.percent(row['improved'], 0, 'en')} of the municipalities answered faster"
            if metric in LOWER_IS_BETTER
            else f"{narrate.percent(row['share_increased'], 0, 'en')} of the municipalities went up"
        )
        out.append(
            f"{label.capitalize()}, {previous_year}→{year} ({n} municipalities with data in "
            f"both years): median change {pct(row['median_growth_pct'])}{ci}{total}; "
            f"{direction} (Wilcoxon signed-rank {narrate.pvalue(row['wilcoxon_p'], 'en')}, "
            f"matched-pairs rank-biserial r = {narrate.number(row['rank_biserial'], 2, 'en')})."
        )
    return out


def describe_top_changes(top: pd.DataFrame, previous_year: int, year: int, top_n: int) -> str:
    """One English sentence on who entered and left the Top-N.

    Parameters
    ----------
    top : DataFrame
        A :func:`top_changes` result.
    previous_year, year : int
        The two years.
    top_n : int
        N of the Top-N.

    Returns
    -------
    str
        The sentences.

    Examples
    --------
    >>> import pandas as pd
    >>> top = pd.DataFrame({"status": ["stayed", "entered", "left"],
    ...                     "rank_change": pd.array([2, pd.NA, pd.NA], dtype="Int64")})
    >>> describe_top_changes(top, 2012, 2013, 2)  # doctest: +NORMALIZE_WHITESPACE
    'Of the Top-2 of 2013, 1 municipality was also in the Top-2 of 2012 and 1 entered;
    1 left. Among those that stayed, the median rank change was +2 places (positive = up).'
    """
    counts = top["status"].value_counts()
    stayed, entered, left = (int(counts.get(k, 0)) for k in ("stayed", "entered", "left"))

    def mun(n: int) -> str:
        return f"{n} municipalit{'y' if n == 1 else 'ies'}"

    verb = "was" if stayed == 1 else "were"
    text = (
        f"Of the Top-{top_n} of {year}, {mun(stayed)} {verb} also in the Top-{top_n} of "
        f"{previous_year} and {entered} entered; {left} left."
    )
    if stayed + entered > top_n:
        text += f" Ties at place {top_n} make the {year} list {stayed + entered} long."
    if stayed + left > top_n:
        text += f" Ties at place {top_n} make the {previous_year} list {stayed + left} long."
    moved = top.loc[top["status"] == "stayed", "rank_change"].dropna()
    if len(moved):
        text += (
            f" Among those that stayed, the median rank change was "
            f"{float(np.median(moved.astype(float))):+.0f} places (positive = up)."
        )
    return text


def describe_coverage(cov: pd.Series, previous_year: int, year: int) -> str:
    """One English sentence on which units have data in which year.

    Parameters
    ----------
    cov : Series
        A :func:`coverage` result.
    previous_year, year : int
        The two years.

    Returns
    -------
    str
        The sentence.
    """
    return (
        f"{int(cov['both'])} municipalities have data in both {previous_year} and {year}; "
        f"{int(cov['only_previous'])} only in {previous_year} and {int(cov['only_current'])} "
        f"only in {year} ({int(cov['pages_previous'])} and {int(cov['pages_current'])} pages). "
        "Growth is computed for those in both years; a municipality without data in a year "
        "cannot be on that year's list."
    )

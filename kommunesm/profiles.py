"""Kommuneprofiler: one profile per municipality page, with uncertainty.

For every page in the data, :func:`compute` gives its ten Gambit H+K metrics
(:data:`kommunesm.metrics.GAMBIT_METRICS`) beside the national median and the median
of its size group (population classes of SSB's KOSTRA grouping: under 5 000, 5 000 –
19 999, 20 000 and more inhabitants), its place in the points ranking with the 95 %
bootstrap interval of that place (:func:`kommunesm.ranking.rank_uncertainty`), the
H1–H10 ratings where the page was coded, and the change of each metric since the year
before when the data hold it. :func:`describe` writes the short text of a profile.

Examples
--------
>>> from kommunesm.io.dataset import read_dataset  # doctest: +SKIP
>>> prof = compute(read_dataset("data/raw"), 2013)  # doctest: +SKIP
>>> prof.pages.loc["demo-619", "rank"]  # doctest: +SKIP
1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kommunesm import narrate
from kommunesm.narrate import N_
from kommunesm.narrate import gettext as _

if TYPE_CHECKING:
    from kommunesm.io.dataset import Dataset

__all__ = ["SIZE_GROUPS", "Profiles", "compute", "describe", "size_group"]

#: Population classes (upper bounds exclusive) and their labels (bokmål message ids).
SIZE_GROUPS = (
    (5_000, N_("under 5 000 innbyggere")),
    (20_000, N_("5 000–19 999 innbyggere")),
    (np.inf, N_("20 000 innbyggere og flere")),
)

#: Labels of the ten metrics (bokmål message ids).
METRIC_LABELS = {
    k: narrate.METRIC_LABELS[k]
    for k in (
        "followers",
        "interactions",
        "people_talking_about",
        "questions_answered",
        "page_posts",
        "avg_response_time_minutes",
        "likes",
        "comments",
        "shares",
        "engagement_rate",
    )
}
#: Metrics where a lower value is better.
LOWER_IS_BETTER = ("avg_response_time_minutes",)


@dataclass
class Profiles:
    """What :func:`compute` returns.

    Attributes
    ----------
    pages
        One row per page (index ``page_id``): name, kommunenummer, population,
        size_group, rank, rank_low, rank_high, total (points), n_pages, synthetic.
    metrics
        Long table: page_id, metric, value, median_all, median_group, previous
        (last year's value or NaN), change (value − previous).
    ratings
        page_id, hypothesis, value (the coded rating; most frequent over coders).
    year, previous_year
        The report year and the year compared with (None if the data lack it).
    """

    pages: pd.DataFrame
    metrics: pd.DataFrame
    ratings: pd.DataFrame
    year: int
    previous_year: int | None


def size_group(population: pd.Series) -> pd.Series:
    """The population class of each value.

    Parameters
    ----------
    population : Series
        Inhabitants per page.

    Returns
    -------
    Series
        The bokmål label of :data:`SIZE_GROUPS` for each value (missing → NaN).
    """
    bounds = [-np.inf] + [b for b, _ in SIZE_GROUPS]
    labels = [label for _, label in SIZE_GROUPS]
    return pd.cut(population.astype("float64"), bounds, right=False, labels=labels).astype("object")


def compute(
    full: Dataset,
    year: int,
    *,
    rank_uncertainty: pd.DataFrame | None = None,
    n_boot: int = 300,
    seed: int = 2013,
) -> Profiles:
    """Profiles of every page in ``full`` for ``year``.

    Parameters
    ----------
    full : Dataset
        The whole dataset (all years: the year before gives the change).
    year : int
        The report year.
    rank_uncertainty : DataFrame, optional
        The table of :func:`kommunesm.ranking.rank_uncertainty` (index or column
        ``page_id``); when None it is computed with ``n_boot`` replicates and ``seed``.
    n_boot : int, default 300
        Bootstrap replicates (the setting of chapter 1, so the intervals agree).
    seed : int, default 2013
        Seed of the bootstrap.

    Returns
    -------
    Profiles
        Pages, metrics (long), ratings and the years compared.
    """
    from kommunesm import metrics as metrics_module
    from kommunesm import ranking

    ds = full.for_year(year)
    ranked = ranking.rank_dataset(ds.tables, list_size=30)
    page_metrics, points = ranked.metrics, ranked.points
    cols = [m for m in metrics_module.GAMBIT_METRICS if m in page_metrics.columns]
    pages = ds.pages.set_index("page_id") if ds.has("pages") else pd.DataFrame()
    info = pd.DataFrame(index=page_metrics.index)
    for col in ("name", "kommunenummer", "population", "synthetic"):
        if col in pages.columns:
            info[col] = pages[col].reindex(info.index)
        elif col in page_metrics.columns:
            info[col] = page_metrics[col]
    if "name" not in info.columns:
        info["name"] = info.index.astype(str)
    info["name"] = info["name"].fillna(pd.Series(info.index, index=info.index).astype(str))
    info["size_group"] = size_group(info.get("population", pd.Series(np.nan, index=info.index)))
    info = info.join(points[["total", "rank"]], how="left")
    if rank_uncertainty is None and ds.has("posts"):
        rank_uncertainty = ranking.rank_uncertainty(
            pages=ds.pages,
            page_days=ds.page_days,
            posts=ds.posts,
            comments=ds.comments,
            n_boot=n_boot,
            seed=seed,
            top=30,
        )
    if rank_uncertainty is not None and len(rank_uncertainty):
        ru = rank_uncertainty
        if "page_id" in ru.columns:
            ru = ru.set_index("page_id")
        info["rank_low"] = ru["rank_low"].reindex(info.index)
        info["rank_high"] = ru["rank_high"].reindex(info.index)
    else:
        info["rank_low"] = np.nan
        info["rank_high"] = np.nan
    info["n_pages"] = len(info)
    info.index.name = "page_id"

    values = page_metrics[cols].astype("float64")
    long = values.reset_index().melt(id_vars="page_id", var_name="metric", value_name="value")
    long["median_all"] = long["metric"].map(values.median())
    groups = info["size_group"].reindex(values.index)
    group_medians = values.groupby(groups.to_numpy(), dropna=True).median()
    long["size_group"] = long["page_id"].map(info["size_group"])
    long["median_group"] = [
        group_medians.at[g, m] if isinstance(g, str) and g in group_medians.index else np.nan
        for g, m in zip(long["size_group"], long["metric"], strict=True)
    ]
    previous_year = year - 1 if (year - 1) in full.years() else None
    long["previous"] = np.nan
    if previous_year is not None:
        prev_ds = full.for_year(previous_year)
        prev_metrics = ranking.rank_dataset(prev_ds.tables, list_size=30).metrics
        prev = prev_metrics[[c for c in cols if c in prev_metrics.columns]].astype("float64")
        prev_long = prev.reset_index().melt(
            id_vars="page_id", var_name="metric", value_name="previous"
        )
        long = long.drop(columns="previous").merge(prev_long, on=["page_id", "metric"], how="left")
    long["change"] = long["value"] - long["previous"]
    long = long.drop(columns="size_group")

    ratings = pd.DataFrame(columns=["page_id", "hypothesis", "value"])
    if ds.has("coding") or full.has("coding"):
        coding = (ds if ds.has("coding") else full).coding
        coded = coding[coding["unit_id"].isin(info.index)]
        if len(coded):
            ratings = (
                coded.groupby(["unit_id", "hypothesis"])["value"]
                .agg(lambda s: s.mode().iloc[0] if len(s.mode()) else s.iloc[0])
                .reset_index()
                .rename(columns={"unit_id": "page_id"})
            )
    return Profiles(info, long, ratings, int(year), previous_year)


def describe(prof: Profiles, page_id: str, lang: str | None = None) -> str:
    """The short generated text of one profile.

    Parameters
    ----------
    prof : Profiles
        From :func:`compute`.
    page_id : str
        The page.
    lang : str, optional
        ``"nb"`` or ``"en"`` (default: the report language).

    Returns
    -------
    str
        Two or three sentences with the page's numbers.
    """
    row = prof.pages.loc[page_id]
    m = prof.metrics[prof.metrics["page_id"] == page_id].set_index("metric")
    better = 0
    known = 0
    for metric, r in m.iterrows():
        if pd.isna(r["value"]) or pd.isna(r["median_all"]):
            continue
        known += 1
        if metric in LOWER_IS_BETTER:
            better += r["value"] < r["median_all"]
        else:
            better += r["value"] > r["median_all"]
    parts = [
        _(
            "{name} er bedre enn landsmedianen på {better} av {known} måltall.",
            lang=lang,
            name=str(row["name"]),
            better=narrate.integer(better, lang),
            known=narrate.integer(known, lang),
        )
    ]
    if pd.notna(row.get("rank")):
        if pd.notna(row.get("rank_low")):
            parts.append(
                _(
                    "Siden er på plass {rank} av {n} i poengrangeringen; med 95 % sikkerhet "
                    "ligger plassen mellom {low} og {high}.",
                    lang=lang,
                    rank=narrate.integer(row["rank"], lang),
                    n=narrate.integer(row["n_pages"], lang),
                    low=narrate.integer(row["rank_low"], lang),
                    high=narrate.integer(row["rank_high"], lang),
                )
            )
        else:
            parts.append(
                _(
                    "Siden er på plass {rank} av {n} i poengrangeringen.",
                    lang=lang,
                    rank=narrate.integer(row["rank"], lang),
                    n=narrate.integer(row["n_pages"], lang),
                )
            )
    if prof.previous_year is not None and "followers" in m.index:
        change = m.at["followers", "change"]
        if pd.notna(change):
            parts.append(
                _(
                    "Antall følgere endret seg med {change} fra {previous} til {year}.",
                    lang=lang,
                    change=("+" if change > 0 else "") + narrate.integer(change, lang),
                    previous=str(prof.previous_year),
                    year=str(prof.year),
                )
            )
    return " ".join(parts)

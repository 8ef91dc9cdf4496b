"""The municipality-year panel: one row per page (account) and year.

Researchers who extend the 2013 studies relate engagement to municipality
characteristics in panels over years (Bonsón, Royo & Ratkai 2015; Lev-On & Steinfeld
2015). :func:`page_years` builds that panel from the canonical tables — every
platform's accounts in the same table — and joins municipality covariates (e.g. from an
SSB StatBank file read by :mod:`kommunesm.io.ssb`) on the code harmonised to 2024.

Columns (all computed by :mod:`kommunesm.metrics`):

``page_id``, ``platform``, ``kommunenummer_2024``, ``year``
    Keys; the platform is the post's, else the page's.
``posts``, ``interactions``, ``interactions_per_post``
    Own posts in the year (retweets left out); interactions = reactions (or likes) +
    comments + shares.
``followers``
    The last ``page_days`` value in the year, else the largest ``followers_at_posting``.
``engagement_per_1000``, ``log_engagement_per_1000``
    Interactions per post per 1,000 followers (Bonsón et al. 2015, E); see
    :func:`kommunesm.metrics.platforms.platform_engagement`; its natural log (missing
    when E is 0 or unknown), the scale on which the models of notebooks 06 and 07 are
    fitted.
``questions``, ``answered``, ``response_rate``, ``median_response_minutes``
    Citizen questions of the year and the page's answers
    (:func:`kommunesm.metrics.response.response_times`).
``open_wall``
    Whether citizens can post on the wall: declared in ``pages``, else observed from
    visitor posts (:func:`kommunesm.metrics.wall.open_wall`); missing when unknown.
covariates
    Every column of ``covariates`` (joined on ``kommunenummer_2024``, and on ``year``
    when the covariates have a year column and ``match_year`` is True), plus
    ``log_population`` when ``population`` is given.
``synthetic``
    True when the page is from the synthetic demo panel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kommunesm.metrics import platforms, response, wall

__all__ = ["PANEL_KEYS", "page_years"]

#: Keys of the panel.
PANEL_KEYS = ["page_id", "year"]


def _year_followers(posts: pd.DataFrame, page_days: pd.DataFrame | None) -> pd.Series:
    out = pd.Series(dtype="Float64")
    if page_days is not None and len(page_days) and "followers" in page_days.columns:
        days = page_days.dropna(subset=["followers"]).sort_values(["page_id", "date"])
        days = days.assign(year=days["date"].dt.year)
        out = days.groupby(["page_id", "year"])["followers"].last().astype("Float64")
    if "followers_at_posting" in posts.columns and len(posts):
        at = posts.groupby(["page_id", "year"])["followers_at_posting"].max().astype("Float64")
        out = out.combine_first(at)
    return out


def page_years(
    posts: pd.DataFrame,
    *,
    page_days: pd.DataFrame | None = None,
    comments: pd.DataFrame | None = None,
    pages: pd.DataFrame | None = None,
    covariates: pd.DataFrame | None = None,
    match_year: bool = False,
) -> pd.DataFrame:
    """Build the page × year panel (see the module docstring for the columns).

    Parameters
    ----------
    posts : DataFrame
    page_days : DataFrame, optional
    comments : DataFrame, optional
    pages : DataFrame, optional
        Canonical tables (all platforms together).
    covariates : DataFrame, optional
        One row per ``kommunenummer_2024`` (and year): e.g.
        :func:`kommunesm.io.ssb.covariates` or :func:`kommunesm.io.ssb.shipped_covariates`.
    match_year : bool, default False
        Join covariates on the year too (default False: the covariates' single year is
        used for every panel year, as when only one SSB year is at hand).

    Returns
    -------
    DataFrame
        One row per page and year with the columns described in the module docstring.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Timestamp("2013-04-02 10:00", tz="Europe/Oslo")
    >>> posts = pd.DataFrame({"post_id": ["a", "b"], "page_id": ["p", "p"],
    ...     "created_at": [t, t], "likes": [10, 20], "comments": [1, 3], "shares": [0, 2],
    ...     "followers_at_posting": [1000, 1000]})
    >>> page_years(posts)[["page_id", "year", "posts", "engagement_per_1000"]].to_dict("records")
    [{'page_id': 'p', 'year': 2013, 'posts': 2, 'engagement_per_1000': 18.0}]
    """
    frame = posts.assign(
        platform=platforms._platform(posts, pages),
        year=posts["created_at"].dt.year.astype("Int64"),
    )
    frame = platforms._own_posts(frame[frame["year"].notna()])
    frame = frame.assign(_inter=platforms._interactions(frame))
    panel = (
        frame.groupby(["page_id", "year"])
        .agg(
            platform=("platform", "first"),
            posts=("post_id", "size"),
            interactions=("_inter", "sum"),
        )
        .reset_index()
    )
    panel["interactions_per_post"] = (panel["interactions"] / panel["posts"]).astype("float64")
    followers = _year_followers(frame, page_days)
    index = pd.MultiIndex.from_frame(panel[["page_id", "year"]])
    panel["followers"] = followers.reindex(index).to_numpy()
    panel["followers"] = panel["followers"].astype("Float64")
    panel["engagement_per_1000"] = (
        (panel["interactions_per_post"] / panel["followers"] * 1000)
        .where(panel["followers"] > 0)
        .astype("float64")
    )
    e = panel["engagement_per_1000"]
    panel["log_engagement_per_1000"] = np.log(e.where(e > 0))

    panel["questions"] = 0
    panel["answered"] = 0
    panel["response_rate"] = np.nan
    panel["median_response_minutes"] = np.nan
    if comments is not None and len(comments):
        times = response.response_times(comments, posts=posts)
        if len(times):
            times = times.assign(year=times["asked_at"].dt.year.astype("Int64"))
            minutes = times["response_minutes"].where(times["answered"].astype(bool))
            by = times.assign(_a=times["answered"].astype(bool), _m=minutes).groupby(
                ["page_id", "year"]
            )
            resp = by.agg(q=("_a", "size"), a=("_a", "sum"), m=("_m", "median"))
            resp = resp.reindex(index)
            panel["questions"] = resp["q"].fillna(0).astype("int64").to_numpy()
            panel["answered"] = resp["a"].fillna(0).astype("int64").to_numpy()
            panel["median_response_minutes"] = resp["m"].astype("float64").to_numpy()
            panel["response_rate"] = (
                panel["answered"] / panel["questions"].where(panel["questions"] > 0)
            ).astype("float64")

    by_page = (
        pages.drop_duplicates("page_id").set_index("page_id")
        if pages is not None and len(pages)
        else pd.DataFrame()
    )
    for col in ("kommunenummer_2024", "synthetic"):
        if col in by_page.columns:
            panel[col] = panel["page_id"].map(by_page[col])
        else:
            panel[col] = pd.NA
    # declared in pages, else observed from visitor posts (kommunesm.metrics.wall)
    walls = wall.open_wall(pages, posts)
    panel["open_wall"] = panel["page_id"].map(walls["open_wall"]).astype("boolean")
    panel["kommunenummer_2024"] = panel["kommunenummer_2024"].astype("str")

    if covariates is not None and len(covariates):
        cov = covariates.copy()
        cov["kommunenummer_2024"] = cov["kommunenummer_2024"].astype("str")
        keys = ["kommunenummer_2024"]
        if match_year and "year" in cov.columns:
            cov["year"] = cov["year"].astype("Int64")
            keys.append("year")
        else:
            cov = cov.drop(columns=[c for c in ("year",) if c in cov.columns])
            cov = cov.drop_duplicates("kommunenummer_2024")
        drop = [c for c in cov.columns if c in panel.columns and c not in keys]
        panel = panel.merge(cov.drop(columns=drop), on=keys, how="left", validate="many_to_one")
        if "population" in panel.columns:
            pop = pd.to_numeric(panel["population"], errors="coerce").astype("float64")
            panel["log_population"] = np.log(pop.where(pop > 0))
    return panel.sort_values(["page_id", "year"], kind="stable").reset_index(drop=True)

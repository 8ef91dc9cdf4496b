"""Interactions, engagement rates (three named variants) and Bonsón's P/C/V/E indices.

Definitions (the library is their single source):

* **interactions** = likes + comments + shares (Johnsen, Jørgensen & Aaneland 2013, s. 10,
  metric 2: "summen av alle «likes», kommentarer og delinger").
* **engagement rate, period** (:func:`engagement_rate`) = interactions / followers × 100
  (ibid., s. 10, metric 10: "antall interaksjoner i forhold til antall følgere").
* **engagement rate per post** (:func:`engagement_rate_per_post`) = mean over posts of
  post interactions / followers at posting × 100.
* **engagement rate, daily** — the ranking's default (``page_table(engagement="daily")``;
  its docstring says why the 2013 report most likely used it) —
  (:func:`engagement_rate_daily`; Socialbakers' "Engagement
  Rate" of the Analytics Guide cited by Johnsen, Jørgensen & Aaneland 2013, s. 9, note 7) =
  mean over *posting days* of (interactions on that day's posts / number of posts that day / followers that
  day) × 100.
* **Bonsón, Royo & Ratkai (2015)**, *Government Information Quarterly* 32(1), 52–62,
  Table 2 (:func:`bonson_indices`): popularity P1 = share of posts with at least one like,
  P2 = likes per post, P3 = P2 / followers × 1000; commitment C1–C3 the same for
  comments; virality V1–V3 the same for shares; engagement E = P3 + C3 + V3. (Bonsón et
  al. print P1, C1, V1 as percentages; here they are shares in 0–1.)

Only the page's own posts count: visitor posts (citizens' wall posts, ``author_kind`` =
``"visitor"``; :mod:`kommunesm.metrics.wall`) are left out of every rate here.

Missing values: a post whose like, comment and share counts are all missing has missing
interactions; otherwise missing components count as 0 (exports leave "shares" empty
when there were none). Division by 0 followers gives NaN, never inf.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kommunesm.errors import InputError, require
from kommunesm.metrics._period import TZ, as_float, safe_ratio
from kommunesm.metrics.wall import page_posts

__all__ = [
    "BONSON_INDICES",
    "bonson_indices",
    "engagement_rate",
    "engagement_rate_daily",
    "engagement_rate_per_post",
    "followers_at_posting",
    "interactions",
]

#: Index names of :func:`bonson_indices`, in Bonsón et al.'s order.
BONSON_INDICES = ["P1", "P2", "P3", "C1", "C2", "C3", "V1", "V2", "V3", "E"]
_PARTS = ("likes", "comments", "shares")


def interactions(posts: pd.DataFrame) -> pd.Series:
    """Interactions per post: likes + comments + shares.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts table (likes, comments, shares).

    Returns
    -------
    Series of float
        Index-aligned with ``posts``; NaN only when all three counts are missing.

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 10), metric 2.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({"likes": [10, 0, None], "comments": [2, 1, None],
    ...                       "shares": [1, None, None]})
    >>> interactions(posts).tolist()
    [13.0, 1.0, nan]
    """
    require(posts, _PARTS, table="posts", purpose="interactions")
    parts = pd.DataFrame({c: as_float(posts[c]) for c in _PARTS}, index=posts.index)
    return parts.sum(axis=1, min_count=1).rename("interactions")


def engagement_rate(
    interactions: pd.Series | float, followers: pd.Series | float
) -> pd.Series | float:
    """Period engagement rate = interactions / followers × 100.

    Parameters
    ----------
    interactions : Series or float
        Interactions over the period (per page: a Series indexed by page_id).
    followers : Series or float
        Followers (same index); 0 or missing gives NaN, never inf.

    Returns
    -------
    Series or float
        Interactions per 100 followers: a Series named ``engagement_rate`` (same index)
        for Series input, a float for numbers.

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 10), metric 10
    ("Engasjementsgrad er antall interaksjoner i forhold til antall følgere").

    Examples
    --------
    >>> float(engagement_rate(250, 1000))
    25.0
    >>> import pandas as pd
    >>> engagement_rate(pd.Series([5.0, 5.0]), pd.Series([100.0, 0.0])).tolist()
    [5.0, nan]
    """
    out = safe_ratio(interactions, followers) * 100.0
    if isinstance(out, pd.Series):
        return out.rename("engagement_rate")
    return out


def followers_at_posting(posts: pd.DataFrame, page_days: pd.DataFrame | None) -> pd.Series:
    """Followers of the page when each post was published.

    ``posts.followers_at_posting`` where the export gives it (Insights' "Page total
    likes"), otherwise the page's followers on the latest ``page_days`` date on or before
    the posting day (Europe/Oslo). Index-aligned with ``posts``; NaN where neither exists.

    Parameters
    ----------
    posts : DataFrame
        Canonical ``posts`` (``page_id``, ``created_at``; ``followers_at_posting`` if the
        export has it).
    page_days : DataFrame or None
        Canonical ``page_days`` with daily ``followers``; None if there are none.

    Returns
    -------
    Series of float
        Followers at posting, index-aligned with ``posts``; NaN where unknown.
    """
    out = (
        as_float(posts["followers_at_posting"])
        if "followers_at_posting" in posts.columns
        else pd.Series(np.nan, index=posts.index)
    )
    if (
        page_days is None
        or not len(page_days)
        or "followers" not in page_days.columns
        or not out.isna().any()
        or "created_at" not in posts.columns
    ):
        return out.rename("followers_at_posting")
    need = posts.loc[out.isna() & posts["created_at"].notna(), ["page_id", "created_at"]]
    if not len(need):
        return out.rename("followers_at_posting")
    created = pd.to_datetime(need["created_at"])
    created = created.dt.tz_convert(TZ) if created.dt.tz is not None else created
    left = pd.DataFrame(
        {
            "_row": need.index,
            "page_id": need["page_id"].astype("str").to_numpy(),
            "day": created.dt.tz_localize(None).dt.normalize().dt.as_unit("us").to_numpy(),
        }
    ).sort_values("day", kind="stable")
    days = page_days.loc[page_days["followers"].notna(), ["page_id", "date", "followers"]]
    right = pd.DataFrame(
        {
            "page_id": days["page_id"].astype("str").to_numpy(),
            "day": pd.to_datetime(days["date"]).dt.normalize().dt.as_unit("us").to_numpy(),
            "f": as_float(days["followers"]).to_numpy(),
        }
    ).sort_values("day", kind="stable")
    if not len(right):
        return out.rename("followers_at_posting")
    merged = pd.merge_asof(left, right, on="day", by="page_id", direction="backward")
    filled = pd.Series(merged["f"].to_numpy(), index=merged["_row"].to_numpy())
    out = out.fillna(filled.reindex(out.index))
    return out.rename("followers_at_posting")


def engagement_rate_per_post(posts: pd.DataFrame, page_days: pd.DataFrame | None) -> pd.Series:
    """Engagement rate per post: mean over a page's posts of interactions / followers at
    posting × 100.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts (already restricted to the period of interest).
    page_days : DataFrame
        Canonical page days for followers where the posts lack ``followers_at_posting``
        (may be empty).

    Returns
    -------
    Series
        Indexed by page_id. Posts with unknown or zero followers are left out of the mean.

    Notes
    -----
    Per-post variant of the engagement rate of Johnsen, Jørgensen & Aaneland (2013, s. 10,
    metric 10).

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({"page_id": ["A", "A"], "likes": [9, 1], "comments": [1, 0],
    ...     "shares": [0, 0], "followers_at_posting": [100, 50]})
    >>> engagement_rate_per_post(posts, None).round(6).to_dict()
    {'A': 6.0}
    """
    require(posts, ("page_id", *_PARTS), table="posts", purpose="engagement_rate_per_post")
    posts = page_posts(posts)  # visitor posts are not the page\'s posts
    rate = safe_ratio(interactions(posts), followers_at_posting(posts, page_days)) * 100.0
    return (
        rate.groupby(posts["page_id"].astype("str"))
        .mean()
        .rename("engagement_rate_per_post")
        .rename_axis("page_id")
    )


def engagement_rate_daily(posts: pd.DataFrame, page_days: pd.DataFrame | None) -> pd.Series:
    """Socialbakers' daily engagement rate: mean over posting days of
    (interactions that day / posts that day / followers that day) × 100.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts with ``created_at`` (the posting day is taken in Europe/Oslo).
    page_days : DataFrame
        Canonical page days giving followers per day (falls back to the posts'
        ``followers_at_posting``: the day's mean).

    Returns
    -------
    Series
        Indexed by page_id.

    Notes
    -----
    Socialbakers Analytics Guide ("Engagement Rate": average daily interactions per post
    relative to fans), the tool of Gambit H+K (Johnsen, Jørgensen & Aaneland
    2013, s. 9, note 7). Days without posts do not enter the mean.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Timestamp("2013-04-02 10:00", tz="Europe/Oslo")
    >>> posts = pd.DataFrame({"page_id": ["A"] * 3, "created_at": [t, t, t + pd.Timedelta(days=1)],
    ...     "likes": [10, 30, 5], "comments": [0, 0, 0], "shares": [0, 0, 0],
    ...     "followers_at_posting": [100, 100, 100]})
    >>> float(engagement_rate_daily(posts, None)["A"])  # mean(20/100, 5/100) * 100
    12.5
    """
    require(
        posts, ("page_id", "created_at", *_PARTS), table="posts", purpose="engagement_rate_daily"
    )
    posts = page_posts(posts)  # visitor posts are not the page\'s posts
    created = pd.to_datetime(posts["created_at"])
    created = created.dt.tz_convert(TZ) if created.dt.tz is not None else created
    frame = pd.DataFrame(
        {
            "page_id": posts["page_id"].astype("str"),
            "day": created.dt.tz_localize(None).dt.normalize()
            if created.dt.tz is not None
            else created.dt.normalize(),
            "i": interactions(posts),
            "f": followers_at_posting(posts, page_days),
        }
    ).dropna(subset=["day"])
    daily = frame.groupby(["page_id", "day"]).agg(i=("i", "sum"), n=("i", "size"), f=("f", "mean"))
    rate = safe_ratio(daily["i"] / daily["n"], daily["f"]) * 100.0
    return rate.groupby(level="page_id").mean().rename("engagement_rate_daily")


def _bonson_one(counts: pd.DataFrame, followers: pd.Series) -> pd.DataFrame:
    """Bonsón indices per page from a frame with page_id, likes, comments, shares."""
    g = counts.groupby("page_id", sort=True)
    out = {}
    for prefix, col in (("P", "likes"), ("C", "comments"), ("V", "shares")):
        known = g[col].count().astype("float64")
        positive = (counts[col] > 0).astype("float64").where(counts[col].notna())
        out[f"{prefix}1"] = safe_ratio(positive.groupby(counts["page_id"]).sum(), known)
        out[f"{prefix}2"] = safe_ratio(g[col].sum(min_count=1), known)
        out[f"{prefix}3"] = safe_ratio(out[f"{prefix}2"], followers.reindex(known.index)) * 1000
    frame = pd.DataFrame(out)
    frame["E"] = frame[["P3", "C3", "V3"]].sum(axis=1, min_count=3)
    return frame[BONSON_INDICES]


def bonson_indices(posts: pd.DataFrame, followers: pd.Series | float | None = None) -> pd.DataFrame:
    """Bonsón, Royo & Ratkai's (2015) popularity, commitment, virality and engagement.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts (likes, comments, shares; page_id when several pages).
    followers : Series or float, optional
        The page's followers (fans): a number for one page, a Series indexed by page_id
        for several. ``None``: the largest ``followers_at_posting`` of each page's posts
        (page likes only grow in practice, so this is the count at the end of the
        period, the moment Bonsón et al. took their fan counts).

    Returns
    -------
    DataFrame
        One row per page (index ``page_id``; ``"page"`` when the posts have no page_id),
        the columns :data:`BONSON_INDICES`, however many pages there are. P1/C1/V1 are shares in 0–1 of the posts
        whose count is known; P2/C2/V2 are means over those posts; P3/C3/V3 =
        P2/C2/V2 / followers × 1000; E = P3 + C3 + V3.

    Notes
    -----
    Bonsón, E., Royo, S. & Ratkai, M. (2015). Citizens' engagement on local governmental
    Facebook sites. An empirical analysis: The impact of different media and content
    types in Western Europe. *Government Information Quarterly* 32(1), 52–62, Table 2.
    A post with a missing count is left out of that count's indices only.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({"likes": [10, 0], "comments": [2, 0], "shares": [0, 0]})
    >>> bonson_indices(posts, followers=1000).loc["page", ["P1", "P2", "P3", "C3", "V1", "E"]].tolist()
    [0.5, 5.0, 5.0, 1.0, 0.0, 6.0]
    """
    require(posts, _PARTS, table="posts", purpose="bonson_indices")
    posts = page_posts(posts)  # visitor posts are not the page\'s posts
    pid = (
        posts["page_id"].astype("str")
        if "page_id" in posts.columns
        else pd.Series("page", index=posts.index, dtype="str")
    )
    counts = pd.DataFrame({"page_id": pid, **{c: as_float(posts[c]) for c in _PARTS}})
    if followers is None:
        if "followers_at_posting" not in posts.columns:
            raise InputError(
                "bonson_indices needs followers, or posts with followers_at_posting",
                file="posts",
                column="followers_at_posting",
                expected="the page's follower count (page likes)",
            )
        fol = as_float(posts["followers_at_posting"]).groupby(pid).max()
    elif isinstance(followers, pd.Series):
        fol = as_float(followers)
        fol.index = fol.index.astype("str")
    else:
        fol = pd.Series(float(followers), index=pd.Index(pid.unique(), dtype="str"))
    frame = _bonson_one(counts, fol)
    frame.index.name = "page_id"
    return frame

"""Posting activity: posts per week and the share of active weeks.

Johnsen, Jørgensen & Aaneland (2013) hypothesis H1 says the best pages post often, "mer enn fire
oppdateringer i uken" (more than four posts a week), Johnsen, Jørgensen & Aaneland
(2013, s. 12, "Påstand 1"); metric 5 counts the page's own posts ("Antall innlegg fra
siden", p. 10).

Period convention (shared by all page-level metrics): ``start`` and ``end`` are
*inclusive calendar days* in Europe/Oslo, so 1 April – 1 August 2013 is 123 days =
17.57 weeks. Weeks are consecutive 7-day blocks from ``start``; the last block may be
shorter and still counts as a week for :func:`posting_activity`'s ``active_weeks_share``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kommunesm.errors import InputError
from kommunesm.metrics import _period
from kommunesm.metrics.wall import page_posts

__all__ = ["ACTIVITY_COLUMNS", "H1_POSTS_PER_WEEK", "posting_activity"]

#: H1 threshold: more than four posts a week (Johnsen, Jørgensen & Aaneland 2013, s. 12).
H1_POSTS_PER_WEEK = 4.0
#: Columns of :func:`posting_activity`.
ACTIVITY_COLUMNS = ["posts", "weeks", "posts_per_week", "active_weeks_share"]


def posting_activity(
    posts: pd.DataFrame,
    start: object = None,
    end: object = None,
    *,
    page_ids: pd.Index | list[str] | None = None,
) -> pd.DataFrame:
    """Posts per week and share of weeks with at least one post, per page.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts (page_id, created_at).
    start, end : object, optional
        First and last day of the period (inclusive; dates, strings or timestamps);
        a missing bound is taken from the posts.
    page_ids : Index or list of str, optional
        Pages to report even if they did not post (0 posts). Default: the pages in
        ``posts``.

    Returns
    -------
    DataFrame
        Indexed by page_id: posts (in the period), weeks (period days / 7, the same for
        every page), posts_per_week (posts / weeks), active_weeks_share (7-day blocks
        from ``start`` with at least one post / number of blocks, the last block counting
        even when shorter).

    Notes
    -----
    H1 of Johnsen, Jørgensen & Aaneland (2013, s. 12); compare
    ``posts_per_week`` with :data:`H1_POSTS_PER_WEEK` (strictly more than 4).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Timestamp("2013-04-01 12:00", tz="Europe/Oslo")
    >>> posts = pd.DataFrame({"page_id": ["A", "A", "A", "B"],
    ...     "created_at": [t, t + pd.Timedelta(days=1), t + pd.Timedelta(days=8), t]})
    >>> posting_activity(posts, "2013-04-01", "2013-04-14").to_dict("index")["A"]
    {'posts': 3.0, 'weeks': 2.0, 'posts_per_week': 1.5, 'active_weeks_share': 1.0}
    """
    missing = [c for c in ("page_id", "created_at") if c not in posts.columns]
    if missing:
        raise InputError(
            f"posting_activity needs the posts column(s) {', '.join(missing)}",
            file="posts",
            column=missing[0],
            expected="the canonical posts table",
        )
    period = _period.resolve(start, end, timestamps=[posts["created_at"]])
    ids = pd.Index(posts["page_id"].astype("str").unique(), dtype="str")
    if page_ids is not None:
        ids = (
            pd.Index(page_ids, dtype="str").union(ids)
            if len(posts)
            else pd.Index(page_ids, dtype="str")
        )
    ids = ids.sort_values()
    return _activity(posts, period, ids)


def _activity(posts: pd.DataFrame, period: _period.Period, ids: pd.Index) -> pd.DataFrame:
    posts = page_posts(posts)  # H1 and metric 5 count the page's own posts
    in_period = posts.loc[period.posts_mask(posts["created_at"])] if len(posts) else posts
    pid = in_period["page_id"].astype("str")
    counts = pid.value_counts().reindex(ids, fill_value=0).astype("float64")
    n_blocks = int(np.ceil(period.n_days / 7))
    created = in_period["created_at"]
    if len(in_period) and created.notna().any():
        days = (
            _period._oslo(created).dt.tz_localize(None).dt.normalize() - period.first_day
        ).dt.days
        block = days // 7
        ok = block.notna()
        active = (
            pd.DataFrame({"p": pid[ok], "b": block[ok]})
            .drop_duplicates()
            .groupby("p")
            .size()
            .reindex(ids, fill_value=0)
            .astype("float64")
        )
    else:
        active = pd.Series(0.0, index=ids)
    dated = period.bounded or (len(in_period) and created.notna().any())
    weeks = period.weeks if dated else np.nan
    out = pd.DataFrame(
        {
            "posts": counts,
            "weeks": float(weeks),
            "posts_per_week": counts / weeks if dated else np.nan,
            "active_weeks_share": active / n_blocks if dated else np.nan,
        },
        index=ids,
    )
    out.index.name = "page_id"
    return out[ACTIVITY_COLUMNS]

"""One row per page with the ten Gambit metrics (and documented extras).

:func:`page_table` is the input of :func:`kommunesm.ranking.gambit_points`. It is fully
vectorised: every per-page quantity is a group-by (sparse page × row sums) over the
posts, page days and questions of the period — no Python loop over pages.

The column definitions are in :data:`COLUMN_DEFINITIONS` (also printed by
``kommunesm.metrics.describe_columns()``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from kommunesm.metrics import _period, activity, engagement, response
from kommunesm.metrics._period import as_float, safe_ratio

__all__ = [
    "COLUMN_DEFINITIONS",
    "EXTRA_COLUMNS",
    "GAMBIT_METRICS",
    "describe_columns",
    "page_table",
]

#: The ten Gambit H+K ranking metrics, in the report's order (Johnsen, Jørgensen & Aaneland
#: 2013, s. 10), with the canonical names of
#: ``page_metrics`` (kommunesm.schema).
GAMBIT_METRICS = (
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

#: Extra columns of :func:`page_table`, after the ten metrics.
EXTRA_COLUMNS = (
    "posts_per_week",
    "active_weeks_share",
    "questions",
    "share_answered",
    "median_response_time_minutes",
    "share_within_24h_weekdays",
    "engagement_rate_per_post",
    "engagement_rate_daily",
    "followers_start",
    "followers_growth",
    "followers_growth_share",
    "quality_indicator",
    "talking_about_share",
    "population",
    "followers_per_inhabitant",
    "talking_about_per_inhabitant",
)

_S0 = "Johnsen, Jørgensen & Aaneland (2013, s. 10)"
#: column → (definition, input table, source).
COLUMN_DEFINITIONS: dict[str, tuple[str, str, str]] = {
    "followers": (
        "followers on the last day of the period with a value (page_days.followers); "
        "without page days, followers_at_posting of the page's last post in the period",
        "page_days (posts)",
        f"{_S0}, metric 1",
    ),
    "interactions": (
        "sum over the page's posts in the period of likes + comments + shares "
        "(kommunesm.metrics.engagement.interactions)",
        "posts",
        f"{_S0}, metric 2",
    ),
    "people_talking_about": (
        "mean over the period's days of page_days.talking_about (Facebook's 7-day count "
        "of people talking about the page)",
        "page_days",
        f"{_S0}, metric 3",
    ),
    "questions_answered": (
        "citizen questions asked in the period that got a page reply (kommunesm.metrics.response)",
        "comments",
        f"{_S0}, metric 4",
    ),
    "page_posts": ("posts by the page in the period", "posts", f"{_S0}, metric 5"),
    "avg_response_time_minutes": (
        "mean wall-clock minutes from question to first page reply, answered questions "
        "asked in the period",
        "comments",
        f"{_S0}, metric 6",
    ),
    "likes": ("sum of posts.likes in the period", "posts", f"{_S0}, metric 7"),
    "comments": ("sum of posts.comments in the period", "posts", f"{_S0}, metric 8"),
    "shares": ("sum of posts.shares in the period", "posts", f"{_S0}, metric 9"),
    "engagement_rate": (
        "interactions / followers × 100 (period variant)",
        "posts + page_days",
        f"{_S0}, metric 10",
    ),
    "posts_per_week": (
        "page_posts / (period days / 7)",
        "posts",
        "H1, Johnsen, Jørgensen & Aaneland (2013, s. 12)",
    ),
    "active_weeks_share": (
        "share of 7-day blocks from the period start with at least one post",
        "posts",
        "H1, Johnsen, Jørgensen & Aaneland (2013, s. 12)",
    ),
    "questions": (
        "citizen questions asked in the period",
        "comments",
        "Johnsen, Jørgensen & Aaneland (2013, s. 10)",
    ),
    "share_answered": (
        "questions_answered / questions",
        "comments",
        "Johnsen, Jørgensen & Aaneland (2013, s. 10)",
    ),
    "median_response_time_minutes": (
        "median wall-clock minutes to the first page reply",
        "comments",
        "Johnsen, Jørgensen & Aaneland (2013, s. 10); median: ours, robust to outliers",
    ),
    "share_within_24h_weekdays": (
        "share of questions answered within 24 working hours (weekdays that are not "
        "Norwegian public holidays)",
        "comments",
        "H2, Johnsen, Jørgensen & Aaneland (2013, s. 12)",
    ),
    "engagement_rate_per_post": (
        "mean over posts of interactions / followers at posting × 100",
        "posts (+ page_days)",
        "kommunesm definition (per post, then averaged)",
    ),
    "engagement_rate_daily": (
        "Socialbakers' daily variant: mean over posting days of interactions / posts / "
        "followers × 100",
        "posts (+ page_days)",
        "Socialbakers Analytics Guide, cited by Johnsen, Jørgensen & Aaneland (2013, s. 9, note 7)",
    ),
    "followers_start": (
        "followers on the first day of the period with a value",
        "page_days",
        "NM i Facebook (I all offentlighet 2013): growth",
    ),
    "followers_growth": (
        "followers − followers_start",
        "page_days",
        "NM i Facebook (I all offentlighet 2013)",
    ),
    "followers_growth_share": (
        "followers_growth / followers_start",
        "page_days",
        "NM i Facebook (I all offentlighet 2013)",
    ),
    "quality_indicator": (
        "followers / people_talking_about (lower = more active audience); NaN if 0",
        "page_days",
        "Handelshøyskolen BI (2012, s. 12)",
    ),
    "talking_about_share": (
        "people_talking_about / followers (inverse of quality_indicator; higher = better)",
        "page_days",
        "Handelshøyskolen BI (2012, s. 12)",
    ),
    "population": ("pages.population (municipal register)", "pages", "SSB via the register"),
    "followers_per_inhabitant": (
        "followers / population",
        "page_days + pages",
        "NM i Facebook (I all offentlighet 2013)",
    ),
    "talking_about_per_inhabitant": (
        "people_talking_about / population",
        "page_days + pages",
        "NM i Facebook (I all offentlighet 2013)",
    ),
}


def describe_columns() -> pd.DataFrame:
    """The definition, input table and source of every :func:`page_table` column."""
    return pd.DataFrame(
        [(c, *v) for c, v in COLUMN_DEFINITIONS.items()],
        columns=["column", "definition", "input", "source"],
    ).set_index("column")


@dataclass
class Atoms:
    """The rows a page table aggregates, coded by page (internal; shared with
    :func:`kommunesm.ranking.rank_uncertainty` so that the bootstrap re-aggregates
    exactly what :func:`page_table` aggregates)."""

    ids: pd.Index
    period: _period.Period
    has_posts: bool
    has_days: bool
    has_comments: bool
    post_code: np.ndarray
    post_values: np.ndarray  # n_posts × 4: likes, comments, shares, interactions (NaN kept)
    day_code: np.ndarray
    talking: np.ndarray
    q_code: np.ndarray
    q_answered: np.ndarray
    q_minutes: np.ndarray
    q_within: np.ndarray
    followers: np.ndarray
    times: pd.DataFrame  # response_times rows in the period
    posts: pd.DataFrame  # posts in the period
    days: pd.DataFrame  # page days in the period


def _ids(
    pages: pd.DataFrame, page_days: pd.DataFrame, posts: pd.DataFrame, comments: pd.DataFrame
) -> pd.Index:
    parts = [
        frame["page_id"].astype("str")
        for frame in (pages, page_days, posts, comments)
        if frame is not None and len(frame) and "page_id" in frame.columns
    ]
    if not parts:
        return pd.Index([], dtype="str", name="page_id")
    ids = pd.Index(pd.concat(parts, ignore_index=True).unique(), dtype="str").sort_values()
    return ids.rename("page_id")


def _indicator(codes: np.ndarray, n_pages: int) -> sparse.csr_matrix:
    n = len(codes)
    return sparse.csr_matrix(
        (np.ones(n), (codes, np.arange(n))), shape=(n_pages, n), dtype="float64"
    )


def build_atoms(
    pages: pd.DataFrame | None,
    page_days: pd.DataFrame | None,
    posts: pd.DataFrame | None,
    comments: pd.DataFrame | None,
    start: object = None,
    end: object = None,
    *,
    country: str = "NO",
) -> Atoms:
    """Restrict the inputs to the period and code their rows by page (internal)."""
    empty = pd.DataFrame({"page_id": pd.Series([], dtype="str")})
    pages = pages if pages is not None else empty
    page_days = page_days if page_days is not None and len(page_days) else empty
    posts = posts if posts is not None and len(posts) else empty
    comments = comments if comments is not None and len(comments) else empty
    has_days, has_posts, has_comments = len(page_days) > 0, len(posts) > 0, len(comments) > 0
    period = _period.resolve(
        start,
        end,
        timestamps=[posts["created_at"]] if has_posts else [],
        dates=[page_days["date"]] if has_days else [],
    )
    ids = _ids(pages, page_days, posts, comments)

    # posts in the period
    p = posts.loc[period.posts_mask(posts["created_at"])] if has_posts else posts
    post_code = ids.get_indexer(p["page_id"].astype("str")) if has_posts else np.array([], int)
    if has_posts:
        vals = np.column_stack(
            [as_float(p[c]).to_numpy() for c in ("likes", "comments", "shares")]
            + [engagement.interactions(p).to_numpy()]
        )
    else:
        vals = np.empty((0, 4))

    # page days in the period
    d = page_days.loc[period.days_mask(page_days["date"])] if has_days else page_days
    if has_days:
        d = d.assign(_date=pd.to_datetime(d["date"])).sort_values(["_date"], kind="stable")
    day_code = ids.get_indexer(d["page_id"].astype("str")) if has_days else np.array([], int)
    talking = (
        as_float(d["talking_about"]).to_numpy()
        if has_days and "talking_about" in d.columns
        else np.full(len(d), np.nan)
    )

    # followers: last value in the period (page days), else the last post's
    fol = pd.Series(np.nan, index=ids)
    if has_days and "followers" in d.columns:
        last = as_float(d["followers"]).groupby(d["page_id"].astype("str")).last()
        fol = fol.fillna(last.reindex(ids))
    if has_posts and "followers_at_posting" in p.columns and fol.isna().any():
        fp = p.assign(_f=as_float(p["followers_at_posting"])).sort_values(
            "created_at", kind="stable"
        )
        last_post = fp["_f"].groupby(fp["page_id"].astype("str")).last()
        fol = fol.fillna(last_post.reindex(ids))

    # questions asked in the period
    if has_comments:
        times = response.response_times(comments, country=country)
        if period.bounded:
            times = times.loc[period.posts_mask(times["asked_at"])]
    else:
        times = response._empty_response()
    q_code = ids.get_indexer(times["page_id"].astype("str"))
    return Atoms(
        ids=ids,
        period=period,
        has_posts=has_posts,
        has_days=has_days,
        has_comments=has_comments,
        post_code=np.asarray(post_code, dtype=np.int64),
        post_values=vals,
        day_code=np.asarray(day_code, dtype=np.int64),
        talking=talking,
        q_code=np.asarray(q_code, dtype=np.int64),
        q_answered=times["answered"].to_numpy(dtype=bool),
        q_minutes=times["response_minutes"].to_numpy(dtype="float64"),
        q_within=times["answered_within_24h_weekdays"].to_numpy(dtype=bool),
        followers=fol.to_numpy(dtype="float64"),
        times=times,
        posts=p,
        days=d,
    )


def _wsum(indicator: sparse.csr_matrix, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Page × replicate weighted sums: indicator @ (w * x[:, None])."""
    return np.asarray(indicator @ (w * x[:, None]))


def gambit_arrays(atoms: Atoms, w_posts=None, w_days=None, w_q=None) -> dict[str, np.ndarray]:
    """The ten Gambit metrics as page × replicate arrays for row weights (internal).

    ``w_*`` are row × replicate weight matrices (None: one replicate of unit weights).
    A metric that is NaN with unit weights (its input is missing) stays NaN.
    """
    n = len(atoms.ids)
    reps = next((w.shape[1] for w in (w_posts, w_days, w_q) if w is not None), 1)
    out: dict[str, np.ndarray] = {}
    nan = np.full((n, reps), np.nan)

    if atoms.has_posts:
        ind = _indicator(atoms.post_code, n)
        wp = w_posts if w_posts is not None else np.ones((len(atoms.post_code), 1))
        out["page_posts"] = _wsum(ind, np.ones(len(atoms.post_code)), wp)
        known_any = np.asarray(ind @ np.ones(len(atoms.post_code))) > 0
        for j, col in enumerate(("likes", "comments", "shares", "interactions")):
            x = atoms.post_values[:, j]
            ok = ~np.isnan(x)
            total = _wsum(ind, np.where(ok, x, 0.0), wp)
            known = np.asarray(ind @ ok.astype("float64")) > 0
            # a page with posts whose counts are all missing: NaN (not 0)
            total[(known_any & ~known), :] = np.nan
            out[col] = total
    else:
        for col in ("page_posts", "likes", "comments", "shares", "interactions"):
            out[col] = nan.copy()

    fol = np.repeat(atoms.followers[:, None], reps, axis=1)
    out["followers"] = fol
    with np.errstate(divide="ignore", invalid="ignore"):
        out["engagement_rate"] = np.where(fol > 0, out["interactions"] / fol * 100.0, np.nan)

    if atoms.has_days:
        ind = _indicator(atoms.day_code, n)
        wd = w_days if w_days is not None else np.ones((len(atoms.day_code), 1))
        ok = ~np.isnan(atoms.talking)
        s = _wsum(ind, np.where(ok, atoms.talking, 0.0), wd)
        c = _wsum(ind, ok.astype("float64"), wd)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["people_talking_about"] = np.where(c > 0, s / c, np.nan)
    else:
        out["people_talking_about"] = nan.copy()

    if atoms.has_comments:
        ind = _indicator(atoms.q_code, n)
        wq = w_q if w_q is not None else np.ones((len(atoms.q_code), 1))
        ans = atoms.q_answered.astype("float64")
        out["questions_answered"] = _wsum(ind, ans, wq)
        s = _wsum(ind, np.where(atoms.q_answered, atoms.q_minutes, 0.0), wq)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["avg_response_time_minutes"] = np.where(
                out["questions_answered"] > 0, s / out["questions_answered"], np.nan
            )
    else:
        out["questions_answered"] = nan.copy()
        out["avg_response_time_minutes"] = nan.copy()
    return {k: out[k] for k in GAMBIT_METRICS}


def page_table(
    pages: pd.DataFrame | None,
    page_days: pd.DataFrame | None,
    posts: pd.DataFrame | None,
    comments: pd.DataFrame | None,
    start: object = None,
    end: object = None,
    *,
    country: str = "NO",
) -> pd.DataFrame:
    """One row per page: the ten Gambit metrics, then the extras of :data:`EXTRA_COLUMNS`.

    Parameters
    ----------
    pages, page_days, posts, comments
        Canonical tables (:mod:`kommunesm.schema`); any of them may be empty or None.
        The columns an absent table would feed are NaN (e.g. only posts: followers,
        people_talking_about, response metrics are NaN — unless the posts carry
        ``followers_at_posting``).
    start, end
        First and last day of the period, inclusive (Europe/Oslo); a missing bound is
        taken from the data. Posts, page days and questions outside it are ignored
        (replies after ``end`` to questions asked inside it still count).
    country
        Holiday calendar for ``share_within_24h_weekdays``.

    Returns
    -------
    DataFrame
        Indexed by page_id (sorted; every page in any input table), all columns
        float64: :data:`GAMBIT_METRICS` (followers, interactions, people_talking_about,
        questions_answered, page_posts, avg_response_time_minutes, likes, comments,
        shares, engagement_rate) then :data:`EXTRA_COLUMNS`. A page with no posts in the
        period has page_posts 0 (not NaN) when the posts table is given. Definitions and
        sources: :data:`COLUMN_DEFINITIONS` / :func:`describe_columns`. ``attrs`` holds
        the period used (period_start, period_end as ISO dates; period_days).

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 10: the ten metrics; s. 12: H1, H2); the quality
    indicator of the BI thesis (Handelshøyskolen BI 2012, s. 12); NM i Facebook (I all offentlighet, 2013).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Timestamp("2013-04-02 10:00", tz="Europe/Oslo")
    >>> posts = pd.DataFrame({"post_id": ["p1", "p2"], "page_id": ["A", "B"],
    ...     "created_at": [t, t], "likes": [10, 3], "comments": [2, 0], "shares": [1, 0]})
    >>> days = pd.DataFrame({"page_id": ["A", "B"], "date": pd.to_datetime(["2013-04-02"] * 2),
    ...     "followers": [100, 0], "talking_about": [20, 0]})
    >>> tab = page_table(None, days, posts, None, "2013-04-01", "2013-04-30")
    >>> tab.loc["A", ["followers", "interactions", "engagement_rate"]].tolist()
    [100.0, 13.0, 13.0]
    >>> bool(pd.isna(tab.loc["B", "engagement_rate"]))  # 0 followers: NaN, not inf
    True
    >>> bool(pd.isna(tab.loc["A", "questions_answered"]))  # no comments table given
    True
    """
    atoms = build_atoms(pages, page_days, posts, comments, start, end, country=country)
    ids = atoms.ids
    cols = {k: v[:, 0] for k, v in gambit_arrays(atoms).items()}
    table = pd.DataFrame(cols, index=ids)

    # extras -------------------------------------------------------------------------
    if atoms.has_posts:
        act = activity._activity(atoms.posts, atoms.period, ids)
        table["posts_per_week"] = act["posts_per_week"]
        table["active_weeks_share"] = act["active_weeks_share"]
        d = atoms.days if atoms.has_days else None
        table["engagement_rate_per_post"] = engagement.engagement_rate_per_post(
            atoms.posts, d
        ).reindex(ids)
        if atoms.posts["created_at"].notna().any():
            table["engagement_rate_daily"] = engagement.engagement_rate_daily(
                atoms.posts, d
            ).reindex(ids)
        else:
            table["engagement_rate_daily"] = np.nan
    else:
        for c in ("posts_per_week", "active_weeks_share"):
            table[c] = np.nan
        table["engagement_rate_per_post"] = np.nan
        table["engagement_rate_daily"] = np.nan

    if atoms.has_comments:
        resp = response.summarise_responses(atoms.times, ids).reindex(ids)
        table["questions"] = resp["questions"]
        table["share_answered"] = resp["share_answered"]
        table["median_response_time_minutes"] = resp["median_response_time_minutes"]
        table["share_within_24h_weekdays"] = resp["share_within_24h_weekdays"]
    else:
        for c in (
            "questions",
            "share_answered",
            "median_response_time_minutes",
            "share_within_24h_weekdays",
        ):
            table[c] = np.nan

    if atoms.has_days and "followers" in atoms.days.columns:
        first = (
            as_float(atoms.days["followers"]).groupby(atoms.days["page_id"].astype("str")).first()
        )
        table["followers_start"] = first.reindex(ids)
    else:
        table["followers_start"] = np.nan
    table["followers_growth"] = table["followers"] - table["followers_start"]
    table["followers_growth_share"] = safe_ratio(
        table["followers_growth"], table["followers_start"]
    )
    table["quality_indicator"] = safe_ratio(table["followers"], table["people_talking_about"])
    table["talking_about_share"] = safe_ratio(table["people_talking_about"], table["followers"])
    if pages is not None and len(pages) and "population" in pages.columns:
        pop = as_float(pages["population"])
        pop.index = pages["page_id"].astype("str")
        table["population"] = pop[~pop.index.duplicated()].reindex(ids)
    else:
        table["population"] = np.nan
    table["followers_per_inhabitant"] = safe_ratio(table["followers"], table["population"])
    table["talking_about_per_inhabitant"] = safe_ratio(
        table["people_talking_about"], table["population"]
    )
    table = table[list(GAMBIT_METRICS) + list(EXTRA_COLUMNS)].astype("float64")
    table.index.name = "page_id"
    table.attrs["period_start"] = atoms.period.first_day.date().isoformat()
    table.attrs["period_end"] = atoms.period.last_day.date().isoformat()
    table.attrs["period_days"] = atoms.period.n_days
    return table

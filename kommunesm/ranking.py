"""League tables: Gambit's Top-30 points method, NM i Facebook, and rank uncertainty.

**Gambit points** (Johnsen, Jørgensen & Aaneland 2013, s. 11, "Det ble utarbeidet en liste for hvert av de ti målekriteriene …"): one list per
metric; a page gets 1 point for each list it is on, plus 5, 4, 3, 2, 1 points for places
1–5 of a list; the sum orders the Top-30. The report does not state the list size, so it
is a parameter (``list_size``, default 30). Our rule, pinned by tests:

* every metric is ranked descending (more is better) except
  ``avg_response_time_minutes`` (ascending: faster is better);
* ties share the better rank ("min" ranking: 1, 2, 2, 4) and therefore the same top-5
  points (two pages tied first both get 5; the next page is third and gets 3);
* list membership is ``rank <= list_size``, so every page tied at the boundary is on
  the list (a list can hold more than ``list_size`` pages);
* a missing value (NaN) is on no list and gets no points;
* only places on a list score top points (with ``list_size`` < 5, fewer places score);
* the final rank orders ``total = list_occurrences + top5_points`` the same way (ties
  share the better rank).

**NM i Facebook** (I all offentlighet, spring 2013; NRK Trøndelag, "NM i Facebook for
kommunene", see ``kommunesm/data/published/facts.csv``, study ``ialloffentlighet``): six
categories — likers, likers per inhabitant, talking about, talking about per inhabitant,
growth in likers (count) and growth in likers (share) — each with a top-N list.

**Rank uncertainty** (ours; league tables never showed it): a Poisson bootstrap over the
posts, page days and citizen questions of each page re-computes the ten metrics and the
points; each page gets the probability of being in the Top-N and a rank interval.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kommunesm import narrate
from kommunesm.errors import InputError
from kommunesm.metrics.columns import ENGAGEMENT_VARIANTS, GAMBIT_METRICS
from kommunesm.metrics.table import build_atoms, gambit_arrays

__all__ = [
    "ASCENDING_DEFAULT",
    "GAMBIT_METRICS",
    "NM_CATEGORIES",
    "POINTS_COLUMNS",
    "REPORT_HEADERS",
    "ListSizeSensitivity",
    "Ranking",
    "beside_published",
    "compare_rankings",
    "describe_rank_changes",
    "describe_sensitivity",
    "describe_engagement_variants",
    "describe_uncertainty",
    "engagement_variant_ranks",
    "gambit_lists",
    "gambit_points",
    "list_size_sensitivity",
    "nm_facebook",
    "nm_wide",
    "rank_dataset",
    "rank_uncertainty",
    "top_n",
    "top_table",
]

#: Metrics where a smaller value is better.
ASCENDING_DEFAULT: tuple[str, ...] = ("avg_response_time_minutes",)
#: Columns of :func:`gambit_points`.
POINTS_COLUMNS = ["list_occurrences", "top5_points", "total", "rank"]


# --------------------------------------------------------------------------- helpers
def _metric_frame(metrics: pd.DataFrame, what: str = "metrics") -> pd.DataFrame:
    """``metrics`` indexed by a unique string page_id."""
    frame = metrics
    if frame.index.name != "page_id" and "page_id" in frame.columns:
        frame = frame.set_index("page_id")
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()][0]
        raise InputError(
            f"page {dup!r} occurs more than once in the {what} table (several periods?); "
            "filter to one period first",
            file=what,
            column="page_id",
            expected="one row per page",
            got=dup,
        )
    frame = frame.copy()
    frame.index = pd.Index(frame.index.astype("str"), name="page_id")
    return frame


def _metric_columns(frame: pd.DataFrame, metrics_used: Iterable[str] | None) -> list[str]:
    wanted = tuple(metrics_used) if metrics_used is not None else GAMBIT_METRICS
    unknown = [m for m in wanted if m not in GAMBIT_METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; Gambit metrics are {GAMBIT_METRICS}")
    cols = [m for m in wanted if m in frame.columns]
    if not cols:
        raise InputError(
            "no Gambit metric column found",
            file="metrics",
            expected=f"one or more of {', '.join(GAMBIT_METRICS)}",
            got=list(frame.columns)[:12],
        )
    return cols


def _eligible_values(
    frame: pd.DataFrame, cols: list[str], min_followers: float | None
) -> pd.DataFrame:
    values = frame[cols].apply(pd.to_numeric, errors="coerce").astype("float64")
    if min_followers is not None:
        if "followers" not in frame.columns:
            raise InputError(
                "min_followers needs a followers column",
                file="metrics",
                column="followers",
                expected="followers per page",
            )
        fol = pd.to_numeric(frame["followers"], errors="coerce")
        small = ~(fol >= min_followers)
        values = values.mask(small, np.nan)
    return values


def _ranks(values: pd.DataFrame, ascending: Sequence[str]) -> pd.DataFrame:
    """Min-ranks per column (1 = best); NaN stays NaN."""
    out = {}
    for col in values.columns:
        out[col] = values[col].rank(method="min", ascending=col in ascending, na_option="keep")
    return pd.DataFrame(out, index=values.index)


def _points_from_ranks(
    ranks: np.ndarray, list_size: int, top_points: int
) -> tuple[np.ndarray, np.ndarray]:
    """List membership (0/1) and top points for an array of ranks (NaN: 0 and 0)."""
    with np.errstate(invalid="ignore"):
        on = np.where(np.isnan(ranks), 0, ranks <= list_size).astype("int64")
        # top points only for places on the list (a list shorter than top_points has
        # fewer scoring places)
        pts = np.where((on == 1) & (ranks <= top_points), top_points + 1 - ranks, 0)
    return on, np.nan_to_num(pts).astype("int64")


def _check_sizes(list_size: int, top_points: int) -> None:
    if int(list_size) < 1 or int(top_points) < 0:
        raise ValueError("list_size must be >= 1 and top_points >= 0")


# --------------------------------------------------------------------------- Gambit
def gambit_lists(
    metrics: pd.DataFrame,
    list_size: int = 30,
    top_points: int = 5,
    ascending: Sequence[str] = ASCENDING_DEFAULT,
    min_followers: float | None = None,
    metrics_used: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The per-metric lists behind :func:`gambit_points`, in long format.

    Parameters
    ----------
    metrics : DataFrame
        One row per page with metric columns, as for :func:`gambit_points`.
    list_size : int, default 30
        K: a page is on a metric's list if its rank is <= K.
    top_points : int, default 5
        Places 1..``top_points`` get ``top_points``..1 extra points.
    ascending : sequence of str, default ('avg_response_time_minutes',)
        Metrics where smaller is better.
    min_followers : float, optional
        Pages with fewer (or unknown) followers are on no list.
    metrics_used : iterable of str, optional
        Restrict to these metrics (default: every Gambit metric present).

    Returns
    -------
    DataFrame
        One row per page × metric with a value: metric, page_id, value, rank, on_list,
        points (top points for places 1..``top_points``), sorted by metric (report order)
        and rank.
    """
    _check_sizes(list_size, top_points)
    frame = _metric_frame(metrics)
    cols = _metric_columns(frame, metrics_used)
    values = _eligible_values(frame, cols, min_followers)
    ranks = _ranks(values, tuple(ascending))
    long = (
        values.stack(future_stack=True)
        .rename("value")
        .to_frame()
        .join(ranks.stack(future_stack=True).rename("rank"))
        .reset_index()
        .rename(columns={"level_1": "metric"})
    )
    long.columns = ["page_id", "metric", "value", "rank"]
    long = long.dropna(subset=["rank"])
    on, pts = _points_from_ranks(long["rank"].to_numpy(), list_size, top_points)
    long["rank"] = long["rank"].astype("int64")
    long["on_list"] = on.astype(bool)
    long["points"] = pts
    order = {m: i for i, m in enumerate(GAMBIT_METRICS)}
    long = long.assign(_o=long["metric"].map(order)).sort_values(
        ["_o", "rank", "page_id"], kind="stable"
    )
    return long.drop(columns="_o").reset_index(drop=True)[
        ["metric", "page_id", "value", "rank", "on_list", "points"]
    ]


def gambit_points(
    metrics: pd.DataFrame,
    list_size: int = 30,
    top_points: int = 5,
    ascending: Sequence[str] = ASCENDING_DEFAULT,
    min_followers: float | None = None,
    *,
    metrics_used: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Gambit H+K's points method: list occurrences + top-5 points → Top-N rank.

    Parameters
    ----------
    metrics : DataFrame
        One row per page, indexed by page_id (or with a ``page_id`` column), with any
        subset of the ten metric columns of :data:`GAMBIT_METRICS` (the names of
        :func:`kommunesm.metrics.page_table` and of the canonical ``page_metrics`` table
        read from Socialbakers exports by :func:`kommunesm.io.socialbakers.read`). Other
        columns are ignored.
    list_size : int, default 30
        K: a page is on a metric's list if its rank is <= K (report: not stated; 30).
    top_points : int, default 5
        Places 1..``top_points`` get ``top_points``..1 extra points (report: 5); only
        places on the list score, so with ``list_size < top_points`` fewer places do.
    ascending : sequence of str, default ('avg_response_time_minutes',)
        Metrics where smaller is better (default: average response time).
    min_followers : float, optional
        If given, pages with fewer followers (or unknown followers) are on no list —
        Gambit eliminated parameters where "pages with few followers got an
        artificially high sum" (Johnsen, Jørgensen & Aaneland 2013, s. 9). They stay in the result with
        0 points.
    metrics_used : iterable of str, optional
        Restrict to these metrics (default: every Gambit metric present).

    Returns
    -------
    DataFrame
        Indexed by page_id, columns ``list_occurrences`` (lists the page is on),
        ``top5_points`` (sum of top points), ``total`` (their sum) and ``rank`` (by total,
        descending; ties share the better rank); all int64, sorted by rank then page_id.
        The metrics used are the ``metric`` values of :func:`gambit_lists` with the same
        arguments.

    Raises
    ------
    InputError
        No metric column, duplicated pages, or ``min_followers`` without followers.

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 11: method; s. 10: metrics); the tie
    and list-size rules are in the module docstring.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"followers": [300, 200, 200, 100],
    ...                   "avg_response_time_minutes": [30, 10, None, 20]},
    ...                  index=pd.Index(["A", "B", "C", "D"], name="page_id"))
    >>> res = gambit_points(m, list_size=2, top_points=2)
    >>> list(res.index), list(res.columns)
    (['B', 'A', 'C', 'D'], ['list_occurrences', 'top5_points', 'total', 'rank'])
    >>> res.to_numpy().tolist()  # C and D tie for 3rd
    [[2, 3, 5, 1], [1, 2, 3, 2], [1, 1, 2, 3], [1, 1, 2, 3]]
    """
    _check_sizes(list_size, top_points)
    frame = _metric_frame(metrics)
    cols = _metric_columns(frame, metrics_used)
    values = _eligible_values(frame, cols, min_followers)
    ranks = _ranks(values, tuple(ascending)).to_numpy()
    on, pts = _points_from_ranks(ranks, list_size, top_points)
    occ = on.sum(axis=1)
    top = pts.sum(axis=1)
    total = occ + top
    out = pd.DataFrame(
        {"list_occurrences": occ, "top5_points": top, "total": total}, index=frame.index
    )
    out["rank"] = out["total"].rank(method="min", ascending=False).astype("int64")
    out = out.astype("int64")
    out = (
        out.reset_index()
        .sort_values(["rank", "page_id"], kind="stable")
        .set_index("page_id")[POINTS_COLUMNS]
    )
    return out


def top_n(points: pd.DataFrame, n: int = 30) -> pd.DataFrame:
    """The Top-N of a :func:`gambit_points` result (ties at place N all included).

    Parameters
    ----------
    points : DataFrame
        A :func:`gambit_points` result (one row per page with its ``rank``).
    n : int, default 30
        How many places: 30 for the Top-30 of Johnsen, Jørgensen & Aaneland (2013, s. 11).

    Returns
    -------
    DataFrame
        The rows of ``points`` with ``rank <= n``, in the same order; pages tied at
        place ``n`` are all kept, so there may be more than ``n`` rows.

    Examples
    --------
    >>> import pandas as pd
    >>> points = pd.DataFrame({"rank": [1, 2, 2, 4]}, index=["a", "b", "c", "d"])
    >>> top_n(points, 2).index.tolist()
    ['a', 'b', 'c']
    """
    return points[points["rank"] <= n]


@dataclass(frozen=True)
class ListSizeSensitivity:
    """What :func:`list_size_sensitivity` returns.

    Attributes
    ----------
    ranks : pandas.DataFrame
        page_id × K (columns named ``list_size``): each page's final rank at each K.
    summary : pandas.DataFrame
        One row per K: ``top_n_size`` (pages with rank <= ``top``, ties included),
        ``overlap`` (pages in both this Top-N and the Top-N at K = ``reference``),
        ``overlap_share`` (overlap / size of the reference Top-N) and ``spearman_rho``
        (rank correlation of totals with the reference, all pages).
    """

    ranks: pd.DataFrame
    summary: pd.DataFrame


def list_size_sensitivity(
    metrics: pd.DataFrame,
    list_sizes: Sequence[int] = (10, 20, 30, 50, 100),
    *,
    top: int = 30,
    reference: int = 30,
    **kwargs: object,
) -> ListSizeSensitivity:
    """How the Top-N depends on the (unreported) list size K.

    Parameters
    ----------
    metrics : DataFrame
        One row per page with metric columns, as for :func:`gambit_points`.
    list_sizes : sequence of int, default (10, 20, 30, 50, 100)
        The list sizes K to try.
    top : int, default 30
        N of the Top-N.
    reference : int, default 30
        The K the others are compared with.
    **kwargs : object
        Passed on to :func:`gambit_points` (``top_points``, ``ascending``, ...).

    Returns
    -------
    ListSizeSensitivity
        ``ranks`` (page_id × K) and ``summary`` (one row per K).
    """
    sizes = sorted(set(int(k) for k in list_sizes) | {int(reference)})
    results = {k: gambit_points(metrics, list_size=k, **kwargs) for k in sizes}
    ids = results[reference].index
    ranks = pd.DataFrame({k: r["rank"].reindex(ids) for k, r in results.items()})
    ranks.columns.name = "list_size"
    ref_top = set(ids[ranks[reference] <= top])
    rows = []
    for k in sizes:
        this_top = set(ids[ranks[k] <= top])
        rho = (
            results[k]["total"]
            .reindex(ids)
            .rank()
            .corr(results[reference]["total"].reindex(ids).rank())
        )
        rows.append(
            {
                "list_size": k,
                "top_n_size": len(this_top),
                "overlap": len(this_top & ref_top),
                "overlap_share": len(this_top & ref_top) / len(ref_top) if ref_top else np.nan,
                "spearman_rho": float(rho),
            }
        )
    return ListSizeSensitivity(ranks=ranks, summary=pd.DataFrame(rows).set_index("list_size"))


@dataclass(frozen=True)
class Ranking:
    """What :func:`rank_dataset` returns.

    Attributes
    ----------
    metrics : pandas.DataFrame
        The metric table that was ranked (one row per page).
    points : pandas.DataFrame
        The :func:`gambit_points` result.
    source : str
        ``"page_table"`` (posts, page days and/or comments aggregated by
        :func:`kommunesm.metrics.page_table`) or ``"page_metrics"`` (a Socialbakers-style
        export ranked as given).
    """

    metrics: pd.DataFrame
    points: pd.DataFrame
    source: str


def rank_dataset(
    tables: Mapping[str, pd.DataFrame],
    *,
    list_size: int = 30,
    top_points: int = 5,
    min_followers: float | None = None,
    start: object = None,
    end: object = None,
    engagement: str = "daily",
) -> Ranking:
    """Gambit points for whatever a set of canonical tables provides.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Canonical table name → table (a :class:`kommunesm.io.dataset.Dataset`'s
        ``tables`` or :class:`kommunesm.io.ingest.IngestResult`'s ``tables``).
    list_size : int, default 30
    top_points : int, default 5
    min_followers : float, optional
        As for :func:`gambit_points`.
    start, end : object, optional
        Period for :func:`kommunesm.metrics.page_table` (inclusive days; default: the data).
    engagement : str, default 'daily'
        Engagement-rate variant ranked as metric 10 (``"daily"``, Socialbakers' — the
        default; ``"period"``; ``"per_post"``); see :func:`kommunesm.metrics.page_table`.
        A ``page_metrics`` export is ranked on its own ``engagement_rate`` column.

    Returns
    -------
    Ranking
        ``metrics`` (the metric table ranked), ``points`` (the :func:`gambit_points`
        result) and ``source``: ``"page_table"`` or ``"page_metrics"`` (a
        Socialbakers-style export, ranked as given only when there are no posts, page
        days or comments).

    Raises
    ------
    InputError
        If the tables hold nothing to rank.
    """
    from kommunesm.metrics import page_table

    def get(name: str) -> pd.DataFrame | None:
        frame = tables.get(name)
        return frame if frame is not None and len(frame) else None

    if any(get(t) is not None for t in ("posts", "page_days", "comments")):
        metrics = page_table(
            get("pages"),
            get("page_days"),
            get("posts"),
            get("comments"),
            start,
            end,
            engagement=engagement,
        )
        source = "page_table"
    elif get("page_metrics") is not None:
        metrics = get("page_metrics")
        source = "page_metrics"
    else:
        raise InputError(
            "nothing to rank: no posts, page days, comments or page metrics",
            file="input",
            expected="exports with posts, page-level insights, comments or Socialbakers "
            "page metrics",
        )
    points = gambit_points(
        metrics, list_size=list_size, top_points=top_points, min_followers=min_followers
    )
    return Ranking(metrics, points, source)


# --------------------------------------------------------------------------- uncertainty
def rank_uncertainty(
    *,
    pages: pd.DataFrame | None = None,
    page_days: pd.DataFrame | None = None,
    posts: pd.DataFrame | None = None,
    comments: pd.DataFrame | None = None,
    start: object = None,
    end: object = None,
    n_boot: int = 1000,
    seed: int = 2013,
    top: int = 30,
    list_size: int = 30,
    top_points: int = 5,
    ascending: Sequence[str] = ASCENDING_DEFAULT,
    min_followers: float | None = None,
    metrics_used: Iterable[str] | None = None,
    ci: float = 0.95,
    chunk: int = 100,
    engagement: str = "daily",
) -> pd.DataFrame:
    """Bootstrap uncertainty of the Gambit ranking.

    Each replicate draws a Poisson(1) weight for every post, page day and citizen
    question (the Poisson bootstrap: resampling with replacement within each page, with
    the page's number of posts free to vary, which matters because ``page_posts`` is a
    metric). The ten metrics are re-aggregated with those weights exactly as
    :func:`kommunesm.metrics.page_table` aggregates them (followers, a census at the
    period end, are kept fixed), and :func:`gambit_points`' rule is applied.

    Parameters
    ----------
    pages : DataFrame, optional
    page_days : DataFrame, optional
    posts : DataFrame, optional
    comments : DataFrame, optional
    start : object, optional
    end : object, optional
        As for :func:`kommunesm.metrics.page_table` (tables by keyword, in that order).
    n_boot : int, default 1000
        Replicates.
    seed : int, default 2013
        Seed of :func:`numpy.random.default_rng` (same seed → same result).
    top : int, default 30
        N of the Top-N whose membership probability is reported.
    list_size : int, default 30
    top_points : int, default 5
    ascending : sequence of str, default ('avg_response_time_minutes',)
    min_followers : float, optional
    metrics_used : iterable of str, optional
        As for :func:`gambit_points`.
    ci : float, default 0.95
        Coverage of the rank interval (percentile interval of the bootstrap ranks).
    chunk : int, default 100
        Replicates per vectorised batch (memory vs speed).
    engagement : str, default 'daily'
        Engagement-rate variant of metric 10, as for :func:`kommunesm.metrics.page_table`.

    Returns
    -------
    DataFrame
        Indexed by page_id, sorted by the point-estimate rank: ``rank`` and ``total``
        (:func:`gambit_points` on the data as observed), ``rank_median``, ``rank_low``,
        ``rank_high`` (the ``ci`` percentile interval of the bootstrap rank), ``p_top``
        (share of replicates with rank <= ``top``).

    Notes
    -----
    Poisson bootstrap: Hanley, J. A. & MacGibbon, B. (2006), *Computer Methods and
    Programs in Biomedicine* 83, 57–62. Method being assessed: Johnsen, Jørgensen & Aaneland
    (2013, s. 11).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Timestamp("2013-04-02 10:00", tz="Europe/Oslo")
    >>> posts = pd.DataFrame({"post_id": list("abcd"), "page_id": ["A", "A", "A", "B"],
    ...     "created_at": [t] * 4, "likes": [10, 12, 11, 3], "comments": [1, 0, 2, 0],
    ...     "shares": [0, 1, 0, 0]})
    >>> ru = rank_uncertainty(posts=posts, n_boot=200, seed=1, top=1, list_size=1)
    >>> ru.loc["A", "rank"], ru.loc["A", "p_top"] > 0.8
    (np.int64(1), np.True_)
    """
    _check_sizes(list_size, top_points)
    atoms = build_atoms(
        pages, page_days, posts, comments, start, end, engagement_variant=engagement
    )
    base = pd.DataFrame({k: v[:, 0] for k, v in gambit_arrays(atoms).items()}, index=atoms.ids)
    cols = _metric_columns(base, metrics_used)
    cols = [c for c in cols if base[c].notna().any()]
    point = gambit_points(
        base,
        list_size=list_size,
        top_points=top_points,
        ascending=ascending,
        min_followers=min_followers,
        metrics_used=cols or None,
    )
    n_pages = len(atoms.ids)
    rng = np.random.default_rng(seed)
    boot_ranks = np.empty((n_pages, n_boot))
    asc = tuple(ascending)
    eligible = np.ones(n_pages, dtype=bool)
    if min_followers is not None:
        eligible = atoms.followers >= min_followers
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        w_p = rng.poisson(1.0, size=(len(atoms.post_code), b)).astype("float64")
        w_d = rng.poisson(1.0, size=(len(atoms.day_code), b)).astype("float64")
        w_q = rng.poisson(1.0, size=(len(atoms.q_code), b)).astype("float64")
        arrays = gambit_arrays(atoms, w_p, w_d, w_q)
        total = np.zeros((n_pages, b), dtype="int64")
        for col in cols:
            vals = arrays[col]
            vals = np.where(eligible[:, None], vals, np.nan)
            r = pd.DataFrame(vals).rank(
                axis=0, method="min", ascending=col in asc, na_option="keep"
            )
            on, pts = _points_from_ranks(r.to_numpy(), list_size, top_points)
            total += on + pts
        boot_ranks[:, done : done + b] = (
            pd.DataFrame(total).rank(axis=0, method="min", ascending=False).to_numpy()
        )
        done += b
    alpha = (1 - ci) / 2
    out = pd.DataFrame(
        {
            "rank": point["rank"].reindex(atoms.ids).to_numpy(),
            "total": point["total"].reindex(atoms.ids).to_numpy(),
            "rank_median": np.median(boot_ranks, axis=1),
            "rank_low": np.quantile(boot_ranks, alpha, axis=1, method="inverted_cdf"),
            "rank_high": np.quantile(boot_ranks, 1 - alpha, axis=1, method="inverted_cdf"),
            "p_top": (boot_ranks <= top).mean(axis=1),
        },
        index=atoms.ids,
    )
    return out.reset_index().sort_values(["rank", "page_id"], kind="stable").set_index("page_id")


# --------------------------------------------------------------------------- NM i Facebook
#: category → (Norwegian label, metric column or ratio definition)
NM_CATEGORIES: dict[str, str] = {
    "likers": "Antall likere",
    "likers_per_inhabitant": "Andel likere (per innbygger)",
    "talking_about": "Antall snakker om",
    "talking_about_per_inhabitant": "Andel snakker om (per innbygger)",
    "growth_count": "Vekst likere (antall)",
    "growth_share": "Vekst likere (andel)",
}


def nm_facebook(
    metrics: pd.DataFrame,
    population: pd.Series | None = None,
    *,
    top: int = 20,
) -> pd.DataFrame:
    """I all offentlighet's "NM i Facebook" (2013): six categories with top-N lists.

    Parameters
    ----------
    metrics : DataFrame
        Indexed by page_id with ``followers`` and, where available,
        ``people_talking_about``, ``followers_growth`` and ``followers_growth_share``
        (as :func:`kommunesm.metrics.page_table` returns them).
    population : Series, optional
        Inhabitants per page_id (default: ``metrics["population"]``).
    top : int, default 20
        N of each list (NRK's 2013 article speaks of top-20 lists); ties at place N all
        included.

    Returns
    -------
    DataFrame
        Long format: category, category_no (Norwegian label), rank (descending, ties
        share the better rank), page_id, value. Categories whose inputs are missing are
        left out (those of :data:`NM_CATEGORIES` that do not occur).

    Notes
    -----
    Categories as listed in ``kommunesm/data/published/facts.csv`` (study ``ialloffentlighet``,
    table ``nm2013``, "categories"; NRK Trøndelag, April 2013). Per-inhabitant values
    are followers (or talking about) / population.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"followers": [4600, 950], "population": [54000, 17000]},
    ...                  index=pd.Index(["A", "B"], name="page_id"))
    >>> nm_facebook(m, top=1)[["category", "page_id"]].values.tolist()
    [['likers', 'A'], ['likers_per_inhabitant', 'A']]
    """
    frame = _metric_frame(metrics)
    pop = population if population is not None else frame.get("population")
    if pop is not None:
        pop = pd.to_numeric(pd.Series(pop), errors="coerce").astype("float64")
        pop.index = pop.index.astype("str")
        pop = pop.reindex(frame.index)

    def col(name: str) -> pd.Series | None:
        if name not in frame.columns:
            return None
        s = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        return s if s.notna().any() else None

    def per(x: pd.Series | None) -> pd.Series | None:
        if x is None or pop is None or not pop.notna().any():
            return None
        return x / pop.where(pop > 0)

    values = {
        "likers": col("followers"),
        "likers_per_inhabitant": per(col("followers")),
        "talking_about": col("people_talking_about"),
        "talking_about_per_inhabitant": per(col("people_talking_about")),
        "growth_count": col("followers_growth"),
        "growth_share": col("followers_growth_share"),
    }
    parts = []
    for cat, v in values.items():
        if v is None or not v.notna().any():
            continue
        r = v.rank(method="min", ascending=False, na_option="keep")
        keep = r <= top
        parts.append(
            pd.DataFrame(
                {
                    "category": cat,
                    "category_no": NM_CATEGORIES[cat],
                    "rank": r[keep].astype("int64").to_numpy(),
                    "page_id": v.index[keep].to_numpy(),
                    "value": v[keep].to_numpy(),
                }
            ).sort_values(["rank", "page_id"], kind="stable")
        )
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["category", "category_no", "rank", "page_id", "value"])
    )
    return out


# --------------------------------------------------------------------------- presentation
#: Column headers of the report's Top-30 table (Johnsen, Jørgensen & Aaneland 2013, s. 11), Norwegian.
REPORT_HEADERS = {
    "rank": "#",
    "name": "Side",
    "list_occurrences": "Antall forekomster på topplistene",
    "top5_points": "Topp 5-plasseringer (poeng 1–5)",
    "total": "Sum",
}


def top_table(
    points: pd.DataFrame, pages: pd.DataFrame | None = None, top: int = 30
) -> pd.DataFrame:
    """The Top-N in the report's layout: rank, page_id, name, list_occurrences,
    top5_points, total (ties at place N included). Names come from ``pages.name`` (the
    page id where missing); rename with :data:`REPORT_HEADERS` for display.

    Parameters
    ----------
    points : DataFrame
        A :func:`gambit_points` result.
    pages : DataFrame, optional
        Canonical ``pages`` (for ``name``).
    top : int, default 30
        N of the Top-N.

    Returns
    -------
    DataFrame
        The Top-N rows with the columns described above.
    """
    best = top_n(points, top).reset_index()
    names = pd.Series(dtype="str")
    if pages is not None and len(pages) and "name" in pages.columns:
        names = pages.drop_duplicates("page_id").set_index(
            pages.drop_duplicates("page_id")["page_id"].astype("str")
        )["name"]
    best["name"] = best["page_id"].map(names).fillna(best["page_id"])
    return best[["rank", "page_id", "name", "list_occurrences", "top5_points", "total"]]


def beside_published(
    computed: pd.DataFrame, published: pd.DataFrame, *, synthetic: bool
) -> pd.DataFrame:
    """The published Top-30 order beside a computed one, row by row.

    Parameters
    ----------
    computed : DataFrame
        :func:`top_table` output.
    published : DataFrame
        ``kommunesm.io.published.load("gambit2013_top30")`` (listed_position, kommune,
        source, locator).
    synthetic : bool
        The computed table comes from the synthetic demo panel: its column header says
        "synthetic, method only" (its pages are pseudonyms and correspond to no
        municipality of the published list).

    Returns
    -------
    DataFrame
        One row per place 1..max(len): ``plass``, the published municipality with its
        source, and the computed page with its rank and points.
    """
    pub = published.sort_values("listed_position", key=lambda s: pd.to_numeric(s))
    n = max(len(pub), len(computed))
    label = (
        "Beregnet her (syntetiske demodata, kun metode / synthetic, method only)"
        if synthetic
        else "Beregnet her (data gitt / computed from the data given)"
    )
    out = pd.DataFrame({"plass": np.arange(1, n + 1)})
    out["Publisert Topp 30 (Johnsen, Jørgensen & Aaneland 2013)"] = pd.Series(
        pub["kommune"].to_numpy()
    ).reindex(range(n))
    out[label] = pd.Series(computed["name"].to_numpy()).reindex(range(n))
    out["beregnet plass"] = pd.Series(computed["rank"].to_numpy()).reindex(range(n)).astype("Int64")
    out["beregnet sum"] = pd.Series(computed["total"].to_numpy()).reindex(range(n)).astype("Int64")
    for col in out.columns[1:3]:
        out[col] = out[col].fillna("")
    return out.set_index("plass")


def describe_uncertainty(
    ru: pd.DataFrame, *, top: int, n_boot: int, sure: float = 0.9, unsure: float = 0.5
) -> str:
    """A sentence on how certain the Top-N of :func:`rank_uncertainty` is.

    Parameters
    ----------
    ru : DataFrame
        A :func:`rank_uncertainty` result.
    top, n_boot : int
        The ``top`` and ``n_boot`` it was computed with.
    sure : float, default 0.9
        Pages with a Top-N probability at least this high count as sure.
    unsure : float, default 0.5
        Pages below this probability (but in the Top-N) count as unsure.

    Returns
    -------
    str
        The sentence.
    """
    inside = ru[ru["rank"] <= top]
    certain = int((inside["p_top"] >= sure).sum())
    shaky = int((inside["p_top"] < unsure).sum())
    outside = ru[ru["rank"] > top]
    contenders = int((outside["p_top"] >= 0.2).sum())
    width = (inside["rank_high"] - inside["rank_low"]).median() if len(inside) else np.nan
    return (
        f"Of the {len(inside)} pages in the computed Top-{top}, {certain} are in the Top-{top} "
        f"in at least {narrate.percent(sure, 0, 'en')} of {n_boot} bootstrap resamples and "
        f"{shaky} in fewer than {narrate.percent(unsure, 0, 'en')}; {contenders} pages outside "
        f"it reach the Top-{top} in at least 20% of "
        f"the resamples. The median width of the 95 % rank interval of a Top-{top} page is "
        f"{width:.0f} places."
    )


def compare_rankings(
    table: pd.DataFrame, columns: Sequence[str], *, top: int = 30, ascending: Sequence[str] = ()
) -> pd.DataFrame:
    """How much page rankings differ between metrics (e.g. engagement-rate variants).

    Columns without any value are left out.

    Parameters
    ----------
    table : DataFrame
        One row per page (e.g. a :func:`kommunesm.metrics.page_table`).
    columns : sequence of str
        The metric columns whose rankings are compared pairwise.
    top : int, default 30
        N of the Top-N overlap.
    ascending : sequence of str, default ()
        Columns where smaller is better.

    Returns
    -------
    DataFrame
        One row per pair of columns: a, b, n (pages with both values), spearman_rho,
        top_overlap (pages in both Top-N / N), median_abs_rank_change and
        max_abs_rank_change (places, ranks by "min" with ties sharing the better rank).
    """
    columns = [c for c in columns if c in table.columns and table[c].notna().any()]
    ranks = pd.DataFrame(
        {c: table[c].rank(method="min", ascending=c in ascending) for c in columns}
    )
    rows = []
    for i, a in enumerate(columns):
        for b in columns[i + 1 :]:
            both = ranks[[a, b]].dropna()
            diff = (both[a] - both[b]).abs()
            top_a = set(both.index[both[a] <= top])
            top_b = set(both.index[both[b] <= top])
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "n": len(both),
                    "spearman_rho": float(both[a].corr(both[b])) if len(both) > 2 else np.nan,
                    "top_overlap": len(top_a & top_b) / top if top else np.nan,
                    "median_abs_rank_change": float(diff.median()) if len(diff) else np.nan,
                    "max_abs_rank_change": float(diff.max()) if len(diff) else np.nan,
                }
            )
    return pd.DataFrame(rows)


def engagement_variant_ranks(
    table: pd.DataFrame,
    *,
    variants: Sequence[str] = ("daily", "period", "per_post"),
    reference: str = "daily",
    top: int = 30,
    list_size: int = 30,
    top_points: int = 5,
    min_followers: float | None = None,
) -> pd.DataFrame:
    """The Gambit Top-N under each engagement-rate variant, and how far each page moves.

    Parameters
    ----------
    table : DataFrame
        A :func:`kommunesm.metrics.page_table` (it holds every variant:
        ``engagement_rate_daily``, ``engagement_rate_period``,
        ``engagement_rate_per_post``).
    variants : sequence of str, optional
        Variants to rank under (keys of
        :data:`kommunesm.metrics.columns.ENGAGEMENT_VARIANTS`).
    reference : str, default 'daily'
        The variant places are counted from (default ``"daily"``, Socialbakers' and the
        ranking's default).
    top : int, default 30
    list_size : int, default 30
    top_points : int, default 5
    min_followers : float, optional
        As for :func:`gambit_points`.

    Returns
    -------
    DataFrame
        One row per page that is in the Top-``top`` under at least one variant, indexed by
        page_id, sorted by the reference rank: ``rank_<variant>`` and ``total_<variant>``
        for each variant, and ``moved_<variant>`` for each non-reference variant = rank
        under the reference − rank under that variant (positive: the page moves *up*
        that many places under the variant; 0: same place). The reference's ``rank_``
        column comes first and is the one without a ``moved_`` column.

    Notes
    -----
    Only metric 10 differs between the columns; the other nine metrics and the points
    rule (Johnsen, Jørgensen & Aaneland 2013, s. 11) are the same.

    Examples
    --------
    >>> import pandas as pd
    >>> tab = pd.DataFrame({"followers": [300.0, 200.0, 100.0],
    ...     "engagement_rate_daily": [1.0, 3.0, 2.0], "engagement_rate_period": [9.0, 1.0, 2.0],
    ...     "engagement_rate_per_post": [1.0, 2.0, 3.0]},
    ...     index=pd.Index(["A", "B", "C"], name="page_id"))
    >>> ev = engagement_variant_ranks(tab, top=3, list_size=3, top_points=3)
    >>> ev[["rank_daily", "rank_period", "moved_period"]].to_dict("index")  # by hand
    {'B': {'rank_daily': 1, 'rank_period': 2, 'moved_period': -1}, \
'A': {'rank_daily': 2, 'rank_period': 1, 'moved_period': 1}, \
'C': {'rank_daily': 3, 'rank_period': 2, 'moved_period': 1}}
    """
    unknown = [v for v in (*variants, reference) if v not in ENGAGEMENT_VARIANTS]
    if unknown:
        raise ValueError(
            f"unknown engagement variant(s) {unknown}; use {', '.join(ENGAGEMENT_VARIANTS)}"
        )
    frame = _metric_frame(table, "page table")
    variants = [reference, *[v for v in variants if v != reference]]
    missing = [ENGAGEMENT_VARIANTS[v] for v in variants if ENGAGEMENT_VARIANTS[v] not in frame]
    if missing:
        raise InputError(
            f"the page table has no column {missing[0]}",
            file="page table",
            column=missing[0],
            expected="a kommunesm.metrics.page_table (it holds every engagement variant)",
        )
    used = [c for c in GAMBIT_METRICS if c in frame.columns and c != "engagement_rate"]
    cols: dict[str, pd.Series] = {}
    for v in variants:
        m = frame[used].assign(engagement_rate=frame[ENGAGEMENT_VARIANTS[v]])
        pts = gambit_points(
            m, list_size=list_size, top_points=top_points, min_followers=min_followers
        )
        cols[f"rank_{v}"] = pts["rank"]
        cols[f"total_{v}"] = pts["total"]
    out = pd.DataFrame(cols).reindex(frame.index)
    for v in variants[1:]:
        out[f"moved_{v}"] = out[f"rank_{reference}"] - out[f"rank_{v}"]
    in_top = np.zeros(len(out), dtype=bool)
    for v in variants:
        in_top |= (out[f"rank_{v}"] <= top).to_numpy()
    out = out.loc[in_top].astype("int64")
    out = (
        out.reset_index()
        .sort_values([f"rank_{reference}", "page_id"], kind="stable")
        .set_index("page_id")
    )
    return out


def describe_engagement_variants(ev: pd.DataFrame, *, top: int) -> str:
    """Sentences on :func:`engagement_variant_ranks`: for each other variant, how many of
    the reference Top-N stay in it and how far pages move.

    Parameters
    ----------
    ev : DataFrame
        A :func:`engagement_variant_ranks` result.
    top : int
        The ``top`` it was computed with.

    Returns
    -------
    str
        The sentences.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"rank_daily": [1, 2, 3], "rank_period": [2, 1, 9],
    ...     "moved_period": [-1, 1, -6]}, index=pd.Index(list("abc"), name="page_id"))
    >>> describe_engagement_variants(ev, top=3)  # doctest: +NORMALIZE_WHITESPACE
    'Under the period variant 2 of the 3 pages in the Top-3 by the daily variant stay in
    the Top-3; a page moves a median of 1 places (at most 6).'
    """
    variants = [c.removeprefix("rank_") for c in ev.columns if c.startswith("rank_")]
    ref = next(v for v in variants if f"moved_{v}" not in ev.columns)
    in_ref = ev[f"rank_{ref}"] <= top
    parts = []
    for v in variants:
        if v == ref:
            continue
        stay = int((in_ref & (ev[f"rank_{v}"] <= top)).sum())
        moved = ev[f"moved_{v}"].abs()
        parts.append(
            f"Under the {v.replace('_', ' ')} variant {stay} of the {int(in_ref.sum())} pages "
            f"in the Top-{top} by the {ref} variant stay in the Top-{top}; a page moves a "
            f"median of {moved.median():.0f} places (at most {moved.max():.0f})."
        )
    return " ".join(parts)


def describe_rank_changes(cmp: pd.DataFrame, *, top: int = 30) -> str:
    """Sentences summarising :func:`compare_rankings` (one per pair).

    Parameters
    ----------
    cmp : DataFrame
        A :func:`compare_rankings` result.
    top : int, default 30
        N of the Top-N it was computed with.

    Returns
    -------
    str
        One sentence per pair of columns.
    """
    parts = []
    for r in cmp.itertuples():
        parts.append(
            f"{r.a} vs {r.b}: Spearman ρ of the rankings {r.spearman_rho:.2f}, "
            f"{narrate.percent(r.top_overlap, 0, 'en')} of the Top-{top} shared, a page moves a "
            "median of "
            f"{r.median_abs_rank_change:.0f} places (at most {r.max_abs_rank_change:.0f})."
        )
    return " ".join(parts)


def describe_sensitivity(summary: pd.DataFrame, *, top: int = 30, reference: int = 30) -> str:
    """A sentence on :func:`list_size_sensitivity`'s summary.

    Parameters
    ----------
    summary : DataFrame
        The ``summary`` of :func:`list_size_sensitivity`.
    top : int, default 30
        N of the Top-N.
    reference : int, default 30
        The list size the others are compared with.

    Returns
    -------
    str
        The sentence.
    """
    others = summary.drop(index=reference, errors="ignore")
    if not len(others):
        return "Only one list size was tried."
    worst = others["overlap_share"].idxmin()
    return (
        f"Changing the list size from K = {reference} to any of "
        f"{', '.join(str(k) for k in others.index)} keeps between "
        f"{narrate.percent(others['overlap_share'].min(), 0, 'en')} and "
        f"{narrate.percent(others['overlap_share'].max(), 0, 'en')} of the "
        f"Top-{top} (least at K = {worst}); the rank correlation of the point totals with "
        f"K = {reference} ranges from {others['spearman_rho'].min():.2f} to "
        f"{others['spearman_rho'].max():.2f}."
    )


def nm_wide(nm: pd.DataFrame, names: pd.Series | None = None, *, digits: int = 3) -> pd.DataFrame:
    """:func:`nm_facebook` as one column per category ("name (value)"), one row per list
    position; ties share a rank and fill consecutive rows.

    Parameters
    ----------
    nm : DataFrame
        A :func:`nm_facebook` result (long format).
    names : Series, optional
        Display names by page_id (default: the page ids).
    digits : int, default 3
        Significant digits of the values shown.

    Returns
    -------
    DataFrame
        One row per list position, one column per category.
    """
    frame = nm.copy()
    label = frame["page_id"].map(names) if names is not None else frame["page_id"]
    label = label.fillna(frame["page_id"])
    value = frame["value"].map(
        lambda v: f"{v:,.0f}".replace(",", " ") if abs(v) >= 100 else f"{v:.{digits}g}"
    )
    frame["cell"] = label.astype("str") + " (" + value + ")"
    frame["row"] = frame.groupby("category").cumcount() + 1
    wide = frame.pivot(index="row", columns="category_no", values="cell")
    order = [NM_CATEGORIES[c] for c in NM_CATEGORIES if NM_CATEGORIES[c] in wide.columns]
    return wide[order].fillna("")

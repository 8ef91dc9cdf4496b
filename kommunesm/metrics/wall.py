"""Citizens' own posts on a page wall ("visitor posts") and whether the wall is open.

A Facebook page could let people post on its wall ("visitor posts"; Graph API
``/{page-id}/visitor_posts``, and the ``feed`` edge mixes them with the page's posts). In
the canonical ``posts`` table such a post has ``author_kind`` = ``"visitor"`` and a
pseudonymised ``author_id``; the page's own posts have ``author_kind`` = ``"page"`` (a
missing ``author_kind`` means the page's own post: exports of a page's posts carry no
others).

Why it matters:

* Socialbakers' "questions answered" and response time — Gambit's metrics 4 and 6 — were
  computed on fans' questions posted on the wall, and H2 speaks of "spørsmål og
  **innlegg** fra innbyggerne" (Johnsen, Jørgensen & Aaneland 2013, s. 10 and s. 13);
  :mod:`kommunesm.metrics.response` counts them.
* KS Veikart's ambition levels hinge on whether a municipality "har sperret for at
  brukere skal kunne skrive egne saker på Facebook-vegg" (the *avventende* level) or lets
  citizens "selv … initiere saker direkte på Facebook-vegger" (the *inviterende* level),
  and one of its goals is "Flest mulig som selv initierer nye samtaletråder inn til
  kommunen" (Langva, Meling & Wessel-Aas 2012, s. 11 and s. 16): :func:`citizen_threads`
  measures it, :func:`open_wall` says whose walls are open.
* Participation ladders count visitor-post authors as *creators*
  (:func:`kommunesm.participation.facebook_activity`).

Gambit's page-level metrics (page posts, likes, comments, shares, interactions,
engagement rate, posts per week) count the page's own posts only (metric 5: "Antall
innlegg fra siden er antall innlegg kommunen har lagt ut").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "AUTHOR_KINDS",
    "OPEN_WALL_COLUMNS",
    "citizen_threads",
    "is_visitor_post",
    "open_wall",
    "page_posts",
    "visitor_posts",
]

#: Values of ``posts.author_kind``.
AUTHOR_KINDS = ("page", "visitor")
#: Columns of :func:`open_wall`.
OPEN_WALL_COLUMNS = ["open_wall", "open_wall_basis", "visitor_posts_seen"]


def is_visitor_post(posts: pd.DataFrame) -> pd.Series:
    """True for citizens' wall posts (``author_kind`` = ``"visitor"``, case-insensitive).

    Parameters
    ----------
    posts : DataFrame
        Canonical ``posts``; without an ``author_kind`` column every post is the page's.

    Returns
    -------
    Series of bool
        One value per post (same index).

    Examples
    --------
    >>> import pandas as pd
    >>> is_visitor_post(pd.DataFrame({"author_kind": ["page", "Visitor", None]})).tolist()
    [False, True, False]
    """
    if "author_kind" not in posts.columns:
        return pd.Series(False, index=posts.index, name="is_visitor_post")
    kind = posts["author_kind"].astype("str").str.strip().str.casefold()
    return kind.eq("visitor").fillna(False).astype(bool).rename("is_visitor_post")


def page_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """The page's own posts (everything that is not a visitor post).

    Parameters
    ----------
    posts : DataFrame
        Canonical ``posts``.

    Returns
    -------
    DataFrame
        The rows of ``posts`` that are not visitor posts.
    """
    return posts.loc[~is_visitor_post(posts)]


def visitor_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """Citizens' wall posts only.

    Parameters
    ----------
    posts : DataFrame
        Canonical ``posts``.

    Returns
    -------
    DataFrame
        The rows of ``posts`` whose ``author_kind`` is ``"visitor"``.
    """
    return posts.loc[is_visitor_post(posts)]


def open_wall(pages: pd.DataFrame | None, posts: pd.DataFrame | None) -> pd.DataFrame:
    """Whether citizens can post on each page's wall: declared, else observed.

    Parameters
    ----------
    pages : DataFrame
        Canonical pages; a non-missing ``open_wall`` is a *declared* value (from the
        page's settings, the municipality, or a coder looking at the page).
    posts : DataFrame
        Canonical posts (any period): a page with at least one visitor post is
        *observed* open.

    Returns
    -------
    DataFrame
        Indexed by page_id (pages and posts' pages): ``open_wall`` (nullable boolean),
        ``open_wall_basis`` (``"declared"``, ``"observed"`` or missing) and
        ``visitor_posts_seen`` (count). A declared value wins over the data. A page
        without visitor posts is *unknown*, not closed: nobody may have posted, or the
        export may not include visitor posts.

    Notes
    -----
    Langva, Meling & Wessel-Aas (2012, ``ksveikart2012``), s. 11.

    Examples
    --------
    >>> import pandas as pd
    >>> pages = pd.DataFrame({"page_id": ["A", "B", "C"], "open_wall": [None, False, None]})
    >>> posts = pd.DataFrame({"page_id": ["A", "B", "C"],
    ...                       "author_kind": ["visitor", "visitor", "page"]})
    >>> ow = open_wall(pages, posts)
    >>> ow["open_wall"].tolist(), ow["open_wall_basis"].tolist()
    ([True, False, <NA>], ['observed', 'declared', nan])
    """
    ids = []
    for frame in (pages, posts):
        if frame is not None and len(frame) and "page_id" in frame.columns:
            ids.append(frame["page_id"].astype("str"))
    index = pd.Index(
        pd.concat(ids).unique() if ids else [], dtype="str", name="page_id"
    ).sort_values()
    seen = pd.Series(0, index=index, dtype="int64")
    if posts is not None and len(posts) and "page_id" in posts.columns:
        vis = is_visitor_post(posts)
        counts = vis.groupby(posts["page_id"].astype("str")).sum()
        seen = counts.reindex(index, fill_value=0).astype("int64")
    declared = pd.Series(pd.NA, index=index, dtype="boolean")
    if pages is not None and len(pages) and "open_wall" in pages.columns:
        d = pages.set_index(pages["page_id"].astype("str"))["open_wall"]
        d = d[~d.index.duplicated()].astype("boolean")
        declared = d.reindex(index).astype("boolean")
    observed = pd.Series(np.where(seen > 0, True, pd.NA), index=index).astype("boolean")
    value = declared.fillna(observed)
    basis = pd.Series(
        np.where(declared.notna(), "declared", np.where(seen > 0, "observed", None)),
        index=index,
        dtype="str",
    )
    return pd.DataFrame({"open_wall": value, "open_wall_basis": basis, "visitor_posts_seen": seen})[
        OPEN_WALL_COLUMNS
    ]


def citizen_threads(posts: pd.DataFrame, page_ids: pd.Index | None = None) -> pd.DataFrame:
    """KS Veikart's "citizen-initiated threads" per page.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts of the period (visitor posts carry ``author_id``).
    page_ids : Index, optional
        Pages to report even without visitor posts (0).

    Returns
    -------
    DataFrame
        Indexed by page_id: ``citizen_threads`` (visitor posts: conversation threads a
        citizen started on the page wall) and ``citizen_thread_starters`` (distinct
        pseudonymised authors of them). Comments under the page's own posts are replies,
        not threads a citizen initiated, and are not counted.

    Notes
    -----
    "Flest mulig som selv initierer nye samtaletråder inn til kommunen", Langva, Meling &
    Wessel-Aas (2012, ``ksveikart2012``), s. 16.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({"page_id": ["A", "A", "A", "B"],
    ...     "author_kind": ["visitor", "visitor", "page", "page"],
    ...     "author_id": ["u1", "u1", None, None]})
    >>> citizen_threads(posts).to_dict("index")
    {'A': {'citizen_threads': 2, 'citizen_thread_starters': 1}, \
'B': {'citizen_threads': 0, 'citizen_thread_starters': 0}}
    """
    pid = posts["page_id"].astype("str") if len(posts) else pd.Series([], dtype="str")
    index = pd.Index(pid.unique(), dtype="str")
    if page_ids is not None:
        index = index.union(pd.Index(page_ids, dtype="str"))
    index = index.sort_values().rename("page_id")
    vis = is_visitor_post(posts) if len(posts) else pd.Series([], dtype=bool)
    threads = vis.groupby(pid).sum() if len(posts) else pd.Series([], dtype="int64")
    if len(posts) and "author_id" in posts.columns:
        starters = posts.loc[vis, "author_id"].groupby(pid[vis]).nunique()
    else:
        starters = pd.Series([], dtype="int64")
    return pd.DataFrame(
        {
            "citizen_threads": threads.reindex(index, fill_value=0).astype("int64"),
            "citizen_thread_starters": starters.reindex(index, fill_value=0).astype("int64"),
        },
        index=index,
    )

"""Cross-platform metrics: one municipality on Facebook, Instagram, X, TikTok and YouTube.

The 2013 studies measured Facebook pages only. Municipalities today run accounts on
several platforms, and each platform counts "followers", "likes" and "views" its own
way. This module puts them side by side with the caveat of each metric named
(:data:`METRIC_CAVEATS`) and states which definitions differ from those of 2013
(:data:`DEFINITION_CHANGES`). All functions are pure and vectorised (grouped pandas
operations, no loops over rows).

Definitions
-----------
* **Engagement per 1,000 followers** (:func:`platform_engagement`): interactions per
  post (likes or all reactions + comments + shares) divided by the account's followers
  × 1000 — Bonsón, Royo & Ratkai's (2015) E = P3 + C3 + V3 with likes, comments and
  shares per post per 1,000 followers. Followers are the last value in ``page_days``
  in the period, else the largest ``followers_at_posting`` of the account's posts.
  Retweets (``type == "retweet"``) are left out: their public metrics are the original
  post's; so are citizens' posts on a page's wall (``author_kind == "visitor"``). Per municipality (:func:`municipality_engagement`) the accounts of one
  municipality are pooled: all interactions / all posts / all followers × 1000, and the
  platforms are listed.
* **Reactions by type** (:func:`reactions_by_type`): sums and shares of the
  ``reactions_<type>`` columns where the source gives them (Meta Content Library,
  CrowdTangle); platforms without typed reactions are absent, not zero.
* **Video views** (:func:`video_views`): posts with a view count; total, median per
  video and per 1,000 followers. Views are counted differently on each platform
  (:data:`METRIC_CAVEATS`) and are never compared across platforms as if equal.
* **Response rate per platform** (:func:`response_by_platform`): citizen questions
  and the share answered by the account (:func:`kommunesm.metrics.response.response_times`
  decides what a question and an answer are), per platform.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kommunesm import narrate
from kommunesm.metrics import wall
from kommunesm.narrate import N_
from kommunesm.narrate import gettext as _

__all__ = [
    "BASIS_NAMES",
    "DEFINITION_CHANGES",
    "METRIC_CAVEATS",
    "PLATFORM_NAMES",
    "REACTION_TYPES",
    "account_followers",
    "compare_platforms",
    "describe_conclusion",
    "describe_definitions",
    "describe_platform_pairs",
    "describe_response",
    "municipality_engagement",
    "municipality_table",
    "platform_engagement",
    "reaction_summary",
    "reactions_by_type",
    "response_by_platform",
    "video_summary",
    "video_views",
]

#: How each platform (the canonical ``platform`` value) is named for a reader.
PLATFORM_NAMES = {
    "facebook": N_("Facebook"),
    "instagram": N_("Instagram"),
    "twitter": N_("X (Twitter)"),
    "tiktok": N_("TikTok"),
    "youtube": N_("YouTube"),
}

#: Reaction types of Facebook (2016 →; "care" since 2020), in the canonical columns
#: ``reactions_<type>``.
REACTION_TYPES = ("like", "love", "care", "haha", "wow", "sad", "angry")

#: What each metric means on each platform (bokmål), with its source: the caveat shown
#: beside every cross-platform table.
METRIC_CAVEATS = pd.DataFrame(
    [
        (
            "facebook",
            N_("følgere"),
            N_(
                "Sidefølgere (page_follows) i dag; i 2013 «liker siden» (page_fans). Meta fjernet page_fans 15.11.2025."
            ),
            "Meta: Deprecated Page Insights Metrics",
        ),
        (
            "facebook",
            N_("reaksjoner"),
            N_(
                "Alle reaksjoner (liker, elsker, omsorg, haha, wow, trist, sint) fra 2016; i 2013 bare «liker»."
            ),
            "Meta Content Library data dictionary",
        ),
        (
            "facebook",
            N_("visninger"),
            N_(
                "«Views» (page_media_view) erstattet «impressions» 15.11.2025; gjentatte visninger telles."
            ),
            "Meta for Developers (2025-08-15)",
        ),
        (
            "instagram",
            N_("følgere"),
            N_("Følgere av den profesjonelle kontoen (followers_count)."),
            "Instagram Graph API, IG User",
        ),
        (
            "instagram",
            N_("reaksjoner"),
            N_("Bare «liker»; skjulte likerklikk telles ikke i API-et."),
            "Instagram Graph API, IG Media",
        ),
        (
            "instagram",
            N_("visninger"),
            N_(
                "«Views» (fra 21.4.2025) teller alle avspillinger og visninger; før det «impressions»/«plays»."
            ),
            "Instagram Platform changelog",
        ),
        (
            "twitter",
            N_("følgere"),
            N_("Følgere av kontoen (public_metrics.followers_count)."),
            "X API v2, User object",
        ),
        (
            "twitter",
            N_("reaksjoner"),
            N_("Bare «liker»; delinger = reposts (retweets), sitater telles for seg."),
            "X API v2, Tweet public_metrics",
        ),
        (
            "twitter",
            N_("visninger"),
            N_("impression_count: ganger innlegget ble vist (fra 2022)."),
            "X API v2, Tweet public_metrics",
        ),
        (
            "tiktok",
            N_("følgere"),
            N_("Følgere av kontoen (follower_count)."),
            "TikTok Research API, user info",
        ),
        ("tiktok", N_("reaksjoner"), N_("Bare «liker» (hjerter)."), "TikTok Research API codebook"),
        (
            "tiktok",
            N_("visninger"),
            N_("view_count teller hver avspilling, uten minste sett tid."),
            "TikTok Research API codebook",
        ),
        (
            "youtube",
            N_("følgere"),
            N_("Abonnenter (subscriberCount, avrundet til tre gjeldende sifre)."),
            "YouTube Data API, channels",
        ),
        (
            "youtube",
            N_("reaksjoner"),
            N_("Bare «liker» (antall misliker er skjult siden 2021)."),
            "YouTube Data API, videos",
        ),
        (
            "youtube",
            N_("visninger"),
            N_("viewCount: avspillinger YouTube godkjenner som ekte."),
            "YouTube Data API, videos",
        ),
    ],
    columns=["platform", "metric", "caveat", "source"],
)

#: Metric definitions in the 2013 studies (Gambit H+K / Socialbakers, Facebook) versus
#: today's exports, with a flag: ``comparable`` is False where the numbers measure a
#: different thing and must not be set against each other without a caveat.
DEFINITION_CHANGES = pd.DataFrame(
    [
        (
            "followers",
            N_("Følgere"),
            N_("«Fans»: personer som liker siden (page_fans, Socialbakers «Number of fans»)"),
            N_("«Follows»: personer som følger siden (page_follows); liker ≠ følger"),
            False,
            N_("Meta: page_fans fjernet 15.11.2025 (alternativ page_follows)"),
        ),
        (
            "interactions",
            N_("Interaksjoner"),
            N_("Liker + kommentarer + delinger"),
            N_("Alle reaksjoner + kommentarer + delinger (reaksjoner fra 2016)"),
            False,
            N_("Gambit H+K (2013); Meta Content Library data dictionary"),
        ),
        (
            "likes",
            N_("Liker"),
            N_("«Liker» på innlegg"),
            N_("Reaksjonen «liker» (reactions_like); alle reaksjoner står i reactions"),
            True,
            N_("CrowdTangle / Meta Content Library: like_count"),
        ),
        (
            "comments",
            N_("Kommentarer"),
            N_("Kommentarer på sidens innlegg"),
            N_("Kommentarer på sidens innlegg (svar medregnet)"),
            True,
            N_("Meta Content Library: comment_count"),
        ),
        (
            "shares",
            N_("Delinger"),
            N_("Delinger av innlegg"),
            N_("Delinger av innlegg"),
            True,
            N_("Meta Content Library: share_count"),
        ),
        (
            "talking_about",
            N_("Snakker om dette"),
            N_("Unike personer som skapte en historie om siden siste 7 dager"),
            N_("Finnes ikke (page_content_activity fjernet 14.3.2024)"),
            False,
            N_("Meta: deprecated metrics, 14 March 2024"),
        ),
        (
            "reach",
            N_("Rekkevidde"),
            N_("Unike personer som så innhold fra siden (page_impressions_unique)"),
            N_("Seere (page_total_media_view_unique)"),
            False,
            N_("Meta: page_impressions_unique fjernet 15.6.2025"),
        ),
        (
            "impressions",
            N_("Visninger"),
            N_("Impressions: ganger innhold var på skjermen (page_impressions)"),
            N_("Views (page_media_view): avspillinger og visninger, gjentak telles"),
            False,
            N_("Meta for Developers (2025-08-15): impressions erstattes av views"),
        ),
        (
            "engagement_rate",
            N_("Engasjementsrate"),
            N_("Interaksjoner / fans × 100 (Socialbakers, daglig variant)"),
            N_("Interaksjoner / følgere × 100 (samme formel, andre tellere)"),
            False,
            N_("Gambit H+K (2013); arver endringene i følgere og interaksjoner"),
        ),
        (
            "response_time",
            N_("Responstid"),
            N_("Minutter fra spørsmål i kommentar til sidens svar"),
            N_("Samme regel (kommunesm.metrics.response), også på andre plattformer"),
            True,
            N_("Gambit H+K (2013); kommunesm.metrics.response"),
        ),
    ],
    columns=["metric", "label", "definition_2013", "definition_today", "comparable", "source"],
)


def _platform(posts: pd.DataFrame, pages: pd.DataFrame | None) -> pd.Series:
    """Platform of each post: its own column, else its page's, else ``facebook``."""
    own = posts["platform"] if "platform" in posts.columns else pd.Series(pd.NA, index=posts.index)
    own = own.astype("object").where(own.notna(), None)
    if pages is not None and len(pages) and "platform" in pages.columns:
        by_page = pages.drop_duplicates("page_id").set_index("page_id")["platform"]
        own = own.fillna(posts["page_id"].map(by_page))
    return own.fillna("facebook").astype("str")


def _own_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """The accounts' own posts: citizens' wall posts (:func:`kommunesm.metrics.wall.page_posts`)
    and retweets (their public metrics are the original post's) left out."""
    own = wall.page_posts(posts)
    if "type" in own.columns:
        own = own[own["type"].astype("str").fillna("") != "retweet"]
    return own


def account_followers(posts: pd.DataFrame, page_days: pd.DataFrame | None = None) -> pd.Series:
    """Followers per account (``page_id``): the last ``page_days`` value, else the
    largest ``followers_at_posting``; missing when neither is known.

    Parameters
    ----------
    posts : DataFrame
        Canonical ``posts`` of any platform.
    page_days : DataFrame, optional
        Canonical ``page_days`` with daily ``followers``.

    Returns
    -------
    Series of float
        Followers indexed by ``page_id``.
    """
    out = pd.Series(dtype="Float64", name="followers")
    if page_days is not None and len(page_days) and "followers" in page_days.columns:
        days = page_days.dropna(subset=["followers"]).sort_values(["page_id", "date"])
        out = days.groupby("page_id")["followers"].last().astype("Float64")
    if "followers_at_posting" in posts.columns:
        at_posting = posts.groupby("page_id")["followers_at_posting"].max().astype("Float64")
        out = out.combine_first(at_posting)
    return out.rename("followers")


def _interactions(posts: pd.DataFrame) -> pd.Series:
    likes = posts["reactions"] if "reactions" in posts.columns else None
    base = posts["likes"].astype("Float64")
    if likes is not None:
        base = likes.astype("Float64").fillna(base)
    return (
        base.fillna(0)
        + posts["comments"].astype("Float64").fillna(0)
        + posts["shares"].astype("Float64").fillna(0)
    )


def platform_engagement(
    posts: pd.DataFrame,
    page_days: pd.DataFrame | None = None,
    pages: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Engagement per 1,000 followers per account and platform.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts (``page_id``, ``likes``, ``comments``, ``shares``; ``reactions``,
        ``platform``, ``followers_at_posting``, ``type`` where present).
    page_days : DataFrame, optional
        Canonical page days, for followers.
    pages : DataFrame, optional
        Canonical pages, for the municipality (``kommunenummer_2024``) and platform.

    Returns
    -------
    DataFrame
        One row per account: ``page_id``, ``platform``, ``kommunenummer_2024``,
        ``posts``, ``interactions``, ``interactions_per_post``, ``followers``,
        ``engagement_per_1000`` (Bonsón et al. 2015, E), ``likes_per_post``,
        ``comments_per_post``, ``shares_per_post``.
    """
    frame = _own_posts(posts.assign(platform=_platform(posts, pages)))
    frame = frame.assign(
        _inter=_interactions(frame),
        _likes=frame["likes"].astype("Float64"),
        _comments=frame["comments"].astype("Float64"),
        _shares=frame["shares"].astype("Float64"),
    )
    grouped = frame.groupby(["page_id", "platform"], sort=True)
    table = grouped.agg(
        posts=("page_id", "size"),
        interactions=("_inter", "sum"),
        likes_per_post=("_likes", "mean"),
        comments_per_post=("_comments", "mean"),
        shares_per_post=("_shares", "mean"),
    ).reset_index()
    table["interactions_per_post"] = table["interactions"] / table["posts"]
    followers = account_followers(posts, page_days)
    table["followers"] = table["page_id"].map(followers).astype("Float64")
    ok = table["followers"] > 0
    table["engagement_per_1000"] = (
        (table["interactions_per_post"] / table["followers"] * 1000).where(ok).astype("Float64")
    )
    table["kommunenummer_2024"] = _kommune(table["page_id"], pages)
    cols = [
        "page_id",
        "platform",
        "kommunenummer_2024",
        "posts",
        "interactions",
        "interactions_per_post",
        "followers",
        "engagement_per_1000",
        "likes_per_post",
        "comments_per_post",
        "shares_per_post",
    ]
    return table[cols]


def _kommune(page_id: pd.Series, pages: pd.DataFrame | None) -> pd.Series:
    if pages is None or not len(pages) or "kommunenummer_2024" not in pages.columns:
        return pd.Series(pd.NA, index=page_id.index, dtype="str")
    by_page = pages.drop_duplicates("page_id").set_index("page_id")["kommunenummer_2024"]
    return page_id.map(by_page).astype("str")


def municipality_engagement(table: pd.DataFrame) -> pd.DataFrame:
    """Pool the accounts of each municipality (output of :func:`platform_engagement`).

    Returns one row per ``kommunenummer_2024`` with ``platforms`` (sorted, ``+``-joined),
    ``n_platforms``, ``posts``, ``interactions``, ``followers`` (sum over accounts with
    known followers) and ``engagement_per_1000`` = interactions / posts / followers ×
    1000 over accounts whose followers are known.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`platform_engagement` (one row per account).

    Returns
    -------
    DataFrame
        One row per ``kommunenummer_2024`` with the columns described above.
    """
    known = table.dropna(subset=["kommunenummer_2024"])
    known = known[known["kommunenummer_2024"].astype("str") != "nan"]
    with_f = known[known["followers"].notna() & (known["followers"] > 0)]
    pooled = with_f.groupby("kommunenummer_2024").agg(
        posts_f=("posts", "sum"), inter_f=("interactions", "sum"), followers=("followers", "sum")
    )
    out = known.groupby("kommunenummer_2024").agg(
        platforms=("platform", lambda s: "+".join(sorted(set(s)))),
        n_platforms=("platform", "nunique"),
        posts=("posts", "sum"),
        interactions=("interactions", "sum"),
    )
    out = out.join(pooled, how="left")
    out["engagement_per_1000"] = (out["inter_f"] / out["posts_f"] / out["followers"] * 1000).astype(
        "Float64"
    )
    return out.drop(columns=["posts_f", "inter_f"]).reset_index()


def reactions_by_type(posts: pd.DataFrame, pages: pd.DataFrame | None = None) -> pd.DataFrame:
    """Reactions by type per account where the source gives them (long format).

    Returns ``page_id``, ``platform``, ``reaction``, ``count`` and ``share`` (of the
    account's typed reactions). Accounts without any typed reaction are left out.

    Parameters
    ----------
    posts : DataFrame
        Canonical ``posts`` with ``reactions_*`` columns where the platform gives them.
    pages : DataFrame, optional
        Canonical ``pages``, for each account's ``platform``.

    Returns
    -------
    DataFrame
        Long format: ``page_id``, ``platform``, ``reaction``, ``count``, ``share``.
    """
    cols = [f"reactions_{t}" for t in REACTION_TYPES if f"reactions_{t}" in posts.columns]
    empty = pd.DataFrame(columns=["page_id", "platform", "reaction", "count", "share"])
    if not cols:
        return empty
    frame = posts.assign(platform=_platform(posts, pages))
    frame = frame[frame[cols].notna().any(axis=1)]
    if not len(frame):
        return empty
    sums = frame.groupby(["page_id", "platform"])[cols].sum(min_count=1)
    long = sums.stack(future_stack=True).rename("count").reset_index()
    long = long.rename(columns={"level_2": "reaction"})
    long["reaction"] = long["reaction"].str.removeprefix("reactions_")
    long["count"] = long["count"].astype("Float64")
    total = long.groupby(["page_id", "platform"])["count"].transform("sum")
    long["share"] = (long["count"] / total).where(total > 0).astype("Float64")
    return long[["page_id", "platform", "reaction", "count", "share"]]


def video_views(
    posts: pd.DataFrame,
    page_days: pd.DataFrame | None = None,
    pages: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Video views per account: ``videos`` (posts with a view count), ``views``,
    ``median_views``, ``views_per_1000_followers`` (median views per video / followers
    × 1000). Views are the platform's own count (see :data:`METRIC_CAVEATS`).

    Parameters
    ----------
    posts : DataFrame
        Canonical ``posts`` with ``views`` where the platform gives them.
    page_days : DataFrame, optional
        Canonical ``page_days``, for followers (see :func:`account_followers`).
    pages : DataFrame, optional
        Canonical ``pages``, for each account's ``platform``.

    Returns
    -------
    DataFrame
        One row per account with ``videos``, ``views``, ``median_views`` and
        ``views_per_1000_followers``.
    """
    if "views" not in posts.columns:
        return pd.DataFrame(
            columns=[
                "page_id",
                "platform",
                "videos",
                "views",
                "median_views",
                "followers",
                "views_per_1000_followers",
            ]
        )
    frame = _own_posts(posts.assign(platform=_platform(posts, pages)))
    frame = frame[frame["views"].notna()].assign(_views=lambda f: f["views"].astype("float64"))
    table = (
        frame.groupby(["page_id", "platform"])
        .agg(videos=("_views", "size"), views=("_views", "sum"), median_views=("_views", "median"))
        .reset_index()
    )
    table["followers"] = table["page_id"].map(account_followers(posts, page_days)).astype("Float64")
    table["views_per_1000_followers"] = (
        (table["median_views"] / table["followers"] * 1000)
        .where(table["followers"] > 0)
        .astype("Float64")
    )
    return table


def response_by_platform(
    times: pd.DataFrame, pages: pd.DataFrame | None = None, comments: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Questions and answers per platform from :func:`kommunesm.metrics.response.response_times`.

    Parameters
    ----------
    times : DataFrame
        One row per citizen question (``comment_id``, ``page_id``, ``answered``,
        ``response_minutes``).
    pages, comments : DataFrame, optional
        Where the platform of each question comes from: the comment's ``platform``,
        else its page's, else ``facebook``.

    Returns
    -------
    DataFrame
        ``platform``, ``accounts``, ``questions``, ``answered``, ``response_rate``
        (answered / questions) and ``median_response_minutes``.
    """
    frame = times.copy()
    plat = pd.Series(pd.NA, index=frame.index, dtype="object")
    if comments is not None and "platform" in comments.columns:
        by_comment = comments.drop_duplicates("comment_id").set_index("comment_id")["platform"]
        plat = frame["comment_id"].map(by_comment).astype("object")
    frame["platform"] = plat
    frame["platform"] = _platform(frame, pages)
    answered_minutes = frame["response_minutes"].where(frame["answered"].astype(bool))
    frame = frame.assign(_answered=frame["answered"].astype(bool), _minutes=answered_minutes)
    out = (
        frame.groupby("platform")
        .agg(
            accounts=("page_id", "nunique"),
            questions=("comment_id", "size"),
            answered=("_answered", "sum"),
            median_response_minutes=("_minutes", "median"),
        )
        .reset_index()
    )
    out["response_rate"] = out["answered"] / out["questions"].where(out["questions"] > 0)
    out["median_response_minutes"] = out["median_response_minutes"].astype("float64")
    cols = ["platform", "accounts", "questions", "answered", "response_rate"]
    return (
        out[cols + ["median_response_minutes"]]
        .sort_values("platform", kind="stable")
        .reset_index(drop=True)
        .assign(answered=lambda f: f["answered"].astype(np.int64))
    )


def platform_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per platform: accounts, posts, median followers and median / quartiles of
    engagement per 1,000 followers (input: :func:`platform_engagement`)."""
    grouped = table.groupby("platform")
    out = grouped.agg(
        accounts=("page_id", "nunique"),
        posts=("posts", "sum"),
        median_followers=("followers", "median"),
        median_engagement_per_1000=("engagement_per_1000", "median"),
        q1_engagement_per_1000=("engagement_per_1000", lambda s: s.quantile(0.25)),
        q3_engagement_per_1000=("engagement_per_1000", lambda s: s.quantile(0.75)),
    ).reset_index()
    for col in out.columns[3:]:
        out[col] = out[col].astype("float64")
    return out


def compare_per_municipality(
    table: pd.DataFrame, metric: str = "engagement_per_1000"
) -> pd.DataFrame:
    """One row per municipality with accounts on two or more platforms, one column per
    platform holding ``metric`` (input: :func:`platform_engagement`). A municipality
    with two accounts on one platform gets their mean."""
    known = table[table["kommunenummer_2024"].notna()]
    known = known[known["kommunenummer_2024"].astype("str") != "nan"]
    wide = known.pivot_table(
        index="kommunenummer_2024", columns="platform", values=metric, aggfunc="mean"
    )
    wide = wide[wide.notna().sum(axis=1) >= 2]
    wide.columns.name = None
    return wide.reset_index()


#: First and last year of each generation of Meta's Page Insights definitions, used when
#: the data do not say (``page_days.metric_basis``): through 2022 every Page had likes
#: ("fans") and impressions; from 2026 only follows and views exist; 2023-2025 are mixed
#: (New Pages Experience, deprecations of 2024-2025).
LEGACY_UNTIL, CURRENT_FROM = 2022, 2026

#: How each generation of Meta's definitions (``basis_then`` / ``basis_now`` of
#: :func:`then_and_now`) is named for a reader.
BASIS_NAMES = {
    "legacy": N_("gamle (fans, impressions)"),
    "current": N_("nye (follows, views)"),
    "mixed": N_("blandet (overgangsårene 2023–2025)"),
}


def _basis(year: int, page_days: pd.DataFrame | None) -> str:
    if page_days is not None and len(page_days) and "metric_basis" in page_days.columns:
        rows = page_days[page_days["date"].dt.year == year]["metric_basis"].dropna()
        if len(rows):
            values = set(rows.astype("str"))
            return values.pop() if len(values) == 1 else "mixed"
    if year <= LEGACY_UNTIL:
        return "legacy"
    if year >= CURRENT_FROM:
        return "current"
    return "mixed"


def then_and_now(
    panel: pd.DataFrame,
    then: int,
    now: int,
    *,
    page_days: pd.DataFrame | None = None,
    platform: str = "facebook",
) -> pd.DataFrame:
    """Medians of the panel's metrics in two years, with each definition change flagged.

    Parameters
    ----------
    panel
        :func:`kommunesm.panel.page_years`.
    then, now
        The two years (e.g. 2013 and the latest year).
    page_days
        For the Meta metric generation each year's data follow (``metric_basis``); when
        absent, the generation is inferred from the year (:data:`LEGACY_UNTIL`,
        :data:`CURRENT_FROM`).
    platform
        Platform compared (the 2013 studies measured Facebook).

    Returns
    -------
    DataFrame
        ``metric``, ``label``, ``value_then``, ``value_now``, ``basis_then``,
        ``basis_now``, ``comparable`` (False when the definition changed between the two
        years' metric generations, :data:`DEFINITION_CHANGES`), ``definition_then``,
        ``definition_now`` and ``source``.
    """
    rows = panel[panel["platform"] == platform]
    metrics = {
        "followers": "followers",
        "interactions": "interactions_per_post",
        "engagement_rate": "engagement_per_1000",
        "response_time": "median_response_minutes",
    }
    basis_then, basis_now = _basis(then, page_days), _basis(now, page_days)
    same = basis_then == basis_now and basis_then != "mixed"
    changes = DEFINITION_CHANGES.set_index("metric")
    records = []
    for metric, column in metrics.items():
        values = {
            y: pd.to_numeric(rows.loc[rows["year"] == y, column], errors="coerce").median()
            for y in (then, now)
        }
        change = changes.loc[metric]
        comparable = bool(change["comparable"]) or same
        records.append(
            {
                "metric": metric,
                "label": change["label"],
                "column": column,
                "value_then": values[then],
                "value_now": values[now],
                "basis_then": basis_then,
                "basis_now": basis_now,
                "comparable": comparable,
                "definition_then": change["definition_2013"]
                if basis_then == "legacy"
                else change["definition_today"],
                "definition_now": change["definition_today"]
                if basis_now != "legacy"
                else change["definition_2013"],
                "source": change["source"],
            }
        )
    return pd.DataFrame(records)


def _name(platform: str, lang: str | None = None) -> str:
    return _(PLATFORM_NAMES.get(platform, platform), lang=lang)


def municipality_table(table: pd.DataFrame) -> pd.DataFrame:
    """Municipalities with accounts on two or more platforms: engagement per 1,000
    followers on each platform (:func:`compare_per_municipality`) beside all accounts
    pooled (:func:`municipality_engagement`).

    Parameters
    ----------
    table : DataFrame
        The output of :func:`platform_engagement`.

    Returns
    -------
    DataFrame
        ``kommunenummer_2024``, one column per platform and the pooled
        ``engagement_per_1000``.
    """
    side_by_side = compare_per_municipality(table)
    pooled = municipality_engagement(table)
    return side_by_side.merge(
        pooled[["kommunenummer_2024", "engagement_per_1000"]],
        on="kommunenummer_2024",
        how="left",
    )


def compare_platforms(
    table: pd.DataFrame,
    *,
    base: str = "facebook",
    min_pairs: int = 5,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Each other platform against ``base`` within the same municipalities: the median
    ratio of engagement per 1,000 followers (other / base) with a bootstrap 95 % CI and
    Wilcoxon's signed-rank p (:func:`kommunesm.stats.paired_ratio`).

    Comparing within municipalities holds the municipality constant (its size, its
    communication office); what remains still mixes the platform with how each platform
    counts followers and interactions (:data:`METRIC_CAVEATS`).

    Parameters
    ----------
    table : DataFrame
        The output of :func:`platform_engagement`.
    base : str, default "facebook"
        The platform the others are compared with.
    min_pairs : int, default 5
        Platforms sharing fewer municipalities with ``base`` are left out.
    n_boot, seed : int
        Bootstrap resamples and seed of the interval.

    Returns
    -------
    DataFrame
        One row per platform compared: ``platform_a`` (the base), ``platform_b``, ``n``
        (municipalities), ``median_a``, ``median_b``, ``ratio``, ``ci_low``,
        ``ci_high``, ``p_value``; empty when no platform qualifies.
    """
    from kommunesm import stats

    wide = compare_per_municipality(table)
    cols = ["platform_a", "platform_b", "n", "median_a", "median_b", "ratio", "ci_low", "ci_high"]
    rows = []
    if base in wide.columns:
        for other in [c for c in wide.columns if c not in ("kommunenummer_2024", base)]:
            res = stats.paired_ratio(wide[base], wide[other], n_boot=n_boot, seed=seed)
            if int(res["n"].iloc[0]) >= min_pairs:
                res = res.rename(columns={"median_x": "median_a", "median_y": "median_b"})
                rows.append(res.assign(platform_a=base, platform_b=other))
    if not rows:
        return pd.DataFrame(columns=[*cols, "p_value"])
    out = pd.concat(rows, ignore_index=True)
    return out[[*cols, "p_value"]].sort_values("n", ascending=False, kind="stable")


def describe_platform_pairs(pairs: pd.DataFrame, lang: str | None = None) -> str:
    """One sentence per row of :func:`compare_platforms`, in the report language; the
    verdict follows the interval (one that includes 1 never claims a difference).

    Parameters
    ----------
    pairs : DataFrame
        The output of :func:`compare_platforms`.
    lang : str, optional
        ``"nb"`` or ``"en"`` (default: the report language).

    Returns
    -------
    str
        The sentences; a sentence saying no municipality has two platforms when
        ``pairs`` is empty.

    Examples
    --------
    >>> pairs = pd.DataFrame([{"platform_a": "facebook", "platform_b": "instagram", "n": 70,
    ...     "median_a": 22.0, "median_b": 48.0, "ratio": 1.9, "ci_low": 0.9, "ci_high": 2.4,
    ...     "p_value": 0.2}])
    >>> describe_platform_pairs(pairs, lang="en").endswith("(the interval includes 1).")
    True
    """
    if not len(pairs):
        return _(
            "Ingen plattform deler nok kommuner med en annen til å sammenlignes innenfor samme kommune.",
            lang=lang,
        )
    sentences = []
    for r in pairs.itertuples(index=False):
        a, b = _name(r.platform_a, lang), _name(r.platform_b, lang)
        if r.ci_low > 1:
            verdict = _("engasjementet per følger er høyere på {b} enn på {a}", lang=lang, a=a, b=b)
        elif r.ci_high < 1:
            verdict = _("engasjementet per følger er lavere på {b} enn på {a}", lang=lang, a=a, b=b)
        else:
            verdict = _(
                "ingen påvist forskjell mellom plattformene (intervallet inkluderer 1)", lang=lang
            )
        sentences.append(
            _(
                "I de {n} kommunene med konto på både {a} og {b} har {b}-kontoen i median "
                "{ratio} ganger så mye engasjement per 1 000 følgere som {a}-kontoen "
                "(95 % KI {low} til {high}; {p}, Wilcoxon): {verdict}.",
                lang=lang,
                n=narrate.integer(r.n, lang=lang),
                a=a,
                b=b,
                ratio=narrate.number(r.ratio, 2, lang=lang),
                low=narrate.number(r.ci_low, 2, lang=lang),
                high=narrate.number(r.ci_high, 2, lang=lang),
                p=narrate.pvalue(r.p_value, lang=lang),
                verdict=verdict,
            )
        )
    return " ".join(sentences)


def describe_response(by_platform: pd.DataFrame, lang: str | None = None) -> str:
    """The share of citizen questions answered on each platform
    (:func:`response_by_platform`), as one sentence in the report language.

    Parameters
    ----------
    by_platform : DataFrame
        The output of :func:`response_by_platform`.
    lang : str, optional
        ``"nb"`` or ``"en"`` (default: the report language).

    Returns
    -------
    str
        The sentence.
    """
    shown = by_platform[by_platform["questions"] > 0]
    if not len(shown):
        return _("Ingen av kontoene fikk spørsmål fra innbyggere i perioden.", lang=lang)
    parts = [
        _(
            "{rate} av {questions} spørsmål på {platform}",
            lang=lang,
            rate=narrate.percent(r.response_rate, 0, lang=lang),
            questions=narrate.integer(r.questions, lang=lang),
            platform=_name(r.platform, lang),
        )
        for r in shown.itertuples(index=False)
    ]
    return _(
        "Kontoene svarte på {parts}.",
        lang=lang,
        parts=narrate.join(parts, lang=lang),
    )


def describe_definitions(
    compare: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
    lang: str | None = None,
) -> str:
    """What the 2013 definitions and today's have in common, as a sentence: how many of
    the metrics in :data:`DEFINITION_CHANGES` changed, and, for a :func:`then_and_now`
    table, whether its two years were measured alike.

    Parameters
    ----------
    compare : DataFrame, optional
        The output of :func:`then_and_now`.
    changes : DataFrame, optional
        Definitions (default :data:`DEFINITION_CHANGES`).
    lang : str, optional
        ``"nb"`` or ``"en"`` (default: the report language).

    Returns
    -------
    str
        The sentence(s).
    """
    changes = DEFINITION_CHANGES if changes is None else changes
    changed = changes[~changes["comparable"].astype(bool)]
    text = _(
        "{changed} av {total} måltall fra 2013 måles i dag med en annen definisjon ({names}); "
        "de kan ikke settes opp mot 2013-tallene uten forbehold.",
        lang=lang,
        changed=narrate.integer(len(changed), lang=lang),
        total=narrate.integer(len(changes), lang=lang),
        names=narrate.join([_(v, lang=lang).lower() for v in changed["label"]], lang=lang),
    )
    if compare is not None and len(compare):
        flagged = compare[~compare["comparable"].astype(bool)]
        if len(flagged):
            text += " " + _(
                "I sammenligningen av årene i dataene har {names} endret definisjon.",
                lang=lang,
                names=narrate.join([_(v, lang=lang).lower() for v in flagged["label"]], lang=lang),
            )
        else:
            text += " " + _(
                "Årene i dataene er målt med de samme definisjonene, så de kan sammenlignes.",
                lang=lang,
            )
    return text


def reaction_summary(reactions: pd.DataFrame) -> pd.DataFrame:
    """Reactions by type summed per platform, with each type's share of the platform's
    typed reactions (input: :func:`reactions_by_type`).

    Parameters
    ----------
    reactions : DataFrame
        The output of :func:`reactions_by_type`.

    Returns
    -------
    DataFrame
        ``platform``, ``reaction``, ``count``, ``share``.
    """
    out = reactions.groupby(["platform", "reaction"], as_index=False, sort=True)["count"].sum()
    total = out.groupby("platform")["count"].transform("sum")
    out["share"] = (out["count"] / total).where(total > 0).astype("Float64")
    return out


def video_summary(views: pd.DataFrame) -> pd.DataFrame:
    """Per platform: accounts with videos, videos, total views, the median account's
    median views per video and its views per 1,000 followers (input:
    :func:`video_views`).

    Parameters
    ----------
    views : DataFrame
        The output of :func:`video_views`.

    Returns
    -------
    DataFrame
        ``platform``, ``accounts``, ``videos``, ``views``, ``median_views``,
        ``views_per_1000_followers``.
    """
    out = views.groupby("platform", as_index=False, sort=True).agg(
        accounts=("page_id", "nunique"),
        videos=("videos", "sum"),
        views=("views", "sum"),
        median_views=("median_views", "median"),
        views_per_1000_followers=("views_per_1000_followers", "median"),
    )
    for col in ("median_views", "views_per_1000_followers"):
        out[col] = out[col].astype("float64")
    return out


def describe_conclusion(
    pairs: pd.DataFrame,
    by_platform: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
    lang: str | None = None,
) -> str:
    """The chapter's conclusion from its results: the within-municipality comparison
    (:func:`describe_platform_pairs`), the answers per platform
    (:func:`describe_response`) and how many 2013 definitions changed
    (:func:`describe_definitions`), with the caveat that platforms count differently.

    Parameters
    ----------
    pairs : DataFrame
        The output of :func:`compare_platforms`.
    by_platform : DataFrame, optional
        The output of :func:`response_by_platform` (left out when None).
    changes : DataFrame, optional
        Definitions (default :data:`DEFINITION_CHANGES`).
    lang : str, optional
        ``"nb"`` or ``"en"`` (default: the report language).

    Returns
    -------
    str
        The conclusion.
    """
    parts = [describe_platform_pairs(pairs, lang=lang)]
    if len(pairs):
        parts.append(
            _(
                "Forskjellen blander plattformen med hvordan hver plattform teller følgere og "
                "interaksjoner, så den sier ikke at én plattform er bedre.",
                lang=lang,
            )
        )
    if by_platform is not None:
        parts.append(describe_response(by_platform, lang=lang))
    parts.append(describe_definitions(None, changes, lang=lang))
    return " ".join(parts)

"""X (Twitter) accounts of municipalities: own posts, their public metrics, and replies.

The thesis' Twitter material (:mod:`kommunesm.io.twitter`) is a hashtag *community*.
A municipality's *account* is read here, into the same tables as its Facebook page:

:func:`read_timeline`
    X API v2 user-timeline responses (``GET /2/users/:id/tweets`` with
    ``tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,
    referenced_tweets,public_metrics``; one response, a list of responses or one page
    per line) into ``posts``: ``likes`` = ``like_count``, ``comments`` = ``reply_count``,
    ``shares`` = ``retweet_count``, ``impressions`` = ``impression_count``; quotes and
    bookmarks are kept as extra columns. ``type`` is ``tweet``, ``reply`` (to another
    account), ``thread`` (reply to itself), ``quote`` or ``retweet``: a retweet's
    ``public_metrics`` are those of the original post, so the cross-platform metrics
    leave retweets out (:mod:`kommunesm.metrics.platforms`).
:func:`read_conversation`
    Mentions / conversation responses (``GET /2/users/:id/mentions`` or a
    ``conversation_id:`` search) into ``comments``: one row per post in a conversation,
    ``post_id`` = the conversation's first post, ``parent_id`` = the post replied to,
    ``is_page_reply`` = written by the municipality's account. Citizens' user ids are
    pseudonymised here (:func:`kommunesm.io.privacy.pseudonymise` of ``"twitter:" +
    id``, the same pseudonym as :mod:`kommunesm.io.twitter` gives), their @handles in
    texts become pseudonyms, and ``includes.users`` (names, handles) is never kept.
:func:`read_analytics_csv`
    The tweet activity CSV of analytics.twitter.com ("Tweet id", "Tweet permalink",
    "time", "impressions", "engagements", "retweets", "replies", "likes" …) and its
    2024 successor (X analytics "Post id", "Post Link", "Reposts" …) into ``posts``.

Every id is prefixed ``twitter:`` so that a tweet id never collides with a Facebook id;
``platform`` is ``twitter`` (X). Field names are mapped by ``aliases/x_account.csv``,
which cites their sources.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from kommunesm.io import _jsonapi, privacy, tabular
from kommunesm.io._common import default_page_id, header_keys, shared_docs

__all__ = [
    "FORMAT",
    "read_analytics_csv",
    "read_conversation",
    "read_timeline",
    "sniff_conversation",
    "sniff_timeline",
]

FORMAT = "x_account"
PLATFORM = "twitter"
PREFIX = "twitter:"


def _tweets(value: Any) -> Iterable[dict]:
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        items = value["data"]
    elif isinstance(value, dict) and "id" in value and "text" in value:
        items = [value]
    else:
        items = []
    for item in items:
        if not isinstance(item, dict):
            continue
        item = dict(item)
        refs = item.pop("referenced_tweets", None) or []
        for ref in refs:
            if isinstance(ref, dict) and ref.get("type") and ref.get("id"):
                item[f"ref.{ref['type']}"] = str(ref["id"])
        for drop in ("entities", "attachments", "context_annotations", "edit_history_tweet_ids"):
            item.pop(drop, None)
        yield item


_TIMELINE_FIELDS = (
    "id",
    "author_id",
    "created_at",
    "text",
    "in_reply_to_user_id",
    "ref.replied_to",
    "ref.retweeted",
    "ref.quoted",
)


@shared_docs
def read_timeline(path: str | Path, *, account_id: str | None = None) -> tabular.LoadResult:
    """Read X API v2 user-timeline responses into the canonical ``posts`` table.

    Parameters
    ----------
    path : str or Path
        JSON or JSON lines.
    account_id : str, optional
        The account's user id, for responses without ``author_id`` (default: the
        file's stem).

    {load_result}
    """
    raw, bad, info = _jsonapi.read_items(path, _tweets, fields=_TIMELINE_FIELDS)
    fallback = account_id or default_page_id(path)

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        author = out["page_id"].fillna(fallback) if "page_id" in out.columns else fallback
        out["page_id"] = PREFIX + pd.Series(author, index=out.index).astype("str")
        out["post_id"] = PREFIX + out["post_id"].astype("str")
        reply_to = frame["in_reply_to_user_id"]
        own = pd.Series(author, index=out.index).astype("str")
        kind = pd.Series("tweet", index=out.index, dtype="str")
        kind = kind.mask(frame["ref.quoted"].notna(), "quote")
        kind = kind.mask(frame["ref.replied_to"].notna() & (reply_to == own), "thread")
        kind = kind.mask(frame["ref.replied_to"].notna() & (reply_to != own), "reply")
        kind = kind.mask(frame["ref.retweeted"].notna(), "retweet")
        out["type"] = kind
        out["platform"] = PLATFORM
        for col in ("ref.replied_to", "ref.retweeted", "ref.quoted"):
            out = out.drop(columns=col, errors="ignore")
        return out

    return _jsonapi.build(
        raw,
        bad,
        "posts",
        fmt=FORMAT,
        derive=derive,
        required_sources=("post_id", "created_at"),
        meta={"platform": PLATFORM, "variant": "x_api_v2_timeline", **info},
    )


@shared_docs
def read_conversation(
    path: str | Path, *, account_id: str | None = None, salt: str | None = None
) -> tabular.LoadResult:
    """Read X API v2 mentions / conversation responses into ``comments``.

    Parameters
    ----------
    path : str or Path
        JSON or JSON lines.
    account_id : str, optional
        The municipality's user id. Default: the user id most posts reply to
        (``in_reply_to_user_id``), which in a mentions timeline is the account itself;
        ``meta["account_from"]`` says which.
    salt : str, optional
        Salt for pseudonyms (default :func:`kommunesm.io.privacy.get_salt`).

    {load_result}
    """
    raw, bad, info = _jsonapi.read_items(
        path, _tweets, fields=_TIMELINE_FIELDS + ("conversation_id",)
    )
    salt = privacy.get_salt() if salt is None else salt
    frame = raw.frame
    if account_id is None:
        counts = frame["in_reply_to_user_id"].dropna().value_counts()
        account = str(counts.index[0]) if len(counts) else default_page_id(path)
        info["account_from"] = "most replied-to user id" if len(counts) else "file name"
    else:
        account = str(account_id)
        info["account_from"] = "parameter"

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        author = out["author_id"].astype("str")
        is_page = (author == account).fillna(False)
        out["is_page_reply"] = is_page.astype("boolean")
        pseud = privacy.pseudonymise(PREFIX + author, salt=salt)
        out["author_id"] = pseud.mask(is_page, "page:" + PREFIX + account)
        tabular.remember_persons(meta, author[~is_page], pseud[~is_page])
        out["comment_id"] = PREFIX + out["comment_id"].astype("str")
        conv = out["post_id"] if "post_id" in out.columns else frame["id"]
        out["post_id"] = PREFIX + conv.fillna(frame["id"]).astype("str")
        parent = PREFIX + frame["ref.replied_to"].astype("str")
        # a reply to the account's own post (the conversation's first post) is a
        # top-level comment; a reply to a citizen's post or reply hangs under it
        to_account = frame["in_reply_to_user_id"].astype("str") == account
        top_level = (parent == out["post_id"]) & to_account.fillna(False)
        out["parent_id"] = parent.where(frame["ref.replied_to"].notna() & ~top_level)
        out["page_id"] = PREFIX + account
        out["platform"] = PLATFORM
        if "message" in out.columns:
            out["message"] = privacy.scrub_mentions(out["message"], salt=salt)
        out = out.drop(columns=["in_reply_to_user_id"], errors="ignore")
        return out.drop(
            columns=[c for c in out.columns if c.startswith(("ref.", "public_metrics."))],
        )

    meta: dict = {"platform": PLATFORM, "variant": "x_api_v2_conversation", **info}
    return _jsonapi.build(
        raw,
        bad,
        "comments",
        fmt=FORMAT,
        derive=derive,
        required_sources=("comment_id", "created_at", "author_id"),
        meta=meta,
    )


@shared_docs
def read_analytics_csv(path: str | Path, *, account: str | None = None) -> tabular.LoadResult:
    """Read an X / Twitter analytics tweet-activity CSV into ``posts``.

    The account is taken from the permalinks (``twitter.com/<account>/status/<id>``),
    else ``account`` or the file's stem. Cells "-" (promoted metrics of organic
    tweets) are missing values.

    Parameters
    ----------
    path : str or Path
        The export file.
    account : str, optional
        Account (handle) for every row when the file does not give one.

    {load_result}
    """
    raw = tabular.read_raw(path, header_names=header_keys(FORMAT, "posts"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "posts"))
    frame = raw.frame.replace({"-": None})
    raw = dataclasses.replace(raw, frame=frame)
    fallback = account or default_page_id(path)

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        handle = pd.Series(fallback, index=out.index, dtype="str")
        if "permalink" in out.columns:
            found = (
                out["permalink"]
                .astype("str")
                .str.extract(r"(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})/status", expand=False)
            )
            handle = found.fillna(fallback)
        out["page_id"] = PREFIX + handle.str.lower()
        out["post_id"] = PREFIX + out["post_id"].astype("str")
        out["platform"] = PLATFORM
        return out

    return tabular.build_table(
        raw,
        "posts",
        mapping,
        fmt=FORMAT,
        tz="UTC",
        decimal=".",
        derive=derive,
        required_sources=("post_id", "created_at", "impressions"),
        meta={"platform": PLATFORM, "variant": "x_analytics_csv"},
    )


def _v2_tweets_head(path: Path) -> list[dict]:
    out = []
    for obj in _jsonapi.head_objects(path):
        if not isinstance(obj, dict) or "__twarc" in obj:
            continue  # twarc2 archives are read by kommunesm.io.twitter
        data = obj.get("data")
        if isinstance(data, list):
            out.extend(t for t in data[:20] if isinstance(t, dict))
    return out


def _is_v2(tweets: list[dict]) -> bool:
    return bool(tweets) and all(
        "id" in t and "text" in t and "public_metrics" in t and "user" not in t for t in tweets
    )


@shared_docs
def sniff_timeline(path: Path) -> bool:
    """A raw v2 response whose posts all have one author (a user timeline).

    {sniff}
    """
    tweets = _v2_tweets_head(path)
    if not _is_v2(tweets):
        return False
    authors = {t.get("author_id") for t in tweets}
    return len(authors) == 1


@shared_docs
def sniff_conversation(path: Path) -> bool:
    """A raw v2 response with several authors and ``conversation_id`` (mentions).

    {sniff}
    """
    tweets = _v2_tweets_head(path)
    if not _is_v2(tweets):
        return False
    authors = {t.get("author_id") for t in tweets}
    return len(authors) > 1 and all("conversation_id" in t for t in tweets)

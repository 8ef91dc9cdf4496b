"""YouTube channels of municipalities: videos, comments and the Studio export.

:func:`read_videos`
    YouTube Data API v3 ``videos.list`` responses (``{"kind":
    "youtube#videoListResponse", "items": [...]}``; one response, a list or one per
    line) into ``posts``: ``snippet.publishedAt``, ``snippet.channelId`` (the page),
    ``snippet.title`` (the message), ``statistics.viewCount``/``likeCount``/
    ``commentCount`` (strings in the API). The Data API gives no share count.
:func:`read_comment_threads`
    ``commentThreads.list`` responses (``part=snippet,replies``) into ``comments``: one
    row per top-level comment and per reply in ``replies.comments``. ``is_page_reply``
    is True when the author's channel is the channel the thread belongs to
    (``snippet.channelId``). Authors' channel ids are pseudonymised here; display
    names, profile image and channel URLs are never kept, and display names found in
    texts are replaced by the pseudonyms (:func:`kommunesm.io.privacy.scrub_names`).
    Replies beyond those the API embeds need ``comments.list``; ``meta`` reports how
    many threads had more replies than embedded (``totalReplyCount``).
:func:`read_studio_csv`
    YouTube Studio's "Table data.csv" (Analytics > Advanced mode > Export current view):
    "Content" (video id), "Video title", "Video publish time" (``Sep 22, 2026``),
    "Views", "Watch time (hours)", "Subscribers", "Impressions" and, when ticked,
    "Likes", "Comments added", "Shares". Its first data row, "Total", is not a video: it
    is listed in ``skipped``.

Names are mapped by ``aliases/youtube.csv`` (with the documentation cited there); ids are
prefixed ``youtube:``, ``platform`` is ``youtube``. YouTube's views count a play that
is not the uploader's own and passes YouTube's validation; likes are the only reaction.
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
    "read_comment_threads",
    "read_studio_csv",
    "read_videos",
    "sniff_comment_threads",
    "sniff_videos",
]

FORMAT = "youtube"
PLATFORM = "youtube"
PREFIX = "youtube:"


def _items(value: Any, kind: str) -> list[dict]:
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        items = value["items"]
    elif isinstance(value, dict) and value.get("kind") == kind:
        items = [value]
    elif isinstance(value, list):
        items = value
    else:
        items = []
    return [i for i in items if isinstance(i, dict)]


def _videos(value: Any) -> Iterable[dict]:
    return _items(value, "youtube#video")


_VIDEO_FIELDS = ("id", "snippet.publishedAt", "snippet.channelId", "snippet.title")


@shared_docs
def read_videos(path: str | Path, *, channel_id: str | None = None) -> tabular.LoadResult:
    """Read YouTube Data API ``videos.list`` responses into ``posts``.

    Parameters
    ----------
    path : str or Path
        The export file.
    channel_id : str, optional
        Channel id for every row when the file does not give one.

    {load_result}
    """
    raw, bad, info = _jsonapi.read_items(path, _videos, fields=_VIDEO_FIELDS)
    fallback = channel_id or default_page_id(path)

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        out["page_id"] = PREFIX + out["page_id"].fillna(fallback).astype("str")
        out["post_id"] = PREFIX + out["post_id"].astype("str")
        out["platform"] = PLATFORM
        out["type"] = "video"
        return out.drop(columns=[c for c in out.columns if c.startswith("snippet.thumbnails")])

    return _jsonapi.build(
        raw,
        bad,
        "posts",
        fmt=FORMAT,
        derive=derive,
        required_sources=("post_id", "created_at"),
        meta={"platform": PLATFORM, "variant": "data_api_videos", **info},
    )


def _comments(value: Any) -> Iterable[dict]:
    for thread in _items(value, "youtube#commentThread"):
        snippet = thread.get("snippet") or {}
        channel = snippet.get("channelId")
        video = snippet.get("videoId")
        top = snippet.get("topLevelComment") or {}
        replies = (thread.get("replies") or {}).get("comments") or []
        embedded = len(replies)
        for comment, is_top in [(top, True)] + [(r, False) for r in replies]:
            if not isinstance(comment, dict):
                continue
            row = dict(comment.get("snippet") or {})
            row["id"] = comment.get("id")
            row["videoId"] = row.get("videoId") or video
            row["_thread_channel"] = channel
            row["_total_replies"] = snippet.get("totalReplyCount") if is_top else None
            row["_embedded_replies"] = embedded if is_top else None
            for drop in ("authorProfileImageUrl", "authorChannelUrl", "viewerRating", "canRate"):
                row.pop(drop, None)
            yield row


_COMMENT_FIELDS = (
    "id",
    "videoId",
    "parentId",
    "publishedAt",
    "authorChannelId.value",
    "authorDisplayName",
    "_thread_channel",
    "_total_replies",
    "_embedded_replies",
)


@shared_docs
def read_comment_threads(path: str | Path, *, salt: str | None = None) -> tabular.LoadResult:
    """Read YouTube Data API ``commentThreads.list`` responses into ``comments``.

    Parameters
    ----------
    path : str or Path
        The export file.
    salt : str, optional
        Key of the pseudonyms (default: :func:`kommunesm.io.privacy.get_salt`).

    {load_result}
    """
    raw, bad, info = _jsonapi.read_items(path, _comments, fields=_COMMENT_FIELDS)
    frame = raw.frame
    total = pd.to_numeric(frame["_total_replies"], errors="coerce")
    embedded = pd.to_numeric(frame["_embedded_replies"], errors="coerce")
    info["threads_with_replies_not_embedded"] = int((total > embedded).sum())
    salt = privacy.get_salt() if salt is None else salt

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        channel = frame["_thread_channel"].astype("str")
        author = out["author_id"].astype("str") if "author_id" in out.columns else None
        if author is None:
            author = out["author_name"].astype("str")
        is_page = (author == channel).fillna(False)
        out["is_page_reply"] = is_page.astype("boolean")
        pseud = privacy.pseudonymise(PREFIX + author, salt=salt)
        out["author_id"] = pseud.mask(is_page, "page:" + PREFIX + channel)
        tabular.remember_persons(meta, author[~is_page], pseud[~is_page])
        if "author_name" in out.columns:
            names = out["author_name"].astype("str")
            tabular.remember_persons(meta, names[~is_page], pseud[~is_page])
            if "message" in out.columns:
                out["message"] = privacy.scrub_names(
                    out["message"], names[~is_page], pseud[~is_page]
                )
            out = out.drop(columns="author_name")
        out["comment_id"] = PREFIX + out["comment_id"].astype("str")
        out["post_id"] = PREFIX + out["post_id"].astype("str")
        if "parent_id" in out.columns:
            out["parent_id"] = (PREFIX + out["parent_id"].astype("str")).where(
                out["parent_id"].notna()
            )
        out["page_id"] = PREFIX + channel
        out["platform"] = PLATFORM
        return out.drop(
            columns=[c for c in out.columns if c.startswith("_") or c.startswith("authorChannel")],
        )

    meta: dict = {"platform": PLATFORM, "variant": "data_api_comment_threads", **info}
    return _jsonapi.build(
        raw,
        bad,
        "comments",
        fmt=FORMAT,
        derive=derive,
        required_sources=("comment_id", "post_id", "created_at", ("author_id", "author_name")),
        meta=meta,
    )


@shared_docs
def read_studio_csv(path: str | Path, *, channel: str | None = None) -> tabular.LoadResult:
    """Read a YouTube Studio analytics export ("Table data.csv") into ``posts``.

    The channel is not named in the file: ``channel`` (default: the parent folder's
    name when the file is called "Table data.csv", else the file's stem).

    Parameters
    ----------
    path : str or Path
        The export file.
    channel : str, optional
        Channel for every row when the file does not give one.

    {load_result}
    """
    path = Path(path)
    raw = tabular.read_raw(path, header_names=header_keys(FORMAT, "posts"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "posts"))
    frame = raw.frame
    first = mapping.get("post_id")
    total = (
        frame[first].astype("str").str.strip().str.casefold().eq("total").fillna(False)
        if first
        else pd.Series(False, index=frame.index)
    )
    skipped = raw.skipped
    if total.any():
        skipped = pd.concat(
            [
                skipped,
                tabular.skipped_frame(
                    {"source_row": int(r), "reason": "the 'Total' row of the export (not a video)"}
                    for r in raw.rows[total]
                ),
            ],
            ignore_index=True,
        )
        frame = frame[~total].reset_index(drop=True)
    when = mapping.get("created_at")
    if when:
        parsed = pd.to_datetime(frame[when], format="%b %d, %Y", errors="coerce")
        frame = frame.copy()
        frame[when] = parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), frame[when])
        frame[when] = frame[when].astype("str")
    raw = dataclasses.replace(
        raw, frame=frame, rows=raw.rows[~total].reset_index(drop=True), skipped=skipped
    )
    if channel is None:
        channel = (
            default_page_id(path.parent.name)
            if path.stem.casefold() == "table data"
            else default_page_id(path)
        )

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        out["page_id"] = PREFIX + channel
        out["post_id"] = PREFIX + out["post_id"].astype("str")
        out["platform"] = PLATFORM
        out["type"] = "video"
        if "created_at" not in out.columns:
            out["created_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us, UTC]")
        return out

    result = tabular.build_table(
        raw,
        "posts",
        mapping,
        fmt=FORMAT,
        tz="Europe/Oslo",
        dayfirst=False,
        decimal=".",
        derive=derive,
        required_sources=("post_id", "views"),
        meta={"platform": PLATFORM, "variant": "studio_csv", "rows_total": int(total.sum())},
    )
    return result


def _head_kinds(path: Path) -> set[str]:
    kinds: set[str] = set()
    for obj in _jsonapi.head_objects(path):
        if isinstance(obj, dict):
            kinds.add(str(obj.get("kind", "")))
            for item in (obj.get("items") or [])[:3]:
                if isinstance(item, dict):
                    kinds.add(str(item.get("kind", "")))
    return kinds


@shared_docs
def sniff_videos(path: Path) -> bool:
    """True for Data API ``videos.list`` responses.

    {sniff}
    """
    kinds = _head_kinds(path)
    return "youtube#videoListResponse" in kinds or "youtube#video" in kinds


@shared_docs
def sniff_comment_threads(path: Path) -> bool:
    """True for Data API ``commentThreads.list`` responses.

    {sniff}
    """
    kinds = _head_kinds(path)
    return "youtube#commentThreadListResponse" in kinds or "youtube#commentThread" in kinds

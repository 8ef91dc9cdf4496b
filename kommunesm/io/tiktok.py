"""TikTok videos from the Research API (video query) into ``posts``.

The Research API's ``/v2/research/video/query/`` returns ``{"data": {"videos": [...],
"cursor": …, "has_more": …, "search_id": …}, "error": {"code": "ok", …}}``; collectors
save one response per file or one response per line. Each video has ``id``,
``create_time`` (Unix seconds, UTC), ``username`` (the creator: for a municipality's
account, the account), ``video_description``, ``view_count``, ``like_count``,
``comment_count``, ``share_count`` and, when asked for, ``favorites_count``,
``hashtag_names``, ``video_duration``. Field names are mapped by
``aliases/tiktok.csv`` (with the TikTok documentation they come from). A response with
``error.code`` other than ``ok`` is listed in ``LoadResult.skipped`` with its message.

``views`` is TikTok's view count, which counts every play (no minimum watch time): it is
not comparable with YouTube's or Meta's views (see
:data:`kommunesm.metrics.platforms.METRIC_CAVEATS`). TikTok gives likes, not reactions
by type. Research API results cover public accounts of creators aged 18+; a
municipality's account is such an account.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from kommunesm.io import _jsonapi, tabular
from kommunesm.io._common import default_page_id, shared_docs

__all__ = ["FORMAT", "read_videos", "sniff_videos"]

FORMAT = "tiktok"
PLATFORM = "tiktok"
PREFIX = "tiktok:"


def _videos(value: Any) -> Iterable[dict]:
    if isinstance(value, dict) and isinstance(value.get("data"), dict):
        videos = value["data"].get("videos") or []
    elif isinstance(value, dict) and "videos" in value:
        videos = value.get("videos") or []
    elif isinstance(value, list):
        videos = value
    elif isinstance(value, dict) and "id" in value and "create_time" in value:
        videos = [value]
    else:
        videos = []
    return [v for v in videos if isinstance(v, dict)]


@shared_docs
def read_videos(path: str | Path, *, account: str | None = None) -> tabular.LoadResult:
    """Read TikTok Research API video-query responses (JSON / JSON lines) into ``posts``.

    Parameters
    ----------
    path : str or Path
        The responses.
    account : str, optional
        Account name for videos without ``username`` (default: the file's stem).

    {load_result}
    """
    raw, bad, info = _jsonapi.read_items(path, _videos, fields=("id", "create_time", "username"))
    errors = []
    for number, value in _jsonapi.load_documents(path)[0]:
        err = value.get("error") if isinstance(value, dict) else None
        if isinstance(err, dict) and err.get("code") not in (None, "ok"):
            errors.append(
                {
                    "source_row": number,
                    "reason": f"API error {err.get('code')}: {err.get('message', '')}".strip(),
                }
            )
    if errors:
        raw = dataclasses.replace(raw, skipped=tabular.skipped_frame(errors))
    # Unix seconds -> ISO 8601 UTC text; anything else stays as written (and is quarantined)
    frame = raw.frame.copy()
    seconds = pd.to_numeric(frame["create_time"], errors="coerce")
    iso = pd.to_datetime(seconds, unit="s", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    frame["create_time"] = iso.where(seconds.notna(), frame["create_time"]).astype("str")
    raw = dataclasses.replace(raw, frame=frame)
    fallback = account or default_page_id(path)

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        out["page_id"] = PREFIX + out["page_id"].fillna(fallback).astype("str")
        out["post_id"] = PREFIX + out["post_id"].astype("str")
        out["platform"] = PLATFORM
        out["type"] = "video"
        return out

    return _jsonapi.build(
        raw,
        bad,
        "posts",
        fmt=FORMAT,
        derive=derive,
        required_sources=("post_id", "created_at"),
        meta={"platform": PLATFORM, "variant": "research_api_video_query", **info},
    )


@shared_docs
def sniff_videos(path: Path) -> bool:
    """True if the file holds Research API video-query responses.

    {sniff}
    """
    for obj in _jsonapi.head_objects(path):
        if isinstance(obj, dict) and isinstance(obj.get("data"), dict):
            if "videos" in obj["data"]:
                return True
    return False

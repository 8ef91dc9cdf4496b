"""Instagram posts of a municipality's professional account.

Two shapes, both into the canonical ``posts`` table with ``platform="instagram"``:

:func:`read_insights_csv`
    The post export of Meta Business Suite / Instagram Insights ("Insights > Content >
    Export data"): one row per post with "Post ID", "Account ID", "Account username",
    "Description", "Publish time" (month-first, e.g. ``09/15/2026 18:00``, in the
    account's time zone: read as Europe/Oslo unless ``tz`` says otherwise), "Post type",
    "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves". Exports from
    before April 2025 have "Impressions" (and "Plays" for reels) instead of "Views".
:func:`read_graph_media`
    Instagram Graph API IG Media objects as returned by ``GET /<IG_USER_ID>/media``
    (``{"data": [...], "paging": {...}}``, one response or one page per line), with
    ``id``, ``caption``, ``media_type``, ``media_product_type``, ``permalink``,
    ``timestamp``, ``like_count``, ``comments_count``, ``username`` and, when the
    collector asked for them, media insights nested as ``insights.data`` (``reach``,
    ``views``, ``saved``, ``shares``); each insight's lifetime value becomes a column
    ``insights.<name>``.

:func:`read_graph_comments`
    Comments on the account's media (``GET /<IG_MEDIA_ID>/comments`` with
    ``fields=id,text,timestamp,username,like_count,replies{…},media``) into
    ``comments``: one row per comment and per reply; ``is_page_reply`` when the author's
    username is the account's. Commenters' usernames are pseudonymised here and never
    kept; usernames and @handles in texts become pseudonyms.

Column and field names are mapped by ``aliases/instagram.csv``, which cites where each
comes from. ``views`` and ``impressions`` are kept apart: Meta replaced impressions by
views (which also counts repeated displays and plays) on 21 April 2025, so the two are
not comparable; see :data:`kommunesm.metrics.platforms.METRIC_CAVEATS`.

The posts are the account's own; there is no citizen in these files except inside
captions, which are kept as written by the municipality. Rows without an id, with an
unreadable time or a negative count are quarantined with the reason; ids are prefixed
``instagram:``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from kommunesm.io import _jsonapi, privacy, tabular
from kommunesm.io._common import default_page_id, header_keys, shared_docs

__all__ = [
    "FORMAT",
    "read_graph_comments",
    "read_graph_media",
    "read_insights_csv",
    "sniff_graph_comments",
    "sniff_graph_media",
]

FORMAT = "instagram"
PLATFORM = "instagram"


def _page_and_platform(out: pd.DataFrame, page_id: str) -> pd.DataFrame:
    if "page_id" not in out.columns:
        if "page_name" in out.columns:
            out["page_id"] = out["page_name"].fillna(page_id)
        else:
            out["page_id"] = page_id
    out["page_id"] = "instagram:" + out["page_id"].astype("str")
    out["post_id"] = "instagram:" + out["post_id"].astype("str")
    out["platform"] = PLATFORM
    return out


@shared_docs
def read_insights_csv(
    path: str | Path, *, page_id: str | None = None, tz: str = "Europe/Oslo"
) -> tabular.LoadResult:
    """Read a Meta Business Suite / Instagram Insights post export (CSV or XLSX).

    Parameters
    ----------
    path : str or Path
        The export.
    page_id : str, optional
        Account id when the file has no "Account ID"/"Account username" column
        (default: the file's stem).
    tz : str, default 'Europe/Oslo'
        Zone of "Publish time" (the export writes the account's local time without an
        offset).

    {load_result}
    """
    raw = tabular.read_raw(path, header_names=header_keys(FORMAT, "posts"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "posts"))
    pid = page_id or default_page_id(path)

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        return _page_and_platform(out, pid)

    return tabular.build_table(
        raw,
        "posts",
        mapping,
        fmt=FORMAT,
        tz=tz,
        dayfirst=False,
        decimal=".",
        derive=derive,
        required_sources=("post_id", "created_at", ("likes", "comments", "views", "reach")),
        meta={"platform": PLATFORM, "variant": "meta_business_suite_csv"},
    )


def _media_items(value: Any) -> Iterable[dict]:
    items = value.get("data", []) if isinstance(value, dict) and "data" in value else [value]
    for item in items:
        if not isinstance(item, dict):
            continue
        item = dict(item)
        insights = item.pop("insights", None)
        data = insights.get("data", []) if isinstance(insights, dict) else []
        for metric in data:
            if not isinstance(metric, dict) or "name" not in metric:
                continue
            values = metric.get("values") or []
            value_ = values[-1].get("value") if values and isinstance(values[-1], dict) else None
            if value_ is None and isinstance(metric.get("total_value"), dict):
                value_ = metric["total_value"].get("value")
            item[f"insights.{metric['name']}"] = value_
        yield item


_GRAPH_FIELDS = ("id", "timestamp", "like_count", "comments_count", "caption", "username")


@shared_docs
def read_graph_media(path: str | Path, *, page_id: str | None = None) -> tabular.LoadResult:
    """Read Instagram Graph API media responses (JSON or JSON lines) into ``posts``.

    Parameters
    ----------
    path : str or Path
        The export file.
    page_id : str, optional
        Page id for every row when the file does not give one.

    {load_result}
    """
    raw, bad, info = _jsonapi.read_items(path, _media_items, fields=_GRAPH_FIELDS)
    pid = page_id or default_page_id(path)

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        return _page_and_platform(out, pid)

    return _jsonapi.build(
        raw,
        bad,
        "posts",
        fmt=FORMAT,
        derive=derive,
        required_sources=("post_id", "created_at"),
        meta={"platform": PLATFORM, "variant": "graph_api_media", **info},
    )


@shared_docs
def sniff_graph_media(path: Path) -> bool:
    """True if the first responses hold IG Media objects (``media_type`` or
    ``media_product_type`` with ``permalink``/``timestamp``).

    {sniff}
    """
    for obj in _jsonapi.head_objects(path):
        items = obj.get("data") if isinstance(obj, dict) else None
        items = items if isinstance(items, list) else [obj]
        for item in items[:3]:
            if isinstance(item, dict) and (
                ("media_type" in item or "media_product_type" in item)
                and ("timestamp" in item or "permalink" in item)
            ):
                return True
    return False


def _comments(value: Any) -> Iterable[dict]:
    items = value.get("data", []) if isinstance(value, dict) and "data" in value else [value]
    for item in items:
        if not isinstance(item, dict) or "text" not in item:
            continue
        media = (item.get("media") or {}).get("id") if isinstance(item.get("media"), dict) else None
        top = {k: v for k, v in item.items() if k not in ("replies", "media")}
        top["media.id"] = media
        yield top
        replies = item.get("replies")
        for reply in (replies.get("data") or []) if isinstance(replies, dict) else []:
            if isinstance(reply, dict):
                row = {k: v for k, v in reply.items() if k != "media"}
                row["media.id"] = media
                row["_parent"] = item.get("id")
                yield row


def read_graph_comments(
    path: str | Path,
    *,
    account: str | None = None,
    media_id: str | None = None,
    salt: str | None = None,
) -> tabular.LoadResult:
    """Read Instagram Graph API comment responses into ``comments``.

    Parameters
    ----------
    path : str or Path
        JSON or JSON lines (one response per media, or pages).
    account : str, optional
        The municipality's username (its replies are page replies). Default: the
        username that writes most of the replies in the file (``meta["account_from"]``
        says which), else the file's stem.
    media_id : str, optional
        The media commented on, when the responses do not carry ``media``.
    salt : str, optional
        Salt for pseudonyms (default :func:`kommunesm.io.privacy.get_salt`).

    Returns
    -------
    LoadResult
        The canonical ``comments`` table (``platform="instagram"``) and its quarantine.
    """
    raw, bad, info = _jsonapi.read_items(
        path, _comments, fields=("id", "timestamp", "username", "media.id", "_parent")
    )
    salt = privacy.get_salt() if salt is None else salt
    if account is None:
        # the account answers in reply threads: the username most often found there
        replies = raw.frame.loc[raw.frame["_parent"].notna(), "username"].dropna()
        counts = replies.str.casefold().value_counts()
        account = str(counts.index[0]) if len(counts) else default_page_id(path)
        info["account_from"] = "most frequent replier" if len(counts) else "file name"
    else:
        info["account_from"] = "parameter"
    own = account.lstrip("@").casefold()

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        name = out["author_name"].astype("str")
        is_page = (name.str.casefold() == own).fillna(False)
        out["is_page_reply"] = is_page.astype("boolean")
        pseud = privacy.pseudonymise("instagram:@" + name.str.casefold(), salt=salt)
        out["author_id"] = pseud.mask(is_page, "page:instagram:" + own)
        tabular.remember_persons(meta, name[~is_page], pseud[~is_page])
        if "message" in out.columns:
            text = privacy.scrub_names(out["message"], name[~is_page], pseud[~is_page])
            out["message"] = privacy.scrub_mentions(text, salt=salt)
        media = out["post_id"] if "post_id" in out.columns else pd.Series(pd.NA, index=out.index)
        if media_id is not None:
            media = media.fillna(media_id)
        out["post_id"] = "instagram:" + media.astype("str")
        out["comment_id"] = "instagram:" + out["comment_id"].astype("str")
        parent = frame["_parent"]
        out["parent_id"] = ("instagram:" + parent.astype("str")).where(parent.notna())
        out["page_id"] = "instagram:" + own
        out["platform"] = PLATFORM
        return out.drop(columns=["author_name", "_parent"], errors="ignore")

    meta: dict = {"platform": PLATFORM, "variant": "graph_api_comments", **info}
    return _jsonapi.build(
        raw,
        bad,
        "comments",
        fmt=FORMAT,
        derive=derive,
        required_sources=("comment_id", "created_at", "author_name"),
        meta=meta,
    )


def sniff_graph_comments(path: Path) -> bool:
    """Whether a file holds Instagram Graph API comment responses.

    Parameters
    ----------
    path : Path
        The JSON / JSON-lines file.

    Returns
    -------
    bool
        True if the first responses hold IG Comment objects (``text``, ``timestamp``,
        ``username``; no ``media_type``).
    """
    for obj in _jsonapi.head_objects(path):
        items = obj.get("data") if isinstance(obj, dict) else None
        for item in (items if isinstance(items, list) else [])[:3]:
            if (
                isinstance(item, dict)
                and {"text", "timestamp", "username"} <= set(item)
                and "media_type" not in item
            ):
                return True
    return False

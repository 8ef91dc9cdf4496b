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

from kommunesm.io import _jsonapi, tabular
from kommunesm.io._common import default_page_id, header_keys

__all__ = ["FORMAT", "read_graph_media", "read_insights_csv", "sniff_graph_media"]

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

    Returns
    -------
    LoadResult
        The canonical rows kept and the rows quarantined, each with a reason
        (rows in = kept + quarantined).
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


def read_graph_media(path: str | Path, *, page_id: str | None = None) -> tabular.LoadResult:
    """Read Instagram Graph API media responses (JSON or JSON lines) into ``posts``.

    Parameters
    ----------
    path : str or Path
        The export file.
    page_id : str, optional
        Page id for every row when the file does not give one.

    Returns
    -------
    LoadResult
        The canonical rows kept and the rows quarantined, each with a reason
        (rows in = kept + quarantined).
    """
    raw, bad, info = _jsonapi.read_items(path, _media_items)
    raw = _jsonapi.ensure_columns(raw, _GRAPH_FIELDS)
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "posts"))
    pid = page_id or default_page_id(path)

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        return _page_and_platform(out, pid)

    result = tabular.build_table(
        raw,
        "posts",
        mapping,
        fmt=FORMAT,
        tz="UTC",
        decimal=".",
        derive=derive,
        required_sources=("post_id", "created_at"),
        meta={"platform": PLATFORM, "variant": "graph_api_media", **info},
    )
    return _jsonapi.compose(result, bad)


def sniff_graph_media(path: Path) -> bool:
    """True if the first responses hold IG Media objects (``media_type`` or
    ``media_product_type`` with ``permalink``/``timestamp``).

    Parameters
    ----------
    path : Path
        The file to look at.

    Returns
    -------
    bool
        True if the file looks like this format.
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

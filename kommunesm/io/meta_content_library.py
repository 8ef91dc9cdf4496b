"""Meta Content Library (MCL) exports: CSV and JSON into ``posts``.

The Meta Content Library and its API replaced CrowdTangle (closed 14 August 2024) as
researchers' source of public Facebook and Instagram posts. Its Facebook-post fields
(Meta's data dictionary, cited in ``aliases/meta_content_library.csv``) are ``id``,
``creation_time``, ``text``, ``post_owner.id/name/type``, ``statistics.like_count``,
``love_count``, ``care_count``, ``haha_count``, ``wow_count``, ``sad_count``,
``angry_count``, ``reaction_count``, ``comment_count``, ``share_count``, ``views`` and
``mcl_url``; CSV exports flatten them with dots, JSON (the API client's output, saved
as one list, ``{"data": [...]}`` pages or JSON lines) nests them.

Reactions by type become ``reactions_like`` … ``reactions_angry``; ``likes`` is the Like
reaction (CrowdTangle's meaning, so 2013-style "likes" stay comparable) and
``reactions`` all reactions. :mod:`kommunesm.io.crowdtangle` still reads the older,
reaction-total-only MCL CSV files it was written for.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from kommunesm.io import _jsonapi, tabular
from kommunesm.io._common import header_keys, shared_docs

__all__ = ["FORMAT", "read_csv", "read_json", "sniff_json"]

FORMAT = "meta_content_library"


def _finish(platform: str):
    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        if platform != "facebook":
            out["page_id"] = f"{platform}:" + out["page_id"].astype("str")
            out["post_id"] = f"{platform}:" + out["post_id"].astype("str")
        out["platform"] = platform
        return out

    return derive


@shared_docs
def read_csv(path: str | Path, *, platform: str = "facebook") -> tabular.LoadResult:
    """Read an MCL CSV export (Facebook posts by default; ``platform="instagram"`` for
    Instagram posts, whose ids are then prefixed ``instagram:``).

    Parameters
    ----------
    path : str or Path
        The export file.
    platform : str, default 'facebook'
        Platform of the rows (``"facebook"`` or ``"instagram"``).

    {load_result}
    """
    raw = tabular.read_raw(path, header_names=header_keys(FORMAT, "posts"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "posts"))
    return tabular.build_table(
        raw,
        "posts",
        mapping,
        fmt=FORMAT,
        tz="UTC",
        decimal=".",
        derive=_finish(platform),
        required_sources=("post_id", "page_id", "created_at"),
        meta={"platform": platform, "variant": "mcl_csv"},
    )


def _posts(value: Any) -> Iterable[dict]:
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        return value["data"]
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and "creation_time" in value:
        return [value]
    return []


@shared_docs
def read_json(path: str | Path, *, platform: str = "facebook") -> tabular.LoadResult:
    """Read MCL API results saved as JSON / JSON lines into ``posts``.

    Parameters
    ----------
    path : str or Path
        The export file.
    platform : str, default 'facebook'
        Platform of the rows (``"facebook"`` or ``"instagram"``).

    {load_result}
    """
    raw, bad, info = _jsonapi.read_items(
        path, _posts, fields=("id", "creation_time", "post_owner.id")
    )
    return _jsonapi.build(
        raw,
        bad,
        "posts",
        fmt=FORMAT,
        derive=_finish(platform),
        required_sources=("post_id", "page_id", "created_at"),
        meta={"platform": platform, "variant": "mcl_json", **info},
    )


@shared_docs
def sniff_json(path: Path) -> bool:
    """True if the first objects are MCL posts (``creation_time`` with ``post_owner`` and
    ``statistics``).

    {sniff}
    """
    for obj in _jsonapi.head_objects(path):
        items = list(_posts(obj))[:3]
        if any(
            isinstance(i, dict) and "creation_time" in i and "post_owner" in i and "statistics" in i
            for i in items
        ):
            return True
    return False

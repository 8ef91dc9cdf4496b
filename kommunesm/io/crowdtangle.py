"""CrowdTangle and Meta Content Library post exports.

CrowdTangle's "Historical data" CSV (2016–2024) has one row per post with "Page Name",
"Facebook Id", "Post Created" (with a zone abbreviation such as ``CET``/``CEST``/``EST``),
"Likes", "Comments", "Shares", the other reactions ("Love", "Wow", "Haha", "Sad",
"Angry", "Care"), "Followers at Posting", "URL" and "Message". Its successor, the Meta
Content Library, exports ``id``, ``creation_time``, ``text``, ``post_owner.*`` and
``statistics.*_count`` columns. Both are mapped by ``aliases/crowdtangle.csv``.

* ``likes`` is CrowdTangle's Like reaction; ``reactions`` is the sum of all reaction
  columns present (for the Meta Content Library, which only gives the total, both
  hold the total: the canonical ``likes`` column means "likes, or all reactions where
  likes are not separate").
* CrowdTangle has no post id column: ``post_id`` is ``<page id>_<post number>`` taken
  from the URL, or ``<page id>:row<n>`` when the URL has none.
* Naive timestamps are read as UTC (both tools export UTC unless a zone is written).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kommunesm.io import tabular
from kommunesm.io._common import header_keys, row_ids, shared_docs

__all__ = ["FORMAT", "REACTION_COLUMNS", "read_posts"]

FORMAT = "crowdtangle"
#: Reaction columns of CrowdTangle exports, summed into ``reactions``.
REACTION_COLUMNS = ("Likes", "Love", "Wow", "Haha", "Sad", "Angry", "Care")


@shared_docs
def read_posts(path: str | Path, *, tz: str = "UTC") -> tabular.LoadResult:
    """Read a CrowdTangle / Meta Content Library CSV into the canonical ``posts`` table.

    The page's name is kept in the extra column ``page_name`` (used to build the
    ``pages`` table).

    Parameters
    ----------
    path : str or Path
        The export file.
    tz : str, default 'UTC'
        Time zone of timestamps written without an offset.

    {load_result}
    """
    raw = tabular.read_raw(path, header_names=header_keys(FORMAT, "posts"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "posts"))
    present_reactions = [c for c in REACTION_COLUMNS if c in raw.frame.columns]

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        if "reactions" not in out.columns and len(present_reactions) > 1:
            decimal = tabular.detect_decimal(frame, present_reactions, raw.delimiter)
            parts = [tabular.parse_counts(frame[c], decimal=decimal)[0] for c in present_reactions]
            out["reactions"] = sum(p.fillna(0) for p in parts).astype("Int64")
        if "likes" not in out.columns and "reactions" in out.columns:
            out["likes"] = out["reactions"]
        if "post_id" not in out.columns:
            number = pd.Series(pd.NA, index=out.index, dtype="str")
            if "permalink" in out.columns:
                number = (
                    out["permalink"]
                    .astype("str")
                    .str.extract(r"/(?:posts|videos|photos|permalink)/(?:[^/?]+/)?(\d+)")[0]
                )
            made = out["page_id"].astype("str") + "_" + number
            out["post_id"] = made.fillna(row_ids(out["page_id"].astype("str"), raw.rows))
        return out

    return tabular.build_table(
        raw,
        "posts",
        mapping,
        fmt=FORMAT,
        tz=tz,
        derive=derive,
        required_sources=("page_id", "created_at", "comments", "shares"),
        meta={"reaction_columns": present_reactions},
    )

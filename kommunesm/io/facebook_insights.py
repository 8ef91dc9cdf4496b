"""Facebook Insights exports: post-level and page-level.

Insights ("Page > Insights > Export data", 2011–2018; later Meta Business Suite) wrote
CSV or XLSX files with one row per post (``read_posts``) or per page and day
(``read_page_days``). Column names changed over the years; they live in the alias
table ``kommunesm/io/aliases/facebook_insights.csv``, not in code.

Variants handled (see :mod:`kommunesm.io.tabular`): the old layout with a second
*description row* under the header, UTF-16 tab-separated files (Excel's "Unicode
text"), cp1252, decimal commas, preamble lines, XLSX.

Time zone: Insights wrote posting times in Pacific time without an offset; naive
times are therefore read in ``America/Los_Angeles`` by default and converted to
Europe/Oslo. Pass ``tz=`` if your export was made otherwise.

The real test file is the UCI "Facebook metrics" data set: 500 posts of a cosmetics
brand's page in 2014, with exactly the Insights post-level column names (Moro, Rita &
Vala 2016, *Journal of Business Research* 69(9), 3341–3351; CC BY 4.0). It has no post
id and no posting date (only month, weekday and hour): post ids are made from the
row numbers and ``created_at`` is left missing, with a note in ``meta``.

Examples
--------
>>> from kommunesm.io import facebook_insights
>>> posts, quarantine = facebook_insights.read_posts(
...     "kommunesm/data/external/uci_facebook_metrics_2014.csv")  # doctest: +SKIP
>>> len(posts), len(quarantine)  # doctest: +SKIP
(500, 0)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kommunesm.io import tabular
from kommunesm.io._common import default_page_id, header_keys, row_ids, shared_docs
from kommunesm.io.tabular import normalise_header

__all__ = ["FORMAT", "INSIGHTS_TZ", "read_page_days", "read_posts"]

FORMAT = "facebook_insights"
#: Zone of naive timestamps in Insights exports.
INSIGHTS_TZ = "America/Los_Angeles"


def read_posts(
    path: str | Path,
    *,
    page_id: str | None = None,
    tz: str = INSIGHTS_TZ,
    sheet: str | int | None = None,
) -> tabular.LoadResult:
    """Read a post-level Insights export into the canonical ``posts`` table.

    Parameters
    ----------
    path : str or Path
        CSV/TSV/XLSX export.
    page_id : str, optional
        Page id to use when the file has no "Page ID" column (default: the file stem).
    tz : str, default 'America/Los_Angeles'
        Zone of naive "Posted" times (default Pacific time, as Insights wrote them).
    sheet : str or int, optional
        Excel sheet (default: the first, "Key Metrics").

    Returns
    -------
    LoadResult
        ``posts`` with likes, comments, shares, reach, impressions, engaged users and
        followers at posting mapped; unknown columns kept; bad rows quarantined.

    Raises
    ------
    InputError
        Missing like/comment/share columns, empty or unreadable file.
    """
    raw = tabular.read_raw(path, sheet=sheet, header_names=header_keys(FORMAT, "posts"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "posts"))
    numeric = [
        mapping[c] for c in ("likes", "comments", "shares", "reach", "impressions") if c in mapping
    ]
    raw = tabular.drop_description_row(raw, numeric)
    pid = page_id or default_page_id(path)
    notes: list[str] = []
    if "post_id" not in mapping:
        notes.append("no post id column: post_id made from the file stem and row number")
    if "created_at" not in mapping:
        notes.append("no posting time column: created_at left missing")

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        if "page_id" not in out.columns:
            out["page_id"] = pid
        if "post_id" not in out.columns:
            out["post_id"] = row_ids(pid, raw.rows)
        if "created_at" not in out.columns:
            out["created_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us, UTC]")
        return out

    return tabular.build_table(
        raw,
        "posts",
        mapping,
        fmt=FORMAT,
        tz=tz,
        dayfirst=False,
        derive=derive,
        required_sources=("likes", "comments", "shares"),
        meta={"notes": notes, "page_id": pid},
    )


@shared_docs
def read_page_days(
    path: str | Path, *, page_id: str | None = None, sheet: str | int | None = None
) -> tabular.LoadResult:
    """Read a page-level Insights export (one row per day) into ``page_days``.

    "Lifetime Total Likes" becomes ``followers`` and "Weekly People Talking About This"
    (7-day unique people, Facebook's definition of *people talking about this*) becomes
    ``talking_about``; daily reach, impressions and engaged users are mapped when present.

    Parameters
    ----------
    path : str or Path
        The export file.
    page_id : str, optional
        Page id for every row when the file does not give one.
    sheet : str or int, optional
        Worksheet of an Excel file (default: the first).

    {load_result}
    """
    raw = tabular.read_raw(path, sheet=sheet, header_names=header_keys(FORMAT, "page_days"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "page_days"))
    numeric = [mapping[c] for c in ("followers", "talking_about", "reach") if c in mapping]
    raw = tabular.drop_description_row(raw, numeric)
    pid = page_id or default_page_id(path)

    # which generation of Meta's definitions the file follows (issue 14): likes ("fans"),
    # "people talking about" and impressions are the classic Insights metrics; a file
    # whose followers column is "Followers" comes from the new Pages experience
    follows = normalise_header(mapping.get("followers", "")) == "followers"
    classic = "talking_about" in mapping or ("followers" in mapping and not follows)
    basis = "current" if follows and not classic else ("legacy" if classic else None)

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        if "page_id" not in out.columns:
            out["page_id"] = pid
        if basis is not None and "metric_basis" not in out.columns:
            out["metric_basis"] = basis
        return out

    return tabular.build_table(
        raw,
        "page_days",
        mapping,
        fmt=FORMAT,
        dayfirst=False,
        derive=derive,
        required_sources=("date", ("followers", "talking_about")),
        meta={"page_id": pid},
    )

"""Socialbakers / Emplifi page-metric exports.

Gambit H+K ranked the municipal pages on ten metrics read from Socialbakers
(Johnsen, Jørgensen & Aaneland 2013, s. 9–10): followers (fans), interactions, people
talking about, questions answered, page (admin) posts, average response time, likes,
comments, shares and engagement rate. Socialbakers — now Emplifi — exports them as one
row per page and period. :func:`read` returns them as the canonical ``page_metrics``
table, which is exactly the input of :func:`kommunesm.ranking.gambit_points`.

Response times are read as minutes from ``83``, ``83 min``, ``1h 23m`` or
``01:23:00``; engagement rates may carry a percent sign and a decimal comma.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kommunesm.io import tabular
from kommunesm.io._common import header_keys, shared_docs, slug

__all__ = ["FORMAT", "read"]

FORMAT = "socialbakers"


@shared_docs
def read(
    path: str | Path, *, dayfirst: bool | None = None, sheet: str | int | None = None
) -> tabular.LoadResult:
    """Read a Socialbakers/Emplifi export into the canonical ``page_metrics`` table.

    Pages without a "Profile ID" column get an id made from their name.

    Parameters
    ----------
    path : str or Path
        The export file.
    dayfirst : bool, optional
        Whether dates are written day first (default: detected from the data).
    sheet : str or int, optional
        Worksheet of an Excel file (default: the first).

    {load_result}
    """
    raw = tabular.read_raw(path, sheet=sheet, header_names=header_keys(FORMAT, "page_metrics"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "page_metrics"))

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        if "page_id" not in out.columns:
            out["page_id"] = out["name"].astype("str").map(slug, na_action="ignore")
        if "name" not in out.columns:
            out["name"] = out["page_id"]
        return out

    return tabular.build_table(
        raw,
        "page_metrics",
        mapping,
        fmt=FORMAT,
        dayfirst=dayfirst,
        derive=derive,
        durations=("avg_response_time_minutes",),
        required_sources=(("page_id", "name"), "followers"),
    )

"""Descriptive tables of a data set: coverage by county, quarantine, periods covered.

Censuses, not samples: no confidence intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["coverage_by_county", "data_periods", "quarantine_summary"]


def coverage_by_county(
    pages: pd.DataFrame, municipalities: pd.DataFrame, *, code: str = "kommunenummer"
) -> pd.DataFrame:
    """How many municipalities of each county have a page in the data.

    Parameters
    ----------
    pages : DataFrame
        A ``pages`` table with municipality codes in ``code`` (pages without a code are
        counted in the row ``"(ukjent kommune)"``).
    municipalities : DataFrame
        :func:`kommunesm.registry.municipalities` for the year (kommunenummer, county).
    code : str, default 'kommunenummer'
        The column of ``pages`` with the municipality codes.

    Returns
    -------
    DataFrame
        county, municipalities, with_page, share (percent), pages; sorted by county,
        with a total row ``"Hele landet"``. A census, not a sample: no CIs.
    """
    reg = municipalities[["kommunenummer", "county"]].drop_duplicates("kommunenummer")
    codes = pages[code].astype("str")
    with_code = pages[codes.notna()].assign(_code=codes[codes.notna()])
    matched = with_code.merge(
        reg, left_on="_code", right_on="kommunenummer", how="left", suffixes=("_page", "")
    )
    per_county = (
        matched.dropna(subset=["county"])
        .groupby("county")
        .agg(with_page=("_code", "nunique"), pages=("_code", "size"))
    )
    total = reg.groupby("county").size().rename("municipalities")
    out = pd.concat([total, per_county], axis=1).fillna(0).reset_index()
    out = out.rename(columns={"index": "county"})
    out[["municipalities", "with_page", "pages"]] = out[
        ["municipalities", "with_page", "pages"]
    ].astype("int64")
    unknown = int(len(pages) - matched["county"].notna().sum())
    out = out.sort_values("county", kind="stable").reset_index(drop=True)
    tot = pd.DataFrame(
        [
            {
                "county": "Hele landet",
                "municipalities": int(out["municipalities"].sum()),
                "with_page": int(out["with_page"].sum()),
                "pages": int(out["pages"].sum()),
            }
        ]
    )
    parts = [out, tot]
    if unknown:
        parts.append(
            pd.DataFrame(
                [
                    {
                        "county": "(ukjent kommune)",
                        "municipalities": 0,
                        "with_page": 0,
                        "pages": unknown,
                    }
                ]
            )
        )
    out = pd.concat(parts, ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(
            out["municipalities"] > 0, 100 * out["with_page"] / out["municipalities"], np.nan
        )
    return out[["county", "municipalities", "with_page", "share", "pages"]]


def quarantine_summary(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows counted by file, column and reason (most frequent first), with
    the first few source rows of each group.

    Parameters
    ----------
    quarantine : DataFrame
        Quarantined rows (``file``, ``row``, ``column``, ``reason``).

    Returns
    -------
    DataFrame
        One row per file, column and reason with the count and the first source rows.
    """
    cols = ["source_file", "column", "reason"]
    if not len(quarantine):
        return pd.DataFrame(columns=cols + ["rows", "example_rows"])
    grouped = quarantine.groupby(cols, dropna=False, sort=False)["source_row"]
    out = grouped.agg(
        rows="size",
        example_rows=lambda s: ", ".join(str(int(v)) for v in s.dropna().head(5)),
    ).reset_index()
    return out.sort_values(
        ["rows", "source_file"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def data_periods(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows and the first and last date of every dated canonical table.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Table name → DataFrame (e.g. ``Dataset.tables``); the time column is
        ``created_at`` (posts, comments, activity), ``date`` (page_days) or
        ``period_start``/``period_end`` (page_metrics).

    Returns
    -------
    DataFrame
        table, rows, first, last, days (calendar days covered), years.
    """
    time_cols = {
        "posts": ("created_at", "created_at"),
        "comments": ("created_at", "created_at"),
        "activity": ("created_at", "created_at"),
        "page_days": ("date", "date"),
        "page_metrics": ("period_start", "period_end"),
    }
    rows = []
    for name, (a, b) in time_cols.items():
        frame = tables.get(name)
        if frame is None or not len(frame) or a not in frame.columns:
            continue
        first, last = frame[a].min(), frame[b].max()
        if getattr(first, "tzinfo", None) is not None:
            first, last = first.tz_localize(None), last.tz_localize(None)
        years = sorted(set(pd.to_datetime(frame[a]).dt.year.dropna().astype(int)))
        rows.append(
            {
                "table": name,
                "rows": len(frame),
                "first": first,
                "last": last,
                "days": (last.normalize() - first.normalize()).days + 1
                if pd.notna(first) and pd.notna(last)
                else pd.NA,
                "years": ", ".join(map(str, years)),
            }
        )
    return pd.DataFrame(rows, columns=["table", "rows", "first", "last", "days", "years"])

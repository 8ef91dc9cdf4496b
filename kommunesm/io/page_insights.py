"""Facebook Page Insights API responses, before and after Meta's metric changes.

``GET /{page-id}/insights?metric=…&period=day`` returns ``{"data": [{"name":
"page_fans", "period": "day", "values": [{"value": 1234, "end_time":
"2024-01-02T08:00:00+0000"}, …], "id": "<page-id>/insights/page_fans/day"}, …],
"paging": …}``. Meta has renamed and retired the core metrics since 2013:

=====================  ============================  ================================
page_days column       legacy metric (2013 era)      current metric (2025 →)
=====================  ============================  ================================
followers              page_fans (likes)             page_follows (follows)
reach                  page_impressions_unique       page_total_media_view_unique
impressions / views    page_impressions              page_media_view (views)
talking_about          page_content_activity_unique  (retired 14 March 2024)
=====================  ============================  ================================

:func:`read_api_json` reads either generation (one response, a list of responses or one
per line) into ``page_days`` — one row per page and day — and sets ``metric_basis`` on
each row to ``legacy``, ``current`` or ``mixed`` (both generations on the same day), so
that no table silently compares likes with follows or impressions with views.
:data:`kommunesm.metrics.platforms.DEFINITION_CHANGES` says what each change means for
a comparison with the 2013 figures; ``aliases/page_insights.csv`` cites Meta's notices.

A day's ``end_time`` is the end of the day in Pacific time (``08:00:00+0000`` or
``07:00:00+0000``): the day reported is the calendar date of ``end_time`` minus one
second in America/Los_Angeles.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from kommunesm import schema
from kommunesm.io import _jsonapi, tabular
from kommunesm.io._common import default_page_id, shared_docs

__all__ = ["FORMAT", "metric_table", "read_api_json", "sniff_api_json"]

FORMAT = "page_insights"


def metric_table() -> pd.DataFrame:
    """API metric name → page_days column and era (``legacy``/``current``), with notes.

    Returns
    -------
    DataFrame
        One row per Insights metric: ``metric``, the ``page_days`` ``column`` it fills,
        its ``era`` (legacy or current) and its ``definition``.
    """
    table = tabular.aliases(FORMAT, "page_days")
    era = table["note"].str.split(":").str[0].str.strip()
    return pd.DataFrame(
        {
            "metric": table["alias"],
            "column": table["canonical"],
            "era": era,
            "definition": table["note"].str.split(":", n=1).str[1].str.strip(),
        }
    )


def _values(value: Any) -> Iterable[dict]:
    data = value.get("data") if isinstance(value, dict) else None
    for metric in data if isinstance(data, list) else []:
        if not isinstance(metric, dict):
            continue
        page = str(metric.get("id", "")).split("/insights")[0] or None
        for v in metric.get("values") or []:
            if isinstance(v, dict):
                yield {
                    "metric": metric.get("name"),
                    "period": metric.get("period"),
                    "page": page,
                    "end_time": v.get("end_time"),
                    "value": v.get("value"),
                }


@shared_docs
def read_api_json(path: str | Path, *, page_id: str | None = None) -> tabular.LoadResult:
    """Read Page Insights API responses into ``page_days`` with ``metric_basis``.

    Only ``period=day`` (and ``lifetime``) values are read; ``week`` and ``days_28``
    values are listed in ``skipped``. Metrics kommunesm does not map are listed in
    ``meta["metrics_not_mapped"]``. Each input row is one metric value; the rows of a
    page and day are combined, so ``n_in`` counts metric values and a bad value is
    quarantined with its line.

    Parameters
    ----------
    path : str or Path
        The export file.
    page_id : str, optional
        Page id for every row when the file does not give one.

    {load_result}
    """
    raw, bad, info = _jsonapi.read_items(
        path, _values, fields=("metric", "period", "page", "end_time", "value")
    )
    frame = raw.frame
    metrics = metric_table()
    known = frame["metric"].isin(metrics["metric"])
    daily = frame["period"].isin(["day", "lifetime"]) | frame["period"].isna()
    skipped_rows = [
        {"source_row": int(r), "reason": f"period {p!r} (kommunesm reads daily values)"}
        for r, p in zip(raw.rows[known & ~daily], frame.loc[known & ~daily, "period"], strict=True)
    ] + [
        {"source_row": int(r), "reason": f"metric {m!r} is not mapped to page_days"}
        for r, m in zip(raw.rows[~known], frame.loc[~known, "metric"], strict=True)
    ]
    info["metrics_not_mapped"] = sorted(set(frame.loc[~known, "metric"].dropna()))
    use = known & daily
    frame = frame[use].reset_index(drop=True)
    rows = raw.rows[use].reset_index(drop=True)
    pid = page_id or default_page_id(path)

    # value and day of each metric value; bad ones are quarantined per input row
    value, bad_value, why = tabular.parse_counts(frame["value"], decimal=".")
    stamps, bad_time, why_t = tabular.parse_datetimes(frame["end_time"], tz="UTC")
    day = (
        (stamps.dt.tz_convert("America/Los_Angeles") - pd.Timedelta(seconds=1))
        .dt.tz_localize(None)
        .dt.normalize()
    )
    problems = []
    for mask, col, reason in (
        (bad_value, "value", why),
        (bad_time | stamps.isna(), "end_time", why_t.where(bad_time, "missing value")),
    ):
        mask = mask.fillna(False).astype(bool)
        for i in mask[mask].index:
            problems.append(
                {
                    "source_file": raw.path,
                    "source_row": int(rows.at[i]),
                    "column": col,
                    "value": str(frame.at[i, col]),
                    "reason": str(reason.at[i] if isinstance(reason, pd.Series) else reason),
                }
            )
    bad_index = {p["source_row"] for p in problems}
    ok = ~rows.isin(bad_index)
    era = frame["metric"].map(metrics.set_index("metric")["era"])
    column = frame["metric"].map(metrics.set_index("metric")["column"])
    long = pd.DataFrame(
        {
            "page_id": frame["page"].fillna(pid),
            "date": day,
            "column": column,
            "era": era,
            "value": value,
            "row": rows,
        }
    )[ok.to_numpy()]
    # the first metric in the alias order wins where two map to one column (a file
    # holding both page_fans and page_follows keeps the one listed first, and is 'mixed')
    order = {m: i for i, m in enumerate(metrics["metric"])}
    long["rank"] = frame.loc[ok.to_numpy(), "metric"].map(order).to_numpy()
    long = long.sort_values(["page_id", "date", "column", "rank"], kind="stable")
    first = long.drop_duplicates(["page_id", "date", "column"])
    wide = first.pivot(index=["page_id", "date"], columns="column", values="value")
    wide = wide.reset_index()
    wide.columns.name = None
    basis = long.groupby(["page_id", "date"])["era"].agg(
        lambda s: s.iloc[0] if s.nunique() == 1 else "mixed"
    )
    wide = wide.merge(basis.rename("metric_basis").reset_index(), on=["page_id", "date"])
    wide = wide.rename(columns={"post_engagements": "post_engagements"})
    wide = schema.coerce_dtypes(wide, "page_days")
    kept, post = schema.validate(wide, "page_days", source=raw.path)
    quarantine = pd.concat(
        [q for q in (schema.quarantine_frame(bad + problems), post) if len(q)]
        or [schema.quarantine_frame()],
        ignore_index=True,
    )
    n_in = int(ok.sum()) + len(problems) + len(bad)
    # rows in = metric values read; kept rows are page-days: report both
    from kommunesm.io.tabular import LoadResult

    result = LoadResult(
        data=kept.reset_index(drop=True),
        quarantine=quarantine,
        source=raw.path,
        table="page_days",
        n_in=len(kept) + len(quarantine),
        skipped=tabular.skipped_frame(skipped_rows),
        meta={
            "format": FORMAT,
            "metric_values_read": n_in,
            "platform": "facebook",
            **info,
        },
    )
    return result


@shared_docs
def sniff_api_json(path: Path) -> bool:
    """True for Page Insights responses (``data`` items with ``name``, ``period``,
    ``values`` and an ``id`` ending in ``/insights/<name>/<period>``).

    {sniff}
    """
    for obj in _jsonapi.head_objects(path):
        data = obj.get("data") if isinstance(obj, dict) else None
        for item in (data or [])[:3] if isinstance(data, list) else []:
            if (
                isinstance(item, dict)
                and "values" in item
                and "/insights/" in str(item.get("id", ""))
            ):
                return True
    return False

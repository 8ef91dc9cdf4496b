"""Reading API responses saved as JSON (shared by the platform loaders; not public API).

Researchers save API responses in three ways, all read here:

* one JSON document: a single response (``{"data": [...], "paging": ...}``) or a list of
  items;
* JSON lines: one response page (or one item) per line, as most collectors append pages;
* a list of response pages in one JSON array.

:func:`read_items` finds the items of every response with an extractor function given
by the loader and returns them as one flat table of text (nested objects flattened
with ``.``, e.g. ``statistics.viewCount``), with the 1-based **line** each item came
from (for a single-document file: the item's position in the file, 1-based). A line
that is not valid JSON counts as one input row and is quarantined with its line number
by :func:`compose`, so that rows in = rows kept + rows quarantined always holds.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kommunesm import schema
from kommunesm.errors import InputError
from kommunesm.io import tabular
from kommunesm.io.tabular import LoadResult, RawTable

Extractor = Callable[[Any], Iterable[dict]]


def load_documents(path: str | Path) -> tuple[list[tuple[int, Any]], list[dict]]:
    """The JSON values of a file with their line numbers, and the malformed lines.

    A file that parses as one JSON document gives one value (line 1), or one value per
    element when the document is a list of response pages (element ``i`` gets ``i``).
    Otherwise the file is read as JSON lines.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not UTF-8 text ({exc.reason})", file=path.name, expected="UTF-8 JSON"
        ) from None
    if not text.strip():
        raise InputError("the file is empty", file=path.name, expected="a JSON API response")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    else:
        if isinstance(doc, list) and doc and all(isinstance(d, dict) for d in doc):
            if any(_looks_like_page(d) for d in doc):
                return [(i + 1, d) for i, d in enumerate(doc)], []
        return [(1, doc)], []
    values: list[tuple[int, Any]] = []
    bad: list[dict] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            bad.append(
                {
                    "source_file": path.name,
                    "source_row": number,
                    "column": "(line)",
                    "value": "",
                    "reason": f"not valid JSON ({exc.msg} at character {exc.pos})",
                }
            )
    if not values and bad:
        raise InputError(
            "no line of the file is valid JSON",
            file=path.name,
            row=bad[0]["source_row"],
            expected="a JSON API response or JSON lines",
        )
    return values, bad


def _looks_like_page(obj: dict) -> bool:
    return any(k in obj for k in ("data", "items", "paging", "meta", "kind", "error"))


def read_items(
    path: str | Path, extract: Extractor, *, fields: Iterable[str] = (), flatten_sep: str = "."
) -> tuple[RawTable, list[dict], dict[str, Any]]:
    """Items of every response in ``path`` as a :class:`RawTable` of text.

    Parameters
    ----------
    path
        The JSON / JSON-lines file.
    extract
        ``extract(value) -> items``: the item dicts of one response (e.g.
        ``value["data"]``). It may also return the value itself when the line is an
        item.
    fields
        Optional API fields: added as all-missing text columns when no item has them.

    Returns
    -------
    raw, bad_lines, info
        ``raw.rows`` holds the line of each item; ``bad_lines`` are quarantine records of
        malformed lines; ``info`` counts responses and items.
    """
    path = Path(path)
    values, bad = load_documents(path)
    records: list[dict] = []
    rows: list[int] = []
    for number, value in values:
        items = list(extract(value))
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                continue
            records.append(item)
            rows.append(position if len(values) == 1 and number == 1 else number)
    frame = pd.json_normalize(records, sep=flatten_sep) if records else pd.DataFrame()
    frame = frame.map(_as_text) if len(frame.columns) else frame
    frame = frame.astype("str") if len(frame.columns) else frame
    raw = RawTable(
        frame=frame.reset_index(drop=True),
        rows=pd.Series(rows, dtype="int64"),
        path=path.name,
        encoding="utf-8",
        delimiter=None,
        header_row=0,
        skipped=tabular.skipped_frame(),
    )
    return ensure_columns(raw, fields), bad, {"responses": len(values), "items": len(records)}


def _as_text(value: Any) -> object:
    """Cell value as text: lists joined with ``|`` (hashtags), JSON for nested lists."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if all(isinstance(v, str | int | float) for v in value):
            return "|".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def build(
    raw: RawTable,
    bad_lines: list[dict],
    table: str,
    *,
    fmt: str,
    meta: Mapping[str, Any],
    required_sources: Iterable[str | tuple[str, ...]],
    derive: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame] | None = None,
) -> LoadResult:
    """The canonical ``table`` from the items of :func:`read_items`: the format's aliases,
    :func:`kommunesm.io.tabular.build_table` (API timestamps in UTC, decimal point) and
    the malformed lines quarantined (:func:`compose`)."""
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(fmt, table))
    result = tabular.build_table(
        raw,
        table,
        mapping,
        fmt=fmt,
        tz="UTC",
        decimal=".",
        derive=derive,
        required_sources=required_sources,
        meta=meta,
    )
    return compose(result, bad_lines)


def compose(result: LoadResult, bad_lines: list[dict]) -> LoadResult:
    """Add the quarantine records of malformed lines to a loader's result."""
    if not bad_lines:
        return result
    quarantine = pd.concat([schema.quarantine_frame(bad_lines), result.quarantine])
    quarantine = quarantine.sort_values("source_row", kind="stable").reset_index(drop=True)
    return LoadResult(
        data=result.data,
        quarantine=quarantine,
        source=result.source,
        table=result.table,
        n_in=result.n_in + len(bad_lines),
        skipped=result.skipped,
        meta={**result.meta, "lines_malformed": len(bad_lines)},
    )


def empty_raw(path: str | Path, columns: Iterable[str]) -> RawTable:
    """A RawTable with no rows (for a response without items)."""
    return RawTable(
        frame=pd.DataFrame({c: pd.Series([], dtype="str") for c in columns}),
        rows=pd.Series([], dtype="int64"),
        path=Path(path).name,
        encoding="utf-8",
        delimiter=None,
        header_row=0,
        skipped=tabular.skipped_frame(),
    )


def ensure_columns(raw: RawTable, columns: Iterable[str]) -> RawTable:
    """Add all-missing text columns that the items did not have (optional API fields)."""
    frame = raw.frame
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return raw
    frame = frame.assign(**{c: pd.Series(pd.NA, index=frame.index, dtype="str") for c in missing})
    return dataclasses.replace(raw, frame=frame)


def head_objects(path: Path, n: int = 3) -> list[Any]:
    """The first JSON values of a file, for sniffing (never raises)."""
    try:
        with path.open("r", encoding="utf-8-sig", errors="ignore") as fh:
            text = fh.read(2_000_000)
    except OSError:
        return []
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        out = []
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
            if len(out) >= n:
                break
        return out
    if isinstance(doc, list) and doc and all(isinstance(d, dict) for d in doc):
        if any(_looks_like_page(d) for d in doc):
            return doc[:n]
    return [doc]

"""Ingest export files into canonical Parquet tables (``kommunesm ingest`` / ``validate``).

:func:`read_files` detects each file's format (:func:`kommunesm.io.detect.read_file`:
Facebook Insights posts/pages, CrowdTangle / Meta Content Library, Socialbakers, Graph
API comments, Twitter/X, survey, or a canonical table), loads, validates and
pseudonymises it, then combines the files table by table. A row that appears in two
files (the same ``post_id``, or the same page and day …: the keys of
:mod:`kommunesm.schema`) is kept once, from the first file given, and the later copies
are quarantined with the reason. :func:`write` then writes one Parquet file per table,
the quarantine as CSV and a manifest (``ingest.json``) with each source file's SHA-256.

Accounting, per file: ``rows_in = written + quarantined + duplicates`` always, where
*quarantined* are the rows the file's own checks rejected and *duplicates* the rows
already given by an earlier file.

A file that cannot be read at all (unknown format, missing required column, not
found) is reported with an error that names the file; :func:`write` refuses to write
anything while such errors remain, so that ``data/processed`` never holds half an
ingest.

Examples
--------
>>> from kommunesm.io import ingest
>>> result = ingest.read_files(["tests/fixtures/crowdtangle_posts.csv"])  # doctest: +SKIP
>>> result.summary[["file", "table", "rows_in", "written", "quarantined"]]  # doctest: +SKIP
                    file  table  rows_in  written  quarantined
0  crowdtangle_posts.csv  posts        5        3            2
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kommunesm import safe, schema
from kommunesm.errors import InputError
from kommunesm.io import canonical, detect
from kommunesm.io.cache import sha256
from kommunesm.io.tabular import LoadResult
from kommunesm.metrics.response import with_question_flags

__all__ = ["QUARANTINE_FILE", "IngestResult", "read_files", "write"]

#: File name of the quarantine written next to the Parquet tables.
QUARANTINE_FILE = "quarantine.csv"
#: File name of the manifest written next to the Parquet tables.
MANIFEST_FILE = "ingest.json"

_SUMMARY_COLUMNS = [
    "file",
    "format",
    "table",
    "rows_in",
    "written",
    "quarantined",
    "duplicates",
    "skipped_non_data",
    "status",
]


@dataclass
class IngestResult:
    """Files loaded and combined, ready to write.

    Attributes
    ----------
    tables
        Canonical table name → combined, validated table (duplicates across files
        removed).
    quarantine
        Every quarantined row of every file (columns
        :data:`kommunesm.schema.QUARANTINE_COLUMNS`), duplicates across files included.
    summary
        One row per file given: file, format, table, rows_in, written, quarantined,
        duplicates, skipped_non_data, status (``ok`` or ``error: …``).
    errors
        One message per file that could not be read (each names the file).
    sources
        One dict per file read: path, sha256, format, table, rows_in.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    quarantine: pd.DataFrame = field(default_factory=schema.quarantine_frame)
    summary: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_SUMMARY_COLUMNS))
    errors: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True if every file could be read."""
        return not self.errors


def _keys(table: str) -> list[list[str]]:
    fields = schema.FIELDS[table]
    keys = [[f.name] for f in fields.values() if f.unique]
    together = schema._UNIQUE_TOGETHER.get(table)
    if together:
        keys.append(list(together))
    return keys


def _cross_file_duplicates(
    frames: list[pd.DataFrame], names: list[str], table: str
) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """Concatenate one table's frames; rows whose key an earlier file already gave are
    removed and returned as quarantine rows (naming the file that had them first)."""
    combined = pd.concat(frames, ignore_index=True)
    origin = pd.Series(
        [i for i, f in enumerate(frames) for _ in range(len(f))], index=combined.index, dtype=int
    )
    dup = pd.Series(False, index=combined.index)
    first_file = pd.Series(-1, index=combined.index, dtype=int)
    for keys in _keys(table):
        if not set(keys) <= set(combined.columns):
            continue
        # a key repeated *within* one file was already quarantined by that file's loader
        this = combined.duplicated(subset=keys, keep="first") & ~dup
        if this.any():
            firsts = origin.groupby([combined[k] for k in keys], dropna=False).transform("first")
            first_file = first_file.where(~this, firsts)
            dup |= this
    counts = [int((dup & (origin == i)).sum()) for i in range(len(frames))]
    if not dup.any():
        return combined, schema.quarantine_frame(), counts
    rows = combined[dup]
    key_cols = _keys(table)[0]
    quarantine = schema.quarantine_frame(
        {
            "source_file": names[origin.at[i]],
            "source_row": pd.NA,
            "column": "+".join(key_cols),
            "value": ", ".join(str(rows.at[i, k]) for k in key_cols),
            "reason": f"duplicate {'+'.join(key_cols)}: already in {names[first_file.at[i]]} "
            "(the first file given is kept)",
        }
        for i in rows.index
    )
    return combined[~dup].reset_index(drop=True), quarantine, counts


def read_files(paths: Iterable[str | Path]) -> IngestResult:
    """Detect, load, validate and pseudonymise export files and combine them by table.

    Parameters
    ----------
    paths : iterable of str or Path
        Export files, in order of precedence (a row given by two files is kept from the
        first); a folder stands for the files in it (sorted by name).

    Returns
    -------
    IngestResult
        Files that cannot be read are listed in ``errors`` (and in ``summary`` with
        status ``error``); the others are loaded.
    """
    loaded: list[tuple[Path, LoadResult]] = []
    summary: list[dict] = []
    errors: list[str] = []
    expanded: list[Path] = []
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():  # a folder stands for the files in it
            expanded += sorted(
                p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
            )
        else:
            expanded.append(path)
    for path in expanded:
        try:
            if not path.is_file():
                raise InputError("file not found", file=str(path), expected="an export file")
            result = detect.read_file(path)
        except (InputError, OSError, UnicodeError) as exc:
            message = str(exc)
            if path.name not in message:
                message = f"{path.name}: {message}"
            errors.append(message)
            summary.append(
                {"file": path.name, "format": "?", "table": "?", "status": f"error: {message}"}
            )
            continue
        loaded.append((path, result))
        row = result.summary()
        row["file"] = path.name
        summary.append({**row, "duplicates": 0, "status": "ok"})

    tables: dict[str, pd.DataFrame] = {}
    quarantines = [r.quarantine for _, r in loaded]
    by_table: dict[str, list[int]] = {}
    for i, (_, r) in enumerate(loaded):
        by_table.setdefault(r.table, []).append(i)
    ok_rows = [row for row in summary if row["status"] == "ok"]
    for table, members in by_table.items():
        frames = [schema.coerce_dtypes(loaded[i][1].data, table) for i in members]
        names = [loaded[i][0].name for i in members]
        combined, dupes, counts = _cross_file_duplicates(frames, names, table)
        if table in ("comments", "posts"):  # question detection once, at ingest
            combined = with_question_flags(combined, table)
        tables[table] = schema.coerce_dtypes(combined, table)
        quarantines.append(dupes)
        for i, n in zip(members, counts, strict=True):
            ok_rows[i]["duplicates"] = n

    frame = pd.DataFrame(summary).reindex(columns=[*_SUMMARY_COLUMNS, "kept"])
    for col in ("rows_in", "kept", "quarantined", "duplicates", "skipped_non_data"):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    frame["written"] = frame["kept"] - frame["duplicates"]
    frame = frame[_SUMMARY_COLUMNS]
    sources = [
        {
            "file": p.name,
            "path": str(p),
            "sha256": sha256(p),
            "format": r.meta.get("format", ""),
            "table": r.table,
            "rows_in": int(r.n_in),
        }
        for p, r in loaded
    ]
    quarantine = pd.concat(quarantines, ignore_index=True) if quarantines else None
    return IngestResult(
        tables=tables,
        quarantine=quarantine if quarantine is not None else schema.quarantine_frame(),
        summary=frame,
        errors=errors,
        sources=sources,
    )


def write(result: IngestResult, out_dir: str | Path) -> list[Path]:
    """Write the tables of ``result`` as ``<out_dir>/<table>.parquet``, the quarantine
    as ``<out_dir>/quarantine.csv`` and the manifest ``<out_dir>/ingest.json``.

    Tables not in ``result`` are left as they are; the quarantine and the manifest
    describe this ingest only.

    Parameters
    ----------
    result : IngestResult
        What :func:`read_files` read.
    out_dir : str or Path
        The output directory.

    Returns
    -------
    list of Path
        The files written (tables, ``quarantine.csv``, ``ingest.json``).

    Raises
    ------
    InputError
        If some file could not be read (nothing is written).
    """
    if not result.ok:
        raise InputError(
            "nothing was written because some files could not be read: "
            + " | ".join(result.errors),
            expected="only files kommunesm can read (see `kommunesm formats`)",
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table, frame in sorted(result.tables.items()):
        written.append(canonical.write_table(frame, out / f"{table}.parquet", table))
    quarantine = out / QUARANTINE_FILE
    safe.write_csv(result.quarantine, quarantine)
    manifest = out / MANIFEST_FILE
    manifest.write_text(
        json.dumps(
            {
                "sources": result.sources,
                "tables": {t: len(f) for t, f in sorted(result.tables.items())},
                "quarantined": len(result.quarantine),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return [*written, quarantine, manifest]

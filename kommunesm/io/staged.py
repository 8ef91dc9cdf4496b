"""Staged Parquet files of an ingest combined into one table, keys checked by DuckDB.

:func:`combine` is used by the streaming ingest (:mod:`kommunesm.io.stream`) and by
:func:`kommunesm.io.ingest.write` when it appends a streamed table to a snapshot: rows
whose key an earlier file gave are removed (the first file given wins) and quarantined
as :func:`kommunesm.io.ingest.read_files` does; a key repeated inside one streamed file
(across blocks) is quarantined as :func:`kommunesm.schema.validate` does. DuckDB finds
the repeated keys (``GROUP BY key HAVING count(*) > 1``) over the files; only those rows
come back to pandas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kommunesm import schema

__all__ = ["combine"]

#: Staged column: the row's number in its source file (not written).
_ROW = "__source_row"
#: Prefix of the staged copies of unknown columns (compared for duplicates, not written).
_EXTRA = "__extra:"


def _keys(table: str) -> list[list[str]]:
    """The key column sets of ``table`` (unique columns, then the unique-together set)."""
    fields = schema.FIELDS[table]
    keys = [[f.name] for f in fields.values() if f.unique]
    together = schema._UNIQUE_TOGETHER.get(table)
    if together:
        keys.append(list(together))
    return keys


def _duplicate_rows(files: list[Path], table: str, memory_limit: str | None) -> pd.DataFrame:
    """Every row of ``files`` whose key occurs more than once (all columns, plus
    ``__file`` and ``__pos``: file number and row position), from DuckDB."""
    import duckdb

    key_sets = [k for k in _keys(table)]
    con = duckdb.connect()
    try:
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET preserve_insertion_order = false")
        listing = ", ".join(f"'{p.as_posix()}'" for p in files)
        con.execute(
            "CREATE VIEW k_all AS SELECT * EXCLUDE (filename, file_row_number), "
            f"list_position([{listing}], filename) - 1 AS __file, file_row_number AS __pos "
            f"FROM read_parquet([{listing}], union_by_name = true, filename = true, "
            "file_row_number = true)"
        )
        names = [r[0] for r in con.execute("DESCRIBE k_all").fetchall()]
        frames = []
        for keys in key_sets:
            if not set(keys) <= set(names):
                continue
            cols = ", ".join(f'"{k}"' for k in keys)
            sql = (
                f"SELECT * FROM k_all SEMI JOIN (SELECT {cols} FROM k_all GROUP BY {cols} "
                f"HAVING count(*) > 1) AS d USING ({cols})"
            )
            frames.append(con.execute(sql).df())
    finally:
        con.close()
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True).drop_duplicates(subset=["__file", "__pos"])
    return out.sort_values(["__file", "__pos"], kind="stable").reset_index(drop=True)


def combine(
    staged_files: list[Path],
    labels: list[str],
    table: str,
    target: Path,
    *,
    within_file: list[bool] | None = None,
    memory_limit: str | None = "1GB",
) -> tuple[Path, list[pd.DataFrame], list[int], list[int]]:
    """One table from staged Parquet files: rows whose key an earlier file gave are
    removed (the first file given wins) and quarantined as
    :func:`kommunesm.io.ingest.read_files` does; a key repeated *within* a streamed
    file across blocks is quarantined as :func:`kommunesm.schema.validate` does.

    Parameters
    ----------
    staged_files : list of Path
        Staged Parquet files, in order of precedence.
    labels : list of str
        The source file names (for reasons and the quarantine).
    table : str
        Canonical table name.
    target : Path
        The combined Parquet file to write.
    within_file : list of bool, optional
        Per file: its rows carry source row numbers and a repeated key inside it is a
        within-file duplicate (streamed files).
    memory_limit : str, optional
        DuckDB's memory limit for the duplicate check.

    Returns
    -------
    target, quarantines, within, across
        The file written; per file the quarantine rows of within-file duplicates (to be
        merged into that file's quarantine); the counts of within-file and cross-file
        duplicates per file; cross-file quarantine rows come last in ``quarantines``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    within_file = within_file or [True] * len(staged_files)
    dups = _duplicate_rows(staged_files, table, memory_limit)
    drop: dict[int, np.ndarray] = {}
    per_file_q: list[list[dict]] = [[] for _ in staged_files]
    cross_q: list[dict] = []
    n_within = [0] * len(staged_files)
    n_across = [0] * len(staged_files)
    if len(dups):
        data_cols = [
            c
            for c in dups.columns
            if c not in ("__file", "__pos", _ROW) and not c.startswith(_EXTRA)
        ]
        # the robust path compares rows before question detection
        compare_cols = [c for c in data_cols if c not in ("is_question", "question_detector")]
        frame = schema.coerce_dtypes(dups[data_cols], table)[compare_cols]
        hidden = [c for c in dups.columns if c.startswith(_EXTRA)]
        with_extras = pd.concat(
            [frame, dups[hidden].rename(columns=lambda c: c[len(_EXTRA) :])], axis=1
        )
        removed = pd.Series(False, index=dups.index)
        for keys in _keys(table):
            if not set(keys) <= set(dups.columns):
                continue
            grp = [frame[k] for k in keys]
            # within one streamed file: a key seen in an earlier block of the same file
            in_file = dups.groupby([*grp, dups["__file"]], dropna=False).cumcount() > 0
            in_file &= dups["__file"].map(lambda f: within_file[int(f)]) & ~removed
            first_in_file = (
                pd.Series(dups.index, index=dups.index)
                .groupby([*grp, dups["__file"]], dropna=False)
                .transform("first")
            )
            for i in dups.index[in_file.to_numpy()]:
                j = first_in_file.at[i]
                differ = schema.differing_columns(with_extras, i, j)
                row_j = int(dups.at[j, _ROW])
                what = (
                    f"conflicting duplicate {'+'.join(keys)}: differs from row {row_j} in "
                    f"{', '.join(differ)}"
                    if differ
                    else f"duplicate {'+'.join(keys)} (same as row {row_j})"
                )
                f = int(dups.at[i, "__file"])
                per_file_q[f].append(
                    {
                        "source_file": labels[f],
                        "source_row": int(dups.at[i, _ROW]),
                        "column": "+".join(keys),
                        "value": ", ".join(str(frame.at[i, k]) for k in keys),
                        "reason": what,
                    }
                )
                n_within[f] += 1
            removed |= in_file
        for keys in _keys(table):
            if not set(keys) <= set(dups.columns):
                continue
            live = dups.index[~removed.to_numpy()]
            sub = frame.loc[live]
            grp = [sub[k] for k in keys]
            later = sub.duplicated(subset=keys, keep="first")
            first = pd.Series(live, index=live).groupby(grp, dropna=False).transform("first")
            key_cols = _keys(table)[0]
            for i in live[later.to_numpy()]:
                j = first.at[i]
                differ = schema.differing_columns(frame, i, j)
                where = labels[int(dups.at[j, "__file"])]
                what = (
                    f"conflicting duplicate {'+'.join(key_cols)}: already in {where} with "
                    f"other values in {', '.join(differ)} (the first file given is kept)"
                    if differ
                    else f"duplicate {'+'.join(key_cols)}: already in {where} "
                    "(the first file given is kept)"
                )
                f = int(dups.at[i, "__file"])
                cross_q.append(
                    {
                        "source_file": labels[f],
                        "source_row": pd.NA,
                        "column": "+".join(key_cols),
                        "value": ", ".join(str(frame.at[i, k]) for k in key_cols),
                        "reason": what,
                    }
                )
                n_across[f] += 1
            removed.loc[live[later.to_numpy()]] = True
        for f in range(len(staged_files)):
            pos = dups.loc[removed & (dups["__file"] == f), "__pos"].to_numpy(dtype=np.int64)
            if len(pos):
                drop[f] = pos
    out_schema = None
    writer = None
    try:
        for f, path in enumerate(staged_files):
            source = pq.ParquetFile(path)
            offset = 0
            for g in range(source.num_row_groups):
                part = source.read_row_group(g)
                if f in drop:
                    pos = pa.array(np.arange(offset, offset + part.num_rows, dtype=np.int64))
                    part = part.filter(pc.invert(pc.is_in(pos, pa.array(drop[f]))))
                offset += source.metadata.row_group(g).num_rows
                hidden = [c for c in part.column_names if c == _ROW or c.startswith(_EXTRA)]
                if hidden:
                    part = part.drop_columns(hidden)
                if writer is None:
                    out_schema = _clean_schema(part.schema)
                    writer = pq.ParquetWriter(target, out_schema)
                part = _conform(part, out_schema, table)
                writer.write_table(part, row_group_size=max(part.num_rows, 1))
        if writer is None:  # no rows at all
            frame = schema.coerce_dtypes(schema.empty(table), table)
            frame.to_parquet(target, index=False)
    finally:
        if writer is not None:
            writer.close()
    quarantines = [schema.quarantine_frame(q) for q in per_file_q] + [
        schema.quarantine_frame(cross_q)
    ]
    return target, quarantines, n_within, n_across


def _clean_schema(s):
    """``s`` without the staging column in its pandas metadata."""
    import json

    import pyarrow as pa

    meta = dict(s.metadata or {})
    if b"pandas" in meta:
        info = json.loads(meta[b"pandas"])
        info["columns"] = [
            c
            for c in info["columns"]
            if c.get("name") != _ROW and not str(c.get("name")).startswith(_EXTRA)
        ]
        info["column_indexes"] = info.get("column_indexes", [])
        meta[b"pandas"] = json.dumps(info).encode()
    keep = [f for f in s if f.name != _ROW and not f.name.startswith(_EXTRA)]
    return pa.schema(keep, metadata=meta)


def _conform(part, out_schema, table: str):
    """``part`` with the columns of ``out_schema`` (files of one table may differ in
    their extra columns: through pandas, as the robust path's concat would)."""
    import pyarrow as pa

    if part.schema.remove_metadata() == out_schema.remove_metadata():
        return part.replace_schema_metadata(out_schema.metadata)
    frame = part.to_pandas()
    for name in out_schema.names:
        if name not in frame.columns:
            frame[name] = pd.NA
    frame = schema.coerce_dtypes(frame[out_schema.names], table)
    return pa.Table.from_pandas(frame, preserve_index=False).cast(out_schema)

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

Privacy: columns kommunesm does not know are **not written** unless named in
``keep_columns`` (``--keep-column``); the dropped ones are listed by name in the
summary (``dropped_columns``). Person ids are pseudonymised by the loaders in every
input shape, and free text (comments, post texts, free-text survey answers, the
quarantine) is scrubbed again with every author name, id and handle seen in the *whole*
ingest (:func:`kommunesm.io.detect.scrub_across_files`).

Writes are atomic, locked and complete: :func:`write` builds the new snapshot in a
temporary folder beside ``out_dir`` (tables, quarantine, manifest last) and swaps it in
whole; a lock file (``.<out_dir>.lock``) makes a second concurrent ingest fail with a
clear message; an ingest replaces the whole previous snapshot (no stale tables) or,
with ``append=True``, adds to it, the manifest listing every source file. An ingest
interrupted at any point (even SIGKILL) leaves the previous snapshot readable.

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
import os
import shutil
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

__all__ = ["QUARANTINE_FILE", "IngestResult", "expand_paths", "read_files", "write"]

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
    "dropped_columns",
    "status",
]


@dataclass
class IngestResult:
    """Files loaded and combined, ready to write.

    Attributes
    ----------
    tables
        Canonical table name → combined, validated table (duplicates across files
        removed): a DataFrame, or the path of a Parquet file holding it (the streaming
        path, :func:`kommunesm.io.stream.read_files`).
    quarantine
        Every quarantined row of every file (columns
        :data:`kommunesm.schema.QUARANTINE_COLUMNS`), duplicates across files included.
    summary
        One row per file given: file, format, table, rows_in, written, quarantined,
        duplicates, skipped_non_data, dropped_columns (unknown columns not written,
        by name), status (``ok`` or ``error: …``).
    errors
        One message per file that could not be read (each names the file).
    sources
        One dict per file read: path, sha256, format, table, rows_in.
    """

    tables: dict[str, pd.DataFrame | Path] = field(default_factory=dict)
    quarantine: pd.DataFrame = field(default_factory=schema.quarantine_frame)
    summary: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_SUMMARY_COLUMNS))
    errors: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    #: What a careful reader should know about how files were read ("file: note"):
    #: mixed encodings by line, day/month evidence, date-only values, ambiguous
    #: municipality names with their candidates …
    notes: list[str] = field(default_factory=list)
    #: The streaming path's folder of staged Parquet files (removed by :func:`write`).
    staging: Path | None = None

    @property
    def ok(self) -> bool:
        """True if every file could be read."""
        return not self.errors


def _keys(table: str) -> list[list[str]]:
    from kommunesm.io.staged import _keys as keys

    return keys(table)


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
    first_idx = (
        pd.Series(combined.index, index=combined.index)
        .groupby([combined[k] for k in key_cols], dropna=False)
        .transform("first")
    )

    def reason(i: int) -> str:
        differ = schema.differing_columns(combined, i, first_idx.at[i])
        where = names[first_file.at[i]] if first_file.at[i] >= 0 else "an earlier file"
        if differ:
            return (
                f"conflicting duplicate {'+'.join(key_cols)}: already in {where} with other "
                f"values in {', '.join(differ)} (the first file given is kept)"
            )
        return f"duplicate {'+'.join(key_cols)}: already in {where} (the first file given is kept)"

    quarantine = schema.quarantine_frame(
        {
            "source_file": names[origin.at[i]],
            "source_row": pd.NA,
            "column": "+".join(key_cols),
            "value": ", ".join(str(rows.at[i, k]) for k in key_cols),
            "reason": reason(i),
        }
        for i in rows.index
    )
    return combined[~dup].reset_index(drop=True), quarantine, counts


def read_files(paths: Iterable[str | Path], *, keep_columns: Iterable[str] = ()) -> IngestResult:
    """Detect, load, validate and pseudonymise export files and combine them by table.

    Parameters
    ----------
    paths : iterable of str or Path
        Export files, in order of precedence (a row given by two files is kept from the
        first); a folder stands for the files in it (sorted by name).
    keep_columns : Iterable[str], optional
        Columns kommunesm does not know that should nevertheless be kept (by their
        name in the file). All other unknown columns are dropped and listed.

    Returns
    -------
    IngestResult
        Files that cannot be read are listed in ``errors`` (and in ``summary`` with
        status ``error``); the others are loaded.
    """
    keep = set(keep_columns)
    loaded: list[tuple[Path, LoadResult]] = []
    summary: list[dict] = []
    errors: list[str] = []
    expanded = expand_paths(paths)
    notes: list[str] = []
    for path in expanded:
        try:
            if not path.is_file():
                raise InputError("file not found", file=str(path), expected="an export file")
            result = detect.read_file(path)
        except (InputError, OSError, UnicodeError, EOFError) as exc:
            message = str(exc)
            if path.name not in message:
                message = f"{path.name}: {message}"
            errors.append(message)
            summary.append(
                {"file": path.name, "format": "?", "table": "?", "status": f"error: {message}"}
            )
            continue
        notes += [f"{path.name}: {n}" for n in result.meta.get("notes") or []]
        dropped = _drop_unknown_columns(result, keep)
        loaded.append((path, result))
        row = result.summary()
        row["file"] = path.name
        summary.append(
            {**row, "duplicates": 0, "dropped_columns": ", ".join(dropped), "status": "ok"}
        )
    # names, ids and handles seen anywhere in the ingest are scrubbed everywhere
    detect.scrub_across_files(r for _, r in loaded)

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
    frame["dropped_columns"] = frame["dropped_columns"].astype("object").fillna("").astype("str")
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
        notes=notes,
    )


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: each folder replaced by the files in it.

    Parameters
    ----------
    paths : iterable of str or Path
        Files and folders, in order of precedence.

    Returns
    -------
    list of Path
        The files, folders expanded to their files (sorted by name, hidden files left
        out), in the order given.
    """
    expanded: list[Path] = []
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():  # a folder stands for the files in it
            expanded += sorted(
                p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
            )
        else:
            expanded.append(path)
    return expanded


def _drop_unknown_columns(result: LoadResult, keep: set[str]) -> list[str]:
    """Drop the columns of ``result.data`` that are not canonical and not in ``keep``;
    return their names (they are listed in the summary, never dropped silently)."""
    known = set(schema.FIELDS[result.table])
    from_file = set(result.meta.get("columns_kept_unmapped") or ())
    extra = [c for c in result.data.columns if c not in known and c in from_file]
    dropped = [c for c in extra if c not in keep]
    if dropped:
        result.data = result.data.drop(columns=dropped)
    result.meta["columns_dropped"] = dropped
    return dropped


LOCK_SUFFIX = ".lock"


def _lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}{LOCK_SUFFIX}"


def _recover(out: Path) -> None:
    """Finish or undo a swap that was interrupted (the only non-atomic moment is
    between the two renames of :func:`write`)."""
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        os.replace(olds[-1], out)
        olds = olds[:-1]
    for stale in [*olds, *out.parent.glob(f".{out.name}.tmp-*")]:
        shutil.rmtree(stale, ignore_errors=True)


def _existing_manifest(out: Path) -> dict | None:
    manifest = out / MANIFEST_FILE
    if not out.exists():
        return None
    if manifest.is_file():
        try:
            return json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            pass
    visible = [p for p in out.iterdir() if not p.name.startswith(".")]
    if visible:
        raise InputError(
            f"{out} holds files that no kommunesm ingest wrote (no valid {MANIFEST_FILE}); "
            "refusing to replace them",
            file=str(out),
            expected="an empty folder or one written by `kommunesm ingest`",
            got=", ".join(sorted(p.name for p in visible)[:5]),
        )
    return None


def write(
    result: IngestResult,
    out_dir: str | Path,
    *,
    append: bool = False,
    lock_timeout: float = 0,
) -> list[Path]:
    """Write the tables of ``result`` as ``<out_dir>/<table>.parquet``, the quarantine
    as ``<out_dir>/quarantine.csv`` and the manifest ``<out_dir>/ingest.json``,
    atomically.

    The new snapshot is written into a temporary folder beside ``out_dir`` (manifest
    last) and swapped in whole. Without ``append`` it replaces the previous snapshot
    entirely; with ``append`` the previous snapshot's tables come first (their rows
    win over repeated keys), the new files' rows are added, the quarantine is
    extended, and the manifest lists every source file of both.

    Parameters
    ----------
    result : IngestResult
        What :func:`read_files` read.
    out_dir : str or Path
        The output directory.
    append : bool, default False
        Add to the snapshot in ``out_dir`` instead of replacing it.
    lock_timeout : float, default 0
        Seconds to wait for another ingest's lock before giving up.

    Returns
    -------
    list of Path
        The files written (tables, ``quarantine.csv``, ``ingest.json``).

    Raises
    ------
    InputError
        If some file could not be read (nothing is written), if another ingest holds
        the lock on ``out_dir``, or if ``out_dir`` holds files no ingest wrote.
    """
    from filelock import FileLock, Timeout

    if not result.ok:
        raise InputError(
            "nothing was written because some files could not be read: "
            + " | ".join(result.errors),
            expected="only files kommunesm can read (see `kommunesm formats`)",
        )
    out = Path(out_dir).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(_lock_path(out)))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout:
        raise InputError(
            f"another kommunesm ingest is writing to {out} right now (lock file "
            f"{_lock_path(out)}); nothing was written. Wait for it to finish and run again",
            file=str(out),
        ) from None
    try:
        _recover(out)
        previous = _existing_manifest(out)
        tables = dict(result.tables)
        quarantine = result.quarantine
        sources = list(result.sources)
        if append and previous is not None:
            tables, quarantine, sources = _merge_previous(out, previous, result)
        tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for table, frame in sorted(tables.items()):
            if isinstance(frame, Path):  # staged by the streaming path, validated
                shutil.move(frame, tmp / f"{table}.parquet")
            else:
                canonical.write_table(frame, tmp / f"{table}.parquet", table)
        safe.write_csv(quarantine, tmp / QUARANTINE_FILE)
        manifest = {
            "sources": sources,
            "tables": {t: _n_rows(tmp / f"{t}.parquet") for t in sorted(tables)},
            "files": sorted([f"{t}.parquet" for t in tables] + [QUARANTINE_FILE]),
            "quarantined": len(quarantine),
            "appended": bool(append and previous is not None),
        }
        if out.is_dir():  # hidden files that are not ours (.gitkeep) stay
            for hidden in out.iterdir():
                if hidden.name.startswith(".") and hidden.is_file():
                    shutil.copy2(hidden, tmp / hidden.name)
        _fsync_dir(tmp)
        safe.atomic_write_bytes(
            tmp / MANIFEST_FILE, (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
        )
        _fsync_dir(tmp)
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
        _fsync_dir(out.parent)
    finally:
        lock.release()
        if result.staging is not None:
            shutil.rmtree(result.staging, ignore_errors=True)
    return [out / name for name in manifest["files"]] + [out / MANIFEST_FILE]


def _n_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _merge_previous(
    out: Path, previous: dict, result: IngestResult
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, list[dict]]:
    tables: dict[str, pd.DataFrame] = {}
    quarantines = []
    old_q = out / QUARANTINE_FILE
    if old_q.is_file():
        quarantines.append(pd.read_csv(old_q, dtype=str, keep_default_na=False))
    names = sorted(set(previous.get("tables", {})) | set(result.tables))
    for table in names:
        frames, labels = [], []
        path = out / f"{table}.parquet"
        new = result.tables.get(table)
        if new is None and result.staging is not None and path.is_file():
            tables[table] = Path(shutil.copy2(path, result.staging / f"{table}.previous.parquet"))
            continue
        if isinstance(new, Path):  # streaming: combined on disk, by DuckDB
            from kommunesm.io import staged

            files = [path, new] if path.is_file() else [new]
            which = [f"the existing {table}.parquet", "this ingest"][-len(files) :]
            target = new.with_name(f"{table}.appended.parquet")
            _, qs, _, _ = staged.combine(
                files, which, table, target, within_file=[False] * len(files)
            )
            tables[table] = target
            if len(qs[-1]):
                quarantines.append(qs[-1])
            continue
        if path.is_file():
            frames.append(schema.coerce_dtypes(pd.read_parquet(path), table))
            labels.append(f"the existing {table}.parquet")
        if table in result.tables:
            frames.append(result.tables[table])
            labels.append("this ingest")
        combined, dupes, _ = _cross_file_duplicates(frames, labels, table)
        tables[table] = schema.coerce_dtypes(combined, table)
        if len(dupes):
            quarantines.append(dupes)
    quarantines.append(result.quarantine)
    quarantine = (
        pd.concat([q.astype("str") for q in quarantines if len(q)], ignore_index=True)
        if any(len(q) for q in quarantines)
        else schema.quarantine_frame()
    )
    seen = {s["sha256"] for s in result.sources}
    sources = [s for s in previous.get("sources", []) if s.get("sha256") not in seen]
    return tables, quarantine, sources + list(result.sources)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

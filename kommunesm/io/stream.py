"""Streaming ingest: canonical tables read in blocks and written as Parquet row groups.

:func:`read_files` is the fast path of :func:`kommunesm.io.ingest.read_files` (``kommunesm
ingest --stream``). A canonical table (``comments.csv``, ``posts.csv.gz``,
``page_days.parquet`` … — what kommunesm writes and what the largest panels come as) is
read in blocks of rows by pyarrow's multi-threaded CSV reader (or Parquet row groups)
instead of Python's ``csv`` module; each block goes through **the same functions** as the
robust reader — :func:`kommunesm.io.tabular.build_table` (parsing, the quarantine with
its reasons, the keyed pseudonyms of :func:`kommunesm.io.privacy.pseudonymise`, the
scrubber :func:`kommunesm.io.privacy.scrub_text`, each hashing or scrubbing a distinct
value once), :func:`kommunesm.schema.validate` and question detection
(:func:`kommunesm.metrics.response.with_question_flags`) — and is appended to a Parquet
file as a row group. Memory is bounded by the block, not the file.

Key uniqueness across blocks and duplicates across files are checked by DuckDB over the
staged Parquet files (``GROUP BY key HAVING count(*) > 1``); only the duplicated keys come
back to Python, where the reasons are written exactly as the robust path writes them.
The result is an :class:`~kommunesm.io.ingest.IngestResult` whose tables are Parquet
paths; :func:`kommunesm.io.ingest.write` writes it with every guarantee of an ingest
(lock, atomic swap, manifest, ``append``).

A file the fast reader cannot take exactly as the robust reader would — another
delimiter than the robust reader's sniffer picks, blank lines, bare carriage returns,
rows with too many or too few cells, text that is not UTF-8, a header cell with spaces or
repeated, a file cut short — and every export that is not a canonical table (Facebook
Insights, CrowdTangle …) is read by the robust reader (:func:`kommunesm.io.detect.read_file`)
and staged the same way. ``tests/test_stream.py`` checks that both paths give the same
tables and the same quarantine on the test fixtures and on the demo panel.
"""

from __future__ import annotations

import csv
import functools
import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kommunesm import schema
from kommunesm.errors import InputError
from kommunesm.io import canonical, detect, privacy, tabular
from kommunesm.io.cache import sha256
from kommunesm.io.staged import _EXTRA, _ROW, combine
from kommunesm.io.tabular import FREE_TEXT_COLUMNS, LoadResult

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["BLOCK_ROWS", "read_files"]

#: Rows per block (one Parquet row group each) for the streaming reader.
BLOCK_ROWS = 250_000
_SCAN = 1 << 24
#: Pseudonyms remembered across the blocks of a file (then hashed again).
_CACHE_MAX = 2_000_000


# --------------------------------------------------------------------------- eligibility
def _text_chunks(path: Path) -> Iterator[bytes]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        while chunk := fh.read(_SCAN):
            yield chunk


def _fast_csv(path: Path) -> tuple[list[str], str] | None:
    """``(header, delimiter)`` if pyarrow can read ``path`` exactly as
    :func:`kommunesm.io.tabular.read_raw` would; None otherwise (robust reader)."""
    try:
        if path.stat().st_size == 0:
            return None
        head = b""
        last = b""
        tail = b""
        for chunk in _text_chunks(path):
            data = tail + chunk
            if len(head) < 1 << 16:
                head += chunk[: (1 << 16) - len(head)]
            # blank lines and bare CRs are numbered and reported by the robust reader
            if b"\n\n" in data or b"\n\r\n" in data:
                return None
            if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
                return None
            tail = chunk[-2:]
            last = chunk
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if not last.endswith(b"\n"):
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head[: head.rfind(b"\n")].decode("utf-8", errors="strict")
    text = text.lstrip("\ufeff")
    lines = [ln for ln in text.splitlines() if ln.strip()][:30]
    if not lines:
        return None
    delimiter = tabular._sniff_delimiter(lines)
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    if any(h != h.strip() or not h for h in header) or len(set(header)) != len(header):
        return None
    return header, delimiter


# --------------------------------------------------------------------------- blocks
def _csv_blocks(path: Path, header: list[str], delimiter: str) -> Iterator[pa.Table]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    source: object = path
    if path.name.lower().endswith(".gz"):
        source = pa.CompressedInputStream(pa.OSFile(str(path)), "gzip")
    reader = pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(block_size=32 << 20),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    for batch in reader:  # pyarrow's blocks, cut to BLOCK_ROWS (zero-copy slices)
        for start in range(0, batch.num_rows, BLOCK_ROWS):
            yield pa.Table.from_batches([batch.slice(start, BLOCK_ROWS)])


def _raw_block(frame: pd.DataFrame, numbers: np.ndarray, display: str, delimiter: str):
    """A :class:`~kommunesm.io.tabular.RawTable` of rows with their record numbers;
    rows whose cells are all blank are skipped as the robust reader skips them."""
    frame = frame.astype("str").reset_index(drop=True)
    numbers = pd.Series(numbers, index=frame.index, dtype="int64")
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        blank &= (frame[col].str.strip() == "").to_numpy()
    skipped = tabular.skipped_frame(
        {"source_row": int(r), "reason": "blank row"} for r in numbers[blank]
    )
    if blank.any():
        frame = frame[~blank].reset_index(drop=True)
        numbers = numbers[~blank].reset_index(drop=True)
    return tabular.RawTable(
        frame=frame,
        rows=numbers.astype("int64"),
        path=display,
        encoding="utf-8",
        delimiter=delimiter,
        header_row=1,
        skipped=skipped,
    )


# --------------------------------------------------------------------------- clean lane
#: Python's ``str.strip`` whitespace (a value with any of it at either end is not plain).
_WS_CHARS = [chr(c) for c in range(0x3001) if chr(c).isspace()]
_ISO_OFFSET = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})$"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_COUNT = r"^\d{1,15}$"


def _clean_lane(block: pa.Table, table: str) -> tuple[np.ndarray, dict[str, pa.Array]]:
    """Which rows of ``block`` (all text) are plain — every canonical value in the one
    spelling the robust parsers read in a single obvious way (ISO timestamps with an
    offset, ``true``/``false``, digits, no padding) — and their parsed columns (Arrow,
    vectorised). The other rows go through :func:`kommunesm.io.tabular.build_table`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = schema.FIELDS[table]
    ok = np.ones(block.num_rows, dtype=bool)
    out: dict[str, pa.Array] = {}
    tokens = pa.array(sorted(schema.NA_TOKENS), pa.string())
    max_token = max(len(t) for t in schema.NA_TOKENS)
    first, last = tabular._date_window(None)

    def npy(mask: pa.Array) -> np.ndarray:
        return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)

    for name in block.column_names:
        f = fields.get(name)
        if f is None:
            continue
        arr = block.column(name)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        kind = f.kind
        if kind in ("id", "text", "category"):  # the parsers of the others refuse padding
            edges = pa.array(_WS_CHARS, pa.string())
            padded = pc.or_(
                pc.is_in(pc.utf8_slice_codeunits(arr, 0, 1), value_set=edges),
                pc.is_in(pc.utf8_slice_codeunits(arr, -1), value_set=edges),
            )
            ok &= ~npy(padded)
        short = pc.less_equal(pc.utf8_length(arr), max_token)
        empty = pa.scalar("", pa.string())
        missing = npy(pc.is_in(pc.utf8_lower(pc.if_else(short, arr, empty)), value_set=tokens))
        missing &= npy(short)
        may_miss = missing & f.nullable
        null = pa.scalar(None, pa.string())
        if kind == "id":
            ok &= ~missing
            out[name] = arr
        elif kind == "text":
            if not f.nullable:
                ok &= ~missing
            out[name] = pc.if_else(pa.array(missing), null, arr)
        elif kind == "category":
            ok &= may_miss | npy(pc.is_in(arr, value_set=pa.array(list(f.allowed or ()))))
            out[name] = pc.if_else(pa.array(missing), null, arr)
        elif kind == "bool":
            low = pc.utf8_lower(arr)
            yes = npy(pc.is_in(low, value_set=pa.array(sorted(tabular._TRUE))))
            no = npy(pc.is_in(low, value_set=pa.array(sorted(tabular._FALSE))))
            ok &= yes | no | may_miss
            out[name] = pa.array(np.where(yes, True, False), mask=~(yes | no))
        elif kind == "count":
            digits = npy(pc.match_substring_regex(arr, _COUNT))
            ok &= digits | may_miss
            out[name] = pc.cast(pc.if_else(pa.array(digits), arr, null), pa.int64())
        elif kind in ("datetime", "date"):
            good = npy(
                pc.match_substring_regex(arr, _ISO_OFFSET if kind == "datetime" else _ISO_DATE)
            )
            ok &= good | may_miss
            target = pa.timestamp("us", tz="UTC") if kind == "datetime" else pa.timestamp("us")
            try:
                stamps = pc.cast(pc.if_else(pa.array(good), arr, null), target)
            except pa.ArrowInvalid:  # e.g. month 13: the robust parser decides
                ok &= False
                stamps = pa.nulls(len(arr), target)
            day = stamps
            if kind == "datetime":  # the local calendar day, as tabular._outside
                day = pc.local_timestamp(stamps.cast(pa.timestamp("us", tz=schema.TZ)))
            day = pc.floor_temporal(day, unit="day")
            lo = pa.scalar(first.to_datetime64(), pa.timestamp("us"))
            hi = pa.scalar(last.to_datetime64(), pa.timestamp("us"))
            inside = npy(pc.and_(pc.greater_equal(day, lo), pc.less_equal(day, hi)))
            ok &= inside | may_miss
            out[name] = stamps
        else:  # numbers, durations …: the robust parser
            ok &= may_miss
            out[name] = pa.nulls(len(arr), pa.float64())
    return ok, out


def _per_unique(values: pd.Series, fn, cache: dict | None = None) -> pd.Series:
    """``fn(values)`` computed once per distinct value and mapped back (``fn`` must be
    elementwise, as the keyed pseudonyms and the scrubber are); ``cache`` keeps the
    results across the blocks of a file, so a value is computed once per file."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return fn(values)
    if cache is None:
        done = fn(pd.Series(uniques, dtype=values.dtype)).to_numpy(dtype=object)
    else:
        keys = list(uniques)
        new = [u for u in keys if u not in cache]
        if new:
            cache.update(zip(new, fn(pd.Series(new, dtype=values.dtype)).tolist(), strict=True))
        done = np.array([cache[u] for u in keys], dtype=object)
        if len(cache) > _CACHE_MAX:  # bounded: a huge file's ids are hashed again
            cache.clear()
    mapped = np.where(codes >= 0, done[np.maximum(codes, 0)], None)
    return pd.Series(mapped, index=values.index, dtype="str")


def _lane_frame(
    columns: dict[str, pa.Array],
    ok: np.ndarray,
    table: str,
    ids: dict | None = None,
    seen: dict | None = None,
) -> pd.DataFrame:
    """The clean rows as build_table would return them (page replies' authors, keyed
    pseudonyms, scrubbed free text, canonical dtypes); the persons pseudonymised are
    remembered in ``seen`` (:func:`kommunesm.io.tabular.remember_persons`)."""
    import pyarrow as pa

    mask = pa.array(ok)
    frame = pa.table({k: v.filter(mask) for k, v in columns.items()}).to_pandas(
        types_mapper={pa.bool_(): pd.BooleanDtype()}.get
    )
    for col in frame.columns:
        if schema.FIELDS[table][col].kind == "datetime":
            frame[col] = frame[col].dt.tz_convert(schema.TZ)
    if table == "comments" and {"author_id", "is_page_reply", "page_id"} <= set(frame.columns):
        page = frame["is_page_reply"].fillna(False).astype(bool)
        frame["author_id"] = frame["author_id"].mask(page, "page:" + frame["page_id"].astype("str"))
    for col in tabular.PERSON_ID_COLUMNS.get(table, ()):
        if col in frame.columns:
            raw = frame[col].astype("str")
            frame[col] = _per_unique(raw, tabular.pseudonymise_ids, ids)
            if seen is not None:
                tabular.remember_persons(seen, raw, frame[col])
    persons = (seen or {}).get(tabular.PERSONS_KEY) or {}
    page = tabular.page_voice(frame, table).to_numpy()
    for col in FREE_TEXT_COLUMNS.get(table, ()):
        if col in frame.columns:
            text = frame[col].astype("str")
            for flag in (False, True):  # the page's own texts keep their sign-offs
                if (page == flag).any():
                    part = text[page == flag]
                    scrub = functools.partial(privacy.scrub_text, known=persons, by_page=flag)
                    text[page == flag] = _per_unique(part, scrub)
            frame[col] = text
    return schema.coerce_dtypes(frame, table)


class _Staged:
    """One source file's kept rows in a staged Parquet file, with its accounting."""

    def __init__(self, path: Path, table: str, target: Path) -> None:
        self.path = path
        self.table = table
        self.target = target
        self.n_in = 0
        self.kept = 0
        self.quarantine: list[pd.DataFrame] = []
        self.skipped = 0
        self.meta: dict = {}
        self.notes: list[str] = []
        self.dropped: list[str] = []
        self.persons: dict[str, str] = {}  # names/ids/handles seen → pseudonyms (memory)
        self._writer = None
        self._schema = None

    def add(self, frame: pd.DataFrame, rows: pd.Series | None) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        frame = schema.coerce_dtypes(frame, self.table)
        if self.table in ("comments", "posts"):  # question detection once, at ingest
            from kommunesm.metrics.response import with_question_flags

            frame = schema.coerce_dtypes(with_question_flags(frame, self.table), self.table)
        numbers = rows.to_numpy() if rows is not None else [pd.NA] * len(frame)
        frame = frame.assign(**{_ROW: pd.array(numbers, dtype="Int64")})
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._writer is None:
            self._schema = table.schema
            self._writer = pq.ParquetWriter(self.target, self._schema)
        elif table.schema != self._schema:
            table = table.cast(self._schema)
        self._writer.write_table(table, row_group_size=max(len(frame), 1))
        self.kept += len(frame)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _drop_unknown(data: pd.DataFrame, table: str, meta: dict, keep: set[str]) -> list[str]:
    known = set(schema.FIELDS[table])
    from_file = set(meta.get("columns_kept_unmapped") or ())
    return [c for c in data.columns if c not in known and c in from_file and c not in keep]


def _stream_csv(
    path: Path, table: str, target: Path, keep: set[str], header: list[str], delimiter: str
) -> _Staged | None:
    """Stream a canonical CSV file block by block: plain rows through the vectorised
    lane, the others through :func:`kommunesm.io.tabular.build_table`; None when the
    file keeps unknown columns (typed per whole file: the robust reader's job)."""
    import pyarrow as pa

    fields = schema.FIELDS[table]
    extras = [h for h in header if h not in fields]
    if any(e in keep for e in extras):
        return None
    staged = _Staged(path, table, target)
    mapping = {c: c for c in header if c in fields}
    required = [n for n, f in fields.items() if f.required]
    record = 2
    notes: list[str] = []
    first_done = False  # build_table runs on the first block (its file-level checks)
    pseudonyms: dict[str, str] = {}
    seen: dict = {}
    try:
        for block in _csv_blocks(path, header, delimiter):
            numbers = np.arange(record, record + block.num_rows, dtype=np.int64)
            record += block.num_rows
            ok, columns = _clean_lane(block, table)
            if ok.all() and first_done:  # no row for the robust parsers in this block
                slow = None
            else:
                rest = block.filter(pa.array(~ok)).to_pandas()
                raw = _raw_block(rest, numbers[~ok], path.name, delimiter)
                result = tabular.build_table(
                    raw, table, mapping, fmt="canonical", decimal=".", required_sources=required
                )
                first_done = True
                staged.n_in += result.n_in
                staged.skipped += len(raw.skipped)
                if len(result.quarantine):
                    staged.quarantine.append(result.quarantine)
                staged.dropped = _drop_unknown(result.data, table, result.meta, keep)
                bad = raw.rows.isin(result.quarantine["source_row"].astype("int64"))
                slow = result.data.drop(columns=staged.dropped)
                slow[_ROW] = raw.rows[~bad].to_numpy()
                notes += [n for n in result.meta.get("notes") or [] if n not in notes]
                persons = result.meta.pop(tabular.PERSONS_KEY, None) or {}
                seen.setdefault(tabular.PERSONS_KEY, {}).update(persons)
                staged.meta = {k: v for k, v in result.meta.items() if k != "notes"}
            staged.n_in += int(ok.sum())
            fast = _lane_frame(columns, ok, table, pseudonyms, seen)
            fast[_ROW] = numbers[ok]
            parts = [x for x in (fast, slow) if x is not None and len(x)] or [fast]
            frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            frame = frame.sort_values(_ROW, kind="stable").reset_index(drop=True)
            if extras:  # validate compares them when it meets a repeated key
                at = pa.array(frame[_ROW].to_numpy() - numbers[0])
                for e in extras:
                    text, missing = tabular._text(block.column(e).take(at).to_pandas())
                    frame[_EXTRA + e] = text.where(~missing)
            staged.add(frame.drop(columns=_ROW), frame[_ROW])
        if not first_done:  # a header without rows: the file-level checks still run
            empty = pd.DataFrame({h: pd.Series([], dtype="str") for h in header})
            raw = _raw_block(empty, np.arange(0), path.name, delimiter)
            result = tabular.build_table(
                raw, table, mapping, fmt="canonical", decimal=".", required_sources=required
            )
            staged.dropped = _drop_unknown(result.data, table, result.meta, keep)
            staged.meta = {k: v for k, v in result.meta.items() if k != "notes"}
            staged.add(result.data.drop(columns=staged.dropped), pd.Series([], dtype="int64"))
    finally:
        staged.close()
    staged.notes = notes
    staged.meta["format"] = "canonical"
    staged.persons = seen.get(tabular.PERSONS_KEY) or {}
    return staged


def _stream_parquet(path: Path, table: str, target: Path) -> _Staged:
    """As :func:`kommunesm.io.canonical.read_table` reads a Parquet table, row group by
    row group."""
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
        names = source.schema_arrow.names
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError …
        raise canonical.unreadable_parquet(path, exc) from None
    canonical.require_columns(names, table, path)
    staged = _Staged(path, table, target)
    start = 2
    try:
        for batch in source.iter_batches(batch_size=BLOCK_ROWS):
            frame = schema.coerce_dtypes(batch.to_pandas(), table)
            rows = pd.Series(np.arange(start, start + len(frame)), index=frame.index)
            start += len(frame)
            kept, quarantine = schema.validate(frame, table, source=path.name, row_numbers=rows)
            staged.n_in += len(frame)
            if len(quarantine):
                staged.quarantine.append(quarantine)
            staged.add(kept.reset_index(drop=True), rows[kept.index].reset_index(drop=True))
    finally:
        staged.close()
    staged.meta = {"format": "canonical"}
    return staged


def _robust(path: Path, target: Path, keep: set[str]) -> tuple[_Staged, dict[str, str]]:
    """Any other file: the robust reader, then staged like a streamed one."""
    result: LoadResult = detect.read_file(path)
    persons = result.meta.pop("_persons", None) or {}
    staged = _Staged(path, result.table, target)
    staged.n_in = result.n_in
    staged.skipped = len(result.skipped)
    staged.meta = result.meta
    staged.notes = list(result.meta.get("notes") or [])
    staged.dropped = _drop_unknown(result.data, result.table, result.meta, keep)
    if len(result.quarantine):
        staged.quarantine.append(result.quarantine)
    try:
        staged.add(result.data.drop(columns=staged.dropped), None)
    finally:
        staged.close()
    staged.kept = len(result.data)
    return staged, persons


def _canonical_target(path: Path) -> str | None:
    try:
        fmt = detect.detect_format(path)
    except InputError:
        return None
    if not fmt.name.startswith("canonical_"):
        return None
    if not path.name.lower().endswith((".csv", ".csv.gz", ".parquet")):
        return None
    return fmt.table


# --------------------------------------------------------------------------- combining
def _rescrub(staged: _Staged, scrubber: privacy.Scrubber) -> None:
    """Scrub the free text of a staged file again with every name, id and handle seen
    in the ingest (free-text survey answers too)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = [c for c in FREE_TEXT_COLUMNS.get(staged.table, ())]
    questions = detect.survey_text_questions(staged.meta) if staged.table == "survey" else None
    if (not cols and not questions) or not staged.target.exists():
        return
    tmp = staged.target.with_suffix(".rescrub")
    source = pq.ParquetFile(staged.target)
    with pq.ParquetWriter(tmp, source.schema_arrow) as writer:
        for i in range(source.num_row_groups):
            frame = source.read_row_group(i).to_pandas()
            for col in cols:
                if col in frame.columns:
                    page = tabular.page_voice(frame, staged.table)
                    frame[col] = scrubber.scrub(frame[col], by_page=page)
            if questions and {"question_id", "answer"} <= set(frame.columns):
                mask = frame["question_id"].astype("str").isin(questions)
                frame.loc[mask, "answer"] = scrubber.scrub(frame.loc[mask, "answer"])
            writer.write_table(
                pa.Table.from_pandas(frame, preserve_index=False, schema=source.schema_arrow)
            )
    tmp.replace(staged.target)


# --------------------------------------------------------------------------- entry point
def read_files(
    paths: Iterable[str | Path],
    staging: str | Path,
    *,
    keep_columns: Iterable[str] = (),
    memory_limit: str | None = "1GB",
):
    """The streaming fast path of :func:`kommunesm.io.ingest.read_files`.

    Parameters
    ----------
    paths : iterable of str or Path
        Export files (or folders), in order of precedence.
    staging : str or Path
        An empty folder for the staged Parquet files (on the same file system as the
        output folder, so that :func:`kommunesm.io.ingest.write` can move them).
    keep_columns : iterable of str, optional
        Unknown columns to keep (by name in the file).
    memory_limit : str, optional
        DuckDB's memory limit for the key checks.

    Returns
    -------
    IngestResult
        As :func:`kommunesm.io.ingest.read_files`, but ``tables`` maps each table to a
        Parquet file in ``staging`` (the same rows, in the same order).
    """
    from kommunesm.io.ingest import _SUMMARY_COLUMNS, IngestResult, expand_paths

    keep = set(keep_columns)
    stage = Path(staging)
    stage.mkdir(parents=True, exist_ok=True)
    staged: list[_Staged] = []
    summary: list[dict] = []
    errors: list[str] = []
    notes: list[str] = []
    persons: dict[str, str] = {}
    for n, path in enumerate(expand_paths(paths)):
        target = stage / f"{n:05d}.parquet"
        try:
            if not path.is_file():
                raise InputError("file not found", file=str(path), expected="an export file")
            table = _canonical_target(path)
            item = None
            if table is not None and path.name.lower().endswith(".parquet"):
                item = _stream_parquet(path, table, target)
            elif table is not None:
                fast = _fast_csv(path)
                if fast is not None:
                    try:
                        item = _stream_csv(path, table, target, keep, *fast)
                    except InputError:
                        raise
                    except Exception:  # pyarrow cannot take it after all: robust reader
                        item = None
                    if item is None:
                        target.unlink(missing_ok=True)
            if item is None:
                item, seen = _robust(path, target, keep)
                persons.update(seen)
            persons.update(item.persons)
        except (InputError, OSError, UnicodeError, EOFError) as exc:
            target.unlink(missing_ok=True)
            message = str(exc)
            if path.name not in message:
                message = f"{path.name}: {message}"
            errors.append(message)
            summary.append(
                {"file": path.name, "format": "?", "table": "?", "status": f"error: {message}"}
            )
            continue
        notes += [f"{path.name}: {x}" for x in item.notes]
        staged.append(item)
        summary.append(
            {
                "file": path.name,
                "format": item.meta.get("format", ""),
                "table": item.table,
                "rows_in": item.n_in,
                "kept": item.kept,
                "quarantined": sum(len(q) for q in item.quarantine),
                "skipped_non_data": item.skipped,
                "duplicates": 0,
                "dropped_columns": ", ".join(item.dropped),
                "status": "ok",
            }
        )
    if persons:  # names, ids and handles seen anywhere in the ingest: scrubbed everywhere
        scrubber = privacy.Scrubber(persons)
        for item in staged:
            _rescrub(item, scrubber)
            for q in item.quarantine:
                q["value"] = scrubber.scrub(q["value"].astype("str"))

    tables: dict[str, Path] = {}
    extra_q: list[pd.DataFrame] = []
    ok_rows = [row for row in summary if row["status"] == "ok"]
    by_table: dict[str, list[int]] = {}
    for i, item in enumerate(staged):
        by_table.setdefault(item.table, []).append(i)
    for table, members in by_table.items():
        files = [staged[i].target for i in members]
        labels = [staged[i].path.name for i in members]
        target = stage / f"{table}.parquet"
        _, quarantines, within, across = combine(
            files, labels, table, target, memory_limit=memory_limit
        )
        for k, i in enumerate(members):
            if len(quarantines[k]):
                staged[i].quarantine.append(quarantines[k])
            ok_rows[i]["kept"] -= within[k]
            ok_rows[i]["quarantined"] += within[k]
            ok_rows[i]["duplicates"] = across[k]
        extra_q.append(quarantines[-1])
        for f in files:
            f.unlink(missing_ok=True)
        tables[table] = target

    frame = pd.DataFrame(summary).reindex(columns=[*_SUMMARY_COLUMNS, "kept"])
    frame["dropped_columns"] = frame["dropped_columns"].astype("object").fillna("").astype("str")
    for col in ("rows_in", "kept", "quarantined", "duplicates", "skipped_non_data"):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    frame["written"] = frame["kept"] - frame["duplicates"]
    frame = frame[_SUMMARY_COLUMNS]
    sources = [
        {
            "file": item.path.name,
            "path": str(item.path),
            "sha256": sha256(item.path),
            "format": item.meta.get("format", ""),
            "table": item.table,
            "rows_in": int(item.n_in),
        }
        for item in staged
    ]
    per_file = []
    for item in staged:
        if item.quarantine:
            q = pd.concat(item.quarantine, ignore_index=True)
            per_file.append(q.sort_values("source_row", kind="stable").reset_index(drop=True))
    parts = [q for q in [*per_file, *extra_q] if len(q)]
    quarantine = pd.concat(parts, ignore_index=True) if parts else schema.quarantine_frame()
    return IngestResult(
        tables=tables,
        quarantine=quarantine,
        summary=frame,
        errors=errors,
        sources=sources,
        notes=notes,
        staging=stage,
    )

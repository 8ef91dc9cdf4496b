"""Robust reading of tabular exports into canonical tables.

Real exports are messy. This module is the one place that deals with it, so that
every format module (``facebook_insights``, ``crowdtangle``, ``socialbakers`` …) only
declares *which* columns it expects (its alias table) and *how* its values are written.

What is handled here
--------------------
* **Encodings**: UTF-8 (with or without BOM), UTF-16 LE/BE (with BOM, or without but
  recognisable by NUL bytes), and cp1252 (Windows "ANSI", common in Norwegian Excel
  exports) as the fallback when a file is not valid UTF-8.
* **Delimiters**: ``,`` ``;`` tab and ``|`` sniffed from the header line.
* **Excel** files (``.xlsx``/``.xlsm``) read as text, first sheet unless told.
* **Preamble lines** above the header (report titles, date ranges) and a **description
  row** under the header (the old Facebook Insights layout explains each column in
  row 2) are recognised and reported in ``skipped``, never mistaken for data.
* **Numbers** with decimal commas, thousands separators (``.`` ``,`` space, NBSP,
  apostrophe) and percent signs; the file's decimal convention is inferred from the
  unambiguous values (``12,5`` or ``0.75``) and only then applied to ambiguous ones
  (``1,234``).
* **Timestamps** in ISO 8601 with offsets, ``dd.mm.yyyy hh:mm``, US ``mm/dd/yyyy
  hh:mm:ss AM``, and with zone abbreviations (``CET``, ``CEST``, ``EST``, ``PDT`` …);
  naive local times are localised in the zone the format documents and converted to
  Europe/Oslo. Local times that do not exist or are ambiguous at a DST change are
  quarantined rather than guessed.

Accounting
----------
Every data row of a file ends up either in ``LoadResult.data`` or in
``LoadResult.quarantine`` (with the reason): ``n_in == len(data) + len(quarantine)``
is asserted for every load. Rows that are not data (blank lines, preamble, the
description row) are listed in ``LoadResult.skipped``. Row numbers are 1-based and
count records as a spreadsheet shows them (the header is row 1 unless a preamble
precedes it).
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import re
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from kommunesm import schema
from kommunesm.errors import InputError
from kommunesm.io import privacy
from kommunesm.schema import NA_TOKENS

__all__ = [
    "NA_TOKENS",
    "LoadResult",
    "Parsed",
    "ParsedWithReason",
    "RawTable",
    "aliases",
    "build_table",
    "detect_decimal",
    "drop_description_row",
    "normalise_header",
    "page_voice",
    "parse_bools",
    "parse_counts",
    "parse_dates",
    "parse_datetimes",
    "parse_durations",
    "parse_numbers",
    "read_raw",
    "remember_persons",
    "resolve_columns",
    "sniff_encoding",
]


_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
#: Spreadsheet endings whose content is checked before reading (an HTML page or a CSV
#: saved under such a name is reported as what it is).
_SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls"}

#: Dates kept by default: from 2004 (Facebook's start) to tomorrow. A value outside is
#: quarantined. Change it for a study that needs other dates, e.g.
#: ``tabular.DATE_WINDOW = ("1990-01-01", "2030-12-31")``; ``None`` as the end means
#: "today + 1 day".
DATE_WINDOW: tuple[str, str | None] = ("2004-01-01", None)

csv.field_size_limit(sys.maxsize)  # a 1 MB message is a message, not an error


# --------------------------------------------------------------------------- results
class Parsed(NamedTuple):
    """What a ``parse_*`` function returns (unpacks as ``values, bad``).

    Attributes
    ----------
    values : Series
        The parsed values; missing where the text was missing or bad.
    bad : Series
        bool: a value was given but could not be parsed.
    """

    values: pd.Series
    bad: pd.Series


class ParsedWithReason(NamedTuple):
    """:class:`Parsed` with the reason of each bad value (unpacks as
    ``values, bad, reason``).

    Attributes
    ----------
    values : Series
        The parsed values.
    bad : Series
        bool: a value was given but could not be parsed.
    reason : Series
        str: why each bad value is bad ("" for the others).
    """

    values: pd.Series
    bad: pd.Series
    reason: pd.Series


@dataclass
class LoadResult:
    """What a loader returns: the validated table, its quarantine and how it was read.

    Unpacks as ``data, quarantine = result``.

    Attributes
    ----------
    data
        The canonical table (validated against :mod:`kommunesm.schema`).
    quarantine
        One row per input row not kept, with ``source_file``, ``source_row``,
        ``column``, ``value`` and ``reason``.
    source
        The file read.
    table
        Name of the canonical table.
    n_in
        Number of data rows in the file.
    skipped
        Non-data rows (preamble, description row, blank lines) with their reason.
    meta
        How the file was read: format, encoding, delimiter, decimal mark, header row,
        notes.
    """

    data: pd.DataFrame
    quarantine: pd.DataFrame
    source: str
    table: str
    n_in: int
    skipped: pd.DataFrame = field(default_factory=lambda: skipped_frame())
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.n_in != len(self.data) + len(self.quarantine):
            raise AssertionError(
                f"{self.source}: {self.n_in} rows in but {len(self.data)} kept + "
                f"{len(self.quarantine)} quarantined; this is a bug in kommunesm"
            )

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.data
        yield self.quarantine

    def summary(self) -> dict[str, Any]:
        """One line for a summary table: file, table, rows in/kept/quarantined/skipped."""
        return {
            "file": self.source,
            "format": self.meta.get("format", ""),
            "table": self.table,
            "rows_in": self.n_in,
            "kept": len(self.data),
            "quarantined": len(self.quarantine),
            "skipped_non_data": len(self.skipped),
        }


def skipped_frame(rows: Iterable[dict] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows or []), columns=["source_row", "reason"])
    frame["source_row"] = frame["source_row"].astype("Int64")
    frame["reason"] = frame["reason"].astype("str")
    return frame


@dataclass
class RawTable:
    """A file read as text: one string column per header cell, nothing interpreted."""

    frame: pd.DataFrame
    rows: pd.Series
    path: str
    encoding: str | None
    delimiter: str | None
    header_row: int
    skipped: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    #: header name as in the file → the names of its repeated columns after renaming
    duplicate_headers: dict[str, list[str]] = field(default_factory=dict)

    @property
    def n_in(self) -> int:
        return len(self.frame)


# --------------------------------------------------------------------------- reading
def sniff_encoding(raw: bytes) -> str:
    """Guess the text encoding of an export.

    Byte-order marks decide first; UTF-16 without BOM is recognised by NUL bytes in
    every other position; otherwise UTF-8 if the bytes decode, else cp1252.

    Parameters
    ----------
    raw : bytes
        The file's bytes (or the first part of them).

    Returns
    -------
    str
        A Python codec name: ``utf-8-sig``, ``utf-16``, ``utf-16-le``/``utf-16-be``,
        ``utf-8`` or ``cp1252``.

    Examples
    --------
    >>> sniff_encoding("Kommune;Følgere".encode("utf-16"))
    'utf-16'
    >>> sniff_encoding("Kommune;Følgere".encode("cp1252"))
    'cp1252'
    >>> sniff_encoding("Kommune;Følgere".encode("utf-8"))
    'utf-8'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    utf16 = _utf16_without_bom(raw)
    if utf16:
        return utf16
    try:
        raw.rstrip(b"\x00").decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 without BOM: NUL bytes in (almost) only one of the two byte positions,
    spread over the text — not a run of NUL padding."""
    head = raw[:4000]
    nuls = head.count(b"\x00")
    if len(head) < 4 or nuls <= len(head) // 4:
        return None
    even, odd = head[0::2].count(b"\x00"), head[1::2].count(b"\x00")
    if max(even, odd) < 0.9 * nuls:
        return None
    other = head[1::2] if even > odd else head[0::2]
    if other.count(b"\x00") > len(other) // 10:  # both positions NUL: padding, not text
        return None
    return "utf-16-be" if even > odd else "utf-16-le"


def _line_ranges(numbers: list[int]) -> str:
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts[:12]) + (" …" if len(parts) > 12 else "")


def _cp1252(data: bytes) -> str:
    # the five bytes cp1252 leaves undefined are read as Latin-1 (control characters)
    return data.decode("cp1252", errors="strict") if _cp1252_ok(data) else data.decode("latin-1")


def _cp1252_ok(data: bytes) -> bool:
    return not any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def decode_text(raw: bytes, display: str) -> tuple[str, str, list[str]]:
    """Decode an export's bytes on evidence; return ``text, encoding, notes``.

    BOMs decide first; UTF-16 without BOM is recognised by NUL bytes in one byte
    position. NUL bytes at the end of a file (padding) are dropped with a note; NUL
    bytes inside the text are an :class:`InputError` naming the line. Otherwise each
    line is decoded as UTF-8 if it is valid UTF-8 and as cp1252 if it is not: a file
    that is UTF-8 with a cp1252 tail (two exports pasted together) is read correctly
    and the cp1252 lines are listed in the notes.

    >>> decode_text("Bø;1\\n".encode() + "Å;2\\n".encode("cp1252"), "x.csv")[1:]
    ('utf-8+cp1252', ['mixed encodings: line 2 is not valid UTF-8 and was read as cp1252 (the rest as UTF-8)'])
    """
    notes: list[str] = []
    encoding = sniff_encoding(raw)
    if encoding.startswith("utf-16"):
        try:
            return raw.decode(encoding), encoding, notes
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the file looks like UTF-16 but is not valid UTF-16 ({exc.reason} at byte "
                f"{exc.start})",
                file=display,
                expected="a text export in UTF-8, UTF-16 or cp1252",
            ) from None
    data = raw
    if encoding == "utf-8-sig":
        data = raw[3:]
    stripped = data.rstrip(b"\x00")
    if len(stripped) < len(data):
        notes.append(f"{len(data) - len(stripped)} NUL bytes at the end of the file ignored")
    if b"\x00" in stripped:
        at = stripped.index(b"\x00")
        raise InputError(
            f"the file contains NUL bytes (first at byte {at}): it is damaged or not a text file",
            file=display,
            row=stripped[:at].count(b"\n") + 1,
            expected="a text export (CSV/TSV)",
        )
    try:
        return (
            stripped.decode("utf-8"),
            ("utf-8-sig" if encoding == "utf-8-sig" else "utf-8"),
            notes,
        )
    except UnicodeDecodeError:
        pass
    lines = stripped.splitlines(keepends=True)
    utf8_nonascii = 0
    bad: list[int] = []
    decoded: list[str] = []
    for i, line in enumerate(lines, start=1):
        try:
            decoded.append(line.decode("utf-8"))
            if not line.isascii():
                utf8_nonascii += 1
        except UnicodeDecodeError:
            decoded.append(_cp1252(line))
            bad.append(i)
    if not utf8_nonascii:
        return _cp1252(stripped), "cp1252", notes
    several = len(bad) > 1
    notes.append(
        f"mixed encodings: line{'s' if several else ''} {_line_ranges(bad)} "
        f"{'are' if several else 'is'} not valid UTF-8 and {'were' if several else 'was'} "
        "read as cp1252 (the rest as UTF-8)"
    )
    return "".join(decoded), "utf-8+cp1252", notes


def spreadsheet_problem(path: Path) -> str | None:
    """Why a file named ``.xlsx``/``.xlsm``/``.xls`` cannot be read as a workbook, or
    None if it looks like one (a zip with ``xl/workbook.xml``)."""
    import zipfile

    with path.open("rb") as fh:
        head = fh.read(2048)
    suffix = path.suffix.lower()
    if not head:
        return "the file is empty"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if suffix == ".xls":
            return (
                "an Excel 97–2003 workbook (.xls), which kommunesm does not read; save it "
                "as .xlsx or CSV"
            )
        return f"an old Office (OLE2) file, not an Excel workbook, although it ends in {suffix}"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            return f"a damaged or truncated zip/Excel file ({exc})"
        if "xl/workbook.xml" not in names:
            return f"a zip archive without an Excel workbook inside, although it ends in {suffix}"
        return None
    low = head.lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<head")):
        return f"an HTML/XML page, not an Excel workbook, although it ends in {suffix}"
    if suffix == ".xls" and b"\x00" not in head:
        return (
            "a text file (probably CSV/TSV) named .xls; rename it to .csv (or .tsv) and "
            "read it again"
        )
    if b"\x00" not in head:
        return f"a text file (probably CSV), not an Excel workbook, although it ends in {suffix}"
    return f"not an Excel workbook, although it ends in {suffix}"


def read_bytes(path: Path, display: str) -> bytes:
    """The bytes of a file, gunzipped if it ends in ``.gz`` (a truncated or damaged
    gzip file is an :class:`InputError`)."""
    raw = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise InputError(
                f"the gzip file is truncated or damaged ({exc})",
                file=display,
                expected="a complete .gz file (download or copy it again)",
            ) from None
    return raw


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most of the first lines into the same number of cells.

    Robust to preamble lines (report titles) above the header, which contain none.
    """
    best, best_score = ",", (0, 0)
    for cand in (",", ";", "\t", "|"):
        counts = [ln.count(cand) for ln in lines[:30]]
        nonzero = [c for c in counts if c > 0]
        if not nonzero:
            continue
        modal = max(set(nonzero), key=nonzero.count)
        score = (sum(c == modal for c in counts), modal)
        if score > best_score:
            best, best_score = cand, score
    return best


def normalise_header(name: object) -> str:
    """Normalise a header cell for matching: NFC, casefold, single spaces, no BOM/quotes.

    Parameters
    ----------
    name : object
        A header cell (converted with ``str``).

    Returns
    -------
    str
        The normalised name, the key the alias tables are matched on.

    Examples
    --------
    >>> normalise_header('  "Lifetime Post Total  Reach"\\ufeff')
    'lifetime post total reach'
    """
    text = unicodedata.normalize("NFC", str(name)).replace("\ufeff", "")
    text = text.strip().strip('"').strip("'").strip()
    return re.sub(r"\s+", " ", text).casefold()


def _dedupe_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, raw_name in enumerate(header):
        name = str(raw_name).replace("\ufeff", "").strip() or f"unnamed_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _records_from_text(
    text: str, delimiter: str, display: str
) -> tuple[list[list[str]], list[int]]:
    """Parse delimited text into records with their 1-based record numbers."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        raise InputError(
            f"the file could not be parsed as delimited text ({exc})",
            file=display,
            row=len(records) + 1,
            expected=f"{delimiter!r}-separated values with balanced quotes",
        ) from None
    return records, list(range(1, len(records) + 1))


_CUT = "\x00CUT:"
_TOO_MANY = "\x00TOO_MANY:"


def read_raw(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_names: Iterable[str] = (),
    max_preamble: int = 15,
) -> RawTable:
    """Read a CSV/TSV/XLSX export as text, finding its header row.

    Parameters
    ----------
    path : str or Path
        The file.
    sheet : str or int, optional
        Excel sheet name or index (default: the first sheet).
    header_names : iterable of str, default ()
        Normalised column names the format expects (see :func:`normalise_header`);
        the header is the first row among the first ``max_preamble`` rows that
        contains the most of them. Rows above it are reported as preamble.
    max_preamble : int, default 15
        How many rows to search for the header.

    Returns
    -------
    RawTable
        The data rows as text (one string column per header cell), their row numbers in
        the file, the encoding, delimiter and header row found, and the rows skipped.

    Raises
    ------
    InputError
        If the file is missing, empty, or cannot be parsed. Rows with more cells than
        the header are *not* an error here: :func:`build_table` quarantines them.
    """
    path = Path(path)
    display = path.name
    if not path.exists():
        raise InputError("file not found", file=str(path), expected="an existing file")
    if path.stat().st_size == 0:
        raise InputError("the file is empty", file=display, expected="a header row and data rows")

    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = []
    cut_reason: str | None = None
    if path.suffix.lower() in _SPREADSHEET_SUFFIXES:
        problem = spreadsheet_problem(path)
        if problem:
            raise InputError(problem, file=display, expected="a valid .xlsx workbook")
        try:
            sheets = pd.read_excel(
                path, sheet_name=sheet if sheet is not None else 0, header=None, dtype=str
            )
        except Exception as exc:  # openpyxl raises many kinds
            raise InputError(
                f"could not read the Excel file ({type(exc).__name__}: {exc})",
                file=display,
                expected="a valid .xlsx",
            ) from None
        grid = sheets.fillna("")
        records = [[str(v) for v in row] for row in grid.itertuples(index=False, name=None)]
        numbers = list(range(1, len(records) + 1))
    else:
        raw = read_bytes(path, display)
        text, encoding, notes = decode_text(raw, display)
        text = text.lstrip("\ufeff")
        if "\n" in text and re.search(r"\r(?!\n)", text):
            n_cr = len(re.findall(r"\r(?!\n)", text))
            text = re.sub(r"\r(?!\n)", " ", text)
            notes.append(f"{n_cr} bare carriage returns (CR) inside lines read as spaces")
        lines = [ln for ln in text.splitlines() if ln.strip()][:30]
        if not lines:
            raise InputError(
                "the file has no content", file=display, expected="a header row and data rows"
            )
        delimiter = _sniff_delimiter(lines)
        if text and not text.endswith(("\n", "\r")):
            if text.count('"') % 2:
                cut_reason = "the file ends inside a quoted field: this row is cut short"
            else:
                cut_reason = "the file ends in the middle of this row (no line end)"
        records, numbers = _records_from_text(text, delimiter, display)

    wanted = set(header_names)
    header_idx = 0
    if wanted:
        best = 0
        for i, record in enumerate(records[:max_preamble]):
            hits = sum(normalise_header(c) in wanted for c in record)
            if hits > best:
                best, header_idx = hits, i
    skipped = [
        {"source_row": numbers[i], "reason": "preamble above the header row"}
        for i in range(header_idx)
        if any(str(c).strip() for c in records[i])
    ]
    skipped += [
        {"source_row": numbers[i], "reason": "blank line above the header row"}
        for i in range(header_idx)
        if not any(str(c).strip() for c in records[i])
    ]
    if not records or not any(str(c).strip() for c in records[header_idx]):
        raise InputError("the file has no header row", file=display, row=1, expected="column names")
    header = _dedupe_headers(records[header_idx])
    width = len(header)
    duplicates: dict[str, list[str]] = {}
    for original, renamed in zip(records[header_idx], header, strict=True):
        key = str(original).replace("\ufeff", "").strip()
        if key and key != renamed:
            duplicates.setdefault(key, [key]).append(renamed)

    body: list[list[str]] = []
    body_rows: list[int] = []
    data_records = records[header_idx + 1 :]
    last = len(data_records) - 1
    for i, (record, number) in enumerate(zip(data_records, numbers[header_idx + 1 :], strict=True)):
        if not any(str(c).strip() for c in record):
            skipped.append({"source_row": number, "reason": "blank row"})
            continue
        cut = cut_reason if i == last else None
        if len(record) < width:
            record = list(record) + [""] * (width - len(record))
        elif len(record) > width:
            extra = record[width:]
            if any(str(c).strip() for c in extra):
                record = list(record[:width]) + [_TOO_MANY + str(len(record))]
            else:
                record = list(record[:width])
        if cut:
            record = list(record[:width]) + [_CUT + cut]
        body.append(list(record))
        body_rows.append(number)

    cols = header + (["\x00overflow"] if any(len(r) > width for r in body) else [])
    body = [r + [""] * (len(cols) - len(r)) for r in body]
    frame = pd.DataFrame(body, columns=cols, dtype="str")
    rows = pd.Series(body_rows, index=frame.index, dtype="int64")
    return RawTable(
        frame=frame,
        rows=rows,
        path=display,
        encoding=encoding,
        delimiter=delimiter,
        header_row=numbers[header_idx],
        skipped=skipped_frame(skipped),
        notes=notes,
        duplicate_headers=duplicates,
    )


# --------------------------------------------------------------------------- aliases
@cache
def _alias_table(fmt: str) -> pd.DataFrame:
    if fmt == "canonical":
        rows = [
            {"table": t, "canonical": name, "alias": name, "note": "canonical name"}
            for t, fields in schema.FIELDS.items()
            for name in fields
        ]
        table = pd.DataFrame(rows)
        table["key"] = table["alias"].map(normalise_header)
        return table
    ref = resources.files("kommunesm.io").joinpath("aliases", f"{fmt}.csv")
    if not ref.is_file():
        raise KeyError(f"no alias table for format {fmt!r}")
    with ref.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False, comment="#")
    table["key"] = table["alias"].map(normalise_header)
    return table


def aliases(fmt: str, table: str | None = None) -> pd.DataFrame:
    """The alias table of a format: which source column names mean which canonical column.

    One CSV per format in ``kommunesm/io/aliases/`` with columns ``table``,
    ``canonical``, ``alias`` and ``note``; rows are in order of preference (the first
    alias present in a file wins; other matching columns are kept as extra columns).

    Parameters
    ----------
    fmt : str
        Format name (a key of :data:`kommunesm.io.detect.FORMATS`).
    table : str, optional
        Only the aliases of this canonical table.

    Returns
    -------
    DataFrame
        Columns ``table``, ``canonical``, ``alias``, ``note`` and ``key`` (the alias
        normalised with :func:`normalise_header`).
    """
    frame = _alias_table(fmt)
    if table is not None:
        frame = frame[frame["table"] == table]
    return frame.reset_index(drop=True)


def resolve_columns(columns: Iterable[str], alias_table: pd.DataFrame) -> dict[str, str]:
    """Map canonical names to the source columns present, by the alias table's preference.

    Parameters
    ----------
    columns : iterable of str
        The file's column names.
    alias_table : DataFrame
        The output of :func:`aliases`, rows in order of preference.

    Returns
    -------
    dict of str to str
        Canonical column → the file's column that provides it (canonical columns
        without a match are left out).
    """
    by_key: dict[str, str] = {}
    for col in columns:
        by_key.setdefault(normalise_header(col), col)
    mapping: dict[str, str] = {}
    for row in alias_table.itertuples(index=False):
        if row.canonical in mapping:
            continue
        if row.key in by_key:
            mapping[row.canonical] = by_key[row.key]
    return mapping


def drop_description_row(raw: RawTable, numeric_columns: Iterable[str]) -> RawTable:
    """Recognise the description row some exports put under the header, and skip it.

    The old Facebook Insights layout has, in row 2, a sentence explaining each column
    ("Lifetime: The number of people who saw your Page post…"). The first data row is
    such a row when at least half of the non-empty cells of ``numeric_columns`` are
    text that is not a number.

    Parameters
    ----------
    raw : RawTable
        The file as read by :func:`read_raw`.
    numeric_columns : iterable of str
        The file's columns that should hold numbers.

    Returns
    -------
    RawTable
        ``raw`` without its first data row when that is a description row (then listed
        in ``skipped``), else ``raw`` itself.
    """
    cols = [c for c in numeric_columns if c in raw.frame.columns]
    if not len(raw.frame) or not cols:
        return raw
    first = raw.frame.iloc[0][cols].astype("str").str.strip()
    present = first[~first.str.casefold().isin(NA_TOKENS)]
    if present.empty:
        return raw
    _, bad = parse_numbers(present, decimal=".")
    wordy = present.str.contains(r"[A-Za-zÆØÅæøå]{3,}", regex=True)
    if (bad & wordy).sum() * 2 >= len(present):
        skipped = pd.concat(
            [
                raw.skipped,
                skipped_frame(
                    [
                        {
                            "source_row": int(raw.rows.iloc[0]),
                            "reason": "description row under the header",
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
        return dataclasses.replace(
            raw,
            frame=raw.frame.iloc[1:].reset_index(drop=True),
            rows=raw.rows.iloc[1:].reset_index(drop=True),
            skipped=skipped,
        )
    return raw


# --------------------------------------------------------------------------- parsers
def _text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = values.astype("str").str.strip()
    # str.lower is vectorised by pyarrow (casefold is not); the tokens are plain ASCII
    missing = s.isna() | s.str.lower().isin(NA_TOKENS)
    return s, missing


_COMMA_DEC = re.compile(r"^[-+]?\d*,\d{1,2}$|^[-+]?\d*,\d{4,}$|\.\d{3},\d")
_DOT_DEC = re.compile(r"^[-+]?\d*\.\d{1,2}$|^[-+]?\d*\.\d{4,}$|,\d{3}\.\d")


def detect_decimal(frame: pd.DataFrame, columns: Iterable[str], delimiter: str | None) -> str:
    """Infer the decimal mark of a file from its unambiguous numbers.

    ``12,5`` or ``1.234,5`` vote for a comma; ``0.75`` or ``1,234.5`` for a point.
    Without any unambiguous value, ``;``- and tab-separated files are taken to use
    the comma (the Norwegian/Excel convention) and others the point.

    Parameters
    ----------
    frame : DataFrame
        The file as text.
    columns : iterable of str
        The columns that hold numbers (others are not looked at).
    delimiter : str or None
        The file's delimiter (None for a workbook).

    Returns
    -------
    str
        ``","`` or ``"."``.

    Examples
    --------
    >>> import pandas as pd
    >>> detect_decimal(pd.DataFrame({"x": ["12,5", "3"]}), ["x"], ",")
    ','
    >>> detect_decimal(pd.DataFrame({"x": ["1", "3"]}), ["x"], ";")
    ','
    """
    comma = dot = 0
    for col in columns:
        if col not in frame.columns:
            continue
        s = frame[col].astype("str").str.strip().str.replace(r"[\s\u00a0\u202f%]", "", regex=True)
        comma += int(s.str.contains(_COMMA_DEC, na=False).sum())
        dot += int(s.str.contains(_DOT_DEC, na=False).sum())
    if comma != dot:
        return "," if comma > dot else "."
    return "," if delimiter in (";", "\t") else "."


def parse_numbers(values: pd.Series, *, decimal: str = ".") -> Parsed:
    """Parse numbers written the many ways exports write them.

    Parameters
    ----------
    values : Series
        Text values.
    decimal : str, default '.'
        The file's decimal mark (see :func:`detect_decimal`); it decides only the
        ambiguous cases ``1,234`` and ``1.234`` (a comma and a point with exactly three
        digits after them).

    Returns
    -------
    Parsed
        ``values`` as float64 (NaN where missing or bad); ``bad`` is True where a
        value was present but is not a number.

    Examples
    --------
    >>> nums, bad = parse_numbers(pd.Series(["1 234,5", "12,5 %", "79.0", "-", "x"]), decimal=",")
    >>> nums.tolist()[:3], bad.tolist()
    ([1234.5, 12.5, 79.0], [False, False, False, False, True])
    """
    s, missing = _text(values)
    # Fast path: plain numbers ("1234", "79.0", "-3", "1e3") parse in C. Only the rest
    # (separators, decimal commas, percent signs, text) go through the slow rules below;
    # with a decimal comma, "1.234" is a thousands separator, so it is never fast.
    fast = pd.to_numeric(s.where(~missing), errors="coerce").astype("float64")
    slow = ~missing & (fast.isna() | ~np.isfinite(fast.fillna(0)))
    if decimal == ",":
        slow |= s.str.fullmatch(r"[-+]?\d{1,3}(?:\.\d{3})+", na=False)
    numbers = fast.where(~slow)
    if slow.any():
        numbers.loc[slow] = _parse_numbers_slow(s[slow], decimal)
    numbers = numbers.where(~missing)
    numbers = numbers.where(np.isfinite(numbers.fillna(0)))  # 1e400 is not a number we keep
    bad = ~missing & numbers.isna()
    return Parsed(numbers, bad)


def _parse_numbers_slow(s: pd.Series, decimal: str) -> pd.Series:
    t = s.str.replace(r"[\s\u00a0\u202f'’]", "", regex=True).str.replace(r"%$", "", regex=True)
    has_comma = t.str.contains(",", regex=False, na=False)
    has_dot = t.str.contains(".", regex=False, na=False)
    last_comma = t.str.rfind(",")
    last_dot = t.str.rfind(".")
    thousands_comma = t.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", na=False)
    thousands_dot = t.str.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+", na=False)
    both = has_comma & has_dot
    comma_is_decimal = both & (last_comma > last_dot)
    dot_is_decimal = both & (last_dot > last_comma)
    only_comma = has_comma & ~has_dot
    only_dot = has_dot & ~has_comma
    conditions = [
        comma_is_decimal,
        dot_is_decimal,
        only_comma & thousands_comma & (decimal == "."),
        only_comma,
        only_dot & thousands_dot & (decimal == ","),
    ]
    choices = [
        t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
        t.str.replace(",", "", regex=False),
        t.str.replace(",", "", regex=False),
        t.str.replace(",", ".", regex=False),
        t.str.replace(".", "", regex=False),
    ]
    cleaned = pd.Series(np.select(conditions, choices, default=t), index=t.index, dtype="str")
    numbers = pd.to_numeric(
        cleaned.where(cleaned.str.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", na=False)),
        errors="coerce",
    )
    return numbers.astype("float64")


_OVERFLOW = "integer overflow: larger than 9223372036854775807 (the largest count stored)"


def parse_counts(values: pd.Series, *, decimal: str = ".") -> ParsedWithReason:
    """Parse whole-number counts (likes, followers …) into nullable ``Int64``.

    ``79.0`` is a whole number; a number too large for ``Int64`` is bad.

    Parameters
    ----------
    values : Series
        Text values.
    decimal : str, default '.'
        The file's decimal mark (see :func:`parse_numbers`).

    Returns
    -------
    ParsedWithReason
        ``values`` as ``Int64`` (missing where the value was missing or bad), ``bad``
        (a value was given but is not a whole number) and ``reason``.
    """
    numbers, bad = parse_numbers(values, decimal=decimal)
    fractional = numbers.notna() & (np.floor(numbers) != numbers)
    reason = pd.Series("", index=values.index, dtype="str")
    reason = reason.mask(bad, "expected a whole number, got text that is not a number")
    reason = reason.mask(fractional, "expected a whole number, got a fraction")
    big = numbers.abs() >= 2.0**53  # beyond float64's exact integers
    too_big = pd.Series(False, index=values.index)
    if bad.any():  # 1e400 and "inf" parse to infinity, which is not kept
        text = values.astype("str").str.strip()
        infinite = bad & text.str.contains(
            r"^[-+]?(?:inf|\d[\d.,]*e\+?\d{3,})", case=False, na=False
        )
        reason = reason.mask(infinite, _OVERFLOW)
    counts = numbers.where(~fractional & ~big).round().astype("Int64")
    for idx in big[big].index:  # rare: parsed exactly from the text, or quarantined
        digits = re.sub(r"[\s\u00a0\u202f.,']", "", str(values.at[idx]).strip())
        value = int(digits) if re.fullmatch(r"[-+]?\d+", digits) else None
        if value is None or abs(value) >= 2**63 or float(value) != numbers.at[idx]:
            too_big.at[idx] = True
            reason.at[idx] = _OVERFLOW
        else:
            counts.at[idx] = value
    return ParsedWithReason(counts, bad | fractional | too_big, reason)


#: Zone abbreviations seen in exports, as fixed UTC offsets (hours). A standard-time
#: abbreviation (CET) and its daylight counterpart (CEST) differ, which is what makes
#: them unambiguous at DST changes.
TZ_ABBREVIATIONS: Mapping[str, float] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 1,
    "CET": 1,
    "MET": 1,
    "CEST": 2,
    "MEST": 2,
    "EET": 2,
    "EEST": 3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}

_NAIVE_FORMATS_DAYFIRST = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H.%M",
    "%d.%m.%Y kl. %H.%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
_NAIVE_FORMATS_MONTHFIRST = [
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
]


def _slash_dayfirst(s: pd.Series) -> bool | None:
    parts = s.str.extract(r"^(\d{1,2})/(\d{1,2})/\d{2,4}")
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    if (first > 12).any():
        return True
    if (second > 12).any():
        return False
    return None


#: A date written without a time (parsed as 00:00 Europe/Oslo, whatever the file's zone).
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4}|\d{1,2}/\d{1,2}/\d{4}")


def parse_datetimes(
    values: pd.Series, *, tz: str = schema.TZ, dayfirst: bool | None = None
) -> ParsedWithReason:
    """Parse timestamps to tz-aware Europe/Oslo.

    Parameters
    ----------
    values : Series
        Text values.
    tz : str, default 'Europe/Oslo'
        IANA zone of timestamps written *without* an offset or zone abbreviation
        (Facebook Insights: ``America/Los_Angeles``; Norwegian tools: Europe/Oslo).
    dayfirst : bool, optional
        For ``a/b/yyyy`` dates: True for day/month, False for the US month/day.
        ``None`` decides from the data (a first field above 12 means day-first) and
        falls back to month/day.

    Returns
    -------
    ParsedWithReason
        ``values`` in Europe/Oslo (NaT where missing or bad); ``bad`` where a value
        was present but could not be read; ``reason`` says why.

    Examples
    --------
    >>> ts, bad, _ = parse_datetimes(pd.Series(["2013-04-02T08:15:00+0000",
    ...                                          "02.04.2013 10:15", "2013-04-02 10:15:00 CEST"]))
    >>> ts.dt.strftime("%H:%M %z").tolist()
    ['10:15 +0200', '10:15 +0200', '10:15 +0200']
    """
    s, missing = _text(values)
    index = s.index
    result = pd.Series(pd.NaT, index=index, dtype=pd.DatetimeTZDtype("us", "UTC"))
    reason = pd.Series("", index=index, dtype="str")

    abbr = s.str.extract(r"\s([A-Za-z]{1,5})$")[0].str.upper()
    known_abbr = abbr.isin(list(TZ_ABBREVIATIONS)) & ~missing
    body = s.where(~known_abbr, s.str.replace(r"\s[A-Za-z]{1,5}$", "", regex=True))
    has_offset = body.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True, na=False) & ~missing

    # 1. explicit offsets
    if has_offset.any():
        parsed = pd.to_datetime(body[has_offset], format="ISO8601", utc=True, errors="coerce")
        result.loc[has_offset] = parsed.dt.as_unit("us")

    # 2. naive text
    naive_mask = ~missing & ~has_offset
    naive = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    todo = naive_mask.copy()
    if todo.any():
        iso = pd.to_datetime(body[todo], format="ISO8601", errors="coerce")
        naive.loc[todo] = iso.dt.as_unit("us")
        todo &= naive.isna()
    if todo.any():
        slash_first = dayfirst if dayfirst is not None else _slash_dayfirst(body[todo])
        formats = list(_NAIVE_FORMATS_DAYFIRST[:5])
        formats += _NAIVE_FORMATS_DAYFIRST[5:] if slash_first else _NAIVE_FORMATS_MONTHFIRST
        formats += _NAIVE_FORMATS_MONTHFIRST if slash_first else _NAIVE_FORMATS_DAYFIRST[5:]
        for fmt in formats:
            if not todo.any():
                break
            parsed = pd.to_datetime(body[todo], format=fmt, errors="coerce")
            naive.loc[todo] = parsed.dt.as_unit("us")
            todo &= naive.isna()

    # 3. localise naive values: abbreviation offsets first, then the documented zone
    with_abbr = naive_mask & known_abbr & naive.notna()
    if with_abbr.any():
        offsets = abbr[with_abbr].map(TZ_ABBREVIATIONS).astype(float)
        utc = naive[with_abbr] - pd.to_timedelta(offsets, unit="h")
        result.loc[with_abbr] = utc.dt.tz_localize("UTC")
    plain = naive_mask & ~known_abbr & naive.notna()
    # a bare date is that calendar date (00:00 Oslo), not midnight in another zone
    date_only = plain & body.str.fullmatch(_DATE_ONLY, na=False)
    if date_only.any():
        local_dates = naive[date_only].dt.tz_localize(
            schema.TZ, ambiguous="NaT", nonexistent="shift_forward"
        )
        result.loc[date_only] = local_dates.dt.tz_convert("UTC")
        plain &= ~date_only
    if plain.any():
        local = naive[plain].dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        dst = local.isna()
        reason.loc[dst[dst].index] = (
            f"local time is ambiguous or does not exist at a daylight-saving change in {tz}"
        )
        result.loc[plain] = local.dt.tz_convert("UTC")

    bad = ~missing & result.isna()
    reason = reason.mask(bad & (reason == ""), "expected a date and time (e.g. 2013-04-02 10:15)")
    return ParsedWithReason(result.dt.tz_convert(schema.TZ), bad, reason)


def parse_dates(values: pd.Series, *, dayfirst: bool | None = None) -> Parsed:
    """Parse calendar dates (no time zone): ``2013-04-02``, ``02.04.2013``, ``4/2/2013``.

    Parameters
    ----------
    values : Series
        Text values.
    dayfirst : bool, optional
        Whether ``4/2/2013`` is 4 February; default: inferred from the values (any first
        part above 12 means day first), else month first.

    Returns
    -------
    Parsed
        ``values`` as ``datetime64`` at midnight (NaT where missing or bad) and ``bad``
        (a value was given but is not a date).
    """
    s, missing = _text(values)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    todo = ~missing
    if todo.any():
        out.loc[todo] = pd.to_datetime(s[todo], format="ISO8601", errors="coerce").dt.as_unit("us")
        todo &= out.isna()
    if todo.any():
        slash_first = dayfirst if dayfirst is not None else _slash_dayfirst(s[todo])
        for fmt in ["%d.%m.%Y", "%d/%m/%Y" if slash_first else "%m/%d/%Y", "%Y%m%d"]:
            if not todo.any():
                break
            out.loc[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce").dt.as_unit("us")
            todo &= out.isna()
    out = out.dt.normalize()
    return Parsed(out, ~missing & out.isna())


_TRUE = {"true", "1", "yes", "ja", "y", "j", "sann", "x"}
_FALSE = {"false", "0", "no", "nei", "n", "usann"}


def parse_bools(values: pd.Series) -> Parsed:
    """Parse true/false written as True/False, 1/0, yes/no, ja/nei.

    Parameters
    ----------
    values : Series
        Text values.

    Returns
    -------
    Parsed
        ``values`` as nullable ``boolean`` (missing where missing or bad) and ``bad``
        (a value was given but is not a truth value).

    Examples
    --------
    >>> import pandas as pd
    >>> flags, bad = parse_bools(pd.Series(["ja", "Nei", "", "kanskje"]))
    >>> flags.tolist(), bad.tolist()
    ([True, False, <NA>, <NA>], [False, False, False, True])
    """
    s, missing = _text(values)
    low = s.str.casefold()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out = out.mask(low.isin(_TRUE), True).mask(low.isin(_FALSE), False)
    return Parsed(out, ~missing & out.isna())


def parse_durations(values: pd.Series, *, decimal: str = ".") -> Parsed:
    """Parse durations to minutes: ``83``, ``83 min``, ``1h 23m``, ``1 t 23 min``, ``01:23:00``,
    ``2 d 3 h``.

    A bare number is taken as minutes (the Socialbakers unit for response time).

    Parameters
    ----------
    values : Series
        Text values.
    decimal : str, default '.'
        The file's decimal mark, for bare numbers (see :func:`parse_numbers`).

    Returns
    -------
    Parsed
        ``values`` in float64 minutes (NaN where missing or bad) and ``bad`` (a value
        was given but is not a duration).
    """
    s, missing = _text(values)
    low = s.str.casefold()
    hms = low.str.extract(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$").astype("float64")
    clock = hms[0] * 60 + hms[1] + hms[2].fillna(0) / 60
    units = {
        "days": r"(\d+(?:[.,]\d+)?)\s*(?:d|dag|dager|days?|døgn)\b",
        "hours": r"(\d+(?:[.,]\d+)?)\s*(?:h|t|timer?|hours?|hrs?)\b",
        "minutes": r"(\d+(?:[.,]\d+)?)\s*(?:m|min|minutt(?:er)?|minutes?|mins?)\b",
        "seconds": r"(\d+(?:[.,]\d+)?)\s*(?:s|sek|sekunder|seconds?|secs?)\b",
    }
    factors = {"days": 1440.0, "hours": 60.0, "minutes": 1.0, "seconds": 1 / 60}
    parts = {
        k: pd.to_numeric(low.str.extract(p)[0].str.replace(",", ".", regex=False), errors="coerce")
        for k, p in units.items()
    }
    any_unit = pd.concat(parts, axis=1).notna().any(axis=1)
    with_units = sum(parts[k].fillna(0) * factors[k] for k in units)
    plain, plain_bad = parse_numbers(s, decimal=decimal)
    minutes = clock.where(clock.notna(), with_units.where(any_unit, plain))
    minutes = minutes.where(~missing)
    bad = ~missing & minutes.isna()
    return Parsed(minutes.astype("float64"), bad)


# --------------------------------------------------------------------------- building
def _typed_extra(values: pd.Series, decimal: str) -> pd.Series:
    """An unmapped column, kept: missing tokens become missing, and a column whose
    values are all numbers becomes numeric (whole numbers as ``Int64``)."""
    text, missing = _text(values)
    if missing.all():
        return text.where(~missing)
    numbers, bad = parse_numbers(values, decimal=decimal)
    if bad.any():
        return text.where(~missing)
    present = numbers.dropna()
    if (present == present.round()).all() and present.abs().max() < 2**53:
        return numbers.round().astype("Int64")
    return numbers


#: Canonical columns that identify a person, per table (hashed unless already pseudonyms).
PERSON_ID_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "comments": ("author_id",),
    "activity": ("actor_id",),
    "posts": ("author_id",),  # the author of a visitor post (empty for the page's own)
}
#: Canonical columns holding free text that may name citizens (scrubbed of personal
#: data): their comments, and posts, which are citizens' own wall posts or the page's
#: posts that may mention citizens.
FREE_TEXT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "comments": ("message",),
    "activity": ("text",),
    "posts": ("message",),
}
_PSEUDONYM = r"^(?:p_[0-9a-f]{16}|page:.+)$"
#: Key of ``LoadResult.meta`` holding the persons seen in a file (raw name, id or handle
#: → pseudonym), for scrubbing free text across files. In memory only: never written.
PERSONS_KEY = "_persons"


def remember_persons(meta: dict, raw: pd.Series, pseudonyms: pd.Series) -> None:
    """Record in ``meta`` the persons a loader has pseudonymised (raw value → pseudonym),
    so that their names, ids and handles are scrubbed from free text in every file of
    the ingest (:func:`kommunesm.io.privacy.scrub_text`'s ``known``).

    Parameters
    ----------
    meta : dict
        The loader's metadata (``LoadResult.meta``); updated in place under
        :data:`PERSONS_KEY`.
    raw : pandas.Series
        Names, ids or handles as in the file.
    pseudonyms : pandas.Series
        Their pseudonyms, aligned with ``raw``.
    """
    pairs = pd.DataFrame(
        {"raw": raw.astype("str").str.strip(), "pseudonym": pseudonyms.astype("str")}
    ).dropna()
    pairs = pairs[
        pairs["raw"].ne("")
        & pairs["raw"].ne(pairs["pseudonym"])
        & ~pairs["raw"].str.match(_PSEUDONYM)
    ].drop_duplicates("raw")
    if len(pairs):
        meta.setdefault(PERSONS_KEY, {}).update(zip(pairs["raw"], pairs["pseudonym"], strict=True))


def page_voice(frame: pd.DataFrame, table: str) -> pd.Series:
    """True for rows whose text is the page's own: posts that are not visitor posts,
    and the page's replies among comments (see :func:`kommunesm.io.privacy.scrub_text`).

    Parameters
    ----------
    frame : pandas.DataFrame
        A canonical ``posts``, ``comments`` or other table.
    table : str
        Its canonical name.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``frame``.
    """
    if table == "posts":
        if "author_kind" not in frame.columns:
            return pd.Series(True, index=frame.index)
        kind = frame["author_kind"].astype("str").str.strip().str.casefold()
        return kind.ne("visitor").fillna(True).astype(bool)
    if table == "comments" and "is_page_reply" in frame.columns:
        flag = frame["is_page_reply"].astype("str").str.strip().str.casefold()
        return flag.isin(["true", "1", "yes", "ja"]).fillna(False).astype(bool)
    return pd.Series(False, index=frame.index)


def pseudonymise_ids(values: pd.Series) -> pd.Series:
    """Person ids with every value that is not already a kommunesm pseudonym (``p_`` +
    16 hex digits, or ``page:<page id>`` for the page itself) replaced by its pseudonym."""
    s = values.astype("str")
    done = s.str.match(_PSEUDONYM, na=False) | s.isna()
    if bool(done.all()):  # nothing to hash: no key needed
        return s
    return s.where(done, privacy.pseudonymise(s.where(~done)))


_PARSERS: dict[str, str] = {
    "count": "count",
    "number": "number",
    "datetime": "datetime",
    "date": "date",
    "bool": "bool",
}


def _date_window(window: tuple[str, str | None] | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    first, last = window or DATE_WINDOW
    start = pd.Timestamp(first)
    end = (
        pd.Timestamp(last)
        if last is not None
        else pd.Timestamp.now(tz=schema.TZ).tz_localize(None).normalize() + pd.Timedelta(days=1)
    )
    return start, end


def _outside(parsed: pd.Series, window: tuple[pd.Timestamp, pd.Timestamp]) -> pd.Series:
    values = parsed
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(schema.TZ).dt.tz_localize(None)
    day = values.dt.normalize()
    return (day.notna() & ((day < window[0]) | (day > window[1]))).fillna(False).astype(bool)


def day_month_order(
    values: pd.Series, *, column: str = "?", file: str | None = None
) -> tuple[bool | None, str]:
    """Decide from the data whether ``a/b/yyyy`` dates in one column are day/month.

    Returns ``(dayfirst, evidence)``: True when some first field is above 12 (and no
    second field is), False for the reverse, None when no value decides (the format's
    documented order is then used). Values that point both ways make the column
    ambiguous: :class:`InputError` naming the column and an example of each.

    >>> day_month_order(pd.Series(["13/02/2013", "01/02/2013"]), column="Posted")[0]
    True
    """
    s = values.astype("str").str.strip()
    parts = s.str.extract(r"^(\d{1,2})/(\d{1,2})/\d{2,4}")
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    day_first = first > 12
    month_first = second > 12
    if day_first.any() and month_first.any():
        a, b = s[day_first].iloc[0], s[month_first].iloc[0]
        raise InputError(
            f"the dates in this column are written both day/month ({a!r}, "
            f"{int(day_first.sum())} values) and month/day ({b!r}, {int(month_first.sum())} "
            "values); kommunesm cannot tell which order the other values use",
            file=file,
            column=column,
            expected="one order in the whole column (or ISO dates, 2013-04-02)",
        )
    if day_first.any():
        return True, (
            f"column {column!r}: dates read as day/month because {int(day_first.sum())} "
            f"values such as {s[day_first].iloc[0]!r} have a first field above 12"
        )
    if month_first.any():
        return False, (
            f"column {column!r}: dates read as month/day because {int(month_first.sum())} "
            f"values such as {s[month_first].iloc[0]!r} have a second field above 12"
        )
    return None, ""


_CODE_TYPOS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "S": "5", "B": "8"})


def check_municipality_codes(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Flag municipality codes that are not codes SSB used 1994–2024.

    Returns ``(unknown, reason)``; the reason names candidates where one is likely (a
    letter O typed for a zero: ``03O1`` → ``0301``).
    """
    from kommunesm import registry
    from kommunesm.errors import UnknownMunicipalityError

    s = codes.astype("str").str.strip()
    missing = s.isna() | s.str.lower().isin(NA_TOKENS)
    unknown = pd.Series(False, index=s.index)
    reason = pd.Series("", index=s.index, dtype="str")
    for code in pd.unique(s[~missing]):
        try:
            registry.to_2024_candidates(code)
            continue
        except (UnknownMunicipalityError, ValueError) as exc:
            message = str(exc)
        fixed = str(code).translate(_CODE_TYPOS)
        candidates = []
        if fixed != code:
            try:
                registry.to_2024_candidates(fixed)
                candidates.append(fixed)
            except (UnknownMunicipalityError, ValueError):
                pass
        text = "unknown municipality code: " + message
        if candidates:
            text += f"; did you mean {', '.join(candidates)}?"
        hit = s == code
        unknown |= hit
        reason = reason.mask(hit, text)
    return unknown, reason


def ambiguous_municipality_names(names: pd.Series) -> list[str]:
    """Notes for page names that match several municipalities (Våler, Herøy, Nes, Bø,
    Os, Sande …), with the candidates, when the file gives no municipality code."""
    from kommunesm import registry
    from kommunesm.errors import AmbiguousMunicipalityError, UnknownMunicipalityError

    notes = []
    for name in pd.unique(names.dropna().astype("str")):
        try:
            registry.match_name(name)
        except AmbiguousMunicipalityError as exc:
            notes.append(
                f"page name {name!r} matches several municipalities ({', '.join(exc.candidates)}); "
                "give 'kommunenummer' (or a county) to choose"
            )
        except (UnknownMunicipalityError, ValueError):
            continue
    return notes


def build_table(
    raw: RawTable,
    table: str,
    mapping: Mapping[str, str],
    *,
    fmt: str,
    tz: str = schema.TZ,
    dayfirst: bool | None = None,
    decimal: str | None = None,
    constants: Mapping[str, object] | None = None,
    derive: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame] | None = None,
    durations: Iterable[str] = (),
    required_sources: Iterable[str | tuple[str, ...]] = (),
    meta: Mapping[str, Any] | None = None,
    date_window: tuple[str, str | None] | None = None,
) -> LoadResult:
    """Turn a :class:`RawTable` into a validated canonical table plus quarantine.

    Parameters
    ----------
    raw : RawTable
        The file as read by :func:`read_raw`.
    table : str
        Canonical table name.
    mapping : mapping of str to str
        Canonical column → source column (from :func:`resolve_columns`).
    fmt : str
        Format name, for messages and ``meta``.
    tz : str, default 'Europe/Oslo'
        Time zone of timestamps written without one.
    dayfirst : bool, optional
        Passed to :func:`parse_datetimes`.
    decimal : str, optional
        Decimal mark; inferred with :func:`detect_decimal` when None.
    constants : mapping of str to object, optional
        Canonical columns filled with one value (e.g. ``platform="facebook"``) when the
        file has no such column.
    derive : callable, optional
        ``derive(parsed, raw_frame) -> parsed``: computes canonical columns from others
        (e.g. a post id from a URL) after parsing and before validation.
    durations : iterable of str, default ()
        Canonical ``number`` columns that hold durations (parsed to minutes).
    required_sources : iterable of str or tuple, default ()
        Canonical columns that the file itself must provide (a tuple means "at least
        one of"); a missing one raises :class:`InputError` naming the aliases accepted.
    meta : mapping of str to object, optional
        How the file was read (format, encoding, …), stored in the result's ``meta``;
        ``meta["scrubbed"]`` true means the free text is already scrubbed.
    date_window : tuple of (str, str or None), optional
        ``(first, last)`` dates kept (default :data:`DATE_WINDOW`); dates outside are
        quarantined.

    Returns
    -------
    LoadResult
        The canonical table, the quarantined rows with their reasons, and ``meta``.
    """
    fields = schema.FIELDS[table]
    frame = raw.frame
    display = raw.path
    for need in required_sources:
        options = (need,) if isinstance(need, str) else tuple(need)
        if not any(c in mapping for c in options):
            accepted = aliases(fmt, table)
            names = accepted.loc[accepted["canonical"].isin(options), "alias"].tolist()
            raise InputError(
                f"no column for {' or '.join(repr(c) for c in options)} ({fmt} {table})",
                file=display,
                row=raw.header_row,
                column=options[0],
                expected="one of the columns " + ", ".join(repr(n) for n in names),
                got=", ".join(list(frame.columns)[:12]) + ("…" if len(frame.columns) > 12 else ""),
            )

    numeric_sources = [
        mapping[c] for c, f in fields.items() if c in mapping and f.kind in ("count", "number")
    ]
    if decimal is None:
        decimal = detect_decimal(frame, numeric_sources, raw.delimiter)
    durations = set(durations)

    out = pd.DataFrame(index=frame.index)
    problems: list[pd.DataFrame] = []

    def note(bad: pd.Series, column: str, reason: pd.Series | str) -> None:
        if bad.any():
            idx = bad[bad].index
            rs = reason[idx] if isinstance(reason, pd.Series) else pd.Series(reason, index=idx)
            problems.append(
                pd.DataFrame(
                    {"column": column, "value": frame.loc[idx, column].astype("str"), "reason": rs}
                )
            )

    if "\x00overflow" in frame.columns:
        over = frame["\x00overflow"].astype("str").str.startswith("\x00TOO_MANY:", na=False)
        if over.any():
            n = frame.loc[over, "\x00overflow"].str.replace("\x00TOO_MANY:", "", regex=False)
            problems.append(
                pd.DataFrame(
                    {
                        "column": "(row)",
                        "value": "",
                        "reason": f"expected {len(frame.columns) - 1} cells, got " + n,
                    },
                    index=n.index,
                )
            )
        cut = frame["\x00overflow"].astype("str").str.startswith(_CUT, na=False)
        if cut.any():
            why = frame.loc[cut, "\x00overflow"].str.replace(_CUT, "", regex=False)
            problems.append(pd.DataFrame({"column": "(row)", "value": "", "reason": why}))
        frame = frame.drop(columns="\x00overflow")

    notes = list(raw.notes)
    for source in set(mapping.values()):
        twins = raw.duplicate_headers.get(source)
        if not twins:
            continue
        cols = [c for c in twins if c in frame.columns]
        differs = [c for c in cols[1:] if not frame[c].fillna("").equals(frame[source].fillna(""))]
        positions = [list(frame.columns).index(c) + 1 for c in cols]
        if differs:
            raise InputError(
                f"{len(cols)} columns are called {source!r} (columns "
                f"{', '.join(map(str, positions))}) and hold different values; kommunesm "
                "cannot tell which one is meant",
                file=display,
                row=raw.header_row,
                column=source,
                expected="each column name once (rename or delete the extra column)",
            )
        notes.append(
            f"columns {', '.join(map(str, positions))} are all called {source!r} and hold the "
            "same values; the first is used"
        )
    window = _date_window(date_window)

    for canonical, source in mapping.items():
        f = fields.get(canonical)
        values = frame[source]
        if f is None:
            out[canonical] = values
            continue
        kind = f.kind
        if kind == "number" and canonical in durations:
            parsed, bad = parse_durations(values, decimal=decimal)
            note(bad, source, "expected a duration (minutes, 1h 23m or hh:mm:ss)")
        elif kind == "count":
            parsed, bad, why = parse_counts(values, decimal=decimal)
            note(bad, source, why)
        elif kind == "number":
            parsed, bad = parse_numbers(values, decimal=decimal)
            note(bad, source, "expected a number")
        elif kind in ("datetime", "date"):
            order = dayfirst
            if order is None:
                order, evidence = day_month_order(values, column=source, file=display)
                if evidence:
                    notes.append(evidence)
            if kind == "datetime":
                parsed, bad, why = parse_datetimes(values, tz=tz, dayfirst=order)
                bare = values.astype("str").str.strip().str.fullmatch(_DATE_ONLY, na=False)
                n_dates = int((bare & parsed.notna()).sum())
                if n_dates:
                    notes.append(
                        f"column {source!r}: {n_dates} values are dates without a time; kept as "
                        f"that date (00:00 {schema.TZ}), not shifted from another zone"
                    )
            else:
                parsed, bad = parse_dates(values, dayfirst=order)
                why = "expected a date (e.g. 2013-04-02)"
            note(bad, source, why)
            outside = _outside(parsed, window) & ~bad
            note(
                outside,
                source,
                f"date outside the plausible window {window[0]:%Y-%m-%d} – {window[1]:%Y-%m-%d} "
                "(kommunesm.io.tabular.DATE_WINDOW)",
            )
        elif kind == "bool":
            parsed, bad = parse_bools(values)
            note(bad, source, "expected true/false, yes/no or 1/0")
        else:
            s, missing = _text(values)
            parsed = values.astype("str").where(~missing)
            if kind == "id":
                parsed = s.where(~missing)
        out[canonical] = parsed

    for canonical, value in (constants or {}).items():
        if canonical not in out.columns:
            out[canonical] = value

    if derive is not None:
        out = derive(out, frame)

    mapped_sources = set(mapping.values())
    extras = [c for c in frame.columns if c not in mapped_sources and c not in out.columns]
    for col in extras:
        out[col] = _typed_extra(frame[col], decimal)
    personal = [c for c in extras if privacy.is_personal_column(c)]
    seen: dict = {PERSONS_KEY: dict((meta or {}).get(PERSONS_KEY) or {})}
    for col in personal:
        raw_values = out[col].astype("str")
        out[col] = privacy.pseudonymise(raw_values)
        if table in ("comments", "activity"):  # in posts tables they are mostly the page
            remember_persons(seen, raw_values, out[col])
    # person ids in every input shape (canonical files too): a value that is not
    # already a kommunesm pseudonym is hashed
    if table == "comments" and {"author_id", "is_page_reply", "page_id"} <= set(out.columns):
        # the page's own replies are the page, never a citizen
        page = out["is_page_reply"].astype("str").str.strip().str.lower().isin(["true", "1"])
        out["author_id"] = out["author_id"].mask(page, "page:" + out["page_id"].astype("str"))
    for col in PERSON_ID_COLUMNS.get(table, ()):
        if col in out.columns:
            raw_values = out[col]
            out[col] = pseudonymise_ids(raw_values)
            remember_persons(seen, raw_values, out[col])
    persons = seen[PERSONS_KEY]
    # free text that may name citizens: scrubbed knowing every person of the file
    for col in FREE_TEXT_COLUMNS.get(table, ()):
        if col in out.columns and not (meta or {}).get("scrubbed"):
            out[col] = privacy.scrub_text(out[col], known=persons, by_page=page_voice(out, table))

    if "kommunenummer" in out.columns:
        codes = out["kommunenummer"]
        unknown, why = check_municipality_codes(codes)
        if unknown.any():
            idx = unknown[unknown].index
            problems.append(
                pd.DataFrame(
                    {
                        "column": mapping.get("kommunenummer", "kommunenummer"),
                        "value": codes[idx].astype("str"),
                        "reason": why[idx],
                    },
                    index=idx,
                )
            )
    elif table == "pages" and "name" in out.columns:
        notes += ambiguous_municipality_names(out["name"])

    out = schema.coerce_dtypes(out, table)

    bad_index = pd.Index([])
    pre = schema.quarantine_frame()
    if problems:
        allp = pd.concat(problems)
        personal_sources = {mapping[c] for c in PERSON_ID_COLUMNS.get(table, ()) if c in mapping}
        personal_sources |= {c for c in frame.columns if privacy.is_personal_column(c)}
        hide = allp["column"].isin(personal_sources)
        allp["value"] = allp["value"].mask(hide, "[personopplysning fjernet]")
        allp["value"] = privacy.scrub_text(allp["value"].astype("str"), known=persons)
        grouped = allp.groupby(level=0, sort=True).agg(
            {"column": "; ".join, "value": "; ".join, "reason": "; ".join}
        )
        bad_index = grouped.index
        pre = schema.quarantine_frame(
            {
                "source_file": display,
                "source_row": int(raw.rows.at[i]),
                "column": r.column,
                "value": r.value,
                "reason": r.reason,
            }
            for i, r in zip(grouped.index, grouped.itertuples(index=False), strict=True)
        )
    candidates = out.drop(index=bad_index)
    kept, post = schema.validate(
        candidates, table, source=display, row_numbers=raw.rows.loc[candidates.index]
    )
    quarantine = pd.concat([pre, post], ignore_index=True) if len(post) else pre
    quarantine = quarantine.sort_values("source_row", kind="stable").reset_index(drop=True)
    info = {
        "format": fmt,
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
        "decimal": decimal,
        "header_row": raw.header_row,
        "columns_mapped": dict(mapping),
        "columns_kept_unmapped": extras,
        "columns_pseudonymised": personal,
        "notes": notes,
    }
    info.update(meta or {})
    if persons:
        info[PERSONS_KEY] = persons
    return LoadResult(
        data=kept.reset_index(drop=True),
        quarantine=quarantine,
        source=display,
        table=table,
        n_in=raw.n_in,
        skipped=raw.skipped,
        meta=info,
    )

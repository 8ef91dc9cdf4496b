"""Safe outputs: escape data strings for HTML/Markdown, neutralise spreadsheet formulas,
write CSV and XLSX files byte-identically.

Everything kommunesm publishes (report pages, result tables, coding workbooks) may hold
strings that came from data: page names, survey answers, messages, file names. Such a
string must never run as a script in a browser nor as a formula in a spreadsheet. This
module is the one place that knows how to make a data string harmless; every writer in
the package goes through it.

HTML and Markdown
-----------------
- :func:`escape_html` — one value → HTML text (``<``, ``>``, ``&``, ``"``, ``'``
  escaped). Use it for every data string put into HTML, attributes included.
- :func:`escape_markdown` — one value → Markdown text that renders as the literal
  string (HTML escaped *and* Markdown punctuation backslash-escaped, so that ``*``,
  ``[x](javascript:…)`` or a MyST role do nothing).
- :func:`escape_frame` — a copy of a table with every string cell, column label and
  index label HTML-escaped (for hand-made HTML; for a pandas ``Styler`` use
  ``df.style.format(escape="html")`` or :func:`styler_escape`, which does the same
  through pandas).

Spreadsheet formulas (OWASP "CSV injection")
--------------------------------------------
A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by Excel, LibreOffice and Google Sheets when the file is opened. Following
the OWASP rule (https://owasp.org/www-community/attacks/CSV_Injection) such a *string*
gets a leading apostrophe ``'`` so that it is shown as text. Genuine numbers are left
alone: numeric cells (int/float) are never touched, and a string that is a plain
number (``"-12"``, ``"+3.5"``, ``"-1,5"``, ``"-1e-3"``) stays as it is.

- :func:`neutralise` — one value.
- :func:`neutralise_frame` — a copy of a table, string cells and labels neutralised.
- :func:`write_csv` — neutralise + write a CSV with fixed format, atomically.
- :func:`save_workbook` — save an openpyxl workbook with every data cell a value (no
  formula from data), fixed document timestamps and fixed zip entry times, atomically:
  the same workbook gives the same bytes on every run.

Examples
--------
>>> escape_html('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
>>> neutralise('=HYPERLINK("http://evil","Ørsta")')
'\\'=HYPERLINK("http://evil","Ørsta")'
>>> neutralise("-12.5"), neutralise(-3), neutralise("-foo")
('-12.5', -3, "'-foo")
"""

from __future__ import annotations

import html
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "FIXED_TIME",
    "FORMULA_PREFIXES",
    "atomic_write_bytes",
    "escape_frame",
    "escape_html",
    "escape_markdown",
    "is_formula_like",
    "neutralise",
    "neutralise_frame",
    "save_workbook",
    "styler_escape",
    "write_csv",
]

#: Characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Document timestamp written into every workbook (no wall-clock time in outputs).
FIXED_TIME = pd.Timestamp("2013-08-01 00:00:00").to_pydatetime()

# a plain number: sign, digits with optional decimal point/comma, optional exponent
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?\s?%?")
# what Markdown/MyST gives a meaning to
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$])")
# leading characters some spreadsheet apps skip before looking for a formula
_LEADING_SPACE = " \u00a0\u3000"


# ------------------------------------------------------------------------------ HTML
def escape_html(value: Any) -> str:
    """``value`` as HTML text: ``&``, ``<``, ``>``, ``"`` and ``'`` escaped.

    Missing values (None, NaN, NA) become the empty string. Safe inside element text
    and inside quoted attribute values.

    >>> escape_html("<img src=x onerror=alert(1)>.csv")
    '&lt;img src=x onerror=alert(1)&gt;.csv'
    >>> escape_html(None)
    ''

    Parameters
    ----------
    value : object
        Any cell value.

    Returns
    -------
    str
        The escaped text.
    """
    if _is_missing(value):
        return ""
    return html.escape(str(value), quote=True)


def escape_markdown(value: Any) -> str:
    """``value`` as Markdown (CommonMark/MyST) that renders as the literal text.

    HTML is escaped (raw HTML in Markdown would otherwise pass through) and Markdown
    punctuation is backslash-escaped, so a data string cannot make a link, an image, a
    heading, emphasis or a MyST role. Line breaks become spaces.

    >>> escape_markdown("[klikk](javascript:alert(1)) *viktig* <b>")
    '\\\\[klikk\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\) \\\\*viktig\\\\* &lt;b&gt;'

    Parameters
    ----------
    value : object
        Any cell value.

    Returns
    -------
    str
        The escaped Markdown.
    """
    text = escape_html(value)
    text = re.sub(r"[\r\n]+", " ", text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every string cell and every column/index label
    HTML-escaped (numbers, dates and missing values unchanged).

    >>> escape_frame(pd.DataFrame({"<b>": ["<i>x</i>", 1]})).to_dict("list")
    {'&lt;b&gt;': ['&lt;i&gt;x&lt;/i&gt;', 1]}

    Parameters
    ----------
    frame : DataFrame
        The table.

    Returns
    -------
    DataFrame
        The escaped copy.
    """
    return _map_frame(frame, lambda v: escape_html(v) if isinstance(v, str) else v)


def styler_escape(frame: pd.DataFrame | Any) -> Any:
    """A pandas ``Styler`` for ``frame`` whose cells are HTML-escaped (labels too).

    Equivalent to ``frame.style.format(escape="html").format_index(escape="html")``;
    a ``Styler`` given is returned with the escaping added. Captions are not data:
    escape them yourself with :func:`escape_html` if they hold data strings.

    Parameters
    ----------
    frame : DataFrame or Styler
        The table (or a Styler of it).

    Returns
    -------
    Styler
        The escaping Styler.
    """
    styler = frame.style if isinstance(frame, pd.DataFrame) else frame
    styler = styler.format(escape="html")
    for axis in (0, 1):
        styler = styler.format_index(escape="html", axis=axis)
    return styler


# --------------------------------------------------------------------------- formulas
def is_formula_like(value: Any) -> bool:
    """True if ``value`` is a string a spreadsheet would run as a formula.

    >>> is_formula_like("=1+1"), is_formula_like("-5"), is_formula_like(" @SUM(A1)")
    (True, False, True)

    Parameters
    ----------
    value : object
        Any cell value.

    Returns
    -------
    bool
        Whether a spreadsheet would treat it as a formula.
    """
    if not isinstance(value, str) or not value:
        return False
    stripped = value.lstrip(_LEADING_SPACE)
    if not stripped or not stripped.startswith(FORMULA_PREFIXES):
        return False
    if stripped in ("-", "+", "–"):  # a dash for "none" is text in every spreadsheet
        return False
    return not _NUMBER.fullmatch(stripped)


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is a formula-led string (OWASP rule);
    anything else (numbers, plain-number strings, ordinary text) unchanged.

    Parameters
    ----------
    value : object
        Any cell value.

    Returns
    -------
    object
        The value, neutralised if it was formula-led.
    """
    return "'" + value if is_formula_like(value) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`neutralise` applied to every string cell and to
    the column and index labels.

    >>> neutralise_frame(pd.DataFrame({"side": ["=1+1", "Ørsta"], "n": [-1, 2]})).to_dict("list")
    {'side': ["'=1+1", 'Ørsta'], 'n': [-1, 2]}

    Parameters
    ----------
    frame : DataFrame
        The table.

    Returns
    -------
    DataFrame
        The neutralised copy.
    """
    return _map_frame(frame, neutralise)


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs: Any) -> Path:
    """Write ``frame`` as CSV with formula-led strings neutralised, atomically.

    Defaults give byte-identical files for the same table: UTF-8, ``\\n`` line ends,
    ``float_format="%.6g"``, ISO 8601 timestamps, ``index=False``. Other keyword
    arguments go to :meth:`pandas.DataFrame.to_csv`.

    Parameters
    ----------
    frame : DataFrame
        The table.
    path : str or Path
        Target file.
    **kwargs : object
        Passed on to :meth:`pandas.DataFrame.to_csv`.

    Returns
    -------
    Path
        The file written.
    """
    kwargs.setdefault("index", False)
    kwargs.setdefault("float_format", "%.6g")
    kwargs.setdefault("lineterminator", "\n")
    kwargs.setdefault("date_format", "%Y-%m-%dT%H:%M:%S%z")
    encoding = kwargs.pop("encoding", "utf-8")
    text = neutralise_frame(frame).to_csv(None, **kwargs)
    return atomic_write_bytes(Path(path), text.encode(encoding))


def save_workbook(workbook: Any, path: str | Path) -> Path:
    """Save an openpyxl ``workbook`` safely and reproducibly.

    - every string cell that would be read as a formula is stored as *text* with the
      OWASP apostrophe (a workbook never holds a formula taken from data; a workbook
      that needs a real formula must not use this function for that cell);
    - the document's created/modified times are :data:`FIXED_TIME` and every zip entry
      has a fixed time, so the same content gives the same bytes on every run;
    - the file is written to a temporary name and renamed (no half-written workbook).

    Parameters
    ----------
    workbook : openpyxl.Workbook
        The workbook.
    path : str or Path
        Target file.

    Returns
    -------
    Path
        The file written.
    """
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or is_formula_like(cell.value):
                    if isinstance(cell.value, str):
                        cell.value = neutralise(cell.value)
                    cell.data_type = "s"
    workbook.properties.created = FIXED_TIME
    buf = io.BytesIO()
    workbook.save(buf)  # openpyxl stamps `modified` with now; fixed below
    return atomic_write_bytes(Path(path), _fix_zip(buf.getvalue()))


def _fix_zip(data: bytes) -> bytes:
    fixed = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + fixed.encode() + rb"\g<2>",
                    payload,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, payload)
    return out.getvalue()


# ------------------------------------------------------------------------------ files
def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an
    atomic rename: readers see the old file or the new one, never half of one.

    Parameters
    ----------
    path : Path
        Target file.
    data : bytes
        The content.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------------------- helpers
def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, str) else False
    except (TypeError, ValueError):
        return False


def _map_frame(frame: pd.DataFrame, func: Callable[[Any], Any]) -> pd.DataFrame:
    out = frame.copy()
    for i in range(out.shape[1]):
        s = out.iloc[:, i]
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            mapped = s.map(lambda v: func(v) if isinstance(v, str) else v)
            if not mapped.equals(s):
                out.isetitem(i, mapped.astype(s.dtype) if s.dtype != object else mapped)
        elif isinstance(s.dtype, pd.CategoricalDtype) and s.cat.categories.dtype == object:
            out.isetitem(i, s.cat.rename_categories(lambda v: func(v) if isinstance(v, str) else v))
    out.columns = _map_index(out.columns, func)
    out.index = _map_index(out.index, func)
    return out


def _map_index(index: pd.Index, func: Callable[[Any], Any]) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_map_index(level, func) for level in index.levels]
        return index.set_levels(levels, verify_integrity=False)
    if index.dtype == object or isinstance(index.dtype, pd.StringDtype):
        return index.map(lambda v: func(v) if isinstance(v, str) else v)
    return index

"""Coding sheets for human coders: sample, export to Excel, import and validate.

Johnsen, Jørgensen & Aaneland (2013, s. 13–14, section 2.5) rated the
top-10 pages on H1–H10 "by observation" — one coder, no record of what was looked at.
Here every coder gets an Excel workbook of their own:

* sheet **Koding**: one row per unit (a page, or a sampled post) with the post text or
  About text, a link, the automatic codes and suggestions (read-only information,
  columns ``auto_…`` and ``forslag_…``), one drop-down column per hypothesis (Excel data
  validation: *Bra / Kan bli bedre / Dårlig*, or *1 / 0* for yes/no codes) and a
  ``merknad`` (note) column;
* sheet **Instruksjoner**: how to code, and each hypothesis' statement, the report's
  definition and our operational rule;
* sheet **Meta**: coder, scale, unit and version — read back by :func:`import_sheets`.

:func:`import_sheets` turns the filled workbooks into the canonical ``coding`` table
(unit_id, hypothesis, coder, value, note; :mod:`kommunesm.schema`) and refuses invalid
cells, naming file, sheet, row, column and cell. Excel's drop-downs stop most typing
errors, but not pasted values or edits by other programs, so the import checks again.

These functions write and read the H1–H10 workbooks of ``kommunesm coding-sheet`` (their
layout is fixed: one scale per workbook). Any coding scheme — H1–H10 declared as the
schemes ``gambit_sider`` and ``gambit_innlegg`` included — is written and read by
:mod:`kommunesm.hypotheses.scheme_sheets`, and a whole round (sample, workbooks, user's
or simulated codes, reliability, comparison) is
:func:`kommunesm.hypotheses.scheme_analysis.coding_round`.

Examples
--------
>>> import pandas as pd, tempfile
>>> from kommunesm.hypotheses import sheets
>>> pages = pd.DataFrame({"page_id": ["a", "b"], "name": ["Demo A", "Demo B"],
...                       "about_text": ["Åpent kl. 8–16", ""]})
>>> with tempfile.TemporaryDirectory() as tmp:
...     paths = sheets.export_sheet(pages, ["H8", "H9"], ["A", "B"], tmp)
...     [p.name for p in paths]
['koding_A.xlsx', 'koding_B.xlsx']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import kommunesm
from kommunesm import safe, schema
from kommunesm.errors import InputError
from kommunesm.hypotheses.definitions import (
    BINARY,
    HYPOTHESES,
    HYPOTHESIS_IDS,
    SCALE,
    normalise_value,
)
from kommunesm.metrics.wall import page_posts

__all__ = [
    "CODING_SHEET",
    "CodingSheetError",
    "INSTRUCTIONS_SHEET",
    "META_SHEET",
    "NOTE_COLUMN",
    "PAGE_HYPOTHESES",
    "POST_HYPOTHESES",
    "check_sheets",
    "coding_from_frame",
    "export_sheet",
    "filled_sheets",
    "import_sheets",
    "make_coding_sheets",
    "sample_posts",
    "select_pages",
    "units_from_ids",
]

CODING_SHEET = "Koding"
INSTRUCTIONS_SHEET = "Instruksjoner"
META_SHEET = "Meta"
NOTE_COLUMN = "merknad"
_FIXED_TIME = dt.datetime(2013, 8, 1)  # workbook metadata: no wall-clock time in files
_PROBLEM_COLUMNS = ["file", "sheet", "row", "column", "cell", "value", "problem"]


class CodingSheetError(InputError):
    """Invalid coding sheets. ``problems`` lists every bad cell (file, sheet, row,
    column, cell, value, problem); the message names them."""

    def __init__(self, problems: pd.DataFrame) -> None:
        self.problems = problems.reset_index(drop=True)
        first = self.problems.iloc[0]
        lines = [
            f"{r.file}, sheet {r.sheet!r}, row {r.row}, column {r.column!r} (cell {r.cell}): "
            f"{r.problem}"
            for r in self.problems.itertuples(index=False)
        ]
        more = (
            "" if len(lines) == 1 else f"; {len(lines)} problems in all:\n  " + "\n  ".join(lines)
        )
        super().__init__(
            f"sheet {first['sheet']!r}, cell {first['cell']}: {first['problem']}{more}",
            file=first["file"],
            row=int(first["row"]),
            column=str(first["column"]),
        )


# ----------------------------------------------------------------------------- sampling
def _hash_key(seed: int) -> str:
    return hashlib.sha256(f"kommunesm-sample-{seed}".encode()).hexdigest()[:16]


def sample_posts(
    posts: pd.DataFrame,
    per_page: int = 5,
    seed: int = 2013,
    *,
    pages: Iterable[str] | None = None,
    strata: str | None = None,
    require_text: bool = True,
) -> pd.DataFrame:
    """A reproducible sample of posts, stratified by page, for manual coding.

    Each post gets a pseudo-random key from a keyed hash of its ``post_id`` and the
    seed; within each page (and stratum) the ``per_page`` posts with the smallest keys
    are taken. The sample therefore does not depend on row order, and adding posts of
    other pages or periods does not change a page's sample.

    Parameters
    ----------
    posts : DataFrame
        Posts table (``post_id``, ``page_id``, ``message``). Citizens' wall posts
        (``author_kind`` = ``"visitor"``) are never sampled.
    per_page : int, default 5
        Posts per page (per page × stratum with ``strata``); pages with fewer posts give
        all of theirs.
    seed : int, default 2013
        Seed of the keyed hash.
    pages : iterable of str, optional
        Only these page ids (e.g. the top 10 and a comparison group).
    strata : str, optional
        Optional extra stratification column (e.g. a month column).
    require_text : bool, default True
        Leave out posts without text (nothing to code).

    Returns
    -------
    DataFrame
        The sampled rows (original columns), sorted by page_id and created_at, plus
        ``sample_key`` (the hash key, for audit).

    Examples
    --------
    >>> posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(6)],
    ...                       "page_id": ["a"] * 4 + ["b"] * 2, "message": ["x"] * 6})
    >>> sample_posts(posts, per_page=2, seed=1)["page_id"].tolist()
    ['a', 'a', 'b', 'b']
    """
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    for col in ("post_id", "page_id"):
        if col not in posts.columns:
            raise InputError("posts table lacks a column", file="posts", column=col)
    frame = page_posts(posts)  # the hypotheses judge the page's posts, not visitors'
    if pages is not None:
        frame = frame[frame["page_id"].isin(list(pages))]
    if require_text and "message" in frame.columns:
        text = frame["message"].astype(object).where(frame["message"].notna(), "")
        frame = frame[text.astype(str).str.strip().str.len() > 0]
    keys = pd.util.hash_array(
        frame["post_id"].astype(str).to_numpy(dtype=object), hash_key=_hash_key(seed)
    )
    frame = frame.assign(sample_key=keys)
    by = ["page_id"] + ([strata] if strata else [])
    order = frame.sort_values(by + ["sample_key"], kind="stable")
    rank = order.groupby(by, sort=False, dropna=False).cumcount()
    picked = order[rank.to_numpy() < per_page]
    sort_cols = ["page_id"] + (["created_at"] if "created_at" in picked.columns else [])
    return picked.sort_values(sort_cols + ["post_id"], kind="stable")


# ----------------------------------------------------------------------------- export
def _unit_column(units: pd.DataFrame, unit_col: str | None) -> str:
    if unit_col:
        if unit_col not in units.columns:
            raise InputError("unit id column not found", file="units", column=unit_col)
        return unit_col
    for col in ("unit_id", "post_id", "page_id"):
        if col in units.columns:
            return col
    raise InputError(
        "units need an id column", file="units", expected="unit_id, post_id or page_id"
    )


def _sheet_text(units: pd.DataFrame, text_col: str) -> list[object]:
    """The units' texts for a coding sheet, scrubbed of personal data
    (:func:`kommunesm.io.privacy.scrub_text`). The loaders scrub at reading already;
    this last gate also covers tables built in memory (the demo generator, a notebook),
    so that no route writes a citizen's name, e-mail, phone number or handle into a
    workbook. The page's own texts keep their staff sign-offs."""
    from kommunesm.io import privacy, tabular

    by_page = tabular.page_voice(units, "posts")
    return _cell_text(privacy.scrub_text(units[text_col], by_page=by_page))


def _cell_text(values: pd.Series) -> list[object]:
    out: list[object] = []
    for v in values.tolist():
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        elif isinstance(v, pd.Timestamp):
            out.append(v.strftime("%Y-%m-%d %H:%M"))
        elif isinstance(v, bool | np.bool_):
            out.append(int(v))
        elif isinstance(v, np.integer | np.floating):
            out.append(v.item())
        else:
            out.append(str(v))
    return out


def _check_coders(coders: Sequence[str]) -> list[str]:
    """The coder names, if there is at least one, each once, each usable in a file name."""
    coders = list(coders)
    if not coders or len(set(coders)) != len(coders):
        raise ValueError("give at least one coder, each name once")
    bad = [c for c in coders if not re.fullmatch(r"[\w.-]+", str(c))]
    if bad:
        raise ValueError(f"coder names must be letters, digits, '.', '-' or '_': {bad}")
    return coders


def _shown_columns(
    units: pd.DataFrame,
    ucol: str,
    text_col: str | None,
    link_col: str | None,
    label_col: str | None,
) -> tuple[str | None, str | None, str | None]:
    """The text, link and label columns of a coding sheet: as given, else the first present."""
    cols = units.columns
    text_col = text_col or next((c for c in ("message", "about_text", "text") if c in cols), None)
    link_col = link_col or next((c for c in ("permalink", "link", "url") if c in cols), None)
    label_col = label_col or next(
        (c for c in ("name", "page_name", "page_id") if c in cols and c != ucol), None
    )
    return text_col, link_col, label_col


def _coding_workbook(
    info: Mapping[str, list[object]], code_cols: Sequence[str], *, width: Callable[[str], int]
) -> tuple[Any, Any, list[str]]:
    """A workbook whose sheet **Koding** has the unit information (cells neutralised,
    :func:`kommunesm.safe.neutralise`), empty code cells and the note column; header in
    bold, code columns yellow, automatic ones grey, ``width(name)`` per column, text
    wrapped, panes frozen. Returns the workbook, the sheet and the header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    info_cols = list(info)
    header = info_cols + list(code_cols) + [NOTE_COLUMN]
    wb = Workbook()
    wb.properties.creator = "kommunesm"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    ws = wb.active
    ws.title = CODING_SHEET
    ws.append(header)
    for row in zip(*(info[c] for c in info_cols), strict=True):
        ws.append([safe.neutralise(v) for v in row] + [None] * (len(code_cols) + 1))
    bold = Font(bold=True)
    code_fill = PatternFill("solid", fgColor="FFF2CC")
    info_fill = PatternFill("solid", fgColor="EDEDED")
    for j, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = bold
        if name.startswith(("auto_", "forslag_")):
            cell.fill = info_fill
        elif name in code_cols:
            cell.fill = code_fill
        fixed = {"tekst": 70, "lenke": 28, "side": 22, "dato": 17, NOTE_COLUMN: 30}
        ws.column_dimensions[get_column_letter(j)].width = fixed.get(name) or width(name)
    if "tekst" in info:
        letter = get_column_letter(info_cols.index("tekst") + 1)
        for cell in ws[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=2, column=2)
    return wb, ws, header


def _save_coding_workbook(wb: Any, meta: Sequence[tuple[str, object]], path: Path) -> Path:
    """Add the **Meta** sheet (key, value rows) and save the workbook (values only,
    fixed timestamps, atomic: :func:`kommunesm.safe.save_workbook`)."""
    sheet = wb.create_sheet(META_SHEET)
    for key, value in meta:
        sheet.append([key, value])
    safe.save_workbook(wb, path)
    return path


def _instructions(hyps: Sequence[str], scale: str, unit: str) -> list[list[object]]:
    values = " / ".join(SCALE) if scale == "ordinal" else "1 (ja) / 0 (nei)"
    rows: list[list[object]] = [
        ["Kodeskjema — ti påstander (Johnsen, Jørgensen & Aaneland 2013, kap. 2.5)"],
        [],
        ["Slik koder du / how to code"],
        [
            "1. Arbeid alene: ikke se på de andre koderne sine ark. Work alone: do not look "
            "at the other coders' sheets."
        ],
        [
            f"2. Fyll ut én celle per påstand og {'innlegg' if unit == 'post' else 'side'} "
            f"med nedtrekkslisten: {values}. Use the drop-down; do not type other values."
        ],
        [
            "3. Kolonnene auto_… er automatiske koder og forslag_… er forslag fra en "
            "tekstklassifikator. De er hjelp, ikke fasit: vurder selv. The auto_ and "
            "forslag_ columns are machine codes and suggestions, not answers."
        ],
        ["4. Skriv eventuelle merknader i kolonnen 'merknad'. Do not edit unit_id."],
        [
            "5. La en celle stå tom bare hvis enheten ikke kan vurderes, og skriv hvorfor i "
            "merknad. Leave a cell empty only if the unit cannot be judged."
        ],
        [],
        ["påstand", "utsagn (rapporten)", "definisjon (rapporten, s. 13–14)", "operasjonell regel"],
    ]
    for hid in hyps:
        h = HYPOTHESES[hid]
        rows.append([hid, h.statement_nb, h.definition_nb, h.rule_en])
    return rows


def export_sheet(
    units: pd.DataFrame,
    hypotheses: Sequence[str],
    coders: Sequence[str],
    path: str | Path,
    *,
    scale: str = "auto",
    auto: pd.DataFrame | None = None,
    suggestions: pd.DataFrame | None = None,
    unit_col: str | None = None,
    text_col: str | None = None,
    link_col: str | None = None,
    label_col: str | None = None,
) -> list[Path]:
    """Write one coding workbook per coder.

    Parameters
    ----------
    units : DataFrame
        One row per unit: sampled posts (``post_id``, ``page_id``, ``message``,
        ``permalink``, ``created_at``) or pages (``page_id``, ``name``, ``about_text``).
    hypotheses : sequence of str
        Hypothesis ids to code (``["H3", "H4", "H6"]``).
    coders : sequence of str
        Coder names (one workbook each, ``koding_<coder>.xlsx``).
    path : str or Path
        Output directory (created if needed).
    scale : str, default 'auto'
        ``"ordinal"`` (Bra / Kan bli bedre / Dårlig), ``"binary"`` (1 / 0) or
        ``"auto"``: binary for posts, ordinal for pages.
    auto, suggestions : DataFrame, optional
        Optional tables indexed by unit id whose columns are shown as ``auto_<col>`` and
        ``forslag_<col>`` (e.g. :func:`~kommunesm.hypotheses.coders.auto_code`,
        :func:`~kommunesm.hypotheses.coders.suggest`).
    unit_col, text_col, link_col, label_col : str, optional
        Override the column choices (defaults: post_id/page_id; message/about_text;
        permalink/link; name/page_id).

    Returns
    -------
    list of Path
        The workbooks written, in the order of ``coders``.
    """
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    hyps = list(hypotheses)
    unknown = [h for h in hyps if h not in HYPOTHESES]
    if unknown:
        raise ValueError(f"unknown hypotheses {unknown}; use ids {', '.join(HYPOTHESIS_IDS)}")
    coders = _check_coders(coders)
    ucol = _unit_column(units, unit_col)
    if units[ucol].isna().any() or units[ucol].duplicated().any():
        raise InputError("unit ids must be unique and non-empty", file="units", column=ucol)
    is_post = ucol == "post_id" or (ucol == "unit_id" and "message" in units.columns)
    unit_kind = "post" if is_post else "page"
    if scale == "auto":
        scale = "binary" if is_post else "ordinal"
    if scale not in ("ordinal", "binary"):
        raise ValueError("scale must be 'ordinal', 'binary' or 'auto'")
    text_col, link_col, label_col = _shown_columns(units, ucol, text_col, link_col, label_col)

    ids = units[ucol].astype(str)
    info: dict[str, list[object]] = {"unit_id": ids.tolist()}
    if label_col:
        info["side"] = _cell_text(units[label_col])
    if "created_at" in units.columns:
        info["dato"] = _cell_text(units["created_at"])
    if text_col:
        info["tekst"] = _sheet_text(units, text_col)
    info["lenke"] = _cell_text(units[link_col]) if link_col else [None] * len(units)
    for prefix, table in (("auto_", auto), ("forslag_", suggestions)):
        if table is None:
            continue
        aligned = table.reindex(ids.to_numpy())
        for col in aligned.columns:
            name = str(col).removesuffix("_suggestion") if prefix == "forslag_" else col
            info[f"{prefix}{name}"] = _cell_text(aligned[col])
    info_cols = list(info)
    allowed = list(SCALE) if scale == "ordinal" else list(BINARY)

    def col_width(name: str) -> int:
        return 14 if name in hyps or name.startswith(("auto_", "forslag_")) else 18

    out_dir = Path(path)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for coder in coders:
        wb, ws, _ = _coding_workbook(info, hyps, width=col_width)
        link_letter = get_column_letter(info_cols.index("lenke") + 1)
        for cell in ws[link_letter][1:]:
            if isinstance(cell.value, str) and re.match(r"https?://\S+$", cell.value):
                cell.hyperlink = cell.value
                cell.style = "Hyperlink"
        first = len(info_cols) + 1
        last = first + len(hyps) - 1
        if len(units) and hyps:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(allowed) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Ugyldig verdi",
                error="Velg fra listen: " + " / ".join(allowed),
                showInputMessage=True,
                promptTitle="Kode",
                prompt=" / ".join(allowed),
            )
            dv.add(f"{get_column_letter(first)}2:{get_column_letter(last)}{len(units) + 1}")
            ws.add_data_validation(dv)

        instr = wb.create_sheet(INSTRUCTIONS_SHEET)
        for row in _instructions(hyps, scale, unit_kind):
            instr.append(row)
        instr.column_dimensions["A"].width = 10
        for letter, width in (("B", 45), ("C", 70), ("D", 70)):
            instr.column_dimensions[letter].width = width
        instr["A1"].font = Font(bold=True, size=13)

        meta = (
            ("coder", str(coder)),
            ("scale", scale),
            ("unit", unit_kind),
            ("hypotheses", ",".join(hyps)),
            ("values", ",".join(allowed)),
            ("n_units", len(units)),
            ("kommunesm_version", kommunesm.__version__),
            ("source", "Johnsen, Jørgensen & Aaneland (2013, s. 13–14), 2.5 Testing av påstander"),
        )
        written.append(_save_coding_workbook(wb, meta, out_dir / f"koding_{coder}.xlsx"))
    return written


# ----------------------------------------------------------------------------- import
def _read_meta(wb, file: str) -> dict[str, str]:
    if META_SHEET not in wb.sheetnames or CODING_SHEET not in wb.sheetnames:
        raise InputError(
            "not a kommunesm coding sheet",
            file=file,
            expected=f"sheets {CODING_SHEET!r} and {META_SHEET!r} (written by export_sheet)",
            got=", ".join(wb.sheetnames),
        )
    meta = {}
    for row in wb[META_SHEET].iter_rows(values_only=True):
        if row and row[0] is not None:
            meta[str(row[0])] = "" if row[1] is None else str(row[1])
    for key in ("coder", "scale"):
        if not meta.get(key):
            raise InputError(f"the {META_SHEET} sheet has no {key!r}", file=file, column=key)
    return meta


def _read_one(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long table of one workbook (all cells, raw and normalised) and its problems."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    file = path.name
    wb = load_workbook(path, data_only=True)
    meta = _read_meta(wb, file)
    ws = wb[CODING_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        raise InputError("the coding sheet is empty", file=file, row=1)
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    if "unit_id" not in header:
        raise InputError(
            "the coding sheet has no unit_id column", file=file, row=1, column="unit_id"
        )
    expected = [h for h in meta.get("hypotheses", "").split(",") if h]
    hyp_cols = [h for h in header if h in HYPOTHESES]
    problems: list[dict[str, object]] = []
    for h in expected:
        if h not in hyp_cols:
            problems.append(
                {
                    "file": file,
                    "sheet": CODING_SHEET,
                    "row": 1,
                    "column": h,
                    "cell": "—",
                    "value": None,
                    "problem": "hypothesis column missing from the header",
                }
            )
    allowed = list(SCALE) if meta["scale"] == "ordinal" else list(BINARY)
    uid = header.index("unit_id")
    note_idx = header.index(NOTE_COLUMN) if NOTE_COLUMN in header else None
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for r, row in enumerate(rows[1:], start=2):
        row = tuple(row) + (None,) * (len(header) - len(row))
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        unit = row[uid]
        unit_text = "" if unit is None else str(unit).strip()
        if not unit_text:
            problems.append(
                {
                    "file": file,
                    "sheet": CODING_SHEET,
                    "row": r,
                    "column": "unit_id",
                    "cell": f"{get_column_letter(uid + 1)}{r}",
                    "value": None,
                    "problem": "empty unit_id; expected the id written by export_sheet",
                }
            )
            continue
        if unit_text in seen:
            problems.append(
                {
                    "file": file,
                    "sheet": CODING_SHEET,
                    "row": r,
                    "column": "unit_id",
                    "cell": f"{get_column_letter(uid + 1)}{r}",
                    "value": unit_text,
                    "problem": f"duplicate unit_id (same as row {seen[unit_text]})",
                }
            )
            continue
        seen[unit_text] = r
        note = row[note_idx] if note_idx is not None else None
        for h in hyp_cols:
            j = header.index(h)
            raw = row[j]
            cell = f"{get_column_letter(j + 1)}{r}"
            empty = raw is None or (isinstance(raw, str) and raw.strip() == "")
            value = None if empty else normalise_value(raw)
            if value is not None and value not in allowed:
                value = None
            if not empty and value is None:
                problems.append(
                    {
                        "file": file,
                        "sheet": CODING_SHEET,
                        "row": r,
                        "column": h,
                        "cell": cell,
                        "value": raw,
                        "problem": f"invalid value {raw!r}; expected one of " + ", ".join(allowed),
                    }
                )
            records.append(
                {
                    "unit_id": unit_text,
                    "hypothesis": h,
                    "coder": meta["coder"],
                    "value": value,
                    "note": None if note is None else str(note),
                    "_file": file,
                    "_row": r,
                    "_cell": cell,
                    "_empty": empty,
                    "_scale": meta["scale"],
                }
            )
    return pd.DataFrame(records), pd.DataFrame(problems, columns=_PROBLEM_COLUMNS)


def _read_all(paths: Iterable[str | Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no coding sheets given")
    frames, problems = [], []
    for p in paths:
        if not p.is_file():
            raise InputError("coding sheet not found", file=str(p))
        f, pr = _read_one(p)
        frames.append(f)
        problems.append(pr)
    long = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else pd.DataFrame(columns=["unit_id", "hypothesis", "coder", "value", "note", "_file"])
    )
    probs = (
        pd.concat([p for p in problems if len(p)], ignore_index=True)
        if any(len(p) for p in problems)
        else pd.DataFrame(columns=_PROBLEM_COLUMNS)
    )
    if len(long):
        dup = long.duplicated(["unit_id", "hypothesis", "coder"], keep=False)
        if dup.any():
            files = sorted(set(long.loc[dup, "_file"]))
            coder = long.loc[dup, "coder"].iloc[0]
            if len(files) > 1:
                raise InputError(
                    f"coder {coder!r} appears in more than one workbook: {', '.join(files)}",
                    file=files[0],
                    expected="one workbook per coder",
                )
    return long, probs


def check_sheets(paths: Iterable[str | Path]) -> pd.DataFrame:
    """All problems of the filled workbooks, without raising: one row per empty or
    invalid cell (file, sheet, row, column, cell, value, problem).

    Parameters
    ----------
    paths : iterable of str or Path
        The filled workbooks.

    Returns
    -------
    DataFrame
        One row per problem; empty when every cell is valid.
    """
    long, probs = _read_all(paths)
    if len(long):
        empty = long[long["_empty"]]
        probs = pd.concat(
            [
                probs,
                pd.DataFrame(
                    {
                        "file": empty["_file"],
                        "sheet": CODING_SHEET,
                        "row": empty["_row"],
                        "column": empty["hypothesis"],
                        "cell": empty["_cell"],
                        "value": None,
                        "problem": "empty cell",
                    }
                ),
            ],
            ignore_index=True,
        )
    return probs.sort_values(["file", "row", "cell"], kind="stable").reset_index(drop=True)


def import_sheets(paths: Iterable[str | Path], *, missing: str = "warn") -> pd.DataFrame:
    """Read filled coding workbooks into the canonical ``coding`` table.

    Parameters
    ----------
    paths : iterable of str or Path
        Workbooks written by :func:`export_sheet` (one per coder).
    missing : str, default 'warn'
        What to do with empty code cells: ``"warn"`` (leave them out and warn, naming the
        cells), ``"error"`` (raise :class:`CodingSheetError`), ``"keep"`` (keep them as
        rows with a missing value).

    Returns
    -------
    DataFrame
        Columns unit_id, hypothesis, coder, value (``Bra`` / ``Kan bli bedre`` /
        ``Dårlig`` or ``1`` / ``0``, spelling normalised), note; validated against the
        ``coding`` schema.

    Raises
    ------
    CodingSheetError
        If any cell holds a value outside the scale (or a unit id is empty or repeated);
        the message names every such cell: file, sheet, row, column and cell reference.
    """
    if missing not in ("warn", "error", "keep"):
        raise ValueError("missing must be 'warn', 'error' or 'keep'")
    long, probs = _read_all(paths)
    if len(probs):
        raise CodingSheetError(probs)
    if len(long):
        empty = long["_empty"].to_numpy(dtype=bool)
        if empty.any() and missing != "keep":
            where = [
                f"{f} {CODING_SHEET}!{c} ({h})"
                for f, c, h in long.loc[empty, ["_file", "_cell", "hypothesis"]].itertuples(
                    index=False
                )
            ]
            if missing == "error":
                e = long[empty]
                raise CodingSheetError(
                    pd.DataFrame(
                        {
                            "file": e["_file"],
                            "sheet": CODING_SHEET,
                            "row": e["_row"],
                            "column": e["hypothesis"],
                            "cell": e["_cell"],
                            "value": None,
                            "problem": "empty cell",
                        }
                    )
                )
            shown = ", ".join(where[:10]) + (f" … ({len(where)} in all)" if len(where) > 10 else "")
            warnings.warn(f"{len(where)} empty coding cell(s) left out: {shown}", stacklevel=2)
            long = long[~empty]
    coding = long[["unit_id", "hypothesis", "coder", "value", "note"]].reset_index(drop=True)
    coding = schema.coerce_dtypes(coding, "coding")
    kept, quarantine = schema.validate(coding, "coding", source="coding sheets")
    if len(quarantine):
        raise InputError(
            "coding table has duplicate unit × hypothesis × coder rows",
            file="coding sheets",
            column=str(quarantine["column"].iloc[0]),
            got=str(quarantine["value"].iloc[0]),
        )
    return kept.reset_index(drop=True)


def coding_from_frame(
    wide: pd.DataFrame, coder: str, hypotheses: Sequence[str] | None = None
) -> pd.DataFrame:
    """Canonical coding table from a wide table (index unit id, one column per
    hypothesis, values labels or 1/0/bool), e.g. automatic codes as coder ``"auto"``.

    Parameters
    ----------
    wide : DataFrame
        Index unit id, one column per hypothesis.
    coder : str
        The coder's name on every row.
    hypotheses : sequence of str, optional
        Columns to take (default: every H column).

    Returns
    -------
    DataFrame
        Canonical coding table (one row per unit, coder and hypothesis).
    """
    hyps = [h for h in (hypotheses or wide.columns) if h in wide.columns]
    long = (
        wide[hyps]
        .rename_axis("unit_id")
        .reset_index()
        .melt(id_vars="unit_id", var_name="hypothesis", value_name="value")
    )
    long["value"] = long["value"].map(normalise_value)
    long = long[long["value"].notna()]
    long["coder"] = coder
    long["note"] = np.nan
    long["unit_id"] = long["unit_id"].astype(str)
    out = long[["unit_id", "hypothesis", "coder", "value", "note"]].reset_index(drop=True)
    return schema.coerce_dtypes(out, "coding")


def units_from_ids(frame: pd.DataFrame, ids: Sequence[str], id_col: str) -> pd.DataFrame:
    """Rows of ``frame`` for the given ids, in that order (helper for page-level sheets).

    Parameters
    ----------
    frame : DataFrame
        The table to take rows from.
    ids : sequence of str
        The ids, in the order wanted.
    id_col : str
        The id column of ``frame``.

    Returns
    -------
    DataFrame
        The rows for ``ids``, in that order.
    """
    lookup: Mapping[str, int] = {v: i for i, v in enumerate(frame[id_col].astype(str))}
    missing = [i for i in ids if str(i) not in lookup]
    if missing:
        raise InputError("ids not found", file="units", column=id_col, got=missing[:5])
    return frame.iloc[[lookup[str(i)] for i in ids]].reset_index(drop=True)


#: Hypotheses coded on sampled posts (yes/no) and on pages (three-level scale) by
#: :func:`make_coding_sheets`.
POST_HYPOTHESES = ("H3", "H4", "H5", "H6", "H7", "H10")
PAGE_HYPOTHESES = HYPOTHESIS_IDS


def make_coding_sheets(
    dataset: object,
    coders: Sequence[str],
    out_dir: str | Path,
    *,
    level: str = "post",
    per_page: int = 5,
    seed: int = 2013,
    pages: Sequence[str] | None = None,
    hypotheses: Sequence[str] | None = None,
) -> list[Path]:
    """Sample, auto-code and export coding workbooks for a loaded dataset (what
    ``kommunesm coding-sheet`` does).

    Parameters
    ----------
    dataset : object
        A :class:`kommunesm.io.dataset.Dataset` (e.g. ``read_dataset(d).for_year(2013)``).
    coders : sequence of str
        Coder names, one workbook each.
    out_dir : str or Path
        Output directory.
    level : str, default 'post'
        ``"post"``: a stratified sample of ``per_page`` posts per page
        (:func:`sample_posts`), yes/no codes of :data:`POST_HYPOTHESES`, with the
        automatic codes and the suggestions shown; ``"page"``: one row per page, the
        three-level scale on H1–H10, with the automatic ratings (H1, H2, H5, H7, H9,
        H10) and the H8 suggestion shown.
    per_page : int, default 5
    seed : int, default 2013
        Sample size per page and seed (post level).
    pages : sequence of str, optional
        Only these page ids (default all pages of the dataset).
    hypotheses : sequence of str, optional
        Override the hypotheses coded.

    Returns
    -------
    list of Path
        The workbooks written, one per coder.
    """
    from kommunesm.hypotheses import coders as auto_coders
    from kommunesm.hypotheses.definitions import rate_pages

    if level not in ("post", "page"):
        raise ValueError("level must be 'post' or 'page'")
    posts = dataset.posts
    page_table = dataset.pages
    if pages is not None:
        wanted = [str(p) for p in pages]
        posts = posts[posts["page_id"].isin(wanted)]
        page_table = page_table[page_table["page_id"].isin(wanted)]
    if level == "post":
        if not len(posts):
            raise InputError("no posts to sample", file=str(getattr(dataset, "data_dir", "")))
        sample = sample_posts(posts, per_page=per_page, seed=seed)
        if "name" in page_table.columns:
            names = page_table.set_index("page_id")["name"]
            sample = sample.assign(name=sample["page_id"].map(names).to_numpy())
        ids = sample["post_id"].astype(str).to_numpy()
        auto = auto_coders.auto_code(sample, explain=True).set_axis(ids)
        sugg = auto_coders.suggest(sample).set_axis(ids)
        units = sample.drop(columns=["sample_key"])
        return export_sheet(
            units,
            list(hypotheses or POST_HYPOTHESES),
            coders,
            out_dir,
            scale="binary",
            auto=auto,
            suggestions=sugg,
            label_col="name" if "name" in units.columns else "page_id",
        )
    measures = auto_coders.page_auto_codes(page_table, posts, dataset.comments)
    ratings = rate_pages(measures)
    units = page_table[[c for c in ("page_id", "name", "about_text") if c in page_table.columns]]
    sugg = (
        auto_coders.suggest_h8(page_table)[["H8_suggestion"]]
        if "about_text" in page_table.columns
        else None
    )
    return export_sheet(
        units,
        list(hypotheses or PAGE_HYPOTHESES),
        coders,
        out_dir,
        scale="ordinal",
        auto=ratings,
        suggestions=sugg,
    )


def select_pages(
    points: pd.DataFrame, *, top: int = 10, comparison: int = 10, seed: int = 2013
) -> pd.DataFrame:
    """The pages to code by hand: the Top-``top`` of the ranking (as the report) plus a
    seeded random comparison group of ``comparison`` other pages, without which the
    report's claim cannot be tested.

    Parameters
    ----------
    points : DataFrame
        :func:`kommunesm.ranking.gambit_points` output (index page_id, column ``rank``).
    top : int, default 10
    comparison : int, default 10
    seed : int, default 2013
        Group sizes and the seed of the comparison draw (keyed hash of the page ids, so
        the draw does not depend on row order).

    Returns
    -------
    DataFrame
        Columns page_id, rank, group (``"topp"`` / ``"sammenligning"``), top pages first
        in rank order, then the comparison pages by rank.
    """
    ranks = points["rank"].astype("int64")
    ids = ranks.index.astype(str)
    is_top = (ranks <= top).to_numpy()
    rest = ids[~is_top]
    keys = pd.util.hash_array(rest.to_numpy(dtype=object), hash_key=_hash_key(seed))
    chosen = set(rest[np.argsort(keys, kind="stable")[:comparison]])
    frame = pd.DataFrame({"page_id": ids, "rank": ranks.to_numpy()})
    frame["group"] = np.where(
        is_top, "topp", np.where(frame["page_id"].isin(chosen), "sammenligning", "")
    )
    frame = frame[frame["group"] != ""]
    order = frame["group"].map({"topp": 0, "sammenligning": 1})
    return (
        frame.assign(_o=order.to_numpy())
        .sort_values(["_o", "rank", "page_id"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def filled_sheets(folder: str | Path) -> list[Path]:
    """The coding workbooks (``koding_*.xlsx``) in ``folder``, sorted; empty if none.

    Parameters
    ----------
    folder : str or Path
        Where the filled workbooks are.

    Returns
    -------
    list of Path
        The workbooks, sorted.
    """
    folder = Path(folder)
    return sorted(folder.glob("koding_*.xlsx")) if folder.is_dir() else []

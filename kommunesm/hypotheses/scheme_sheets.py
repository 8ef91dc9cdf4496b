"""Excel coding sheets for any :class:`~kommunesm.hypotheses.schemes.CodingScheme`.

One workbook per coder (``koding_<coder>.xlsx``) with the sheets

* **Koding** — one row per unit (page or sampled post): id, page name, date, text, link,
  read-only information (``auto_…`` and the scheme's automatic suggestions ``forslag_…``),
  one drop-down column per code column of the scheme (single choice: the categories;
  multiple choice: ``1``/``0`` per category) and ``merknad`` (note);
* **Instruksjoner** — how to code, and every category with its definition and source;
* **Kategorier** — the allowed values of each code column (the drop-downs point here, so
  long category lists work; Excel's inline lists stop at 255 characters);
* **Meta** — coder, scheme, unit, columns, version; read back by :func:`import_coding`.

Cells are values, never formulas: a text from the data that starts like a formula
(``=``, ``+``, ``-``, ``@``) is written with a leading apostrophe.

:func:`import_coding` reads the filled workbooks into the canonical ``coding`` table
(unit_id, hypothesis — here the code column —, coder, value, note) and refuses invalid
cells with :class:`~kommunesm.hypotheses.sheets.CodingSheetError`, naming file, sheet,
row, column and cell.

Examples
--------
>>> import pandas as pd, tempfile
>>> from kommunesm.hypotheses.catalogue import VEIKART_BEMANNING
>>> pages = pd.DataFrame({"page_id": ["a", "b"], "name": ["Demo A", "Demo B"]})
>>> with tempfile.TemporaryDirectory() as tmp:
...     paths = export_coding_sheets(pages, VEIKART_BEMANNING, ["A"], tmp)
...     [p.name for p in paths]
['koding_A.xlsx']
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

import kommunesm
from kommunesm import safe, schema
from kommunesm.errors import InputError
from kommunesm.hypotheses.catalogue import get_scheme
from kommunesm.hypotheses.schemes import CodingScheme
from kommunesm.hypotheses.sheets import (
    _PROBLEM_COLUMNS,
    CODING_SHEET,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    NOTE_COLUMN,
    CodingSheetError,
    _cell_text,
    _check_coders,
    _coding_workbook,
    _save_coding_workbook,
    _sheet_text,
    _shown_columns,
    _unit_column,
)

__all__ = [
    "CATEGORIES_SHEET",
    "check_coding",
    "export_coding_sheets",
    "import_coding",
    "make_scheme_sheets",
    "scheme_of_workbook",
]

CATEGORIES_SHEET = "Kategorier"


def _neutral(value: object) -> object:
    """A data value as a harmless cell value (:func:`kommunesm.safe.neutralise`)."""
    return safe.neutralise(value)


def _instructions(scheme: CodingScheme) -> list[list[object]]:
    unit = "innlegg" if scheme.unit == "post" else "side"
    rows: list[list[object]] = [
        [f"Kodeskjema: {scheme.title_nb or scheme.name}"],
        [f"Kilde: {scheme.source}"],
        [],
        ["Slik koder du / how to code"],
        ["1. Arbeid alene: ikke se på de andre koderne sine ark. Work alone."],
        [
            f"2. Fyll ut hver kodekolonne for hver {unit} med nedtrekkslisten. Kolonner med "
            "punktum (variabel.kategori) er flervalg: 1 hvis kategorien passer, ellers 0. "
            "Use the drop-downs; do not type other values."
        ],
        [
            "3. Kolonnene auto_… og forslag_… er maskinforslag, ikke fasit: vurder selv. "
            "The auto_ and forslag_ columns are suggestions, not answers."
        ],
        ["4. Skriv merknader i kolonnen 'merknad'. Ikke endre unit_id. Do not edit unit_id."],
        ["5. La en celle stå tom bare hvis enheten ikke kan vurderes, og skriv hvorfor i merknad."],
        [],
    ]
    for note in scheme.notes:
        rows.append([f"Merk: {note}"])
    rows += [
        [],
        ["kolonne", "kategori", "definisjon («…» = sitat fra kilden)", "kilde", "merknad"],
    ]
    for r in scheme.table().itertuples(index=False):
        rows.append([r.column, r.category, r.definition_nb, r.source, r.note])
    for v in scheme.variables:
        if v.suggest_rule:
            rows.append([v.id, "forslag", f"Automatisk forslag: {v.suggest_rule}", "", ""])
    return rows


def export_coding_sheets(
    units: pd.DataFrame,
    scheme: CodingScheme | str,
    coders: Sequence[str],
    out_dir: str | Path,
    *,
    suggestions: pd.DataFrame | bool = True,
    auto: pd.DataFrame | None = None,
    unit_col: str | None = None,
    text_col: str | None = None,
    link_col: str | None = None,
    label_col: str | None = None,
) -> list[Path]:
    """Write one coding workbook per coder for a scheme.

    Parameters
    ----------
    units : DataFrame
        One row per unit: pages (``page_id``, ``name``, ``about_text``, ``platform``,
        ``open_wall`` …) for a page scheme, sampled posts (``post_id``, ``page_id``,
        ``message``, ``type``, ``permalink``, ``created_at``) for a post scheme.
    scheme : CodingScheme or str
        A :class:`~kommunesm.hypotheses.schemes.CodingScheme` or its registered name.
    coders : sequence of str
        Coder names (letters, digits, ``.``, ``-``, ``_``), one workbook each.
    out_dir : str or Path
        Output directory (created).
    suggestions : DataFrame or bool, default True
        ``True``: the scheme's own suggestion rules (:meth:`CodingScheme.suggest`);
        ``False``: none; or a table indexed by unit id with columns named like the
        code columns.
    auto : DataFrame, optional
        Extra read-only information per unit (index unit id), shown as ``auto_<col>``.
    unit_col, text_col, link_col, label_col : str, optional
        Override the column choices.

    Returns
    -------
    list of Path
        The workbooks, in the order of ``coders``.
    """
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    scheme = get_scheme(scheme)
    coders = _check_coders(coders)
    ucol = unit_col or ("post_id" if scheme.unit == "post" and "post_id" in units.columns else None)
    ucol = ucol or ("page_id" if scheme.unit == "page" and "page_id" in units.columns else None)
    ucol = _unit_column(units, ucol)
    if units[ucol].isna().any() or units[ucol].duplicated().any():
        raise InputError("unit ids must be unique and non-empty", file="units", column=ucol)
    text_col, link_col, label_col = _shown_columns(units, ucol, text_col, link_col, label_col)
    ids = units[ucol].astype(str)
    info: dict[str, list[object]] = {"unit_id": ids.tolist()}
    if label_col:
        info["side"] = _cell_text(units[label_col])
    if "platform" in units.columns:
        info["plattform"] = _cell_text(units["platform"])
    if "created_at" in units.columns:
        info["dato"] = _cell_text(units["created_at"])
    if "type" in units.columns and scheme.unit == "post":
        info["type"] = _cell_text(units["type"])
    if text_col:
        info["tekst"] = _sheet_text(units, text_col)
    info["lenke"] = _cell_text(units[link_col]) if link_col else [None] * len(units)
    if auto is not None:
        aligned = auto.reindex(ids.to_numpy())
        for col in aligned.columns:
            info[f"auto_{col}"] = _cell_text(aligned[col])
    if suggestions is True:
        sugg = scheme.suggest(units.set_axis(ids.to_numpy()))
    elif suggestions is False or suggestions is None:
        sugg = None
    else:
        sugg = suggestions.reindex(ids.to_numpy())
    if sugg is not None:
        for col in sugg.columns:
            info[f"forslag_{col}"] = _cell_text(sugg[col])
    code_cols = scheme.columns

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for coder in coders:
        wb, ws, header = _coding_workbook(info, code_cols, width=lambda name: 16)
        bold = Font(bold=True)
        cats = wb.create_sheet(CATEGORIES_SHEET)
        for k, col in enumerate(code_cols, start=1):
            cats.cell(row=1, column=k, value=col).font = bold
            for i, value in enumerate(scheme.allowed(col), start=2):
                cats.cell(row=i, column=k, value=value)
            cats.column_dimensions[get_column_letter(k)].width = 24
            if not len(units):
                continue
            n_allowed = len(scheme.allowed(col))
            letter = get_column_letter(k)
            dv = DataValidation(
                type="list",
                formula1=f"'{CATEGORIES_SHEET}'!${letter}$2:${letter}${n_allowed + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Ugyldig verdi",
                error="Velg fra listen / choose from the list: "
                + " / ".join(scheme.allowed(col))[:200],
                showInputMessage=True,
                promptTitle=col[:32],
                prompt=" / ".join(scheme.allowed(col))[:250],
            )
            target = get_column_letter(header.index(col) + 1)
            dv.add(f"{target}2:{target}{len(units) + 1}")
            ws.add_data_validation(dv)

        instr = wb.create_sheet(INSTRUCTIONS_SHEET, index=1)
        for row in _instructions(scheme):
            instr.append([_neutral(v) for v in row])
        instr["A1"].font = Font(bold=True, size=13)
        for letter, width in (("A", 28), ("B", 24), ("C", 80), ("D", 40), ("E", 50)):
            instr.column_dimensions[letter].width = width

        meta = (
            ("coder", str(coder)),
            ("scheme", scheme.name),
            ("unit", scheme.unit),
            ("columns", ",".join(code_cols)),
            ("n_units", len(units)),
            ("kommunesm_version", kommunesm.__version__),
            ("source", scheme.source),
        )
        written.append(_save_coding_workbook(wb, meta, out / f"koding_{coder}.xlsx"))
    return written


def make_scheme_sheets(
    dataset: object,
    scheme: CodingScheme | str,
    coders: Sequence[str],
    out_dir: str | Path,
    *,
    per_page: int = 5,
    seed: int = 2013,
    pages: Sequence[str] | None = None,
) -> list[Path]:
    """Blank workbooks of a scheme for a loaded dataset (``kommunesm coding-sheet
    --scheme``): one row per page (page schemes) or ``per_page`` sampled posts per page
    (post schemes, :func:`~kommunesm.hypotheses.sheets.sample_posts`), with the scheme's
    suggestions. ``pages`` restricts the pages (default all); for the Top-10 and a
    comparison group use :func:`~kommunesm.hypotheses.scheme_analysis.coding_round`.

    Parameters
    ----------
    dataset : object
        A :class:`kommunesm.io.dataset.Dataset`.
    scheme : CodingScheme or str
        The scheme.
    coders : sequence of str
        Coder names, one workbook each.
    out_dir : str or Path
        Output directory.
    per_page : int, default 5
        Sampled posts per page (post schemes).
    seed : int, default 2013
        Seed of the post sample.
    pages : sequence of str, optional
        Only these page ids (default all).

    Returns
    -------
    list of Path
        The workbooks written.
    """
    from kommunesm.hypotheses.sheets import sample_posts

    sch = get_scheme(scheme)
    page_table = dataset.pages  # type: ignore[attr-defined]
    posts = dataset.posts  # type: ignore[attr-defined]
    if pages is not None:
        wanted = [str(p) for p in pages]
        page_table = page_table[page_table["page_id"].astype(str).isin(wanted)]
        posts = posts[posts["page_id"].astype(str).isin(wanted)]
    if sch.unit == "page":
        units = page_table.reset_index(drop=True)
        if len(posts):
            n = posts.groupby("page_id").size()
            units = units.assign(n_posts=units["page_id"].map(n).fillna(0).astype("int64"))
    else:
        if not len(posts):
            raise InputError("no posts to sample", file=str(getattr(dataset, "data_dir", "")))
        units = sample_posts(posts, per_page=per_page, seed=seed).drop(columns="sample_key")
        if "name" in page_table.columns:
            names = page_table.set_index("page_id")["name"]
            units = units.assign(name=units["page_id"].map(names).to_numpy())
    return export_coding_sheets(units, sch, coders, out_dir)


# ----------------------------------------------------------------------------- import
def _meta(wb, file: str) -> dict[str, str]:
    if META_SHEET not in wb.sheetnames or CODING_SHEET not in wb.sheetnames:
        raise InputError(
            "not a kommunesm coding sheet",
            file=file,
            expected=f"sheets {CODING_SHEET!r} and {META_SHEET!r} (written by "
            "export_coding_sheets)",
            got=", ".join(wb.sheetnames),
        )
    meta = {
        str(r[0]): "" if len(r) < 2 or r[1] is None else str(r[1])
        for r in wb[META_SHEET].iter_rows(values_only=True)
        if r and r[0] is not None
    }
    for key in ("coder", "scheme", "columns"):
        if not meta.get(key):
            raise InputError(f"the {META_SHEET} sheet has no {key!r}", file=file, column=key)
    return meta


def scheme_of_workbook(path: str | Path) -> str:
    """The scheme name recorded in a coding workbook's Meta sheet.

    Parameters
    ----------
    path : str or Path
        A coding workbook.

    Returns
    -------
    str
        The scheme's name.
    """
    from openpyxl import load_workbook

    return _meta(load_workbook(path, read_only=True), Path(path).name)["scheme"]


def _problem(file, row, column, cell, value, problem) -> dict[str, object]:
    return {
        "file": file,
        "sheet": CODING_SHEET,
        "row": row,
        "column": column,
        "cell": cell,
        "value": value,
        "problem": problem,
    }


def _read_one(path: Path, scheme: CodingScheme | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    file = path.name
    wb = load_workbook(path, data_only=True)
    meta = _meta(wb, file)
    if scheme is None:
        scheme = get_scheme(meta["scheme"])
    elif meta["scheme"] != scheme.name:
        raise InputError(
            f"workbook is for scheme {meta['scheme']!r}, not {scheme.name!r}",
            file=file,
            column="scheme",
            expected=scheme.name,
            got=meta["scheme"],
        )
    rows = list(wb[CODING_SHEET].iter_rows(values_only=True))
    if not rows:
        raise InputError("the coding sheet is empty", file=file, row=1)
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    if "unit_id" not in header:
        raise InputError(
            "the coding sheet has no unit_id column", file=file, row=1, column="unit_id"
        )
    expected = [c for c in meta["columns"].split(",") if c]
    unknown = [c for c in expected if c not in scheme.columns]
    if unknown:
        raise InputError(
            f"columns {unknown} are not in scheme {scheme.name!r}",
            file=file,
            column=unknown[0],
            expected=", ".join(scheme.columns),
        )
    problems = [
        _problem(file, 1, c, "—", None, "code column missing from the header")
        for c in expected
        if c not in header
    ]
    cols = [c for c in expected if c in header]
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
        cell_u = f"{get_column_letter(uid + 1)}{r}"
        if not unit_text:
            problems.append(
                _problem(
                    file,
                    r,
                    "unit_id",
                    cell_u,
                    None,
                    "empty unit_id; expected the id written by export_coding_sheets",
                )
            )
            continue
        if unit_text in seen:
            problems.append(
                _problem(
                    file,
                    r,
                    "unit_id",
                    cell_u,
                    unit_text,
                    f"duplicate unit_id (same as row {seen[unit_text]})",
                )
            )
            continue
        seen[unit_text] = r
        note = row[note_idx] if note_idx is not None else None
        for c in cols:
            j = header.index(c)
            raw = row[j]
            cell = f"{get_column_letter(j + 1)}{r}"
            empty = raw is None or (isinstance(raw, str) and raw.strip() == "")
            value = None if empty else scheme.normalise(c, raw)
            if not empty and value is None:
                problems.append(
                    _problem(
                        file,
                        r,
                        c,
                        cell,
                        raw,
                        f"invalid value {raw!r}; expected one of " + ", ".join(scheme.allowed(c)),
                    )
                )
            records.append(
                {
                    "unit_id": unit_text,
                    "hypothesis": c,
                    "coder": meta["coder"],
                    "value": value,
                    "note": None if note is None else str(note),
                    "_file": file,
                    "_row": r,
                    "_cell": cell,
                    "_empty": empty,
                }
            )
    return pd.DataFrame(records), pd.DataFrame(problems, columns=_PROBLEM_COLUMNS), scheme.name


def _read_all(
    paths: Iterable[str | Path], scheme: CodingScheme | str | None
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no coding sheets given")
    sch = get_scheme(scheme) if scheme is not None else None
    frames, problems, names = [], [], set()
    for p in paths:
        if not p.is_file():
            raise InputError("coding sheet not found", file=str(p))
        f, pr, name = _read_one(p, sch)
        frames.append(f)
        problems.append(pr)
        names.add(name)
    if len(names) > 1:
        raise InputError(
            f"workbooks of different schemes mixed: {', '.join(sorted(names))}",
            file=str(paths[0].parent),
            expected="the workbooks of one scheme",
        )
    cols = ["unit_id", "hypothesis", "coder", "value", "note", "_file", "_row", "_cell", "_empty"]
    long = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else pd.DataFrame(columns=cols)
    )
    probs = (
        pd.concat([p for p in problems if len(p)], ignore_index=True)
        if any(len(p) for p in problems)
        else pd.DataFrame(columns=_PROBLEM_COLUMNS)
    )
    if len(long):
        per_coder = long.groupby("coder")["_file"].nunique()
        twice = per_coder[per_coder > 1]
        if len(twice):
            coder = twice.index[0]
            files = sorted(set(long.loc[long["coder"] == coder, "_file"]))
            raise InputError(
                f"coder {coder!r} appears in more than one workbook: {', '.join(files)}",
                file=files[0],
                expected="one workbook per coder",
            )
    return long, probs, names.pop()


def _empty_problems(long: pd.DataFrame) -> pd.DataFrame:
    e = long[long["_empty"].astype(bool)]
    return pd.DataFrame(
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


def check_coding(
    paths: Iterable[str | Path], scheme: CodingScheme | str | None = None
) -> pd.DataFrame:
    """Every problem of the filled workbooks without raising: one row per invalid or
    empty cell (file, sheet, row, column, cell, value, problem).

    Parameters
    ----------
    paths : iterable of str or Path
        The filled workbooks.
    scheme : CodingScheme or str, optional
        The scheme (default: the one recorded in each workbook).

    Returns
    -------
    DataFrame
        One row per problem; empty when every cell is valid.
    """
    long, probs, _ = _read_all(paths, scheme)
    if len(long):
        probs = pd.concat([probs, _empty_problems(long)], ignore_index=True)
    return probs.sort_values(["file", "row", "cell"], kind="stable").reset_index(drop=True)


def import_coding(
    paths: Iterable[str | Path],
    scheme: CodingScheme | str | None = None,
    *,
    missing: str = "warn",
) -> pd.DataFrame:
    """Read filled workbooks of one scheme into the canonical ``coding`` table.

    Parameters
    ----------
    paths : iterable of str or Path
        Workbooks written by :func:`export_coding_sheets` (one per coder).
    scheme : CodingScheme or str, optional
        The scheme (or name) the workbooks must belong to; default: the one named in
        their Meta sheet (it must be registered).
    missing : str, default 'warn'
        Empty code cells: ``"warn"`` (left out, with a warning naming them), ``"error"``
        (:class:`CodingSheetError`) or ``"keep"`` (rows with a missing value).

    Returns
    -------
    DataFrame
        unit_id, hypothesis (the code column, e.g. ``ambisjonsniva`` or
        ``bruksomrade.rekruttering``), coder, value (the category code or ``1``/``0``,
        spelling normalised), note. The scheme is the one the workbooks name
        (:func:`scheme_of_workbook`).

    Raises
    ------
    CodingSheetError
        If any cell holds a value outside its column's categories, or a unit id is empty
        or repeated; every such cell is named (file, sheet, row, column, cell).
    """
    if missing not in ("warn", "error", "keep"):
        raise ValueError("missing must be 'warn', 'error' or 'keep'")
    long, probs, name = _read_all(paths, scheme)
    if len(probs):
        raise CodingSheetError(probs)
    if len(long):
        empty = long["_empty"].to_numpy(dtype=bool)
        if empty.any() and missing == "error":
            raise CodingSheetError(_empty_problems(long))
        if empty.any() and missing == "warn":
            where = [
                f"{f} {CODING_SHEET}!{c} ({h})"
                for f, c, h in long.loc[empty, ["_file", "_cell", "hypothesis"]].itertuples(
                    index=False
                )
            ]
            shown = ", ".join(where[:10]) + (f" … ({len(where)} in all)" if len(where) > 10 else "")
            warnings.warn(f"{len(where)} empty coding cell(s) left out: {shown}", stacklevel=2)
        if empty.any() and missing != "keep":
            long = long[~empty]
    coding = long[["unit_id", "hypothesis", "coder", "value", "note"]].reset_index(drop=True)
    coding = schema.coerce_dtypes(coding, "coding")
    kept, quarantine = schema.validate(coding, "coding", source="coding sheets")
    if len(quarantine):
        raise InputError(
            "coding table has duplicate unit × column × coder rows",
            file="coding sheets",
            column=str(quarantine["column"].iloc[0]),
            got=str(quarantine["value"].iloc[0]),
        )
    return kept.reset_index(drop=True)

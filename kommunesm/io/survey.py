"""Survey exports: Enalyzer / Questback CSV and XLSX, SPSS ``.sav``, and codebooks.

Gambit H+K ran its survey of the Top-30 municipalities in **Enalyzer** (Johnsen, Jørgensen & Aaneland
2013, s. 12, note 8: 24 of 30 completed); Difi 2012:2 surveyed 125 state bodies
(Amdam, Hoel & Stranger-Thorsen 2012, ch. 2). Researchers get such surveys as

* a **wide export** (CSV or XLSX): one row per respondent, one column per question with
  the *question text* as header (``"3. Har kommunen definert mål for tilstedeværelsen
  skriftlig?"``), plus metadata columns (respondent id, start/end time, e-mail, kommune);
* an **SPSS file** (``.sav``) with short variable names, variable labels (the question
  texts) and value labels (``1 = Helt uenig … 5 = Helt enig, 9 = Vet ikke``);
* optionally a **codebook** (CSV/XLSX): ``question_id, text, scale, labels[, options,
  column]``.

:func:`read_survey` turns any of them into the canonical, tidy ``survey`` table — one row
per respondent × question — and returns the codebook in ``result.meta["codebook"]``.

The long ``survey`` table
-------------------------
``respondent_id, question_id, answer`` (canonical) plus

``answer_type``
    ``valid``, ``dont_know`` or ``missing``. "Vet ikke" / "don't know" (see
    :data:`DONT_KNOW`) is an *answer* and kept as such (``answer = "Vet ikke"``), distinct
    from an empty cell (``answer`` missing). SPSS user-missing codes whose label is not a
    don't-know are ``missing`` but keep their label as ``answer``.
``answer_code``
    The numeric code of the answer where the scale has one (Likert 1–5, SPSS codes).
``question_text``, ``scale``
    From the codebook: ``likert``, ``single``, ``yesno``, ``multi``, ``numeric`` or
    ``text``.
``item``, ``option``
    Multi-choice questions become one *binary* row per option (``question_id`` =
    ``<item>_<option slug>``, ``answer`` ``"1"`` selected / ``"0"`` not selected), whether
    the export had one column per option (Questback: ``"Hvilke kanaler …? - Facebook"``
    with ``1``/blank) or one column of ``"Facebook;Twitter"``. A respondent who selected
    no option at all is *missing* for every option (an empty multi-choice block cannot
    be told apart from a skipped question).
metadata columns
    Kept as extra columns, repeated on each of the respondent's rows (e.g. ``Kommune``
    for tables by group). Names, e-mail addresses, phone numbers and IP addresses of
    respondents are pseudonymised with :func:`kommunesm.io.privacy.pseudonymise`; when
    the only respondent identifier is such a column, ``respondent_id`` is its pseudonym.

Accounting
----------
The unit of the load is the *answer cell* (respondent × codebook item): ``n_in`` =
kept + quarantined cells. A respondent row that cannot be used (too many cells, no
respondent id, duplicate id) has all its cells quarantined with the reason; a single
answer outside its scale (``"7"`` on a 1–5 scale, an unknown option) quarantines that
cell only. Problems of the whole file (no question columns, a codebook question absent
from the export, a malformed codebook) raise :class:`~kommunesm.errors.InputError`
naming the file, row and column.

Examples
--------
>>> from kommunesm.io import survey
>>> res = survey.read_survey("tests/fixtures/survey_enalyzer.csv")  # doctest: +SKIP
>>> res.data[["respondent_id", "question_id", "answer", "answer_type"]].head(2)  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kommunesm import schema
from kommunesm.errors import InputError
from kommunesm.io import privacy, tabular
from kommunesm.io.tabular import LoadResult, normalise_header
from kommunesm.stats.survey import DONT_KNOW, MISSING_TOKENS

__all__ = [
    "CODEBOOK_COLUMNS",
    "ID_COLUMNS",
    "LIKERT_SCALES",
    "METADATA_COLUMNS",
    "PERSONAL_COLUMNS",
    "SCALES",
    "codebook_from",
    "read_codebook",
    "read_survey",
    "wide",
]


#: Known ordered answer scales (labels in order; codes are 1..k). Used to recognise
#: Likert items when no codebook is given.
LIKERT_SCALES: dict[str, tuple[str, ...]] = {
    "enig5_nb": (
        "Helt uenig",
        "Delvis uenig",
        "Verken enig eller uenig",
        "Delvis enig",
        "Helt enig",
    ),
    "enig5_nn": (
        "Heilt ueinig",
        "Delvis ueinig",
        "Verken einig eller ueinig",
        "Delvis einig",
        "Heilt einig",
    ),
    "enig5b_nb": ("Svært uenig", "Uenig", "Nøytral", "Enig", "Svært enig"),
    "agree5_en": (
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ),
    "grad5_nb": (
        "I svært liten grad",
        "I liten grad",
        "I noen grad",
        "I stor grad",
        "I svært stor grad",
    ),
    "enig4_nb": ("Helt uenig", "Litt uenig", "Litt enig", "Helt enig"),
}
_YESNO = {"ja": "Ja", "nei": "Nei", "yes": "Yes", "no": "No"}

#: Scales a codebook may name.
SCALES = ("likert", "single", "yesno", "multi", "numeric", "text")

#: Columns of a codebook (``options`` and ``column`` are optional in a codebook file).
CODEBOOK_COLUMNS = ["question_id", "text", "scale", "labels", "options", "column", "item", "option"]

#: Header names (normalised) of respondent identifiers, in order of preference.
ID_COLUMNS = (
    "respondent_id",
    "respondentid",
    "respondent id",
    "respondent",
    "respondentnummer",
    "respondent number",
    "response id",
    "responseid",
    "response_id",
    "svar-id",
    "svarid",
    "svar id",
    "respid",
    "resp_id",
    "løpenummer",
    "lnr",
    "id",
    "serial",
)

#: Header names (normalised) that identify a person; hashed at load.
PERSONAL_COLUMNS = privacy.PERSONAL_COLUMNS | {
    "epost",
    "e-mail",
    "e-mail address",
    "email address",
    "e-postadresse",
    "respondent email",
    "respondent e-post",
    "fornavn",
    "etternavn",
    "first name",
    "last name",
    "full name",
    "fullt navn",
    "mobil",
    "mobilnummer",
    "ip",
    "ip address",
    "ip-adresse",
    "ip adresse",
}

#: Header names (normalised) of columns that are not questions (kept as metadata).
METADATA_COLUMNS = (
    frozenset(ID_COLUMNS)
    | PERSONAL_COLUMNS
    | {
        "startet",
        "started",
        "start",
        "start time",
        "starttid",
        "fullført",
        "fullført dato",
        "completed",
        "completed at",
        "completion time",
        "end time",
        "sluttid",
        "submitted",
        "submitted at",
        "sendt inn",
        "sist endret",
        "last modified",
        "dato",
        "date",
        "tid",
        "duration",
        "varighet",
        "tidsbruk",
        "status",
        "språk",
        "language",
        "kommune",
        "municipality",
        "kommunenummer",
        "kommunenr",
        "organisasjon",
        "organisation",
        "organization",
        "virksomhet",
        "fylke",
        "county",
        "gruppe",
        "group",
        "utvalg",
        "sample",
    }
)

_QUESTION_RE = re.compile(
    r"^\s*(?:(?:q|spm\.?|sp\.?|spørsmål|question)\s*)?(\d{1,3}(?:[._]\d{1,3})*)\s*[.):]?\s+(\S.*)$",
    re.IGNORECASE,
)
_SHORT_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")
_OPTION_SEPARATORS = (" - ", " – ", " — ", ": ", " | ")
_SELECTED = {"1", "1.0", "x", "ja", "yes", "true", "sann", "valgt", "selected", "checked", "☑"}
_NOT_SELECTED = {"0", "0.0", "nei", "no", "false", "usann", "ikke valgt", "not selected"}
_SAV_SUFFIXES = (".sav", ".zsav")
_PERSONAL_HASH_PREFIX = "r_"


# --------------------------------------------------------------------------- items
@dataclass
class _Item:
    """One row of the codebook: a question, or one option of a multi-choice question."""

    question_id: str
    text: str
    scale: str
    column: str | None
    labels: dict[str, str] = field(default_factory=dict)  # code -> label, in order
    missing_codes: set[str] = field(default_factory=set)
    item: str | None = None
    option: str | None = None
    split: bool = False  # multi-choice written as "a;b" in one column
    codebook_row: int | None = None


def _opt(value: object) -> str | None:
    """A codebook cell as text, or None when empty/missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _key(text: object) -> str:
    return normalise_header(text)


def _slug(text: str) -> str:
    from unicodedata import normalize

    t = normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    t = re.sub(r"[^0-9A-Za-z]+", "_", t).strip("_").lower()
    return t or "x"


def _split_option_header(header: str) -> tuple[str, str] | None:
    for sep in _OPTION_SEPARATORS:
        if sep in header:
            stem, _, option = header.rpartition(sep)
            if stem.strip() and option.strip():
                return stem.strip(), option.strip()
    return None


def _question_id(header: str, position: int) -> tuple[str, str]:
    """A question id and text from a header: ``"3. Har …?"`` → ``("Q3", "Har …?")``."""
    m = _QUESTION_RE.match(header)
    if m:
        return "Q" + m.group(1).replace(".", "_"), m.group(2).strip()
    if _SHORT_ID_RE.match(header.strip()) and len(header.strip()) <= 12:
        return header.strip(), header.strip()
    return f"Q{position:02d}", header.strip()


def _cells(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = values.astype("str").str.strip()
    missing = s.isna() | s.str.casefold().isin(MISSING_TOKENS)
    return s.where(~missing), missing


def _infer_scale(values: pd.Series) -> tuple[str, dict[str, str], bool]:
    """Scale, labels (code → label) and split-flag inferred from the answers of one column."""
    s, missing = _cells(values)
    low = s.str.casefold()
    valid = s[~missing & ~low.isin(DONT_KNOW)]
    distinct = pd.unique(valid.dropna())
    folded = {str(v).casefold() for v in distinct}
    if not len(distinct):
        return "text", {}, False
    for labels in sorted(LIKERT_SCALES.values(), key=len):
        lab = {x.casefold() for x in labels}
        if folded <= lab and len(folded) >= 2:
            return "likert", {str(i + 1): x for i, x in enumerate(labels)}, False
    if folded <= set(_YESNO):
        yes = "Ja" if folded & {"ja", "nei"} else "Yes"
        no = "Nei" if yes == "Ja" else "No"
        return "yesno", {"0": no, "1": yes}, False
    if valid.str.contains(";", regex=False).any():
        tokens = valid.str.split(";").explode().str.strip()
        tokens = tokens[tokens.str.len() > 0]
        if tokens.str.len().max() <= 60 and tokens.nunique() <= 30:
            order = list(pd.unique(tokens))
            return "multi", {str(i + 1): t for i, t in enumerate(order)}, True
    nums = pd.to_numeric(valid.str.replace(",", ".", regex=False), errors="coerce")
    if nums.notna().all():
        return "numeric", {}, False
    if len(distinct) <= max(10, len(valid) // 3) and valid.str.len().max() <= 80:
        return "single", {}, False
    return "text", {}, False


# --------------------------------------------------------------------------- codebook
def _parse_labels(text: object, *, file: str, row: int, column: str) -> dict[str, str]:
    """``"1=Helt uenig; 2=Delvis uenig"`` → ``{"1": "Helt uenig", "2": "Delvis uenig"}``."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or pd.isna(text):
        return {}
    raw = str(text).strip()
    if not raw:
        return {}
    parts = [p.strip() for p in re.split(r"[;|\n]", raw) if p.strip()]
    out: dict[str, str] = {}
    for part in parts:
        m = re.match(r"^(-?\d+(?:[.,]\d+)?)\s*=\s*(\S.*)$", part)
        if not m:
            raise InputError(
                "a value label is not written as code=label",
                file=file,
                row=row,
                column=column,
                expected="code=label pairs separated by ';' (e.g. '1=Helt uenig; 2=Delvis uenig')",
                got=part,
            )
        code = _code_str(m.group(1).replace(",", "."))
        if code in out:
            raise InputError(
                f"code {code} is labelled twice",
                file=file,
                row=row,
                column=column,
                expected="each code once",
                got=raw,
            )
        out[code] = m.group(2).strip()
    return out


def _code_str(value: object) -> str:
    """Codes as text without a trailing ``.0`` (``5.0`` → ``"5"``)."""
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value).strip()
    if np.isfinite(f) and f == int(f):
        return str(int(f))
    return repr(f)


def read_codebook(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read and check a codebook file (CSV or XLSX).

    Columns (header names are matched case-insensitively; Norwegian names accepted):
    ``question_id`` (``spørsmål_id``, ``variable``, ``variabel``), ``text``
    (``spørsmål``, ``question``, ``label``), ``scale`` (``skala``; one of :data:`SCALES`),
    ``labels`` (``verdier``, ``value labels``; ``code=label`` pairs separated by ``;``),
    and optionally ``options`` (``alternativer``; multi-choice options separated by
    ``;``), ``column`` (``kolonne``; the export's header when it is neither the text nor
    the id) and ``missing`` (``manglende``; codes that mean no answer, e.g. ``9; 99``).

    Parameters
    ----------
    path : str or Path
        The export file.
    sheet : str or int, optional
        Worksheet of an Excel file (default: the first).

    Returns
    -------
    DataFrame
        One row per question with the columns of :data:`CODEBOOK_COLUMNS` plus
        ``missing``, ``codebook_row`` (the row in the file) and ``codebook_file`` (its
        name, for messages).

    Raises
    ------
    InputError
        Naming the file, row and column of a missing id, an unknown scale, a label not
        written as ``code=label``, a duplicate id, or a multi-choice question without
        options.
    """
    path = Path(path)
    aliases = {
        "question_id": (
            "question_id",
            "question id",
            "spørsmål_id",
            "spørsmålsid",
            "variable",
            "variabel",
            "var",
            "id",
        ),
        "text": (
            "text",
            "tekst",
            "spørsmål",
            "question",
            "question text",
            "spørsmålstekst",
            "label",
        ),
        "scale": ("scale", "skala", "type", "svartype"),
        "labels": ("labels", "value labels", "verdier", "svaralternativer", "values", "koder"),
        "options": ("options", "alternativer", "valg"),
        "column": ("column", "kolonne", "header", "overskrift"),
        "missing": ("missing", "manglende", "missing codes", "missing values"),
    }
    raw = tabular.read_raw(path, sheet=sheet, header_names={k for v in aliases.values() for k in v})
    frame = raw.frame
    by_key = {}
    for col in frame.columns:
        by_key.setdefault(_key(col), col)
    cols: dict[str, str] = {}
    for canonical, names in aliases.items():
        for n in names:
            if n in by_key and by_key[n] not in cols.values():
                cols[canonical] = by_key[n]
                break
    for need in ("question_id", "text"):
        if need not in cols:
            raise InputError(
                f"the codebook has no {need!r} column",
                file=path.name,
                row=raw.header_row,
                column=need,
                expected="columns " + ", ".join(repr(a) for a in aliases[need][:4]),
                got=", ".join(frame.columns),
            )
    rows = []
    seen: dict[str, int] = {}
    for i in range(len(frame)):
        rnum = int(raw.rows.iloc[i])

        def get(name: str, _i: int = i) -> str | None:
            if name not in cols:
                return None
            v = frame[cols[name]].iloc[_i]
            v = None if v is None or pd.isna(v) else str(v).strip()
            return v or None

        qid = get("question_id")
        if not qid:
            raise InputError(
                "a codebook row has no question id",
                file=path.name,
                row=rnum,
                column=cols["question_id"],
                expected="a question id such as 'Q3'",
            )
        if qid in seen:
            raise InputError(
                f"question id {qid!r} appears twice (first in row {seen[qid]})",
                file=path.name,
                row=rnum,
                column=cols["question_id"],
                expected="unique question ids",
                got=qid,
            )
        seen[qid] = rnum
        scale = (get("scale") or "").casefold() or None
        if scale is not None and scale not in SCALES:
            raise InputError(
                "unknown scale",
                file=path.name,
                row=rnum,
                column=cols.get("scale"),
                expected="one of " + ", ".join(SCALES),
                got=get("scale"),
            )
        labels = _parse_labels(
            get("labels"), file=path.name, row=rnum, column=cols.get("labels", "labels")
        )
        options = [o.strip() for o in re.split(r"[;|]", get("options") or "") if o.strip()]
        if scale == "multi" and not options and not labels:
            raise InputError(
                "a multi-choice question needs its options",
                file=path.name,
                row=rnum,
                column=cols.get("options", "options"),
                expected="options separated by ';' (e.g. 'Facebook; Twitter; YouTube')",
            )
        if scale == "multi" and not options:
            options = list(labels.values())
        missing = {
            _code_str(m.replace(",", ".")) for m in re.split(r"[;|,\s]+", get("missing") or "") if m
        }
        rows.append(
            {
                "question_id": qid,
                "text": get("text") or qid,
                "scale": scale,
                "labels": _labels_text(labels),
                "options": "; ".join(options) if options else None,
                "column": get("column"),
                "item": None,
                "option": None,
                "missing": "; ".join(sorted(missing)) if missing else None,
                "codebook_row": rnum,
            }
        )
    out = pd.DataFrame(rows, columns=CODEBOOK_COLUMNS + ["missing", "codebook_row"])
    out["codebook_file"] = path.name
    return out


def _labels_text(labels: dict[str, str]) -> str | None:
    return "; ".join(f"{k}={v}" for k, v in labels.items()) if labels else None


def read_codebook_file(path: str | Path) -> LoadResult:
    """Reader registered for codebook files found in a data directory.

    A codebook holds no answers: it yields an empty ``survey`` table (so that
    :func:`kommunesm.io.dataset.read_dataset` accepts it next to the export) and the
    checked codebook in ``meta["codebook"]``. :func:`read_survey` picks it up.
    """
    book = read_codebook(path)
    return LoadResult(
        data=schema.empty("survey"),
        quarantine=schema.quarantine_frame(),
        source=Path(path).name,
        table="survey",
        n_in=0,
        meta={"format": "survey_codebook", "codebook": book},
    )


def _sibling_codebook(path: Path) -> Path | None:
    stem = path.name
    for suffix in (".csv", ".xlsx", ".sav", ".zsav", ".tsv", ".txt", ".xlsm"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    for name in (
        f"{stem}_codebook.csv",
        f"{stem}_codebook.xlsx",
        f"{stem}.codebook.csv",
        f"{stem}_kodebok.csv",
        f"{stem}_kodebok.xlsx",
        "codebook.csv",
        "codebook.xlsx",
        "kodebok.csv",
        "kodebok.xlsx",
    ):
        cand = path.parent / name
        if cand.is_file() and cand != path:
            return cand
    return None


# --------------------------------------------------------------------------- items from headers
def _items_from_headers(
    frame: pd.DataFrame,
    question_cols: list[str],
    texts: dict[str, str] | None = None,
    value_labels: dict[str, dict[str, str]] | None = None,
    missing_codes: dict[str, set[str]] | None = None,
    measures: dict[str, str] | None = None,
) -> list[_Item]:
    """Items inferred from an export without a codebook."""
    texts = texts or {}
    value_labels = value_labels or {}
    missing_codes = missing_codes or {}
    measures = measures or {}
    items: list[_Item] = []
    used: set[str] = set()

    def unique(qid: str) -> str:
        base, n = qid, 1
        while qid in used:
            n += 1
            qid = f"{base}_{n}"
        used.add(qid)
        return qid

    # multi-choice blocks: >= 2 columns sharing a stem, binary values
    stems: dict[str, list[tuple[str, str]]] = {}
    for col in question_cols:
        split = _split_option_header(texts.get(col, col))
        if split:
            stems.setdefault(split[0], []).append((col, split[1]))
    block_of: dict[str, tuple[str, str]] = {}
    for stem, members in stems.items():
        if len(members) < 2:
            continue
        ok = True
        for col, option in members:
            s, missing = _cells(frame[col])
            vals = set(s[~missing].str.casefold())
            labs = {v.casefold() for v in value_labels.get(col, {}).values()}
            allowed = _SELECTED | _NOT_SELECTED | {option.casefold()} | labs
            if not vals <= allowed:
                ok = False
                break
        if ok:
            for col, option in members:
                block_of[col] = (stem, option)

    position = 0
    block_ids: dict[str, str] = {}
    for col in question_cols:
        position += 1
        header = texts.get(col, col)
        if col in block_of:
            stem, option = block_of[col]
            if stem not in block_ids:
                qid, _ = _question_id(stem, position)
                members = [c for c, (st, _) in block_of.items() if st == stem]
                if col != header and all(_SHORT_ID_RE.match(c) for c in members):
                    # SPSS dichotomy set q3_1, q3_2 ...: the common variable stem
                    qid = re.sub(r"[_.]?\d+$", "", col) or qid
                block_ids[stem] = unique(qid)
            parent = block_ids[stem]
            _, stem_text = _question_id(stem, position)
            items.append(
                _Item(
                    question_id=unique(f"{parent}_{_slug(option)}"),
                    text=stem_text,
                    scale="multi",
                    column=col,
                    item=parent,
                    option=option,
                )
            )
            continue
        qid, text = _question_id(header, position)
        if col != header and _SHORT_ID_RE.match(col):
            qid = col  # SPSS variable name
        labels = dict(value_labels.get(col, {}))
        if labels:
            nlab = {k: v for k, v in labels.items() if k not in missing_codes.get(col, set())}
            nlab = {k: v for k, v in nlab.items() if v.casefold() not in DONT_KNOW}
            if {v.casefold() for v in nlab.values()} <= set(_YESNO) and len(nlab) == 2:
                scale = "yesno"
            elif measures.get(col) == "nominal":
                scale = "single"
            else:
                scale = "likert" if len(nlab) >= 3 else "single"
            split = False
        else:
            scale, labels, split = _infer_scale(frame[col])
        if scale == "multi" and split:
            parent = unique(qid)
            for option in labels.values():
                items.append(
                    _Item(
                        question_id=unique(f"{parent}_{_slug(option)}"),
                        text=text,
                        scale="multi",
                        column=col,
                        item=parent,
                        option=option,
                        split=True,
                    )
                )
            continue
        items.append(
            _Item(
                question_id=unique(qid),
                text=text,
                scale=scale,
                column=col,
                labels=labels,
                missing_codes=set(missing_codes.get(col, set())),
            )
        )
    return items


def _items_from_codebook(
    book: pd.DataFrame,
    frame: pd.DataFrame,
    question_cols: list[str],
    *,
    book_file: str,
    export_file: str,
    texts: dict[str, str] | None = None,
) -> tuple[list[_Item], list[str]]:
    """Match codebook rows to export columns; returns the items and the columns left over."""
    texts = texts or {}
    by_key: dict[str, str] = {}
    for col in frame.columns:
        by_key.setdefault(_key(col), col)
        if col in texts:
            by_key.setdefault(_key(texts[col]), col)
    derived: dict[str, str] = {}
    for pos, col in enumerate(question_cols, start=1):
        qid, text = _question_id(texts.get(col, col), pos)
        derived.setdefault(qid.casefold(), col)
        by_key.setdefault(_key(text), col)
    option_cols: dict[str, list[tuple[str, str]]] = {}
    for col in question_cols:
        split = _split_option_header(texts.get(col, col))
        if split:
            option_cols.setdefault(_key(split[0]), []).append((col, split[1]))
            m = _QUESTION_RE.match(split[0])
            if m:
                option_cols.setdefault(_key(m.group(2)), []).append((col, split[1]))
                option_cols.setdefault("q" + m.group(1).replace(".", "_"), []).append(
                    (col, split[1])
                )

    items: list[_Item] = []
    used_cols: set[str] = set()
    for rec in book.itertuples(index=False):
        qid, text, scale = str(rec.question_id), str(rec.text), _opt(rec.scale)
        labels = _parse_labels(rec.labels, file=book_file, row=rec.codebook_row, column="labels")
        missing = {_code_str(m) for m in re.split(r"[;|,\s]+", _opt(rec.missing) or "") if m}
        candidates = [_opt(rec.column)] if _opt(rec.column) else []
        col = None
        for cand in candidates + [text, qid]:
            hit = by_key.get(_key(cand))
            if hit is not None:
                col = hit
                break
        if col is None:
            col = derived.get(str(qid).casefold())
        if scale == "multi":
            options = [o.strip() for o in re.split(r"[;|]", _opt(rec.options) or "") if o.strip()]
            members = option_cols.get(_key(text)) or option_cols.get(str(qid).casefold()) or []
            member_cols = {c for c, _ in members}
            if col is not None and col in member_cols:
                col = None  # the id matched an option column: one column per option
            if col is not None:  # one column "a;b"
                used_cols.add(col)
                for option in options:
                    items.append(
                        _Item(
                            f"{qid}_{_slug(option)}",
                            text,
                            "multi",
                            col,
                            item=qid,
                            option=option,
                            split=True,
                            codebook_row=rec.codebook_row,
                        )
                    )
                continue
            by_option = {_key(o): c for c, o in members}
            for option in options:
                c = by_option.get(_key(option))
                if c is None:
                    raise InputError(
                        f"no column of {export_file} holds option {option!r} of {qid}",
                        file=book_file,
                        row=rec.codebook_row,
                        column="options",
                        expected=f"a column '{text} - {option}' or one column of "
                        "';'-separated options",
                        got=", ".join(c for c, _ in members) or "no option columns",
                    )
                used_cols.add(c)
                items.append(
                    _Item(
                        f"{qid}_{_slug(option)}",
                        text,
                        "multi",
                        c,
                        item=qid,
                        option=option,
                        codebook_row=rec.codebook_row,
                    )
                )
            continue
        if col is None:
            raise InputError(
                f"question {qid!r} of the codebook is not a column of {export_file}",
                file=book_file,
                row=rec.codebook_row,
                column="question_id",
                expected="a column whose header is the question text, the question id or the "
                "codebook's 'column' value",
                got=text,
            )
        used_cols.add(col)
        if scale is None:
            scale, inferred, _ = _infer_scale(frame[col])
            labels = labels or inferred
        items.append(
            _Item(
                qid,
                text,
                scale,
                col,
                labels=labels,
                missing_codes=missing,
                codebook_row=rec.codebook_row,
            )
        )
    rest = [c for c in question_cols if c not in used_cols]
    return items, rest


def _codebook_frame(items: Iterable[_Item]) -> pd.DataFrame:
    rows = [
        {
            "question_id": it.question_id,
            "text": it.text,
            "scale": it.scale,
            "labels": _labels_text(it.labels),
            "options": None,
            "column": it.column,
            "item": it.item,
            "option": it.option,
        }
        for it in items
    ]
    book = pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)
    multi = book["item"].notna()
    if multi.any():
        opts = book[multi].groupby("item", sort=False)["option"].agg("; ".join)
        book.loc[multi, "options"] = book.loc[multi, "item"].map(opts)
    return book.astype("str")


# --------------------------------------------------------------------------- long form
def _long_item(
    it: _Item, frame: pd.DataFrame, rows: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long rows of one item for every respondent row of ``frame``, and bad cells."""
    values = frame[it.column]
    s, missing = _cells(values)
    low = s.str.casefold()
    n = len(s)
    answer = pd.Series(pd.NA, index=s.index, dtype="str")
    code = pd.Series(np.nan, index=s.index, dtype="float64")
    atype = pd.Series("missing", index=s.index, dtype="str")
    bad = pd.Series(False, index=s.index)
    reason = ""
    dk = low.isin(DONT_KNOW) & ~missing
    if it.scale == "multi":
        if it.split:
            pattern = r"(?:^|;)\s*" + re.escape(str(it.option)) + r"\s*(?:;|$)"
            sel = s.fillna("").str.contains(pattern, case=False, regex=True).to_numpy(bool)
            answered = ~missing & ~dk
            answer = answer.mask(answered, np.where(sel, "1", "0"))
            atype = atype.mask(answered, "valid")
        else:
            selected = low.isin(_SELECTED) | (low == (it.option or "").casefold())
            not_sel = low.isin(_NOT_SELECTED)
            bad = ~missing & ~selected & ~not_sel & ~dk
            reason = f"expected 1/blank (selected/not) or {it.option!r}"
            answer = answer.mask(selected, "1").mask(not_sel, "0")
            atype = atype.mask(selected | not_sel, "valid")
        answer = answer.mask(dk, s)
        atype = atype.mask(dk, "dont_know")
        code = pd.to_numeric(answer.where(atype == "valid"), errors="coerce").astype("float64")
    elif it.labels:
        code_of_label = {v.casefold(): k for k, v in it.labels.items()}
        code_of_code = {k.casefold(): k for k in it.labels}
        codes_text = s.str.replace(",", ".", regex=False).map(_code_str, na_action="ignore")
        code_str = low.map(code_of_label)
        code_str = code_str.where(code_str.notna(), codes_text.str.casefold().map(code_of_code))
        known = code_str.notna()
        answer = answer.mask(known, code_str.map(it.labels))
        code = pd.to_numeric(code_str, errors="coerce").astype("float64")
        declared_missing = code_str.isin(it.missing_codes)
        label_dk = answer.str.casefold().isin(DONT_KNOW)
        atype = atype.mask(known, "valid")
        atype = atype.mask(known & declared_missing, "missing")
        atype = atype.mask((known & label_dk) | (dk & ~known), "dont_know")
        answer = answer.mask(dk & ~known, s)
        code = code.where(~(declared_missing | label_dk))
        bad = ~missing & ~known & ~dk
        reason = "expected one of " + ", ".join(f"{k}={v}" for k, v in list(it.labels.items())[:12])
    else:
        answer = s.where(~missing)
        atype = atype.mask(~missing, "valid").mask(dk, "dont_know")
        if it.scale == "numeric":
            nums, nbad = tabular.parse_numbers(s.where(~dk), decimal=",")
            code = nums
            bad = nbad & ~dk
            reason = "expected a number"
    out = pd.DataFrame(
        {
            "_pos": np.arange(n),
            "question_id": it.question_id,
            "answer": answer,
            "answer_type": atype,
            "answer_code": code,
            "question_text": it.text,
            "scale": it.scale,
            "item": it.item if it.item else pd.NA,
            "option": it.option if it.option else pd.NA,
        },
        index=s.index,
    )
    out["_src_col"] = it.column
    out["_raw"] = values.fillna("").astype("str").to_numpy()
    bad_cells = pd.DataFrame(
        {
            "_pos": np.arange(n)[bad.to_numpy()],
            "question_id": it.question_id,
            "column": it.column,
            "value": values[bad].astype("str").to_numpy(),
            "reason": reason,
        }
    )
    return out[~bad.to_numpy()], bad_cells


def _multi_blocks(long: pd.DataFrame) -> pd.DataFrame:
    """Resolve one-column-per-option multi-choice blocks per respondent.

    A blank option cell means "not selected" when the respondent answered the block
    (selected or explicitly unselected some option); a block that is blank throughout is
    *missing*. A respondent who chose only a don't-know option (or wrote "Vet ikke") is
    ``dont_know`` for every option of the block.
    """
    block = long["item"].notna() & ~long["_split"].astype(bool)
    if not block.any():
        return long
    out = long.copy()
    sub = out[block]
    keys = [sub["respondent_id"], sub["item"]]
    is_dk_option = sub["option"].astype("str").str.casefold().isin(DONT_KNOW)
    answered = sub["answer"].isin(["1", "0"]).groupby(keys).transform("any")
    other_sel = ((sub["answer"] == "1") & ~is_dk_option).groupby(keys).transform("any")
    dk = ((sub["answer"] == "1") & is_dk_option) | (sub["answer_type"] == "dont_know")
    dk = dk.groupby(keys).transform("any") & ~other_sel
    blank_zero = answered & sub["answer"].isna() & ~dk
    idx0 = sub.index[blank_zero.to_numpy()]
    out.loc[idx0, ["answer", "answer_type"]] = ["0", "valid"]
    out.loc[idx0, "answer_code"] = 0.0
    idx_dk = sub.index[dk.to_numpy()]
    out.loc[idx_dk, ["answer", "answer_type"]] = ["Vet ikke", "dont_know"]
    out.loc[idx_dk, "answer_code"] = np.nan
    return out


# --------------------------------------------------------------------------- readers
def _id_column(columns: Iterable[str], id_column: str | None) -> str | None:
    cols = list(columns)
    if id_column is not None:
        if id_column not in cols:
            raise InputError(
                "the respondent id column is not in the file",
                column=id_column,
                expected="one of " + ", ".join(cols[:12]),
            )
        return id_column
    keys = {_key(c): c for c in reversed(cols)}
    for name in ID_COLUMNS:
        if name in keys:
            return keys[name]
    for name in ("e-post", "epost", "email", "e-mail", "navn", "name"):
        if name in keys:
            return keys[name]
    return None


def _load_wide(
    frame: pd.DataFrame,
    rows: pd.Series,
    *,
    display: str,
    header_row: int,
    codebook: pd.DataFrame | None,
    codebook_file: str | None,
    id_column: str | None,
    texts: dict[str, str] | None = None,
    value_labels: dict[str, dict[str, str]] | None = None,
    missing_codes: dict[str, set[str]] | None = None,
    measures: dict[str, str] | None = None,
    meta: dict[str, Any] | None = None,
    skipped: pd.DataFrame | None = None,
) -> LoadResult:
    overflow = None
    if "\x00overflow" in frame.columns:
        overflow = frame["\x00overflow"].astype("str").str.startswith("\x00TOO_MANY:", na=False)
        n_cells = frame["\x00overflow"].str.replace("\x00TOO_MANY:", "", regex=False)
        frame = frame.drop(columns="\x00overflow")
    idcol = _id_column(frame.columns, id_column)
    meta_cols = [c for c in frame.columns if _key(c) in METADATA_COLUMNS or c == idcol]
    question_cols = [c for c in frame.columns if c not in meta_cols]
    if codebook is not None:
        items, rest = _items_from_codebook(
            codebook,
            frame,
            question_cols,
            book_file=codebook_file or "codebook",
            export_file=display,
            texts=texts,
        )
        if rest:
            items += _items_from_headers(frame, rest, texts, value_labels, missing_codes, measures)
    else:
        rest = []
        items = _items_from_headers(
            frame, question_cols, texts, value_labels, missing_codes, measures
        )
    if not items:
        raise InputError(
            "no question columns found",
            file=display,
            row=header_row,
            expected="one column per question (question text as header) besides metadata "
            "columns such as " + ", ".join(sorted(METADATA_COLUMNS)[:6]),
            got=", ".join(frame.columns),
        )

    # respondent ids and row-level problems
    n = len(frame)
    row_problem = pd.Series("", index=frame.index, dtype="str")
    if overflow is not None and overflow.any():
        row_problem = row_problem.mask(
            overflow, f"expected {len(frame.columns)} cells, got " + n_cells.where(overflow, "")
        )
    salt = None
    personal = [c for c in meta_cols if _key(c) in PERSONAL_COLUMNS]
    if personal:
        salt = privacy.get_salt()
    if idcol is not None:
        ids, id_missing = _cells(frame[idcol])
        if _key(idcol) in PERSONAL_COLUMNS:
            ids = privacy.pseudonymise(ids, salt=salt, prefix=_PERSONAL_HASH_PREFIX)
        ids = ids.map(_code_str, na_action="ignore")
        row_problem = row_problem.mask(
            id_missing & (row_problem == ""), f"no respondent id in column {idcol!r}"
        )
        ok = row_problem == ""
        dup = ids.where(ok).duplicated(keep="first") & ok & ids.notna()
        if dup.any():
            first = (
                pd.Series(rows.to_numpy(), index=frame.index)
                .where(ok)
                .groupby(ids)
                .transform("min")
            )
            row_problem = row_problem.mask(
                dup,
                "duplicate respondent id (same as row " + first.astype("Int64").astype("str") + ")",
            )
    else:
        ids = "r" + pd.Series(rows.to_numpy(), index=frame.index).astype("str").str.zfill(4)

    parts, bad_parts = [], []
    for it in items:
        part, bad = _long_item(it, frame, rows)
        part["_split"] = it.split
        parts.append(part)
        bad_parts.append(bad)
    long = pd.concat(parts, ignore_index=True)
    pos = long["_pos"].to_numpy()
    long["respondent_id"] = ids.to_numpy()[pos]
    long["_row"] = rows.to_numpy()[pos]
    long["_problem"] = row_problem.to_numpy()[pos]
    for c in meta_cols:
        if c == idcol:  # it is respondent_id
            continue
        vals, _ = _cells(frame[c])
        if _key(c) in PERSONAL_COLUMNS:
            vals = privacy.pseudonymise(vals, salt=salt, prefix=_PERSONAL_HASH_PREFIX)
        long[c] = vals.to_numpy()[pos]

    problem = long["_problem"] != ""
    row_q = pd.DataFrame(
        {
            "source_file": display,
            "source_row": long.loc[problem, "_row"],
            "column": long.loc[problem, "_src_col"],
            "value": long.loc[problem, "_raw"],
            "reason": long.loc[problem, "_problem"],
        }
    )
    bad_cells = pd.concat(bad_parts, ignore_index=True)
    bpos = bad_cells["_pos"].to_numpy().astype("int64")
    cell_q = pd.DataFrame(
        {
            "source_file": display,
            "source_row": rows.to_numpy()[bpos],
            "column": bad_cells["column"],
            "value": bad_cells["value"],
            "reason": pd.Series(row_problem.to_numpy()[bpos], index=bad_cells.index)
            .replace("", pd.NA)
            .fillna(bad_cells["reason"]),
        }
    )
    quarantine_rows = pd.concat([row_q, cell_q], ignore_index=True).to_dict("records")
    kept = long[~problem]
    kept = _multi_blocks(kept) if len(kept) else kept
    order = {it.question_id: i for i, it in enumerate(items)}
    kept = kept.assign(_q=kept["question_id"].map(order)).sort_values(["_row", "_q"], kind="stable")
    data = kept.drop(columns=[c for c in kept.columns if c.startswith("_")])
    data["answer_code"] = data["answer_code"].astype("Float64")
    front = ["respondent_id", "question_id", "answer", "answer_type", "answer_code"]
    front += ["question_text", "scale", "item", "option"]
    data = data[front + [c for c in data.columns if c not in front]]
    data = schema.coerce_dtypes(data.reset_index(drop=True), "survey")
    for c in ("item", "option"):
        data[c] = data[c].astype("str")
    kept_rows = pd.Series(kept["_row"].to_numpy(), index=data.index)
    valid, post = schema.validate(data, "survey", source=display, row_numbers=kept_rows)
    quarantine = schema.quarantine_frame(quarantine_rows)
    if len(post):
        quarantine = pd.concat([quarantine, post], ignore_index=True)
    quarantine = quarantine.sort_values(["source_row", "column"], kind="stable").reset_index(
        drop=True
    )
    book = _codebook_frame(items)
    info = {
        "format": "survey",
        "codebook": book,
        "codebook_file": codebook_file,
        "respondent_id_column": idcol,
        "metadata_columns": meta_cols,
        "columns_pseudonymised": personal,
        "columns_not_in_codebook": rest if codebook is not None else [],
        "respondents_in": n,
        "respondents_kept": int(valid["respondent_id"].nunique()),
        "header_row": header_row,
    }
    info.update(meta or {})
    return LoadResult(
        data=valid.reset_index(drop=True),
        quarantine=quarantine,
        source=display,
        table="survey",
        n_in=len(long) + len(bad_cells),
        skipped=skipped if skipped is not None else tabular.skipped_frame(),
        meta=info,
    )


def _read_sav(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    import pyreadstat

    try:
        df, m = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others
        raise InputError(
            f"could not read the SPSS file ({exc})",
            file=path.name,
            expected="a valid SPSS .sav/.zsav file",
        ) from None
    return df, {
        "texts": {c: (m.column_names_to_labels.get(c) or c) for c in df.columns},
        "value_labels": {
            c: {_code_str(k): str(v) for k, v in labs.items()}
            for c, labs in (m.variable_value_labels or {}).items()
        },
        "missing": {
            c: {
                _code_str(v)
                for r in ranges
                for v in (
                    np.arange(r["lo"], r["hi"] + 1)
                    if isinstance(r["lo"], (int, float)) and r["hi"] - r["lo"] <= 1000
                    else [r["lo"], r["hi"]]
                )
            }
            for c, ranges in (m.missing_ranges or {}).items()
        },
        "measures": dict(m.variable_measure or {}),
        "file_label": m.file_label,
    }


def read_survey(
    path: str | Path,
    *,
    codebook: str | Path | pd.DataFrame | None = None,
    sheet: str | int | None = None,
    id_column: str | None = None,
) -> LoadResult:
    """Read a survey export (CSV, XLSX or SPSS ``.sav``) into the tidy ``survey`` table.

    Parameters
    ----------
    path : str or Path
        The export: one row per respondent, one column per question. For CSV/XLSX the
        header row holds the question texts (a leading number such as ``"3."``,
        ``"Q3"`` or ``"Spm 3"`` becomes the question id ``Q3``; otherwise ids are
        ``Q01, Q02 …`` by position). For SPSS the variable names are the ids and the
        variable labels the texts; value labels and user-missing codes are used.
    codebook : str or Path or DataFrame, optional
        A codebook file or the frame returned by :func:`read_codebook`. Without one, a
        sibling file ``<stem>_codebook.csv`` / ``codebook.csv`` (or ``.xlsx``,
        ``kodebok``) is used if present; otherwise scales are inferred: known Likert label
        sets (:data:`LIKERT_SCALES`), Ja/Nei, ``;``-separated multi-choice, column blocks
        ``"<question> - <option>"`` with 1/blank values, numbers, else single choice or
        free text.
    sheet : str or int, optional
        Excel sheet (default: the first).
    id_column : str, optional
        The respondent id column when it is not one of :data:`ID_COLUMNS`.

    Returns
    -------
    LoadResult
        ``data`` is the long ``survey`` table (see the module docstring),
        ``meta["codebook"]`` the codebook actually used (one row per long-form question,
        with ``item``/``option`` for multi-choice options).

    Raises
    ------
    InputError
        See the module docstring ("Accounting").
    """
    path = Path(path)
    book_file = None
    if codebook is None:
        sib = _sibling_codebook(path)
        if sib is not None:
            codebook = sib
    if isinstance(codebook, (str, Path)):
        book_file = Path(codebook).name
        book = read_codebook(codebook)
    else:
        book = codebook
        if book is not None:
            named = book["codebook_file"] if "codebook_file" in book.columns else ()
            book_file = str(named.iloc[0]) if len(named) else "codebook"
            if "codebook_row" not in book.columns:
                book = book.assign(codebook_row=np.arange(len(book)) + 2)
            for c in ("labels", "options", "column", "missing", "scale"):
                if c not in book.columns:
                    book = book.assign(**{c: None})
    if path.suffix.lower() in _SAV_SUFFIXES:
        if not path.exists():
            raise InputError("file not found", file=str(path), expected="an existing file")
        df, sav = _read_sav(path)
        frame = pd.DataFrame(
            {
                c: (
                    df[c].map(_code_str, na_action="ignore").astype("str")
                    if pd.api.types.is_numeric_dtype(df[c])
                    else df[c].astype("str")
                )
                for c in df.columns
            }
        )
        rows = pd.Series(np.arange(len(frame)) + 1, index=frame.index, dtype="int64")
        return _load_wide(
            frame,
            rows,
            display=path.name,
            header_row=0,
            codebook=book,
            codebook_file=book_file,
            id_column=id_column,
            texts=sav["texts"],
            value_labels=sav["value_labels"],
            missing_codes=sav["missing"],
            measures=sav["measures"],
            meta={"format": "survey_spss", "file_label": sav["file_label"], "row_unit": "case"},
        )
    raw = tabular.read_raw(path, sheet=sheet, header_names=METADATA_COLUMNS)
    return _load_wide(
        raw.frame,
        raw.rows,
        display=raw.path,
        header_row=raw.header_row,
        codebook=book,
        codebook_file=book_file,
        id_column=id_column,
        skipped=raw.skipped,
        meta={"format": "survey_export", "encoding": raw.encoding, "delimiter": raw.delimiter},
    )


# --------------------------------------------------------------------------- helpers
def codebook_from(survey: pd.DataFrame) -> pd.DataFrame:
    """Rebuild a codebook (question_id, text, scale, labels, item, option) from a long
    ``survey`` table that carries ``question_text``/``scale`` columns (as
    :func:`read_survey` writes them); missing columns are left empty.

    Parameters
    ----------
    survey : DataFrame
        A long canonical ``survey`` table.

    Returns
    -------
    DataFrame
        The codebook: question_id, text, scale, labels, item, option.
    """
    cols = {
        "question_id": "question_id",
        "text": "question_text",
        "scale": "scale",
        "item": "item",
        "option": "option",
    }
    out = pd.DataFrame(
        {
            k: (survey[v] if v in survey.columns else pd.Series(pd.NA, index=survey.index))
            for k, v in cols.items()
        }
    ).drop_duplicates("question_id")
    if "answer_code" in survey.columns:
        lab = survey.dropna(subset=["answer_code"]).drop_duplicates(["question_id", "answer_code"])
        lab = lab[lab.get("item", pd.Series(pd.NA, index=lab.index)).isna()]
        lab = lab.sort_values(["question_id", "answer_code"])
        text = lab.groupby("question_id", sort=False).apply(
            lambda g: "; ".join(
                f"{_code_str(c)}={a}" for c, a in zip(g["answer_code"], g["answer"], strict=True)
            ),
            include_groups=False,
        )
        out["labels"] = out["question_id"].map(text)
    else:
        out["labels"] = pd.NA
    return out[["question_id", "text", "scale", "labels", "item", "option"]].reset_index(drop=True)


def wide(survey: pd.DataFrame, *, values: str = "answer") -> pd.DataFrame:
    """Respondent × question table of ``values`` (for cross-tabulating two questions).

    Don't-know answers stay as their text; missing stays missing.

    Parameters
    ----------
    survey : DataFrame
        A long canonical ``survey`` table.
    values : str, default 'answer'
        The column spread into the cells.

    Returns
    -------
    DataFrame
        One row per respondent, one column per question.
    """
    return survey.pivot(index="respondent_id", columns="question_id", values=values)


# --------------------------------------------------------------------------- detection
def sniff_sav(path: Path) -> bool:
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head in (b"$FL2", b"$FL3")


def _header_rows(path: Path) -> list[list[str]]:
    from kommunesm.io import detect

    try:
        return detect.peek_columns(path, max_rows=8)
    except Exception:  # a sniffer must never fail: other formats get their chance
        return []


def sniff_export(path: Path) -> bool:
    """A wide survey export: a respondent marker or Enalyzer/Questback metadata column and
    at least two question-like headers, matching no other format's signature."""
    from kommunesm.io import detect

    rows = _header_rows(Path(path))
    for row in rows[:5]:
        keys = [_key(c) for c in row if str(c).strip()]
        if len(keys) < 2:
            continue
        questions = [k for k in keys if k.endswith("?") or _QUESTION_RE.match(k)]
        markers = [k for k in keys if k in METADATA_COLUMNS - {"date", "dato", "id", "name"}]
        if len(questions) < 2 or not (markers or len(questions) >= 3):
            continue
        header = set(keys)
        for fmt in detect.FORMATS:
            if fmt.sniff is None and len(header & fmt.signature) >= fmt.min_hits:
                return False
        return True
    return False


def sniff_codebook(path: Path) -> bool:
    rows = _header_rows(Path(path))
    if not rows:
        return False
    keys = {_key(c) for c in rows[0]}
    has_id = bool(keys & {"question_id", "spørsmål_id", "variable", "variabel", "question id"})
    has_text = bool(keys & {"text", "tekst", "spørsmål", "question", "spørsmålstekst"})
    has_scale = bool(keys & {"scale", "skala", "labels", "verdier", "value labels", "svartype"})
    return has_id and has_text and has_scale

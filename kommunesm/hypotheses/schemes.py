"""Coding schemes as declared objects: the studies' frameworks, ready for coders.

A :class:`CodingScheme` says *what* is coded (``unit``: a page or a post), *with which
variables* (:class:`Variable`: single or multiple choice, nominal or ordinal) and *which
categories* (:class:`Category`: code, definition, source). Everything else —
Excel workbooks with drop-downs (:mod:`kommunesm.hypotheses.scheme_sheets`), import with
cell-precise errors, Krippendorff's alpha and kappa, the comparison of the Top-10 with the
other pages and the demo's simulated coders (:mod:`kommunesm.hypotheses.scheme_analysis`)
— works the same way for every scheme, H1–H10 included.

Shipped schemes (:data:`SCHEMES`), each with its source, author-year and page:

==========================  ====  =================================================
name                        unit  source
==========================  ====  =================================================
``gambit_sider``            page  H1–H10 rated Bra / Kan bli bedre / Dårlig
                                  (Johnsen, Jørgensen & Aaneland 2013, s. 13–14)
``gambit_innlegg``          post  H3–H7, H10 yes/no per sampled post (same source)
``veikart_ambisjon``        page  passiv / avventende / inviterende
                                  (Langva, Meling & Wessel-Aas 2012, s. 11)
``veikart_bemanning``       page  Ildsjelen / Teamet / Distribuert ansvar (ibid., s. 10)
``veikart_bruksomrader``    post  "10 anbefalte bruksområder" (ibid., s. 23–27; only
                                  four are transcribed beyond their titles)
``difi_typologi``           page  the five types of social media (Amdam, Hoel &
                                  Stranger-Thorsen 2012, s. 3–4, 15–20)
``bonson``                  post  content type and media type (Bonsón, Royo & Ratkai
                                  2015, s. 52; only partly verifiable here)
==========================  ====  =================================================

Definitions in «…» are quotations from the source; where a source document is only half
transcribed (the seeds are text transcripts of PDFs) or not available at all, the
category says so in :attr:`Category.note` and the scheme in :attr:`CodingScheme.notes`.

Declaring a scheme of your own takes a few lines; categories may be given as a mapping
code → definition, and :func:`kommunesm.hypotheses.catalogue.register` makes it
available by name.

Examples
--------
>>> from kommunesm.hypotheses.catalogue import get_scheme, register, unregister
>>> from kommunesm.hypotheses.schemes import CodingScheme, Variable
>>> tone = CodingScheme(
...     "tone", unit="post", title_nb="Tone i innlegget", source="Egen definisjon (2026)",
...     variables=[Variable("tone", "Tone", {"formell": "Skrevet som en kunngjøring.",
...                                           "uformell": "Personlig, direkte tiltale."})])
>>> tone.columns
['tone']
>>> tone.allowed("tone")
['formell', 'uformell']
>>> _ = register(tone)
>>> get_scheme("tone") is tone
True
>>> unregister("tone")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

__all__ = [
    "BINARY_VALUES",
    "CITATIONS",
    "Category",
    "CodingScheme",
    "Variable",
]

#: Values of a yes/no column (multiple-choice categories and yes/no variables).
BINARY_VALUES: tuple[str, str] = ("1", "0")

#: Author-year citations of the sources (keys of ``references.bib``).
CITATIONS: dict[str, str] = {
    "gambit2013": "Johnsen, Jørgensen & Aaneland (2013)",
    "ksveikart2012": "Langva, Meling & Wessel-Aas (2012)",
    "difi2012": "Amdam, Hoel & Stranger-Thorsen (2012)",
    "bonson2015": "Bonsón, Royo & Ratkai (2015)",
}

_CODE_OK = re.compile(r"^[^,\"\n]{1,60}$")
_YES = {"1", "1.0", "ja", "j", "yes", "true", "x"}
_NO = {"0", "0.0", "nei", "n", "no", "false"}


def _norm_text(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def normalise_binary(value: object) -> str | None:
    """``"1"``/``"0"`` for yes/no spellings (1, 0, ja, nei, True, False, x), else None.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    str or None
        ``"1"``, ``"0"`` or None (missing or not a yes/no spelling).

    Examples
    --------
    >>> [normalise_binary(v) for v in [1, "Ja", True, "nei", 0.0, "kanskje"]]
    ['1', '1', '1', '0', '0', None]
    """
    if _is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    text = _norm_text(value)
    if text in _YES:
        return "1"
    if text in _NO:
        return "0"
    return None


@dataclass(frozen=True)
class Category:
    """One category of a variable.

    Attributes
    ----------
    code
        The value coders choose and the coding table holds — the source's own word where
        it has one (no commas or double quotes; Excel drop-downs split on commas).
    definition_nb
        The definition coders read. Text in «…» is quoted from the source.
    source
        Where the category and its definition come from (author-year, page).
    label_en
        English name (for captions).
    aliases
        Other spellings accepted on import (case and blanks are ignored anyway).
    note
        Caveats, e.g. "only the title is transcribed".
    """

    code: str
    definition_nb: str = ""
    source: str = ""
    label_en: str = ""
    aliases: tuple[str, ...] = ()
    note: str = ""


def _as_categories(
    categories: Sequence[Category | str] | Mapping[str, str], source: str
) -> tuple[Category, ...]:
    if isinstance(categories, Mapping):
        return tuple(Category(str(k), str(v), source) for k, v in categories.items())
    out = []
    for c in categories:
        out.append(c if isinstance(c, Category) else Category(str(c), "", source))
    return tuple(out)


@dataclass(frozen=True)
class Variable:
    """One thing coded about each unit.

    Parameters
    ----------
    id
        Column name in the sheets and value of ``hypothesis`` in the coding table
        (letters, digits, ``_``; unique across the schemes you use together).
    title_nb
        Short Norwegian title (instructions, tables).
    categories
        :class:`Category` objects, plain codes, or a mapping code → definition.
        Ordinal variables list them from lowest to highest.
    choice
        ``"single"`` (one category per unit, one drop-down column) or ``"multiple"``
        (any number: one yes/no column per category, ``<id>.<code>``).
    level
        ``"nominal"`` or ``"ordinal"`` (metric of Krippendorff's alpha and of the
        comparison test). Multiple-choice columns are yes/no.
    definition_nb, source
        What the variable is, and where it comes from.
    suggest
        Optional automatic suggestion rule: a function of the units table returning, per
        unit (same index), a category code (single choice) or a DataFrame with one
        boolean column per category code (multiple choice); NA where it has no
        suggestion. Shown to coders as ``forslag_…``; never used as a code.
    suggest_rule
        One sentence saying what the rule does (instructions sheet, report).
    ascending
        For ordinal variables: the categories are listed lowest first (default) or, as
        Gambit's *Bra / Kan bli bedre / Dårlig*, highest first.
    """

    id: str
    title_nb: str
    categories: tuple[Category, ...] | Sequence[Category | str] | Mapping[str, str]
    choice: str = "single"
    level: str = "nominal"
    definition_nb: str = ""
    source: str = ""
    suggest: Callable[[pd.DataFrame], pd.Series | pd.DataFrame] | None = field(
        default=None, compare=False, repr=False
    )
    suggest_rule: str = ""
    ascending: bool = True

    def __post_init__(self) -> None:
        cats = _as_categories(self.categories, self.source)  # type: ignore[arg-type]
        object.__setattr__(self, "categories", cats)
        if not re.fullmatch(r"[A-Za-z_][\w]*", self.id):
            raise ValueError(f"variable id {self.id!r}: use letters, digits and '_'")
        if self.choice not in ("single", "multiple"):
            raise ValueError(f"variable {self.id}: choice must be 'single' or 'multiple'")
        if self.level not in ("nominal", "ordinal"):
            raise ValueError(f"variable {self.id}: level must be 'nominal' or 'ordinal'")
        if len(cats) < 2 and self.choice == "single":
            raise ValueError(f"variable {self.id}: a single-choice variable needs 2+ categories")
        codes = [c.code for c in cats]
        bad = [c for c in codes if not _CODE_OK.match(c)]
        if bad:
            raise ValueError(f"variable {self.id}: category codes {bad} (no commas or quotes)")
        keys = [_norm_text(c) for c in codes] + [_norm_text(a) for c in cats for a in c.aliases]
        if len(set(keys)) != len(keys):
            raise ValueError(f"variable {self.id}: category codes/aliases must be distinct")

    @property
    def codes(self) -> list[str]:
        """Category codes, in order."""
        return [c.code for c in self.categories]  # type: ignore[union-attr]

    @property
    def is_binary(self) -> bool:
        """A yes/no variable (multiple-choice columns, or the codes ``1`` and ``0``)."""
        return self.choice == "multiple" or set(self.codes) == set(BINARY_VALUES)

    def score_map(self) -> dict[str, float]:
        """Code → number: 1/0 for yes/no; the rank of the category otherwise (ordinal:
        lowest 0)."""
        if self.is_binary:
            return {"1": 1.0, "0": 0.0}
        codes = self.codes if self.ascending else self.codes[::-1]
        return {c: float(i) for i, c in enumerate(codes)}

    def category(self, code: str) -> Category:
        """The category with this code."""
        for c in self.categories:  # type: ignore[union-attr]
            if c.code == code:
                return c
        raise KeyError(f"{self.id} has no category {code!r}")

    def columns(self) -> list[str]:
        """Sheet columns of this variable."""
        if self.choice == "single":
            return [self.id]
        return [f"{self.id}.{c}" for c in self.codes]


@dataclass(frozen=True)
class CodingScheme:
    """A coding scheme: unit, variables, categories, source.

    Parameters
    ----------
    name
        Identifier (``veikart_ambisjon``); workbooks and tables carry it.
    unit
        ``"page"`` (one row per page) or ``"post"`` (one row per sampled post).
    variables
        The :class:`Variable` objects.
    title_nb
        Title for the instructions sheet and the report.
    source
        The source of the scheme (author-year with page).
    notes
        Caveats every user of the scheme must know (transcription gaps, our readings).
    """

    name: str
    unit: str
    variables: tuple[Variable, ...] | Sequence[Variable]
    title_nb: str = ""
    source: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", tuple(self.variables))
        object.__setattr__(self, "notes", tuple(self.notes))
        if not re.fullmatch(r"[A-Za-z_][\w]*", self.name):
            raise ValueError(f"scheme name {self.name!r}: use letters, digits and '_'")
        if self.unit not in ("page", "post"):
            raise ValueError(f"scheme {self.name}: unit must be 'page' or 'post'")
        if not self.variables:
            raise ValueError(f"scheme {self.name}: give at least one variable")
        cols = self.columns
        if len(set(cols)) != len(cols):
            raise ValueError(f"scheme {self.name}: variable ids must be unique")

    # ------------------------------------------------------------------ structure
    @property
    def columns(self) -> list[str]:
        """All code columns of the sheets, in order."""
        return [c for v in self.variables for c in v.columns()]  # type: ignore[union-attr]

    def variable(self, column: str) -> Variable:
        """The variable a column (``id`` or ``id.code``) belongs to."""
        vid = column.split(".", 1)[0]
        for v in self.variables:  # type: ignore[union-attr]
            if v.id == vid and column in v.columns():
                return v
        raise KeyError(f"scheme {self.name} has no column {column!r}")

    def allowed(self, column: str) -> list[str]:
        """Values a column accepts: category codes, or ``1``/``0``."""
        v = self.variable(column)
        return v.codes if v.choice == "single" else list(BINARY_VALUES)

    def level(self, column: str) -> str:
        """``"nominal"``, ``"ordinal"`` or ``"binary"`` (yes/no column)."""
        v = self.variable(column)
        return "binary" if v.is_binary else v.level

    def subset(self, variables: Iterable[str]) -> CodingScheme:
        """The same scheme with only these variables (ids), in the order given."""
        want = list(variables)
        by_id = {v.id: v for v in self.variables}  # type: ignore[union-attr]
        unknown = [w for w in want if w not in by_id]
        if unknown:
            raise ValueError(
                f"unknown variables {unknown} in scheme {self.name}; use {', '.join(by_id)}"
            )
        return replace(self, variables=tuple(by_id[w] for w in want))

    # ------------------------------------------------------------------ values
    def normalise(self, column: str, value: object) -> str | None:
        """The canonical code of a cell value, or None if it is not allowed (missing
        values also give None). Case, blanks, aliases; yes/no spellings for 1/0."""
        if _is_missing(value):
            return None
        v = self.variable(column)
        if v.is_binary:
            return normalise_binary(value)
        text = _norm_text(value)
        for c in v.categories:  # type: ignore[union-attr]
            if text == _norm_text(c.code) or text in {_norm_text(a) for a in c.aliases}:
                return c.code
        return None

    def scores(self, column: str, values: Iterable[object]) -> pd.Series:
        """Numeric codes for reliability and tests: the position of the category
        (0, 1, …; ordinal variables lowest first) or 1/0; NaN if missing or invalid."""
        vals = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        norm = vals.map(lambda x: self.normalise(column, x))
        return norm.map(self.variable(column).score_map()).astype("float64")

    def label_of_score(self, column: str, score: float) -> str | None:
        """Inverse of :meth:`scores` for one number (NaN → None)."""
        if score is None or np.isnan(score):
            return None
        inverse = {v: k for k, v in self.variable(column).score_map().items()}
        return inverse.get(float(score))

    def categories_of(self, column: str) -> np.ndarray:
        """All numeric codes a column can take (for alpha and kappa)."""
        return np.arange(len(self.allowed(column)), dtype="float64")

    # ------------------------------------------------------------------ suggestions
    def suggest(self, units: pd.DataFrame) -> pd.DataFrame:
        """Automatic suggestions of every variable that has a rule: one column per
        sheet column (``code`` or 1/0), same index as ``units``; empty if none."""
        out = pd.DataFrame(index=units.index)
        for v in self.variables:  # type: ignore[union-attr]
            if v.suggest is None:
                continue
            res = v.suggest(units)
            if v.choice == "single":
                s = pd.Series(res, index=units.index).astype(object)
                out[v.id] = s.where(s.isin(v.codes), None)
            else:
                frame = pd.DataFrame(res, index=units.index)
                for code in v.codes:
                    if code in frame.columns:
                        col = frame[code]
                        out[f"{v.id}.{code}"] = col.map(
                            lambda x: None if _is_missing(x) else ("1" if bool(x) else "0")
                        ).astype(object)
        return out

    # ------------------------------------------------------------------ documentation
    def table(self) -> pd.DataFrame:
        """The scheme as a table: one row per category (variable, column, code,
        definition, source, note, choice, level, suggestion rule)."""
        rows = []
        for v in self.variables:  # type: ignore[union-attr]
            for c in v.categories:  # type: ignore[union-attr]
                rows.append(
                    {
                        "scheme": self.name,
                        "unit": self.unit,
                        "variable": v.id,
                        "variable_nb": v.title_nb,
                        "column": v.id if v.choice == "single" else f"{v.id}.{c.code}",
                        "category": c.code,
                        "label_en": c.label_en,
                        "definition_nb": c.definition_nb,
                        "source": c.source or v.source or self.source,
                        "note": c.note,
                        "choice": v.choice,
                        "level": "binary" if v.is_binary else v.level,
                        "suggestion_rule": v.suggest_rule,
                    }
                )
        return pd.DataFrame(rows)

    def describe(self) -> str:
        """One paragraph (Norwegian) describing the scheme, its source and caveats."""
        unit = "side" if self.unit == "page" else "innlegg"
        parts = [
            f"Kodeskjemaet «{self.title_nb or self.name}» koder hver {unit} på "
            + ", ".join(
                f"{v.title_nb} ({'ett valg' if v.choice == 'single' else 'flere valg'}: "
                + " / ".join(v.codes)
                + ")"
                for v in self.variables  # type: ignore[union-attr]
            )
            + f". Kilde: {self.source}."
        ]
        parts += list(self.notes)
        return " ".join(parts)

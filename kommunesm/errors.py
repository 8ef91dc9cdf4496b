"""Exceptions raised by kommunesm.

Every error about user input says *where* (file, row, column) and *what was expected*,
so that a researcher can open the file and fix it without reading our code.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "AmbiguousMunicipalityError",
    "InputError",
    "KommunesmError",
    "MissingInputError",
    "UnknownMunicipalityError",
    "require",
]


class KommunesmError(Exception):
    """Base class for all kommunesm errors."""


class InputError(KommunesmError, ValueError):
    """A data file or table does not have the shape kommunesm expects.

    Parameters
    ----------
    message
        What went wrong, in one sentence.
    file
        The file (or table name) the problem is in.
    row
        1-based row number as a spreadsheet shows it (the header is row 1), if the
        problem is in one row.
    column
        The column concerned, as it is named in the file.
    expected
        What kommunesm expected there.
    got
        What it found instead.

    Examples
    --------
    >>> err = InputError("not a number", file="posts.csv", row=7, column="Likes",
    ...                  expected="a whole number >= 0", got="mange")
    >>> print(err)
    posts.csv, row 7, column 'Likes': not a number; expected a whole number >= 0, got 'mange'
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        got: Any = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.expected = expected
        self.got = got
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = (", ".join(where) + ": " if where else "") + self.message
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.got is not None:
            text += f", got {self.got!r}"
        return text


class MissingInputError(InputError):
    """An analysis needs a table, a column or more rows than the data provide.

    Raised by :func:`require` (columns and rows of one table) and by
    :meth:`kommunesm.io.dataset.Dataset.require` (tables of a data set);
    :func:`kommunesm.report.needs` turns it into a "not computed" note in a notebook.
    """


def require(
    frame: pd.DataFrame,
    columns: Iterable[str],
    *,
    table: str = "the table",
    purpose: str = "This analysis",
    min_rows: int = 0,
) -> None:
    """Check that ``frame`` has ``columns`` (and ``min_rows`` complete rows of them).

    The one required-input check of kommunesm: metrics call it on the canonical tables
    they are given, notebooks through :func:`kommunesm.report.needs`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to check.
    columns : iterable of str
        Columns that must be present.
    table : str
        The table's name, for the message (``"posts"``).
    purpose : str
        What needs them, for the message (``"engagement_rate"``).
    min_rows : int
        If > 0, at least this many rows must have a finite number in every column.

    Raises
    ------
    MissingInputError
        Naming the missing columns, or the number of complete rows found.

    Examples
    --------
    >>> import pandas as pd
    >>> require(pd.DataFrame({"likes": [1]}), ["likes", "shares"], table="posts",
    ...         purpose="interactions")
    Traceback (most recent call last):
    ...
    kommunesm.errors.MissingInputError: posts, column 'shares': interactions needs the column(s) shares; expected the canonical posts table (kommunesm.schema.FIELDS['posts']), got 'likes'
    """
    columns = list(columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingInputError(
            f"{purpose} needs the column(s) {', '.join(missing)}",
            file=table,
            column=missing[0],
            expected=f"the canonical {table} table (kommunesm.schema.FIELDS[{table!r}])",
            got=", ".join(map(str, frame.columns[:10])),
        )
    if min_rows > 0:
        values = frame[columns].apply(pd.to_numeric, errors="coerce").astype("float64")
        n = int(np.isfinite(values.to_numpy()).all(axis=1).sum())
        if n < min_rows:
            raise MissingInputError(
                f"{purpose} needs at least {min_rows} rows with {', '.join(columns)}; "
                f"the data have {n}",
                file=table,
                got=n,
            )


class UnknownMunicipalityError(KommunesmError, KeyError):
    """A municipality code or name is not in the register."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        self.message = message
        self.candidates = list(candidates or [])
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.message


class AmbiguousMunicipalityError(UnknownMunicipalityError):
    """A name or code matches more than one municipality; `candidates` lists them."""

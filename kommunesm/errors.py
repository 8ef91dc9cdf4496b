"""Exceptions raised by kommunesm.

Every error about user input says *where* (file, row, column) and *what was expected*,
so that a researcher can open the file and fix it without reading our code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "AmbiguousMunicipalityError",
    "InputError",
    "KommunesmError",
    "UnknownMunicipalityError",
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

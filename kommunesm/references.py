"""The works kommunesm cites, and their author–year citations.

The bibliography is one BibTeX file shipped with the package
(``kommunesm/data/references.bib``; ``references/references.bib`` in the repository
links to it). Tables carry a work's BibTeX *key* (``gambit2013``) where a program needs
it, and readers see the author–year form built from the entry's ``author`` and ``year``
fields: "Johnsen, Jørgensen & Aaneland (2013, s. 11)". Page numbers are the printed page
numbers of the source ("s." as in Norwegian references).

Examples
--------
>>> from kommunesm.references import cite
>>> cite("gambit2013", page=11)
'Johnsen, Jørgensen & Aaneland (2013, s. 11)'
>>> cite("difi2012", parenthetical=True)
'(Amdam, Hoel & Stranger-Thorsen 2012)'
>>> source_label("https://www.nrk.no/")  # not a key: shown as it is
'https://www.nrk.no/'
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["BIB_FILE", "authors", "cite", "keys", "source_label"]

#: The package's BibTeX file (an :mod:`importlib.resources` traversable).
BIB_FILE = files("kommunesm").joinpath("data", "references.bib")


@cache
def _database():  # -> pybtex.database.BibliographyData
    from pybtex.database import parse_string

    return parse_string(BIB_FILE.read_text(encoding="utf-8"), "bibtex")


def keys() -> list[str]:
    """The BibTeX keys of the bibliography, in file order.

    Returns
    -------
    list of str
        Every entry's key, e.g. ``"gambit2013"``.

    Examples
    --------
    >>> "gambit2013" in keys()
    True
    """
    return list(_database().entries.keys())


def _entry(key: str):
    try:
        return _database().entries[key]
    except KeyError:
        raise KeyError(
            f"no reference {key!r} in {BIB_FILE.name}; known keys: {', '.join(keys())}"
        ) from None


def authors(key: str) -> str:
    """The author part of an author–year citation.

    Parameters
    ----------
    key : str
        BibTeX key.

    Returns
    -------
    str
        Last names joined by ", " and " & " ("Johnsen, Jørgensen & Aaneland"); an
        institution written as ``{{Handelshøyskolen BI}}`` stays whole.

    Raises
    ------
    KeyError
        If ``key`` is not in the bibliography.

    Examples
    --------
    >>> authors("brown2017")
    'Brown & Heathers'
    """
    persons = _entry(key).persons.get("author", [])
    names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in persons]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " & " + names[-1]


def cite(key: str, page: int | str | None = None, *, parenthetical: bool = False) -> str:
    """Author–year citation of a work of the bibliography.

    Parameters
    ----------
    key : str
        BibTeX key, e.g. ``"gambit2013"``.
    page : int or str, optional
        Printed page(s) of the source: ``17`` or ``"13–14"``; written after "s.".
    parenthetical : bool, default False
        ``False``: "Meling (2013, s. 4)" (narrative); ``True``: "(Meling 2013, s. 4)".

    Returns
    -------
    str
        The citation. A work without a year (``singhfbcomment``) gets "u.å." (*uten år*).

    Raises
    ------
    KeyError
        If ``key`` is not in the bibliography.

    Examples
    --------
    >>> cite("gambit2013", page=17)
    'Johnsen, Jørgensen & Aaneland (2013, s. 17)'
    >>> cite("sosialekommuner2012", page="8–11", parenthetical=True)
    '(Handelshøyskolen BI 2012, s. 8–11)'
    """
    who = authors(key)
    year = _entry(key).fields.get("year", "u.å.")
    where = f"{year}, s. {page}" if page is not None else str(year)
    if parenthetical:
        return f"({who} {where})"
    return f"{who} ({where})"


def source_label(source: object) -> object:
    """What a reader sees for a ``source`` value: the citation of a BibTeX key.

    Parameters
    ----------
    source : object
        A ``source`` cell of a published table: a BibTeX key, a URL or missing.

    Returns
    -------
    object
        :func:`cite` of the key when ``source`` is a key of the bibliography, otherwise
        ``source`` unchanged (URLs, missing values).

    Examples
    --------
    >>> source_label("meling2013")
    'Meling (2013)'
    """
    if isinstance(source, str) and source in _database().entries:
        return cite(source)
    return source

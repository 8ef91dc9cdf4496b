"""Norwegian municipalities: SSB codes 1994–2024, harmonisation to 2024, name matching.

Sources
-------
All files are read from the package's embedded ``kommunesm/data/register/`` (override the folder with
the environment variable ``KOMMUNESM_REGISTER_DIR``); their provenance is described in
``shared/README.md``.

* ``ssb_municipalities_2013.csv`` — Statistics Norway (SSB), KLASS classification 131
  "Standard for kommuneinndeling", version valid in 2013 (https://www.ssb.no/klass/
  klassifikasjoner/131). ``;``-separated, ISO-8859-1. This is the authoritative list of the
  **428 municipalities of the study year 2013**; its ``9999 Uoppgitt`` ("not stated") row is
  not a municipality and is dropped.
* ``municipality_codes_1994_2024.csv`` — every code used 1994–2024 grouped under its 2024
  municipality (derived from SSB KLASS 131). The label of a code carries its validity, e.g.
  ``"Halden (2020-2023)"``, ``"Halden (-2019)"``, ``"Oppegård (1915-2019)"``; a label without
  years is valid in 2024. Codes of municipalities that were *split* are grouped under
  ``"Rest"`` ("Delte kommuner og uoppgitt").
* ``municipality_codes_2013_2020.csv`` — the 2020 code of every code used since 2013 (SSB);
  a split code appears once per successor (1850 Tysfjord → 1806 Narvik and 1875 Hamarøy).
* ``municipalities_2015.csv`` — 426 municipalities with population, area and official
  language form as listed on Norwegian Wikipedia, fetched 2015-10-29 (the population
  figures are SSB's of that time). It is the study-era population source **until an SSB
  table for 2013 is added**; every row says so in ``population_source``.

SSB data are published under the Norwegian Licence for Open Government Data (NLOD 2.0,
https://data.norge.no/nlod/no/2.0).

Decisions
---------
* Codes are strings of four digits (``"0301"``); ints and unpadded strings (``722``,
  ``"722"``) are accepted everywhere and zero-padded.
* ``municipalities(2013)`` comes from the SSB 2013 file. Other years (1994–2024) are derived
  from the validity ranges in the 1994–2024 labels (best effort). A label without years has
  no start year in the file; it is inferred from the county prefix of the code (50: 2018;
  30, 34, 38, 42, 46, 54: 2020; 31, 32, 33, 39, 40, 55, 56: 2024) and, for the old county
  prefixes, from whether the code was in use in 2013 (else it is a 2020 code) and from a
  predecessor of the same name in the same group (1154 Vindafjord (-2005) → 1160 from 2006).
* The 1994–2024 list marks a reused code with a letter ("0716u" Våle until 2001; 0716 is
  Re from 2002): it is read as 0716. That list lacks 0717 Borre (renamed Horten, 0701, in
  2002), so 1994–2001 have 434 municipalities here instead of 435, and 0717 is unknown.
* The county of a code follows from its first two digits, because every county reform
  renumbered the municipalities (01–20: the 19 classic counties; 50 Trøndelag 2018–;
  30, 34, 38, 42, 46, 54: the counties of 2020–2023; 31–33, 39, 40, 55, 56: those of 2024).
* Population is the 2015 snapshot joined on code, for years up to 2019 only: most codes
  changed in 2020, and a kept code (1103 Stavanger) then covers a larger municipality
  than in 2015. In 2013, 0706 Sandefjord, 0719 Andebu and 0720 Stokke have no figure, as
  the 2015 list already shows their 2017 merger as 0710 Sandefjord.
* Harmonisation to 2024 (:func:`to_2024`) uses the 1994–2024 grouping; a code grouped under
  ``"Rest"`` goes through the 2013→2020 file and then to 2024. A code with one successor
  maps to it (1617 Hitra → 5056, 1805 Narvik → 1806); a code with several (1613 Snillfjord,
  1850 Tysfjord) is *ambiguous*: :func:`to_2024` raises, :func:`harmonise` gives ``<NA>``,
  :func:`to_2024_candidates` lists all successors.
* The SSB 2013 file lost one character to its encoding (``"Kárá?johka - Karasjok"``); the
  name is repaired to SSB's spelling ``"Kárášjohka - Karasjok"`` and any part of a name that
  still contains a lost character is not used for matching ("Karasjok" matches).
* Name matching (:func:`match_name`) is tolerant of case, affixes ("kommune", "herad",
  "- offisiell side", ...), hyphens/spaces and the transliterations æ/ae/a, ø/oe/o, å/aa/a,
  and accepts every part of a bilingual Sami/Kven name. It never guesses: a name shared by
  several municipalities (Våler, Os, Herøy, Bø, Nes, Sande) needs a county, and a typo gives
  suggestions, not a match.

Examples
--------
>>> from kommunesm import registry
>>> len(registry.municipalities(2013))
428
>>> registry.to_2024(722)
'3911'
>>> registry.match_name("Våler kommune (Hedmark)")
'0426'
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd

from kommunesm._resources import data_path
from kommunesm.errors import AmbiguousMunicipalityError, InputError, UnknownMunicipalityError

__all__ = [
    "harmonisation_table",
    "COUNTIES",
    "FIRST_YEAR",
    "LAST_YEAR",
    "POPULATION_SOURCE",
    "STUDY_YEAR",
    "county_of",
    "harmonise",
    "match_name",
    "municipalities",
    "register_dir",
    "to_2024",
    "to_2024_candidates",
]

#: First and last year for which :func:`municipalities` and :func:`match_name` work.
FIRST_YEAR = 1994
LAST_YEAR = 2024
#: The year of the Gambit H+K study; its municipality list comes straight from SSB.
STUDY_YEAR = 2013

#: County (fylke) by the first two digits of a municipality code. Each county reform
#: renumbered the municipalities, so the prefix gives the county of the code's own era.
COUNTIES: dict[str, str] = {
    "01": "Østfold",
    "02": "Akershus",
    "03": "Oslo",
    "04": "Hedmark",
    "05": "Oppland",
    "06": "Buskerud",
    "07": "Vestfold",
    "08": "Telemark",
    "09": "Aust-Agder",
    "10": "Vest-Agder",
    "11": "Rogaland",
    "12": "Hordaland",
    "14": "Sogn og Fjordane",
    "15": "Møre og Romsdal",
    "16": "Sør-Trøndelag",
    "17": "Nord-Trøndelag",
    "18": "Nordland",
    "19": "Troms",
    "20": "Finnmark",
    "50": "Trøndelag",
    "30": "Viken",
    "34": "Innlandet",
    "38": "Vestfold og Telemark",
    "42": "Agder",
    "46": "Vestland",
    "54": "Troms og Finnmark",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "39": "Vestfold",
    "40": "Telemark",
    "55": "Troms",
    "56": "Finnmark",
}

#: First year of the codes of a county prefix introduced after 1994 (see module docstring).
_PREFIX_START = {
    "50": 2018,
    **dict.fromkeys(["30", "34", "38", "42", "46", "54"], 2020),
    **dict.fromkeys(["31", "32", "33", "39", "40", "55", "56"], 2024),
}

#: Text of the ``population_source`` column.
POPULATION_SOURCE = (
    "Norwegian Wikipedia list of municipalities fetched 2015-10-29 (SSB population figures "
    "of that time), joined on kommunenummer; stand-in for the study-era (2013) population "
    "until an SSB 2013 table is added"
)

_ENV_VAR = "KOMMUNESM_REGISTER_DIR"
_SSB_2013 = "ssb_municipalities_2013.csv"
_CODES_1994_2024 = "municipality_codes_1994_2024.csv"
_CODES_2013_2020 = "municipality_codes_2013_2020.csv"
_WIKI_2015 = "municipalities_2015.csv"

_UNKNOWN_CODE = "9999"  # SSB "Uoppgitt": municipality not stated
_REST_GROUP = "Rest"

#: Characters lost to the ISO-8859-1 encoding of the SSB 2013 file, repaired to SSB's
#: spelling (KLASS 131: "Kárášjohka - Karasjok"; š is not in ISO-8859-1).
_NAME_REPAIRS = {"Kárá?johka - Karasjok": "Kárášjohka - Karasjok"}
_LOST_CHARACTERS = ("?", "\ufffd")

_FRAME_COLUMNS = [
    "kommunenummer",
    "name",
    "county",
    "population",
    "population_source",
    "kommunenummer_2024",
    "language_form",
]


# --------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------


def register_dir() -> Path:
    """The folder the register files are read from.

    Returns
    -------
    pathlib.Path
        ``$KOMMUNESM_REGISTER_DIR`` if that environment variable is set, else the
        package's embedded ``kommunesm/data/register/``.
    """
    override = os.environ.get(_ENV_VAR)
    if override:
        return Path(override).expanduser().resolve()
    return data_path("register")


def _read(
    directory: str, filename: str, *, sep: str, encoding: str, columns: list[str]
) -> pd.DataFrame:
    """Read one register file as text columns, stripped, checking the header."""
    path = Path(directory) / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: register file not found; expected it in {directory} "
            f"(set {_ENV_VAR} to the folder holding {filename})"
        )
    df = pd.read_csv(path, sep=sep, encoding=encoding, dtype=str, keep_default_na=False)
    for column in columns:
        if column not in df.columns:
            raise InputError(
                "column missing from header",
                file=path,
                row=1,
                column=column,
                expected=f"the columns {', '.join(columns)}",
                got=list(df.columns),
            )
    return df[columns].apply(lambda col: col.str.strip())


def _check_codes(df: pd.DataFrame, column: str, path: str, pattern: str = r"\d{4}") -> None:
    """Raise :class:`InputError` at the first value of ``column`` not matching ``pattern``."""
    bad = ~df[column].str.fullmatch(pattern)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            "not a municipality code",
            file=path,
            row=position + 2,
            column=column,
            expected="four digits such as '0301'",
            got=df[column].iloc[position],
        )


@lru_cache(maxsize=8)
def _ssb_2013(directory: str) -> pd.DataFrame:
    """SSB KLASS 131, 2013: code, name (repaired), without the 9999 row."""
    columns = ["code", "name"]
    df = _read(directory, _SSB_2013, sep=";", encoding="cp1252", columns=columns)
    _check_codes(df, "code", str(Path(directory) / _SSB_2013))
    df = df[df["code"] != _UNKNOWN_CODE].reset_index(drop=True)
    df["name"] = df["name"].replace(_NAME_REPAIRS)
    return df


@lru_cache(maxsize=8)
def _codes_1994_2024(directory: str) -> pd.DataFrame:
    """The 1994–2024 code list with parsed names and validity years.

    Only municipality rows are kept: the 9999 row and the non-municipal groups (Svalbard,
    Jan Mayen, the continental shelf) are dropped. Columns: ``group``, ``name_2024``,
    ``code``, ``label``, ``name`` (label without years and county qualifier),
    ``qualifier`` (the county in parentheses, if any), ``start`` and ``end`` (int years,
    inclusive; codes older than 1994 start in 1994).
    """
    path = str(Path(directory) / _CODES_1994_2024)
    columns = ["code_2024_group", "name_2024", "historical_code", "historical_label"]
    raw = _read(directory, _CODES_1994_2024, sep=",", encoding="utf-8", columns=columns)
    # A code reused for another municipality is marked with a letter: 0716 was Våle
    # until 2001 ("0716u") and Re from 2002.
    _check_codes(raw, "historical_code", path, pattern=r"\d{4}[a-z]?")
    df = raw.rename(
        columns={
            "code_2024_group": "group",
            "historical_code": "code",
            "historical_label": "label",
        }
    )
    df["code"] = df["code"].str[:4]
    keep = (df["group"].str.fullmatch(r"\d{4}") | (df["group"] == _REST_GROUP)) & (
        df["code"] != _UNKNOWN_CODE
    )
    df = df[keep].reset_index(drop=True)
    years = df["label"].str.extract(r"^(?P<base>.*?)\s*\((?P<start>\d{4})?-(?P<end>\d{4})\)$")
    base = years["base"].fillna(df["label"])
    qualified = base.str.extract(r"^(?P<name>.*?)\s*\((?P<qualifier>[^()]+)\)$")
    df["name"] = qualified["name"].fillna(base).str.strip()
    df["qualifier"] = qualified["qualifier"]
    end = pd.to_numeric(years["end"])
    start = pd.to_numeric(years["start"]).fillna(FIRST_YEAR).clip(lower=FIRST_YEAR)
    df["start"] = start.where(end.notna(), _current_start(df, end, directory)).astype(int)
    df["end"] = end.fillna(LAST_YEAR).astype(int)
    return df


def _current_start(df: pd.DataFrame, end: pd.Series, directory: str) -> pd.Series:
    """First year of the codes whose label has no years (valid in 2024); see module doc.

    The latest of: 1994 if the code was in use 2013–2019, else 2020 if it is a 2020 code,
    else 2024; the first year of its county prefix; the year after a predecessor of the
    same name in the same group ended (1154 "Vindafjord (1965-2005)" → 1160 from 2006,
    1567 "Rindal (-2018)" → 5061 from 2019, 1507 "Ålesund (2020-2023)" → 1508 from 2024).
    """
    since_2013 = _codes_2013_2020(directory)
    in_use = set(_ssb_2013(directory)["code"]) | set(since_2013["code"])
    codes_2020 = set(since_2013["code_2020"])
    by_use = np.select(
        [df["code"].isin(in_use), df["code"].isin(codes_2020)], [FIRST_YEAR, 2020], 2024
    )
    by_prefix = df["code"].str[:2].map(_PREFIX_START).fillna(FIRST_YEAR).to_numpy()
    predecessor_end = df.assign(end=end).groupby(["group", "name"])["end"].max()
    key = pd.MultiIndex.from_arrays([df["group"], df["name"]])
    after_predecessor = (predecessor_end.reindex(key).fillna(FIRST_YEAR - 1) + 1).to_numpy()
    start = np.maximum.reduce([by_use, by_prefix, after_predecessor])
    return pd.Series(start, index=df.index).astype(int)


@lru_cache(maxsize=8)
def _codes_2013_2020(directory: str) -> pd.DataFrame:
    """The 2013→2020 code list: ``code`` (2013-era) and ``code_2020``, 9999 dropped."""
    columns = ["kommunenummer_2020", "kommunenavn_2020", "historisk_nummer"]
    df = _read(directory, _CODES_2013_2020, sep=";", encoding="cp1252", columns=columns)
    path = str(Path(directory) / _CODES_2013_2020)
    _check_codes(df, "historisk_nummer", path)
    _check_codes(df, "kommunenummer_2020", path)
    df = df.rename(columns={"historisk_nummer": "code", "kommunenummer_2020": "code_2020"})
    return df[df["code"] != _UNKNOWN_CODE].reset_index(drop=True)


@lru_cache(maxsize=8)
def _wiki_2015(directory: str) -> pd.DataFrame:
    """The 2015 Wikipedia list, footnote markers such as ``"Bokmål[12]"`` removed."""
    columns = ["kommunenummer", "kommune", "fylke", "population", "area", "language_form"]
    df = _read(directory, _WIKI_2015, sep=",", encoding="utf-8", columns=columns)
    path = str(Path(directory) / _WIKI_2015)
    _check_codes(df, "kommunenummer", path)
    text = ["kommune", "fylke", "language_form"]
    df[text] = df[text].apply(lambda col: col.str.replace(r"\[[^\]]*\]", "", regex=True))
    for column in ["population", "area"]:
        bad = ~df[column].str.fullmatch(r"\d*")
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                "not a whole number",
                file=path,
                row=position + 2,
                column=column,
                expected="digits only",
                got=df[column].iloc[position],
            )
        df[column] = pd.to_numeric(df[column].replace("", None)).astype("Int64")
    return df


# --------------------------------------------------------------------------------------
# codes
# --------------------------------------------------------------------------------------


def _normalise_code(code: object) -> str:
    """A code as four digits, or raise :class:`UnknownMunicipalityError` naming it."""
    if isinstance(code, Integral) and not isinstance(code, bool):
        text = str(int(code))
    elif isinstance(code, float) and code.is_integer():
        text = str(int(code))
    elif isinstance(code, str):
        text = code.strip()
    else:
        raise UnknownMunicipalityError(
            f"{code!r} is not a municipality code (expected a string or int such as '0301')"
        )
    if not re.fullmatch(r"\d{1,4}", text):
        raise UnknownMunicipalityError(
            f"{code!r} is not a municipality code (expected up to four digits such as '0301')"
        )
    return text.zfill(4)


@lru_cache(maxsize=8)
def _successors(directory: str) -> dict[str, tuple[str, ...]]:
    """Every municipality code used 1994–2024 → its 2024 code(s), sorted."""
    codes = _codes_1994_2024(directory)
    grouped = codes[codes["group"] != _REST_GROUP]
    direct = grouped.groupby("code")["group"].agg(lambda s: tuple(sorted(set(s)))).to_dict()
    rest = codes.loc[codes["group"] == _REST_GROUP, "code"]
    via_2020 = _codes_2013_2020(directory)
    via_2020 = via_2020[via_2020["code"].isin(rest)]
    targets = (
        via_2020.assign(code_2024=via_2020["code_2020"].map(direct))
        .dropna(subset=["code_2024"])
        .explode("code_2024")
        .groupby("code")["code_2024"]
        .agg(lambda s: tuple(sorted(set(s))))
    )
    out = dict(direct)
    out.update({code: targets.get(code, ()) for code in rest})
    return out


@lru_cache(maxsize=8)
def _names_2024(directory: str) -> dict[str, str]:
    """2024 code → its 2024 name (with the county qualifier SSB gives, e.g. 'Herøy (Nordland)')."""
    codes = _codes_1994_2024(directory)
    grouped = codes[codes["group"] != _REST_GROUP]
    return dict(zip(grouped["group"], grouped["name_2024"].str.strip(), strict=False))


def to_2024_candidates(code: str | int) -> list[str]:
    """All 2024 municipality codes a code used 1994–2024 ended up in.

    Parameters
    ----------
    code : str or int
        A municipality code, as a string or int; ``722`` and ``"722"`` mean ``"0722"``.

    Returns
    -------
    list of str
        One code for a municipality that was not split (2024 codes map to themselves),
        several (sorted) for a split one: ``"1850"`` (Tysfjord) → ``["1806", "1875"]``.

    Raises
    ------
    UnknownMunicipalityError
        If the code was not used for a municipality 1994–2024 (also ``9999``, SSB's
        "not stated"); the message names the code.

    Notes
    -----
    Source: the 1994–2024 code list grouped by 2024 municipality (SSB KLASS 131); codes of
    split municipalities (group "Rest") through SSB's 2013→2020 list, then to 2024.
    """
    directory = str(register_dir())
    normal = _normalise_code(code)
    if normal == _UNKNOWN_CODE:
        raise UnknownMunicipalityError(
            f"{code!r}: 9999 is SSB's 'Uoppgitt' (municipality not stated), not a municipality"
        )
    successors = _successors(directory).get(normal)
    if successors is None:
        shown = repr(code) if str(code) == normal else f"{code!r} (as '{normal}')"
        raise UnknownMunicipalityError(
            f"{shown} is not a Norwegian municipality code used 1994–2024 (SSB KLASS 131)"
        )
    if not successors:
        raise UnknownMunicipalityError(
            f"{normal} was split, but SSB's 2013→2020 list does not say into which municipalities"
        )
    return list(successors)


def to_2024(code: str | int) -> str:
    """The 2024 municipality code of any municipality code used 1994–2024.

    Parameters
    ----------
    code : str or int
        A municipality code, as a string or int; ``722`` and ``"722"`` mean ``"0722"``.

    Returns
    -------
    str
        The four-digit 2024 code, e.g. ``"1624"`` (Rissa) → ``"5054"`` (Indre Fosen),
        ``"0722"`` (Nøtterøy) → ``"3911"`` (Færder); 2024 codes map to themselves.

    Raises
    ------
    AmbiguousMunicipalityError
        If the municipality was split between several 2024 municipalities (1613 Snillfjord,
        1850 Tysfjord); ``candidates`` holds their codes and the message lists them as
        "code name". Use :func:`to_2024_candidates` to get them without an exception.
    UnknownMunicipalityError
        If the code is not a municipality code used 1994–2024 (a :class:`KeyError`).

    Examples
    --------
    >>> to_2024("1018")
    '4204'
    >>> to_2024(217)
    '3207'
    """
    candidates = to_2024_candidates(code)
    if len(candidates) == 1:
        return candidates[0]
    directory = str(register_dir())
    normal = _normalise_code(code)
    codes = _codes_1994_2024(directory)
    name = codes.loc[codes["code"] == normal, "name"].iloc[0]
    names = _names_2024(directory)
    listed = ", ".join(f"{c} {names[c]}" for c in candidates)
    raise AmbiguousMunicipalityError(
        f"{normal} ({name}) was split between {listed}; to_2024_candidates({normal!r}) lists them",
        candidates,
    )


def harmonise(codes: pd.Series) -> pd.Series:
    """Vectorised :func:`to_2024`: each code → its 2024 code, ``<NA>`` when that is not one.

    Parameters
    ----------
    codes : Series
        Municipality codes as strings, ints or floats (``722``, ``"722"``, ``722.0`` and
        ``"0722"`` are the same code); missing values are allowed.

    Returns
    -------
    pandas.Series
        Dtype ``"string"``, same index and name. ``<NA>`` for missing input, for anything
        that is not a municipality code used 1994–2024 (including ``9999``), and for codes
        of municipalities that were **split** (1613 Snillfjord, 1850 Tysfjord): those have
        no single 2024 code; see :func:`to_2024_candidates`. Never raises for bad values,
        so check ``result.isna()`` against ``codes.isna()`` to find them.

    Examples
    --------
    >>> import pandas as pd
    >>> harmonise(pd.Series(["1624", 722, "1850", "9998"])).tolist()
    ['5054', '3911', <NA>, <NA>]
    """
    if not isinstance(codes, pd.Series):
        codes = pd.Series(codes)
    successors = _successors(str(register_dir()))
    unique = {code: targets[0] for code, targets in successors.items() if len(targets) == 1}
    text = codes.astype("string").str.strip()
    padded = text.str.extract(r"^(\d{1,4})(?:\.0*)?$", expand=False).str.zfill(4)
    return padded.map(unique).astype("string").rename(codes.name)


# --------------------------------------------------------------------------------------
# municipalities by year
# --------------------------------------------------------------------------------------


def _check_year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, Integral):
        raise ValueError(
            f"year must be an int from {FIRST_YEAR} to {LAST_YEAR} (supported range), got {year!r}"
        )
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValueError(
            f"year {year} is not supported: the register covers {FIRST_YEAR}–{LAST_YEAR}"
        )
    return int(year)


def _county_by_prefix(codes: pd.Series) -> pd.Series:
    return codes.str[:2].map(COUNTIES)


@lru_cache(maxsize=64)
def _municipalities(year: int, directory: str) -> pd.DataFrame:
    if year == STUDY_YEAR:
        base = _ssb_2013(directory)[["code", "name"]]
    else:
        codes = _codes_1994_2024(directory)
        base = codes.loc[(codes["start"] <= year) & (codes["end"] >= year), ["code", "name"]]
    frame = base.rename(columns={"code": "kommunenummer"}).sort_values("kommunenummer")
    frame = frame.reset_index(drop=True)
    frame["county"] = _county_by_prefix(frame["kommunenummer"])

    # Population: the 2015 snapshot joined on code, for the codes of the old county
    # structure only (from 2020 most codes are new, and kept codes such as 1103 Stavanger
    # then cover a larger municipality than in 2015).
    wiki = _wiki_2015(directory).set_index("kommunenummer")["population"]
    if year < 2020:
        population = frame["kommunenummer"].map(wiki).astype("Int64")
    else:
        population = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    frame["population"] = population
    frame["population_source"] = pd.Series(
        np.where(population.notna(), POPULATION_SOURCE, None), index=frame.index, dtype="str"
    )
    language = _wiki_2015(directory).set_index("kommunenummer")["language_form"]
    frame["language_form"] = frame["kommunenummer"].map(language).astype("str")
    successors = _successors(directory)
    unique = [successors.get(code, ()) for code in frame["kommunenummer"]]
    frame["kommunenummer_2024"] = pd.Series(
        [targets[0] if len(targets) == 1 else None for targets in unique],
        index=frame.index,
        dtype="str",
    )
    return frame[_FRAME_COLUMNS]


def municipalities(year: int = STUDY_YEAR) -> pd.DataFrame:
    """The municipalities valid in a year, with county, population and 2024 code.

    Parameters
    ----------
    year : int, default 2013
        From 1994 to 2024. 2013 (the study year) comes from SSB's KLASS 131 list for
        2013 (428 municipalities); other years are derived from the validity ranges of the
        1994–2024 code list (best effort: 434 in 1994–2001, one short of the official
        435 because the list lacks 0717 Borre, renamed Horten (0701) in 2002; 422 in
        2018, 356 in 2020–2023, 357 in 2024).

    Returns
    -------
    pandas.DataFrame
        One row per municipality, sorted by code, with the columns

        ``kommunenummer``
            four-digit code (``"0301"``);
        ``name``
            SSB's name in 2013 (bilingual names as "Tysfjord - Divtasvuodna"), else the
            name from the 1994–2024 labels without years and county qualifier;
        ``county``
            the county (fylke) of that year, from the first two digits of the code
            (see :data:`COUNTIES`);
        ``population``
            ``Int64``: the Wikipedia 2015 figure (SSB's population of that time), joined
            on code; ``<NA>`` when the code is not in that list and for all years from
            2020 (see module docstring). For 2013, 0706 Sandefjord, 0719 Andebu and 0720
            Stokke are missing: the 2015 list already shows their 2017 merger (0710);
        ``population_source``
            where the population comes from (:data:`POPULATION_SOURCE`); missing where
            population is;
        ``kommunenummer_2024``
            the 2024 code (:func:`to_2024`); missing where the municipality was later
            split between several 2024 municipalities;
        ``language_form``
            official written standard (Bokmål, Nynorsk, Nøytral) from the same 2015
            list, joined on code (missing where the code is not in it).

    Raises
    ------
    ValueError
        If ``year`` is outside 1994–2024.
    """
    year = _check_year(year)
    return _municipalities(year, str(register_dir())).copy()


def county_of(code: str, year: int = STUDY_YEAR) -> str:
    """The county (fylke) of a municipality code valid in ``year``.

    Parameters
    ----------
    code : str
        Municipality code (string or int, zero-padded as needed).
    year : int, default 2013
        The year the code must be valid in (1994–2024).

    Returns
    -------
    str
        E.g. ``county_of("0426")`` → ``"Hedmark"``; ``county_of("3419", 2024)`` →
        ``"Innlandet"``.

    Raises
    ------
    UnknownMunicipalityError
        If the code is not a municipality code valid in ``year``; the message says in
        which years it was valid, if any.
    ValueError
        If ``year`` is outside 1994–2024.
    """
    year = _check_year(year)
    directory = str(register_dir())
    normal = _normalise_code(code)
    frame = _municipalities(year, directory)
    hit = frame.loc[frame["kommunenummer"] == normal, "county"]
    if len(hit):
        return str(hit.iloc[0])
    codes = _codes_1994_2024(directory)
    known = codes[codes["code"] == normal]
    when = f"; it was valid {known['start'].iloc[0]}–{known['end'].iloc[0]}" if len(known) else ""
    raise UnknownMunicipalityError(
        f"{code!r} is not a municipality code valid in {year}{when}", candidates=[]
    )


# --------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------

_AFFIX_WORDS = (
    r"kommune[ns]?|commune|municipality|herad(?:et)?|offisiell(?:e)?(?: side)?"
    r"|official(?: page)?|facebook(?: page| side)?"
)
_SUFFIX = re.compile(rf"(?:^| )(?:{_AFFIX_WORDS})$")
_PREFIX = re.compile(r"^(?:the )?(?:kommune|municipality|commune|herad)(?: of| de)? ")
_HINT_FILLERS = {"i", "in", "på", "fylke", "county", "fylkeskommune"}
_BILINGUAL_SEPARATOR = re.compile(r"\s+[-\u2013\u2014]\s+")


def _key(text: str) -> str:
    """Case-folded, NFC, punctuation and dashes as single spaces."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


def _transliterate(key: str) -> str:
    """æ→ae, ø→oe, å→aa, accents off, no spaces: "Baerum", "Soerum", "Aalesund" match."""
    text = key.replace("æ", "ae").replace("ø", "oe").replace("å", "aa").replace("đ", "d")
    text = text.replace("ŋ", "n").replace("ŧ", "t")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.replace(" ", "")


def _skeleton(key: str) -> str:
    """Lossy form: :func:`_transliterate`, then aa→a, ae→a, oe→o ("Sorum", "Alesund")."""
    return _transliterate(key).replace("aa", "a").replace("ae", "a").replace("oe", "o")


def _strip_affixes(key: str) -> str:
    while True:
        stripped = _PREFIX.sub("", _SUFFIX.sub("", key)).strip()
        if stripped == key or not stripped:
            return key
        key = stripped


@lru_cache(maxsize=1)
def _county_lookup() -> dict[str, str]:
    """Skeleton of a county name (or its two-digit prefix) → canonical county name."""
    lookup = {_skeleton(_key(name)): name for name in COUNTIES.values()}
    lookup.update(COUNTIES)
    return lookup


def _resolve_county(county: str) -> str:
    lookup = _county_lookup()
    text = str(county).strip()
    found = lookup.get(text) or lookup.get(_skeleton(_key(text)))
    if found is None:
        names = sorted(set(COUNTIES.values()))
        raise ValueError(f"unknown county {county!r}; expected one of {', '.join(names)}")
    return found


def _parse(name: str) -> list[tuple[str, str | None]]:
    """Candidate (key, county hint) readings of a page name, the literal one first."""
    key = _strip_affixes(_key(name))
    readings: list[tuple[str, str | None]] = [(key, None)]
    words = key.split()
    while words and words[-1] in _HINT_FILLERS:
        words = words[:-1]
    lookup = _county_lookup()
    for size in (3, 2, 1):  # longest county name first ("møre og romsdal")
        if len(words) <= size:
            continue
        county = lookup.get(_skeleton(" ".join(words[-size:])))
        if county is None:
            continue
        rest = words[:-size]
        while rest and rest[-1] in _HINT_FILLERS:
            rest = rest[:-1]
        rest_key = _strip_affixes(" ".join(rest))
        if rest_key:
            readings.append((rest_key, county))
        break
    return readings


@dataclass(frozen=True)
class _NameIndex:
    exact: dict[str, frozenset[str]]
    transliterated: dict[str, frozenset[str]]
    loose: dict[str, frozenset[str]]
    display: dict[str, list[str]]  # loose key -> the names that have it
    names: dict[str, str]  # code -> official name that year
    county: dict[str, str]  # code -> county that year
    counties: dict[str, frozenset[str]]  # code -> counties accepted as a hint


@lru_cache(maxsize=64)
def _name_index(year: int, directory: str) -> _NameIndex:
    frame = _municipalities(year, directory)
    codes = _codes_1994_2024(directory)
    valid = codes[(codes["start"] <= year) & (codes["end"] >= year)]
    ssb, wiki = _ssb_2013(directory), _wiki_2015(directory)
    aliases = [
        dict(zip(valid["code"], valid["name"], strict=True)),
        dict(zip(ssb["code"], ssb["name"], strict=True)),
        dict(zip(wiki["kommunenummer"], wiki["kommune"], strict=True)),
    ]
    to_2020 = _codes_2013_2020(directory).groupby("code")["code_2020"].agg(tuple).to_dict()
    successors = _successors(directory)

    exact: dict[str, set[str]] = {}
    transliterated: dict[str, set[str]] = {}
    loose: dict[str, set[str]] = {}
    display: dict[str, list[str]] = {}
    counties: dict[str, frozenset[str]] = {}
    for code, official in zip(frame["kommunenummer"], frame["name"], strict=True):
        full = {official, *(alias[code] for alias in aliases if code in alias)}
        parts = {part for text in full for part in [text, *_BILINGUAL_SEPARATOR.split(text)]}
        for part in sorted(parts):
            if not part or any(lost in part for lost in _LOST_CHARACTERS):
                continue
            key = _key(part)
            exact.setdefault(key, set()).add(code)
            transliterated.setdefault(_transliterate(key), set()).add(code)
            loose.setdefault(_skeleton(key), set()).add(code)
            names = display.setdefault(_skeleton(key), [])
            if part not in names:
                names.append(part)
        related = [code, *successors.get(code, ()), *to_2020.get(code, ())]
        counties[code] = frozenset(COUNTIES[c[:2]] for c in related if c[:2] in COUNTIES)
    return _NameIndex(
        exact={k: frozenset(v) for k, v in exact.items()},
        transliterated={k: frozenset(v) for k, v in transliterated.items()},
        loose={k: frozenset(v) for k, v in loose.items()},
        display=display,
        names=dict(zip(frame["kommunenummer"], frame["name"], strict=True)),
        county=dict(zip(frame["kommunenummer"], frame["county"], strict=True)),
        counties=counties,
    )


def _describe(index: _NameIndex, code: str) -> str:
    return f"{code} {index.names[code]} ({index.county[code]})"


def match_name(name: str, year: int = STUDY_YEAR, county: str | None = None) -> str:
    """The code of the municipality a (page) name refers to, among those valid in ``year``.

    Parameters
    ----------
    name : str
        A name as found on a page: "Rissa kommune", "Sarpsborg Kommune", "Kvam herad",
        "Nord Fron", "Baerum", "Kautokeino", "Våler kommune (Hedmark)", ...
    year : int, default 2013
        The year whose municipalities are searched (1994–2024; default 2013, the study
        year).
    county : str, optional
        Optional county (fylke) to choose among municipalities with the same name
        ("Hedmark", "hedmark", "Nordland", a two-digit county prefix such as "04"). The
        county of the year, of the 2020 code and of the 2024 code are all accepted
        (``"Innlandet"`` finds 0426 Våler in 2013).

    Returns
    -------
    str
        The four-digit municipality code.

    Raises
    ------
    AmbiguousMunicipalityError
        If several municipalities have the name and no county (argument, or a hint in
        the name such as "(Hedmark)", ", Nordland", "i Hordaland") tells them apart. The
        message lists them with code and county; ``candidates`` holds the codes.
    UnknownMunicipalityError
        If no municipality of that year has the name: the message and ``candidates`` give
        up to five close names (difflib; a close name is never accepted silently), and the
        message names a 2024 municipality of that name if there is one. If the name exists
        but not in the given county, ``candidates`` holds the codes that have the name.
    ValueError
        If ``year`` is unsupported or ``county`` is not a county name.

    Notes
    -----
    Matching, in order, on (1) the name case-folded and NFC-normalised with affixes such
    as "kommune", "kommunes", "commune", "municipality", "herad", "- offisiell side" and
    "(offisiell)" removed and hyphens, dashes and spaces treated alike; (2) the same with
    æ, ø, å written ae, oe, aa and accents removed; (3) the lossy form where æ/ae, ø/oe,
    å/aa become a, o, a. The first step that finds anything decides, so "Lardal" is 0728
    Lardal while "Laerdal" is 1422 Lærdal. Every part of a
    bilingual name ("Guovdageaidnu - Kautokeino") is a name of its own; names come from
    SSB 2013, the 1994–2024 labels and the 2015 Wikipedia list for the same code.

    Examples
    --------
    >>> match_name("Rissa kommune")
    '1624'
    >>> match_name("Os kommune i Hordaland")
    '1243'
    """
    year = _check_year(year)
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    directory = str(register_dir())
    index = _name_index(year, directory)
    wanted = _resolve_county(county) if county is not None else None

    readings = _parse(name)
    for key, hint in readings:
        codes = _lookup(index, key)
        if not codes:
            continue
        candidates = sorted(codes)
        for required in (wanted, hint):
            if required is not None:
                candidates = [c for c in candidates if required in index.counties[c]]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            found = ", ".join(_describe(index, c) for c in sorted(codes))
            counties = " and ".join(c for c in (wanted, hint) if c is not None)
            raise UnknownMunicipalityError(
                f"{name!r}: no municipality of that name in {counties} in {year}; found {found}",
                sorted(codes),
            )
        listed = ", ".join(_describe(index, c) for c in candidates)
        raise AmbiguousMunicipalityError(
            f"{name!r} is ambiguous in {year}: {listed}. Give the county, e.g. "
            f"match_name({name!r}, county={index.county[candidates[0]]!r}) "
            "or a name such as 'X kommune (County)'",
            candidates,
        )

    suggestions: list[str] = []
    for key, _ in readings:
        close = difflib.get_close_matches(_skeleton(key), list(index.loose), n=5, cutoff=0.6)
        suggestions.extend(text for k in close for text in index.display[k])
    suggestions = list(dict.fromkeys(suggestions))[:5]
    message = f"{name!r}: no municipality of that name in {year} (searched as {readings[0][0]!r})"
    if suggestions:
        message += f"; did you mean: {', '.join(suggestions)}?"
    if year != LAST_YEAR:
        later = _name_index(LAST_YEAR, directory)
        found = next((codes for key, _ in readings if (codes := _lookup(later, key))), None)
        if found:
            listed = ", ".join(_describe(later, c) for c in sorted(found))
            message += f" ({LAST_YEAR} has {listed}: try year={LAST_YEAR})"
    raise UnknownMunicipalityError(message, suggestions)


def _lookup(index: _NameIndex, key: str) -> frozenset[str]:
    """Codes whose name matches ``key`` at the first matching level (see match_name)."""
    return (
        index.exact.get(key)
        or index.transliterated.get(_transliterate(key))
        or index.loose.get(_skeleton(key))
        or frozenset()
    )


def harmonisation_table(codes: pd.Series, *, year: int = 2013) -> pd.DataFrame:
    """Municipality codes as given, harmonised to 2024 borders, with what happened.

    Uses :func:`harmonise` and :func:`to_2024_candidates`
    (SSB KLASS 131, 1994-2024). One row per distinct code: kommunenummer, name (in
    ``year``, if the code was valid then), kommunenummer_2024, name_2024, status, pages
    (how many rows had the code). Status:

    * ``unchanged`` - the 2024 code is the same;
    * ``new code`` - renumbered only (e.g. county reform), alone in its 2024 municipality;
    * ``merged`` - its 2024 municipality was formed from several municipalities of
      ``year`` (e.g. 0722 Nøtterøy and 0723 Tjøme → 3911 Færder);
    * ``split (ambiguous)`` - several 2024 successors: not harmonised;
    * ``unknown`` - not a municipality code of 1994-2024 (or missing).

    Parameters
    ----------
    codes : Series
        Municipality codes as given (one per page; repeats are counted).
    year : int, default 2013
        The year the codes are read in.

    Returns
    -------
    DataFrame
        One row per distinct code with the columns and status described above.
    """
    given = codes.astype("str")
    counts = given.value_counts(dropna=False)
    distinct = pd.Series(counts.index, dtype="str")
    h = harmonise(distinct).astype("str")
    then = municipalities(year).set_index("kommunenummer")["name"]
    now = municipalities(2024).set_index("kommunenummer")["name"]
    norm = distinct.str.zfill(4)

    def n_successors(code: object) -> int:
        if code is None or pd.isna(code):
            return 0
        try:
            return len(to_2024_candidates(str(code)))
        except (UnknownMunicipalityError, ValueError):
            return 0

    succ = distinct.map(n_successors)
    out = pd.DataFrame(
        {
            "kommunenummer": distinct,
            "name": norm.map(then),
            "kommunenummer_2024": h,
            "name_2024": h.map(now),
            "pages": counts.to_numpy(),
        }
    )
    reg = municipalities(year)
    parts = reg["kommunenummer_2024"].value_counts()
    shared = out["kommunenummer_2024"].map(parts)
    status = np.select(
        [
            succ == 0,
            succ > 1,
            shared.fillna(1) > 1,
            out["kommunenummer_2024"] == norm,
        ],
        ["unknown", "split (ambiguous)", "merged", "unchanged"],
        default="new code",
    )
    out["status"] = pd.Series(status, index=out.index, dtype="str")
    return out.sort_values(["status", "kommunenummer"], kind="stable").reset_index(drop=True)

"""Statistics Norway (SSB) StatBank tables as municipality covariates.

SSB publishes municipality statistics in StatBank (Statistikkbanken, https://www.ssb.no/statbank)
and through its API (PxWebApi). Two of its output shapes are read here, and both give the
same tidy table:

:func:`read_statbank_csv`
    The CSV download. In Norwegian it is **semicolon-separated with a decimal comma**
    (SSB, "Slik bruker du API med ferdige datasett": "CSV på norsk er semikolonseparert
    med komma som desimalskilletegn"; English files use commas and a decimal point),
    often with the table title on the first line and an empty line before the header.
    Regions are labelled with code and name, ``"0301 Oslo"`` (older files ``"K-0301
    Oslo"``, and names with years, ``"3001 Halden (2020-2023)"``). Two layouts exist:
    *long* — one column per dimension (``region``, ``statistikkvariabel``, ``år``) and a
    last column with the values, headed by the table title (``"07459: Befolkning, etter
    region, år og statistikkvariabel"``) — and *wide*, as the table view saves it, one
    column per variable and year (``"Personer 2024"``). Symbols: ``..`` not available,
    ``.`` not applicable, ``:`` confidential (all missing), ``-`` zero.
:func:`read_jsonstat`
    JSON-stat 2.0 (``"version": "2.0", "class": "dataset"``), the API's
    ``json-stat2`` output format, read with the maintained ``pyjstat`` library; the
    region dimension (``Region``) holds codes (``"0301"``) as category ids and names as
    labels, time is ``Tid``, the variable ``ContentsCode``.

Both return one row per region, variable and year with ``kommunenummer`` (as given),
``name``, ``variable``, ``year``, ``value`` and ``kommunenummer_2024`` — the code
harmonised to the 2024 structure by :func:`kommunesm.registry.harmonise` (missing for
regions that are not municipalities, such as ``0 Hele landet`` and counties, and for the
two municipalities later split). :func:`covariates` makes the wide table (one row per
municipality and year) that :func:`kommunesm.panel.page_years` joins; codes merged into
one 2024 municipality are summed for counts (population, area) as
:func:`covariates` documents.

:func:`shipped_covariates` gives the covariates that ship with kommunesm from open data
(SSB via the register): population, area, density, county and official language form.
The same population and area figures ship in StatBank's CSV layout as
``register/ssb_kommunefakta_2015.csv`` (written by :func:`write_statbank_csv` from
:func:`shipped_covariates`), so that the notebooks read covariates from an SSB-format
file and a user can drop in a fresh StatBank download (e.g. table 07459, population,
and 09280, area) instead.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from kommunesm.errors import InputError

__all__ = [
    "MISSING_SYMBOLS",
    "covariates",
    "read",
    "read_jsonstat",
    "read_statbank_csv",
    "shipped_covariates",
    "shipped_file",
    "write_statbank_csv",
]

#: SSB's symbols for values that are not given (StatBank "Tegnforklaring").
MISSING_SYMBOLS = {"..": "not available", ".": "not applicable", ":": "confidential"}

_REGION = re.compile(r"^\s*(?:K-)?(\d{1,4})\s+(.*?)\s*$")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_REGION_HEADERS = ("region", "kommune", "region/kommune", "municipality")
_TIME_HEADERS = ("år", "tid", "year", "time", "aar")
_VARIABLE_HEADERS = ("statistikkvariabel", "contents", "statistical variable", "contentscode")


def _split_region(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    parts = labels.astype("str").str.extract(_REGION)
    # municipality codes lost their leading zero in some exports ("301 Oslo"); "0"
    # (the whole country) and two-digit county codes stay as given
    code = parts[0].where(parts[0].str.len() < 3, parts[0].str.zfill(4))
    name = parts[1].str.replace(r"\s*\(\d{4}\s*-\s*\d{0,4}\)\s*$", "", regex=True)
    return code, name.fillna(labels.astype("str"))


def _numbers(values: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series]:
    text = values.astype("str").str.strip().str.replace("\u00a0", "", regex=False)
    text = text.str.replace(" ", "", regex=False)
    symbol = text.isin(list(MISSING_SYMBOLS)) | text.isna() | (text == "")
    text = text.mask(text == "-", "0")
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    number = pd.to_numeric(text.where(~symbol), errors="coerce")
    bad = number.isna() & ~symbol
    return number.astype("float64"), bad


def _harmonise(code: pd.Series) -> pd.Series:
    from kommunesm import registry

    return registry.harmonise(code).astype("str")


def read_statbank_csv(path: str | Path, *, encoding: str | None = None) -> pd.DataFrame:
    """Read a StatBank CSV download into the tidy covariate table.

    Parameters
    ----------
    path : str or Path
        The CSV downloaded from StatBank (Statistikkbanken).
    encoding : str, optional
        Text encoding (default: detected; StatBank writes UTF-8 or Windows-1252).

    Returns
    -------
    DataFrame
        Tidy covariates: one row per region, year and variable with its value, and
        ``source`` (the StatBank table it came from; kept when tables are concatenated).

    Raises
    ------
    InputError
        When no region column or no value cell can be found (the message names the file,
        the header row and what was expected), or when a value cell is neither a number
        nor one of SSB's symbols (naming the row and column).
    """
    path = Path(path)
    raw = path.read_bytes()
    if encoding is None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")  # StatBank's older downloads are Windows-1252
    else:
        text = raw.decode(encoding)
    lines = text.splitlines()
    delimiter = ";" if sum(ln.count(";") for ln in lines[:20]) else ","
    decimal = "," if delimiter == ";" else "."
    # the header is the first line with the delimiter that names a region column
    header_at = None
    for i, line in enumerate(lines[:30]):
        cells = [c.strip().strip('"').casefold() for c in line.split(delimiter)]
        if len(cells) >= 2 and any(c in _REGION_HEADERS for c in cells):
            header_at = i
            break
    if header_at is None:
        raise InputError(
            "no region column: an SSB StatBank CSV has a header with 'region'",
            file=path.name,
            row=1,
            expected='a header such as "region";"statistikkvariabel";"år";"<table>"',
        )
    frame = pd.read_csv(
        io.StringIO("\n".join(lines[header_at:])),
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
    )
    file_rows = pd.Series(np.arange(len(frame)) + header_at + 2, index=frame.index)
    cols = {c.strip().casefold(): c for c in frame.columns}
    region_col = next(cols[c] for c in cols if c in _REGION_HEADERS)
    time_col = next((cols[c] for c in cols if c in _TIME_HEADERS), None)
    var_col = next((cols[c] for c in cols if c in _VARIABLE_HEADERS), None)
    others = [c for c in frame.columns if c not in (region_col, time_col, var_col)]
    if time_col is not None and len(others) == 1:
        # long layout: the last column holds the values, headed by the table title
        value_col = others[0]
        long = pd.DataFrame(
            {
                "region": frame[region_col],
                "variable": frame[var_col] if var_col else value_col,
                "year": frame[time_col],
                "raw": frame[value_col],
                "column": value_col,
                "row": file_rows,
            }
        )
        table_title = value_col
    else:
        # wide layout: one column per variable and year ("Personer 2024")
        wide = frame[[region_col] + others].assign(_row=file_rows)
        long = wide.melt(id_vars=[region_col, "_row"], var_name="column", value_name="raw")
        year = long["column"].str.extract(_YEAR, expand=False)
        variable = (
            long["column"].str.replace(_YEAR, "", regex=True).str.strip(" ,;-").replace("", "value")
        )
        long = pd.DataFrame(
            {
                "region": long[region_col],
                "variable": variable,
                "year": year,
                "raw": long["raw"],
                "column": long["column"],
                "row": long["_row"],
            }
        )
        table_title = lines[0].strip().strip('"') if header_at > 0 else ""
    value, bad = _numbers(long["raw"], decimal)
    if bad.any():
        first = bad.idxmax()
        raise InputError(
            "a value is neither a number nor one of SSB's symbols (.., ., :, -)",
            file=path.name,
            row=int(long.at[first, "row"]),
            column=str(long.at[first, "column"]),
            expected="a number with decimal comma, or .. / . / : / -",
            got=str(long.at[first, "raw"]),
        )
    code, name = _split_region(long["region"])
    out = pd.DataFrame(
        {
            "kommunenummer": code.astype("str"),
            "name": name.astype("str"),
            "variable": long["variable"].astype("str").str.strip(),
            "year": pd.to_numeric(
                long["year"].astype("str").str.extract(_YEAR, expand=False), errors="coerce"
            ).astype("Int64"),
            "value": value,
            "missing_symbol": long["raw"].astype("str").str.strip().map(MISSING_SYMBOLS),
        }
    )
    out["kommunenummer_2024"] = _harmonise(out["kommunenummer"])
    out["source"] = f"SSB StatBank: {table_title or path.name}"
    return out.reset_index(drop=True)


def read_jsonstat(path: str | Path) -> pd.DataFrame:
    """Read a JSON-stat 2.0 dataset (SSB API ``json-stat2``) with :mod:`pyjstat`.

    Parameters
    ----------
    path : str or Path
        The export file.

    Returns
    -------
    DataFrame
        Tidy covariates: one row per region, year and variable with its value, and
        ``source`` (the StatBank table it came from; kept when tables are concatenated).
    """
    from pyjstat import pyjstat

    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        dataset = pyjstat.Dataset.read(text)
        with warnings.catch_warnings():
            # pyjstat's writer calls its own deprecated helper internally
            warnings.simplefilter("ignore", DeprecationWarning)
            ids = dataset.write("dataframe", naming="id")
            labels = dataset.write("dataframe", naming="label")
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"not a JSON-stat 2.0 dataset ({exc})",
            file=path.name,
            expected='{"version": "2.0", "class": "dataset", "id": [...], "dimension": {...}}',
        ) from None
    dims = list(dataset["id"])
    roles = dataset.get("role") or {}
    geo = (roles.get("geo") or [next((d for d in dims if d.casefold() == "region"), dims[0])])[0]
    time = (
        roles.get("time") or [next((d for d in dims if d.casefold() in ("tid", "year")), None)]
    )[0]
    metric = (roles.get("metric") or [next((d for d in dims if d == "ContentsCode"), None)])[0]
    label_of = {d: dataset["dimension"][d].get("label", d) for d in dims}
    out = pd.DataFrame(
        {
            "kommunenummer": ids[geo].astype("str").str.replace(r"^K-", "", regex=True),
            "name": labels[label_of[geo]].astype("str"),
            "variable": labels[label_of[metric]].astype("str") if metric else "value",
            "year": pd.to_numeric(
                ids[time].astype("str").str.extract(_YEAR, expand=False), errors="coerce"
            ).astype("Int64")
            if time
            else pd.array([pd.NA] * len(ids), dtype="Int64"),
            "value": pd.to_numeric(ids["value"], errors="coerce").astype("float64"),
        }
    )
    code, name = _split_region(out["kommunenummer"] + " " + out["name"])
    out["kommunenummer"] = code.where(
        out["kommunenummer"].str.fullmatch(r"\d{1,4}"), out["kommunenummer"]
    )
    out["missing_symbol"] = pd.Series(pd.NA, index=out.index, dtype="str")
    out["kommunenummer_2024"] = _harmonise(out["kommunenummer"])
    out["source"] = f"SSB: {dataset.get('label', path.name)}"
    return out


def read(path: str | Path) -> pd.DataFrame:
    """Read an SSB file: JSON-stat 2.0 (``.json``) or a StatBank CSV (anything else).

    Parameters
    ----------
    path : str or Path
        The export file.

    Returns
    -------
    DataFrame
        Tidy covariates: one row per region, year and variable with its value, and
        ``source`` (the StatBank table it came from; kept when tables are concatenated).
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        return read_jsonstat(path)
    return read_statbank_csv(path)


#: How values of several old municipalities are combined into one 2024 municipality.
SUM_VARIABLES = ("population", "area_km2", "personer", "folkemengde", "areal")


def covariates(
    tidy: pd.DataFrame,
    *,
    rename: dict[str, str] | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """One row per 2024 municipality and year, one column per variable.

    Parameters
    ----------
    tidy : DataFrame
        Output of :func:`read_statbank_csv` / :func:`read_jsonstat` (several may be
        concatenated).
    rename : dict of str to str, optional
        Variable label → column name (e.g. ``{"Personer": "population"}``). When the
        result has ``population`` and ``area_km2``, ``density`` (inhabitants per km²) is
        added, computed after harmonising.
    year : int, optional
        Keep one year only.

    Returns
    -------
    DataFrame
        One row per ``kommunenummer_2024`` and ``year``, one column per variable.

    Notes
    -----
    Rows without a 2024 code (the whole country, counties, split municipalities) are
    dropped. Where several old codes map to one 2024 municipality (mergers), values are
    **summed** — right for counts and areas, which is what the shipped covariates are;
    rates must be recomputed from their counts after harmonising, not summed. The sum is
    missing when one of the merged municipalities' values is missing (``..``), never a
    partial total.
    """
    frame = tidy.copy()
    frame = frame[frame["kommunenummer_2024"].notna() & (frame["kommunenummer_2024"] != "nan")]
    if rename:
        frame["variable"] = frame["variable"].replace(rename)
    if year is not None:
        frame = frame[frame["year"] == year]
    keys = ["kommunenummer_2024", "year", "variable"]
    grouped = frame.groupby(keys, dropna=False)["value"]
    # a merged municipality's value is missing when any of its parts is missing
    summed = grouped.sum(min_count=1).where(grouped.count() == grouped.size())
    wide = summed.unstack("variable").reset_index()
    wide.columns.name = None
    if {"population", "area_km2"} <= set(wide.columns):
        wide["density"] = (wide["population"] / wide["area_km2"]).where(wide["area_km2"] > 0)
    return wide


#: The SSB-format covariate file that ships in the register folder, and its labels.
SHIPPED_FILE = "ssb_kommunefakta_2015.csv"
SHIPPED_LABELS = {"Folkemengde": "population", "Areal (km²)": "area_km2"}


def shipped_file() -> Path:
    """Path of the shipped StatBank-format covariate file (population and area, 2015).

    Returns
    -------
    Path
        ``kommunesm/data/register/ssb_kommunefakta_2015.csv``.
    """
    from kommunesm import registry

    return Path(registry.register_dir()) / SHIPPED_FILE


def shipped_covariates() -> pd.DataFrame:
    """Open-data covariates that ship with kommunesm, one row per municipality of 2015.

    Columns: ``kommunenummer`` (2015 code), ``kommunenummer_2024``, ``name``, ``county``,
    ``population`` (SSB, as in the register's 2015 list), ``area_km2`` (the list's area in
    hectares / 100), ``density`` (inhabitants per km²) and ``language_form`` (official
    written standard: Bokmål, Nynorsk, Nøytral). Source: the register in
    package's ``kommunesm/data/register`` (SSB figures, NLOD 2.0; see :mod:`kommunesm.datasets`).

    Returns
    -------
    DataFrame
        One row per municipality of 2015 with the columns described above.
    """
    from kommunesm import registry

    path = registry.register_dir() / "municipalities_2015.csv"
    frame = pd.read_csv(path, dtype={"kommunenummer": str})
    out = pd.DataFrame(
        {
            "kommunenummer": frame["kommunenummer"].str.zfill(4),
            "name": frame["kommune"],
            "county": frame["fylke"],
            "population": pd.to_numeric(frame["population"], errors="coerce").astype("Int64"),
            "area_km2": pd.to_numeric(frame["area"], errors="coerce") / 100.0,
            "language_form": frame["language_form"].str.replace(r"\[\d+\]", "", regex=True),
        }
    )
    out["density"] = (out["population"].astype("float64") / out["area_km2"]).where(
        out["area_km2"] > 0
    )
    out["kommunenummer_2024"] = _harmonise(out["kommunenummer"])
    return out


def write_statbank_csv(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    title: str,
    variable_labels: dict[str, str],
    decimals: int = 2,
) -> Path:
    """Write covariates in StatBank's Norwegian long CSV layout (semicolons, decimal
    comma, ``"0301 Oslo"`` labels, title as the value column's header).

    ``frame`` has ``kommunenummer``, ``name``, ``year`` and the columns named in
    ``variable_labels`` (column → SSB label). Missing values are written ``..``.

    Parameters
    ----------
    frame : DataFrame
        The covariates (columns described above).
    path : str or Path
        Target file.
    title : str
        The table title, written as the value column's header.
    variable_labels : dict of str to str
        Column → SSB variable label.
    decimals : int, default 2
        Decimals written for values that are not whole numbers.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    long = frame.melt(
        id_vars=["kommunenummer", "name", "year"],
        value_vars=list(variable_labels),
        var_name="variable",
        value_name="value",
    )
    long = long.sort_values(["kommunenummer", "variable", "year"], kind="stable")
    value = long["value"].astype("float64")
    is_int = (value.round() == value) | value.isna()
    text = value.map(lambda v: "" if pd.isna(v) else f"{v:.{decimals}f}".replace(".", ","))
    text = text.where(~is_int, value.round().astype("Int64").astype("str"))
    text = text.where(value.notna(), "..")
    out = pd.DataFrame(
        {
            "region": long["kommunenummer"] + " " + long["name"],
            "statistikkvariabel": long["variable"].map(variable_labels),
            "år": long["year"].astype("str"),
            title: text,
        }
    )
    body = out.to_csv(sep=";", index=False, quoting=1, lineterminator="\n")
    # numbers unquoted, as StatBank writes them
    body = re.sub(r'"(\.\.|-?\d+(?:,\d+)?)"\n', r"\1\n", body)
    path.write_text(f'"{title}"\n\n' + body, encoding="utf-8")
    return path

"""Published reference values, with their sources.

The studies' own numbers (and a few from public web pages about the same municipal
pages) are transcribed in ``kommunesm/data/published/`` with ``source`` and ``locator``
columns. In the files ``source`` is a BibTeX key of :mod:`kommunesm.references`
(``gambit2013``) or a URL; :func:`load` keeps the key in ``source_key`` and shows the
author–year citation in ``source``. Notebooks show these values *beside* what kommunesm
computes; they are the only numbers in the report not computed by kommunesm, and they
always carry their source.

Examples
--------
>>> from kommunesm.io import published
>>> facts = published.load("facts")
>>> row = published.fact("ialloffentlighet", "total_likers", table="jan2013")
>>> int(row["value_num"]), row["source"]
(155000, 'https://www.ialloffentlighet.no/hva-sier-fbkommunene/')
>>> row = published.fact("gambit2013", "survey_completed")
>>> row["source"], row["source_key"], row["locator"]
('Johnsen, Jørgensen & Aaneland (2013)', 'gambit2013', 'p.12 (2.3)')
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from kommunesm._resources import data_path
from kommunesm.references import source_label

__all__ = ["NAMES", "data_dir", "fact", "load"]

#: The reference tables shipped in ``kommunesm/data/published/``.
NAMES = (
    "facts",
    "gambit2013_top30",
    "gambit2013_metrics",
    "gambit2013_hypotheses",
    "ialloffentlighet_2015-04-13_likers",
)


def data_dir() -> Path:
    """Where the reference tables are: ``$KOMMUNESM_PUBLISHED_DIR`` or the package's
    embedded ``kommunesm/data/published``.

    Returns
    -------
    Path
        The folder of the published tables.
    """
    env = os.environ.get("KOMMUNESM_PUBLISHED_DIR")
    if env:
        return Path(env)
    return data_path("published")


def load(name: str) -> pd.DataFrame:
    """Load a published reference table with its provenance columns.

    ``source`` is what a reader sees: the author–year citation of the work
    (:func:`kommunesm.references.cite`) or the URL of a web page; ``source_key`` holds
    the BibTeX key (missing for URLs). For ``facts``, a numeric ``value_num`` column is
    added where ``value`` is a plain number (``">50"``, ``"4600+"`` and texts stay
    missing there; ``value`` is kept as written) and ``n_base`` is read as a nullable
    integer.

    Parameters
    ----------
    name : str
        One of :data:`NAMES`.

    Returns
    -------
    DataFrame
        The table as published, with its provenance columns.
    """
    if name not in NAMES:
        raise KeyError(f"unknown published table {name!r}; available: {', '.join(NAMES)}")
    path = data_dir() / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame = frame.replace({"": pd.NA})
    if "source" in frame.columns:
        is_url = frame["source"].str.contains("://", regex=False, na=True)
        frame.insert(
            frame.columns.get_loc("source") + 1, "source_key", frame["source"].mask(is_url)
        )
        frame["source"] = frame["source"].map(source_label)
    if name == "facts":
        frame["value_num"] = pd.to_numeric(frame["value"], errors="coerce")
        frame["n_base"] = pd.to_numeric(frame["n_base"], errors="coerce").astype("Int64")
    if name == "gambit2013_top30":
        frame["listed_position"] = frame["listed_position"].astype("int64")
        frame["in_hypothesis_test_top10"] = frame["in_hypothesis_test_top10"] == "True"
    if name == "ialloffentlighet_2015-04-13_likers":
        frame["rank"] = frame["rank"].astype("int64")
        frame["likers"] = frame["likers"].astype("int64")
    return frame


def fact(study: str, item: str, *, table: str | None = None) -> pd.Series:
    """One row of ``facts.csv`` (value, unit, n_base, source, locator, note).

    Raises KeyError naming the study and item when there is no such fact, or when it is
    ambiguous without ``table``.

    Parameters
    ----------
    study : str
        The study (``"gambit2013"``, ``"thesis2012"``, ``"ialloffentlighet"`` …).
    item : str
        The item within the study.
    table : str, optional
        The table within the study, where the item occurs in more than one.

    Returns
    -------
    Series
        The row: value, unit, n_base, source (author–year), source_key, locator, note.
    """
    facts = load("facts")
    hit = facts[(facts["study"] == study) & (facts["item"] == item)]
    if table is not None:
        hit = hit[hit["table"] == table]
    if len(hit) != 1:
        raise KeyError(f"{len(hit)} facts match study={study!r}, item={item!r}, table={table!r}")
    return hit.iloc[0]


def adoption_series(facts: pd.DataFrame, *, n_municipalities: int | None = None) -> pd.DataFrame:
    """Share of Norwegian municipalities with an official Facebook page, 2010-2015.

    Built from the published facts (``facts.csv``); every point keeps its source,
    locator, the date it refers to and how that date was read, and the definition the
    source used (they differ: Areca counted municipalities *using* Facebook, I all
    offentlighet counted *official* pages; BETA.KOMM asked about social media in
    general and is included as a separate series for context).

    Points (study / item):

    * ``areca2010 / municipalities_using_facebook`` - 32 %, Areca "Kommunale kanaler
      2010", reported 16 Dec 2010.
    * ``betakomm2011 / adopted_social_media`` - 58 % used *any* social medium, Q1 2011
      (KS BETA.KOMM, cited by Handelshøyskolen BI 2012, s. 2 and 23).
    * ``thesis2012 / municipalities_with_official_facebook_page_dec2011`` - 39 % in
      December 2011 (thesis p. 2, citing I all offentlighet).
    * ``ialloffentlighet / jan2013 / municipalities_with_page`` - 210 of 428 (post of
      5 Jan 2013).
    * ``ialloffentlighet / apr2015`` and ``dec2015 / municipalities_with_page`` - 335 and
      351 municipalities (posts of 14 Apr 2015 and 1 Dec 2015, the latter "as of 30 Oct
      2015").

    Counts are turned into shares with ``n_base`` when the fact has one, else with
    ``n_municipalities`` (default: the number of municipalities in
    :func:`kommunesm.registry.municipalities` for that year); a percentage written in
    the note ("78%") is reported beside it as ``published_percent``.

    Returns
    -------
    DataFrame
        date, share (percent), count, n, published_percent, series ("official page" /
        "uses Facebook" / "any social media"), study, table, item, date_basis, source,
        locator.
    """
    wanted = [
        ("areca2010", None, "municipalities_using_facebook", "uses Facebook"),
        ("betakomm2011", None, "adopted_social_media", "any social media"),
        ("thesis2012", None, "municipalities_with_official_facebook_page_dec2011", "official page"),
        ("ialloffentlighet", "jan2013", "municipalities_with_page", "official page"),
        ("ialloffentlighet", "apr2015", "municipalities_with_page", "official page"),
        ("ialloffentlighet", "dec2015", "municipalities_with_page", "official page"),
    ]
    rows = []
    for study, table, item, series in wanted:
        hit = facts[(facts["study"] == study) & (facts["item"] == item)]
        if table is not None:
            hit = hit[hit["table"] == table]
        if len(hit) != 1:
            continue
        rec = hit.iloc[0]
        date, basis = _reference_date(rec)
        value = pd.to_numeric(rec["value"], errors="coerce")
        published = _percent_in(rec.get("note"))
        if rec["unit"] == "percent":
            share, count, n = float(value), pd.NA, pd.NA
        else:
            n = rec["n_base"]
            if pd.isna(n):
                n = (
                    n_municipalities
                    if n_municipalities is not None
                    else _n_municipalities(date.year)
                )
            count = int(value)
            share = 100 * count / int(n)
        rows.append(
            {
                "date": date,
                "share": share,
                "count": count,
                "n": n,
                "published_percent": published if rec["unit"] != "percent" else float(value),
                "series": series,
                "study": study,
                "table": rec["table"],
                "item": item,
                "date_basis": basis,
                "source": rec["source"],
                "locator": rec["locator"],
            }
        )
    out = pd.DataFrame(rows)
    out["count"] = out["count"].astype("Int64")
    out["n"] = pd.to_numeric(out["n"]).astype("Int64")
    return out.sort_values("date", kind="stable").reset_index(drop=True)


_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "mai": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "okt": 10,
    "nov": 11,
    "dec": 12,
    "des": 12,
}


def _reference_date(rec: pd.Series) -> tuple[pd.Timestamp, str]:
    """The date a fact refers to, and which rule found it (documented order)."""
    note = str(rec.get("note") or "")
    m = re.search(r"as of (\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", note)
    if m and m.group(2).casefold() in _MONTHS:
        return (
            pd.Timestamp(int(m.group(3)), _MONTHS[m.group(2).casefold()], int(m.group(1))),
            "note: 'as of' date",
        )
    m = re.search(r"Q([1-4]) (\d{4})", note)
    if m:
        q = int(m.group(1))
        return pd.Timestamp(int(m.group(2)), 3 * q - 1, 15), "note: quarter (mid-quarter)"
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", str(rec.get("locator") or ""))
    if m:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3))), "locator: post date"
    m = re.search(r"([a-z]{3})(\d{4})$", str(rec.get("item") or ""))
    if m and m.group(1) in _MONTHS:
        return pd.Timestamp(
            int(m.group(2)), _MONTHS[m.group(1)], 15
        ), "item name: month (mid-month)"
    m = re.search(r"/(\d{4})/(\d{2})/(\d{2})/", str(rec.get("source") or ""))
    if m:
        return pd.Timestamp(
            int(m.group(1)), int(m.group(2)), int(m.group(3))
        ), "source URL: publication date"
    m = re.search(r"(\d{4})", str(rec.get("study") or ""))
    if m:
        return pd.Timestamp(int(m.group(1)), 7, 1), "study year (mid-year)"
    raise ValueError(f"no date for fact {rec.get('study')}/{rec.get('item')}")


def _percent_in(note: object) -> float:
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*%", str(note or ""))
    return float(m.group(1).replace(",", ".")) if m else np.nan


def _n_municipalities(year: int) -> int:
    from kommunesm import registry

    return len(registry.municipalities(year))

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
from pathlib import Path

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
    embedded ``kommunesm/data/published``."""
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
    frame.attrs["source_file"] = str(path)
    return frame


def fact(study: str, item: str, *, table: str | None = None) -> pd.Series:
    """One row of ``facts.csv`` (value, unit, n_base, source, locator, note).

    Raises KeyError naming the study and item when there is no such fact, or when it is
    ambiguous without ``table``.
    """
    facts = load("facts")
    hit = facts[(facts["study"] == study) & (facts["item"] == item)]
    if table is not None:
        hit = hit[hit["table"] == table]
    if len(hit) != 1:
        raise KeyError(f"{len(hit)} facts match study={study!r}, item={item!r}, table={table!r}")
    return hit.iloc[0]

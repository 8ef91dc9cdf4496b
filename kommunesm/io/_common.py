"""Small helpers shared by the format modules (not public API)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kommunesm import _docs
from kommunesm.io import tabular

#: Documentation shared by the format modules: ``{sniff}`` (a ``sniff_*`` function's
#: parameter and result) and ``{load_result}`` (a reader's Returns section).
shared_docs = _docs.filler(
    {
        "sniff": """Parameters
----------
path : Path
    The file to look at.

Returns
-------
bool
    True if the file looks like this format.""",
        "load_result": """Returns
-------
LoadResult
    The canonical rows kept and the rows quarantined, each with a reason
    (rows in = kept + quarantined).""",
    }
)


def header_keys(fmt: str, table: str) -> set[str]:
    """Normalised alias names of a format's table, for finding the header row."""
    return set(tabular.aliases(fmt, table)["key"])


def slug(text: str) -> str:
    """A file-name-like id from a display name or path stem."""
    value = re.sub(r"[^0-9A-Za-z_-]+", "_", str(text)).strip("_")
    return value or "page"


def default_page_id(path: str | Path) -> str:
    """Page id used when an export does not name its page: the file's stem."""
    return slug(Path(path).stem)


def row_ids(prefix: str, rows: pd.Series) -> pd.Series:
    """Ids made from the source row numbers (for exports without an id column)."""
    return prefix + ":row" + rows.astype("int64").astype("str")

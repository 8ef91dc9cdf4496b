"""Where the data shipped inside the package are (``kommunesm/data/``).

The demo panel, the published reference tables, the municipality registers and the
external real data sets are package data, read with :mod:`importlib.resources`, so that
an installed wheel finds them wherever it is installed (no repository checkout needed).
:mod:`kommunesm.datasets` is the public way to load them.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["data_path"]


def data_path(*parts: str) -> Path:
    """Path of ``kommunesm/data/<parts...>`` in the installed package.

    Raises
    ------
    FileNotFoundError
        If the package is not installed as files on disk (a zip import), where the
        embedded data cannot be read as a directory.
    """
    root = files("kommunesm").joinpath("data")
    if not isinstance(root, Path):
        raise FileNotFoundError(
            f"kommunesm's embedded data are not on disk ({root!r}); install kommunesm "
            "as a regular (unzipped) package"
        )
    return root.joinpath(*parts)

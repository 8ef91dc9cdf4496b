"""Reading data: exports of every format into the canonical tables, data folders, ingest.

Entry points (also on the front door, ``ksm.read_file`` …): :func:`read_file` (one
export, format detected), :func:`read_dataset` and :class:`Dataset` (a folder of
exports), :func:`read_survey`. The modules, imported on first use
(``kommunesm.io.detect``):

* :mod:`~kommunesm.io.detect` — the table of formats and format detection;
* :mod:`~kommunesm.io.tabular` — messy CSV/XLSX reading, :class:`LoadResult`;
* :mod:`~kommunesm.io.dataset`, :mod:`~kommunesm.io.ingest`, :mod:`~kommunesm.io.cache`,
  :mod:`~kommunesm.io.canonical` — data folders, Parquet ingest, the build cache;
* :mod:`~kommunesm.io.privacy` — pseudonymisation and scrubbing;
* one module per source: ``facebook_insights``, ``crowdtangle``, ``socialbakers``,
  ``facebook_graph``, ``meta_content_library``, ``page_insights``, ``instagram``,
  ``x_account``, ``twitter``, ``tiktok``, ``youtube``, ``survey``, ``ssb``,
  ``comment_volume``; and ``published`` (the studies' reference values).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "read_file": "kommunesm.io.detect",
    "read_dataset": "kommunesm.io.dataset",
    "Dataset": "kommunesm.io.dataset",
    "read_survey": "kommunesm.io.survey",
    "LoadResult": "kommunesm.io.tabular",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    try:
        return import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None

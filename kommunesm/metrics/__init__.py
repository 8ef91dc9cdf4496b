"""Page-level metrics of municipal social-media pages.

* :mod:`~kommunesm.metrics.engagement` — interactions, engagement-rate variants, Bonsón's
  P/C/V/E indices;
* :mod:`~kommunesm.metrics.quality` — the thesis' quality indicator (followers /
  talking about) and per-capita shares;
* :mod:`~kommunesm.metrics.response` — citizen questions, first page reply, response
  times, answered within 24 working hours (H2), the same working day and within a few
  office hours (KS Veikart);
* :mod:`~kommunesm.metrics.activity` — posts per week, share of active weeks;
* :mod:`~kommunesm.metrics.wall` — citizens' wall posts (visitor posts), open walls,
  citizen-initiated threads;
* :func:`page_table` — one row per page with the ten Johnsen, Jørgensen & Aaneland (2013) metrics, the
  input of :func:`kommunesm.ranking.gambit_points`.

Each function's docstring gives its definition and cites its source (author–year;
the entries are in ``references/references.bib``).
"""

from kommunesm.metrics import activity, engagement, quality, response, wall
from kommunesm.metrics.columns import (
    COLUMN_DEFINITIONS,
    ENGAGEMENT_VARIANTS,
    EXTRA_COLUMNS,
    GAMBIT_METRICS,
    describe_columns,
)
from kommunesm.metrics.table import page_table

__all__ = [
    "COLUMN_DEFINITIONS",
    "ENGAGEMENT_VARIANTS",
    "EXTRA_COLUMNS",
    "GAMBIT_METRICS",
    "activity",
    "describe_columns",
    "engagement",
    "page_table",
    "quality",
    "response",
    "wall",
]

"""kommunesm — reproduce and extend the Norwegian studies of municipal social media.

The package is organised by what each part may do:

* :mod:`kommunesm.io` reads source formats into the canonical tables of
  :mod:`kommunesm.schema` (and pseudonymises people on the way in);
* :mod:`kommunesm.registry` knows the municipalities (SSB codes 1994–2024);
* :mod:`kommunesm.metrics`, :mod:`kommunesm.ranking`, :mod:`kommunesm.participation`,
  :mod:`kommunesm.hypotheses` and :mod:`kommunesm.stats` compute (pure functions);
* :mod:`kommunesm.plots` draws, :mod:`kommunesm.report` renders notebooks to HTML;
* :mod:`kommunesm.demo` generates the synthetic demo panel.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kommunesm")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.1.0+unknown"

__all__ = ["__version__"]

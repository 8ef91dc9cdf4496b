"""Settings shared by the tests and the docstring examples (``--doctest-modules``)."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("KOMMUNESM_SALT", "test-salt-not-secret")

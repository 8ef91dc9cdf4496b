"""Number and p-value wording shared by the ``describe_*`` sentences of :mod:`kommunesm.stats`."""

from __future__ import annotations

import numpy as np


def _strength(r: float) -> str:
    a = abs(r)
    if a < 0.1:
        return "negligible"
    if a < 0.3:
        return "weak"
    if a < 0.5:
        return "moderate"
    if a < 0.7:
        return "strong"
    return "very strong"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _p_eq(p: float) -> str:
    """``"p < 0.001"`` or ``"p = 0.02"``."""
    text = _fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _fmt_p(p: float) -> str:
    if p is None or not np.isfinite(p):
        return "n/a"
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def _pct_change(ratio: float) -> str:
    change = 100 * (ratio - 1)
    word = "more" if change >= 0 else "fewer"
    return f"{abs(change):.1f} % {word}"

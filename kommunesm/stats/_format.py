"""Wording shared by the English ``describe_*`` sentences of :mod:`kommunesm.stats`.

Numbers and p-values are formatted by :mod:`kommunesm.narrate` (the one formatter);
the sentences are English, so their numbers use the English locale.
"""

from __future__ import annotations

from kommunesm import narrate


def _pct_change(ratio: float) -> str:
    """``"5.2% more"`` / ``"3.0% fewer"`` for a ratio of 1.052 / 0.97."""
    change = ratio - 1
    word = "more" if change >= 0 else "fewer"
    return f"{narrate.percent(abs(change), 1, lang='en')} {word}"

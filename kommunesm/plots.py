"""Figures in one house style.

Every figure kommunesm draws goes through this module so that the report looks like
one document: seaborn's ``whitegrid`` theme, one palette, Norwegian axis labels with
an English caption under the figure, and — for the synthetic demo panel — a title
that says so (:func:`title`). :func:`save` writes each figure as PNG and SVG beside the
HTML report.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from kommunesm import plots
>>> plots.title("Følgere per side", synthetic=True)
'Følgere per side (syntetiske demodata / synthetic demo data)'
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt
import seaborn as sns

__all__ = ["PALETTE", "SYNTHETIC_LABEL", "caption", "save", "set_style", "title"]

#: The house palette (colour-blind safe).
PALETTE = "colorblind"
#: Added to titles of figures and tables built from the synthetic demo panel.
SYNTHETIC_LABEL = "syntetiske demodata / synthetic demo data"


def set_style() -> None:
    """Apply the house style (call once per notebook; :func:`title` and :func:`save`
    work without it)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update(
        {
            "figure.figsize": (8, 4.5),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "svg.hashsalt": "kommunesm",
            "svg.fonttype": "none",
        }
    )


def title(text: str, *, synthetic: bool) -> str:
    """A figure or table title; for synthetic data it says so."""
    return f"{text} ({SYNTHETIC_LABEL})" if synthetic else text


def caption(text_en: str, *, synthetic: bool = False) -> str:
    """An English caption (Markdown) to show under a figure with Norwegian labels."""
    note = " Built from the **synthetic** demo panel: not real municipalities." if synthetic else ""
    return f"*Figure: {text_en}*{note}"


def save(fig: plt.Figure, name: str, out_dir: str | Path | None) -> dict[str, Path]:
    """Save ``fig`` as ``<out_dir>/figures/<name>.png`` and ``.svg``; returns the paths.

    With ``out_dir=None`` nothing is written (interactive use).
    """
    if out_dir is None:
        return {}
    folder = Path(out_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for ext in ("png", "svg"):
        path = folder / f"{name}.{ext}"
        metadata = {"Date": None} if ext == "svg" else {"Software": None}
        fig.savefig(path, format=ext, metadata=metadata)
        paths[ext] = path
    return paths

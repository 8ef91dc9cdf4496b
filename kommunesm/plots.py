"""Figures in one house style.

Every figure kommunesm draws goes through this module so that the report looks like
one document: seaborn's ``whitegrid`` theme, one palette, and — for the synthetic demo
panel — a title that says so (:func:`title`). Every axis label, title, legend and note
is a bokmål message of the catalogue (:mod:`kommunesm.narrate`), so a figure is drawn in
the report language; numbers on axes and in annotations are formatted by locale
(:func:`localise`, called by :func:`save`). :func:`save` writes each figure as PNG and
SVG beside the HTML report.

Every plot function follows seaborn's convention: ``f(data, *, <columns and options>,
synthetic=False, ax=None)`` takes its table as ``data`` (everything else by keyword) and
returns the :class:`~matplotlib.axes.Axes` it drew on (``residual_plots``: its 2×2 array
of Axes). The parameters they share are documented once, in ``plots._core_docs``.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from kommunesm import plots
>>> plots.title("Følgere per side", synthetic=True)
'Følgere per side (syntetiske demodata)'
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from kommunesm import _docs, narrate
from kommunesm.narrate import N_, gettext

__all__ = [
    "PALETTE",
    "SYNTHETIC_LABEL",
    "annual_growth",
    "annual_scatter",
    "annual_top_slope",
    "ADOPTION_LABELS",
    "adoption_plot",
    "caption",
    "coverage_bar",
    "dot_ci",
    "figure6_bars",
    "hypothesis_intervals",
    "hypothesis_matrix",
    "list_size_sensitivity_plot",
    "localise",
    "loglog_scatter",
    "platform_boxes",
    "platform_pair_scatter",
    "rank_agreement_heatmap",
    "rank_intervals",
    "ladder_profile",
    "lorenz_curves",
    "residual_plots",
    "figure_of",
    "save",
    "set_style",
    "title",
]

#: The house palette (colour-blind safe).
PALETTE = "colorblind"
#: Added to titles of figures and tables built from the synthetic demo panel.
SYNTHETIC_LABEL = N_("syntetiske demodata")


#: The parameter documentation every plot function shares (seaborn's ``_core_docs``):
#: a line ``{name}`` in a plot docstring is replaced by the entry ``name``.
_core_docs = {
    "title_text": """title_text : str
    Title (Norwegian); empty for none.""",
    "synthetic": """synthetic : bool, default False
    Whether the data are synthetic; the title then says so.""",
    "ax": """ax : matplotlib.axes.Axes, optional
    Axes to draw on; default: a new figure.""",
    "labels": """labels : Series, optional
    Display names by page (default: the page ids in the index).""",
    "returns_ax": """Returns
-------
matplotlib.axes.Axes
    The Axes drawn on.""",
}


_share_docs = _docs.filler(_core_docs)


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
    _register_png_display()


def _register_png_display() -> None:
    """Let ``display(fig)`` show a PNG in a notebook even under the Agg backend (the
    report build sets ``MPLBACKEND=Agg``, which registers no figure formatter)."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # pragma: no cover - IPython is a dependency of the report
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        select_figure_formats(shell, {"png"}, bbox_inches="tight")


def title(text: str, *, synthetic: bool) -> str:
    """A figure or table title; for synthetic data it says so.

    Parameters
    ----------
    text : str
        The title, already in the report language.
    synthetic : bool
        Whether the data are synthetic.

    Returns
    -------
    str
        The title, marked as synthetic (in the report language) where it is.
    """
    return f"{text} ({gettext(SYNTHETIC_LABEL)})" if synthetic and text else text


def _tr(text: str | None) -> str:
    """A bokmål label passed by the caller, in the report language ('' stays '')."""
    return gettext(text) if text else ""


def caption(text: str, *, synthetic: bool = False) -> str:
    """A caption (Markdown) to show under a figure, in the report language.

    Parameters
    ----------
    text : str
        The caption (bokmål message id; translated).
    synthetic : bool, default False
        Whether the data are synthetic; the caption then says so.

    Returns
    -------
    str
        Markdown; for synthetic data it says so.
    """
    note = (
        " " + gettext("Laget av de **syntetiske** demodataene: ingen virkelige kommuner.")
        if synthetic
        else ""
    )
    return f"*{gettext('Figur')}: {gettext(text)}*{note}"


def figure_of(plot: plt.Figure | Axes | np.ndarray) -> plt.Figure:
    """The Figure a plot function drew on (plot functions return their Axes).

    Parameters
    ----------
    plot : Figure, Axes or numpy.ndarray of Axes
        What a plot function returned, or a Figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    if isinstance(plot, np.ndarray):
        plot = plot.flat[0]
    return plot if isinstance(plot, plt.Figure) else plot.figure


def _tick_decimals(locs: np.ndarray) -> int:
    """The fewest decimals (at most 6) that write every tick value exactly."""
    locs = locs[np.isfinite(locs)]
    if not len(locs):
        return 0
    tolerance = 1e-9 * max(1.0, float(np.abs(locs).max()))
    for d in range(7):
        if np.allclose(np.round(locs, d), locs, rtol=0, atol=tolerance):
            return d
    return 6


def localise(fig: plt.Figure) -> plt.Figure:
    """Write the numbers on the linear axes of ``fig`` by locale (decimal comma and
    thin-space thousands in bokmål) with :func:`kommunesm.narrate.number`, as many
    decimals as the tick spacing needs; axes with their own formatter are left alone.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.

    Returns
    -------
    matplotlib.figure.Figure
        The same figure.
    """
    from matplotlib import ticker

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "linear":
                continue
            if not isinstance(axis.get_major_formatter(), ticker.ScalarFormatter):
                continue
            decimals = _tick_decimals(np.asarray(axis.get_majorticklocs(), dtype="float64"))
            axis.set_major_formatter(
                ticker.FuncFormatter(lambda v, _pos, d=decimals: narrate.number(v, d))
            )
    return fig


def save(
    plot: plt.Figure | Axes | np.ndarray, name: str, out_dir: str | Path | None
) -> dict[str, Path]:
    """Save a plot as ``<out_dir>/figures/<name>.png`` and ``.svg``; returns the paths.

    With ``out_dir=None`` nothing is written (interactive use).

    Parameters
    ----------
    plot : Figure, Axes or numpy.ndarray of Axes
        What a plot function returned (its Axes), or a Figure.
    name : str
        File name without extension.
    out_dir : str or Path or None
        Output directory (``figures/`` is created in it); None writes nothing.

    Returns
    -------
    dict of str to Path
        ``{"png": path, "svg": path}``; empty when nothing was written.
    """
    fig = localise(figure_of(plot))
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


# --------------------------------------------------------------------------- annual (07)
_ANNUAL_LABELS = {
    "followers": N_("Følgere"),
    "interactions": N_("Interaksjoner"),
    "engagement_rate": N_("Engasjementsgrad (%)"),
    "people_talking_about": N_("Snakker om dette"),
    "page_posts": N_("Innlegg fra siden"),
    "questions_answered": N_("Besvarte spørsmål"),
    "avg_response_time_minutes": N_("Gj.sn. svartid (min)"),
}


@_share_docs
def annual_growth(
    data: pd.DataFrame,
    *,
    previous_year: int,
    year: int,
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Median growth per metric with its bootstrap CI (:func:`kommunesm.annual.growth_summary`).

    Bars right of zero are increases; for response time a decrease is the improvement.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.annual.growth_summary`.
    previous_year, year : int
        The two years compared.
    {synthetic}
    {ax}

    {returns_ax}
    """
    data = data.dropna(subset=["median_growth_pct"])
    labels = [gettext(_ANNUAL_LABELS[m]) if m in _ANNUAL_LABELS else m for m in data.index]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * max(len(data), 3) + 1.2))
    y = np.arange(len(data))
    colours = sns.color_palette(PALETTE, 2)
    ax.barh(y, data["median_growth_pct"], color=colours[0], alpha=0.85)
    err = np.vstack(
        [
            (data["median_growth_pct"] - data["ci_low"]).clip(lower=0),
            (data["ci_high"] - data["median_growth_pct"]).clip(lower=0),
        ]
    )
    ax.errorbar(data["median_growth_pct"], y, xerr=err, fmt="none", ecolor="black", capsize=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(
        gettext(
            "Median endring per kommune {previous}→{year} (%), 95 % KI",
            previous=previous_year,
            year=year,
        )
    )
    ax.set_title(
        title(
            gettext("Endring fra {previous} til {year}", previous=previous_year, year=year),
            synthetic=synthetic,
        )
    )
    return ax


@_share_docs
def annual_scatter(
    data: pd.DataFrame,
    *,
    metric: str,
    previous_year: int,
    year: int,
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Each municipality's value in two years (log–log), with the no-change diagonal.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.annual.growth` (one row per unit and metric).
    metric : str
        The metric drawn.
    previous_year, year : int
        The two years compared.
    {synthetic}
    {ax}

    {returns_ax}
    """
    data = data[data["metric"] == metric].dropna(subset=["previous", "current"])
    data = data[(data["previous"] > 0) & (data["current"] > 0)]
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.scatter(data["previous"], data["current"], s=14, alpha=0.6)
    if len(data):
        lo = float(min(data["previous"].min(), data["current"].min()))
        hi = float(max(data["previous"].max(), data["current"].max()))
        ax.plot([lo, hi], [lo, hi], color="black", linewidth=0.8, linestyle="--")
    ax.set_xscale("log")
    ax.set_yscale("log")
    label = gettext(_ANNUAL_LABELS[metric]) if metric in _ANNUAL_LABELS else metric
    ax.set_xlabel(f"{label} {previous_year}")
    ax.set_ylabel(f"{label} {year}")
    ax.set_title(
        title(
            gettext(
                "{label}: {previous} mot {year}", label=label, previous=previous_year, year=year
            ),
            synthetic=synthetic,
        )
    )
    return ax


@_share_docs
def annual_top_slope(
    data: pd.DataFrame,
    *,
    previous_year: int,
    year: int,
    top_n: int,
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Slope graph of Top-N places in two years (:func:`kommunesm.annual.top_changes`);
    units outside the list in a year are drawn just below it.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.annual.top_changes`.
    previous_year, year : int
        The two years compared.
    top_n : int
        N of the Top-N.
    {synthetic}
    {ax}

    {returns_ax}
    """
    top = data
    outside = top_n + 2
    prev = top["rank_previous"].astype("float64").fillna(outside).clip(upper=outside)
    curr = top["rank_current"].astype("float64").fillna(outside).clip(upper=outside)
    colours = dict(zip(("stayed", "entered", "left"), sns.color_palette(PALETTE, 3), strict=True))
    if ax is None:
        _, ax = plt.subplots(figsize=(6, min(9, max(5, 0.15 * len(top) + 2))))
    for unit in top.index:
        status = top.at[unit, "status"]
        ax.plot([0, 1], [prev[unit], curr[unit]], color=colours[status], alpha=0.8, marker="o")
    ax.axhline(top_n + 1, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlim(-0.3, 1.3)
    ax.set_ylim(outside + 1, 0)
    ax.set_xticks([0, 1], [str(previous_year), str(year)])
    ax.set_ylabel(gettext("Plass (utenfor topp {n} nederst)", n=top_n))
    handles = [plt.Line2D([], [], color=c, marker="o", label=k) for k, c in colours.items()]
    ax.legend(
        handles=handles,
        labels=[gettext("ble"), gettext("kom inn"), gettext("falt ut")],
        loc="lower center",
        ncol=3,
        frameon=False,
        bbox_to_anchor=(0.5, -0.1),
    )
    ax.set_title(
        title(
            gettext("Topp {n}: {previous} og {year}", n=top_n, previous=previous_year, year=year),
            synthetic=synthetic,
        )
    )
    return ax


# --------------------------------------------------------------------------- survey, models, coverage
@_share_docs
def dot_ci(
    data: pd.DataFrame,
    *,
    label: str = "item",
    estimate: str = "percent",
    low: str = "ci_low",
    high: str = "ci_high",
    flag: str | None = None,
    flag_label: str = N_("flagget"),
    title_text: str = "",
    xlabel: str = N_("Prosent"),
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Dot plot of estimates with confidence intervals, one row per item (e.g. the Gambit
    survey percentages with Wilson CIs from :func:`kommunesm.stats.published_proportions`).

    Rows with a missing estimate are left out; rows where ``flag`` is True are drawn
    with an open marker and listed in the legend as ``flag_label``.

    Parameters
    ----------
    data : DataFrame
        One row per item.
    label, estimate, low, high : str
        Columns of the item label, the estimate and the interval bounds.
    flag : str, optional
        Boolean column of rows to draw with an open marker.
    flag_label : str, default 'flagget'
        Legend text of the flagged rows.
    {title_text}
    xlabel : str, default 'Prosent'
        Label of the x axis.
    {synthetic}
    {ax}

    {returns_ax}
    """
    data = data.dropna(subset=[estimate]).reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(3, 0.38 * len(data) + 1.2)))
    colours = sns.color_palette(PALETTE, 2)
    y = np.arange(len(data))[::-1]
    flagged = (
        data[flag].fillna(False).astype(bool).to_numpy()
        if flag
        else np.zeros(len(data), dtype=bool)
    )
    err = np.vstack([data[estimate] - data[low], data[high] - data[estimate]]).astype("float64")
    ax.errorbar(data[estimate], y, xerr=err, fmt="none", ecolor="grey", elinewidth=1.5, capsize=3)
    ax.scatter(
        data.loc[~flagged, estimate],
        y[~flagged],
        color=colours[0],
        zorder=3,
        s=40,
        label=gettext("konsistent") if flag else None,
    )
    if flagged.any():
        ax.scatter(
            data.loc[flagged, estimate],
            y[flagged],
            facecolor="white",
            edgecolor=colours[1],
            linewidth=2,
            zorder=3,
            s=50,
            label=_tr(flag_label),
        )
    ax.set_yticks(y, data[label].astype("str"))
    ax.set_xlim(0, 100)
    ax.set_xlabel(_tr(xlabel))
    if flag:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False, fontsize=8)
    ax.set_title(title(_tr(title_text), synthetic=synthetic))
    return ax


#: Legend labels (bokmål, translated when drawn) of the adoption series' definitions.
ADOPTION_LABELS = {
    "official page": N_("offisiell Facebook-side"),
    "uses Facebook": N_("bruker Facebook"),
    "any social media": N_("sosiale medier (alle typer)"),
}


@_share_docs
def adoption_plot(
    data: pd.DataFrame, *, title_text: str = "", synthetic: bool = False, ax: Axes | None = None
) -> Axes:
    """Time series of the share of municipalities on Facebook
    (:func:`kommunesm.io.published.adoption_series`), one marker style per definition (legend in
    Norwegian, :data:`ADOPTION_LABELS`), each point labelled with its value and source.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.io.published.adoption_series`.
    {title_text}
    {synthetic}
    {ax}

    {returns_ax}
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    series = data
    kinds = list(pd.unique(series["series"]))
    colours = dict(zip(kinds, sns.color_palette(PALETTE, len(kinds)), strict=True))
    markers = dict(zip(kinds, ["o", "s", "^", "D"][: len(kinds)], strict=True))
    for kind in kinds:
        part = series[series["series"] == kind].sort_values("date")
        ax.plot(
            part["date"],
            part["share"],
            marker=markers[kind],
            color=colours[kind],
            linestyle="-" if len(part) > 1 else "none",
            label=gettext(ADOPTION_LABELS[kind]) if kind in ADOPTION_LABELS else kind,
        )
        for rec in part.itertuples(index=False):
            ax.annotate(
                f"{narrate.percent(rec.share / 100, 0)}\n{rec.study}",
                (rec.date, rec.share),
                textcoords="offset points",
                xytext=(0, 8),
                ha="center",
                fontsize=7,
            )
    ax.set_ylim(0, 100)
    ax.set_ylabel(gettext("Andel kommuner (%)"))
    ax.set_xlabel("")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title(_tr(title_text), synthetic=synthetic))
    return ax


@_share_docs
def residual_plots(
    data: pd.DataFrame,
    *,
    title_text: str = "",
    log_fitted: bool = False,
    synthetic: bool = False,
    max_points: int = 3000,
    seed: int = 0,
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """Four residual panels of :func:`kommunesm.stats.residual_data`: residuals vs fitted,
    normal Q-Q, scale-location, and residuals vs leverage (or a histogram when the model
    has no leverage).

    With more than ``max_points`` observations the scatter panels show a seeded random
    sample of them and the Q-Q panel evenly spaced order statistics (the title says so);
    the histogram uses all of them.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.stats.residual_data`.
    {title_text}
    log_fitted : bool, default False
        Fitted values on a log axis.
    {synthetic}
    max_points : int, default 3000
        Largest number of points drawn in the scatter panels.
    seed : int, default 0
        Seed of the sample drawn when there are more points.
    axes : numpy.ndarray, optional
        A 2×2 array of Axes to draw on; default: a new figure.

    Returns
    -------
    numpy.ndarray
        The 2×2 array of Axes drawn on.
    """
    full = diag = data
    n = len(full)
    if n > max_points:
        diag = full.sample(max_points, random_state=seed)
        order = np.argsort(full["qq_theoretical"].to_numpy(), kind="stable")
        qq = full.iloc[order[np.linspace(0, n - 1, max_points).round().astype(int)]]
    else:
        qq = full
    if axes is None:
        _, axes = plt.subplots(2, 2, figsize=(9, 7))
    fig = axes.flat[0].figure
    alpha = 0.6 if len(diag) < 500 else 0.2
    size = 14 if len(diag) < 500 else 5
    fitted = diag["fitted"]
    kw = {"s": size, "alpha": alpha, "rasterized": len(diag) > 2000}
    ax = axes[0, 0]
    ax.scatter(fitted, diag["std_resid"], **kw)
    ax.axhline(0, color="grey", linewidth=1)
    ax.set(
        xlabel=gettext("Predikert verdi"),
        ylabel=gettext("Std. residual"),
        title=gettext("Residual mot predikert"),
    )
    if log_fitted:
        ax.set_xscale("log")
    ax = axes[0, 1]
    ax.scatter(qq["qq_theoretical"], qq["qq_sample"], **kw)
    lim = [float(qq["qq_theoretical"].min()), float(qq["qq_theoretical"].max())]
    ax.plot(lim, lim, color="grey", linewidth=1)
    qq_kind = N_("Kvantilresidual") if "quantile_resid" in diag.columns else N_("Std. residual")
    ax.set(
        xlabel=gettext("Teoretisk kvantil N(0,1)"),
        ylabel=gettext(qq_kind),
        title=gettext("Normal Q-Q"),
    )
    ax = axes[1, 0]
    ax.scatter(fitted, np.sqrt(np.abs(diag["std_resid"])), **kw)
    ax.set(
        xlabel=gettext("Predikert verdi"),
        ylabel=gettext("√|std. residual|"),
        title=gettext("Skala-lokasjon"),
    )
    if log_fitted:
        ax.set_xscale("log")
    ax = axes[1, 1]
    if "leverage" in diag.columns and diag["leverage"].notna().any():
        ax.scatter(diag["leverage"], diag["std_resid"], **kw)
        ax.axhline(0, color="grey", linewidth=1)
        ax.set(
            xlabel=gettext("Innflytelse (leverage)"),
            ylabel=gettext("Std. residual"),
            title=gettext("Residual mot leverage"),
        )
    else:
        ax.hist(full["std_resid"].clip(-6, 6), bins=40, color=sns.color_palette(PALETTE, 1)[0])
        ax.set(
            xlabel=gettext("Std. residual (avkuttet ved ±6)"),
            ylabel=gettext("Antall"),
            title=gettext("Fordeling"),
        )
    sampled = (
        "\n"
        + gettext("(utvalg {k} av {n} punkter)", k=narrate.integer(len(diag)), n=narrate.integer(n))
        if n > len(diag)
        else ""
    )
    fig.suptitle(title(_tr(title_text) + sampled, synthetic=synthetic), fontweight="bold")
    fig.tight_layout()
    return axes


@_share_docs
def coverage_bar(
    data: pd.DataFrame, *, title_text: str = "", synthetic: bool = False, ax: Axes | None = None
) -> Axes:
    """Horizontal bars: share of each county's municipalities with a page
    (:func:`kommunesm.stats.coverage_by_county`), annotated "with page / municipalities".

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.stats.coverage_by_county`.
    {title_text}
    {synthetic}
    {ax}

    {returns_ax}
    """
    coverage = data
    data = coverage[coverage["municipalities"] > 0]
    data = data[data["county"] != "Hele landet"].sort_values("share", kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(4, 0.32 * len(data) + 1)))
    colour = sns.color_palette(PALETTE, 1)[0]
    ax.barh(data["county"], data["share"], color=colour)
    for y, rec in enumerate(data.itertuples(index=False)):
        ax.text(
            rec.share + 1,
            y,
            f"{narrate.integer(rec.with_page)}/{narrate.integer(rec.municipalities)}",
            va="center",
            fontsize=8,
        )
    total = coverage[coverage["county"] == "Hele landet"]
    if len(total):
        ax.axvline(float(total["share"].iloc[0]), color="grey", linestyle=":", linewidth=1)
    ax.set_xlim(0, 110)
    ax.set_xlabel(gettext("Andel kommuner med side (%)"))
    ax.set_ylabel("")
    ax.set_title(title(_tr(title_text), synthetic=synthetic))
    return ax


# --------------------------------------------------------------------------- participation (03)
@_share_docs
def ladder_profile(
    data: pd.DataFrame,
    *,
    rule: pd.Series | dict | None = None,
    title_text: str = N_("Deltakelsesprofil"),
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of a participation profile (:func:`kommunesm.participation.profile`),
    highest rung on top, one colour per community, each bar annotated "n (x %)".

    ``rule`` (level → expected share, e.g. 90-9-1 for a Nielsen profile) adds a black
    marker per level at the share the rule predicts.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.participation.profile`.
    rule : Series or dict, optional
        Level → expected share, drawn as markers.
    {title_text}
    {synthetic}
    {ax}

    {returns_ax}
    """
    profile = data
    communities = list(dict.fromkeys(profile["community"]))
    english = narrate.get_language() == "en" and "label_en" in profile.columns
    order = (
        profile.drop_duplicates("level")
        .sort_values("rank", ascending=False, kind="stable")[
            ["level", "label_en" if english else "label_no"]
        ]
        .reset_index(drop=True)
    )
    k, m = len(order), len(communities)
    height = 0.8 / max(m, 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(2.8, 0.45 * k * max(1, m * 0.8) + 1.4)))
    fig = ax.figure
    colours = sns.color_palette(PALETTE, max(m, 1))
    y_base = np.arange(k)[::-1].astype(float)
    expected = None
    if rule is not None:
        expected = pd.Series(rule, dtype="float64").reindex(order["level"]).to_numpy() * 100
        ok = np.isfinite(expected)
        ax.vlines(
            expected[ok],
            y_base[ok] - 0.45,
            y_base[ok] + 0.45,
            color="black",
            linewidth=2.5,
            zorder=3,
            label=gettext("90-9-1-regelen"),
        )
    for j, com in enumerate(communities):
        part = profile[profile["community"] == com].set_index("level").reindex(order["level"])
        y = y_base + (m - 1 - 2 * j) * height / 2
        shares = part["share"].fillna(0).to_numpy() * 100
        ax.barh(y, shares, height=height * 0.95, color=colours[j], label=str(com))
        right = shares if expected is None else np.fmax(shares, np.nan_to_num(expected))
        counts = part["actors"].fillna(0).astype(int)
        for yy, x, sh, n in zip(y, right, shares, counts, strict=True):
            label = f"{narrate.integer(n)} ({narrate.percent(sh / 100, 1)})"
            ax.text(x + 1.2, yy, label, va="center", fontsize=8)
    ax.set_yticks(y_base, order["label_en" if english else "label_no"])
    ax.set_xlim(0, 115)
    ax.set_xlabel(gettext("Andel av deltakerne (%)"))
    ax.set_title(title(_tr(title_text), synthetic=synthetic), fontsize=11)
    if m > 1 or rule is not None:
        ax.legend(loc="upper right", fontsize=8, frameon=True)
    fig.tight_layout()
    return ax


@_share_docs
def lorenz_curves(
    data: pd.DataFrame,
    *,
    summary: pd.DataFrame | None = None,
    title_text: str = N_("Lorenzkurver"),
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Lorenz curves of activity (:func:`kommunesm.participation.concentration`): cumulative
    share of actors (least active first) against their cumulative share of actions, with
    the line of equality; the legend gives each community's Gini from ``summary``.

    Parameters
    ----------
    data : DataFrame
        The Lorenz points of :func:`kommunesm.participation.concentration`.
    summary : DataFrame, optional
        Its summary, for each community's Gini in the legend.
    {title_text}
    {synthetic}
    {ax}

    {returns_ax}
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    fig = ax.figure
    lorenz = data
    communities = list(dict.fromkeys(lorenz["community"]))
    colours = sns.color_palette(PALETTE, max(len(communities), 1))
    gini = summary.set_index("community")["gini"] if summary is not None else pd.Series(dtype=float)
    for colour, com in zip(colours, communities, strict=False):
        part = lorenz[lorenz["community"] == com]
        label = f"{com} (Gini {narrate.number(gini[com], 2)})" if com in gini.index else str(com)
        ax.plot(100 * part["actor_share"], 100 * part["action_share"], color=colour, label=label)
    ax.plot(
        [0, 100],
        [0, 100],
        color="grey",
        linestyle=":",
        linewidth=1,
        label=gettext("Lik fordeling"),
    )
    ax.set(xlim=(0, 100), ylim=(0, 100), aspect="equal")
    ax.set_xlabel(gettext("Kumulativ andel deltakere, minst aktive først (%)"))
    ax.set_ylabel(gettext("Kumulativ andel av handlingene (%)"))
    ax.set_title(title(_tr(title_text), synthetic=synthetic), fontsize=11)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return ax


# --------------------------------------------------------------------------- rankings (01, 02)


@_share_docs
def rank_intervals(
    data: pd.DataFrame,
    *,
    labels: pd.Series | None = None,
    top: int = 30,
    title_text: str = N_("Plassering med usikkerhet"),
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Rank intervals of :func:`kommunesm.ranking.rank_uncertainty`: for the pages with
    point rank <= ``top`` (and any page reaching the Top-N in >= 20 % of resamples), the
    point rank (dot, coloured by the probability of being in the Top-N) and the 95 %
    bootstrap rank interval (line).

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.ranking.rank_uncertainty`.
    {labels}
    top : int, default 30
        N of the Top-N.
    {title_text}
    {synthetic}
    {ax}

    {returns_ax}
    """
    show = data[(data["rank"] <= top) | (data["p_top"] >= 0.2)].sort_values(["rank", "rank_median"])
    names = show.index.to_series().map(labels) if labels is not None else show.index.to_series()
    names = names.fillna(show.index.to_series())
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(4.0, 0.24 * len(show) + 1.2)))
    fig = ax.figure
    y = np.arange(len(show))
    ax.hlines(y, show["rank_low"], show["rank_high"], color="0.55", linewidth=2)
    points = ax.scatter(
        show["rank"], y, c=show["p_top"], cmap="viridis", vmin=0, vmax=1, zorder=3, s=28
    )
    ax.axvline(top + 0.5, color="#b45309", linestyle="--", linewidth=1)
    ax.set_yticks(y, names.astype("str").tolist(), fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(gettext("Plassering (punkt: beregnet; strek: 95 % bootstrap-intervall)"))
    ax.set_title(title(_tr(title_text), synthetic=synthetic))
    bar = fig.colorbar(points, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label(gettext("Sannsynlighet for topp {n}", n=top))
    fig.tight_layout()
    return ax


@_share_docs
def list_size_sensitivity_plot(
    data: pd.DataFrame,
    *,
    top: int = 30,
    reference: int = 30,
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Overlap with the reference Top-N and rank correlation of the point totals, by the
    list size K (:func:`kommunesm.ranking.list_size_sensitivity`).

    Parameters
    ----------
    data : DataFrame
        The ``summary`` of :func:`kommunesm.ranking.list_size_sensitivity`.
    top : int, default 30
        N of the Top-N.
    reference : int, default 30
        The list size the others are compared with.
    {synthetic}
    {ax}

    {returns_ax}
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    fig = ax.figure
    summary = data
    k = summary.index.to_numpy()
    ax.plot(
        k, summary["overlap_share"], marker="o", label=gettext("Andel av topp {n} felles", n=top)
    )
    ax.plot(k, summary["spearman_rho"], marker="s", label=gettext("Spearman ρ (poengsum)"))
    ax.axvline(reference, color="grey", linestyle=":", linewidth=1)
    ax.set(
        ylim=(0, 1.05),
        xlabel=gettext("Listestørrelse K"),
        ylabel=gettext("Sammenlignet med K = {k}", k=reference),
    )
    ax.set_title(title(gettext("Følsomhet for listestørrelsen"), synthetic=synthetic))
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return ax


@_share_docs
def figure6_bars(
    data: pd.DataFrame,
    *,
    labels: pd.Series | None = None,
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """The thesis' Figure 6: the largest pages (largest on top, with their number of
    followers) and their quality indicator (bars; lower = more active audience).
    Input: :func:`kommunesm.metrics.quality.figure6_table`.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.metrics.quality.figure6_table`.
    {labels}
    {synthetic}
    {ax}

    {returns_ax}
    """
    fig6 = data
    names = fig6.index.to_series().map(labels) if labels is not None else fig6.index.to_series()
    names = names.fillna(fig6.index.to_series()).astype("str")
    ticks = [f"{n} ({narrate.integer(f)})" for n, f in zip(names, fig6["followers"], strict=True)]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.42 * len(fig6) + 1.4))
    fig = ax.figure
    y = np.arange(len(fig6))
    ax.barh(y, fig6["quality_indicator"], color=sns.color_palette(PALETTE)[0])
    ax.set_yticks(y, ticks, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(gettext("Kvalitetsindikator: følgere per «snakker om» (lavere = bedre)"))
    ax.set_ylabel(gettext("Side (antall følgere)"))
    ax.set_title(title(gettext("De største sidene og kvalitetsindikatoren"), synthetic=synthetic))
    fig.tight_layout()
    return ax


def _plain_log_axis(axis: object) -> None:
    """Log axis ticks at 1, 2, 5 × 10^k written as plain numbers (no overlapping minors)."""
    from matplotlib import ticker

    axis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(
        ticker.FuncFormatter(
            lambda v, _pos: narrate.integer(v) if v >= 1 else narrate.number(v, None)
        )
    )
    axis.set_minor_formatter(ticker.NullFormatter())


@_share_docs
def loglog_scatter(
    data: pd.DataFrame | None = None,
    *,
    x: str | pd.Series,
    y: str | pd.Series,
    xlabel: str,
    ylabel: str,
    title_text: str,
    note: str | None = None,
    highlight: pd.Series | None = None,
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Scatter on log–log axes (pairs with a value <= 0 or missing are left out and
    counted in the corner note) with the median of x and y per decile of x as a line;
    ``highlight`` (bool, same index) marks points in another colour.

    Parameters
    ----------
    data : DataFrame, optional
        The table ``x`` and ``y`` name columns of.
    x, y : str or Series
        Columns of ``data``, or (without ``data``) the values themselves (same index).
    xlabel, ylabel : str
        Axis labels.
    {title_text}
    note : str, optional
        Extra text for the corner note.
    highlight : Series of bool, optional
        Points drawn in another colour (same index).
    {synthetic}
    {ax}

    {returns_ax}
    """
    if data is not None:
        x, y = data[x], data[y]
    frame = pd.DataFrame({"x": pd.to_numeric(x), "y": pd.to_numeric(y)}).astype("float64")
    ok = (frame["x"] > 0) & (frame["y"] > 0)
    dropped = int((~ok).sum())
    frame = frame[ok]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    fig = ax.figure
    colours = sns.color_palette(PALETTE)
    ax.scatter(frame["x"], frame["y"], s=10, alpha=0.45, color=colours[0], linewidths=0)
    if highlight is not None:
        hl = highlight.reindex(frame.index).fillna(False).astype(bool)
        ax.scatter(frame.loc[hl, "x"], frame.loc[hl, "y"], s=22, color=colours[1], zorder=3)
    if len(frame) >= 20:
        bins = pd.qcut(np.log10(frame["x"]), 10, duplicates="drop")
        med = frame.groupby(bins, observed=True).median()
        ax.plot(med["x"], med["y"], color="0.15", linewidth=2, label=gettext("Median per desil"))
        ax.legend(loc="upper left", fontsize=8)
    ax.set(xscale="log", yscale="log", xlabel=_tr(xlabel), ylabel=_tr(ylabel))
    lo_x, hi_x = frame["x"].min(), frame["x"].max()
    lo_y, hi_y = frame["y"].min(), frame["y"].max()
    if len(frame) and hi_x / lo_x < 1e3:
        _plain_log_axis(ax.xaxis)
    if len(frame) and hi_y / lo_y < 1e3:
        _plain_log_axis(ax.yaxis)
    ax.set_title(title(_tr(title_text), synthetic=synthetic))
    text = (
        (_tr(note) + "\n" if note else "")
        + f"n = {narrate.integer(len(frame))}"
        + (
            " " + gettext("({n} uten positive verdier utelatt)", n=narrate.integer(dropped))
            if dropped
            else ""
        )
    )
    ax.text(0.99, 0.01, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=8)
    fig.tight_layout()
    return ax


@_share_docs
def rank_agreement_heatmap(
    data: pd.DataFrame,
    *,
    columns: list[str],
    labels: dict[str, str] | None = None,
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Spearman correlations between the page rankings on ``columns`` (e.g. the three
    engagement-rate variants), as an annotated heatmap; ``labels`` maps columns to short
    tick labels (default: short Norwegian names of the engagement-rate variants).

    Parameters
    ----------
    data : DataFrame
        One row per page (e.g. a :func:`kommunesm.metrics.page_table`).
    columns : list of str
        The metric columns whose rankings are correlated.
    labels : dict of str to str, optional
        Short tick labels per column.
    {synthetic}
    {ax}

    {returns_ax}
    """
    short = {
        "engagement_rate": N_("Rangeringens variant"),
        "engagement_rate_period": N_("Periode"),
        "engagement_rate_per_post": N_("Per innlegg"),
        "engagement_rate_daily": N_("Daglig"),
    }
    short.update(labels or {})
    corr = data[columns].rank().corr()
    names = [gettext(short.get(c, narrate.METRIC_LABELS.get(c, c))) for c in corr.index]
    corr.index = names
    corr.columns = names
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.2))
    fig = ax.figure
    sns.heatmap(
        corr,
        annot=corr.map(lambda v: narrate.number(v, 2)).to_numpy(),
        fmt="",
        vmin=0,
        vmax=1,
        cmap="viridis",
        ax=ax,
        cbar=False,
        square=True,
    )
    ax.tick_params(axis="x", labelrotation=0)
    ax.tick_params(axis="y", labelrotation=0)
    ax.set_title(
        title(gettext("Samsvar mellom rangeringene (Spearman ρ)"), synthetic=synthetic),
        fontsize=10,
    )
    fig.tight_layout()
    return ax


# ------------------------------------------------------------------ ten hypotheses (H1–H10)
_HYP_COLOURS = {2: "#1b9e77", 1: "#e6ab02", 0: "#d95f02"}  # colour-blind safe (Dark2)
_NUMBER_LIKE = re.compile(r"[-−]?[0-9][0-9.,\s]*")
_HYP_SYMBOL_SCORE = {"●": 2, "◐": 1, "○": 0, "Bra": 2, "Kan bli bedre": 1, "Dårlig": 0}


@_share_docs
def hypothesis_matrix(
    data: pd.DataFrame, *, title_text: str = "", synthetic: bool = False, ax: Axes | None = None
) -> Axes:
    """The Johnsen, Jørgensen & Aaneland (2013, s. 14) H1–H10 × municipality table as a coloured symbol chart:
    one row per page, ● Bra (green), ◐ Kan bli bedre (yellow), ○ Dårlig (orange), blank
    where not rated; the score column ``poeng`` (if present) is written on the right.

    ``data`` is :func:`kommunesm.hypotheses.analysis.matrix` output (symbols or labels;
    its last row "Andel Bra" is left out).

    Parameters
    ----------
    data : DataFrame
        The output of :func:`kommunesm.hypotheses.analysis.matrix`.
    {title_text}
    {synthetic}
    {ax}

    {returns_ax}
    """
    from matplotlib.colors import ListedColormap

    data = data.drop(index=[i for i in data.index if str(i) == "Andel Bra"])
    hyps = [c for c in data.columns if str(c).startswith("H") and str(c)[1:].isdigit()]
    scores = data[hyps].apply(lambda c: c.map(lambda v: _HYP_SYMBOL_SCORE.get(v, np.nan)))
    scores = scores.astype("float64")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.62 * len(hyps) + 1.6, 0.42 * len(data) + 1.6))
    fig = ax.figure
    cmap = ListedColormap([_HYP_COLOURS[0], _HYP_COLOURS[1], _HYP_COLOURS[2]])
    sns.heatmap(
        scores,
        cmap=cmap,
        vmin=-0.5,
        vmax=2.5,
        cbar=False,
        linewidths=1.5,
        linecolor="white",
        ax=ax,
        mask=scores.isna(),
    )
    symbols = {2: "●", 1: "◐", 0: "○"}
    for i, row in enumerate(scores.to_numpy()):
        for j, v in enumerate(row):
            if np.isfinite(v):
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    symbols[int(v)],
                    ha="center",
                    va="center",
                    fontsize=12,
                    color="black",
                )
    if "poeng" in data.columns:
        for i, (p, m) in enumerate(
            zip(data["poeng"], data.get("maks", data["poeng"]), strict=True)
        ):
            ax.text(
                len(hyps) + 0.15,
                i + 0.5,
                f"{narrate.integer(p)} / {narrate.integer(m)}",
                va="center",
                fontsize=9,
            )
        ax.text(len(hyps) + 0.15, -0.25, gettext("poeng"), fontsize=9, fontweight="bold")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.xaxis.tick_top()
    ax.tick_params(axis="both", length=0)
    ax.set_yticks(np.arange(len(data)) + 0.5, [str(i) for i in data.index], rotation=0)
    handles = [
        plt.Line2D(
            [], [], marker="s", linestyle="", markersize=10, color=_HYP_COLOURS[k], label=lab
        )
        for k, lab in (
            (2, "● " + gettext("Bra")),
            (1, "◐ " + gettext("Kan bli bedre")),
            (0, "○ " + gettext("Dårlig")),
        )
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncol=3,
        frameon=False,
        fontsize=9,
    )
    ax.set_title(
        title(_tr(title_text or N_("Påstandene H1–H10 per kommune")), synthetic=synthetic), pad=24
    )
    fig.tight_layout()
    return ax


@_share_docs
def hypothesis_intervals(
    data: pd.DataFrame,
    *,
    estimate: str,
    low: str,
    high: str,
    xlabel: str,
    title_text: str,
    reference: dict[float, str] | None = None,
    xlim: tuple[float, float] | None = None,
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Estimates with intervals per hypothesis (index H1 … H10), e.g. Krippendorff's alpha
    with bootstrap CIs (``reference={0.667: "0,667", 0.8: "0,800"}``) or the rank-biserial
    effect of the top-10 (``reference={0: ""}``). Rows without an estimate are left out.

    Parameters
    ----------
    data : DataFrame
        One row per hypothesis (index H1 … H10).
    estimate, low, high : str
        Columns of the estimate and the interval bounds.
    xlabel : str
        Label of the x axis.
    {title_text}
    reference : dict of float to str, optional
        Vertical reference lines (position → label); a label that is a number is shown
        as the position formatted by locale, other labels are translated.
    xlim : tuple of float, optional
        Limits of the x axis.
    {synthetic}
    {ax}

    {returns_ax}
    """
    data = data.dropna(subset=[estimate])
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.42 * len(data) + 1.5))
    fig = ax.figure
    y = np.arange(len(data))[::-1]
    est = data[estimate].to_numpy(dtype="float64")
    lo = data[low].to_numpy(dtype="float64")
    hi = data[high].to_numpy(dtype="float64")
    ok = np.isfinite(lo) & np.isfinite(hi)
    ax.errorbar(
        est[ok],
        y[ok],
        xerr=np.vstack([est[ok] - lo[ok], hi[ok] - est[ok]]),
        fmt="none",
        ecolor="grey",
        elinewidth=1.5,
        capsize=3,
    )
    ax.scatter(est, y, color=sns.color_palette(PALETTE, 1)[0], zorder=3, s=40)
    for x, lab in (reference or {}).items():
        ax.axvline(x, color="black", linestyle="--", linewidth=0.8)
        if lab:
            text = narrate.number(x, 3) if _NUMBER_LIKE.fullmatch(str(lab)) else _tr(lab)
            ax.text(x, len(data) - 0.4, text, ha="center", va="bottom", fontsize=8)
    ax.set_yticks(y, [str(i) for i in data.index])
    if xlim:
        ax.set_xlim(*xlim)
    ax.set_ylim(-0.7, len(data) - 0.1)
    ax.set_xlabel(_tr(xlabel))
    ax.set_title(title(_tr(title_text), synthetic=synthetic))
    fig.tight_layout()
    return ax


# --------------------------------------------------------------------------- platforms (08)
def _platform_name(platform: str) -> str:
    from kommunesm.metrics.platforms import PLATFORM_NAMES

    return gettext(PLATFORM_NAMES.get(platform, platform))


@_share_docs
def platform_boxes(
    data: pd.DataFrame,
    *,
    value: str = "engagement_per_1000",
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Engagement per 1,000 followers of every account, one box (and the accounts as
    points) per platform, on a log axis (input:
    :func:`kommunesm.metrics.platforms.platform_engagement`).

    Parameters
    ----------
    data : DataFrame
        One row per account with ``platform`` and ``value``.
    value : str, default "engagement_per_1000"
        The column drawn.
    {synthetic}
    {ax}

    {returns_ax}
    """
    frame = data[["platform", value]].copy()
    frame[value] = pd.to_numeric(frame[value], errors="coerce").astype("float64")
    frame = frame[frame[value] > 0]
    frame["name"] = frame["platform"].map(_platform_name)
    order = sorted(frame["name"].unique())
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.9 * max(len(order), 2) + 1.5))
    sns.boxplot(
        data=frame, x=value, y="name", order=order, ax=ax, color="0.9", showfliers=False, width=0.5
    )
    sns.stripplot(
        data=frame,
        x=value,
        y="name",
        order=order,
        ax=ax,
        size=3,
        alpha=0.5,
        jitter=0.2,
        hue="name",
        hue_order=order,
        palette=PALETTE,
        legend=False,
    )
    ax.set_xscale("log")
    _plain_log_axis(ax.xaxis)
    ax.set_xlabel(gettext("Engasjement per 1 000 følgere per innlegg (logaritmisk akse)"))
    ax.set_ylabel("")
    ax.set_title(
        title(gettext("Engasjement per 1 000 følgere etter plattform"), synthetic=synthetic)
    )
    return ax


@_share_docs
def platform_pair_scatter(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    synthetic: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """One point per municipality: engagement per 1,000 followers on platform ``x`` and
    ``y``, log axes, with the line of equal engagement (input:
    :func:`kommunesm.metrics.platforms.compare_per_municipality`).

    Parameters
    ----------
    data : DataFrame
        One row per municipality, one column per platform.
    x, y : str
        The platforms (columns of ``data``) on the x and y axes.
    {synthetic}
    {ax}

    {returns_ax}
    """
    a, b = x, y
    frame = data[[a, b]].apply(pd.to_numeric, errors="coerce").astype("float64")
    frame = frame[(frame[a] > 0) & (frame[b] > 0)]
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.scatter(frame[a], frame[b], s=16, alpha=0.6, color=sns.color_palette(PALETTE)[0])
    if len(frame):
        lo = float(min(frame[a].min(), frame[b].min()))
        hi = float(max(frame[a].max(), frame[b].max()))
        ax.plot(
            [lo, hi],
            [lo, hi],
            color="black",
            linewidth=0.8,
            linestyle="--",
            label=gettext("like mye engasjement"),
        )
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set(xscale="log", yscale="log")
    _plain_log_axis(ax.xaxis)
    _plain_log_axis(ax.yaxis)
    name_a, name_b = _platform_name(a), _platform_name(b)
    ax.set_xlabel(gettext("{platform}: engasjement per 1 000 følgere", platform=name_a))
    ax.set_ylabel(gettext("{platform}: engasjement per 1 000 følgere", platform=name_b))
    ax.set_title(
        title(gettext("{b} mot {a} i samme kommune", a=name_a, b=name_b), synthetic=synthetic)
    )
    ax.text(
        0.99,
        0.01,
        f"n = {narrate.integer(len(frame))}",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=8,
    )
    return ax

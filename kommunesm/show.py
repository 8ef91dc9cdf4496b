"""Notebook helpers: a chapter is narrative plus calls to these functions.

One call shows a publication table, a figure or a model and saves what it shows
(``tables/*.csv`` and, for long tables, ``.xlsx``; ``figures/*.png`` and ``.svg``) when
the report builds it, numbers it (``Tabell 1.2``, ``Figur 1.3``) and records it in the
chapter's manifest (``_chapters/NN.json``), which the report builder reads for the
landing page ("Hovedfunn", key figures) and the profiles. Text goes through the message
catalogue and numbers through :mod:`kommunesm.narrate`, so the same notebook builds the
bokmål and the English report.

A table or figure computed from synthetic inputs carries the synthetic label; one with
real published values does not. The label follows ``synthetic=``, which defaults to
whether the chapter's data are synthetic (:func:`setup`); pass ``synthetic=False`` for
published real values (and give their ``source``).

Examples
--------
In a notebook (the parameters cell defines ``data_dir``, ``year``, ``out_dir``,
``lang``)::

    from kommunesm import show
    full = show.setup(data_dir, year=year, out_dir=out_dir, lang=lang)
    ds = full.for_year(year)
    show.table(top30, "01_top30", caption="Topp 30 etter Gambit-metoden",
               labels={"name": "Side", "points": "Poeng"})
    show.figure(fig, "01_rank_uncertainty", caption="…", alt="…", key=True)
    show.conclusion("Rangeringen er usikker for {n} av sidene.", n=12)
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kommunesm import _docs, narrate, safe
from kommunesm.narrate import N_
from kommunesm.narrate import gettext as _

if TYPE_CHECKING:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    from kommunesm.io.dataset import Dataset

__all__ = [
    "CHAPTER_ENV",
    "LABELS",
    "conclusion",
    "figure",
    "finding",
    "mixed_model",
    "model",
    "needs",
    "needs_years",
    "published",
    "save",
    "setup",
    "start",
    "table",
    "text",
]

#: Environment variable through which the report build tells a chapter its number.
CHAPTER_ENV = "KOMMUNESM_CHAPTER"
#: Rows shown on the page; a longer table is shown as an excerpt and downloadable whole.
EXCERPT_ROWS = 15

#: Human (bokmål) labels of common column names; a table's ``labels=`` adds to these.
LABELS: dict[str, str] = {
    **narrate.METRIC_LABELS,
    "name": "Side",
    "page": "Side",
    "page_name": "Side",
    "kommune": "Kommune",
    "kommunenummer": "Kommunenr.",
    "kommunenavn": "Kommune",
    "fylke": "Fylke",
    "county": "Fylke",
    "population": "Innbyggere",
    "posts": "Innlegg",
    "posts_per_week": "Innlegg per uke",
    "user_posts": "Innlegg fra innbyggere",
    "questions": "Spørsmål",
    "response_rate": "Svarandel (%)",
    "points": "Poeng",
    "rank": "Plass",
    "file": "Fil",
    "format": "Format",
    "table": "Tabell",
    "rows": "Rader",
    "rows_in": "Rader inn",
    "kept": "Beholdt",
    "quarantined": "I karantene",
    "synthetic": "Syntetisk",
    "reason": "Årsak",
    "column": "Kolonne",
    "source": "Kilde",
    "locator": "Side/sted i kilden",
    "note": "Merknad",
    "item": "Størrelse",
    "value": "Verdi",
    "year": "År",
    "n": "n",
    "estimate": "Estimat",
    "std_error": "Standardfeil",
    "statistic": "Teststørrelse",
    "p_value": "p-verdi",
    "ci_low": "95 % KI nedre",
    "ci_high": "95 % KI øvre",
    "term": "Ledd",
    "metric": "Måltall",
    "start": "Fra",
    "end": "Til",
    "share": "Andel",
}


@dataclass
class _Chapter:
    chapter: str = ""
    out_dir: Path | None = None
    synthetic: bool = False
    tables: int = 0
    figures: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)


_state = _Chapter()


_esc = safe.escape_html


def _md_escape(value: Any) -> str:
    """A string for Markdown that renders as the literal text: Markdown punctuation and
    ``<``, ``>``, ``&`` backslash-escaped (no HTML entities, which would be shown as
    ``&lt;`` once the sentence is reused on the landing page), line breaks as spaces."""
    text = re.sub(r"[\r\n]+", " ", str(value))
    return re.sub(r"([\\`*_\[\]{}#|!<>&$])", r"\\\1", text)


def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(obj)
        return
    display(obj)


def _html(markup: str) -> None:
    from IPython.display import HTML

    _display(HTML(markup))


def _markdown(markup: str) -> None:
    from IPython.display import Markdown

    _display(Markdown(markup))


def _save_manifest() -> None:
    if _state.out_dir is None or not _state.chapter:
        return
    folder = _state.out_dir / "_chapters"
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_state.manifest, indent=1, sort_keys=True, ensure_ascii=False)
    (folder / f"{_state.chapter}.json").write_text(text + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- setup
def setup(
    data_dir: str | Path,
    *,
    year: int | None = None,
    out_dir: str | Path | None = None,
    lang: str | None = None,
    chapter: str | None = None,
    platforms: bool = False,
) -> Dataset:
    """Start a chapter: set the language and house style, load the data, show the one-line
    provenance link; returns the whole :class:`~kommunesm.io.dataset.Dataset`.

    Parameters
    ----------
    data_dir : str or Path
        The data directory (the notebook's ``data_dir`` parameter).
    year : int, optional
        Study year (recorded with the provenance).
    out_dir : str or Path, optional
        Where tables and figures go (``None``: interactive use, nothing is written).
    lang : {'nb', 'en'}, optional
        Report language; default: :func:`kommunesm.narrate.get_language`.
    chapter : str, optional
        Chapter number (``"01"``); the report build passes it through
        ``$KOMMUNESM_CHAPTER``.
    platforms : bool, default False
        Include the demo panel's accounts on other platforms than Facebook
        (:func:`~kommunesm.io.dataset.read_dataset`); user data are read as given.

    Returns
    -------
    Dataset
        Every table read from ``data_dir``, with its file accounting.
    """
    from kommunesm.io.dataset import read_dataset

    narrate.set_language(narrate.get_language(lang))
    full = read_dataset(data_dir, platforms=platforms)
    start(full, year=year, out_dir=out_dir, chapter=chapter)
    return full


def start(
    full: Dataset,
    *,
    year: int | None = None,
    out_dir: str | Path | None = None,
    chapter: str | None = None,
) -> None:
    """:func:`setup` for a dataset already loaded: house style, manifest, provenance link.

    Parameters
    ----------
    full : Dataset
        The whole dataset of the chapter.
    year : int, optional
        Study year (recorded with the provenance).
    out_dir : str or Path, optional
        Where tables and figures go (None: nothing is written).
    chapter : str, optional
        Chapter number (default ``$KOMMUNESM_CHAPTER``).

    Returns
    -------
    None
    """
    from kommunesm import plots

    plots.set_style()
    # data strings shown through a pandas Styler are HTML-escaped
    pd.set_option("styler.format.escape", "html")
    global _state
    _state = _Chapter(
        chapter=chapter or os.environ.get(CHAPTER_ENV, ""),
        out_dir=None if out_dir is None else Path(out_dir),
        synthetic=bool(full.synthetic),
    )
    files = full.files
    inputs = []
    for rec in files.to_dict("records"):
        inputs.append(
            {
                k: (rec[k].item() if hasattr(rec[k], "item") else rec[k])
                for k in ("file", "sha256", "format", "table", "rows_in", "kept", "quarantined")
                if k in rec
            }
        )
        inputs[-1]["file"] = Path(str(inputs[-1].get("file", ""))).name
        inputs[-1]["synthetic"] = bool(rec.get("synthetic", False))
    _state.manifest = {
        "chapter": _state.chapter,
        "synthetic": _state.synthetic,
        "year": year,
        "inputs": inputs,
        "notes": [str(n) for n in full.notes],
        "tables": [],
        "figures": [],
        "findings": [],
        "conclusion": "",
    }
    _save_manifest()
    n_rows = int(files["kept"].sum()) if "kept" in files.columns and len(files) else 0
    kind = _("syntetiske demodata") if full.synthetic else _("brukerens data")
    _html(
        '<p class="ksm-provenance">'
        + _esc(
            _(
                "Datagrunnlag: {files} filer, {rows} rader ({kind}).",
                files=narrate.integer(len(files)),
                rows=narrate.integer(n_rows),
                kind=kind,
            )
        )
        + ' <a href="om-dataene.html">'
        + _esc(_("Om dataene"))
        + "</a></p>"
    )


def _is_synthetic(synthetic: bool | None) -> bool:
    return _state.synthetic if synthetic is None else bool(synthetic)


def _banner(synthetic: bool) -> str:
    if not synthetic:
        return ""
    return (
        '<div class="ksm-synthetic" role="note">'
        + _esc(
            _("Syntetiske demodata: beregnet fra generert data, beskriver ingen virkelig kommune.")
        )
        + "</div>"
    )


def _number(kind: str) -> str:
    if kind == "table":
        _state.tables += 1
        n = _state.tables
    else:
        _state.figures += 1
        n = _state.figures
    prefix = f"{int(_state.chapter)}." if _state.chapter.isdigit() else ""
    return f"{prefix}{n}"


# --------------------------------------------------------------------------- text
#: The parameters of :func:`text`, :func:`finding` and :func:`conclusion`, documented once.
_message_docs = _docs.filler(
    {
        "message": """Parameters
----------
message : str
    The sentence (bokmål message id; translated), with ``{name}`` fields.
**values : object
    The fields' values: numbers are formatted for the report language
    (:func:`kommunesm.narrate.value`), strings escaped for Markdown.

Returns
-------
None""",
    }
)


def _fill(message: str, values: Mapping[str, Any]) -> str:
    shown = {
        k: (_md_escape(v) if isinstance(v, str) else narrate.value(v)) for k, v in values.items()
    }
    return _(message, **shown) if shown else _(message)


@_message_docs
def text(message: str, /, **values: Any) -> None:
    """Show a generated sentence (bokmål message id, translated) with ``{name}`` fields
    filled from ``values`` (numbers formatted by locale, strings escaped).

    {message}
    """
    _markdown(_fill(message, values))


@_message_docs
def finding(message: str, /, **values: Any) -> None:
    """Like :func:`text`, and the sentence is a candidate for the landing page's
    "Hovedfunn" (with a link to this chapter).

    {message}
    """
    out = _fill(message, values)
    _markdown(out)
    _state.manifest.setdefault("findings", []).append(out)
    _save_manifest()


@_message_docs
def conclusion(message: str, /, **values: Any) -> None:
    """Show the chapter's conclusion ("**Konklusjon.** …") and record it (the landing
    page shows it under the chapter's title).

    {message}
    """
    out = _fill(message, values)
    _markdown(f"**{_('Konklusjon.')}** {out}")
    _state.manifest["conclusion"] = out
    _save_manifest()


def needs(ds: Dataset, *tables: str, purpose: str = "Denne delen") -> bool:
    """Whether ``ds`` has all ``tables``; if not, say which inputs are missing.

    Parameters
    ----------
    ds : Dataset
        The chapter's data.
    *tables : str
        Canonical table names the section needs (e.g. ``"comments"``).
    purpose : str, default "Denne delen"
        What needs them, for the message (bokmål; translated).

    Returns
    -------
    bool
        True when every table is there; else False after showing the note (the
        notebook then skips the section).
    """
    missing = [t for t in tables if not ds.has(t)]
    if not missing:
        return True
    _markdown(
        f"> **{_('Ikke beregnet – mangler data.')}** "
        + _(
            "{purpose} trenger tabellen {tables}, som dataene ikke har. Legg til eksporter som "
            "gir den (`kommunesm formats` viser hvilke).",
            purpose=_(purpose),
            tables=", ".join(f"`{t}`" for t in missing),
        )
    )
    return False


def needs_years(ds: Dataset, years: Sequence[int], *, purpose: str = "Denne delen") -> bool:
    """Whether ``ds`` has dated rows in every one of ``years``.

    Parameters
    ----------
    ds : Dataset
        The data.
    years : sequence of int
        The years the section needs.
    purpose : str, default "Denne delen"
        What needs them (bokmål, translated).

    Returns
    -------
    bool
        True if all years are there; otherwise the missing years and the years the data
        cover are shown and False is returned.
    """
    covered = ds.years()
    wanted = [int(y) for y in years]
    missing = [y for y in wanted if y not in covered]
    if not missing:
        return True
    _markdown(
        f"> **{_('Ikke beregnet – mangler data.')}** "
        + _(
            "{purpose} trenger data fra {wanted}; dataene mangler {missing} (de dekker {covered}). "
            "Legg eksportene for de manglende årene i datamappen, eller velg et annet `--year`.",
            purpose=_(purpose),
            wanted=narrate.join(str(y) for y in wanted),
            missing=narrate.join(str(y) for y in missing),
            covered=narrate.join(str(y) for y in covered) or "–",
        )
    )
    return False


# --------------------------------------------------------------------------- tables
def _decimals(col: pd.Series) -> int:
    values = pd.to_numeric(col, errors="coerce").astype("float64")
    values = values[np.isfinite(values)]
    if not len(values):
        return 0
    if (values == values.round()).all():
        return 0
    mag = float(values.abs().median())
    if mag >= 100:
        return 0
    if mag >= 10:
        return 1
    if mag >= 1:
        return 2
    return 3


#: Columns holding p-values (``p_value``, ``p_adj``, ``p_mw_adj``, ``wilcoxon_p``, …; not the
#: proportions ``p_a``/``p_b`` of a two-sample table).
_P_COLUMN = re.compile(r"^(p_value|pval|p_adj|p_mw)(_.*)?$|_p(_adj)?$")


def _p_cell(p: Any) -> str:
    """A p-value in a table cell: the report's one p-value format without "p = "
    (``< 0,001``, ``0,012``, ``0,27``)."""
    text = narrate.pvalue(p)
    return text.removeprefix("p = ").removeprefix("p ")


def _cells(df: pd.DataFrame, decimals: Mapping[str, int]) -> pd.DataFrame:
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_numeric_dtype(s) and _P_COLUMN.search(str(col)):
            out[col] = [_p_cell(v) for v in s]
        elif pd.api.types.is_bool_dtype(s):
            out[col] = [narrate.value(bool(v)) if pd.notna(v) else narrate.MISSING for v in s]
        elif pd.api.types.is_numeric_dtype(s):
            d = decimals.get(col, _decimals(s))
            out[col] = [narrate.number(v, d) for v in s]
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[col] = [narrate.date(v) for v in s]
        else:
            out[col] = [
                narrate.MISSING
                if (v is None or (isinstance(v, float) and np.isnan(v)))
                else narrate.value(v)
                for v in s
            ]
    return pd.DataFrame(out, index=range(len(df)))


def _label(col: Any, labels: Mapping[str, str] | None, units: Mapping[str, str] | None) -> str:
    key = str(col)
    text = (labels or {}).get(key) or LABELS.get(key) or key.replace("_", " ").capitalize()
    text = _(text)
    unit = (units or {}).get(key)
    return f"{text} ({_(unit)})" if unit else text


def _write_table(df: pd.DataFrame, name: str, long: bool) -> list[str]:
    if _state.out_dir is None:
        return []
    written = [safe.write_csv(df, _state.out_dir / "tables" / f"{name}.csv")]
    if long:
        path = _state.out_dir / "tables" / f"{name}.xlsx"
        _write_xlsx(df, path)
        written.append(path)
    return [f"tables/{Path(p).name}" for p in written if p is not None]


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    """An .xlsx of ``df``: values only, formula-led strings neutralised, fixed document
    time (:func:`kommunesm.safe.save_workbook`), so rebuilds are byte-identical."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append([str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            if safe._is_missing(v) or (isinstance(v, float) and not np.isfinite(v)):
                cells.append(None)
            elif isinstance(v, pd.Timestamp):
                cells.append((v.tz_localize(None) if v.tzinfo else v).to_pydatetime())
            elif isinstance(v, np.generic):
                cells.append(v.item())
            else:
                cells.append(v)
        ws.append(cells)
    safe.save_workbook(wb, path)


def table(
    df: pd.DataFrame,
    name: str,
    *,
    caption: str,
    labels: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
    columns: Sequence[str] | None = None,
    values: Mapping[str, Mapping[Any, str]] | None = None,
    translate: Sequence[str] = (),
    source: str | None = None,
    note: str | None = None,
    synthetic: bool | None = None,
    excerpt: int = EXCERPT_ROWS,
) -> None:
    """Show ``df`` as a numbered publication table and save it whole.

    Parameters
    ----------
    df : DataFrame
        The table; a named or non-default index becomes an ordinary column (no index
        column is shown).
    name : str
        File name of the saved table (``tables/<name>.csv``; also ``.xlsx`` when the
        table is longer than ``excerpt``).
    caption : str
        Caption (bokmål message id; translated).
    labels, units : mapping of str to str, optional
        Column headers and units (bokmål), added to :data:`LABELS`.
    decimals : mapping of str to int, optional
        Decimals per column (default: from the column's magnitude).
    columns : sequence of str, optional
        Columns shown (default all; the saved table has all).
    values : mapping of str to mapping, optional
        Words for coded values, per column (``{"status": {"merged": "slått sammen"}}``;
        bokmål, translated).
    translate : sequence of str, optional
        Columns whose text cells are bokmål messages of the catalogue (e.g. the
        definitions in :data:`kommunesm.metrics.platforms.DEFINITION_CHANGES`, marked
        with ``N_``); they are shown in the report language.
    source : str, optional
        Source of published values (shown under the table).
    note : str, optional
        A note under the table (bokmål message id).
    synthetic : bool, optional
        Whether the numbers come from synthetic inputs (default: the chapter's data).
    excerpt : int, default 15
        Rows shown on the page; a longer table shows its first rows and links the files.

    Returns
    -------
    None
    """
    frame = df
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
        frame = frame.drop(columns=[c for c in frame.columns if str(c) == "index"])
    frame = frame.loc[:, ~frame.columns.duplicated()]
    long = len(frame) > excerpt
    files = _write_table(frame, name, long)
    shown = frame[list(columns)] if columns is not None else frame
    shown = shown.head(excerpt).copy()
    for col, words in (values or {}).items():
        if col in shown.columns:
            shown[col] = shown[col].map(lambda v, w=words: _(w[v]) if v in w else v)
    for col in translate:
        if col in shown.columns:
            shown[col] = shown[col].map(lambda v: _(v) if isinstance(v, str) and v else v)
    cells = _cells(shown, decimals or {})
    header = [_label(c, labels, units) for c in shown.columns]
    number = _number("table")
    is_synth = _is_synthetic(synthetic)
    html_table = (
        '<div class="ksm-scroll">'
        + _gt_html(cells, header, shown, table_id=f"tab-{name}")
        + "</div>"
    )
    foot = []
    if long:
        foot.append(
            _esc(
                _(
                    "Viser {shown} av {rows} rader.",
                    shown=narrate.integer(len(shown)),
                    rows=narrate.integer(len(frame)),
                )
            )
        )
    if files:
        links = " · ".join(
            f'<a href="{_esc(f)}" download>{_esc(Path(f).suffix[1:].upper())}</a>' for f in files
        )
        foot.append(_esc(_("Last ned hele tabellen:")) + " " + links)
    if source:
        foot.append(_esc(_("Kilde:")) + " " + _esc(source))
    if note:
        foot.append(_esc(_(note)))
    label = _("Tabell")
    markup = (
        f'<div class="ksm-table" id="{_esc(name)}">'
        + _banner(is_synth)
        + f'<p class="ksm-caption"><span class="ksm-number">{_esc(label)} {number}:</span> '
        + _esc(_(caption))
        + "</p>"
        + html_table
        + ("".join(f'<p class="ksm-tablenote">{f}</p>' for f in foot))
        + "</div>"
    )
    _html(markup)
    _state.manifest.setdefault("tables", []).append(
        {
            "name": name,
            "number": number,
            "caption": _(caption),
            "files": files,
            "synthetic": is_synth,
        }
    )
    _save_manifest()


def _gt_html(cells: pd.DataFrame, header: list[str], original: pd.DataFrame, table_id: str) -> str:
    """The table as HTML with Great Tables (fixed id, so rebuilds are byte-identical);
    numeric columns right-aligned."""
    from great_tables import GT

    frame = cells.copy()
    keys = [f"c{i}" for i in range(len(frame.columns))]
    frame.columns = keys
    numeric = [
        k
        for k, c in zip(keys, original.columns, strict=True)
        if pd.api.types.is_numeric_dtype(original[c])
        and not pd.api.types.is_bool_dtype(original[c])
    ]
    gt = GT(frame, id=re.sub(r"[^A-Za-z0-9_-]", "-", table_id))
    gt = gt.cols_label(**dict(zip(keys, header, strict=True)))
    if numeric:
        gt = gt.cols_align("right", columns=numeric)
    gt = gt.tab_options(table_font_size="90%", container_overflow_x="auto", table_margin_left="0")
    return gt.as_raw_html(inline_css=False)


def save(df: pd.DataFrame, name: str) -> None:
    """Save ``df`` as ``tables/<name>.csv`` without showing it.

    Parameters
    ----------
    df : DataFrame
        A result other pages use (e.g. the rank intervals of the profiles).
    name : str
        File name without extension.

    Returns
    -------
    None
    """
    frame = df.reset_index() if df.index.name is not None else df
    files = _write_table(frame, name, long=False)
    _state.manifest.setdefault("saved", []).extend(files)
    _save_manifest()


def published(
    df: pd.DataFrame, name: str, *, caption: str, source: str | None = None, **kwargs: Any
) -> None:
    """:func:`table` for published real values (never labelled synthetic).

    Parameters
    ----------
    df : DataFrame
        The published values.
    name : str
        File name of the saved table.
    caption : str
        Caption (bokmål message id; translated).
    source : str, optional
        The publication, author–year with page; default: the distinct values of a
        ``source`` column.
    **kwargs : object
        Passed on to :func:`table`.

    Returns
    -------
    None
    """
    if source is None and "source" in df.columns:
        source = "; ".join(dict.fromkeys(str(s) for s in df["source"].dropna()))
    table(df, name, caption=caption, source=source, synthetic=False, **kwargs)


# --------------------------------------------------------------------------- figures
def figure(
    fig: plt.Figure | Axes | np.ndarray,
    name: str,
    *,
    caption: str,
    alt: str,
    synthetic: bool | None = None,
    key: bool = False,
) -> None:
    """Show ``fig`` (a Figure, or what a plot function returned) as a numbered figure
    with caption and alt text; save it as PNG and SVG.

    Parameters
    ----------
    fig : Figure, Axes or numpy.ndarray of Axes
        What a :mod:`kommunesm.plots` function returned, or a Figure.
    name : str
        File name (``figures/<name>.png`` and ``.svg``).
    caption : str
        Caption (bokmål message id; translated).
    alt : str
        Alternative text for screen readers (bokmål; translated).
    synthetic : bool, optional
        Whether the figure is drawn from synthetic inputs (default: the chapter's data).
    key : bool, default False
        Make it the chapter's key figure on the landing page (default: the first figure
        of the chapter).

    Returns
    -------
    None
    """
    import matplotlib.pyplot as plt

    from kommunesm import plots

    fig = plots.localise(plots.figure_of(fig))
    is_synth = _is_synthetic(synthetic)
    number = _number("figure")
    label = _("Figur")
    if _state.out_dir is None:
        _display(fig)
        _markdown(f"*{label} {number}: {_(caption)}*")
        plt.close(fig)
        return
    plots.save(fig, name, _state.out_dir)
    plt.close(fig)
    markup = (
        f'<figure class="ksm-figure" id="{_esc(name)}">'
        + _banner(is_synth)
        + f'<a href="figures/{_esc(name)}.svg"><img src="figures/{_esc(name)}.png" '
        f'alt="{_esc(_(alt))}"></a>'
        + f'<figcaption><span class="ksm-number">{_esc(label)} {number}:</span> '
        + _esc(_(caption))
        + "</figcaption></figure>"
    )
    _html(markup)
    figures = _state.manifest.setdefault("figures", [])
    figures.append(
        {
            "name": name,
            "number": number,
            "caption": _(caption),
            "alt": _(alt),
            "synthetic": is_synth,
            "key": bool(key),
        }
    )
    _save_manifest()


# --------------------------------------------------------------------------- models
_MODEL_LABELS = {
    "estimate": N_("Estimat"),
    "std_error": N_("Standardfeil"),
    "p_value": N_("p-verdi"),
    "ci_low": N_("95 % KI nedre"),
    "ci_high": N_("95 % KI øvre"),
    "effect": N_("Effekt"),
    "effect_name": N_("Effektmål"),
}


def model(
    res: Any,
    name: str,
    *,
    caption: str,
    term: str,
    x_label: str,
    y_label: str,
    labels: Mapping[str, str] | None = None,
    residuals: bool = True,
    log_fitted: bool = False,
    synthetic: bool | None = None,
) -> str:
    """Show a fitted model (:class:`kommunesm.stats.ModelResult`): coefficient table,
    residual figure and assumption checks, and the generated conclusion for ``term``.

    Parameters
    ----------
    res : ModelResult
        The fitted model (:func:`kommunesm.stats.ols` and relatives).
    name : str
        Stem of the saved tables and figure (``<name>_coefficients``, …).
    caption : str
        Caption of the coefficient table (bokmål message id; translated).
    term : str
        The coefficient the conclusion is about.
    x_label, y_label : str
        Words for the predictor and the outcome in the sentence (bokmål).
    labels : mapping of str to str, optional
        Words for the model's terms in the table (bokmål).
    residuals : bool, default True
        Also show the residual figure and the assumption checks.
    log_fitted : bool, default False
        Fitted values on a log axis in the residual figure.
    synthetic : bool, optional
        Whether the model is fitted on synthetic inputs (default: the chapter's data).

    Returns
    -------
    str
        The conclusion sentence (also shown).
    """
    from kommunesm import plots, stats

    term_labels = {"Intercept": N_("Konstantledd"), **(labels or {})}
    coef = res.table.copy()
    coef["term"] = [_(term_labels.get(t, t)) for t in coef["term"]]
    keep = [c for c in ("term", "estimate", "ci_low", "ci_high", "p_value") if c in coef.columns]
    summ = res.summary.iloc[0]
    table(
        coef[keep],
        f"{name}_coefficients",
        caption=caption,
        labels=_MODEL_LABELS,
        decimals={"estimate": 3, "ci_low": 3, "ci_high": 3, "p_value": 3},
        note=_("n = {n}; modell: {model}.", n=narrate.integer(summ["n"]), model=str(res.model)),
        synthetic=synthetic,
    )
    if residuals:
        fig = plots.residual_plots(
            res.residuals(), title_text=N_("Residualer"), log_fitted=log_fitted, synthetic=False
        )
        figure(
            fig,
            f"{name}_residuals",
            caption=_(
                "Residualsjekk av modellen: residualer mot tilpassede verdier, normal Q-Q, spredning og innflytelse."
            ),
            alt=_("Fire diagnostiske residualplott for modellen for {y}.", y=_(y_label)),
            synthetic=synthetic,
        )
        table(
            _diagnostics(stats.diagnostic_tests(res)),
            f"{name}_diagnostics",
            caption=_("Kontroll av modellforutsetningene"),
            labels={"check": N_("Kontroll"), "verdict": N_("Vurdering")},
            decimals={"statistic": 3, "p_value": 3},
            synthetic=synthetic,
        )
    sentence = regression_sentence(res, term, x_label=x_label, y_label=y_label, labels=term_labels)
    _markdown(sentence)
    return sentence


def _diagnostics(diag: pd.DataFrame) -> pd.DataFrame:
    """The assumption checks with names and verdicts in the report language; a verdict
    follows its p-value (p < 0.05 on a normality test never "fits")."""
    rows = []
    for r in diag.itertuples(index=False):
        check, stat, p = str(r.check), float(r.statistic), r.p_value
        if check.startswith("Breusch-Pagan"):
            name = _("Breusch-Pagan (konstant varians)")
            verdict = (
                _("variansen er ikke konstant")
                if pd.notna(p) and p < 0.05
                else _("testen finner ikke avvik fra konstant varians")
            )
        elif check.startswith("Jarque-Bera"):
            name = _("Jarque-Bera (normalfordelte residualer)")
            verdict = narrate.normality_verdict(p)
        elif "Kolmogorov" in check:
            name = _("Kvantilresidualer ~ N(0,1) (Kolmogorov-Smirnov)")
            verdict = narrate.normality_verdict(p)
        elif check.startswith("Cook"):
            name = _("Cooks avstand > 4/n")
            verdict = _("{n} observasjoner med stor innflytelse", n=narrate.integer(stat))
        elif check.startswith("Pearson dispersion"):
            name = _("Pearson-spredning (chi² / fg)")
            verdict = (
                _("variansmodellen passer")
                if 0.8 <= stat <= 1.25
                else _("overspredning")
                if stat > 1.25
                else _("underspredning")
            )
        elif check.startswith("share of zero"):
            name = _("Andel nuller (observert minus modell)")
            verdict = (
                _("modellen gir omtrent riktig andel nuller")
                if abs(stat) < 0.05
                else _("modellen treffer dårlig på andelen nuller")
            )
        else:
            name, verdict = check, str(r.verdict)
        rows.append({"check": name, "statistic": stat, "p_value": p, "verdict": verdict})
    return pd.DataFrame(rows)


def regression_sentence(
    res: Any,
    term: str,
    *,
    x_label: str,
    y_label: str,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The generated conclusion for one term of a regression, in the report language:
    effect on the model's scale with its 95 % interval, p and n, and a verdict that
    follows the interval (an interval including 0 never claims an association)."""
    tab = res.table.set_index("term")
    r = tab.loc[term]
    b, lo, hi, p = (float(r[c]) for c in ("estimate", "ci_low", "ci_high", "p_value"))
    x, y = _(x_label), _(y_label)
    log_x = term.startswith(("np.log(", "log("))
    log_y = str(res.outcome).startswith(("np.log(", "log("))
    n = narrate.integer(res.summary.iloc[0]["n"])

    def pct(ratio: float) -> str:
        return narrate.percent(ratio - 1, 1)

    if res.kind == "ols" and log_x and log_y:
        main = _(
            "En 10 % større {x} henger sammen med en endring på {change} i {y} (elastisitet {b}, {ci})",
            x=x,
            y=y,
            change=pct(1.1**b),
            b=narrate.number(b, 2),
            ci=narrate.ci(lo, hi),
        )
    elif res.kind == "ols":
        main = _(
            "Én enhet mer {x} henger sammen med en endring på {b} i {y} ({ci})",
            x=x,
            y=y,
            b=narrate.number(b, 3),
            ci=narrate.ci(lo, hi, 3),
        )
    else:
        f = 1.1 if log_x else float(np.e)
        step = _("En 10 % større {x}", x=x) if log_x else _("Én enhet mer {x}", x=x)
        main = _(
            "{step} multipliserer forventet {y} med {ratio} ({ci})",
            step=step,
            y=y,
            ratio=narrate.number(f**b, 3),
            ci=narrate.ci(f**lo, f**hi, 3),
        )
    if lo > 0 or hi < 0:
        verdict = (
            _("Dataene viser en klar positiv sammenheng.")
            if b > 0
            else _("Dataene viser en klar negativ sammenheng.")
        )
    else:
        verdict = _("Intervallet inkluderer null: dataene viser ingen sammenheng.")
    return f"{main}; {narrate.pvalue(p)}, n = {n}. {verdict} " + _(
        "Dette er en sammenheng i observasjonsdata, ikke bevis for årsak."
    )


#: A categorical term of a patsy formula: ``C(platform)[T.instagram]``,
#: ``C(year, Treatment(2012))[T.2013]``.
_CATEGORICAL_TERM = re.compile(r"^C\((?P<var>\w+)[^\[]*\)\[T\.(?P<level>.+)\]$")


def _term_label(term: str, labels: Mapping[str, str] | None) -> str:
    """A readable name for a model term: labelled variable, and ``Variabel: nivå`` for a
    level of a categorical one (so that next year's levels need no new labels)."""
    names = {"Intercept": N_("Konstantledd"), **(labels or {})}
    if term in names:
        return _(names[term])
    m = _CATEGORICAL_TERM.match(term)
    if m is None:
        return _(names.get(term, term))
    var = m["var"]
    return f"{_(names.get(var, var))}: {m['level']}"


#: Columns of a :func:`kommunesm.stats.mixed_model` table shown on the page.
_MIXED_COLUMNS = ("term", "estimate", "ci_low", "ci_high", "p_value", "std_effect")


def mixed_model(
    fit: pd.DataFrame,
    name: str,
    *,
    caption: str,
    term: str,
    x_label: str,
    y_label: str,
    labels: Mapping[str, str] | None = None,
    log_outcome: bool = False,
    synthetic: bool | None = None,
) -> str:
    """Show a municipality-level mixed model: its coefficient table and the generated
    conclusion for one term.

    Parameters
    ----------
    fit : DataFrame
        A table from :func:`kommunesm.stats.mixed_model` (one row per fixed effect).
    name : str
        File name of the table (``tables/<name>.csv``).
    caption : str
        Table caption (bokmål message id).
    term : str
        The fixed effect the conclusion is about (a value of ``fit["term"]``).
    x_label, y_label : str
        Words for the term and the outcome (bokmål message ids).
    labels : mapping of str to str, optional
        Readable names of the model's terms and variables (``{"log_population":
        "log(folketall)", "platform": "Plattform"}``); a level of a categorical variable
        is shown as "Plattform: instagram", ``Intercept`` as "Konstantledd".
    log_outcome : bool, default False
        The outcome is a natural log: the conclusion reports a percentage difference.
    synthetic : bool, optional
        Whether the model was fitted on synthetic data (default: the chapter's data).

    Returns
    -------
    str
        The conclusion sentence (:func:`kommunesm.stats.describe_mixed`) in the report
        language.
    """
    from kommunesm import stats

    coef = fit[[c for c in _MIXED_COLUMNS if c in fit.columns]].copy()
    coef["term"] = [_term_label(t, labels) for t in coef["term"]]
    table(
        coef,
        name,
        caption=caption,
        labels={
            **_MODEL_LABELS,
            "term": N_("Ledd"),
            "std_effect": N_("Standardisert effekt"),
        },
        decimals={c: 3 for c in ("estimate", "ci_low", "ci_high", "p_value", "std_effect")},
        note=_(
            "n = {n} observasjoner i {groups} kommuner; tilfeldig konstantledd per kommune.",
            n=narrate.integer(fit["n_obs"].max()),
            groups=narrate.integer(fit["n_groups"].max()),
        ),
        synthetic=synthetic,
    )
    sentence = stats.describe_mixed(
        fit,
        term,
        x_label=_(x_label),
        y_label=_(y_label),
        log_outcome=log_outcome,
        synthetic=_is_synthetic(synthetic),
        lang=narrate.get_language(),
    )
    _markdown(sentence)
    return sentence

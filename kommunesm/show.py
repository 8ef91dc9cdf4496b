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

import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kommunesm import narrate
from kommunesm.narrate import N_
from kommunesm.narrate import gettext as _

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

    from kommunesm.io.dataset import Dataset

__all__ = [
    "CHAPTER_ENV",
    "LABELS",
    "conclusion",
    "figure",
    "finding",
    "model",
    "needs",
    "published",
    "setup",
    "table",
    "text",
]

#: Environment variable through which the report build tells a chapter its number.
CHAPTER_ENV = "KOMMUNESM_CHAPTER"
#: Rows shown on the page; a longer table is shown as an excerpt and downloadable whole.
EXCERPT_ROWS = 15

#: Human (bokmål) labels of common column names; a table's ``labels=`` adds to these.
LABELS: dict[str, str] = {
    "name": "Side",
    "page": "Side",
    "page_name": "Side",
    "kommune": "Kommune",
    "kommunenummer": "Kommunenr.",
    "kommunenavn": "Kommune",
    "fylke": "Fylke",
    "county": "Fylke",
    "population": "Innbyggere",
    "followers": "Følgere",
    "interactions": "Interaksjoner",
    "engagement_rate": "Engasjementsgrad (%)",
    "engagement_rate_per_post": "Engasjement per innlegg (%)",
    "people_talking_about": "Snakker om dette",
    "page_posts": "Innlegg fra siden",
    "posts": "Innlegg",
    "posts_per_week": "Innlegg per uke",
    "user_posts": "Innlegg fra innbyggere",
    "comments": "Kommentarer",
    "likes": "Liker",
    "shares": "Delinger",
    "questions": "Spørsmål",
    "questions_answered": "Besvarte spørsmål",
    "response_rate": "Svarandel (%)",
    "avg_response_time_minutes": "Gj.sn. svartid (min)",
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


def _esc(text: Any) -> str:
    """HTML-escape a string that may come from data."""
    try:
        from kommunesm.safe import escape_html  # type: ignore[attr-defined]

        return escape_html(str(text))
    except ImportError:
        return html.escape(str(text), quote=True)


def _md_escape(text: str) -> str:
    """Escape a value from data for Markdown (HTML and Markdown punctuation)."""
    text = html.escape(str(text), quote=False)
    return re.sub(r"([\\`*_\[\]{}#|!])", r"\\\1", text)


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
    lang : str, optional
        ``"nb"`` (default) or ``"en"``.
    chapter : str, optional
        Chapter number (``"01"``); the report build passes it through
        ``$KOMMUNESM_CHAPTER``.
    """
    from kommunesm import plots
    from kommunesm.io.dataset import read_dataset

    narrate.set_language(narrate.get_language(lang))
    plots.set_style()
    full = read_dataset(data_dir)
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
    return full


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
def _fill(message: str, values: Mapping[str, Any]) -> str:
    shown = {
        k: (_md_escape(v) if isinstance(v, str) else narrate.value(v)) for k, v in values.items()
    }
    return _(message, **shown) if shown else _(message)


def text(message: str, /, **values: Any) -> str:
    """Show a generated sentence (bokmål message id, translated) with ``{name}`` fields
    filled from ``values`` (numbers formatted by locale, strings escaped); returns it."""
    out = _fill(message, values)
    _markdown(out)
    return out


def finding(message: str, /, **values: Any) -> str:
    """Like :func:`text`, and the sentence is a candidate for the landing page's
    "Hovedfunn" (with a link to this chapter)."""
    out = text(message, **values)
    _state.manifest.setdefault("findings", []).append(out)
    _save_manifest()
    return out


def conclusion(message: str, /, **values: Any) -> str:
    """Show the chapter's conclusion ("**Konklusjon.** …") and record it."""
    out = _fill(message, values)
    _markdown(f"**{_('Konklusjon.')}** {out}")
    _state.manifest["conclusion"] = out
    _save_manifest()
    return out


def needs(ds: Dataset, *tables: str, purpose: str = "Denne delen") -> bool:
    """True if ``ds`` has all ``tables``; otherwise say which inputs are missing and
    return False (the notebook then skips the section)."""
    from kommunesm.errors import MissingInputError

    try:
        ds.require(*tables, purpose=purpose)
    except MissingInputError as exc:
        _markdown(f"> **{_('Ikke beregnet – mangler data.')}** {_md_escape(str(exc))}")
        return False
    return True


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


def _cells(df: pd.DataFrame, decimals: Mapping[str, int]) -> pd.DataFrame:
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s):
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
    from kommunesm.report import save_table

    if _state.out_dir is None:
        return []
    written = [save_table(df, name, _state.out_dir, index=False)]
    if long:
        path = _state.out_dir / "tables" / f"{name}.xlsx"
        _write_xlsx(df, path)
        written.append(path)
    return [f"tables/{Path(p).name}" for p in written if p is not None]


def _neutralise(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    """An .xlsx of ``df`` with values only (formula-led strings neutralised) and a fixed
    document timestamp, so that rebuilds are byte-identical."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append([str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NA:
                cells.append(None)
            elif isinstance(v, np.generic):
                cells.append(v.item())
            elif isinstance(v, pd.Timestamp):
                cells.append(v.tz_localize(None).to_pydatetime() if v.tzinfo else v.to_pydatetime())
            else:
                cells.append(_neutralise(v) if isinstance(v, str) else v)
        ws.append(cells)
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    _fix_zip_times(tmp)
    tmp.replace(path)


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip (xlsx) with fixed member timestamps."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)


def table(
    df: pd.DataFrame,
    name: str,
    *,
    caption: str,
    labels: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
    columns: Sequence[str] | None = None,
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
    source : str, optional
        Source of published values (shown under the table).
    note : str, optional
        A note under the table (bokmål message id).
    synthetic : bool, optional
        Whether the numbers come from synthetic inputs (default: the chapter's data).
    excerpt : int, default 15
        Rows shown on the page; a longer table shows its first rows and links the files.
    """
    frame = df
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
        frame = frame.drop(columns=[c for c in frame.columns if str(c) == "index"])
    frame = frame.loc[:, ~frame.columns.duplicated()]
    long = len(frame) > excerpt
    files = _write_table(frame, name, long)
    shown = frame[list(columns)] if columns is not None else frame
    shown = shown.head(excerpt)
    cells = _cells(shown, decimals or {})
    header = [_label(c, labels, units) for c in shown.columns]
    number = _number("table")
    is_synth = _is_synthetic(synthetic)
    html_table = _gt_html(cells, header, shown, table_id=f"tab-{name}")
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
    gt = gt.tab_options(table_font_size="90%", container_overflow_x="auto")
    return gt.as_raw_html(inline_css=False)


def published(
    df: pd.DataFrame, name: str, *, caption: str, source: str | None = None, **kwargs: Any
) -> None:
    """:func:`table` for published real values (never labelled synthetic); ``source`` is
    taken from a ``source`` column when not given."""
    if source is None and "source" in df.columns:
        source = "; ".join(dict.fromkeys(str(s) for s in df["source"].dropna()))
    table(df, name, caption=caption, source=source, synthetic=False, **kwargs)


# --------------------------------------------------------------------------- figures
def figure(
    fig: plt.Figure,
    name: str,
    *,
    caption: str,
    alt: str,
    synthetic: bool | None = None,
    key: bool = False,
) -> None:
    """Show ``fig`` as a numbered figure with caption and alt text; save it as PNG and SVG.

    ``fig`` is what a plot function returned (its Axes) or a Figure.

    ``key=True`` makes it the chapter's key figure on the landing page (default: the
    first figure of the chapter).
    """
    import matplotlib.pyplot as plt

    from kommunesm import plots

    fig = plots.figure_of(fig)
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
        f'alt="{_esc(_(alt))}" loading="lazy"></a>'
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
    residual figure and assumption checks, and the generated conclusion for ``term``;
    returns the conclusion sentence."""
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
            res.residuals(), title_text=_("Residualer"), log_fitted=log_fitted, synthetic=False
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
        diag = stats.diagnostic_tests(res)
        table(
            diag,
            f"{name}_diagnostics",
            caption=_("Kontroll av modellforutsetningene"),
            synthetic=synthetic,
        )
    sentence = regression_sentence(res, term, x_label=x_label, y_label=y_label, labels=term_labels)
    _markdown(sentence)
    return sentence


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

"""Consensus, Top-10-vs-rest comparison, SIMULATED coders and the whole coding round for
any :class:`~kommunesm.hypotheses.schemes.CodingScheme`.

* :func:`scheme_consensus` — one code per unit and column from several coders;
* :func:`page_shares` — per page, the share of its coded posts in each category (post
  schemes) or its category as 1/0 (page schemes);
* :func:`compare_top` — do the Top-10 pages differ from the others, category by
  category? Fisher's exact test with the odds ratio (page schemes), Mann–Whitney U with
  the rank-biserial correlation on the per-page shares (post schemes) and on the scores
  of ordinal variables; Holm correction over the scheme;
* :func:`simulated_codes`, :func:`fill_workbooks` — SIMULATED coders for the demo panel
  (nobody has coded it): a seeded truth from the scheme's suggestions, copied by each
  simulated coder with its own error rate; the workbooks say *SIMULATED* in their Meta
  sheet;
* :func:`coding_round` — the branching workflow a chapter needs, in one call: the
  user's filled workbooks in ``<data_dir>/coding/<scheme>/`` if there are any,
  otherwise SIMULATED coders on demo data, otherwise blank workbooks to fill.

Examples
--------
>>> import pandas as pd
>>> from kommunesm.hypotheses.catalogue import VEIKART_BEMANNING
>>> coding = pd.DataFrame({"unit_id": ["a", "a", "b", "b"],
...                        "hypothesis": "bemanningsmodell", "coder": ["A", "B"] * 2,
...                        "value": ["Teamet", "Teamet", "Ildsjelen", "Teamet"]})
>>> scheme_consensus(coding, VEIKART_BEMANNING)["bemanningsmodell"].tolist()
['Teamet', None]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kommunesm import narrate, safe, stats
from kommunesm.errors import InputError
from kommunesm.hypotheses.catalogue import get_scheme
from kommunesm.hypotheses.schemes import CodingScheme

__all__ = [
    "SIMULATED_NOTE",
    "CodingRound",
    "coding_round",
    "compare_top",
    "fill_workbooks",
    "page_shares",
    "scheme_consensus",
    "simulated_codes",
]

#: Written into the Meta sheet of every workbook filled by :func:`fill_workbooks`.
SIMULATED_NOTE = "SIMULATED: filled by kommunesm.hypotheses.scheme_analysis (demo), not by a person"


# ============================================================================ consensus
def scheme_consensus(
    coding: pd.DataFrame,
    scheme: CodingScheme | str,
    *,
    method: str = "auto",
    exclude: Sequence[str] = ("auto",),
) -> pd.DataFrame:
    """One code per unit and code column.

    Parameters
    ----------
    coding : DataFrame
        Canonical coding table of the scheme.
    scheme : CodingScheme or str
        The scheme (or its name).
    method : str, default 'auto'
        ``"auto"``: nominal columns take the majority code (a tie gives no consensus,
        None), ordinal and yes/no columns the lower median (with two coders who disagree,
        the lower category / 0 — conservative); or the name of a coder whose codes are
        taken (e.g. a ``konsensus`` coder after a reconciliation meeting).
    exclude : sequence of str, default ('auto',)
        Coders left out.

    Returns
    -------
    DataFrame
        Index unit_id; one column per code column of the scheme present in ``coding``;
        category codes (``"1"``/``"0"`` for yes/no), None where there is no consensus.
    """
    sch = get_scheme(scheme)
    data = coding[~coding["coder"].astype(str).isin(list(exclude))]
    if method != "auto":
        if method not in set(data["coder"].astype(str)):
            raise ValueError("method must be 'auto' or a coder name")
        data = data[data["coder"].astype(str) == method]
    out: dict[str, pd.Series] = {}
    units = pd.Index(sorted(set(data["unit_id"].astype(str))), name="unit_id")
    for col in [c for c in sch.columns if c in set(data["hypothesis"])]:
        sub = data[data["hypothesis"] == col]
        frame = pd.DataFrame(
            {
                "unit_id": sub["unit_id"].astype(str).to_numpy(),
                "score": sch.scores(col, sub["value"]).to_numpy(),
            }
        ).dropna()
        if sch.level(col) == "nominal":
            counts = frame.groupby(["unit_id", "score"]).size().rename("n").reset_index()
            top = counts.groupby("unit_id")["n"].transform("max")
            best = counts[counts["n"] == top]
            single = best.groupby("unit_id")["score"].agg(
                lambda s: s.iloc[0] if len(s) == 1 else np.nan
            )
            agg = single
        else:
            agg = frame.groupby("unit_id")["score"].agg(
                lambda s: float(np.sort(s.to_numpy())[(len(s) - 1) // 2])
            )
        labels = agg.map(lambda v, c=col: sch.label_of_score(c, v)).astype(object)
        out[col] = labels.reindex(units).astype(object).where(lambda s: s.notna(), None)
    return pd.DataFrame(out, index=units)


def page_shares(
    codes: pd.DataFrame, scheme: CodingScheme | str, units: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per page and category: the share of the page's coded posts in the category (post
    schemes; ``units`` maps post_id → page_id) or 1/0 (page schemes).

    Parameters
    ----------
    codes : DataFrame
        :func:`scheme_consensus` output (index unit id).
    scheme : CodingScheme or str
        The scheme the codes belong to.
    units : DataFrame, optional
        For post schemes: a table with ``post_id`` (or ``unit_id``) and ``page_id``.

    Returns
    -------
    DataFrame
        Index page_id; columns ``<column>=<code>`` (for yes/no columns only ``=1``), plus
        ``n_units`` (units coded per page).
    """
    sch = get_scheme(scheme)
    frame = codes.copy()
    if sch.unit == "post":
        if units is None:
            raise ValueError("post schemes need units with post_id and page_id")
        idcol = "post_id" if "post_id" in units.columns else "unit_id"
        page_of = units.set_index(units[idcol].astype(str))["page_id"].astype(str)
        pages = page_of.reindex(frame.index.astype(str))
        if pages.isna().any():
            missing = frame.index[pages.isna().to_numpy()][:5].tolist()
            raise InputError(
                "coded posts not found in the units", file="units", column=idcol, got=missing
            )
        frame["page_id"] = pages.to_numpy()
    else:
        frame["page_id"] = frame.index.astype(str)
    cols: dict[str, pd.Series] = {}
    for col in [c for c in sch.columns if c in codes.columns]:
        values = frame[col]
        cats = ["1"] if sch.level(col) == "binary" else sch.allowed(col)
        for code in cats:
            ind = (values == code).astype("float64").where(values.notna())
            cols[f"{col}={code}"] = ind.groupby(frame["page_id"]).mean()
    out = pd.DataFrame(cols)
    out["n_units"] = frame.groupby("page_id").size()
    out.index.name = "page_id"
    return out


def _is_top(pages: pd.Index, points: pd.DataFrame, top: int) -> pd.Series:
    rank = points["rank"] if "rank" in points.columns else points.iloc[:, 0]
    rank = pd.Series(rank.to_numpy(dtype="float64"), index=points.index.astype(str))
    return (rank.reindex(pages.astype(str)) <= top).fillna(False).astype(bool)


def compare_top(
    coding: pd.DataFrame,
    scheme: CodingScheme | str,
    points: pd.DataFrame,
    *,
    top: int = 10,
    units: pd.DataFrame | None = None,
    method: str = "auto",
    correction: str = "holm",
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Do the Top-``top`` pages differ from the other coded pages, category by category?

    Parameters
    ----------
    coding : DataFrame
        Canonical coding table of the scheme (several coders → :func:`scheme_consensus`).
    scheme : CodingScheme or str
        The scheme (or name).
    points : DataFrame
        :func:`kommunesm.ranking.gambit_points` output (index page_id, column ``rank``).
    top : int, default 10
        Size of the top group (the report's Top-10).
    units : DataFrame, optional
        Post schemes: the coded posts (``post_id``, ``page_id``).
    method : str, default 'auto'
        Consensus method (:func:`scheme_consensus`).
    correction : str, default 'holm'
        Multiple-testing correction over all rows (:func:`kommunesm.stats.adjust_pvalues`).
    n_boot : int, default 1000
    seed : int, default 0
        Bootstrap of the rank-biserial interval.

    Returns
    -------
    DataFrame, one row per code column × category (and a ``skår`` row per ordinal
    variable): variable, column, category, n_top, n_rest (pages), share_top, share_rest,
    difference, test (``Fisher`` or ``Mann–Whitney``), effect_name (``odds_ratio`` or
    ``rank_biserial``), effect, ci_low, ci_high, p_value, p_adj, and the ``top`` and
    ``correction`` used (the same on every row). Page schemes compare the
    share of pages in the category; post schemes the pages' shares of coded posts.
    Rows without pages in both groups, or without variation, have NaN tests.

    Notes
    -----
    Two-sided tests: unlike H1–H10, the frameworks make no claim about which pages use
    which category. With ten pages per group the tests have little power; read the
    shares and intervals. Fisher via :func:`kommunesm.stats.fisher_exact`, Mann–Whitney via
    :func:`kommunesm.stats.compare_groups`.
    """
    sch = get_scheme(scheme)
    codes = scheme_consensus(coding, sch, method=method)
    shares = page_shares(codes, sch, units)
    is_top = _is_top(shares.index, points, top)
    rows = []
    for name in [c for c in shares.columns if c != "n_units"]:
        col, code = name.split("=", 1)
        x = shares[name]
        ok = x.notna()
        xt, xr = x[ok & is_top], x[ok & ~is_top]
        row: dict[str, object] = {
            "variable": sch.variable(col).id,
            "column": col,
            "category": code,
            "n_top": len(xt),
            "n_rest": len(xr),
            "share_top": float(xt.mean()) if len(xt) else np.nan,
            "share_rest": float(xr.mean()) if len(xr) else np.nan,
        }
        row["difference"] = row["share_top"] - row["share_rest"]  # type: ignore[operator]
        testable = len(xt) >= 2 and len(xr) >= 2 and x[ok].nunique() > 1
        if sch.unit == "page":
            row.update(test="Fisher", effect_name="odds_ratio")
            if testable:
                table = np.array(
                    [
                        [int(xt.sum()), int(len(xt) - xt.sum())],
                        [int(xr.sum()), int(len(xr) - xr.sum())],
                    ]
                )
                fe = stats.fisher_exact(table).iloc[0]
                row.update(
                    effect=fe["odds_ratio"],
                    ci_low=fe["ci_low"],
                    ci_high=fe["ci_high"],
                    p_value=fe["p_value"],
                )
        else:
            row.update(test="Mann–Whitney", effect_name="rank_biserial")
            if testable:
                row.update(_mw(xt, xr, n_boot, seed))
        rows.append(row)
    # ordinal variables: the score itself
    for col in [c for c in sch.columns if c in codes.columns and sch.level(c) == "ordinal"]:
        if sch.unit == "post":
            frame = codes[[col]].assign(score=sch.scores(col, codes[col]).to_numpy())
            idcol = "post_id" if units is not None and "post_id" in units.columns else "unit_id"
            page_of = units.set_index(units[idcol].astype(str))["page_id"]  # type: ignore[union-attr]
            score = frame["score"].groupby(page_of.reindex(frame.index).to_numpy()).mean()
        else:
            score = pd.Series(sch.scores(col, codes[col]).to_numpy(), index=codes.index.astype(str))
        ok = score.notna()
        top_mask = _is_top(score.index, points, top)
        st, sr = score[ok & top_mask], score[ok & ~top_mask]
        row = {
            "variable": sch.variable(col).id,
            "column": col,
            "category": "skår",
            "n_top": len(st),
            "n_rest": len(sr),
            "share_top": float(st.mean()) if len(st) else np.nan,
            "share_rest": float(sr.mean()) if len(sr) else np.nan,
            "test": "Mann–Whitney",
            "effect_name": "rank_biserial",
        }
        row["difference"] = row["share_top"] - row["share_rest"]  # type: ignore[operator]
        if len(st) >= 2 and len(sr) >= 2 and score[ok].nunique() > 1:
            row.update(_mw(st, sr, n_boot, seed))
        rows.append(row)
    cols = [
        "variable",
        "column",
        "category",
        "n_top",
        "n_rest",
        "share_top",
        "share_rest",
        "difference",
        "test",
        "effect_name",
        "effect",
        "ci_low",
        "ci_high",
        "p_value",
    ]
    out = pd.DataFrame(rows).reindex(columns=cols)
    for c in ("share_top", "share_rest", "difference", "effect", "ci_low", "ci_high", "p_value"):
        out[c] = out[c].astype("float64")
    out["p_adj"] = stats.adjust_pvalues(out["p_value"].to_numpy(), method=correction)
    out["top"] = top
    out["correction"] = correction
    return out


def _mw(a: pd.Series, b: pd.Series, n_boot: int, seed: int) -> dict[str, float]:
    res = stats.compare_groups(
        np.concatenate([a.to_numpy(), b.to_numpy()]),
        ["a_topp"] * len(a) + ["b_resten"] * len(b),
        n_boot=n_boot,
        seed=seed,
    ).iloc[0]
    return {
        "effect": float(res["rank_biserial"]),
        "ci_low": float(res["ci_low"]),
        "ci_high": float(res["ci_high"]),
        "p_value": float(res["p_value"]),
    }


# ============================================================================ simulation
def simulated_codes(
    units: pd.DataFrame,
    scheme: CodingScheme | str,
    *,
    seed: int = 0,
    flip: float = 0.1,
    p_yes: float = 0.2,
    suggestions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A SIMULATED "true" code per unit and code column (demo only).

    Starts from the scheme's suggestion where there is one (and keeps it with
    probability ``1 - flip``); elsewhere draws a category uniformly (yes/no columns: yes
    with probability ``p_yes``). Ordinal variables move one step when flipped.

    Parameters
    ----------
    units : DataFrame
        The units to code (index unit id).
    scheme : CodingScheme or str
        The scheme.
    seed : int, default 0
        Seed of the draws.
    flip : float, default 0.1
        Probability of departing from a suggestion.
    p_yes : float, default 0.2
        Probability of yes for yes/no columns without a suggestion.
    suggestions : DataFrame, optional
        The scheme's suggestions per unit (same index).

    Returns
    -------
    DataFrame
        Same index as ``units``; one column per code column; codes or ``"1"``/``"0"``.
    """
    sch = get_scheme(scheme)
    rng = np.random.default_rng(seed)
    sugg = sch.suggest(units) if suggestions is None else suggestions.reindex(units.index)
    n = len(units)
    out = pd.DataFrame(index=units.index)
    for col in sch.columns:
        allowed = sch.allowed(col)
        level = sch.level(col)
        start = (
            sugg[col].map(lambda v, c=col: sch.normalise(c, v)).to_numpy(dtype=object)
            if col in sugg.columns
            else np.full(n, None, dtype=object)
        )
        if level == "binary":
            draw = np.where(rng.random(n) < p_yes, "1", "0").astype(object)
        else:
            draw = np.asarray(allowed, dtype=object)[rng.integers(0, len(allowed), n)]
        value = np.where(pd.isna(start), draw, start).astype(object)
        move = rng.random(n) < flip
        out[col] = _perturb(sch, col, value, move, rng)
    return out


def _perturb(
    sch: CodingScheme, col: str, value: np.ndarray, move: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Change the codes where ``move``: yes/no flipped, ordinal one step (inward at the
    ends), nominal another category at random."""
    level = sch.level(col)
    value = np.asarray(value, dtype=object).copy()
    if level == "binary":
        flipped = np.where(value == "1", "0", "1").astype(object)
        return np.where(move, flipped, value).astype(object)
    scores = sch.scores(col, pd.Series(value, dtype=object)).to_numpy()
    k = len(sch.allowed(col))
    if level == "ordinal":
        step = np.where(rng.random(len(value)) < 0.5, -1.0, 1.0)
        step = np.where(scores == 0, 1.0, np.where(scores == k - 1, -1.0, step))
        new = scores + step
    else:
        new = (scores + rng.integers(1, k, len(value))) % k
    moved = np.array([sch.label_of_score(col, float(s)) for s in new], dtype=object)
    return np.where(move, moved, value).astype(object)


def fill_workbooks(
    paths: Sequence[str | Path],
    truth: pd.DataFrame,
    scheme: CodingScheme | str,
    *,
    error_rates: Mapping[str, float] | float = 0.1,
    seed: int = 0,
) -> list[Path]:
    """Fill exported workbooks with SIMULATED coders (in place): each coder (Meta sheet)
    reports ``truth`` but errs with its error rate per cell (:func:`_perturb`); the Meta
    sheet gets a ``simulated`` row (:data:`SIMULATED_NOTE`).

    Parameters
    ----------
    paths : sequence of str or Path
        Exported coding workbooks of ``scheme``.
    truth : DataFrame
        The simulated true codes (:func:`simulated_codes`).
    scheme : CodingScheme or str
        The scheme.
    error_rates : mapping of str to float or float, default 0.1
        Error rate per coder name, or one rate for all.
    seed : int, default 0
        Seed of the first coder's errors.

    Returns
    -------
    list of Path
        The workbooks filled.
    """
    from openpyxl import load_workbook

    from kommunesm.hypotheses.sheets import CODING_SHEET, META_SHEET

    sch = get_scheme(scheme)
    done = []
    for i, path in enumerate(paths):
        path = Path(path)
        wb = load_workbook(path)
        meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0]}
        coder = str(meta.get("coder"))
        rate = error_rates if isinstance(error_rates, float | int) else error_rates[coder]
        rng = np.random.default_rng(seed + 1000 * (i + 1))
        ws = wb[CODING_SHEET]
        header = [c.value for c in ws[1]]
        uid = header.index("unit_id")
        ids = [str(ws.cell(r, uid + 1).value) for r in range(2, ws.max_row + 1)]
        aligned = truth.reindex(pd.Index(ids).astype(truth.index.dtype, copy=False))
        for col in [c for c in sch.columns if c in header and c in truth.columns]:
            value = aligned[col].to_numpy(dtype=object)
            err = rng.random(len(value)) < float(rate)
            coded = _perturb(sch, col, value, err & pd.notna(value), rng)
            j = header.index(col) + 1
            for r, v in enumerate(coded, start=2):
                if v is not None and not (isinstance(v, float) and np.isnan(v)):
                    ws.cell(r, j, int(v) if v in ("0", "1") else v)
        wb[META_SHEET].append(["simulated", SIMULATED_NOTE])
        safe.save_workbook(wb, path)
        done.append(path)
    return done


# ============================================================================ the round
def _nb(x: float, decimals: int = 2) -> str:
    return narrate.number(x, decimals, "nb")


@dataclass
class CodingRound:
    """The result of :func:`coding_round`.

    Attributes
    ----------
    scheme
        The scheme coded.
    mode
        ``"innlevert"`` (the user's filled workbooks), ``"SIMULERT"`` (simulated coders on
        demo data) or ``"venter"`` (blank workbooks written; nothing coded yet).
    units
        The units coded (pages or sampled posts), with ``group`` (topp /
        sammenligning).
    paths
        The workbooks read (or written, when waiting).
    coding
        The canonical coding table (None when waiting).
    reliability
        :func:`kommunesm.hypotheses.reliability.reliability_table` per code column.
    comparison
        :func:`compare_top` result.
    message
        One paragraph (Norwegian) saying what was done and where the files are.
    """

    scheme: CodingScheme
    mode: str
    units: pd.DataFrame
    paths: list[Path]
    coding: pd.DataFrame | None = None
    reliability: pd.DataFrame | None = None
    comparison: pd.DataFrame | None = None
    message: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def simulated(self) -> bool:
        """True when the codes come from simulated coders (demo data)."""
        return self.mode == "SIMULERT"

    def tables(self) -> dict[str, pd.DataFrame]:
        """The round's tables by name: ``kategorier`` (the scheme with definitions and
        sources), ``utvalg`` (units per group), and when coded ``reliabilitet`` and
        ``sammenligning``."""
        cats = self.scheme.table()[
            ["column", "category", "definition_nb", "source", "note", "suggestion_rule"]
        ]
        group = self.units.get("group", pd.Series("", index=self.units.index))
        out = {
            "kategorier": cats,
            "utvalg": group.value_counts().rename("enheter").rename_axis("gruppe").to_frame(),
        }
        if self.reliability is not None:
            out["reliabilitet"] = self.reliability[
                [
                    "scale",
                    "n_coders",
                    "n_units",
                    "percent_agreement",
                    "alpha",
                    "alpha_ci_low",
                    "alpha_ci_high",
                    "kappa_weighted",
                    "kappa_ci_low",
                    "kappa_ci_high",
                ]
            ]
        if self.comparison is not None:
            out["sammenligning"] = self.comparison[
                [
                    "column",
                    "category",
                    "n_top",
                    "n_rest",
                    "share_top",
                    "share_rest",
                    "difference",
                    "test",
                    "effect_name",
                    "effect",
                    "ci_low",
                    "ci_high",
                    "p_value",
                    "p_adj",
                ]
            ]
        return out

    def describe(self) -> str:
        """What was coded and what came out, in Norwegian (generated from the numbers)."""
        unit = "sider" if self.scheme.unit == "page" else "innlegg"
        parts = [self.message, f"{len(self.units)} {unit} i utvalget."]
        if self.reliability is not None and self.reliability["alpha"].notna().any():
            a = self.reliability["alpha"].dropna()
            span = (
                f"var {_nb(a.iloc[0])} (én kodekolonne)"
                if len(a) == 1
                else f"var mellom {_nb(a.min())} og {_nb(a.max())} over {len(a)} kodekolonner"
            )
            parts.append(
                f"Krippendorffs alfa (skjemaets målenivå) {span}; {int((a >= 0.8).sum())} "
                "nådde 0,800 (Krippendorff 2004)."
            )
        if self.comparison is not None:
            c = self.comparison[self.comparison["category"] != "skår"].dropna(subset=["p_value"])
            if len(c):
                best = c.loc[c["difference"].abs().idxmax()]
                parts.append(
                    f"Største forskjell i andel mellom topp-{int(self.comparison['top'].iloc[0])}"
                    f" og sammenligningsgruppen: {best['column']} = {best['category']} "
                    f"({_nb(best['share_top'])} mot {_nb(best['share_rest'])}, Holm-justert "
                    f"{narrate.pvalue(best['p_adj'], 'nb')})."
                )
            else:
                parts.append("Ingen kategori kunne testes (for lite variasjon).")
        if self.simulated:
            parts.append("Tallene er SIMULERTE og viser bare beregningen.")
        return " ".join(parts)


def _page_units(
    dataset: object, chosen: pd.DataFrame, metrics: pd.DataFrame | None
) -> pd.DataFrame:
    pages = dataset.pages  # type: ignore[attr-defined]
    keep = [
        c for c in ("page_id", "name", "platform", "about_text", "open_wall") if c in pages.columns
    ]
    units = chosen[["page_id", "group", "rank"]].merge(pages[keep], on="page_id", how="left")
    if metrics is not None:
        extra = [c for c in ("page_posts", "posts_per_week") if c in metrics.columns]
        if extra:
            m = metrics[extra].copy()
            m.index = m.index.astype(str)
            units = units.join(m, on="page_id")
    if "posts_per_week" not in units.columns:
        posts = dataset.posts  # type: ignore[attr-defined]
        n = posts.groupby("page_id").size() if len(posts) else pd.Series(dtype="int64")
        units["n_posts"] = units["page_id"].map(n).fillna(0).astype("int64").to_numpy()
    return units


def coding_round(
    scheme: CodingScheme | str,
    dataset: object,
    points: pd.DataFrame,
    *,
    data_dir: str | Path | None = None,
    work_dir: str | Path,
    metrics: pd.DataFrame | None = None,
    top: int = 10,
    comparison: int = 10,
    per_page: int = 5,
    seed: int = 2013,
    coders: Sequence[str] | None = None,
    error_rates: Mapping[str, float] | None = None,
    flip: float = 0.1,
    n_boot: int = 1000,
    suggestions: pd.DataFrame | None = None,
    auto: pd.DataFrame | None = None,
) -> CodingRound:
    """One coding round of a scheme, from sample to comparison, in one call.

    1. Units: the Top-``top`` pages and a seeded comparison group of ``comparison``
       other pages (:func:`kommunesm.hypotheses.sheets.select_pages`); for post schemes
       ``per_page`` posts of each (:func:`kommunesm.hypotheses.sheets.sample_posts`).
    2. Codes: the user's filled workbooks in ``<data_dir>/coding/<scheme name>/``
       (``koding_*.xlsx``) if there are any; otherwise, on synthetic demo data only,
       SIMULATED coders (``simulert_A``, ``simulert_B``; error rates 5 % and 12 %) fill
       freshly exported workbooks in ``<work_dir>/<scheme name>/``; otherwise blank
       workbooks are written there for people to fill, and the round stops.
    3. Import with cell-precise errors, reliability per code column
       (:func:`~kommunesm.hypotheses.reliability.reliability_table` with the scheme's metric),
       and the Top-vs-rest comparison (:func:`compare_top`).

    Parameters
    ----------
    scheme : CodingScheme or str
        The scheme or its name.
    dataset : object
        A loaded :class:`kommunesm.io.dataset.Dataset` (``pages``, ``posts``,
        ``synthetic``).
    points : DataFrame
        :func:`kommunesm.ranking.gambit_points` output.
    data_dir : str or Path, optional
        The report's data directory (where ``coding/<scheme>/`` is looked for).
    work_dir : str or Path
        Where blank or simulated workbooks are written.
    metrics : DataFrame, optional
        Optional page table (``posts_per_week``, ``page_posts``) for page units.
    top : int, default 10
    comparison : int, default 10
    per_page : int, default 5
    seed : int, default 2013
        Sample design.
    coders : sequence of str, optional
        Names of the coders of blank workbooks (default ``A``, ``B``).
    error_rates : mapping of str to float, optional
    flip : float, default 0.1
        Simulation only: each simulated coder's error rate, and how often the simulated
        truth departs from the suggestions.
    n_boot : int, default 1000
        Bootstrap resamples of the intervals.
    suggestions : DataFrame, optional
        Extra suggestions (index unit id, columns named like the code columns) that
        need more than the units table, e.g. the automatic H1–H10 ratings
        (:func:`~kommunesm.hypotheses.definitions.rate_pages`); they take precedence over
        the scheme's own rules. Shown as ``forslag_…``; the simulation starts from them.
    auto : DataFrame, optional
        Read-only information per unit shown as ``auto_…`` (e.g. matched words).

    Returns
    -------
    CodingRound
        Units, codes, reliability and the Top-vs-rest comparison of the round (or the
        blank workbooks written, when nobody has coded yet).
    """
    from kommunesm.hypotheses import scheme_sheets as ss
    from kommunesm.hypotheses.reliability import reliability_table
    from kommunesm.hypotheses.sheets import filled_sheets, sample_posts, select_pages

    sch = get_scheme(scheme)
    chosen = select_pages(points, top=top, comparison=comparison, seed=seed)
    pages_units = _page_units(dataset, chosen, metrics)
    if sch.unit == "post":
        posts = dataset.posts  # type: ignore[attr-defined]
        sample = sample_posts(posts, per_page=per_page, seed=seed, pages=chosen["page_id"])
        units = sample.drop(columns="sample_key").merge(
            pages_units[["page_id", "group"] + (["name"] if "name" in pages_units else [])],
            on="page_id",
            how="left",
        )
    else:
        units = pages_units
    idcol = "post_id" if sch.unit == "post" else "page_id"
    indexed = units.set_axis(units[idcol].astype(str).to_numpy())
    sugg = sch.suggest(indexed)
    if suggestions is not None:
        extra = suggestions.copy()
        extra.index = extra.index.astype(str)
        extra = extra[[c for c in extra.columns if c in sch.columns]].reindex(indexed.index)
        sugg = extra.astype(object).combine_first(sugg) if len(sugg.columns) else extra
        sugg = sugg[[c for c in sch.columns if c in sugg.columns]]
    user = filled_sheets(Path(data_dir) / "coding" / sch.name) if data_dir is not None else []
    out_dir = Path(work_dir) / sch.name
    synthetic = bool(getattr(dataset, "synthetic", False))
    where = f"`{Path(data_dir) / 'coding' / sch.name}`" if data_dir is not None else "data_dir"
    if user:
        paths, mode = user, "innlevert"
        message = f"Kodingen er lest fra {len(user)} utfylte arbeidsbøker i {where}."
    elif synthetic:
        names = list(coders) if coders else ["simulert_A", "simulert_B"]
        rates = dict(error_rates) if error_rates else dict(zip(names, (0.05, 0.12), strict=False))
        paths = ss.export_coding_sheets(units, sch, names, out_dir, suggestions=sugg, auto=auto)
        truth = simulated_codes(indexed, sch, seed=seed + 1, flip=flip, suggestions=sugg)
        fill_workbooks(paths, truth, sch, error_rates=rates, seed=seed + 2)
        mode = "SIMULERT"
        message = (
            "**SIMULERT KODING.** Ingen har kodet de syntetiske demodataene: to simulerte "
            "kodere fylte ut arbeidsbøkene (feilrate "
            + ", ".join(f"{k} {100 * v:.0f} %" for k, v in rates.items())
            + ") ut fra en simulert fasit som bygger på skjemaets automatiske forslag. "
            "Reliabiliteten og sammenligningen under viser beregningen, ikke et funn. "
            f"Med egne data: fyll ut arbeidsbøkene og legg dem i {where}."
        )
    else:
        names = list(coders) if coders else ["A", "B"]
        paths = ss.export_coding_sheets(units, sch, names, out_dir, suggestions=sugg, auto=auto)
        return CodingRound(
            sch,
            "venter",
            units,
            paths,
            message=(
                f"Ingen koding ennå: fyll ut arbeidsbøkene i `{out_dir}` og legg dem i {where}."
            ),
        )
    coding = ss.import_coding(paths, sch)
    rel = reliability_table(coding, scheme=sch, n_boot=n_boot, seed=seed)
    comp = compare_top(
        coding,
        sch,
        points,
        top=top,
        units=units if sch.unit == "post" else None,
        n_boot=n_boot,
        seed=seed,
    )
    return CodingRound(sch, mode, units, list(paths), coding, rel, comp, message)

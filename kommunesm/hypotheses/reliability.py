"""Inter-coder reliability of the hypothesis coding, and agreement of automatic codes
with human ones.

Johnsen, Jørgensen & Aaneland (2013, s. 13–14, section 2.5) rated the
pages with one coder and reported no reliability. With two or more coders (see
:mod:`kommunesm.hypotheses.sheets`), :func:`reliability` gives per hypothesis

* **Krippendorff's alpha** with the *ordinal* metric (the scale Dårlig < Kan bli bedre
  < Bra is ordered) and the *nominal* metric, for any number of coders and missing
  codes (Krippendorff, K. (2004). *Content Analysis*, 2nd ed., ch. 11; Krippendorff,
  K. (2011). Computing Krippendorff's alpha-reliability, Annenberg School for
  Communication, departmental paper 43);
* for exactly two coders, **Cohen's kappa**, weighted (linear weights by default) for
  the ordinal scale (Cohen, J. (1968). Weighted kappa. *Psychological Bulletin* 70,
  213–220); for yes/no codes the weighted and plain kappa coincide;
* percentile **bootstrap confidence intervals** from resampling units (the unit is what
  is sampled in a coding study); note that Hayes & Krippendorff (2007, *Communication
  Methods and Measures* 1, 77–89) bootstrap pairable values instead, which gives
  similar intervals for the small tables here.

The computation is our own (vectorised coincidence matrices); the tests check it
against the ``krippendorff`` package on fixed tables. :func:`auto_agreement` compares
the automatic coders of :mod:`~kommunesm.hypotheses.coders` with each human coder.

Examples
--------
>>> import numpy as np
>>> data = np.array([[2, 1, 0, 2, np.nan], [2, 1, 1, 2, 0]])
>>> round(krippendorff_alpha(data, level="nominal"), 3)
0.632
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kommunesm.hypotheses.catalogue import get_scheme
from kommunesm.hypotheses.definitions import HYPOTHESIS_IDS, to_score
from kommunesm.hypotheses.schemes import CodingScheme

__all__ = [
    "auto_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "reliability_table",
    "reliability_matrix",
]


# ----------------------------------------------------------------------------- alpha
def _unit_contributions(data: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """Per-unit coincidence contributions, shape (units, C, C); units with fewer than
    two values contribute zeros (not pairable)."""
    data = np.asarray(data, dtype="float64")
    onehot = (data[:, :, None] == categories[None, None, :]).astype("float64")  # coders×U×C
    counts = onehot.sum(axis=0)  # U × C
    m = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(m >= 2, 1.0 / (m - 1), 0.0)
    outer = counts[:, :, None] * counts[:, None, :]
    diag = np.einsum("uc,cd->ucd", counts, np.eye(len(categories)))
    return (outer - diag) * w[:, None, None]


def _delta2(n_c: np.ndarray, categories: np.ndarray, level: str) -> np.ndarray:
    """Squared distance matrices, shape (..., C, C), from marginals ``n_c`` (..., C)."""
    c = len(categories)
    if level == "nominal":
        d = 1.0 - np.eye(c)
        return np.broadcast_to(d, n_c.shape[:-1] + (c, c)).copy()
    if level == "interval":
        d = (categories[:, None] - categories[None, :]) ** 2
        return np.broadcast_to(d, n_c.shape[:-1] + (c, c)).copy()
    if level == "ordinal":
        cum = np.cumsum(n_c, axis=-1)
        lo = np.minimum.outer(np.arange(c), np.arange(c))
        hi = np.maximum.outer(np.arange(c), np.arange(c))
        # sum_{g=lo..hi} n_g = cum[hi] - cum[lo] + n[lo]
        s = np.take(cum, hi, axis=-1) - np.take(cum, lo, axis=-1) + np.take(n_c, lo, axis=-1)
        half = (n_c[..., :, None] + n_c[..., None, :]) / 2
        return (s - half) ** 2
    raise ValueError("level must be 'nominal', 'ordinal' or 'interval'")


def _alpha_from_o(o: np.ndarray, categories: np.ndarray, level: str) -> np.ndarray:
    """Alpha from coincidence matrices o (..., C, C)."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    d2 = _delta2(n_c, categories, level)
    d_o = (o * d2).sum(axis=(-2, -1))
    d_e = (n_c[..., :, None] * n_c[..., None, :] * d2).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1) * d_o / d_e
    return np.where((d_e > 0) & (n > 1), alpha, np.nan)


def krippendorff_alpha(
    data: np.ndarray | pd.DataFrame,
    *,
    level: str = "ordinal",
    categories: Sequence[float] | None = None,
) -> float:
    """Krippendorff's alpha of a reliability matrix.

    Parameters
    ----------
    data : ndarray or DataFrame
        Coders × units, numeric codes (ordered for the ordinal metric), NaN where a coder
        did not code a unit.
    level : str, default 'ordinal'
        ``"ordinal"``, ``"nominal"`` or ``"interval"``.
    categories : sequence of float, optional
        All possible values (default: those observed). Unobserved categories do not
        change alpha.

    Returns
    -------
    float
        Alpha (NaN when there is no variation, so expected disagreement is zero).
    """
    arr = np.asarray(data, dtype="float64")
    cats = np.asarray(
        sorted(set(np.unique(arr[np.isfinite(arr)]))) if categories is None else categories,
        dtype="float64",
    )
    if len(cats) == 0:
        return float("nan")
    o = _unit_contributions(arr, cats).sum(axis=0)
    return float(_alpha_from_o(o, cats, level))


# ----------------------------------------------------------------------------- kappa
def _kappa_weights(c: int, weights: str | None) -> np.ndarray:
    i = np.arange(c)
    if weights is None or c < 2:
        return 1.0 - np.eye(c)
    dist = np.abs(i[:, None] - i[None, :]) / (c - 1)
    if weights == "linear":
        return dist
    if weights == "quadratic":
        return dist**2
    raise ValueError("weights must be None, 'linear' or 'quadratic'")


def _kappa_from_table(table: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted kappa from confusion tables (..., C, C) of counts."""
    n = table.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = table / n[..., None, None]
        expected = p.sum(axis=-1)[..., :, None] * p.sum(axis=-2)[..., None, :]
        num = (w * p).sum(axis=(-2, -1))
        den = (w * expected).sum(axis=(-2, -1))
        kappa = 1.0 - num / den
    return np.where(den > 0, kappa, np.nan)


def cohen_kappa(
    a: Sequence[float],
    b: Sequence[float],
    *,
    weights: str | None = "linear",
    categories: Sequence[float] | None = None,
) -> float:
    """Cohen's kappa of two coders (pairs with a missing value are dropped).

    Parameters
    ----------
    a, b : sequence of float
        Numeric codes of the same units.
    weights : str, default 'linear'
        ``None`` (plain kappa), ``"linear"`` or ``"quadratic"`` disagreement weights
        over the ordered categories.
    categories : sequence of float, optional
        All possible values, in order (default: those observed).

    Returns
    -------
    float
        Kappa: 1 for perfect agreement, 0 for agreement at chance level; NaN if fewer than
        two complete pairs or a single category.

    Examples
    --------
    >>> round(cohen_kappa([2, 1, 0, 2], [2, 1, 1, 2], weights=None), 3)
    0.6
    """
    x = np.asarray(a, dtype="float64")
    y = np.asarray(b, dtype="float64")
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    cats = np.asarray(
        sorted(set(x) | set(y)) if categories is None else categories, dtype="float64"
    )
    if len(x) == 0 or len(cats) == 0:
        return float("nan")
    ix = np.searchsorted(cats, x)
    iy = np.searchsorted(cats, y)
    table = np.zeros((len(cats), len(cats)))
    np.add.at(table, (ix, iy), 1)
    return float(_kappa_from_table(table, _kappa_weights(len(cats), weights)))


# ----------------------------------------------------------------------------- tables
def reliability_matrix(
    coding: pd.DataFrame, hypothesis: str, scheme: CodingScheme | None = None
) -> pd.DataFrame:
    """Coders × units numeric matrix for one hypothesis (code column) of a canonical
    coding table: Bra 2, Kan bli bedre 1, Dårlig 0, or 1/0; with ``scheme``, the
    category positions of :meth:`CodingScheme.scores`.

    Parameters
    ----------
    coding : DataFrame
        Canonical coding table (one row per unit, coder and hypothesis).
    hypothesis : str
        The code column (e.g. ``"H1"``).
    scheme : CodingScheme, optional
        The coding scheme whose category positions give the numbers (default: the
        Bra / Kan bli bedre / Dårlig scale and yes/no).

    Returns
    -------
    DataFrame
        Coders as rows, units as columns, numeric codes (NaN where a coder did not code a
        unit) — the layout :func:`krippendorff_alpha` takes.
    """
    sub = coding[coding["hypothesis"] == hypothesis]
    scores = (
        scheme.scores(hypothesis, sub["value"]).to_numpy()
        if scheme is not None
        else to_score(sub["value"]).to_numpy()
    )
    frame = pd.DataFrame(
        {
            "coder": sub["coder"].astype(str).to_numpy(),
            "unit_id": sub["unit_id"].astype(str).to_numpy(),
            "score": scores,
        }
    )
    return frame.pivot_table(
        index="coder", columns="unit_id", values="score", aggfunc="first", dropna=False
    ).sort_index()


def _scale_of(values: pd.Series) -> str:
    """``binary`` if the (normalised) values are yes/no codes, else ``ordinal``."""
    from kommunesm.hypotheses.definitions import normalise_value

    v = set(values.map(normalise_value).dropna())
    return "binary" if v and v <= {"0", "1"} else "ordinal"


def _ci(boot: np.ndarray, confidence: float) -> tuple[float, float]:
    boot = boot[np.isfinite(boot)]
    if len(boot) < 10:
        return float("nan"), float("nan")
    q = (1 - confidence) / 2
    lo, hi = np.quantile(boot, [q, 1 - q])
    return float(lo), float(hi)


def _ordered_hypotheses(values: Sequence[str]) -> list[str]:
    vals = list(dict.fromkeys(values))
    known = [h for h in HYPOTHESIS_IDS if h in vals]
    return known + sorted(h for h in vals if h not in HYPOTHESIS_IDS)


def reliability_table(
    coding: pd.DataFrame,
    *,
    hypotheses: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    kappa_weights: str = "linear",
    scheme: CodingScheme | str | None = None,
) -> pd.DataFrame:
    """Inter-coder reliability per hypothesis — or per code column of any coding scheme.

    Parameters
    ----------
    coding : DataFrame
        Canonical coding table: unit_id, hypothesis, coder, value (Bra / Kan bli bedre /
        Dårlig, or 1/0 for yes/no codes).
    hypotheses, coders : sequence of str, optional
        Restrict to these (default: all in the table; coder ``"auto"`` is always left
        out — compare it with :func:`auto_agreement`).
    n_boot : int, default 1000
    seed : int, default 0
    confidence : float, default 0.95
        Bootstrap resamples of units, seed and level of the percentile intervals
        (``n_boot=0``: no intervals).
    kappa_weights : str, default 'linear'
        Weights of Cohen's kappa for the ordinal scale (``"linear"``, ``"quadratic"`` or
        None); yes/no codes always use plain kappa.
    scheme : CodingScheme or str, optional
        A :class:`~kommunesm.hypotheses.schemes.CodingScheme` (or name): the values are
        its categories, nominal variables get the nominal alpha and plain kappa,
        ordinal ones the ordinal alpha and weighted kappa; default: the H1–H10 labels.

    Returns
    -------
    DataFrame indexed by hypothesis (code column) with columns scale (``ordinal``,
    ``nominal`` or ``binary``), alpha (the alpha of that metric) with alpha_ci_low and
    alpha_ci_high, n_coders, n_units (units coded by
    at least two coders), n_values, percent_agreement (share of agreeing coder pairs),
    alpha_ordinal, alpha_ordinal_ci_low, alpha_ordinal_ci_high, alpha_nominal,
    alpha_nominal_ci_low, alpha_nominal_ci_high, kappa_weighted, kappa_ci_low,
    kappa_ci_high (kappa only for exactly two coders) and kappa_weights.

    Examples
    --------
    >>> coding = pd.DataFrame({
    ...     "unit_id": ["a", "b", "c", "d"] * 2, "hypothesis": "H3",
    ...     "coder": ["A"] * 4 + ["B"] * 4,
    ...     "value": ["Bra", "Dårlig", "Kan bli bedre", "Bra",
    ...               "Bra", "Dårlig", "Bra", "Bra"]})
    >>> rel = reliability_table(coding, n_boot=0)
    >>> int(rel.loc["H3", "n_units"]), float(rel.loc["H3", "percent_agreement"])
    (4, 0.75)
    """
    data = coding[coding["coder"].astype(str) != "auto"]
    if coders is not None:
        data = data[data["coder"].isin(list(coders))]
    sch = get_scheme(scheme) if scheme is not None else None
    if sch is not None:
        present = set(data["hypothesis"])
        wanted = list(hypotheses) if hypotheses is not None else sch.columns
        hyps = [c for c in wanted if c in present or hypotheses is not None]
    else:
        hyps = _ordered_hypotheses(hypotheses if hypotheses is not None else data["hypothesis"])
    rng = np.random.default_rng(seed)
    rows = []
    for h in hyps:
        sub = data[data["hypothesis"] == h]
        if sch is not None:
            scale = sch.level(h)
            cats = sch.categories_of(h)
        else:
            scale = _scale_of(sub["value"])
            cats = np.array([0.0, 1.0]) if scale == "binary" else np.array([0.0, 1.0, 2.0])
        mat = reliability_matrix(sub, h, sch) if len(sub) else pd.DataFrame()
        arr = mat.to_numpy(dtype="float64") if len(mat) else np.empty((0, 0))
        n_coders = arr.shape[0]
        pairable = (np.isfinite(arr).sum(axis=0) >= 2) if arr.size else np.array([], bool)
        arr = arr[:, pairable] if arr.size else arr
        n_units = int(pairable.sum())
        row: dict[str, object] = {
            "hypothesis": h,
            "scale": scale,
            "n_coders": n_coders,
            "n_units": n_units,
            "n_values": int(np.isfinite(arr).sum()) if arr.size else 0,
        }
        if n_units == 0:
            rows.append(row)
            continue
        contrib = _unit_contributions(arr, cats)  # U × C × C
        o = contrib.sum(axis=0)
        row["percent_agreement"] = float(np.trace(o) / o.sum()) if o.sum() else np.nan
        boot_idx = rng.integers(0, n_units, size=(n_boot, n_units)) if n_boot else None
        if boot_idx is not None:
            weights = np.zeros((n_boot, n_units))
            np.add.at(weights, (np.repeat(np.arange(n_boot), n_units), boot_idx.ravel()), 1)
            o_boot = np.einsum("bu,ucd->bcd", weights, contrib)
        for level in ("ordinal", "nominal"):
            row[f"alpha_{level}"] = float(_alpha_from_o(o, cats, level))
            lo, hi = (
                _ci(_alpha_from_o(o_boot, cats, level), confidence)
                if boot_idx is not None
                else (np.nan, np.nan)
            )
            row[f"alpha_{level}_ci_low"], row[f"alpha_{level}_ci_high"] = lo, hi
        own = "ordinal" if scale == "ordinal" else "nominal"
        row["alpha"] = row[f"alpha_{own}"]
        row["alpha_ci_low"] = row[f"alpha_{own}_ci_low"]
        row["alpha_ci_high"] = row[f"alpha_{own}_ci_high"]
        w_name = kappa_weights if scale == "ordinal" else None
        if n_coders == 2:
            a, b = arr
            both = np.isfinite(a) & np.isfinite(b)
            ia = np.searchsorted(cats, a[both])
            ib = np.searchsorted(cats, b[both])
            c = len(cats)
            pair = np.zeros((int(both.sum()), c * c))
            pair[np.arange(len(ia)), ia * c + ib] = 1.0
            table = pair.sum(axis=0).reshape(c, c)
            w = _kappa_weights(c, w_name)
            row["kappa_weighted"] = float(_kappa_from_table(table, w))
            if boot_idx is not None and len(ia):
                idx = rng.integers(0, len(ia), size=(n_boot, len(ia)))
                tb = pair[idx].sum(axis=1).reshape(n_boot, c, c)
                row["kappa_ci_low"], row["kappa_ci_high"] = _ci(
                    _kappa_from_table(tb, w), confidence
                )
        row["kappa_weights"] = (w_name or "none") if n_coders == 2 else None
        rows.append(row)
    cols = [
        "hypothesis",
        "scale",
        "n_coders",
        "n_units",
        "n_values",
        "percent_agreement",
        "alpha",
        "alpha_ci_low",
        "alpha_ci_high",
        "alpha_ordinal",
        "alpha_ordinal_ci_low",
        "alpha_ordinal_ci_high",
        "alpha_nominal",
        "alpha_nominal_ci_low",
        "alpha_nominal_ci_high",
        "kappa_weighted",
        "kappa_ci_low",
        "kappa_ci_high",
        "kappa_weights",
    ]
    out = pd.DataFrame(rows).reindex(columns=cols).set_index("hypothesis")
    for c in cols[5:-1]:
        out[c] = out[c].astype("float64")
    return out


def auto_agreement(
    coding: pd.DataFrame,
    auto: pd.DataFrame,
    *,
    coders: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    kappa_weights: str = "linear",
) -> pd.DataFrame:
    """Agreement of automatic codes with each human coder.

    Parameters
    ----------
    coding : DataFrame
        Canonical coding table of the human coders.
    auto : DataFrame
        Automatic codes: either a coding table (coder ``"auto"``) or a wide table indexed
        by unit id with columns ``H5_du_form`` / ``H5`` etc. (booleans, 1/0 or labels),
        as returned by :func:`~kommunesm.hypotheses.coders.auto_code`.
    coders : sequence of str, optional
        Human coders to compare (default: all but ``"auto"``).
    n_boot : int, default 1000
        Bootstrap resamples of units for the kappa interval (0: none).
    seed : int, default 0
        Seed of the bootstrap (same seed, same intervals).
    confidence : float, default 0.95
        Level of the percentile interval.
    kappa_weights : str, default 'linear'
        Disagreement weights of kappa on the ordinal scale (see :func:`cohen_kappa`).

    Returns
    -------
    DataFrame
        Indexed by (hypothesis, coder) with n (units coded by both), agreement
    (share equal), kappa (weighted for the ordinal scale) with bootstrap CI, and for
    yes/no codes the human and automatic prevalence and the precision and recall of the
    automatic coder taking the human as reference.
    """
    from kommunesm.hypotheses.sheets import coding_from_frame

    if {"unit_id", "hypothesis", "coder", "value"} <= set(auto.columns):
        auto_long = auto
    else:
        wide = auto.rename(columns=lambda c: str(c).split("_")[0])
        wide = wide.loc[:, ~wide.columns.duplicated()]
        auto_long = coding_from_frame(
            wide, "auto", [c for c in wide.columns if c in HYPOTHESIS_IDS]
        )
    humans = coding[coding["coder"].astype(str) != "auto"]
    if coders is not None:
        humans = humans[humans["coder"].isin(list(coders))]
    scales = {
        h: _scale_of(pd.concat([g, humans.loc[humans["hypothesis"] == h, "value"]]))
        for h, g in auto_long.groupby("hypothesis")["value"]
    }
    a = auto_long.assign(auto=to_score(auto_long["value"]).to_numpy())[
        ["unit_id", "hypothesis", "auto"]
    ]
    h = humans.assign(human=to_score(humans["value"]).to_numpy())[
        ["unit_id", "hypothesis", "coder", "human"]
    ]
    merged = h.merge(a, on=["unit_id", "hypothesis"], how="inner").dropna(subset=["human", "auto"])
    rng = np.random.default_rng(seed)
    rows = []
    for (hyp, coder), g in merged.groupby(["hypothesis", "coder"], sort=False):
        binary = scales.get(hyp) == "binary"
        cats = np.array([0.0, 1.0]) if binary else np.array([0.0, 1.0, 2.0])
        c = len(cats)
        w = _kappa_weights(c, None if binary else kappa_weights)
        ih = np.searchsorted(cats, g["human"].to_numpy())
        ia = np.searchsorted(cats, g["auto"].to_numpy())
        pair = np.zeros((len(g), c * c))
        pair[np.arange(len(g)), ih * c + ia] = 1.0
        table = pair.sum(axis=0).reshape(c, c)
        row = {
            "hypothesis": hyp,
            "coder": coder,
            "n": len(g),
            "agreement": float(np.mean(ih == ia)),
            "kappa": float(_kappa_from_table(table, w)),
        }
        if n_boot:
            idx = rng.integers(0, len(g), size=(n_boot, len(g)))
            tb = pair[idx].sum(axis=1).reshape(n_boot, c, c)
            row["kappa_ci_low"], row["kappa_ci_high"] = _ci(_kappa_from_table(tb, w), confidence)
        if binary:
            hum = g["human"].to_numpy() == 1
            aut = g["auto"].to_numpy() == 1
            row["prevalence_human"] = float(hum.mean())
            row["prevalence_auto"] = float(aut.mean())
            row["precision"] = float((hum & aut).sum() / aut.sum()) if aut.any() else np.nan
            row["recall"] = float((hum & aut).sum() / hum.sum()) if hum.any() else np.nan
        rows.append(row)
    cols = [
        "hypothesis",
        "coder",
        "n",
        "agreement",
        "kappa",
        "kappa_ci_low",
        "kappa_ci_high",
        "prevalence_human",
        "prevalence_auto",
        "precision",
        "recall",
    ]
    out = pd.DataFrame(rows).reindex(columns=cols)
    if len(out):
        order = {hid: i for i, hid in enumerate(HYPOTHESIS_IDS)}
        out = out.sort_values(
            ["hypothesis", "coder"], key=lambda s: s.map(order) if s.name == "hypothesis" else s
        )
    return out.set_index(["hypothesis", "coder"])

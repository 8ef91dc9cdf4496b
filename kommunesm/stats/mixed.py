"""Mixed models for the municipality-year panel (:func:`kommunesm.panel.page_years`).

Pages of the same municipality (its Facebook page and Instagram account, and the same
page in several years) are not independent observations. :func:`mixed_model` fits a
linear mixed model with a random intercept per municipality (statsmodels ``MixedLM``),
or a GEE with an exchangeable working correlation within municipality
(``method="gee"``), and returns a tidy table: one row per fixed effect with its
estimate, standard error, z, p-value, 95 % confidence interval and a standardised
effect (β × SD(x) / SD(y), for numeric terms), plus the model's n, number of
municipalities, the random-intercept variance and its intra-class correlation.

Reference: statsmodels ``MixedLM`` (Lindstrom & Bates 1988 estimation; REML by
default) and ``GEE`` (Liang & Zeger 1986).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from kommunesm import narrate
from kommunesm.narrate import gettext as _

__all__ = ["MODEL_COLUMNS", "describe_mixed", "mixed_model"]

#: Columns of the tidy result.
MODEL_COLUMNS = [
    "term",
    "estimate",
    "std_error",
    "z",
    "p_value",
    "ci_low",
    "ci_high",
    "std_effect",
    "n_obs",
    "n_groups",
    "method",
    "converged",
    "group_variance",
    "icc",
    "n_dropped",
]


def _clean(data: pd.DataFrame, formula: str, groups: str) -> pd.DataFrame:
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula))
    cols = [c for c in data.columns if c in names or c == groups]
    used = data[cols].copy()
    for col in used.columns:
        if pd.api.types.is_extension_array_dtype(used[col].dtype):
            if pd.api.types.is_bool_dtype(used[col].dtype):
                used[col] = used[col].astype("float64")
            elif pd.api.types.is_numeric_dtype(used[col].dtype):
                used[col] = used[col].astype("float64")
            else:
                used[col] = used[col].astype("object")
    integer = [c for c in cols if pd.api.types.is_integer_dtype(data[c].dtype)]
    used = used.replace([np.inf, -np.inf], np.nan).dropna()
    used = used[used[groups].astype("str") != "nan"]
    # whole numbers stay whole (a year is 2013 in term names, not 2013.0)
    return used.astype({c: "int64" for c in integer if c != groups})


def mixed_model(
    data: pd.DataFrame,
    formula: str,
    *,
    groups: str = "kommunenummer_2024",
    method: str = "mixedlm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Fit ``formula`` with municipality random effects and return a tidy table.

    Parameters
    ----------
    data : DataFrame
        The panel (one row per page and year).
    formula : str
        A patsy formula, e.g. ``"engagement_per_1000 ~ log_population + C(platform)"``.
    groups : str, default "kommunenummer_2024"
        Column of the grouping factor (default: the municipality's 2024 code).
    method : {"mixedlm", "gee"}
        ``"mixedlm"`` (random intercept, REML) or ``"gee"`` (exchangeable correlation,
        robust standard errors).
    alpha : float, default 0.05
        1 − confidence level of the intervals.

    Returns
    -------
    DataFrame
        One row per term, the columns of :data:`MODEL_COLUMNS`. The model-level values
        repeat on every row: ``n_obs``, ``n_groups``, ``method``, ``converged``,
        ``group_variance`` and ``icc`` (the municipalities' share of the variance; MixedLM
        only, else NaN) and ``n_dropped`` (rows left out for a missing value).

    Raises
    ------
    ValueError
        If fewer than 2 municipalities or fewer observations than parameters remain.
    """
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    used = _clean(data, formula, groups)
    n_groups = used[groups].nunique()
    if n_groups < 2:
        raise ValueError(
            f"a model with {groups} random effects needs at least 2 groups; "
            f"{n_groups} left after dropping rows with missing values"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if method == "mixedlm":
            model = smf.mixedlm(formula, used, groups=used[groups])
            result = model.fit(reml=True)
            converged = bool(getattr(result, "converged", True))
            params = result.fe_params
            bse = result.bse_fe
            group_var = float(result.cov_re.iloc[0, 0])
            resid_var = float(result.scale)
        elif method == "gee":
            model = smf.gee(formula, groups, used, cov_struct=sm.cov_struct.Exchangeable())
            result = model.fit()
            converged = True
            params = result.params
            bse = result.bse
            group_var = resid_var = np.nan
        else:
            raise ValueError(f"method must be 'mixedlm' or 'gee', not {method!r}")
    if any("converge" in str(w.message).lower() for w in caught):
        converged = False
    from scipy import stats

    zcrit = stats.norm.ppf(1 - alpha / 2)
    est = params.astype("float64")
    se = bse.reindex(est.index).astype("float64")
    z = est / se
    design = model.exog
    names = list(model.exog_names)
    y_sd = float(np.std(model.endog, ddof=1))
    x_sd = pd.Series(np.std(design, axis=0, ddof=1), index=names)
    std_effect = (est * x_sd.reindex(est.index) / y_sd).where(x_sd.reindex(est.index) > 0)
    table = pd.DataFrame(
        {
            "term": est.index,
            "estimate": est.to_numpy(),
            "std_error": se.to_numpy(),
            "z": z.to_numpy(),
            "p_value": 2 * stats.norm.sf(np.abs(z.to_numpy())),
            "ci_low": (est - zcrit * se).to_numpy(),
            "ci_high": (est + zcrit * se).to_numpy(),
            "std_effect": std_effect.to_numpy(),
            "n_obs": len(used),
            "n_groups": n_groups,
            "method": method,
            "converged": converged,
            "group_variance": group_var,
            "icc": group_var / (group_var + resid_var) if method == "mixedlm" else np.nan,
            "n_dropped": len(data) - len(used),
        }
    )[MODEL_COLUMNS]
    table.loc[table["term"] == "Intercept", "std_effect"] = np.nan
    return table


def describe_mixed(
    table: pd.DataFrame,
    term: str,
    *,
    x_label: str,
    y_label: str,
    log_outcome: bool = False,
    synthetic: bool = False,
    lang: str | None = None,
) -> str:
    """One plain-language sentence about ``term`` in a :func:`mixed_model` table, in the
    report language (message catalogue and number formats of :mod:`kommunesm.narrate`).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`mixed_model`.
    term : str
        The fixed effect described (a row of ``table["term"]``).
    x_label, y_label : str
        Words for the term and the outcome (bokmål message ids, translated).
    log_outcome : bool, default False
        The outcome is a natural log: the estimate is reported as a percentage difference
        in the outcome (100 × (exp(β) − 1)), with its interval transformed the same way.
    synthetic : bool, default False
        Add that the numbers come from the synthetic demo panel.
    lang : {"nb", "en"}, optional
        Language of the sentence (default: the report language, bokmål unless set).

    Returns
    -------
    str
        The sentence, with the interval, p-value, number of municipalities and the
        intra-class correlation of a MixedLM fit; the verdict follows the interval (one
        that includes zero never claims an association).
    """
    row = table.set_index("term").loc[term]
    est, lo, hi, p = row["estimate"], row["ci_low"], row["ci_high"], row["p_value"]
    groups = int(row["n_groups"])
    x, y = _(x_label, lang=lang), _(y_label, lang=lang)
    if log_outcome:
        a, b, c = (narrate.number(100 * (np.exp(v) - 1), 1, lang, sign=True) for v in (est, lo, hi))
        size = _("{a} % i {y} (95 % KI {b} til {c} %)", lang=lang, a=a, b=b, c=c, y=y)
    else:
        a, b, c = (narrate.number(v, 3, lang, sign=True) for v in (est, lo, hi))
        size = _("{a} i {y} (95 % KI {b} til {c})", lang=lang, a=a, b=b, c=c, y=y)
    excludes_zero = lo > 0 or hi < 0
    lead = (
        _("Sammenlignet med referansenivået henger {x} sammen med", lang=lang, x=x)
        if "[T." in term
        else _("Én enhet mer {x} henger sammen med", lang=lang, x=x)
    )
    interval = (
        _("intervallet inneholder ikke null", lang=lang)
        if excludes_zero
        else _("intervallet inneholder null", lang=lang)
    )
    text = _(
        "{lead} {size}, når de andre leddene holdes konstante og hver av de {groups} "
        "kommunene har sitt eget nivå ({p}; {interval}). Dette er en sammenheng i "
        "observasjonsdata, ikke en påvist effekt.",
        lang=lang,
        lead=lead,
        size=size,
        groups=narrate.integer(groups, lang),
        p=narrate.pvalue(p, lang),
        interval=interval,
    )
    icc = table["icc"].iloc[0] if "icc" in table.columns and len(table) else None
    if icc is not None and icc == icc:
        text += " " + _(
            "Andel av variansen mellom kommunene (ICC): {icc}.",
            lang=lang,
            icc=narrate.number(icc, 2, lang),
        )
    if synthetic:
        text += " " + _(
            "(Syntetiske demodata: tallene viser metoden, ikke virkelige kommuner.)", lang=lang
        )
    return text

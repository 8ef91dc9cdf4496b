"""Do the published numbers agree with each other? Arithmetic checks of ``facts.csv``.

GRIM (:mod:`kommunesm.stats.consistency`) asks whether a percentage is possible with its base.
Many published numbers can be checked against each other as well: parts that must add
up to a total, a stated share that must equal the ratio of two stated counts, a stated
mean that must equal a total over a count. :data:`FACT_CHECKS` declares these relations
(each with where the numbers are printed); :func:`fact_checks` evaluates them.

Like GRIM, a check uses only values printed as numbers (``precision`` = ``exact`` in
``facts.csv``): a verbal fraction or a bound ("over 525 000") is not a number to do
arithmetic with, so a check that needs one is reported as not applicable, with the
reason. A stated value is matched at the precision it is printed with (``decimals``):
"62 %" is consistent with 61.9 %, "about 740" (tens) with 738.

Examples
--------
>>> import pandas as pd
>>> facts = pd.DataFrame({"study": "s", "table": "t", "item": ["a", "b", "total"],
...                       "value": ["10", "5", "15"], "n_base": None, "precision": "exact"})
>>> check = FactCheck("sum", "a + b = total", "s", ("a", "b"), "sum", stated=("total",))
>>> fact_checks(facts, [check])[["check", "computed", "stated", "consistent"]].values.tolist()
[['sum', 15.0, 15.0, True]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["FACT_CHECKS", "FactCheck", "fact_checks"]


@dataclass(frozen=True)
class FactCheck:
    """One relation between published numbers.

    Parameters
    ----------
    name
        Identifier.
    description
        What is checked, in words.
    study
        The ``study`` of the facts involved.
    items
        The facts the computation uses (``item`` names; ``"item:n_base"`` takes the
        fact's base instead of its value).
    op
        ``"sum"`` (items added), ``"ratio"`` (first / second × ``scale``) or ``"le"``
        (the sum of the items must not exceed the stated value).
    stated
        What the result must equal: a number printed in the source (``float``), or a
        fact (``("item",)`` or ``("item:n_base",)``).
    decimals
        Precision the stated value is printed with (``-1``: tens, "about 740").
    scale
        Multiplier of a ratio (100 for a percentage).
    source
        Where the stated value is printed, when it is not a fact of its own.
    """

    name: str
    description: str
    study: str
    items: tuple[str, ...]
    op: str
    stated: float | tuple[str, ...] = 0.0
    decimals: int = 0
    scale: float = 1.0
    source: str = ""


#: The relations between published numbers kommunesm checks.
FACT_CHECKS: tuple[FactCheck, ...] = (
    FactCheck(
        "gambit_focus_group",
        "focus group: completed + dropped out = qualified (10 + 5 = 15)",
        "gambit2013",
        ("focus_group_completed", "focus_group_dropouts"),
        "sum",
        stated=("focus_group_qualified",),
    ),
    FactCheck(
        "gambit_survey_base",
        "the survey percentages' base n is the number of municipalities that answered",
        "gambit2013",
        ("ambition_to_become_better:n_base",),
        "sum",
        stated=("survey_completed",),
    ),
    FactCheck(
        "difi_responded",
        "ministries + agencies that answered = all that answered (11 + 89 = 100)",
        "difi2012",
        ("ministries_responded", "agencies_responded"),
        "sum",
        stated=("responded_total",),
    ),
    FactCheck(
        "difi_sent",
        "ministries + agencies asked = all asked (17 + 108 = 125)",
        "difi2012",
        ("ministries_sent", "agencies_sent"),
        "sum",
        stated=("responded_total:n_base",),
    ),
    FactCheck(
        "difi_use_exclusive",
        "bodies using social media externally + bodies using none cannot exceed 100 %",
        "difi2012",
        ("use_social_media_externally", "use_no_social_media"),
        "le",
        stated=100.0,
    ),
    FactCheck(
        "ioff_2013_likers_per_page",
        "likers per municipal page, January 2013: 'about 740' (155 000 / 210)",
        "ialloffentlighet",
        ("total_likers", "municipalities_with_page"),
        "ratio",
        stated=740.0,
        decimals=-1,
        source="I all offentlighet, post 2013-01-05 (facts.csv note)",
    ),
    FactCheck(
        "ioff_2013_posting_share",
        "share of page owners that posted, January 2013: '62 %' (130 / 210)",
        "ialloffentlighet",
        ("municipalities_posting", "municipalities_with_page"),
        "ratio",
        stated=62.0,
        scale=100.0,
        source="I all offentlighet, post 2013-01-05 (facts.csv note)",
    ),
    FactCheck(
        "ioff_2013_posts_per_municipality",
        "posts per posting municipality, January 2013: 3.3 (426 / 130)",
        "ialloffentlighet",
        ("posts_observed", "municipalities_posting"),
        "ratio",
        stated=("mean_posts_per_posting_municipality",),
        decimals=1,
    ),
)


def _lookup(facts: pd.DataFrame, study: str, ref: str) -> tuple[float | None, str]:
    """A fact's number (value, or base with ``item:n_base``) and, if unusable, why."""
    item, _, field = ref.partition(":")
    rows = facts[(facts["study"] == study) & (facts["item"] == item)]
    if rows.empty:
        return None, f"{item} is not in facts"
    row = rows.iloc[0]
    if field == "n_base":
        v = pd.to_numeric(pd.Series([row.get("n_base")]), errors="coerce").iloc[0]
        return (None, f"{item} has no base") if pd.isna(v) else (float(v), "")
    precision = row.get("precision")
    if precision is not None and not pd.isna(precision) and str(precision) != "exact":
        return None, f"{item} = {row['value']!r} is {precision}, not a number printed exactly"
    v = pd.to_numeric(pd.Series([str(row["value"]).replace(",", ".")]), errors="coerce").iloc[0]
    return (None, f"{item} = {row['value']!r} is not a number") if pd.isna(v) else (float(v), "")


def fact_checks(facts: pd.DataFrame, checks: Sequence[FactCheck] | None = None) -> pd.DataFrame:
    """Evaluate relations between published numbers.

    Parameters
    ----------
    facts : DataFrame
        ``facts.csv`` (study, item, value, n_base, precision, …).
    checks : sequence of FactCheck, optional
        The relations (default :data:`FACT_CHECKS`).

    Returns
    -------
    DataFrame
        One row per check: check, study, description, computed, stated, decimals,
        applicable, consistent (NA when not applicable), note.
    """
    rows = []
    for c in FACT_CHECKS if checks is None else checks:
        vals, why = [], []
        for ref in c.items:
            v, reason = _lookup(facts, c.study, ref)
            vals.append(v)
            if reason:
                why.append(reason)
        if isinstance(c.stated, tuple):
            stated, reason = _lookup(facts, c.study, c.stated[0])
            if reason:
                why.append(reason)
        else:
            stated = float(c.stated)
        row: dict[str, object] = {
            "check": c.name,
            "study": c.study,
            "description": c.description,
            "decimals": c.decimals,
            "stated": stated,
        }
        if why:
            row.update(applicable=False, consistent=pd.NA, note="not applicable: " + "; ".join(why))
            rows.append(row)
            continue
        if c.op == "ratio":
            computed = vals[0] / vals[1] * c.scale if vals[1] else np.nan
        else:
            computed = float(np.sum(vals))
        row["computed"] = computed
        if c.op == "le":
            ok = computed <= stated  # type: ignore[operator]
            text = f"{computed:g} ≤ {stated:g}" if ok else f"{computed:g} > {stated:g}"
        else:
            factor = 10.0**c.decimals
            rounded = np.floor(computed * factor + 0.5) / factor
            ok = bool(np.isclose(rounded, stated))  # type: ignore[arg-type]
            text = f"computed {computed:.4g}, which rounds to {rounded:g}; stated {stated:g}"
        row.update(
            applicable=True,
            consistent=bool(ok),
            note=("consistent: " if ok else "NOT consistent: ") + text,
        )
        rows.append(row)
    cols = [
        "check",
        "study",
        "description",
        "computed",
        "stated",
        "decimals",
        "applicable",
        "consistent",
        "note",
    ]
    out = pd.DataFrame(rows).reindex(columns=cols)
    out["computed"] = out["computed"].astype("float64")
    out["stated"] = out["stated"].astype("float64")
    out["consistent"] = out["consistent"].astype("boolean")
    out["applicable"] = out["applicable"].astype(bool)
    return out

"""Consistency of published percentages with their base (GRIM, Brown & Heathers 2017).

A percentage of ``n`` respondents, rounded to a number of decimals, can only take certain
values; :func:`grim` says whether a published value is one of them and
:func:`grim_table` checks every fact of ``facts.csv`` that gives a percentage and a base.
:func:`published_proportions` reconstructs the counts behind published percentages and
gives them Wilson intervals.

Brown, N. J. L. & Heathers, J. A. J. (2017). The GRIM test. *Social Psychological and
Personality Science* 8(4), 363-369.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from kommunesm import _docs
from kommunesm.stats.inference import proportion_ci

__all__ = [
    "NearestBases",
    "ROUNDING_RULES",
    "describe_grim",
    "grim",
    "grim_counts",
    "grim_table",
    "nearest_consistent_n",
    "published_proportions",
]


#: Rounding rules that :func:`grim` can check.
ROUNDING_RULES = ("half_up", "half_even", "truncation")


_RULE_LABEL = {"half_up": "half-up", "half_even": "half-even", "truncation": "truncation"}


_NUMBER_WORDS = {
    "en": 1,
    "ett": 1,
    "én": 1,
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "sju": 7,
    "syv": 7,
    "åtte": 8,
    "ni": 9,
    "ti": 10,
}


#: The parameters of the GRIM functions, documented once (``{grim_params}``).
_shared = _docs.filler(
    {
        "grim_params": """percent : float
    The published percentage, e.g. ``63``.
n : int
    The stated base (number of respondents).
decimals : int, default 0
    Decimals the percentage was reported with.
rounding : str, default 'half_up'
    ``"half_up"`` (school rounding, ties away from zero), ``"half_even"`` (banker's
    rounding, the IEEE/Python default) or ``"truncation"`` (decimals cut off).""",
    }
)


def _scaled_percent(percent: float, decimals: int) -> int:
    scaled = float(percent) * 10**decimals
    whole = int(round(scaled))
    if abs(scaled - whole) > 1e-6 * max(1.0, abs(scaled)):
        raise ValueError(f"{percent} has more than {decimals} decimal(s)")
    if not 0 <= whole <= 100 * 10**decimals:
        raise ValueError(f"a percentage must lie in 0..100, got {percent}")
    return whole


@_shared
def grim_counts(percent: float, n: int, decimals: int = 0, rounding: str = "half_up") -> np.ndarray:
    """The counts ``k`` (0..n) for which ``100·k/n`` rounds to ``percent``.

    The comparison is exact (integer arithmetic), so 62.5 % is a genuine tie: it rounds
    to 63 half-up, to 62 half-even, and truncates to 62.

    Parameters
    ----------
    {grim_params}

    Returns
    -------
    ndarray of int
        The consistent counts, ascending (empty when there is none).

    Examples
    --------
    >>> grim_counts(63, 24).tolist(), grim_counts(63, 24, rounding="half_even").tolist()
    ([15], [])
    """
    if rounding not in ROUNDING_RULES:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDING_RULES)}")
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be a positive whole number, got {n}")
    target = _scaled_percent(percent, decimals)
    scale = 100 * 10**decimals
    k = np.arange(n + 1, dtype=np.int64)
    twice = 2 * scale * k  # 2·x·n, with x = scale·k/n the scaled percentage
    lo, hi = (2 * target - 1) * n, (2 * target + 1) * n
    if rounding == "half_up":
        ok = (twice >= lo) & (twice < hi)
    elif rounding == "half_even":
        ok = (twice >= lo) & (twice <= hi) if target % 2 == 0 else (twice > lo) & (twice < hi)
    else:
        ok = (scale * k >= target * n) & (scale * k < (target + 1) * n)
    return k[ok]


@_shared
def grim(percent: float, n: int, decimals: int = 0, rounding: str = "half_up") -> bool:
    """GRIM test: can a whole number of the ``n`` respondents give ``percent``?

    A percentage reported with ``decimals`` decimals is consistent with ``n`` if some
    integer ``k`` in 0..n gives ``100·k/n`` that rounds to it under ``rounding``
    (Brown, N. J. L. & Heathers, J. A. J. (2017), The GRIM
    test, *Social Psychological and Personality Science* 8(4), 363-369).

    Parameters
    ----------
    {grim_params}

    Returns
    -------
    bool
        True if some whole count ``k`` of ``n`` gives ``percent``.

    Examples
    --------
    Gambit H+K 2013 had 24 respondents (Johnsen, Jørgensen & Aaneland 2013, s. 12):

    >>> grim(63, 24), grim(42, 24), grim(91, 24), grim(87, 24)
    (True, True, False, False)
    >>> grim(91, 24, rounding="truncation")
    True
    """
    return bool(len(grim_counts(percent, n, decimals, rounding)))


class NearestBases(NamedTuple):
    """What :func:`nearest_consistent_n` returns (unpacks as ``below, above``).

    Attributes
    ----------
    below : int or None
        The largest base below the stated one with which the percentage is consistent.
    above : int or None
        The smallest such base above it.
    """

    below: int | None
    above: int | None


@_shared
def nearest_consistent_n(
    percent: float,
    n: int,
    decimals: int = 0,
    rounding: str = "half_up",
    *,
    max_n: int | None = None,
) -> NearestBases:
    """The nearest bases below and above ``n`` with which ``percent`` is GRIM-consistent.

    Searching *downwards* models item non-response (fewer than all respondents answered
    the question); upwards is reported for completeness. ``None`` where there is none
    (below: down to 1; above: up to ``max_n``, default ``2n + 10``).

    >>> nearest_consistent_n(91, 24)
    NearestBases(below=23, above=32)

    Parameters
    ----------
    {grim_params}
    max_n : int, optional
        Largest base searched upwards (default ``2n + 10``).

    Returns
    -------
    NearestBases
        The nearest consistent base below ``n`` and above ``n``.
    """
    below = next(
        (m for m in range(int(n) - 1, 0, -1) if grim(percent, m, decimals, rounding)), None
    )
    top = int(max_n) if max_n is not None else 2 * int(n) + 10
    above = next(
        (m for m in range(int(n) + 1, top + 1) if grim(percent, m, decimals, rounding)), None
    )
    return NearestBases(below, above)


def _decimals_of(text: object) -> int | None:
    m = re.fullmatch(r"\s*-?\d+(?:[.,](\d+))?\s*%?\s*", str(text))
    if m is None:
        return None
    return len(m.group(1)) if m.group(1) else 0


def _verbal_fraction(note: object) -> tuple[str, float] | None:
    """A verbal fraction quoted in a fact's note: ``"Åtte av ti"`` → ("Åtte av ti", 80.0)."""
    if note is None or pd.isna(note):
        return None
    text = str(note)
    m = re.search(r"(\w+)\s+av\s+(\w+)", text, flags=re.IGNORECASE)
    if m:
        a, b = m.group(1).casefold(), m.group(2).casefold()
        num = int(a) if a.isdigit() else _NUMBER_WORDS.get(a)
        den = int(b) if b.isdigit() else _NUMBER_WORDS.get(b)
        if num is not None and den:
            return m.group(0), 100.0 * num / den
    m = re.search(r"\bhalvparten\b", text, flags=re.IGNORECASE)
    if m:
        return m.group(0), 50.0
    return None


def grim_table(
    facts: pd.DataFrame, *, rounding: str = "half_up", unit: str = "percent"
) -> pd.DataFrame:
    """GRIM check of every published percentage that has a base ``n``.

    Parameters
    ----------
    facts : DataFrame
        :func:`kommunesm.io.published.load` ``("facts")`` (columns study, table, item,
        value, unit, n_base, source, locator, note, precision). Only values whose
        ``precision`` is ``exact`` (printed as a number) are tested; ``verbal`` values (a
        verbal fraction such as "Åtte av ti" = 80), ``bound`` values (">50", "4600+") and
        ``text`` stay in the table as not testable, with the reason. A table without a
        ``precision`` column is read as before (every number tested).
    rounding : str, default 'half_up'
        The rule the verdict ``consistent`` refers to (all three rules are reported).
    unit : str, default 'percent'
        Which facts are percentages.

    Returns
    -------
    DataFrame
        One row per percentage with a base: study, table, item, value (as published),
        n_base, decimals, ``testable`` (False for values such as ``">50"``, which are
        bounds, not numbers: they stay in the table with a note), ``consistent`` (under
        ``rounding``), ``rounding`` (the rule used for ``consistent`` and ``k``),
        ``consistent_half_up`` / ``_half_even`` / ``_truncation``,
        ``rules`` (the rules under which it is consistent), ``k`` (the count under
        ``rounding``), ``counts`` (counts per rule), ``verbal`` (the report's words when
        the value is a verbal fraction such as "Åtte av ti", which is approximate by
        nature), ``nearest_n_below`` / ``nearest_n_above`` / ``nearest_n`` and
        ``k_at_nearest_n`` (when inconsistent under ``rounding``; the nearest base, ties
        going to the smaller one, i.e. item non-response), ``note`` (one generated
        sentence), source and locator.

    Examples
    --------
    >>> from kommunesm.io import published
    >>> tab = grim_table(published.load("facts"))
    >>> int(tab.set_index("item").loc["want_knowledge_of_other_municipalities", "nearest_n"])
    23
    """
    if rounding not in ROUNDING_RULES:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDING_RULES)}")
    sel = facts[(facts["unit"] == unit) & facts["n_base"].notna()]
    rows = []
    for rec in sel.itertuples(index=False):
        n = int(rec.n_base)
        value = str(rec.value)
        decimals = _decimals_of(value)
        row: dict[str, object] = {
            "study": rec.study,
            "rounding": rounding,
            "table": rec.table,
            "item": rec.item,
            "value": value,
            "n_base": n,
            "decimals": decimals,
            "testable": decimals is not None,
            "source": rec.source,
            "locator": rec.locator,
        }
        verbal = _verbal_fraction(getattr(rec, "note", None))
        precision = getattr(rec, "precision", None)
        precision = None if precision is None or pd.isna(precision) else str(precision)
        row["precision"] = precision or ("exact" if decimals is not None else "bound")
        if precision is not None and precision != "exact":
            row["testable"] = False
            if precision == "verbal":
                note = getattr(rec, "note", None)
                text = "" if note is None or pd.isna(note) else str(note)
                m = re.search(r'"([^"]+)"', text)
                quoted = (m.group(1) if m else text).strip()
                quoted = quoted if len(quoted) <= 60 else quoted[:59].rstrip() + "…"
                said = verbal[0] if verbal is not None else (quoted or value)
                words = f"{said!r} "
                row["verbal"] = said
                row["note"] = (
                    f"not tested: the report's words {words}(= {value} %) are a verbal "
                    "fraction, not a computed percentage, so GRIM does not apply"
                )
            elif precision == "bound":
                row["note"] = f"not tested: {value!r} is a bound, not a single percentage"
            else:
                row["note"] = f"not tested: {value!r} is a text, not a number"
            rows.append(row)
            continue
        if decimals is None:
            row["note"] = (
                f"not testable: {value!r} is a bound or a text, not a single percentage; "
                "kept here so that it is not silently dropped"
            )
            rows.append(row)
            continue
        pct = float(value.replace(",", ".").rstrip("%").strip())
        is_verbal = verbal is not None and abs(verbal[1] - pct) < 0.5 / 10**decimals
        row["verbal"] = verbal[0] if is_verbal else pd.NA
        counts = {r: grim_counts(pct, n, decimals, r) for r in ROUNDING_RULES}
        for r in ROUNDING_RULES:
            row[f"consistent_{r}"] = bool(len(counts[r]))
        row["consistent"] = bool(len(counts[rounding]))
        row["rules"] = ", ".join(_RULE_LABEL[r] for r in ROUNDING_RULES if len(counts[r]))
        row["counts"] = "; ".join(
            f"{_RULE_LABEL[r]}: {', '.join(map(str, counts[r]))}"
            for r in ROUNDING_RULES
            if len(counts[r])
        )
        target = pct * n / 100
        if len(counts[rounding]):
            ks = counts[rounding]
            k = int(ks[np.argmin(np.abs(ks - target))])
            row["k"] = k
            row["note"] = (
                f"consistent: {k} of {n} = {100 * k / n:.2f} % rounds to {value} % ({row['rules']})"
            )
        else:
            below, above = nearest_consistent_n(pct, n, decimals, rounding)
            cands = [m for m in (below, above) if m is not None]
            nearest = min(cands, key=lambda m: (abs(m - n), m)) if cands else None
            row.update({"nearest_n_below": below, "nearest_n_above": above, "nearest_n": nearest})
            if nearest is not None:
                ks = grim_counts(pct, nearest, decimals, rounding)
                row["k_at_nearest_n"] = int(ks[np.argmin(np.abs(ks - pct * nearest / 100))])
            others = [r for r in ROUNDING_RULES if len(counts[r])]
            text = f"not consistent with n = {n} under {_RULE_LABEL[rounding]} rounding"
            if others:
                text += f"; consistent under {', '.join(_RULE_LABEL[r] for r in others)}"
            if nearest is not None:
                text += (
                    f"; under {_RULE_LABEL[rounding]} the nearest base is n = {nearest} "
                    f"({row['k_at_nearest_n']} of {nearest})"
                )
                if nearest < n:
                    text += f", i.e. {n - nearest} respondent(s) not answering the item"
            if is_verbal:
                text = (
                    f"the report gives {verbal[0]!r} (= {verbal[1]:g} %), a verbal "
                    "approximation rather than a computed percentage; " + text
                )
            row["note"] = text
        rows.append(row)
    columns = [
        "study",
        "table",
        "item",
        "value",
        "n_base",
        "decimals",
        "precision",
        "testable",
        "consistent",
        "rounding",
        "consistent_half_up",
        "consistent_half_even",
        "consistent_truncation",
        "rules",
        "k",
        "counts",
        "verbal",
        "nearest_n_below",
        "nearest_n_above",
        "nearest_n",
        "k_at_nearest_n",
        "note",
        "source",
        "locator",
    ]
    out = pd.DataFrame(rows, columns=columns)
    for c in ("decimals", "k", "nearest_n_below", "nearest_n_above", "nearest_n", "k_at_nearest_n"):
        out[c] = pd.to_numeric(out[c]).astype("Int64")
    for c in ("consistent", "consistent_half_up", "consistent_half_even", "consistent_truncation"):
        out[c] = out[c].astype("boolean")
    out["testable"] = out["testable"].astype(bool)
    for c in ("rules", "counts", "verbal", "note", "precision"):
        out[c] = out[c].astype("str")
    return out


def describe_grim(table: pd.DataFrame) -> str:
    """One paragraph summarising a :func:`grim_table` (generated from the numbers).

    >>> t = pd.DataFrame({"testable": [True, True, False], "consistent": [True, False, pd.NA],
    ...     "item": ["a", "b", "c"], "value": ["50", "91", ">50"], "n_base": [24, 24, 24],
    ...     "nearest_n": [pd.NA, 23, pd.NA], "verbal": [pd.NA, pd.NA, pd.NA],
    ...     "consistent_truncation": [True, True, pd.NA]})
    >>> describe_grim(t).split(";")[0]
    'Of 3 published percentages with a stated base, 2 can be tested, and 1 of these are consistent with their base under half-up rounding'

    Parameters
    ----------
    table : DataFrame
        A :func:`grim_table` result.

    Returns
    -------
    str
        The paragraph (English).
    """
    used = table["rounding"].iloc[0] if "rounding" in table.columns and len(table) else "half_up"
    rule = _RULE_LABEL.get(used, "half-up")
    testable = table[table["testable"]]
    bad = testable[testable["consistent"].fillna(False).astype(bool) == False]  # noqa: E712
    parts = [
        f"Of {len(table)} published percentages with a stated base, {len(testable)} can be "
        f"tested, and {len(testable) - len(bad)} of these are consistent with their base under "
        f"{rule} rounding"
    ]
    if len(bad):
        items = ", ".join(
            f"{r.item} ({r.value} % of {r.n_base}"
            + (f"; fits n = {r.nearest_n}" if pd.notna(r.nearest_n) else "")
            + ("; a verbal approximation" if pd.notna(r.verbal) and str(r.verbal) != "nan" else "")
            + ")"
            for r in bad.itertuples(index=False)
        )
        parts.append(f"not consistent: {items}")
        rule_cols = [f"consistent_{r}" for r in ROUNDING_RULES if f"consistent_{r}" in table]
        if rule_cols:
            if "verbal" in testable.columns:
                v = testable["verbal"]
                is_verbal = v.notna() & ~v.astype("str").isin(["nan", "<NA>", "None", ""])
                exact = testable[~is_verbal]
            else:
                exact = testable
            fits = [
                _RULE_LABEL[c.removeprefix("consistent_")]
                for c in rule_cols
                if exact[c].fillna(False).astype(bool).all()
            ]
            if fits:
                parts.append(
                    "all percentages that are not verbal approximations are consistent under "
                    f"{' and '.join(fits)} rounding, which the report may have used"
                )
            else:
                parts.append(
                    "no single rounding rule makes every percentage (verbal approximations "
                    "aside) consistent with its stated base, which points to item "
                    "non-response (smaller bases for some questions) rather than to a "
                    "rounding convention"
                )
    untestable = table[~table["testable"]]
    if len(untestable):
        prec = (
            untestable["precision"].astype("str")
            if "precision" in untestable.columns
            else pd.Series("bound", index=untestable.index)
        )
        verbal = untestable[prec == "verbal"]
        other = untestable[prec != "verbal"]
        if len(verbal):
            parts.append(
                f"{len(verbal)} are verbal fractions, the report's words rather than computed "
                "percentages, and are not tested ("
                + ", ".join(
                    f"{r.item}: {r.verbal if str(r.verbal) not in ('nan', '<NA>') else r.value}"
                    for r in verbal.itertuples(index=False)
                )
                + ")"
            )
        if len(other):
            parts.append(
                f"{len(other)} cannot be tested ("
                + ", ".join(f"{r.item}: {r.value!r}" for r in other.itertuples(index=False))
                + ")"
            )
    return "; ".join(parts) + "."


def published_proportions(
    facts: pd.DataFrame,
    *,
    study: str = "gambit2013",
    table: str | None = "survey",
    rounding: str = "half_up",
    confidence: float = 0.95,
    small_n: int = 30,
) -> pd.DataFrame:
    """Counts and Wilson intervals reconstructed from published percentages.

    The Gambit H+K report gives its survey results as percentages of the 24 responding
    municipalities (Johnsen, Jørgensen & Aaneland 2013, s. 16–19). The count behind each
    percentage is inferred with GRIM (:func:`grim_table`): the count under ``rounding``
    when the percentage is consistent with ``n``; otherwise the count nearest to
    ``percent·n/100`` (flagged, with the base that would fit). Values that are not numbers
    (``">50"``) keep their row with no count.

    Parameters
    ----------
    facts : DataFrame
        The published facts (:func:`kommunesm.datasets.load_published` ``("facts")``).
    study : str, default 'gambit2013'
        Rows of this ``study``.
    table : str or None, default 'survey'
        Rows of this ``table`` (None: all tables of the study).
    rounding : str, default 'half_up'
        ``"half_up"``, ``"half_even"`` or ``"truncation"`` (see :func:`grim_counts`).
    confidence : float, default 0.95
        Level of the Wilson intervals.
    small_n : int, default 30
        Bases below this are flagged in ``small_n``.

    Returns
    -------
    DataFrame
        study, item, value, n, k, k_basis, percent (100·k/n), ci_low, ci_high (percent,
        Wilson), consistent, nearest_n, small_n (True when n < ``small_n``), note,
        source, locator.
    """
    grim_tab = grim_table(facts, rounding=rounding)
    sel = grim_tab[grim_tab["study"] == study]
    if table is not None:
        sel = sel[sel["table"] == table]
    out = sel[
        ["study", "item", "value", "n_base", "consistent", "nearest_n", "note", "source", "locator"]
    ].rename(columns={"n_base": "n"})
    value_num = pd.to_numeric(sel["value"].str.replace(",", ".", regex=False), errors="coerce")
    target = (value_num * sel["n_base"].astype("float64") / 100).round()
    k = sel["k"].astype("Float64").fillna(target.astype("Float64"))
    out["k"] = k.astype("Int64")
    is_verbal = (
        sel["precision"].astype("str").eq("verbal").to_numpy()
        if "precision" in sel.columns
        else np.zeros(len(sel), dtype=bool)
    )
    basis = np.where(
        sel["k"].notna(),
        f"GRIM ({_RULE_LABEL[rounding]})",
        np.where(
            is_verbal & value_num.notna().to_numpy(),
            "verbal fraction: approximate count, no GRIM",
            np.where(value_num.notna(), "nearest count (percentage not consistent with n)", ""),
        ),
    )
    out["k_basis"] = pd.Series(basis, index=out.index, dtype="str")
    testable = out["k"].notna()
    out["percent"] = np.nan
    out["ci_low"] = np.nan
    out["ci_high"] = np.nan
    if testable.any():
        ci = proportion_ci(
            out.loc[testable, "k"].astype("int64").to_numpy(),
            out.loc[testable, "n"].astype("int64").to_numpy(),
            confidence=confidence,
        )
        out.loc[testable, "percent"] = 100 * ci["proportion"].to_numpy()
        out.loc[testable, "ci_low"] = 100 * ci["ci_low"].to_numpy()
        out.loc[testable, "ci_high"] = 100 * ci["ci_high"].to_numpy()
    out["small_n"] = out["n"].astype("int64") < small_n
    cols = ["study", "item", "value", "n", "k", "k_basis", "percent", "ci_low", "ci_high"]
    cols += ["consistent", "nearest_n", "small_n", "note", "source", "locator"]
    return out[cols].reset_index(drop=True)

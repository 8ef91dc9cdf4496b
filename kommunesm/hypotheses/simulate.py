"""SIMULATED coders for the demo: fill exported coding sheets as if people had coded them.

The demo panel (:mod:`kommunesm.demo`) is synthetic and nobody has coded it. To run the
coding workflow of chapter 04 end to end — export, code, import, reliability — this
module plays the coders: it draws a seeded *simulated truth* per unit and hypothesis
(:func:`simulated_truth`), then lets each simulated coder report it with a given error
rate (:func:`simulate_coder`) and writes the values into the coders' workbooks
(:func:`fill_sheets`), which are marked as simulated in their Meta sheet.

Nothing here is evidence about real coders or real pages: the reliability and agreement
figures it produces are set by ``flip`` and ``error_rates``. Coder names should say
so (the notebook uses ``simulert_A`` and ``simulert_B``).

Examples
--------
>>> import pandas as pd
>>> base = pd.DataFrame({"H5": ["1", "0", "1", "0"]}, index=list("abcd"))
>>> truth = simulated_truth(base, seed=1, flip=0.0)
>>> truth["H5"].tolist()
['1', '0', '1', '0']
>>> simulate_coder(truth, error_rate=0.0, seed=2).equals(truth)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kommunesm import safe
from kommunesm.hypotheses.definitions import SCORES, normalise_value

__all__ = [
    "SIMULATED_NOTE",
    "base_table",
    "fill_sheets",
    "simulate_coder",
    "simulated_truth",
]

#: Written into the Meta sheet of every workbook filled here.
SIMULATED_NOTE = "SIMULATED: filled by kommunesm.hypotheses.simulate (demo), not by a person"
_LABEL_OF_SCORE = {v: k for k, v in SCORES.items()}
#: Distribution of simulated ratings where no base value exists (Bra, Kan bli bedre,
#: Dårlig): the report says most top pages scored high (Johnsen, Jørgensen & Aaneland 2013, s. 9).
_DEFAULT_P = (0.45, 0.35, 0.20)


def _is_binary(col: pd.Series) -> bool:
    vals = set(col.dropna().map(normalise_value))
    return bool(vals) and vals <= {"0", "1"}


def _shift(scores: np.ndarray, move: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move ordinal scores (0..2) one step where ``move``; direction random, inward at
    the ends."""
    step = np.where(rng.random(len(scores)) < 0.5, -1, 1)
    step = np.where(scores == 0, 1, np.where(scores == 2, -1, step))
    return np.where(move, scores + step, scores)


def simulated_truth(
    base: pd.DataFrame,
    *,
    hypotheses: Sequence[str] | None = None,
    seed: int = 0,
    flip: float = 0.1,
    binary: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A SIMULATED "true" code per unit and hypothesis.

    Parameters
    ----------
    base : DataFrame
        Wide table indexed by unit id: for each hypothesis a starting value — an
        automatic code or a suggestion (booleans, 1/0 or labels). Missing columns or
        values are drawn at random (ratings with probabilities 0.45 / 0.35 / 0.20 for
        Bra / Kan bli bedre / Dårlig; yes/no with probability 0.3 for yes).
    hypotheses : sequence of str, optional
        Columns of the result (default: the columns of ``base``).
    seed : int, default 0
        Seed.
    flip : float, default 0.1
        Probability that the truth differs from the base value (yes/no flipped; ratings
        moved one step): the simulated coders will then disagree with the automatic
        codes at about this rate.
    binary : sequence of str, optional
        Hypotheses coded yes/no even where ``base`` lacks them.

    Returns
    -------
    DataFrame
        Same index; labels (Bra / Kan bli bedre / Dårlig) or ``"1"``/``"0"``.
    """
    rng = np.random.default_rng(seed)
    hyps = list(hypotheses if hypotheses is not None else base.columns)
    binary = set(binary or [])
    out = pd.DataFrame(index=base.index)
    n = len(base)
    for h in hyps:
        col = base[h] if h in base.columns else pd.Series(pd.NA, index=base.index, dtype=object)
        norm = col.map(normalise_value)
        is_bin = h in binary or _is_binary(col)
        move = rng.random(n) < flip
        if is_bin:
            start = norm.map({"1": 1, "0": 0}).to_numpy(dtype="float64", na_value=np.nan)
            draw = (rng.random(n) < 0.3).astype(float)
            start = np.where(np.isnan(start), draw, start)
            val = np.where(move, 1 - start, start).astype(int)
            out[h] = pd.Series(val.astype(str), index=base.index, dtype=object)
        else:
            start = norm.map({k: float(v) for k, v in SCORES.items()}).to_numpy(
                dtype="float64", na_value=np.nan
            )
            draw = rng.choice([2.0, 1.0, 0.0], size=n, p=_DEFAULT_P)
            start = np.where(np.isnan(start), draw, start)
            val = _shift(start.astype(int), move, rng)
            out[h] = pd.Series(
                [_LABEL_OF_SCORE[int(v)] for v in val], index=base.index, dtype=object
            )
    return out


def simulate_coder(truth: pd.DataFrame, *, error_rate: float, seed: int) -> pd.DataFrame:
    """A SIMULATED coder: reports ``truth`` but errs with probability ``error_rate`` per
    cell (yes/no flipped; ratings moved one step).

    Parameters
    ----------
    truth : DataFrame
        The simulated true codes (index unit id, one column per hypothesis).
    error_rate : float
        Probability of an error per cell.
    seed : int
        Seed of the errors.

    Returns
    -------
    DataFrame
        The coder's codes (same shape as ``truth``).
    """
    rng = np.random.default_rng(seed)
    out = pd.DataFrame(index=truth.index)
    for h in truth.columns:
        col = truth[h]
        err = rng.random(len(col)) < error_rate
        if _is_binary(col):
            v = col.map(normalise_value).map({"1": 1, "0": 0}).to_numpy(dtype=int)
            out[h] = pd.Series(np.where(err, 1 - v, v).astype(str), index=truth.index, dtype=object)
        else:
            v = col.map(normalise_value).map(SCORES).to_numpy(dtype=int)
            moved = _shift(v, err, rng)
            out[h] = pd.Series(
                [_LABEL_OF_SCORE[int(x)] for x in moved], index=truth.index, dtype=object
            )
    return out


def fill_sheets(
    paths: Sequence[str | Path],
    truth: pd.DataFrame,
    *,
    error_rates: Mapping[str, float] | float = 0.1,
    seed: int = 0,
) -> list[Path]:
    """Fill exported coding workbooks with SIMULATED codes (in place).

    Each workbook's coder (Meta sheet) gets :func:`simulate_coder` of ``truth`` with
    its error rate and its own seed (``seed`` + position); the Meta sheet gets a
    ``simulated`` row (:data:`SIMULATED_NOTE`). Returns the paths.

    Parameters
    ----------
    paths : sequence of str or Path
        Exported coding workbooks.
    truth : DataFrame
        The simulated true codes (:func:`simulated_truth`).
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

    done = []
    for i, path in enumerate(paths):
        path = Path(path)
        wb = load_workbook(path)
        meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0]}
        coder = str(meta.get("coder"))
        rate = error_rates if isinstance(error_rates, float | int) else error_rates[coder]
        codes = simulate_coder(truth, error_rate=float(rate), seed=seed + 1000 * (i + 1))
        ws = wb[CODING_SHEET]
        header = [c.value for c in ws[1]]
        uid = header.index("unit_id")
        cols = {h: header.index(h) for h in codes.columns if h in header}
        for row in ws.iter_rows(min_row=2):
            unit = row[uid].value
            if unit is None or str(unit) not in codes.index:
                continue
            for h, j in cols.items():
                value = codes.at[str(unit), h]
                row[j].value = int(value) if value in ("0", "1") else value
        wb[META_SHEET].append(["simulated", SIMULATED_NOTE])
        safe.save_workbook(wb, path)
        done.append(path)
    return done


def base_table(*frames: pd.DataFrame) -> pd.DataFrame:
    """Combine automatic codes, ratings and suggestions into one base table for
    :func:`simulated_truth`: columns are renamed to their hypothesis id (``H5_du_form`` →
    ``H5``, ``H8_suggestion`` → ``H8``; ``*_terms`` and ``*_level*`` columns are
    ignored); for a hypothesis in several frames the first
    non-missing value wins; the index is the union, in the order of the first frame.

    Parameters
    ----------
    *frames : DataFrame
        Automatic codes, ratings and suggestions (index unit id).

    Returns
    -------
    DataFrame
        Index unit id, one column per hypothesis.
    """
    import re as _re

    out: pd.DataFrame | None = None
    for frame in frames:
        cols = {c: _re.match(r"^(H\d+)", str(c)) for c in frame.columns}
        keep = {
            c: m.group(1)
            for c, m in cols.items()
            if m and not str(c).endswith("_terms") and "_level" not in str(c)
        }
        part = frame[list(keep)].rename(columns=keep)
        part = part.loc[:, ~part.columns.duplicated()].astype(object)
        out = (
            part
            if out is None
            else out.combine_first(part).reindex(out.index.append(part.index.difference(out.index)))
        )
    if out is None:
        return pd.DataFrame()
    order = {h: int(h[1:]) for h in out.columns}
    return out[sorted(out.columns, key=order.get)]

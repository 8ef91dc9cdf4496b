"""Survey tables: answer shares with Wilson intervals, numeric summaries, small-n notes.

Works on the long ``survey`` table (one row per respondent and question) that
:func:`kommunesm.io.survey.read_survey` returns; answers are classified as valid,
don't-know or missing by :func:`answer_types`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from kommunesm.schema import NA_TOKENS
from kommunesm.stats.inference import proportion_ci

__all__ = [
    "DONT_KNOW",
    "MISSING_TOKENS",
    "answer_types",
    "describe_survey_table",
    "numeric_summary",
    "small_n_note",
    "survey_table",
]


#: Answers that mean "don't know" (compared case-insensitively, trimmed).
DONT_KNOW = frozenset(
    {
        "vet ikke",
        "vet ikkje",
        "veit ikke",
        "veit ikkje",
        "vet ikke / ikke relevant",
        "ingen formening",
        "don't know",
        "don’t know",
        "dont know",
        "do not know",
        "not sure / don't know",
    }
)

#: Cell values read as *missing* (no answer): the loaders' NA tokens plus survey tools'
#: own markers.
MISSING_TOKENS = NA_TOKENS | {
    "ubesvart",
    "ikke besvart",
    "ikke svart",
    "no answer",
    "(no answer)",
    "not answered",
    "-99",
    "#null!",
}


def answer_types(answers: pd.Series) -> pd.Series:
    """Classify answers as ``valid``, ``dont_know`` or ``missing`` from their text.

    Used for survey tables built from a ``survey`` table that lacks ``answer_type``
    (e.g. a canonical ``survey.csv`` written by hand).

    Parameters
    ----------
    answers : Series
        Answer texts.

    Returns
    -------
    Series of str
        ``valid``, ``dont_know`` or ``missing`` per answer (same index).

    Examples
    --------
    >>> answer_types(pd.Series(["Helt enig", "Vet ikke", None, ""])).tolist()
    ['valid', 'dont_know', 'missing', 'missing']
    """
    s = answers.astype("str").str.strip()
    low = s.str.casefold()
    missing = s.isna() | low.isin(MISSING_TOKENS)
    dk = low.isin(DONT_KNOW) & ~missing
    out = pd.Series("valid", index=answers.index, dtype="str")
    return out.mask(dk, "dont_know").mask(missing, "missing")


def small_n_note(n: int | Sequence[int], *, small_n: int = 30, confidence: float = 0.95) -> str:
    """A warning sentence for small bases (empty when every n >= ``small_n``).

    >>> small_n_note(24)[:48]
    'Small sample: n = 24 (< 30). A 95 % Wilson inter'

    Parameters
    ----------
    n : int or sequence of int
        The base(s).
    small_n : int, default 30
        Bases below this are small.
    confidence : float, default 0.95
        Level of the intervals the sentence mentions.

    Returns
    -------
    str
        The warning sentence, or ``""``.
    """
    ns = sorted({int(x) for x in np.atleast_1d(np.asarray(n)) if pd.notna(x)})
    small = [m for m in ns if m < small_n]
    if not small:
        return ""
    m = min(small)
    half = proportion_ci(m // 2, m, confidence=confidence)
    width = 100 * float(half["ci_high"].iloc[0] - half["ci_low"].iloc[0]) / 2
    ntext = f"n = {m}" if len(small) == 1 else f"n down to {m}"
    return (
        f"Small sample: {ntext} (< {small_n}). A {round(confidence * 100)} % Wilson interval "
        f"around 50 % is ±{width:.0f} percentage points wide, so differences of less than "
        "about that size between items or groups are not evidence of a real difference."
    )


def survey_table(
    survey: pd.DataFrame,
    *,
    by: str | None = None,
    include_dont_know: bool = False,
    confidence: float = 0.95,
    small_n: int = 30,
) -> pd.DataFrame:
    """Counts, percentages and Wilson CIs per question and answer (optionally by group).

    Parameters
    ----------
    survey : DataFrame
        A long ``survey`` table as :func:`kommunesm.io.survey.read_survey` returns it
        (``respondent_id, question_id, answer`` and, if present, ``answer_type``,
        ``answer_code``, ``question_text``, ``scale``, ``item``, ``option``). Without
        ``answer_type`` it is derived from the answers
        (:func:`answer_types`).
    by : str, optional
        A column to break the table down by (e.g. ``"Fylke"``).
    include_dont_know : bool, default False
        Count "vet ikke" in the base (default: the base is the valid answers; the
        don't-know and missing counts are reported beside it).
    confidence : float, default 0.95
        Level of the Wilson intervals.
    small_n : int, default 30
        Bases below this get ``small_n = True`` (and a sentence in :func:`describe_survey_table`).

    Returns
    -------
    DataFrame
        One row per question × answer (× group): question_id, question_text, [by],
        answer, answer_code, k, n, percent, ci_low, ci_high (percent), n_dont_know,
        n_missing, small_n. Multi-choice options appear as one row each (``answer`` =
        the option; ``k`` respondents who chose it out of ``n`` who answered the
        question); free-text and numeric questions are left out (see
        :func:`numeric_summary`).

    Examples
    --------
    >>> s = pd.DataFrame({"respondent_id": list("abcd"), "question_id": "Q1",
    ...                   "answer": ["Ja", "Ja", "Nei", "Vet ikke"]})
    >>> survey_table(s)[["answer", "k", "n", "n_dont_know"]].values.tolist()
    [['Ja', 2, 3, 1], ['Nei', 1, 3, 1]]
    """
    df = survey.copy()
    if "answer_type" not in df.columns:
        df["answer_type"] = answer_types(df["answer"])
    for c in ("question_text", "scale", "item", "option"):
        if c not in df.columns:
            df[c] = pd.NA
    if "answer_code" not in df.columns:
        df["answer_code"] = np.nan
    df["answer_code"] = pd.to_numeric(df["answer_code"], errors="coerce").astype("float64")
    df = df[~df["scale"].astype("str").isin(["text", "numeric"])]
    keys = ["question_id"] + ([by] if by else [])
    counts = (
        df.assign(
            valid=df["answer_type"] == "valid",
            dk=df["answer_type"] == "dont_know",
            miss=df["answer_type"] == "missing",
        )
        .groupby(keys, sort=False, dropna=False)[["valid", "dk", "miss"]]
        .sum()
        .rename(columns={"valid": "n_valid", "dk": "n_dont_know", "miss": "n_missing"})
    )
    is_option = df["option"].notna() & (df["option"].astype("str") != "nan")
    valid = df[df["answer_type"] == "valid"]
    single = valid[~is_option.loc[valid.index]]
    k_single = (
        single.groupby(keys + ["answer"], sort=False, dropna=False)
        .agg(k=("respondent_id", "size"), answer_code=("answer_code", "min"))
        .reset_index()
    )
    opt = valid[is_option.loc[valid.index]]
    k_opt = (
        opt.assign(sel=opt["answer"].astype("str") == "1")
        .groupby(keys, sort=False, dropna=False)
        .agg(k=("sel", "sum"), answer=("option", "first"))
        .reset_index()
    )
    k_opt["answer_code"] = np.nan
    table = pd.concat([k_single, k_opt], ignore_index=True)
    table = table.merge(counts.reset_index(), on=keys, how="left")
    table["n"] = table["n_valid"] + (table["n_dont_know"] if include_dont_know else 0)
    if include_dont_know:
        dk_rows = counts.reset_index()
        dk_rows = dk_rows[dk_rows["n_dont_know"] > 0].assign(
            answer="Vet ikke / don't know", k=lambda d: d["n_dont_know"], answer_code=np.nan
        )
        dk_rows["n"] = dk_rows["n_valid"] + dk_rows["n_dont_know"]
        table = pd.concat([table, dk_rows], ignore_index=True)
    table = table[table["n"] > 0]
    ci = proportion_ci(
        table["k"].astype("int64").to_numpy(),
        table["n"].astype("int64").to_numpy(),
        confidence=confidence,
    )
    table["percent"] = 100 * ci["proportion"].to_numpy()
    table["ci_low"] = 100 * ci["ci_low"].to_numpy()
    table["ci_high"] = 100 * ci["ci_high"].to_numpy()
    table["small_n"] = table["n"] < small_n
    texts = df.drop_duplicates("question_id").set_index("question_id")["question_text"]
    table["question_text"] = table["question_id"].map(texts)
    order = {q: i for i, q in enumerate(pd.unique(df["question_id"]))}
    table = table.assign(_q=table["question_id"].map(order), _c=table["answer_code"]).sort_values(
        ["_q"] + ([by] if by else []) + ["_c"], kind="stable", na_position="last"
    )
    cols = ["question_id", "question_text"] + ([by] if by else [])
    cols += ["answer", "answer_code", "k", "n", "percent", "ci_low", "ci_high"]
    cols += ["n_dont_know", "n_missing", "small_n"]
    out = table[cols].reset_index(drop=True)
    for c in ("k", "n", "n_dont_know", "n_missing"):
        out[c] = out[c].astype("int64")
    return out


def numeric_summary(survey: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Numeric survey questions (``scale == "numeric"``): n, mean with a t-based CI,
    standard deviation, median, and the don't-know / missing counts.

    Parameters
    ----------
    survey : DataFrame
        Canonical ``survey`` (one row per respondent and question).
    confidence : float, default 0.95
        Level of the t-based CI of the mean.

    Returns
    -------
    DataFrame
        One row per numeric question with ``n``, mean and its CI, standard deviation,
        median and the don't-know / missing counts.
    """
    df = survey[survey.get("scale", pd.Series("", index=survey.index)).astype("str") == "numeric"]
    if not len(df):
        return pd.DataFrame(
            columns=[
                "question_id",
                "question_text",
                "n",
                "mean",
                "ci_low",
                "ci_high",
                "sd",
                "median",
                "n_dont_know",
                "n_missing",
            ]
        )
    types = df["answer_type"] if "answer_type" in df.columns else answer_types(df["answer"])
    value = pd.to_numeric(df.get("answer_code", df["answer"]), errors="coerce").astype("float64")
    frame = pd.DataFrame(
        {"question_id": df["question_id"], "v": value.where(types == "valid"), "t": types}
    )
    g = frame.groupby("question_id", sort=False)
    out = g["v"].agg(n="count", mean="mean", sd="std", median="median").reset_index()
    out["n_dont_know"] = g["t"].agg(lambda t: int((t == "dont_know").sum())).to_numpy()
    out["n_missing"] = g["t"].agg(lambda t: int((t == "missing").sum())).to_numpy()
    tcrit = sps.t.ppf(0.5 + confidence / 2, np.maximum(out["n"] - 1, 1))
    half = tcrit * out["sd"] / np.sqrt(out["n"])
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    texts = df.drop_duplicates("question_id").set_index("question_id")
    out["question_text"] = out["question_id"].map(
        texts["question_text"] if "question_text" in texts.columns else pd.Series(dtype="str")
    )
    cols = ["question_id", "question_text", "n", "mean", "ci_low", "ci_high", "sd", "median"]
    return out[cols + ["n_dont_know", "n_missing"]]


def describe_survey_table(table: pd.DataFrame) -> str:
    """A sentence on the bases of a survey table (respondents, don't-know, missing).

    Parameters
    ----------
    table : DataFrame
        A survey frequency table of this module.

    Returns
    -------
    str
        The sentence.
    """
    if not len(table):
        return "No questions with answers to tabulate."
    per_q = table.drop_duplicates("question_id")
    text = (
        f"{len(per_q)} questions; bases from n = {int(table['n'].min())} to "
        f"{int(table['n'].max())} valid answers"
    )
    dk = int(per_q["n_dont_know"].sum())
    miss = int(per_q["n_missing"].sum())
    text += f"; {dk} 'vet ikke' and {miss} missing answers kept out of the bases."
    warn = small_n_note(table["n"])
    return text + (" " + warn if warn else "")

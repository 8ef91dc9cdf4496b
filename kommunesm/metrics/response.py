"""Citizen questions, page replies and response times.

Johnsen, Jørgensen & Aaneland (2013) ranked municipal pages on "Antall spørsmål besvart" (questions from
citizens that the municipality answered) and "Gjennomsnittlig responstid" (how many
minutes before the municipality answers a question), Johnsen, Jørgensen & Aaneland
(2013, s. 10, 2.2 "Utvalg av målekriterier"); hypothesis H2 says the best pages "answer
within 24 hours on weekdays" (ibid., s. 12, "Påstand 2"). Socialbakers
computed both from the comments; this module does the same from the canonical
``comments`` table (one row per comment or reply; see :mod:`kommunesm.schema`).

Rules (the single definition used by every notebook):

* **Citizen question** (:func:`detect_questions`): a comment that is not a page reply
  (``is_page_reply`` False) and whose text contains a question mark, *or* a Norwegian
  interrogative (bokmål and nynorsk) at the start of a sentence or clause, *or* a
  sentence opening with a finite verb followed by a subject ("Kan dere …", "Er det …"),
  *or* an indirect question ("lurer på", "noen som vet").
* **First page reply** (:func:`response_times`): the earliest comment with
  ``is_page_reply`` True that

  1. has the question as its ``parent_id`` (a direct reply), or
  2. when the question is itself a reply in a thread, is a page reply in the same
     thread (same ``parent_id``) posted at or after the question (Facebook keeps only
     two comment levels, so an answer to a reply hangs under the thread's first comment),
     or
  3. has no ``parent_id`` (exports without threading) and is on the same post at or after
     the question.

* **Response time**: wall-clock minutes from the question to that reply (a reply
  timestamped before its question — clock skew in exports — counts as 0 minutes).
* **Answered within 24 h on weekdays** (H2): the *working clock* only runs on days that
  are weekdays and not Norwegian public holidays (Europe/Oslo calendar, holidays from the
  maintained ``holidays`` package, ``holidays.country_holidays("NO")``, which does not
  count ordinary Sundays or Christmas Eve as public holidays). Each such day counts all
  its 24 wall-clock hours; the clock stops over weekends and holidays. A question is
  answered within 24 h on weekdays if the working-clock time to the first reply is at
  most 24 × 60 minutes. Examples: asked Friday 15:00, answered Monday 14:00 → 9 h + 14 h
  = 23 h → yes; asked Saturday, answered Monday 23:00 → 23 h → yes; asked Thursday 16
  May 2013 10:00, answered Saturday 18 May → 14 h (Friday 17 May is a holiday) → yes.
  Unanswered questions count as not answered within 24 h (questions asked near the end
  of the data are censored; that is a limitation of every period measure).

Examples
--------
>>> import pandas as pd
>>> from kommunesm.metrics import response
>>> t = pd.Timestamp("2013-04-02 10:00", tz="Europe/Oslo")
>>> comments = pd.DataFrame({
...     "comment_id": ["c1", "c2", "r1"], "post_id": ["p1", "p1", "p1"],
...     "page_id": ["A", "A", "A"], "parent_id": [None, None, "c1"],
...     "created_at": [t, t, t + pd.Timedelta(minutes=30)],
...     "author_id": ["u1", "u2", "A"], "is_page_reply": [False, False, True],
...     "message": ["Når åpner bassenget?", "Flott!", "Mandag kl. 7."]})
>>> response.detect_questions(comments).tolist()
[True, False, False]
>>> response.response_times(comments)[["comment_id", "response_minutes"]].to_dict("records")
[{'comment_id': 'c1', 'response_minutes': 30.0}]
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from kommunesm.errors import InputError

__all__ = [
    "INTERROGATIVES",
    "QUESTION_PATTERN",
    "RESPONSE_COLUMNS",
    "WORKDAY_LIMIT_MINUTES",
    "detect_questions",
    "page_response",
    "response_times",
    "working_minutes_between",
]

#: Calendar of the working clock.
CALENDAR_TZ = "Europe/Oslo"
#: H2's limit: 24 hours of working clock (Johnsen, Jørgensen & Aaneland 2013, s. 12).
WORKDAY_LIMIT_MINUTES = 24 * 60

#: Interrogative words (bokmål, then nynorsk) that open a question.
INTERROGATIVES = (
    # bokmål
    "hva",
    "hvor",
    "hvorfor",
    "hvordan",
    "hvem",
    "hvilken",
    "hvilke",
    "hvilket",
    "når",
    # nynorsk
    "kva",
    "kvar",
    "kor",
    "korleis",
    "kven",
    "kvifor",
    "kvi",
    "kva for",
)
_VERBS = (
    "kan|kunne|er|har|skal|skulle|vil|ville|blir|blei|ble|får|fikk|fekk|må|går|gjelder|gjeld|"
    "finnes|finst|fins|vet|veit|stemmer|hadde|var|burde|bør|trenger|treng|kommer|kjem|"
    "tar|tek|hjelper|gir|gjev|gjør|gjer|åpner|opnar|stenger|stengjer"
)
_SUBJECTS = (
    "du|dere|de|dykk|dokker|man|jeg|eg|vi|me|noen|nokon|nokre|det|den|dette|denne|dei|en|ein|"
    "kommunen|kommuna|han|hun|ho|bussen|vannet|vatnet|biblioteket|bassenget"
)
# The pattern is written so that Python's ``re`` and RE2 (pyarrow, DuckDB) read it the
# same way: no ``\b``/``\w``/``\s`` (ASCII-only in RE2), explicit Latin letters instead.
_W = "0-9A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # word characters (incl. æøå)
_SP = r"[ \t\n\r\f\v" + "\u00a0]"  # whitespace (escapes both engines read; NBSP)
_END = f"(?:[^{_W}]|$)"  # word end
_BEGIN = f"(?:^|[^{_W}])"  # word start
_START = rf"(?:^|[.!?…:;\n(]|{_SP}-){_SP}*"  # sentence start
_CLAUSE = rf"(?:^|[.!?…:;,\n(]|{_SP}-){_SP}*"  # sentence or clause start
#: The regular expression :func:`detect_questions` applies (flags inline: case-insensitive,
#: multi-line); valid with the same meaning in Python ``re`` and RE2.
QUESTION_PATTERN = (
    "(?im)\\?"
    + f"|{_CLAUSE}(?:"
    + "|".join(
        sorted({w.replace(" ", f"{_SP}+") for w in INTERROGATIVES}, key=lambda w: (-len(w), w))
    )
    + f"){_END}"
    + f"|{_START}(?:{_VERBS}){_SP}+(?:{_SUBJECTS}){_END}"
    + f"|{_BEGIN}(?:lurer|lurar|lurte){_SP}+på{_END}"
    + f"|{_BEGIN}noen{_SP}+som{_SP}+vet{_END}|{_BEGIN}nokon{_SP}+som{_SP}+veit{_END}"
)
_QUESTION_RE = re.compile(QUESTION_PATTERN)  # fails at import if Python re cannot read it

#: Columns of :func:`response_times`.
RESPONSE_COLUMNS = [
    "comment_id",
    "page_id",
    "post_id",
    "asked_at",
    "answered_at",
    "response_minutes",
    "answered",
    "answered_within_24h_weekdays",
    "response_working_minutes",
]


def _require(comments: pd.DataFrame, cols: tuple[str, ...], purpose: str) -> None:
    missing = [c for c in cols if c not in comments.columns]
    if missing:
        raise InputError(
            f"{purpose} needs the comments column(s) {', '.join(missing)}",
            file="comments",
            column=missing[0],
            expected="the canonical comments table (kommunesm.schema.FIELDS['comments'])",
        )


def _page_mask(comments: pd.DataFrame) -> pd.Series:
    return comments["is_page_reply"].astype("boolean").fillna(False).astype(bool)


def detect_questions(comments: pd.DataFrame) -> pd.Series:
    """Which comments are citizen questions.

    Parameters
    ----------
    comments
        Canonical comments table (needs ``message`` and ``is_page_reply``).

    Returns
    -------
    Series of bool
        Index-aligned with ``comments``: True for a comment that is not a page reply and
        whose message matches :data:`QUESTION_PATTERN` — a question mark; an interrogative
        of :data:`INTERROGATIVES` (hva, hvor, når, hvorfor, hvordan, hvem, hvilken/hvilke;
        kva, kvar, kor, korleis, kven, kvifor) at the start of a sentence or clause; a
        sentence opening with a finite verb and a subject ("Kan dere …", "Er det …",
        "Har de …"); or an indirect question ("lurer på", "noen som vet"). Missing
        messages are not questions.

    Notes
    -----
    Definition of "spørsmål fra innbyggerne": Johnsen, Jørgensen & Aaneland
    (2013, s. 10). Socialbakers did not publish its question
    detector; this rule is ours and deliberately simple (a question mark catches most
    questions; the word rules catch questions typed without one). Interrogatives are only
    matched at a sentence or clause start, because "når" and "kor" are also conjunctions
    and exclamations inside sentences ("Kor fint!" at a sentence start is a known false
    positive).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"message": ["Hvor kan jeg levere søppel", "Kan dere svare meg",
    ...                               "Kan anbefale turen!", "Takk.", "Når?"],
    ...                   "is_page_reply": [False, False, False, False, True]})
    >>> detect_questions(c).tolist()
    [True, True, False, False, False]
    """
    _require(comments, ("message", "is_page_reply"), "detect_questions")
    if not len(comments):
        return pd.Series([], index=comments.index, dtype=bool)
    text = comments["message"].astype("str")
    # a plain pattern string lets pandas use pyarrow's RE2 (fast); Python re otherwise
    hit = text.str.contains(QUESTION_PATTERN, regex=True, na=False).astype(bool)
    return (hit & ~_page_mask(comments)).rename("is_question")


@lru_cache(maxsize=32)
def _holiday_array(country: str, first_year: int, last_year: int) -> np.ndarray:
    import holidays

    days = holidays.country_holidays(country, years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


_EPOCH = np.datetime64("2000-01-03", "D")  # a Monday


def _working_clock(ts: pd.Series, hol: np.ndarray, tz: str) -> np.ndarray:
    """Working-clock minutes from a fixed epoch to each timestamp (NaN for NaT)."""
    out = np.full(len(ts), np.nan)
    ok = ts.notna().to_numpy()
    if not ok.any():
        return out
    local = pd.to_datetime(ts[ok])
    if local.dt.tz is None:
        local = local.dt.tz_localize(tz)
    local = local.dt.tz_convert(tz).dt.tz_localize(None)
    day = local.dt.floor("D")
    days = day.to_numpy().astype("datetime64[D]")
    before = np.busday_count(_EPOCH, days, holidays=hol).astype("float64")
    is_work = np.is_busday(days, holidays=hol)
    within = (local - day).dt.total_seconds().to_numpy() / 60.0
    out[ok] = before * 1440.0 + np.where(is_work, within, 0.0)
    return out


def working_minutes_between(
    start: pd.Series | pd.Timestamp,
    end: pd.Series | pd.Timestamp,
    *,
    country: str = "NO",
    tz: str = CALENDAR_TZ,
) -> pd.Series | float:
    """Minutes of *working clock* between ``start`` and ``end``.

    The working clock runs only on weekdays that are not public holidays of ``country``
    (``holidays.country_holidays``) in the calendar of ``tz``; each such day counts its
    24 wall-clock hours (a DST day counts 24 h too). Negative spans count as 0.

    Examples
    --------
    >>> import pandas as pd
    >>> fri = pd.Timestamp("2013-04-05 15:00", tz="Europe/Oslo")
    >>> working_minutes_between(fri, pd.Timestamp("2013-04-08 14:00", tz="Europe/Oslo")) / 60
    23.0
    """
    scalar = not isinstance(start, pd.Series)
    s = pd.Series([start]) if scalar else start
    e = pd.Series([end]) if scalar else end
    if len(s) != len(e):
        raise ValueError(f"start and end differ in length ({len(s)} vs {len(e)})")
    s = pd.to_datetime(s)
    e = pd.to_datetime(e).set_axis(s.index)
    years = pd.concat([s, e]).dropna()
    if not len(years):
        out = pd.Series(np.nan, index=s.index)
        return float(out.iloc[0]) if scalar else out
    yrs = years.dt.year
    hol = _holiday_array(country, int(yrs.min()), int(yrs.max()))
    minutes = _working_clock(e, hol, tz) - _working_clock(s, hol, tz)
    out = pd.Series(np.clip(minutes, 0, None), index=s.index)
    return float(out.iloc[0]) if scalar else out


def _normalise_parent(parent: pd.Series) -> pd.Series:
    p = parent.astype("str")
    blank = p.isna() | p.str.strip().isin(["", "nan", "None", "<NA>"])
    return p.mask(blank)


def _empty_response() -> pd.DataFrame:
    ts = pd.Series([], dtype=pd.DatetimeTZDtype("us", CALENDAR_TZ))
    return pd.DataFrame(
        {
            "comment_id": pd.Series([], dtype="str"),
            "page_id": pd.Series([], dtype="str"),
            "post_id": pd.Series([], dtype="str"),
            "asked_at": ts,
            "answered_at": ts.copy(),
            "response_minutes": pd.Series([], dtype="float64"),
            "answered": pd.Series([], dtype=bool),
            "answered_within_24h_weekdays": pd.Series([], dtype=bool),
            "response_working_minutes": pd.Series([], dtype="float64"),
        }
    )


def _asof_first_after(
    left: pd.DataFrame, right: pd.DataFrame, by: str, left_on: str = "asked_at"
) -> pd.Series:
    """For each row of ``left`` the first ``right.created_at`` >= ``left[left_on]`` with the
    same ``by``; index-aligned with ``left``."""
    out = pd.Series(pd.NaT, index=left.index, dtype=left[left_on].dtype)
    lk = left[left[by].notna()]
    rk = right[right[by].notna()]
    if not len(lk) or not len(rk):
        return out
    lk = lk[[by, left_on]].reset_index(names="_row").sort_values(left_on, kind="stable")
    rk = rk[[by, "created_at"]].sort_values("created_at", kind="stable")
    rk = rk.assign(_ans=rk["created_at"])
    merged = pd.merge_asof(
        lk,
        rk[["created_at", by, "_ans"]],
        left_on=left_on,
        right_on="created_at",
        by=by,
        direction="forward",
        allow_exact_matches=True,
    )
    hit = pd.Series(merged["_ans"].array, index=merged["_row"].to_numpy())
    return hit.reindex(left.index).astype(out.dtype)


def response_times(comments: pd.DataFrame, *, country: str = "NO") -> pd.DataFrame:
    """One row per citizen question with its first page reply and response time.

    Parameters
    ----------
    comments
        Canonical comments table (comment_id, post_id, page_id, parent_id, created_at,
        is_page_reply, message). ``parent_id`` may be absent or empty (exports without
        threading): the same-post rule of the module docstring then applies.
    country
        Holiday calendar for the working clock (``holidays`` country code; the calendar
        time zone is Europe/Oslo).

    Returns
    -------
    DataFrame
        Columns :data:`RESPONSE_COLUMNS`: comment_id, page_id, post_id, asked_at,
        answered_at (NaT if unanswered), response_minutes (wall clock, NaN if
        unanswered), answered, answered_within_24h_weekdays, response_working_minutes
        (the working clock of the module docstring). Sorted by page_id, asked_at,
        comment_id. Questions without a timestamp are kept (unanswered, NaN times).

    Notes
    -----
    Definitions: Johnsen, Jørgensen & Aaneland (2013, s. 10, metrics 4 and 6,
    and s. 12 (H2, "i løpet av 24 timer i ukedagene"). The rules for
    the first reply and the working clock are in the module docstring. Vectorised: direct
    replies by a group-by on ``parent_id``, thread and same-post replies by
    :func:`pandas.merge_asof`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Timestamp("2013-04-05 15:00", tz="Europe/Oslo")  # a Friday
    >>> c = pd.DataFrame({"comment_id": ["q", "r"], "post_id": ["p", "p"],
    ...     "page_id": ["A", "A"], "parent_id": [None, "q"],
    ...     "created_at": [t, t + pd.Timedelta(hours=71)], "author_id": ["u", "A"],
    ...     "is_page_reply": [False, True], "message": ["Hvem ringer jeg?", "Oss."]})
    >>> r = response_times(c).iloc[0]
    >>> float(r["response_minutes"]) / 60, bool(r["answered_within_24h_weekdays"])
    (71.0, True)
    """
    _require(
        comments,
        ("comment_id", "post_id", "page_id", "created_at", "is_page_reply", "message"),
        "response_times",
    )
    if not len(comments):
        return _empty_response()
    c = comments
    created = pd.to_datetime(c["created_at"])
    if created.dt.tz is None:
        created = created.dt.tz_localize(CALENDAR_TZ)
    created = created.dt.tz_convert(CALENDAR_TZ)
    parent = (
        _normalise_parent(c["parent_id"])
        if "parent_id" in c.columns
        else pd.Series(pd.NA, index=c.index, dtype="str")
    )
    base = pd.DataFrame(
        {
            "comment_id": c["comment_id"].astype("str"),
            "page_id": c["page_id"].astype("str"),
            "post_id": c["post_id"].astype("str"),
            "parent_id": parent,
            "created_at": created,
        },
        index=c.index,
    )
    is_q = detect_questions(c)
    q = base.loc[is_q].rename(columns={"created_at": "asked_at"})
    if not len(q):
        return _empty_response()
    replies = base.loc[_page_mask(c) & created.notna()]

    # 1. direct replies: parent_id is the question
    direct_first = replies.dropna(subset=["parent_id"]).groupby("parent_id")["created_at"].min()
    direct = pd.Series(pd.NaT, index=q.index, dtype=q["asked_at"].dtype)
    if len(direct_first):
        hit = direct_first.reindex(q["comment_id"].to_numpy())
        direct = pd.Series(hit.array, index=q.index).dt.tz_convert(CALENDAR_TZ)
        direct = direct.astype(q["asked_at"].dtype)
    # 2. same thread: the question is a reply; a page reply under the same parent, later
    threaded = replies[replies["parent_id"].notna()]
    thread = _asof_first_after(q[q["asked_at"].notna()], threaded, by="parent_id")
    # 3. no threading: a page comment without parent on the same post, later
    flat = replies[replies["parent_id"].isna()]
    same_post = _asof_first_after(q[q["asked_at"].notna()], flat, by="post_id")

    cand = pd.DataFrame(
        {
            "d": direct,
            "t": thread.reindex(q.index),
            "p": same_post.reindex(q.index),
        }
    )
    ns = np.stack(
        [cand[k].to_numpy(dtype="datetime64[ns]").astype("int64") for k in ("d", "t", "p")], axis=1
    )
    nat = np.iinfo("int64").min
    ns = np.where(ns == nat, np.iinfo("int64").max, ns)
    first = ns.min(axis=1)
    first = np.where(first == np.iinfo("int64").max, nat, first)
    answered_at = pd.Series(
        pd.to_datetime(first.view("datetime64[ns]")), index=q.index
    ).dt.tz_localize("UTC")
    answered_at = answered_at.dt.tz_convert(CALENDAR_TZ).dt.as_unit("us")

    minutes = (answered_at - q["asked_at"]).dt.total_seconds() / 60.0
    minutes = minutes.clip(lower=0.0)
    working = working_minutes_between(q["asked_at"], answered_at, country=country)
    answered = answered_at.notna() & q["asked_at"].notna()
    out = pd.DataFrame(
        {
            "comment_id": q["comment_id"],
            "page_id": q["page_id"],
            "post_id": q["post_id"],
            "asked_at": q["asked_at"].dt.as_unit("us"),
            "answered_at": answered_at.where(answered),
            "response_minutes": minutes.where(answered).astype("float64"),
            "answered": answered.astype(bool),
            "answered_within_24h_weekdays": (answered & (working <= WORKDAY_LIMIT_MINUTES)).astype(
                bool
            ),
            "response_working_minutes": working.where(answered).astype("float64"),
        }
    )
    out = out.sort_values(["page_id", "asked_at", "comment_id"], kind="stable")
    return out.reset_index(drop=True)[RESPONSE_COLUMNS]


#: Columns of :func:`page_response`.
PAGE_RESPONSE_COLUMNS = [
    "questions",
    "questions_answered",
    "share_answered",
    "avg_response_time_minutes",
    "median_response_time_minutes",
    "share_within_24h_weekdays",
]


def summarise_responses(times: pd.DataFrame, page_ids: pd.Index | None = None) -> pd.DataFrame:
    """Aggregate a :func:`response_times` table per page (see :func:`page_response`).

    ``page_ids`` lists pages to include even without questions (0 questions, NaN rates).
    """
    g = times.groupby("page_id", sort=True)
    answered_minutes = times["response_minutes"].where(times["answered"])
    out = pd.DataFrame(
        {
            "questions": g.size(),
            "questions_answered": g["answered"].sum(),
            "avg_response_time_minutes": answered_minutes.groupby(times["page_id"]).mean(),
            "median_response_time_minutes": answered_minutes.groupby(times["page_id"]).median(),
            "within": g["answered_within_24h_weekdays"].sum(),
        }
    )
    if page_ids is not None:
        out = out.reindex(out.index.union(pd.Index(page_ids, dtype="str")))
    out["questions"] = out["questions"].fillna(0).astype("int64")
    out["questions_answered"] = out["questions_answered"].fillna(0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        q = out["questions"].replace(0, np.nan).astype("float64")
        out["share_answered"] = out["questions_answered"] / q
        out["share_within_24h_weekdays"] = out["within"].fillna(0).astype("float64") / q
    out.index.name = "page_id"
    return out[PAGE_RESPONSE_COLUMNS].astype({c: "float64" for c in PAGE_RESPONSE_COLUMNS[2:]})


def page_response(comments: pd.DataFrame, *, country: str = "NO") -> pd.DataFrame:
    """Response metrics per page.

    Parameters
    ----------
    comments
        Canonical comments table.
    country
        Holiday calendar of the working clock (see :func:`response_times`).

    Returns
    -------
    DataFrame
        Indexed by page_id (every page that has comments): questions (citizen questions,
        :func:`detect_questions`), questions_answered (Gambit metric 4), share_answered,
        avg_response_time_minutes (Gambit metric 6: mean wall-clock minutes to the first
        page reply over answered questions), median_response_time_minutes,
        share_within_24h_weekdays (share of *all* questions answered within 24 working
        hours, hypothesis H2). Rates are NaN for pages without questions.

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 10 and 12).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Timestamp("2013-04-02 10:00", tz="Europe/Oslo")
    >>> c = pd.DataFrame({"comment_id": ["q1", "q2", "r1"], "post_id": ["p"] * 3,
    ...     "page_id": ["A"] * 3, "parent_id": [None, None, "q1"],
    ...     "created_at": [t, t, t + pd.Timedelta(minutes=90)], "author_id": ["u", "v", "A"],
    ...     "is_page_reply": [False, False, True], "message": ["Hva?", "Hvor?", "Her."]})
    >>> page_response(c).loc["A", ["questions", "questions_answered", "share_answered"]].tolist()
    [2.0, 1.0, 0.5]
    """
    times = response_times(comments, country=country)
    pages = pd.Index(comments["page_id"].astype("str").unique()) if len(comments) else None
    return summarise_responses(times, pages)

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
* **Questions in visitor posts**: Socialbakers' "questions answered" and response time
  were computed on fans' questions posted *on the page wall*, and H2 speaks of
  "spørsmål og innlegg fra innbyggerne" (Johnsen, Jørgensen & Aaneland 2013, s. 13).
  A post with ``author_kind`` = ``"visitor"`` (a citizen's wall post, canonical
  ``posts`` table) whose message matches the question rule is a question too; its first
  page reply is the earliest page comment (``is_page_reply``) on that post at or after
  it. :func:`response_times` marks every question's ``source``: ``"comment"`` or
  ``"visitor_post"``.
* **Office clock** (KS Veikart, Langva, Meling & Wessel-Aas 2012, s. 12: "respondere på
  henvendelser samme virkedag, og helst i løpet av få timer"): runs only inside office
  hours (default 08:00–15:45, :data:`OFFICE_HOURS`) on working days (weekdays that are
  not Norwegian public holidays). ``response_office_minutes`` is the response time on
  that clock ("response time in working hours").
* **Answered the same working day**: a question's working day is the day it was asked
  if that is a working day and it was asked before closing time; otherwise the next
  working day. It is answered the same working day if the first page reply comes at or
  before closing time (15:45) of that working day. Examples (Easter 2013: Maundy
  Thursday 28 March, Good Friday 29 March and Easter Monday 1 April are public holidays
  in Norway): asked Wednesday 27 March 15:30 → deadline that day 15:45; answered
  Thursday 28 March 10:00 → *not* the same working day, although only 15 office minutes
  have passed (the office clock stands still over the holidays); asked Wednesday 27 March
  at 16:00, Maundy Thursday, or Easter Saturday → deadline Tuesday 2 April 15:45.
* **Answered within a few hours** (``few_hours``, default 3): the office-clock response
  time is at most ``few_hours`` × 60 minutes. "Få timer" is not quantified by Veikart;
  3 is our reading and a parameter.

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

import hashlib
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from kommunesm.errors import InputError, require
from kommunesm.metrics.wall import is_visitor_post

__all__ = [
    "FEW_HOURS",
    "INTERROGATIVES",
    "KPI_COLUMNS",
    "QUESTION_DETECTOR",
    "OFFICE_HOURS",
    "PAGE_RESPONSE_COLUMNS",
    "QUESTION_PATTERN",
    "QUESTION_SOURCES",
    "RESPONSE_COLUMNS",
    "WORKDAY_LIMIT_MINUTES",
    "detect_questions",
    "detect_visitor_questions",
    "office_minutes_between",
    "page_response",
    "question_flags",
    "with_question_flags",
    "response_times",
    "same_working_day_deadline",
    "summarise_responses",
    "working_minutes_between",
]

#: Calendar of the working clock.
CALENDAR_TZ = "Europe/Oslo"
#: H2's limit: 24 hours of working clock (Johnsen, Jørgensen & Aaneland 2013, s. 12).
WORKDAY_LIMIT_MINUTES = 24 * 60
#: Default office hours of the office clock (opening, closing; local time). Norwegian
#: municipal offices commonly keep 08:00–15:45 (summer hours vary); a parameter.
OFFICE_HOURS: tuple[str, str] = ("08:00", "15:45")
#: Default "within a few hours" ("helst i løpet av få timer", KS Veikart 2012, s. 12),
#: in office hours. Our reading; a parameter.
FEW_HOURS = 3.0
#: Where a question can be asked: a comment, or a citizen's own post on the page wall.
QUESTION_SOURCES = ("comment", "visitor_post")

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
#: Version of the question detector stored next to ``is_question`` (column
#: ``question_detector``) in the comments and posts tables: the rule's revision and a
#: digest of the pattern, so that flags of an older detector are recomputed, never mixed.
QUESTION_DETECTOR = "q1-" + hashlib.sha256(QUESTION_PATTERN.encode()).hexdigest()[:12]

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
    "source",
    "response_office_minutes",
    "answered_same_working_day",
    "answered_within_few_hours",
]


def _page_mask(comments: pd.DataFrame) -> pd.Series:
    return comments["is_page_reply"].astype("boolean").fillna(False).astype(bool)


def detect_questions(comments: pd.DataFrame) -> pd.Series:
    """Which comments are citizen questions.

    Parameters
    ----------
    comments : DataFrame
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
    require(comments, ("message", "is_page_reply"), table="comments", purpose="detect_questions")
    if not len(comments):
        return pd.Series([], index=comments.index, dtype=bool)
    hit = _match_question(comments["message"])
    return pd.Series(
        hit & ~_page_mask(comments).to_numpy(), index=comments.index, name="is_question"
    )


def _match_question(message: object) -> np.ndarray:
    """RE2 match (Arrow compute) of :data:`QUESTION_PATTERN`; missing text is False.

    Every detector of kommunesm runs through here, so questions mean the same at ingest,
    in pandas, in DuckDB and on Spark (which receive the flags, never the pattern).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(message, pd.Series):
        arr = pa.array(message.astype("str").to_numpy(na_value=None), pa.large_string())
    else:
        arr = message if isinstance(message, (pa.Array, pa.ChunkedArray)) else pa.array(message)
        if not pa.types.is_large_string(arr.type):
            arr = arr.cast(pa.large_string())
    hit = pc.match_substring_regex(arr, QUESTION_PATTERN)
    return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)


def _stored_flags(frame: object) -> np.ndarray | None:
    """Stored ``is_question`` flags if they can be used, else None (pandas or Arrow).

    They are used when the message is absent (nothing to detect from), or when every row
    has a flag and names the current detector in ``question_detector``.
    """
    import pyarrow as pa

    names = frame.column_names if isinstance(frame, pa.Table) else list(frame.columns)
    if "is_question" not in names:
        return None

    def col(name: str) -> pd.Series:
        c = frame.column(name).to_pandas() if isinstance(frame, pa.Table) else frame[name]
        return pd.Series(c)

    flags = col("is_question").astype("boolean")
    if "message" in names:
        if "question_detector" not in names or flags.isna().any():
            return None
        if not bool((col("question_detector").astype("str") == QUESTION_DETECTOR).all()):
            return None
    return flags.fillna(False).to_numpy(dtype=bool)


def with_question_flags(frame: pd.DataFrame, kind: str = "comments") -> pd.DataFrame:
    """``frame`` with ``is_question`` and ``question_detector`` columns (for ingest).

    Detection runs once, when the canonical table is written, so that the metrics (and
    their SQL on DuckDB or Spark) read flags instead of applying a regular expression.

    Parameters
    ----------
    frame : pandas.DataFrame
        A canonical comments or posts table.
    kind : {"comments", "posts"}, default "comments"
        Which table ``frame`` is.

    Returns
    -------
    pandas.DataFrame
        ``frame`` with the two columns added (or replaced).
    """
    flags = question_flags(frame, kind=kind)
    return frame.assign(
        is_question=pd.array(flags, dtype="boolean"),
        question_detector=pd.Series(QUESTION_DETECTOR, index=frame.index, dtype="str"),
    )


def question_flags(table: object, *, kind: str = "comments") -> np.ndarray:
    """``is_question`` of each row of a comments or posts table (pandas or Arrow).

    The stored column when the table carries flags of the current detector
    (:data:`QUESTION_DETECTOR`, column ``question_detector``; without a message column the
    flags are trusted as they are), else detected now: for ``kind="comments"`` :func:`detect_questions`
    (page replies are never questions), for ``kind="posts"``
    :func:`detect_visitor_questions` (only citizens' wall posts).

    Parameters
    ----------
    table : pandas.DataFrame or pyarrow.Table
        A comments or posts table.
    kind : {"comments", "posts"}, default "comments"
        Which table ``table`` is.

    Returns
    -------
    numpy.ndarray
        Boolean flags, one per row.
    """
    import pyarrow as pa

    stored = _stored_flags(table)
    if stored is not None:
        return stored
    frame = table
    if isinstance(table, pa.Table):
        need = ["message", "is_page_reply"] if kind == "comments" else ["message", "author_kind"]
        frame = pd.DataFrame(
            {c: table.column(c).to_pandas() for c in need if c in table.column_names}
        )
        if kind == "comments" and "message" in frame.columns:
            hit = _match_question(table.column("message"))
            return hit & ~_page_mask(frame).to_numpy() if "is_page_reply" in frame else hit
    if kind == "comments":
        return detect_questions(frame).to_numpy(dtype=bool)
    if "message" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return detect_visitor_questions(frame).to_numpy(dtype=bool)


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

    Parameters
    ----------
    start, end : Series or Timestamp
        Timestamps or index-aligned Series (tz-aware; naive ones are read in ``tz``).
    country : str, default 'NO'
        Holiday calendar (``holidays.country_holidays``).
    tz : str, default 'Europe/Oslo'
        Time zone whose calendar days are counted.

    Returns
    -------
    float or Series
        Working-clock minutes (float for two Timestamps, a Series for Series input).

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


def _minute_of_day(value: object) -> float:
    """``"08:00"`` / ``datetime.time`` / minutes → minutes after midnight."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hasattr(value, "hour"):
        return value.hour * 60.0 + value.minute + getattr(value, "second", 0) / 60.0
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", str(value))
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
        raise ValueError(f"office hour {value!r} is not a time of day like '08:00'")
    return int(m.group(1)) * 60.0 + int(m.group(2))


def _office_bounds(office_hours: tuple[object, object]) -> tuple[float, float]:
    try:
        opening, closing = office_hours
    except (TypeError, ValueError):
        raise ValueError(
            f"office_hours must be (opening, closing), e.g. ('08:00', '15:45'); got "
            f"{office_hours!r}"
        ) from None
    o, c = _minute_of_day(opening), _minute_of_day(closing)
    if not 0 <= o < c <= 1440:
        raise ValueError(f"office hours {office_hours!r}: opening must be before closing")
    return o, c


def _local_naive(ts: pd.Series, tz: str) -> pd.Series:
    local = pd.to_datetime(ts)
    if local.dt.tz is None:
        local = local.dt.tz_localize(tz)
    return local.dt.tz_convert(tz).dt.tz_localize(None)


def _holidays_for(series: list[pd.Series], country: str, tz: str) -> np.ndarray:
    years = pd.concat([pd.to_datetime(s) for s in series]).dropna()
    if not len(years):
        return np.array([], dtype="datetime64[D]")
    yrs = _local_naive(years, tz).dt.year
    # one year beyond: a deadline can roll into the next year
    return _holiday_array(country, int(yrs.min()), int(yrs.max()) + 1)


def _office_clock(
    ts: pd.Series, hol: np.ndarray, tz: str, opening: float, closing: float
) -> np.ndarray:
    """Office-clock minutes from a fixed epoch to each timestamp (NaN for NaT)."""
    out = np.full(len(ts), np.nan)
    ok = ts.notna().to_numpy()
    if not ok.any():
        return out
    local = _local_naive(ts[ok], tz)
    day = local.dt.floor("D")
    days = day.to_numpy().astype("datetime64[D]")
    length = closing - opening
    before = np.busday_count(_EPOCH, days, holidays=hol).astype("float64")
    is_work = np.is_busday(days, holidays=hol)
    minute = (local - day).dt.total_seconds().to_numpy() / 60.0
    within = np.clip(minute - opening, 0.0, length)
    out[ok] = before * length + np.where(is_work, within, 0.0)
    return out


def office_minutes_between(
    start: pd.Series | pd.Timestamp,
    end: pd.Series | pd.Timestamp,
    *,
    office_hours: tuple[object, object] = OFFICE_HOURS,
    country: str = "NO",
    tz: str = CALENDAR_TZ,
) -> pd.Series | float:
    """Minutes of *office clock* between ``start`` and ``end`` ("working hours").

    The office clock runs only from opening to closing time (``office_hours``, local time
    of ``tz``) on working days: weekdays that are not public holidays of ``country``
    (``holidays.country_holidays``). Negative spans count as 0; NaT gives NaN.

    Parameters
    ----------
    start, end : Series or Timestamp
        Timestamps or index-aligned Series (tz-aware; naive ones are read in ``tz``).
    office_hours : tuple, default ('08:00', '15:45')
        (opening, closing) as ``"HH:MM"`` strings, ``datetime.time`` or minutes after
        midnight. Default :data:`OFFICE_HOURS` (08:00–15:45).
    country : str, default 'NO'
    tz : str, default 'Europe/Oslo'
        Holiday calendar and time zone.

    Returns
    -------
    float or Series
        Office-clock minutes (float for two Timestamps, a Series for Series input).

    Notes
    -----
    KS Veikart (Langva, Meling & Wessel-Aas 2012, s. 12): "få vil forvente å få like
    rask respons utenom kontortiden som i kontortiden" — the norm is measured on office
    time.

    Examples
    --------
    >>> import pandas as pd
    >>> wed = pd.Timestamp("2013-03-27 15:30", tz="Europe/Oslo")  # Wednesday before Easter
    >>> office_minutes_between(wed, pd.Timestamp("2013-04-02 09:00", tz="Europe/Oslo"))
    75.0
    """
    opening, closing = _office_bounds(office_hours)
    scalar = not isinstance(start, pd.Series)
    s = pd.Series([start]) if scalar else start
    e = pd.Series([end]) if scalar else end
    if len(s) != len(e):
        raise ValueError(f"start and end differ in length ({len(s)} vs {len(e)})")
    s = pd.to_datetime(s)
    e = pd.to_datetime(e).set_axis(s.index)
    hol = _holidays_for([s, e], country, tz)
    minutes = _office_clock(e, hol, tz, opening, closing) - _office_clock(
        s, hol, tz, opening, closing
    )
    out = pd.Series(np.clip(minutes, 0, None), index=s.index)
    return float(out.iloc[0]) if scalar else out


def same_working_day_deadline(
    asked_at: pd.Series | pd.Timestamp,
    *,
    office_hours: tuple[object, object] = OFFICE_HOURS,
    country: str = "NO",
    tz: str = CALENDAR_TZ,
) -> pd.Series | pd.Timestamp:
    """Closing time of the working day a question belongs to (KS Veikart's "samme virkedag").

    A question asked on a working day before closing time belongs to that day; one asked
    after closing time, on a weekend or on a public holiday belongs to the next working
    day. The deadline is that day's closing time (tz-aware, ``tz``).

    Parameters
    ----------
    asked_at : Series or Timestamp
        When the questions were asked (tz-aware; naive ones are read in ``tz``).
    office_hours : tuple, default ('08:00', '15:45')
        (opening, closing), as for :func:`office_minutes_between`.
    country : str, default 'NO'
        Holiday calendar (``holidays.country_holidays``).
    tz : str, default 'Europe/Oslo'
        Time zone of the office clock.

    Returns
    -------
    Timestamp or Series
        The closing time of each question's working day, tz-aware in ``tz``.

    Examples
    --------
    >>> import pandas as pd
    >>> oslo = "Europe/Oslo"
    >>> same_working_day_deadline(pd.Timestamp("2013-03-27 15:30", tz=oslo))
    Timestamp('2013-03-27 15:45:00+0100', tz='Europe/Oslo')
    >>> same_working_day_deadline(pd.Timestamp("2013-03-28 15:30", tz=oslo))  # Maundy Thursday
    Timestamp('2013-04-02 15:45:00+0200', tz='Europe/Oslo')
    """
    opening, closing = _office_bounds(office_hours)
    scalar = not isinstance(asked_at, pd.Series)
    s = pd.to_datetime(pd.Series([asked_at]) if scalar else asked_at)
    out = pd.Series(pd.NaT, index=s.index, dtype=pd.DatetimeTZDtype("us", tz))
    ok = s.notna()
    if ok.any():
        hol = _holidays_for([s[ok]], country, tz)
        local = _local_naive(s[ok], tz)
        day = local.dt.floor("D")
        days = day.to_numpy().astype("datetime64[D]")
        minute = (local - day).dt.total_seconds().to_numpy() / 60.0
        late = np.is_busday(days, holidays=hol) & (minute >= closing)
        deadline_day = np.busday_offset(
            days, late.astype("int64"), roll="forward", holidays=hol
        ).astype("datetime64[us]")
        deadline = pd.Series(deadline_day, index=local.index) + pd.to_timedelta(closing, unit="min")
        out[ok] = deadline.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return out.iloc[0] if scalar else out


def _question_text_mask(text: pd.Series) -> pd.Series:
    return pd.Series(_match_question(text), index=text.index)


def detect_visitor_questions(posts: pd.DataFrame) -> pd.Series:
    """Which posts are citizen questions posted on the page wall.

    A post is a visitor question if its ``author_kind`` is ``"visitor"`` (a citizen's own
    post on the page's wall) and its message matches :data:`QUESTION_PATTERN` (the rule of
    :func:`detect_questions`). Posts without ``author_kind`` are the page's own.

    Parameters
    ----------
    posts : DataFrame
        Canonical ``posts`` with ``message`` and (optionally) ``author_kind``.

    Returns
    -------
    Series of bool
        One value per post (same index): True for a citizen's question on the wall.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"author_kind": ["visitor", "visitor", "page"],
    ...                   "message": ["Når tømmes søpla?", "Takk for flott fest!", "Hva skjer?"]})
    >>> detect_visitor_questions(p).tolist()
    [True, False, False]
    """
    if "message" not in posts.columns or not len(posts):
        return pd.Series(False, index=posts.index, name="is_question")
    return (_question_text_mask(posts["message"]) & is_visitor_post(posts)).rename("is_question")


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
            "source": pd.Series([], dtype="str"),
            "response_office_minutes": pd.Series([], dtype="float64"),
            "answered_same_working_day": pd.Series([], dtype=bool),
            "answered_within_few_hours": pd.Series([], dtype=bool),
        }
    )[RESPONSE_COLUMNS]


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


def _oslo_times(values: pd.Series) -> pd.Series:
    created = pd.to_datetime(values)
    if created.dt.tz is None:
        created = created.dt.tz_localize(CALENDAR_TZ)
    return created.dt.tz_convert(CALENDAR_TZ)


def _first_of(cands: list[pd.Series], index: pd.Index) -> pd.Series:
    """Row-wise earliest of several tz-aware candidate Series (NaT ignored)."""
    nat = np.iinfo("int64").min
    big = np.iinfo("int64").max
    ns = np.stack(
        [c.reindex(index).to_numpy(dtype="datetime64[ns]").astype("int64") for c in cands],
        axis=1,
    )
    ns = np.where(ns == nat, big, ns)
    first = ns.min(axis=1)
    first = np.where(first == big, nat, first)
    out = pd.Series(pd.to_datetime(first.view("datetime64[ns]")), index=index).dt.tz_localize("UTC")
    return out.dt.tz_convert(CALENDAR_TZ).dt.as_unit("us")


def _comment_questions(comments: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Comment questions, their first page reply, and all page replies (internal)."""
    c = comments
    created = _oslo_times(c["created_at"])
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
    replies = base.loc[_page_mask(c) & created.notna()]
    is_q = question_flags(c) & ~_page_mask(c).to_numpy()
    q = base.loc[is_q].rename(columns={"created_at": "asked_at"})
    if not len(q):
        return q, pd.Series([], dtype=created.dtype), replies

    # 1. direct replies: parent_id is the question
    direct_first = replies.dropna(subset=["parent_id"]).groupby("parent_id")["created_at"].min()
    direct = pd.Series(pd.NaT, index=q.index, dtype=q["asked_at"].dtype)
    if len(direct_first):
        hit = direct_first.reindex(q["comment_id"].to_numpy())
        direct = pd.Series(hit.array, index=q.index).dt.tz_convert(CALENDAR_TZ)
        direct = direct.astype(q["asked_at"].dtype)
    # 2. same thread: the question is a reply; a page reply under the same parent, later
    timed = q[q["asked_at"].notna()]
    thread = _asof_first_after(timed, replies[replies["parent_id"].notna()], by="parent_id")
    # 3. no threading: a page comment without parent on the same post, later
    same_post = _asof_first_after(timed, replies[replies["parent_id"].isna()], by="post_id")
    return q, _first_of([direct, thread, same_post], q.index), replies


def _visitor_questions(
    posts: pd.DataFrame, replies: pd.DataFrame
) -> tuple[pd.DataFrame, pd.Series]:
    """Visitor-post questions and their first page reply on the post (internal)."""
    need = ("post_id", "page_id", "created_at") + (
        () if "is_question" in posts.columns else ("message",)
    )
    missing = [c for c in need if c not in posts.columns]
    if missing:
        raise InputError(
            f"questions in visitor posts need the posts column(s) {', '.join(missing)}",
            file="posts",
            column=missing[0],
            expected="the canonical posts table (kommunesm.schema.FIELDS['posts'])",
        )
    vp = posts.loc[question_flags(posts, kind="posts") & is_visitor_post(posts).to_numpy()]
    q = pd.DataFrame(
        {
            "comment_id": vp["post_id"].astype("str"),
            "page_id": vp["page_id"].astype("str"),
            "post_id": vp["post_id"].astype("str"),
            "asked_at": _oslo_times(vp["created_at"]),
        },
        index=vp.index,
    )
    timed = q[q["asked_at"].notna()]
    first = _asof_first_after(timed, replies, by="post_id").reindex(q.index)
    return q, first


def response_times(
    comments: pd.DataFrame | None,
    *,
    posts: pd.DataFrame | None = None,
    country: str = "NO",
    office_hours: tuple[object, object] = OFFICE_HOURS,
    few_hours: float = FEW_HOURS,
) -> pd.DataFrame:
    """One row per citizen question with its first page reply and response times.

    Parameters
    ----------
    comments : DataFrame
        Canonical comments table (comment_id, post_id, page_id, parent_id, created_at,
        is_page_reply, message). ``parent_id`` may be absent or empty (exports without
        threading): the same-post rule of the module docstring then applies. May be
        None or empty when only ``posts`` are given.
    posts : DataFrame, optional
        Canonical posts table. Its *visitor posts* (``author_kind`` = ``"visitor"``:
        citizens' own posts on the page wall) that are questions count as questions too,
        answered by the first page comment on them. None: questions in comments only.
    country : str, default 'NO'
        Holiday calendar of the working and office clocks (``holidays`` country code; the
        calendar time zone is Europe/Oslo).
    office_hours : tuple, default ('08:00', '15:45')
        (opening, closing) of the office clock; default :data:`OFFICE_HOURS`.
    few_hours : float, default 3.0
        "Within a few hours", in office hours; default :data:`FEW_HOURS`.

    Returns
    -------
    DataFrame
        Columns :data:`RESPONSE_COLUMNS`: comment_id (the question's id: the comment's,
        or the visitor post's post_id), page_id, post_id, asked_at, answered_at (NaT if
        unanswered), response_minutes (wall clock, NaN if unanswered), answered,
        answered_within_24h_weekdays (H2), response_working_minutes (the 24-h weekday
        clock of H2), source (``"comment"`` / ``"visitor_post"``),
        response_office_minutes (office clock, "working hours"),
        answered_same_working_day and answered_within_few_hours (KS Veikart). Sorted by
        page_id, asked_at, comment_id. Questions without a timestamp are kept
        (unanswered, NaN times).

    Notes
    -----
    Definitions: Johnsen, Jørgensen & Aaneland (2013, ``gambit2013``), s. 10 (metrics 4
    and 6) and s. 13 (H2, "svarer raskt på spørsmål og innlegg fra innbyggerne … i løpet
    av 24 timer i ukedagene"); Langva, Meling & Wessel-Aas (2012, ``ksveikart2012``),
    s. 12 ("samme virkedag, og helst i løpet av få timer"). The rules for the first reply
    and the clocks are in the module docstring. Vectorised: direct replies by a group-by
    on ``parent_id``, thread, same-post and visitor-post replies by
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
    >>> float(r["response_office_minutes"]) / 60, bool(r["answered_same_working_day"])
    (6.75, False)
    """
    opening, closing = _office_bounds(office_hours)
    has_c = comments is not None and len(comments) > 0
    has_p = posts is not None and len(posts) > 0 and "author_kind" in posts.columns
    if has_c:
        require(
            comments,
            ("comment_id", "post_id", "page_id", "created_at", "is_page_reply")
            + (() if "is_question" in comments.columns else ("message",)),
            table="comments",
            purpose="response_times",
        )
        cq, c_first, replies = _comment_questions(comments)
    else:
        cq, c_first = _empty_response().iloc[:, :4], pd.Series([], dtype="datetime64[us]")
        replies = pd.DataFrame(
            {
                "post_id": pd.Series([], dtype="str"),
                "created_at": pd.Series([], dtype=pd.DatetimeTZDtype("us", CALENDAR_TZ)),
            }
        )
    parts = []
    if len(cq):
        parts.append(
            cq[["comment_id", "page_id", "post_id", "asked_at"]]
            .assign(answered_at=c_first, source="comment")
            .reset_index(drop=True)
        )
    if has_p:
        vq, v_first = _visitor_questions(posts, replies)
        if len(vq):
            parts.append(
                vq.assign(answered_at=v_first, source="visitor_post").reset_index(drop=True)
            )
    if not parts:
        return _empty_response()
    q = pd.concat(parts, ignore_index=True)
    q["asked_at"] = _oslo_times(q["asked_at"]).dt.as_unit("us")
    answered_at = _oslo_times(q["answered_at"]).dt.as_unit("us")

    minutes = ((answered_at - q["asked_at"]).dt.total_seconds() / 60.0).clip(lower=0.0)
    working = working_minutes_between(q["asked_at"], answered_at, country=country)
    office = office_minutes_between(
        q["asked_at"], answered_at, office_hours=(opening, closing), country=country
    )
    deadline = same_working_day_deadline(
        q["asked_at"], office_hours=(opening, closing), country=country
    )
    answered = answered_at.notna() & q["asked_at"].notna()
    out = pd.DataFrame(
        {
            "comment_id": q["comment_id"].astype("str"),
            "page_id": q["page_id"].astype("str"),
            "post_id": q["post_id"].astype("str"),
            "asked_at": q["asked_at"],
            "answered_at": answered_at.where(answered),
            "response_minutes": minutes.where(answered).astype("float64"),
            "answered": answered.astype(bool),
            "answered_within_24h_weekdays": (answered & (working <= WORKDAY_LIMIT_MINUTES)).astype(
                bool
            ),
            "response_working_minutes": working.where(answered).astype("float64"),
            "source": q["source"].astype("str"),
            "response_office_minutes": office.where(answered).astype("float64"),
            "answered_same_working_day": (
                answered & (answered_at <= deadline).fillna(False)
            ).astype(bool),
            "answered_within_few_hours": (answered & (office <= few_hours * 60.0)).astype(bool),
        }
    )
    out = out.sort_values(["page_id", "asked_at", "comment_id"], kind="stable")
    return out.reset_index(drop=True)[RESPONSE_COLUMNS]


#: The response KPIs as used today, side by side (columns of :func:`page_response` and
#: :func:`kommunesm.metrics.page_table`): where the questions were asked, the response rate,
#: the median response time in office hours, the shares answered within a few office hours
#: and the same working day (KS Veikart), and H2's 24 weekday hours (Gambit).
KPI_COLUMNS = (
    "questions",
    "questions_in_comments",
    "questions_in_visitor_posts",
    "share_answered",
    "median_response_working_hours",
    "share_within_few_hours",
    "share_same_working_day",
    "share_within_24h_weekdays",
)

#: Columns of :func:`page_response` / :func:`summarise_responses`.
PAGE_RESPONSE_COLUMNS = [
    "questions",
    "questions_answered",
    "share_answered",
    "avg_response_time_minutes",
    "median_response_time_minutes",
    "share_within_24h_weekdays",
    "questions_in_comments",
    "questions_in_visitor_posts",
    "median_response_working_hours",
    "share_within_few_hours",
    "share_same_working_day",
]


def summarise_responses(
    times: pd.DataFrame,
    page_ids: pd.Index | None = None,
    *,
    sources: tuple[str, ...] = QUESTION_SOURCES,
) -> pd.DataFrame:
    """Aggregate a :func:`response_times` table per page (see :func:`page_response`).

    ``page_ids`` lists pages to include even without questions (0 questions, NaN rates).
    ``sources`` restricts the questions counted (``"comment"``, ``"visitor_post"``);
    ``questions_in_comments`` / ``questions_in_visitor_posts`` always count both.

    Parameters
    ----------
    times : DataFrame
        A :func:`response_times` table (one row per citizen question).
    page_ids : Index, optional
        Pages to include even without questions (0 questions, NaN rates).
    sources : tuple of str, default ('comment', 'visitor_post')
        Which questions are counted: ``"comment"``, ``"visitor_post"`` or both.

    Returns
    -------
    DataFrame
        One row per page (index ``page_id``) with the columns of
        :data:`PAGE_RESPONSE_COLUMNS`: questions, answered, shares within the deadlines and
        response-time summaries.
    """
    src = times["source"] if "source" in times.columns else pd.Series("comment", index=times.index)
    counts = (
        pd.crosstab(times["page_id"], src).reindex(columns=list(QUESTION_SOURCES), fill_value=0)
        if len(times)
        else pd.DataFrame(columns=list(QUESTION_SOURCES), dtype="int64")
    )
    t = times.loc[src.isin(sources)]
    g = t.groupby("page_id", sort=True)
    answered_minutes = t["response_minutes"].where(t["answered"])
    office = (
        t["response_office_minutes"]
        if "response_office_minutes" in t.columns
        else pd.Series(np.nan, index=t.index)
    )
    office_hours = office.where(t["answered"]) / 60.0

    def col_sum(name: str) -> pd.Series:
        if name in t.columns:
            return g[name].sum()
        return pd.Series(np.nan, index=g.size().index)

    out = pd.DataFrame(
        {
            "questions": g.size(),
            "questions_answered": g["answered"].sum(),
            "avg_response_time_minutes": answered_minutes.groupby(t["page_id"]).mean(),
            "median_response_time_minutes": answered_minutes.groupby(t["page_id"]).median(),
            "within": g["answered_within_24h_weekdays"].sum(),
            "median_response_working_hours": office_hours.groupby(t["page_id"]).median(),
            "few": col_sum("answered_within_few_hours"),
            "same": col_sum("answered_same_working_day"),
        }
    )
    index = out.index.union(pd.Index(counts.index.astype("str"), dtype="str"))
    if page_ids is not None:
        index = index.union(pd.Index(page_ids, dtype="str"))
    out = out.reindex(index)
    counts = counts.reindex(index, fill_value=0)
    out["questions"] = out["questions"].fillna(0).astype("int64")
    out["questions_answered"] = out["questions_answered"].fillna(0).astype("int64")
    out["questions_in_comments"] = counts["comment"].astype("int64")
    out["questions_in_visitor_posts"] = counts["visitor_post"].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        q = out["questions"].replace(0, np.nan).astype("float64")
        out["share_answered"] = out["questions_answered"] / q
        out["share_within_24h_weekdays"] = out["within"].fillna(0).astype("float64") / q
        out["share_within_few_hours"] = out["few"].fillna(0).astype("float64") / q
        out["share_same_working_day"] = out["same"].fillna(0).astype("float64") / q
    out.index.name = "page_id"
    return out[PAGE_RESPONSE_COLUMNS].astype(
        {c: "float64" for c in PAGE_RESPONSE_COLUMNS if not c.startswith("questions")}
    )


def page_response(
    comments: pd.DataFrame | None,
    *,
    posts: pd.DataFrame | None = None,
    country: str = "NO",
    office_hours: tuple[object, object] = OFFICE_HOURS,
    few_hours: float = FEW_HOURS,
    sources: tuple[str, ...] = QUESTION_SOURCES,
) -> pd.DataFrame:
    """Response KPIs per page, side by side.

    Parameters
    ----------
    comments : DataFrame
    posts : DataFrame, optional
        Canonical comments and posts (visitor posts' questions count when ``posts`` is
        given; see :func:`response_times`).
    country : str, default 'NO'
    office_hours : tuple, default ('08:00', '15:45')
    few_hours : float, default 3.0
        As for :func:`response_times`.
    sources : tuple, default ('comment', 'visitor_post')
        Which questions the KPIs count: ``("comment", "visitor_post")`` (default, both),
        or one of them.

    Returns
    -------
    DataFrame
        Indexed by page_id (every page with comments or visitor posts), columns
        :data:`PAGE_RESPONSE_COLUMNS`: questions, questions_answered (Gambit metric 4),
        share_answered (the *response rate*), avg_response_time_minutes (Gambit metric 6:
        mean wall-clock minutes over answered questions), median_response_time_minutes
        (wall clock), share_within_24h_weekdays (H2), questions_in_comments and
        questions_in_visitor_posts (where the questions were asked — counted whatever
        ``sources`` is), median_response_working_hours (office clock),
        share_within_few_hours and share_same_working_day (KS Veikart). Shares are of
        *all* questions (unanswered ones count as not answered); NaN for pages without
        questions.

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013), s. 10 and s. 13; Langva, Meling & Wessel-Aas
    (2012), s. 12.

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
    times = response_times(
        comments, posts=posts, country=country, office_hours=office_hours, few_hours=few_hours
    )
    ids = []
    for frame in (comments, posts):
        if frame is not None and len(frame) and "page_id" in frame.columns:
            ids.append(frame["page_id"].astype("str"))
    pages = pd.Index(pd.concat(ids).unique()) if ids else None
    return summarise_responses(times, pages, sources=sources)

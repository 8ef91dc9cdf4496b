"""The page table in SQL: one definition run by DuckDB (embedded) or Apache Spark.

This module holds *all* of kommunesm's metric SQL. :func:`kommunesm.metrics.page_table`
calls :func:`page_table_sql` for ``engine="duckdb"`` (the default) and
``engine="spark"``; the pandas implementation in :mod:`kommunesm.metrics.table` and
:mod:`kommunesm.metrics.response` is the reference, and the test suite asserts that every
column is equal (fixtures with threaded questions, DST changes and holidays).

Layout of the SQL:

1. **Normalising views** (engine-specific, :func:`_duckdb_view`, :func:`_spark_view`):
   each input table as ``k_pages``, ``k_page_days``, ``k_posts``, ``k_comments`` with the
   columns the metrics need, ids as text, counts as double, every timestamp as ``t_us``
   (microseconds since the epoch, UTC) and every date as ``day_no`` (days since
   1970-01-01). Only this thin layer differs between DuckDB and Spark.
2. **Two small tables computed in Python**: ``k_tz`` (:func:`tz_table`: the UTC offsets of
   Europe/Oslo per UTC day, so that local wall-clock time is a join, not a time-zone
   library that engines implement differently) and ``k_calendar``
   (:func:`calendar_table`: working days from the ``holidays`` package).
3. **The metric SQL** (:data:`METRIC_SQL`, DuckDB dialect, integer arithmetic on
   instants): questions, first page reply by the rules of
   :mod:`kommunesm.metrics.response` (window functions, no ``ASOF JOIN``, so that Spark
   runs it too), the working clock, the office clock and the same-working-day deadline,
   and the per-page aggregation of every :func:`~kommunesm.metrics.page_table` column.
   For Spark it is transpiled by sqlglot (:func:`transpile`).

Questions are not detected here: the comments table carries ``is_question`` (computed at
ingest with RE2, :func:`kommunesm.metrics.response.question_flags`), or it is computed
once in Python before the query. The SQL therefore needs no regular expression and runs
the same on every engine (Java's regex would not read Norwegian text as RE2 does).
"""

from __future__ import annotations

from pathlib import Path
from string import Template
from typing import Any

import numpy as np
import pandas as pd

from kommunesm.metrics import _period
from kommunesm.metrics.columns import EXTRA_COLUMNS, GAMBIT_METRICS

__all__ = [
    "METRIC_SQL",
    "calendar_table",
    "metric_sql",
    "page_table_sql",
    "transpile",
    "tz_table",
]

TZ = _period.TZ
_US_PER_DAY = 86_400_000_000
#: Origin of the working clock (a Monday), as in :mod:`kommunesm.metrics.response`.
_EPOCH = np.datetime64("2000-01-03", "D")
_DAY0 = np.datetime64("1970-01-01", "D")

#: The metric SQL (DuckDB dialect; ``$name`` placeholders are filled by
#: :func:`metric_sql`). Inputs: the normalised views ``k_pages``, ``k_page_days``,
#: ``k_posts``, ``k_comments`` and the calendar ``k_calendar`` (day_no, is_work,
#: work_before). Output: one row per page with the columns of
#: :func:`kommunesm.metrics.page_table`.
METRIC_SQL = Template(
    """
WITH ids AS (
    SELECT page_id FROM k_pages
    UNION SELECT page_id FROM k_page_days
    UNION SELECT page_id FROM k_posts
    UNION SELECT page_id FROM k_comments
),
-- posts of the period: the page's own (p) and citizens' wall posts (visitor posts)
pp AS (
    SELECT k.*,
           (k.t_us + CASE WHEN k.t_us < z.switch_us THEN z.off0 ELSE z.off1 END)
           // $us_per_day AS day_no
    FROM k_posts AS k LEFT JOIN k_tz AS z ON z.utc_day = k.t_us // $us_per_day
),
pt AS (SELECT * FROM pp WHERE NOT $bounded OR (day_no BETWEEN $first_no AND $last_no)),
p AS (
    SELECT page_id, day_no, t_us, likes, n_comments, shares, followers_at_posting AS fap,
           CASE WHEN likes IS NULL AND n_comments IS NULL AND shares IS NULL THEN NULL
                ELSE COALESCE(likes, 0) + COALESCE(n_comments, 0) + COALESCE(shares, 0)
           END AS inter
    FROM pt WHERE NOT is_visitor
),
d AS (
    SELECT page_id, day_no, followers, talking_about
    FROM k_page_days
    WHERE NOT $bounded OR (day_no BETWEEN $first_no AND $last_no)
),
pa AS (
    SELECT page_id, COUNT(*) AS page_posts, SUM(likes) AS likes,
           SUM(n_comments) AS n_comments, SUM(shares) AS shares, SUM(inter) AS interactions,
           COUNT(DISTINCT FLOOR((day_no - $first_no) / 7)) AS active_blocks,
           MAX_BY(fap, CASE WHEN fap IS NOT NULL THEN t_us END) AS last_fap
    FROM p GROUP BY page_id
),
da AS (
    SELECT page_id,
           MAX_BY(followers, CASE WHEN followers IS NOT NULL THEN day_no END) AS followers,
           MIN_BY(followers, CASE WHEN followers IS NOT NULL THEN day_no END)
               AS followers_start,
           AVG(talking_about) AS people_talking_about
    FROM d GROUP BY page_id
),
wall AS (
    SELECT page_id, SUM(CASE WHEN is_visitor THEN 1 ELSE 0 END) AS citizen_threads,
           COUNT(DISTINCT CASE WHEN is_visitor THEN author_id END) AS citizen_thread_starters
    FROM pt GROUP BY page_id
),
seen AS (
    SELECT page_id, MAX(CASE WHEN is_visitor THEN 1.0 END) AS observed_open
    FROM k_posts GROUP BY page_id
),
-- followers at posting: the post's own value, else the page's followers on the latest
-- period day on or before the posting day
dfol AS (
    SELECT page_id, day_no, MAX(followers) AS followers
    FROM d WHERE followers IS NOT NULL AND day_no IS NOT NULL GROUP BY page_id, day_no
),
pd_union AS (
    SELECT page_id, day_no, 1 AS kind, inter, fap FROM p
    UNION ALL
    SELECT page_id, day_no, 0 AS kind, NULL AS inter, NULL AS fap FROM dfol
),
pw AS (
    SELECT page_id, day_no, kind, inter, fap,
           MAX(CASE WHEN kind = 0 THEN day_no END) OVER (
               PARTITION BY page_id ORDER BY day_no, kind
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS fday
    FROM pd_union
),
pf AS (
    SELECT pw.page_id, pw.day_no, pw.inter,
           COALESCE(pw.fap, CASE WHEN pw.day_no IS NOT NULL THEN dfol.followers END) AS f
    FROM pw LEFT JOIN dfol ON dfol.page_id = pw.page_id AND dfol.day_no = pw.fday
    WHERE pw.kind = 1
),
-- engagement per post (the column: followers <> 0; the ranked variant: followers > 0)
erp AS (
    SELECT page_id,
           AVG(inter / CASE WHEN f <> 0 THEN f END * 100.0) AS per_post,
           AVG(CASE WHEN f > 0 THEN inter / f * 100.0 END) AS per_post_ranked
    FROM pf GROUP BY page_id
),
pday AS (
    SELECT page_id, day_no, COALESCE(SUM(inter), 0) AS i, COUNT(*) AS n, AVG(f) AS f
    FROM pf WHERE day_no IS NOT NULL GROUP BY page_id, day_no
),
erd AS (
    SELECT page_id,
           AVG((i / n) / CASE WHEN f <> 0 THEN f END * 100.0) AS daily,
           AVG(CASE WHEN f > 0 THEN (i / n) / f * 100.0 END) AS daily_ranked
    FROM pday GROUP BY page_id
),
-- questions (in comments and in visitor posts) and page replies, as instants (t_us)
ev AS (
    SELECT 'comment' AS src, comment_id AS id, post_id, page_id, parent_id, t_us,
           is_page_reply, is_question
    FROM k_comments WHERE is_question OR is_page_reply
    UNION ALL
    SELECT 'visitor_post' AS src, post_id AS id, post_id, page_id, NULL AS parent_id, t_us,
           FALSE AS is_page_reply, TRUE AS is_question
    FROM k_posts WHERE is_visitor AND is_question
),
q AS (
    SELECT src, id, post_id, page_id, parent_id, t_us
    FROM ev WHERE is_question AND NOT is_page_reply
),
r AS (
    SELECT parent_id, post_id, t_us
    FROM ev WHERE src = 'comment' AND is_page_reply AND t_us IS NOT NULL
),
-- rule 1: a page reply whose parent is the question
direct AS (
    SELECT parent_id AS qid, MIN(t_us) AS t FROM r WHERE parent_id IS NOT NULL GROUP BY parent_id
),
-- rule 2: the question is a reply in a thread; the first page reply under the same
-- parent at or after it (a reverse running minimum over the thread)
thread AS (
    SELECT qid, t FROM (
        SELECT qid, kind,
               MIN(CASE WHEN kind = 1 THEN t_us END) OVER (
                   PARTITION BY k ORDER BY t_us DESC, kind DESC
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS t
        FROM (
            SELECT id AS qid, parent_id AS k, t_us, 0 AS kind
            FROM q WHERE src = 'comment' AND t_us IS NOT NULL
                   AND parent_id IN (SELECT parent_id FROM r)
            UNION ALL
            SELECT NULL AS qid, parent_id AS k, t_us, 1 AS kind
            FROM r WHERE parent_id IN (SELECT parent_id FROM q WHERE src = 'comment')
        ) AS u
    ) AS x
    WHERE kind = 0 AND t IS NOT NULL
),
-- rule 3: exports without threading; the first page comment without parent on the same
-- post at or after the question
flat AS (
    SELECT qid, t FROM (
        SELECT qid, kind,
               MIN(CASE WHEN kind = 1 THEN t_us END) OVER (
                   PARTITION BY k ORDER BY t_us DESC, kind DESC
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS t
        FROM (
            SELECT id AS qid, post_id AS k, t_us, 0 AS kind
            FROM q WHERE src = 'comment' AND t_us IS NOT NULL
                   AND post_id IN (SELECT post_id FROM r WHERE parent_id IS NULL)
            UNION ALL
            SELECT NULL AS qid, post_id AS k, t_us, 1 AS kind
            FROM r WHERE parent_id IS NULL
        ) AS u
    ) AS x
    WHERE kind = 0 AND t IS NOT NULL
),
-- a visitor post's question: the first page comment on the post at or after it
visit AS (
    SELECT qid, t FROM (
        SELECT qid, kind,
               MIN(CASE WHEN kind = 1 THEN t_us END) OVER (
                   PARTITION BY k ORDER BY t_us DESC, kind DESC
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS t
        FROM (
            SELECT id AS qid, post_id AS k, t_us, 0 AS kind
            FROM q WHERE src = 'visitor_post' AND t_us IS NOT NULL
            UNION ALL
            SELECT NULL AS qid, post_id AS k, t_us, 1 AS kind
            FROM r WHERE post_id IN (SELECT post_id FROM q WHERE src = 'visitor_post')
        ) AS u
    ) AS x
    WHERE kind = 0 AND t IS NOT NULL
),
ans AS (
    SELECT q.src, q.page_id, q.t_us AS asked,
           CASE WHEN q.src = 'comment' THEN LEAST(direct.t, thread.t, flat.t)
                ELSE visit.t END AS answered
    FROM q
    LEFT JOIN direct ON direct.qid = q.id AND q.src = 'comment'
    LEFT JOIN thread ON thread.qid = q.id AND q.src = 'comment'
    LEFT JOIN flat ON flat.qid = q.id AND q.src = 'comment'
    LEFT JOIN visit ON visit.qid = q.id AND q.src = 'visitor_post'
),
-- local (Europe/Oslo) wall-clock times of question and answer (k_tz: UTC offsets)
loc AS (
    SELECT ans.*,
           asked + CASE WHEN asked < za.switch_us THEN za.off0 ELSE za.off1 END AS la,
           answered + CASE WHEN answered < zb.switch_us THEN zb.off0 ELSE zb.off1 END AS lb
    FROM ans
    LEFT JOIN k_tz AS za ON za.utc_day = ans.asked // $us_per_day
    LEFT JOIN k_tz AS zb ON zb.utc_day = ans.answered // $us_per_day
),
cl AS (
    SELECT loc.src, loc.page_id, loc.asked, loc.answered, loc.lb,
           ((loc.la - ca.day_no * $us_per_day) / 1000000.0) / 60.0 AS ma,
           ((loc.lb - cb.day_no * $us_per_day) / 1000000.0) / 60.0 AS mb,
           ca.work_before AS wa, ca.is_work AS ia, ca.fwd_day, ca.next_day,
           cb.work_before AS wb, cb.is_work AS ib
    FROM loc
    LEFT JOIN k_calendar AS ca ON ca.day_no = loc.la // $us_per_day
    LEFT JOIN k_calendar AS cb ON cb.day_no = loc.lb // $us_per_day
    WHERE NOT $bounded OR (loc.la // $us_per_day BETWEEN $first_no AND $last_no)
),
-- working clock of H2: minutes of weekdays that are not public holidays since
-- 2000-01-03, each working day counting 24 h; office clock: office hours of working
-- days; same working day: answered by closing time of the question's working day
qt AS (
    SELECT page_id, src, src IN ($sources) AS counted,
           answered IS NOT NULL AND asked IS NOT NULL AS is_answered,
           GREATEST(((answered - asked) / 1000000.0) / 60.0, 0.0) AS minutes,
           GREATEST(
               (wb * 1440.0 + CASE WHEN ib THEN mb ELSE 0.0 END)
               - (wa * 1440.0 + CASE WHEN ia THEN ma ELSE 0.0 END), 0.0) AS working,
           GREATEST(
               (wb * $length
                + CASE WHEN ib THEN LEAST(GREATEST(mb - $opening, 0.0), $length) ELSE 0.0 END)
               - (wa * $length
                  + CASE WHEN ia THEN LEAST(GREATEST(ma - $opening, 0.0), $length) ELSE 0.0 END),
               0.0) AS office,
           lb <= (CASE WHEN ia AND ma >= $closing THEN next_day ELSE fwd_day END)
                 * $us_per_day + $closing_us AS same_day
    FROM cl
),
qa AS (
    SELECT page_id,
           SUM(CASE WHEN src = 'comment' THEN 1 ELSE 0 END) AS questions_in_comments,
           SUM(CASE WHEN src = 'visitor_post' THEN 1 ELSE 0 END)
               AS questions_in_visitor_posts,
           SUM(CASE WHEN counted THEN 1 ELSE 0 END) AS questions,
           SUM(CASE WHEN counted AND is_answered THEN 1 ELSE 0 END) AS questions_answered,
           AVG(CASE WHEN counted AND is_answered THEN minutes END) AS avg_minutes,
           MEDIAN(CASE WHEN counted AND is_answered THEN minutes END) AS median_minutes,
           MEDIAN(CASE WHEN counted AND is_answered THEN office / 60.0 END) AS median_office,
           SUM(CASE WHEN counted AND is_answered AND working <= $limit THEN 1 ELSE 0 END)
               AS within,
           SUM(CASE WHEN counted AND is_answered AND office <= $few THEN 1 ELSE 0 END) AS few,
           SUM(CASE WHEN counted AND is_answered AND same_day THEN 1 ELSE 0 END) AS same
    FROM qt GROUP BY page_id
),
base AS (
    SELECT ids.page_id,
           COALESCE(da.followers, CASE WHEN $has_posts THEN pa.last_fap END) AS followers,
           CASE WHEN NOT $has_posts THEN NULL WHEN pa.page_id IS NULL THEN 0.0
                ELSE pa.interactions END AS interactions,
           CASE WHEN $has_days THEN da.people_talking_about END AS people_talking_about,
           CASE WHEN $has_resp THEN COALESCE(qa.questions_answered, 0) END
               AS questions_answered,
           CASE WHEN $has_posts THEN COALESCE(pa.page_posts, 0) END AS page_posts,
           CASE WHEN $has_resp THEN qa.avg_minutes END AS avg_response_time_minutes,
           CASE WHEN NOT $has_posts THEN NULL WHEN pa.page_id IS NULL THEN 0.0
                ELSE pa.likes END AS likes,
           CASE WHEN NOT $has_posts THEN NULL WHEN pa.page_id IS NULL THEN 0.0
                ELSE pa.n_comments END AS n_comments,
           CASE WHEN NOT $has_posts THEN NULL WHEN pa.page_id IS NULL THEN 0.0
                ELSE pa.shares END AS shares,
           CASE WHEN $has_posts AND $dated
                THEN COALESCE(pa.page_posts, 0) / ($n_days / 7.0) END AS posts_per_week,
           CASE WHEN $has_posts AND $dated
                THEN COALESCE(pa.active_blocks, 0) / $n_blocks END AS active_weeks_share,
           CASE WHEN $has_resp THEN COALESCE(qa.questions, 0) END AS questions,
           CASE WHEN $has_resp THEN qa.median_minutes END AS median_response_time_minutes,
           CASE WHEN $has_resp THEN COALESCE(qa.within, 0) END AS within,
           CASE WHEN $has_resp THEN COALESCE(qa.few, 0) END AS few,
           CASE WHEN $has_resp THEN COALESCE(qa.same, 0) END AS same,
           CASE WHEN $has_resp THEN COALESCE(qa.questions_in_comments, 0) END
               AS questions_in_comments,
           CASE WHEN $has_resp THEN COALESCE(qa.questions_in_visitor_posts, 0) END
               AS questions_in_visitor_posts,
           CASE WHEN $has_resp THEN qa.median_office END AS median_response_working_hours,
           CASE WHEN $has_posts THEN erp.per_post END AS engagement_rate_per_post,
           CASE WHEN $has_posts AND $posts_dated THEN erd.daily END AS engagement_rate_daily,
           CASE WHEN $any_page_posts THEN erp.per_post_ranked END AS per_post_ranked,
           CASE WHEN $any_page_posts THEN erd.daily_ranked END AS daily_ranked,
           $any_page_posts AS any_page_posts,
           CASE WHEN $has_posts THEN COALESCE(wall.citizen_threads, 0) END AS citizen_threads,
           CASE WHEN $has_posts THEN COALESCE(wall.citizen_thread_starters, 0) END
               AS citizen_thread_starters,
           COALESCE(k_pages.declared_open, seen.observed_open) AS open_wall,
           CASE WHEN $has_days THEN da.followers_start END AS followers_start,
           k_pages.population
    FROM ids
    LEFT JOIN pa ON pa.page_id = ids.page_id
    LEFT JOIN da ON da.page_id = ids.page_id
    LEFT JOIN qa ON qa.page_id = ids.page_id
    LEFT JOIN erp ON erp.page_id = ids.page_id
    LEFT JOIN erd ON erd.page_id = ids.page_id
    LEFT JOIN wall ON wall.page_id = ids.page_id
    LEFT JOIN seen ON seen.page_id = ids.page_id
    LEFT JOIN k_pages ON k_pages.page_id = ids.page_id
),
out AS (
    SELECT *,
           CASE WHEN any_page_posts AND followers > 0
                THEN interactions / followers * 100.0 END AS engagement_rate_period
    FROM base
)
SELECT page_id,
       CAST(followers AS DOUBLE) AS followers,
       CAST(interactions AS DOUBLE) AS interactions,
       CAST(people_talking_about AS DOUBLE) AS people_talking_about,
       CAST(questions_answered AS DOUBLE) AS questions_answered,
       CAST(page_posts AS DOUBLE) AS page_posts,
       CAST(CASE WHEN questions_answered > 0 THEN avg_response_time_minutes END AS DOUBLE)
           AS avg_response_time_minutes,
       CAST(likes AS DOUBLE) AS likes,
       CAST(n_comments AS DOUBLE) AS comments,
       CAST(shares AS DOUBLE) AS shares,
       CAST($ranked_rate AS DOUBLE) AS engagement_rate,
       CAST(posts_per_week AS DOUBLE) AS posts_per_week,
       CAST(active_weeks_share AS DOUBLE) AS active_weeks_share,
       CAST(questions AS DOUBLE) AS questions,
       CAST(COALESCE(questions_answered, 0) / CASE WHEN questions <> 0 THEN questions END
            AS DOUBLE) AS share_answered,
       CAST(median_response_time_minutes AS DOUBLE) AS median_response_time_minutes,
       CAST(within / CASE WHEN questions <> 0 THEN questions END AS DOUBLE)
           AS share_within_24h_weekdays,
       CAST(engagement_rate_per_post AS DOUBLE) AS engagement_rate_per_post,
       CAST(engagement_rate_daily AS DOUBLE) AS engagement_rate_daily,
       CAST(engagement_rate_period AS DOUBLE) AS engagement_rate_period,
       CAST(questions_in_comments AS DOUBLE) AS questions_in_comments,
       CAST(questions_in_visitor_posts AS DOUBLE) AS questions_in_visitor_posts,
       CAST(median_response_working_hours AS DOUBLE) AS median_response_working_hours,
       CAST(few / CASE WHEN questions <> 0 THEN questions END AS DOUBLE)
           AS share_within_few_hours,
       CAST(same / CASE WHEN questions <> 0 THEN questions END AS DOUBLE)
           AS share_same_working_day,
       CAST(citizen_threads AS DOUBLE) AS citizen_threads,
       CAST(citizen_thread_starters AS DOUBLE) AS citizen_thread_starters,
       CAST(open_wall AS DOUBLE) AS open_wall,
       CAST(followers_start AS DOUBLE) AS followers_start,
       CAST(followers - followers_start AS DOUBLE) AS followers_growth,
       CAST((followers - followers_start) / CASE WHEN followers_start <> 0
            THEN followers_start END AS DOUBLE) AS followers_growth_share,
       CAST(followers / CASE WHEN people_talking_about <> 0 THEN people_talking_about END
            AS DOUBLE) AS quality_indicator,
       CAST(people_talking_about / CASE WHEN followers <> 0 THEN followers END AS DOUBLE)
           AS talking_about_share,
       CAST(population AS DOUBLE) AS population,
       CAST(followers / CASE WHEN population <> 0 THEN population END AS DOUBLE)
           AS followers_per_inhabitant,
       CAST(people_talking_about / CASE WHEN population <> 0 THEN population END AS DOUBLE)
           AS talking_about_per_inhabitant
FROM out
ORDER BY page_id
"""
)

#: Which expression of the ``out`` relation fills ``engagement_rate`` per variant.
_RANKED_RATE = {
    "daily": "daily_ranked",
    "per_post": "per_post_ranked",
    "period": "engagement_rate_period",
}

#: Columns of each normalised view: name → kind (id, count, ts, date, bool, parent,
#: visitor).
_VIEWS: dict[str, dict[str, str]] = {
    "pages": {"page_id": "id", "population": "count", "declared_open": "count"},
    "page_days": {"page_id": "id", "date": "date", "followers": "count", "talking_about": "count"},
    "posts": {
        "post_id": "id",
        "page_id": "id",
        "created_at": "ts",
        "likes": "count",
        "comments": "count",
        "shares": "count",
        "followers_at_posting": "count",
        "author_kind": "visitor",
        "author_id": "id",
        "is_question": "bool",
    },
    "comments": {
        "comment_id": "id",
        "post_id": "id",
        "page_id": "id",
        "parent_id": "parent",
        "created_at": "ts",
        "is_page_reply": "bool",
        "is_question": "bool",
    },
}
_RENAME = {("posts", "comments"): "n_comments", ("posts", "author_kind"): "is_visitor"}


def calendar_table(first_year: int, last_year: int, *, country: str = "NO") -> pd.DataFrame:
    """The calendar of the working and office clocks: one row per day of the years.

    Columns: ``day_no`` (days since 1970-01-01), ``is_work`` (a weekday that is not a
    public holiday of ``country``, from the ``holidays`` package), ``work_before``
    (working days from 2000-01-03 up to the day, :func:`numpy.busday_count`), ``fwd_day``
    (the day itself if a working day, else the next working day) and ``next_day`` (the
    next working day after it) — the calendar of
    :func:`kommunesm.metrics.response.working_minutes_between`,
    :func:`~kommunesm.metrics.response.office_minutes_between` and
    :func:`~kommunesm.metrics.response.same_working_day_deadline`.

    Parameters
    ----------
    first_year, last_year : int
        The first and last calendar year covered (inclusive).
    country : str, default "NO"
        Country code of the public holidays (``holidays`` package).

    Returns
    -------
    pandas.DataFrame
        One row per day with the columns above.
    """
    from kommunesm.metrics.response import _holiday_array

    hol = _holiday_array(country, int(first_year), int(last_year))
    days = np.arange(
        np.datetime64(f"{int(first_year)}-01-01", "D"),
        np.datetime64(f"{int(last_year) + 1}-01-01", "D"),
    )

    def day_no(x: np.ndarray) -> np.ndarray:
        return (x - _DAY0).astype("int64")

    return pd.DataFrame(
        {
            "day_no": day_no(days),
            "is_work": np.is_busday(days, holidays=hol),
            "work_before": np.busday_count(_EPOCH, days, holidays=hol).astype("int64"),
            "fwd_day": day_no(np.busday_offset(days, 0, roll="forward", holidays=hol)),
            "next_day": day_no(np.busday_offset(days, 1, roll="forward", holidays=hol)),
        }
    )


def tz_table(first_us: int, last_us: int, tz: str = TZ) -> pd.DataFrame:
    """UTC offsets of ``tz`` for each UTC day around the instants ``first_us``..``last_us``
    (microseconds since the epoch), so that the metric SQL converts instants to local
    wall-clock time with a join instead of a time-zone library (the same on every engine).

    Columns: ``utc_day`` (days since 1970-01-01, UTC), ``off0`` (the offset at the day's
    start, µs), ``switch_us`` (the instant of the day's offset change, or the next
    midnight) and ``off1`` (the offset after it). Offsets are sampled hourly: zones whose
    changes fall on the hour (Europe/Oslo: 01:00 UTC) are exact.

    Parameters
    ----------
    first_us, last_us : int
        The first and last instant to cover, microseconds since the epoch (UTC).
    tz : str, default "Europe/Oslo"
        The IANA time zone.

    Returns
    -------
    pandas.DataFrame
        One row per UTC day with ``utc_day``, ``off0``, ``switch_us`` and ``off1``.
    """
    d0 = int(first_us // _US_PER_DAY) - 2
    d1 = int(last_us // _US_PER_DAY) + 2
    hours = pd.date_range(
        pd.Timestamp(d0 * _US_PER_DAY, unit="us", tz="UTC"),
        periods=(d1 - d0 + 1) * 24,
        freq="h",
    )
    local = hours.tz_convert(tz).tz_localize(None)
    off = (local - hours.tz_localize(None)).to_numpy().astype("timedelta64[us]").astype("int64")
    off = off.reshape(-1, 24)
    change = off != off[:, :1]
    has = change.any(axis=1)
    first = np.where(has, change.argmax(axis=1), 0)
    days = np.arange(d0, d1 + 1, dtype="int64")
    return pd.DataFrame(
        {
            "utc_day": days,
            "off0": off[:, 0],
            "switch_us": np.where(
                has, days * _US_PER_DAY + first * 3_600_000_000, (days + 1) * _US_PER_DAY
            ),
            "off1": np.where(has, off[np.arange(len(days)), first], off[:, 0]),
        }
    )


def _known(v: Any) -> bool:
    return v is not None and not pd.isna(v)


def _local_day_no(t_us: int) -> int:
    ts = pd.Timestamp(t_us, unit="us", tz="UTC").tz_convert(TZ).tz_localize(None)
    return int((np.datetime64(ts.date(), "D") - _DAY0).astype("int64"))


def metric_sql(
    *,
    first_no: int,
    last_no: int,
    bounded: bool,
    n_days: int,
    has_posts: bool,
    has_days: bool,
    has_resp: bool,
    dated: bool,
    posts_dated: bool,
    any_page_posts: bool,
    engagement: str = "daily",
    questions: tuple[str, ...] = ("comment", "visitor_post"),
    office_hours: tuple[object, object] = ("08:00", "15:45"),
    few_hours: float = 3.0,
    dialect: str = "duckdb",
) -> str:
    """:data:`METRIC_SQL` with its parameters filled in, in ``dialect`` (via sqlglot).

    Parameters
    ----------
    first_no, last_no : int
        First and last day of the period (days since 1970-01-01).
    bounded : bool
        Whether the period was given (else it is the data's own span).
    n_days : int
        Length of the period in days.
    has_posts, has_days, has_resp : bool
        Whether posts, page-days and question/response rows are present.
    dated, posts_dated, any_page_posts : bool
        Whether comments and posts carry timestamps, and whether any page post exists.
    engagement : str, default "daily"
        Engagement-rate variant that ranks the pages (see :func:`~kommunesm.metrics.page_table`).
    questions : tuple of str, default ("comment", "visitor_post")
        Which questions count.
    office_hours : tuple, default ("08:00", "15:45")
        Opening and closing time of the office clock.
    few_hours : float, default 3.0
        "Within a few hours", in office hours.
    dialect : str, default "duckdb"
        SQL dialect of the result (sqlglot name).

    Returns
    -------
    str
        The SQL text.
    """
    from kommunesm.metrics.response import WORKDAY_LIMIT_MINUTES, _office_bounds

    opening, closing = _office_bounds(office_hours)

    def b(x: bool) -> str:
        return "TRUE" if x else "FALSE"

    def f(x: float) -> str:
        return repr(float(x))

    sql = METRIC_SQL.substitute(
        first_no=int(first_no),
        last_no=int(last_no),
        bounded=b(bounded),
        n_days=int(n_days),
        n_blocks=f(int(np.ceil(n_days / 7))),
        has_posts=b(has_posts),
        has_days=b(has_days),
        has_resp=b(has_resp),
        dated=b(dated),
        posts_dated=b(posts_dated),
        any_page_posts=b(any_page_posts),
        limit=f(WORKDAY_LIMIT_MINUTES),
        opening=f(opening),
        closing=f(closing),
        length=f(closing - opening),
        closing_us=int(round(closing * 60_000_000)),
        few=f(float(few_hours) * 60.0),
        sources=", ".join(f"'{x}'" for x in questions if x in ("comment", "visitor_post")),
        ranked_rate=_RANKED_RATE[engagement],
        us_per_day=_US_PER_DAY,
    )
    if dialect == "duckdb":
        return sql
    return transpile(sql, dialect)


def transpile(sql: str, dialect: str = "spark") -> str:
    """DuckDB SQL → ``dialect`` with sqlglot.

    Decimal literals become doubles (Spark reads ``7.0`` as a DECIMAL, and decimal
    division would round where DuckDB does not).

    Parameters
    ----------
    sql : str
        DuckDB SQL text.
    dialect : str, default "spark"
        Target dialect (sqlglot name).

    Returns
    -------
    str
        The SQL in ``dialect``.
    """
    import sqlglot
    from sqlglot import exp

    def doubles(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Literal) and not node.is_string and "." in node.this:
            return exp.cast(node, "double")
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(doubles)
    return tree.sql(dialect=dialect, pretty=True)


# --- normalising views ------------------------------------------------------------------


def _duckdb_expr(col: str, kind: str, dtype: str | None) -> str:
    """DuckDB expression normalising one column (``dtype``: its DuckDB type, None if the
    column is absent)."""
    q = f'"{col}"'
    if dtype is None:
        return {
            "id": "CAST(NULL AS VARCHAR)",
            "parent": "CAST(NULL AS VARCHAR)",
            "count": "CAST(NULL AS DOUBLE)",
            "bool": "FALSE",
            "visitor": "FALSE",
        }[kind]
    if kind == "id":
        return f"CAST({q} AS VARCHAR)"
    if kind == "parent":
        return (
            f"CASE WHEN {q} IS NULL OR trim(CAST({q} AS VARCHAR)) IN ('', 'nan', 'None', '<NA>') "
            f"THEN NULL ELSE CAST({q} AS VARCHAR) END"
        )
    if kind == "count":
        return f"CAST({q} AS DOUBLE)"
    if kind == "bool":
        return f"COALESCE(CAST({q} AS BOOLEAN), FALSE)"
    if kind == "visitor":
        return f"COALESCE(lower(trim(CAST({q} AS VARCHAR))) = 'visitor', FALSE)"
    raise ValueError(kind)


def _duckdb_instant(col: str, dtype: str) -> str:
    q = f'"{col}"'
    if dtype.startswith("TIMESTAMP WITH TIME ZONE"):
        return q
    if dtype.startswith("TIMESTAMP"):  # naive: Europe/Oslo wall-clock time
        return f"timezone('{TZ}', CAST({q} AS TIMESTAMP))"
    return f"CAST({q} AS TIMESTAMPTZ)"


def _duckdb_view(con: Any, name: str, source: str) -> None:
    """CREATE VIEW k_<name> normalising the registered relation ``source``."""
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    cols = []
    for col, kind in _VIEWS[name].items():
        dtype = types.get(col)
        out = _RENAME.get((name, col), col)
        if kind == "ts":
            if dtype is None:
                cols.append("CAST(NULL AS BIGINT) AS t_us")
            else:
                cols.append(f"epoch_us({_duckdb_instant(col, dtype)}) AS t_us")
        elif kind == "date":
            if dtype is None:
                cols.append("CAST(NULL AS BIGINT) AS day_no")
            elif dtype.startswith("TIMESTAMP WITH TIME ZONE"):
                cols.append(
                    f"CAST(floor(epoch_us(timezone('{TZ}', \"{col}\")) / {_US_PER_DAY}) "
                    "AS BIGINT) AS day_no"
                )
            else:
                cols.append(
                    f"CAST(CAST(\"{col}\" AS DATE) - DATE '1970-01-01' AS BIGINT) AS day_no"
                )
        else:
            cols.append(f"{_duckdb_expr(col, kind, dtype)} AS {out}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW k_{name} AS SELECT {', '.join(cols)} FROM {source}")


def _spark_view(spark: Any, name: str, frame: Any) -> None:
    """Temp view k_<name> normalising the Spark DataFrame ``frame``."""
    from pyspark.sql import functions as F

    present = set(frame.columns)
    types = dict(frame.dtypes)
    cols = []
    for col, kind in _VIEWS[name].items():
        out = _RENAME.get((name, col), col)
        here = col in present
        c = F.col(f"`{col}`") if here else None
        if kind == "ts":
            if not here:
                cols.append(F.lit(None).cast("bigint").alias("t_us"))
            elif types[col] == "bigint":
                cols.append(c.alias("t_us"))
            else:
                cols.append(F.unix_micros(c.cast("timestamp")).alias("t_us"))
        elif kind == "date":
            if not here:
                cols.append(F.lit(None).cast("bigint").alias("day_no"))
            elif types[col] == "bigint":
                cols.append(F.floor(c / _US_PER_DAY).cast("bigint").alias("day_no"))
            else:
                cols.append(
                    F.datediff(c.cast("date"), F.lit("1970-01-01").cast("date"))
                    .cast("bigint")
                    .alias("day_no")
                )
        elif not here:
            typ = {"id": "string", "parent": "string", "count": "double"}.get(kind, "boolean")
            val = F.lit(False) if typ == "boolean" else F.lit(None).cast(typ)
            cols.append(val.alias(out))
        elif kind == "id":
            cols.append(c.cast("string").alias(out))
        elif kind == "parent":
            s = c.cast("string")
            blank = s.isNull() | F.trim(s).isin("", "nan", "None", "<NA>")
            cols.append(F.when(blank, F.lit(None).cast("string")).otherwise(s).alias(out))
        elif kind == "count":
            cols.append(c.cast("double").alias(out))
        elif kind == "visitor":
            v = F.lower(F.trim(c.cast("string"))) == F.lit("visitor")
            cols.append(F.coalesce(v, F.lit(False)).alias(out))
        else:
            cols.append(F.coalesce(c.cast("boolean"), F.lit(False)).alias(out))
    frame.select(*cols).createOrReplaceTempView(f"k_{name}")


# --- inputs ---------------------------------------------------------------------------


def _is_path(x: object) -> bool:
    return isinstance(x, (str, Path))


def _with_flags(table: Any, kind: str) -> Any:
    """``table`` (comments or posts) with current ``is_question`` flags, computed once in
    Python with RE2 when the table lacks them or carries another detector's flags."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kommunesm.metrics.response import QUESTION_DETECTOR, question_flags

    if table is None:
        return None
    if isinstance(table, pd.DataFrame):
        if not len(table):
            return table
        if kind == "posts" and "author_kind" not in table.columns:
            return table  # a page's own posts only: no visitor questions
        return table.assign(is_question=question_flags(table, kind=kind))
    if _is_path(table):
        names = pq.read_schema(table).names
        if kind == "posts" and "author_kind" not in names:
            return table
        if "is_question" in names:
            if "message" not in names:
                return table
            if "question_detector" in names and _flags_current(table, QUESTION_DETECTOR):
                return table
        cols = [*_VIEWS[kind], "message", "question_detector"]
        table = pq.read_table(table, columns=[c for c in cols if c in names])
    if kind == "posts" and "author_kind" not in table.column_names:
        return table
    flags = question_flags(table, kind=kind)
    if "is_question" in table.column_names:
        table = table.drop_columns(["is_question"])
    return table.append_column("is_question", pa.array(flags, pa.bool_()))


def _flags_current(path: Any, detector: str) -> bool:
    """Every row of the Parquet file has an ``is_question`` flag and names ``detector``
    in ``question_detector`` — read from the row groups' statistics when they say so,
    else from the two columns (dictionary-encoded, so cheap)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    names = meta.schema.names
    qi, di = names.index("is_question"), names.index("question_detector")
    try:
        ok = True
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            sq, sd = rg.column(qi).statistics, rg.column(di).statistics
            if sq is None or sd is None or not sd.has_min_max or sq.null_count is None:
                raise LookupError
            ok &= sq.null_count == 0 and sd.null_count == 0
            ok &= sd.min == detector and sd.max == detector
        return bool(ok)
    except LookupError:
        t = pq.read_table(
            path,
            columns=["is_question", "question_detector"],
            read_dictionary=["question_detector"],
        )
        det = t.column(1)
        if t.column(0).null_count or det.null_count:
            return False
        return bool(pc.all(pc.equal(det.cast("string"), detector)).as_py())


def _count_rows(x: Any) -> int:
    if x is None:
        return 0
    if _is_path(x):
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(x).metadata.num_rows)
    return int(x.num_rows if hasattr(x, "num_rows") else len(x))


def _pages_frame(pages: Any) -> pd.DataFrame:
    """Pages deduplicated on page_id keeping the first row (as the pandas reference):
    population and the declared ``open_wall`` (1/0/NaN)."""
    if pages is None:
        return pd.DataFrame(
            {"page_id": pd.Series([], dtype="str"), "population": [], "declared_open": []}
        )
    if _is_path(pages):
        pages = pd.read_parquet(pages)
    elif not isinstance(pages, pd.DataFrame):
        pages = pages.to_pandas()
    ids = pages["page_id"].astype("str")

    def num(col: str) -> pd.Series:
        if col not in pages.columns:
            return pd.Series(np.nan, index=pages.index)
        if col == "open_wall":
            return pages[col].astype("boolean").astype("Float64").astype("float64")
        return pd.to_numeric(pages[col], errors="coerce").astype("float64")

    keep = ~ids.duplicated()
    return pd.DataFrame(
        {
            "page_id": ids[keep].to_numpy(),
            "population": num("population")[keep].to_numpy(),
            "declared_open": num("open_wall")[keep].to_numpy(),
        }
    )


def _frame_or_empty(x: Any) -> Any:
    if x is None or (not _is_path(x) and _count_rows(x) == 0):
        return pd.DataFrame({"page_id": pd.Series([], dtype="str")})
    return x


def _day(no: Any) -> np.datetime64:
    return _DAY0 + np.timedelta64(int(no), "D")


def _period_bounds(start: object, end: object, bounds: dict[str, tuple[Any, Any]]):
    """:func:`kommunesm.metrics._period.resolve` from the data's first/last days."""

    def series(pair: tuple[Any, Any]) -> list[pd.Series]:
        lo, hi = pair
        if lo is None or pd.isna(lo):
            return []
        return [pd.Series(pd.to_datetime([_day(lo), _day(hi)]))]

    return _period.resolve(
        start, end, timestamps=[], dates=series(bounds["posts"]) + series(bounds["page_days"])
    )


def page_table_sql(
    pages: Any,
    page_days: Any,
    posts: Any,
    comments: Any,
    start: object = None,
    end: object = None,
    *,
    country: str = "NO",
    engagement: str = "daily",
    questions: tuple[str, ...] = ("comment", "visitor_post"),
    office_hours: tuple[object, object] = ("08:00", "15:45"),
    few_hours: float = 3.0,
    engine: str = "duckdb",
    spark: Any = None,
    memory_limit: str | None = None,
    threads: int | None = None,
    temp_directory: str | Path | None = None,
) -> pd.DataFrame:
    """:func:`kommunesm.metrics.page_table` computed by DuckDB or Spark.

    Each input may be a pandas DataFrame, a pyarrow Table, a path to a Parquet file, or
    None. Only the per-page table comes back to pandas. ``memory_limit`` (e.g. ``"1GB"``)
    and ``threads`` configure DuckDB (which spills to disk beyond the limit); ``spark`` is
    the SparkSession for ``engine="spark"``.

    Parameters
    ----------
    pages, page_days, posts, comments : DataFrame, pyarrow.Table, path or None
        The canonical tables.
    start, end : date-like, optional
        The period (as for :func:`~kommunesm.metrics.page_table`).
    country : str, default "NO"
        Country of the public holidays.
    engagement : str, default "daily"
        Engagement-rate variant.
    questions : tuple of str, default ("comment", "visitor_post")
        Which questions count.
    office_hours : tuple, default ("08:00", "15:45")
        Opening and closing time of the office clock.
    few_hours : float, default 3.0
        "Within a few hours", in office hours.
    engine : {"duckdb", "spark"}, default "duckdb"
        Which engine runs the SQL.
    spark : pyspark.sql.SparkSession, optional
        The session for ``engine="spark"``.
    memory_limit : str, optional
        DuckDB memory limit, e.g. ``"1GB"``.
    threads : int, optional
        DuckDB threads.
    temp_directory : str or Path, optional
        Where DuckDB spills beyond ``memory_limit``.

    Returns
    -------
    pandas.DataFrame
        One row per page, the columns of :func:`~kommunesm.metrics.page_table`.
    """
    comments = _with_flags(comments, "comments")
    posts = _with_flags(posts, "posts")
    n = {t: _count_rows(x) for t, x in (("posts", posts), ("page_days", page_days))}
    n["comments"] = _count_rows(comments)
    inputs = {
        "pages": _pages_frame(pages),
        "page_days": _frame_or_empty(page_days),
        "posts": _frame_or_empty(posts),
        "comments": _frame_or_empty(comments),
    }
    if engine == "duckdb":
        run: _DuckRunner | _SparkRunner = _DuckRunner(
            memory_limit=memory_limit, threads=threads, temp_directory=temp_directory
        )
    elif engine == "spark":
        if spark is None:
            raise ValueError('engine="spark" needs a SparkSession: page_table(..., spark=session)')
        run = _SparkRunner(spark)
    else:
        raise ValueError(f"unknown page_table engine {engine!r} (pandas, duckdb or spark)")
    try:
        for name, x in inputs.items():
            run.view(name, x)
        bounds = {t: (lo, hi) for t, lo, hi in run.fetch(_BOUNDS_SQL)}
        instants = [int(v) for t in ("posts", "comments") for v in bounds[t] if _known(v)]
        zone = tz_table(min(instants), max(instants)) if instants else tz_table(0, 0)
        run.table("k_tz", zone)
        lo, hi = bounds["posts"]
        post_days = (_local_day_no(int(lo)), _local_day_no(int(hi))) if _known(lo) else (None, None)
        period = _period_bounds(start, end, {"posts": post_days, "page_days": bounds["page_days"]})
        first_no = int((np.datetime64(period.first_day.date(), "D") - _DAY0).astype("int64"))
        last_no = int((np.datetime64(period.last_day.date(), "D") - _DAY0).astype("int64"))
        years = [int(str(_day(d))[:4]) for d in (zone["utc_day"].min(), zone["utc_day"].max())]
        years += [period.first_day.year, period.last_day.year]
        run.table("k_calendar", calendar_table(min(years), max(years) + 1, country=country))
        counts = run.fetch(
            _POST_COUNTS_SQL.substitute(
                bounded="TRUE" if period.bounded else "FALSE",
                first_no=first_no,
                last_no=last_no,
                us_per_day=_US_PER_DAY,
            )
        )[0]
        page_posts, page_posts_dated, visitors = (int(v or 0) for v in counts)
        sql = metric_sql(
            first_no=first_no,
            last_no=last_no,
            bounded=period.bounded,
            n_days=period.n_days,
            has_posts=n["posts"] > 0,
            has_days=n["page_days"] > 0,
            has_resp=n["comments"] > 0 or (n["posts"] > 0 and visitors > 0),
            dated=period.bounded or page_posts_dated > 0,
            posts_dated=page_posts_dated > 0,
            any_page_posts=page_posts > 0,
            engagement=engagement,
            questions=tuple(questions),
            office_hours=office_hours,
            few_hours=few_hours,
            dialect=run.dialect,
        )
        table = run.query(sql)
    finally:
        run.close()
    table["page_id"] = table["page_id"].astype("str")
    table = table.set_index("page_id").sort_index()
    table = table[list(GAMBIT_METRICS) + list(EXTRA_COLUMNS)].astype("float64")
    table.index = pd.Index(table.index, dtype="str", name="page_id")
    return table


_BOUNDS_SQL = """
SELECT 'posts' AS t, MIN(t_us) AS lo, MAX(t_us) AS hi FROM k_posts
UNION ALL SELECT 'page_days', MIN(day_no), MAX(day_no) FROM k_page_days
UNION ALL SELECT 'comments', MIN(t_us), MAX(t_us) FROM k_comments
"""
_POST_COUNTS_SQL = Template(
    """
WITH pp AS (
    SELECT k.is_visitor,
           (k.t_us + CASE WHEN k.t_us < z.switch_us THEN z.off0 ELSE z.off1 END)
           // $us_per_day AS day_no
    FROM k_posts AS k LEFT JOIN k_tz AS z ON z.utc_day = k.t_us // $us_per_day
)
SELECT SUM(CASE WHEN NOT is_visitor THEN 1 ELSE 0 END),
       SUM(CASE WHEN NOT is_visitor AND day_no IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN is_visitor THEN 1 ELSE 0 END)
FROM pp WHERE NOT $bounded OR (day_no BETWEEN $first_no AND $last_no)
"""
)


class _DuckRunner:
    dialect = "duckdb"

    def __init__(
        self,
        memory_limit: str | None,
        threads: int | None,
        temp_directory: str | Path | None = None,
    ) -> None:
        import duckdb

        self.con = duckdb.connect()
        if temp_directory is not None:
            self.con.execute(f"SET temp_directory = '{Path(temp_directory).as_posix()}'")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")

    def view(self, name: str, x: Any) -> None:
        if _is_path(x):
            src = f"read_parquet('{Path(x).as_posix()}')"
        else:
            self.con.register(f"src_{name}", x)
            src = f"src_{name}"
        _duckdb_view(self.con, name, src)

    def table(self, name: str, frame: pd.DataFrame) -> None:
        self.con.register(name, frame)

    def fetch(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def query(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def close(self) -> None:
        self.con.close()


class _SparkRunner:
    dialect = "spark"

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    def view(self, name: str, x: Any) -> None:
        if _is_path(x):
            frame = self.spark.read.parquet(str(x))
        else:
            from pyspark.sql import types as T

            pdf = _spark_ready(x if isinstance(x, pd.DataFrame) else x.to_pandas(), name)
            spark_type = {"count": T.DoubleType(), "ts": T.LongType(), "date": T.LongType()}
            spark_type["bool"] = T.BooleanType()
            schema = T.StructType(
                [
                    T.StructField(c, spark_type.get(_VIEWS[name].get(c, "id"), T.StringType()))
                    for c in pdf.columns
                ]
            )
            rows = pdf.astype(object).where(pdf.notna(), None).itertuples(index=False)
            frame = self.spark.createDataFrame(list(rows), schema=schema)
        _spark_view(self.spark, name, frame)

    def table(self, name: str, frame: pd.DataFrame) -> None:
        self.spark.createDataFrame(frame).createOrReplaceTempView(name)

    def fetch(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(transpile(sql, "spark")).collect()]

    def query(self, sql: str) -> pd.DataFrame:
        return self.spark.sql(sql).toPandas()

    def close(self) -> None:
        for name in ("pages", "page_days", "posts", "comments", "calendar", "tz"):
            self.spark.catalog.dropTempView(f"k_{name}")


def _spark_ready(pdf: pd.DataFrame, name: str) -> pd.DataFrame:
    """Only the columns the metrics read, in types Spark's ``createDataFrame`` takes
    unambiguously: timestamps as microseconds since the epoch (UTC; naive ones read as
    Europe/Oslo wall-clock time, as the pandas reference does), dates as microseconds of
    their midnight, other extension dtypes as object (missing → None)."""
    out = {}
    for col, kind in _VIEWS[name].items():
        if col not in pdf.columns:
            continue
        s = pdf[col]
        if kind in ("ts", "date"):
            t = pd.to_datetime(s)
            if kind == "ts" and t.dt.tz is None:
                t = t.dt.tz_localize(TZ)
            if kind == "date" and t.dt.tz is not None:
                t = t.dt.tz_convert(TZ).dt.tz_localize(None)
            if t.dt.tz is not None:
                t = t.dt.tz_convert("UTC").dt.tz_localize(None)
            us = t.astype("datetime64[us]").astype("int64")
            out[col] = pd.Series(us, index=s.index).astype("Int64").astype(object)
            out[col] = out[col].where(t.notna(), None)
        elif kind in ("count",):
            out[col] = pd.to_numeric(s, errors="coerce").astype("float64")
        else:
            out[col] = s.astype(object).where(s.notna(), None)
    if not out:
        out["page_id"] = pd.Series([], dtype=object)
    return pd.DataFrame(out)

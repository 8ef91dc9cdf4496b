"""The columns of :func:`~kommunesm.metrics.page_table`: names, order and definitions.

Shared by the pandas implementation (:mod:`kommunesm.metrics.table`) and the SQL one
(:mod:`kommunesm.metrics.sql`), so that neither has to import the other for them.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "COLUMN_DEFINITIONS",
    "ENGAGEMENT_VARIANTS",
    "EXTRA_COLUMNS",
    "GAMBIT_METRICS",
    "describe_columns",
]

#: Engagement-rate variants :func:`~kommunesm.metrics.page_table` can put in ``engagement_rate`` (and the
#: ranking can rank on), with the extra column that always holds each.
ENGAGEMENT_VARIANTS: dict[str, str] = {
    "daily": "engagement_rate_daily",
    "period": "engagement_rate_period",
    "per_post": "engagement_rate_per_post",
}

#: The ten Gambit H+K ranking metrics, in the report's order (Johnsen, Jørgensen & Aaneland
#: 2013, s. 10), with the canonical names of
#: ``page_metrics`` (kommunesm.schema).
GAMBIT_METRICS = (
    "followers",
    "interactions",
    "people_talking_about",
    "questions_answered",
    "page_posts",
    "avg_response_time_minutes",
    "likes",
    "comments",
    "shares",
    "engagement_rate",
)

#: Extra columns of :func:`~kommunesm.metrics.page_table`, after the ten metrics.
EXTRA_COLUMNS = (
    "posts_per_week",
    "active_weeks_share",
    "questions",
    "share_answered",
    "median_response_time_minutes",
    "share_within_24h_weekdays",
    "engagement_rate_per_post",
    "engagement_rate_daily",
    "engagement_rate_period",
    "questions_in_comments",
    "questions_in_visitor_posts",
    "median_response_working_hours",
    "share_within_few_hours",
    "share_same_working_day",
    "citizen_threads",
    "citizen_thread_starters",
    "open_wall",
    "followers_start",
    "followers_growth",
    "followers_growth_share",
    "quality_indicator",
    "talking_about_share",
    "population",
    "followers_per_inhabitant",
    "talking_about_per_inhabitant",
)

_S0 = "Johnsen, Jørgensen & Aaneland (2013, s. 10)"
#: column → (definition, input table, source).
COLUMN_DEFINITIONS: dict[str, tuple[str, str, str]] = {
    "followers": (
        "followers on the last day of the period with a value (page_days.followers); "
        "without page days, followers_at_posting of the page's last post in the period",
        "page_days (posts)",
        f"{_S0}, metric 1",
    ),
    "interactions": (
        "sum over the page's posts in the period of likes + comments + shares "
        "(kommunesm.metrics.engagement.interactions)",
        "posts",
        f"{_S0}, metric 2",
    ),
    "people_talking_about": (
        "mean over the period's days of page_days.talking_about (Facebook's 7-day count "
        "of people talking about the page)",
        "page_days",
        f"{_S0}, metric 3",
    ),
    "questions_answered": (
        "citizen questions asked in the period that got a page reply; questions in "
        "comments and in visitor posts unless page_table(questions=...) says otherwise "
        "(kommunesm.metrics.response)",
        "comments + posts (visitor posts)",
        f"{_S0}, metric 4",
    ),
    "page_posts": (
        "posts by the page in the period (author_kind page; visitor posts not counted)",
        "posts",
        f"{_S0}, metric 5",
    ),
    "avg_response_time_minutes": (
        "mean wall-clock minutes from question to first page reply, answered questions "
        "asked in the period (same questions as questions_answered)",
        "comments + posts (visitor posts)",
        f"{_S0}, metric 6",
    ),
    "likes": ("sum of posts.likes in the period", "posts", f"{_S0}, metric 7"),
    "comments": ("sum of posts.comments in the period", "posts", f"{_S0}, metric 8"),
    "shares": ("sum of posts.shares in the period", "posts", f"{_S0}, metric 9"),
    "engagement_rate": (
        "the engagement-rate variant chosen by page_table(engagement=...), default 'daily' "
        "(engagement_rate_daily), i.e. a copy of that variant's column",
        "posts + page_days",
        f"{_S0}, metric 10; Socialbakers Analytics Guide",
    ),
    "posts_per_week": (
        "page_posts / (period days / 7)",
        "posts",
        "H1, Johnsen, Jørgensen & Aaneland (2013, s. 12)",
    ),
    "active_weeks_share": (
        "share of 7-day blocks from the period start with at least one post",
        "posts",
        "H1, Johnsen, Jørgensen & Aaneland (2013, s. 12)",
    ),
    "questions": (
        "citizen questions asked in the period",
        "comments",
        "Johnsen, Jørgensen & Aaneland (2013, s. 10)",
    ),
    "share_answered": (
        "questions_answered / questions",
        "comments",
        "Johnsen, Jørgensen & Aaneland (2013, s. 10)",
    ),
    "median_response_time_minutes": (
        "median wall-clock minutes to the first page reply",
        "comments",
        "Johnsen, Jørgensen & Aaneland (2013, s. 10); median: ours, robust to outliers",
    ),
    "share_within_24h_weekdays": (
        "share of questions answered within 24 working hours (weekdays that are not "
        "Norwegian public holidays)",
        "comments",
        "H2, Johnsen, Jørgensen & Aaneland (2013, s. 12)",
    ),
    "engagement_rate_per_post": (
        "mean over posts of interactions / followers at posting × 100",
        "posts (+ page_days)",
        "kommunesm definition (per post, then averaged)",
    ),
    "engagement_rate_daily": (
        "Socialbakers' daily variant: mean over posting days of interactions / posts / "
        "followers × 100",
        "posts (+ page_days)",
        "Socialbakers Analytics Guide, cited by Johnsen, Jørgensen & Aaneland (2013, s. 9, note 7)",
    ),
    "engagement_rate_period": (
        "interactions over the period / followers × 100 (grows with the number of posts)",
        "posts + page_days",
        f"{_S0}, metric 10 (literal reading)",
    ),
    "questions_in_comments": (
        "citizen questions asked in comments in the period",
        "comments",
        "Johnsen, Jørgensen & Aaneland (2013, s. 10)",
    ),
    "questions_in_visitor_posts": (
        "citizen questions asked as visitor posts on the page wall in the period",
        "posts (author_kind visitor)",
        "Johnsen, Jørgensen & Aaneland (2013, s. 13; H2: 'spørsmål og innlegg fra innbyggerne')",
    ),
    "median_response_working_hours": (
        "median office-clock hours to the first page reply (office hours 08:00-15:45 on "
        "working days by default)",
        "comments + posts",
        "Langva, Meling & Wessel-Aas (2012, s. 12)",
    ),
    "share_within_few_hours": (
        "share of questions answered within a few office hours (default 3)",
        "comments + posts",
        "Langva, Meling & Wessel-Aas (2012, s. 12: 'helst i løpet av få timer')",
    ),
    "share_same_working_day": (
        "share of questions answered before closing time of their working day",
        "comments + posts",
        "Langva, Meling & Wessel-Aas (2012, s. 12: 'samme virkedag')",
    ),
    "citizen_threads": (
        "visitor posts in the period: threads citizens started on the page wall",
        "posts (author_kind visitor)",
        "Langva, Meling & Wessel-Aas (2012, s. 16)",
    ),
    "citizen_thread_starters": (
        "distinct (pseudonymised) authors of visitor posts in the period",
        "posts (author_kind visitor)",
        "Langva, Meling & Wessel-Aas (2012, s. 16)",
    ),
    "open_wall": (
        "1 if citizens can post on the wall (declared pages.open_wall, else observed: a "
        "visitor post in the data), 0 if declared closed, NaN if unknown",
        "pages + posts",
        "Langva, Meling & Wessel-Aas (2012, s. 11)",
    ),
    "followers_start": (
        "followers on the first day of the period with a value",
        "page_days",
        "NM i Facebook (I all offentlighet 2013): growth",
    ),
    "followers_growth": (
        "followers − followers_start",
        "page_days",
        "NM i Facebook (I all offentlighet 2013)",
    ),
    "followers_growth_share": (
        "followers_growth / followers_start",
        "page_days",
        "NM i Facebook (I all offentlighet 2013)",
    ),
    "quality_indicator": (
        "followers / people_talking_about (lower = more active audience); NaN if 0",
        "page_days",
        "Handelshøyskolen BI (2012, s. 12)",
    ),
    "talking_about_share": (
        "people_talking_about / followers (inverse of quality_indicator; higher = better)",
        "page_days",
        "Handelshøyskolen BI (2012, s. 12)",
    ),
    "population": ("pages.population (municipal register)", "pages", "SSB via the register"),
    "followers_per_inhabitant": (
        "followers / population",
        "page_days + pages",
        "NM i Facebook (I all offentlighet 2013)",
    ),
    "talking_about_per_inhabitant": (
        "people_talking_about / population",
        "page_days + pages",
        "NM i Facebook (I all offentlighet 2013)",
    ),
}


def describe_columns() -> pd.DataFrame:
    """The definition, input table and source of every :func:`~kommunesm.metrics.page_table` column.

    Returns
    -------
    DataFrame
        Indexed by column name, with ``definition``, ``input`` and ``source`` (author–year
        citation with page).
    """
    return pd.DataFrame(
        [(c, *v) for c, v in COLUMN_DEFINITIONS.items()],
        columns=["column", "definition", "input", "source"],
    ).set_index("column")

"""Canonical table schemas, declared once.

The data model is tidy: one table per unit of observation. Each table is declared here as a list of :class:`Field` objects; from
that single declaration kommunesm derives

* the pandera schema every loader validates against (:func:`pandera_schema`),
* the dtype each raw column is coerced to (used by :mod:`kommunesm.io.tabular`),
* empty, correctly typed tables (:func:`empty`).

Columns that are not declared are *kept* (never dropped silently); rows that fail a
check are returned by :func:`validate` as a quarantine table with the reason.

Examples
--------
>>> import pandas as pd
>>> from kommunesm import schema
>>> table = schema.empty("posts")
>>> list(table.columns)[:4]
['post_id', 'page_id', 'created_at', 'platform']
>>> schema.FIELDS["posts"]["likes"].kind
'count'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from kommunesm.errors import InputError


def _import_pandera():
    """``import pandera.pandas`` without pandera importing ``pyspark.pandas``.

    pandera imports ``pyspark.pandas`` at import time whenever pyspark is installed
    (``kommunesm[spark]``), only to patch its own typing for pandas-on-Spark, which
    kommunesm does not use. That import costs about half a second in every process
    (every report chapter's kernel) and prints a pandas-version FutureWarning. Marking
    the module unavailable for the duration of the import skips it; a session that
    has already imported ``pyspark.pandas`` is left as it is.
    """
    import sys

    blocked = "pyspark.pandas" not in sys.modules
    if blocked:
        sys.modules["pyspark.pandas"] = None  # type: ignore[assignment]
    try:
        import pandera.pandas as pandera_pandas
    finally:
        if blocked and sys.modules.get("pyspark.pandas", 0) is None:
            del sys.modules["pyspark.pandas"]
    return pandera_pandas


pa = _import_pandera()

__all__ = [
    "ACTIONS",
    "FIELDS",
    "NA_TOKENS",
    "QUARANTINE_COLUMNS",
    "TABLES",
    "TZ",
    "Field",
    "Validated",
    "coerce_dtypes",
    "empty",
    "pandera_schema",
    "quarantine_frame",
    "validate",
]

#: Cell values read as "missing" (not as errors), compared trimmed and case-insensitively.
NA_TOKENS = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "-", "–", "—", "#n/a", "#i/t", "(blank)"}
)

#: Time zone of every tz-aware timestamp in kommunesm tables.
TZ = "Europe/Oslo"

#: Actions allowed in the ``activity`` table (participation ladders map them to levels).
ACTIONS = (
    "post",
    "reply",
    "quote",
    "retweet",
    "like",
    "comment",
    "share",
    "view",
    "follow",
)

#: Platforms a page can be on.
PLATFORMS = ("facebook", "twitter", "instagram", "youtube", "tiktok", "linkedin", "other")

#: Columns of every quarantine table: one row per input row that was not kept.
QUARANTINE_COLUMNS = ["source_file", "source_row", "column", "value", "reason"]

_DTYPES = {
    "id": "str",
    "text": "str",
    "category": "str",
    "count": "Int64",
    "number": "float64",
    "bool": "boolean",
    "datetime": pd.DatetimeTZDtype("us", TZ),
    "date": "datetime64[us]",
}


@dataclass(frozen=True)
class Field:
    """One column of a canonical table.

    Parameters
    ----------
    name
        Canonical column name.
    kind
        One of ``id`` (non-empty string), ``text``, ``category`` (string from
        ``allowed``), ``count`` (whole number >= 0, nullable ``Int64``), ``number``
        (float), ``bool``, ``datetime`` (tz-aware, Europe/Oslo) or ``date`` (calendar
        day, naive).
    required
        The column must be present in the table (it may still hold missing values
        unless ``nullable`` is False).
    nullable
        Missing values allowed.
    unique
        Values must be unique within the table.
    allowed
        For ``category``: the allowed values.
    description
        What the column means, with its source where it has one.
    """

    name: str
    kind: str
    required: bool = False
    nullable: bool = True
    unique: bool = False
    allowed: tuple[str, ...] | None = None
    description: str = ""

    @property
    def dtype(self) -> object:
        return _DTYPES[self.kind]


def _fields(*items: Field) -> dict[str, Field]:
    return {f.name: f for f in items}


_SYNTH = Field(
    "synthetic", "bool", description="True for rows of the synthetic demo panel (kommunesm.demo)."
)

#: Canonical fields of each table, in canonical column order.
FIELDS: dict[str, dict[str, Field]] = {
    "pages": _fields(
        Field("page_id", "id", required=True, nullable=False, unique=True),
        Field("platform", "category", required=True, nullable=False, allowed=PLATFORMS),
        Field("name", "text", required=True, description="Display name of the page."),
        Field("kommunenummer", "text", description="Municipality code as given by the source."),
        Field("kommunenummer_2024", "text", description="The code harmonised to 2024 borders."),
        Field("population", "count"),
        Field("about_text", "text", description="The page's About / description text."),
        Field(
            "open_wall",
            "bool",
            description="Citizens may post on the page wall (declared; missing = unknown). "
            "kommunesm.metrics.wall.open_wall adds the observed value (KS Veikart 2012, s. 11).",
        ),
        _SYNTH,
    ),
    "page_days": _fields(
        Field("page_id", "id", required=True, nullable=False),
        Field("date", "date", required=True, nullable=False),
        Field("followers", "count", description="Page likes / followers at the end of the day."),
        Field(
            "talking_about",
            "count",
            description="'People talking about this': unique people who created a story "
            "about the page in the 7 days up to the date (Facebook's definition).",
        ),
        Field(
            "page_stories",
            "count",
            description="Insights' 'Weekly Page Stories': stories about the page in the 7 days "
            "up to the date. Counts stories, not people: not talking_about.",
        ),
        Field("reach", "count"),
        Field("impressions", "count"),
        Field("engaged_users", "count"),
        Field(
            "views",
            "count",
            description="Meta's 'views' (page_media_view), which replaced impressions in the "
            "Page Insights API on 15 November 2025; not comparable with impressions.",
        ),
        Field(
            "metric_basis",
            "category",
            allowed=("legacy", "current", "mixed"),
            description="Which Meta metric definitions the row's followers/reach/views "
            "follow: 'legacy' (page_fans, page_impressions: before the 2023-2025 changes), "
            "'current' (page_follows, page_media_view) or 'mixed'. See "
            "kommunesm.metrics.platforms.DEFINITION_CHANGES.",
        ),
        _SYNTH,
    ),
    "posts": _fields(
        Field("post_id", "id", required=True, nullable=False, unique=True),
        Field("page_id", "id", required=True, nullable=False),
        Field("created_at", "datetime", required=True),
        Field(
            "platform",
            "category",
            allowed=PLATFORMS,
            description="Platform of the post; missing means the page's platform.",
        ),
        Field("type", "text"),
        Field("message", "text"),
        Field(
            "author_kind",
            "category",
            allowed=("page", "visitor"),
            description="'page' (the page's own post) or 'visitor' (a citizen's post on the "
            "page wall); missing = the page's own.",
        ),
        Field(
            "author_id",
            "text",
            description="Pseudonymised author of a visitor post (empty for the page's posts).",
        ),
        Field(
            "likes", "count", description="Likes, or all reactions where likes are not separate."
        ),
        Field("comments", "count"),
        Field("shares", "count"),
        Field("reach", "count"),
        Field("impressions", "count"),
        Field("reactions", "count", description="All reactions (like, love, wow, ...)."),
        Field("engaged_users", "count"),
        Field("followers_at_posting", "count"),
        Field("permalink", "text"),
        Field(
            "views",
            "count",
            description="Video views / plays as the platform counts them (definitions differ: "
            "see kommunesm.metrics.platforms.METRIC_CAVEATS).",
        ),
        *(
            Field(f"reactions_{kind}", "count", description=f"'{kind}' reactions, where given.")
            for kind in ("like", "love", "care", "haha", "wow", "sad", "angry")
        ),
        Field(
            "is_question",
            "bool",
            description="A visitor post that is a citizen question, detected once at ingest "
            "(kommunesm.metrics.response.question_flags, RE2).",
        ),
        Field(
            "question_detector",
            "text",
            description="Version of the question detector that set is_question "
            "(kommunesm.metrics.response.QUESTION_DETECTOR).",
        ),
        _SYNTH,
    ),
    "comments": _fields(
        Field("comment_id", "id", required=True, nullable=False, unique=True),
        Field("post_id", "id", required=True, nullable=False),
        Field("page_id", "id", required=True, nullable=False),
        Field("parent_id", "text", description="comment_id of the comment replied to, if a reply."),
        Field("created_at", "datetime", required=True, nullable=False),
        Field("author_id", "id", required=True, nullable=False, description="Pseudonymised."),
        Field("is_page_reply", "bool", required=True, nullable=False),
        Field("message", "text"),
        Field("platform", "category", allowed=PLATFORMS),
        Field(
            "is_question",
            "bool",
            description="A citizen question (not a page reply), detected once at ingest "
            "(kommunesm.metrics.response.question_flags, RE2).",
        ),
        Field(
            "question_detector",
            "text",
            description="Version of the question detector that set is_question "
            "(kommunesm.metrics.response.QUESTION_DETECTOR).",
        ),
        _SYNTH,
    ),
    "activity": _fields(
        Field("actor_id", "id", required=True, nullable=False, description="Pseudonymised."),
        Field("community", "id", required=True, nullable=False),
        Field("action", "category", required=True, nullable=False, allowed=ACTIONS),
        Field("created_at", "datetime", required=True, nullable=False),
        Field("item_id", "text", description="The tweet/post/comment the action produced."),
        _SYNTH,
    ),
    "survey": _fields(
        Field("respondent_id", "id", required=True, nullable=False),
        Field("question_id", "id", required=True, nullable=False),
        Field("answer", "text", required=True),
        _SYNTH,
    ),
    "coding": _fields(
        Field("unit_id", "id", required=True, nullable=False),
        Field("hypothesis", "id", required=True, nullable=False),
        Field("coder", "id", required=True, nullable=False),
        Field("value", "text", required=True),
        Field("note", "text"),
    ),
    "page_metrics": _fields(
        Field("page_id", "id", required=True, nullable=False),
        Field("name", "text"),
        Field("period_start", "date"),
        Field("period_end", "date"),
        Field("followers", "count"),
        Field("interactions", "count"),
        Field("people_talking_about", "count"),
        Field("questions_answered", "count"),
        Field("page_posts", "count"),
        Field("avg_response_time_minutes", "number"),
        Field("likes", "count"),
        Field("comments", "count"),
        Field("shares", "count"),
        Field("engagement_rate", "number"),
        _SYNTH,
    ),
}

#: Names of the canonical tables.
TABLES: tuple[str, ...] = tuple(FIELDS)

#: Combinations of columns that identify a row, beyond single-column ``unique`` fields.
_UNIQUE_TOGETHER: dict[str, list[str]] = {
    "page_days": ["page_id", "date"],
    "page_metrics": ["page_id", "period_start", "period_end"],
    "survey": ["respondent_id", "question_id"],
    "coding": ["unit_id", "hypothesis", "coder"],
}


def _check_table(table: str) -> dict[str, Field]:
    try:
        return FIELDS[table]
    except KeyError:
        raise KeyError(
            f"unknown table {table!r}; kommunesm tables are {', '.join(TABLES)}"
        ) from None


def _column_checks(f: Field) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if f.kind == "count":
        checks.append(pa.Check.ge(0, error="expected a whole number >= 0"))
    if f.kind == "id":
        checks.append(pa.Check.str_length(min_value=1, error="expected a non-empty identifier"))
    if f.allowed is not None:
        checks.append(pa.Check.isin(f.allowed, error=f"expected one of {', '.join(f.allowed)}"))
    return checks


def pandera_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema for a canonical table.

    Undeclared columns are allowed (``strict=False``) so that nothing a source
    provides is lost. Uniqueness of ids is checked by :func:`validate`, which
    quarantines duplicates instead of failing the whole table.

    Parameters
    ----------
    table : str
        Canonical table name (``"posts"``, ``"comments"`` …; see :data:`TABLES`).

    Returns
    -------
    pandera.DataFrameSchema
        The schema.
    """
    fields = _check_table(table)
    columns = {
        f.name: pa.Column(
            f.dtype,
            checks=_column_checks(f),
            nullable=f.nullable,
            required=f.required,
            coerce=False,
        )
        for f in fields.values()
    }
    return pa.DataFrameSchema(columns, strict=False, name=table, ordered=False)


def empty(table: str) -> pd.DataFrame:
    """An empty canonical table with every declared column and its dtype.

    Parameters
    ----------
    table : str
        Canonical table name (``"posts"``, ``"comments"`` …; see :data:`TABLES`).

    Returns
    -------
    DataFrame
        Zero rows, every declared column with its dtype.
    """
    fields = _check_table(table)
    return pd.DataFrame({f.name: pd.Series([], dtype=f.dtype) for f in fields.values()})


def quarantine_frame(rows: Iterable[dict] | None = None) -> pd.DataFrame:
    """A quarantine table (one row per input row that was not kept).

    Parameters
    ----------
    rows : iterable of dict, optional
        Quarantine rows (file, row, column, value, reason).

    Returns
    -------
    DataFrame
        The quarantine table, with its columns even when empty.
    """
    frame = pd.DataFrame(list(rows or []), columns=QUARANTINE_COLUMNS)
    frame["source_row"] = frame["source_row"].astype("Int64")
    for col in ("source_file", "column", "value", "reason"):
        frame[col] = frame[col].astype("str")
    return frame


def coerce_dtypes(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Cast declared columns that are present to their canonical dtype.

    Values must already be of the right kind (numbers, timestamps); use the
    parsers in :mod:`kommunesm.io.tabular` for raw text. Missing optional columns
    are added as all-missing (``synthetic`` as False: data read from files are real
    unless the demo generator says otherwise); column order is canonical first,
    extras after.

    Parameters
    ----------
    df : DataFrame
        A table with canonical column names.
    table : str
        Canonical table name (``"posts"``, ``"comments"`` …; see :data:`TABLES`).

    Returns
    -------
    DataFrame
        A copy with canonical dtypes and column order.
    """
    fields = _check_table(table)
    out = df.copy()
    for f in fields.values():
        if f.name not in out.columns:
            if f.required:
                continue
            fill = False if f.name == "synthetic" else (np.nan if f.kind == "text" else pd.NA)
            out[f.name] = pd.Series(fill, index=out.index)
        col = out[f.name]
        if f.kind == "datetime":
            if not isinstance(col.dtype, pd.DatetimeTZDtype):
                col = pd.to_datetime(col, utc=True)
            out[f.name] = col.dt.tz_convert(TZ).dt.as_unit("us")
        elif f.kind == "date":
            out[f.name] = pd.to_datetime(col).dt.as_unit("us")
        elif f.kind in ("id", "text", "category"):
            out[f.name] = col.astype("str")
        else:
            out[f.name] = col.astype(f.dtype)
    canonical = [c for c in fields if c in out.columns]
    return out[canonical + [c for c in out.columns if c not in fields]]


def differing_columns(df: pd.DataFrame, a: object, b: object) -> list[str]:
    """Columns in which rows ``a`` and ``b`` of ``df`` differ (missing equals missing)."""
    out = []
    for col in df.columns:
        x, y = df.at[a, col], df.at[b, col]
        if (pd.isna(x) and pd.isna(y)) if not isinstance(x, list | tuple) else False:
            continue
        try:
            same = bool(x == y)
        except (TypeError, ValueError):
            same = False
        if not same:
            out.append(str(col))
    return out


class Validated(NamedTuple):
    """What :func:`validate` returns (unpacks as ``kept, quarantine``).

    Attributes
    ----------
    kept : DataFrame
        The rows that passed.
    quarantine : DataFrame
        One row per row not kept, with the columns :data:`QUARANTINE_COLUMNS`.
    """

    kept: pd.DataFrame
    quarantine: pd.DataFrame


def validate(
    df: pd.DataFrame,
    table: str,
    *,
    source: str = "<table>",
    row_numbers: pd.Series | None = None,
) -> Validated:
    """Validate a canonical table; split it into kept rows and quarantined rows.

    Parameters
    ----------
    df : DataFrame
        The table, with canonical column names and dtypes (see :func:`coerce_dtypes`).
    table : str
        Name of the canonical table (one of :data:`TABLES`).
    source : str, optional
        File name used in reasons and errors.
    row_numbers : Series, optional
        1-based row number in the source file for each row of ``df`` (same index);
        defaults to ``index + 2`` (header in row 1).

    Returns
    -------
    Validated
        ``kept`` and ``quarantine``; ``len(kept) + len(quarantine) == len(df)`` always.

    Raises
    ------
    InputError
        If a required column is missing or a column has the wrong dtype: these are
        problems of the whole file, not of single rows.
    """
    fields = _check_table(table)
    if row_numbers is None:
        row_numbers = pd.Series(np.arange(len(df)) + 2, index=df.index)
    missing = [f.name for f in fields.values() if f.required and f.name not in df.columns]
    if missing:
        raise InputError(
            f"missing required column(s) {', '.join(missing)} for table {table!r}",
            file=source,
            row=1,
            column=missing[0],
            expected=f"columns {', '.join(f.name for f in fields.values() if f.required)}",
        )

    problems: dict[object, list[tuple[str, str, str]]] = {}
    try:
        pandera_schema(table).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        frame_level = cases[cases["index"].isna()]
        if len(frame_level):
            first = frame_level.iloc[0]
            col = str(first["column"])
            raise InputError(
                f"column has the wrong type for table {table!r} ({first['check']})",
                file=source,
                row=1,
                column=col,
                expected=str(fields[col].dtype) if col in fields else None,
                got=str(df[col].dtype) if col in df.columns else None,
            ) from None
        for case in cases.itertuples(index=False):
            check = str(case.check)
            if check == "not_nullable":
                reason = "missing value where one is required"
            else:
                reason = check
            problems.setdefault(case.index, []).append(
                (str(case.column), str(case.failure_case), reason)
            )

    keyed = [f.name for f in fields.values() if f.unique and f.name in df.columns]
    together = _UNIQUE_TOGETHER.get(table)
    for keys in [[k] for k in keyed] + ([together] if together else []):
        if not set(keys) <= set(df.columns):
            continue
        dup = df.duplicated(subset=keys, keep="first")
        if dup.any():
            first_row = (
                pd.Series(row_numbers.to_numpy(), index=df.index)
                .groupby([df[k] for k in keys], dropna=False)
                .transform("first")
            )
            first_idx = (
                pd.Series(df.index, index=df.index)
                .groupby([df[k] for k in keys], dropna=False)
                .transform("first")
            )
            for idx in df.index[dup.to_numpy()]:
                value = ", ".join(str(df.at[idx, k]) for k in keys)
                differ = differing_columns(df, idx, first_idx.at[idx])
                what = (
                    f"conflicting duplicate {'+'.join(keys)}: differs from row "
                    f"{int(first_row.at[idx])} in {', '.join(differ)}"
                    if differ
                    else f"duplicate {'+'.join(keys)} (same as row {int(first_row.at[idx])})"
                )
                problems.setdefault(idx, []).append(("+".join(keys), value, what))

    if not problems:
        return Validated(df, quarantine_frame())
    bad = pd.Index(list(problems))
    records = [
        {
            "source_file": source,
            "source_row": int(row_numbers.at[idx]),
            "column": "; ".join(p[0] for p in problems[idx]),
            "value": "; ".join(p[1] for p in problems[idx]),
            "reason": "; ".join(p[2] for p in problems[idx]),
        }
        for idx in bad
    ]
    kept = df.drop(index=bad)
    quarantine = quarantine_frame(records).sort_values("source_row", kind="stable")
    return Validated(kept, quarantine.reset_index(drop=True))

"""Recognise the format of an export file from its columns.

Each known format is declared once in :data:`FORMATS` with the canonical table it
produces, the reader that loads it and the column names that identify it (its
*signature*). :func:`detect_format` scores a file's header against every signature;
the best match wins, ties and files that match nothing are errors that say what was
seen and what was expected.

:data:`FORMATS` is one literal table: a new reader is added by a line here (its module is
imported only when a file of that format is read or sniffed), and ``kommunesm ingest``
and :func:`kommunesm.io.dataset.read_dataset` pick it up.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kommunesm import schema
from kommunesm.errors import InputError
from kommunesm.io import tabular
from kommunesm.io._common import shared_docs
from kommunesm.io.tabular import LoadResult, normalise_header

__all__ = [
    "FORMATS",
    "Format",
    "detect_format",
    "peek_columns",
    "read_file",
    "scrub_across_files",
    "survey_text_questions",
]


@dataclass(frozen=True)
class Format:
    """A file format kommunesm can read.

    Attributes
    ----------
    name
        Format name (``facebook_insights_posts``, ``crowdtangle`` …).
    table
        Canonical table it produces.
    reader
        ``"module:function"``; the function takes the path and returns a LoadResult.
    signature
        Normalised column names that identify the format.
    min_hits
        How many signature columns must be present.
    suffixes
        File endings the format comes in.
    description
        One line for users.
    """

    name: str
    table: str
    reader: str
    signature: frozenset[str]
    min_hits: int = 2
    suffixes: tuple[str, ...] = (".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xlsm", ".xls", ".gz")
    description: str = ""
    sniff: Callable[[Path], bool] | None = field(default=None, compare=False)

    def load(self, path: str | Path) -> LoadResult:
        module, func = self.reader.split(":")
        reader = getattr(importlib.import_module(module), func)
        if self.name.startswith("canonical_"):
            return reader(path, self.table)
        return reader(path)


def _sig(*names: str) -> frozenset[str]:
    return frozenset(normalise_header(n) for n in names)


_JSON = (".json", ".jsonl", ".ndjson")


def _lazy_sniff(target: str) -> Callable[[Path], bool]:
    """A sniff function imported on first use (keeps ``detect`` free of import cycles)."""

    def sniff(path: Path) -> bool:
        module, func = target.split(":")
        return bool(getattr(importlib.import_module(module), func)(path))

    sniff.__name__ = target.split(":")[1]
    return sniff


FORMATS: list[Format] = [
    Format(
        "facebook_insights_posts",
        "posts",
        "kommunesm.io.facebook_insights:read_posts",
        _sig(
            "Lifetime Post Total Reach",
            "Lifetime Post Total Impressions",
            "Lifetime Engaged Users",
            "Post Message",
            "Posted",
            "Permalink",
            "Page total likes",
            "Lifetime Post Consumers",
            "Lifetime Post Stories by action type - like",
            "Lifetime Talking About This (Post) by action type - like",
        ),
        description="Facebook Insights post-level export (CSV/XLSX)",
    ),
    Format(
        "facebook_insights_page",
        "page_days",
        "kommunesm.io.facebook_insights:read_page_days",
        _sig(
            "Lifetime Total Likes",
            "Daily New Likes",
            "Daily Unlikes",
            "Weekly People Talking About This",
            "Daily People Talking About This",
            "Daily Total Reach",
            "Daily Total Impressions",
            "Daily Page Engaged Users",
        ),
        description="Facebook Insights page-level export, one row per day",
    ),
    Format(
        "crowdtangle",
        "posts",
        "kommunesm.io.crowdtangle:read_posts",
        _sig(
            "Facebook Id",
            "Page Name",
            "Post Created",
            "Followers at Posting",
            "Likes at Posting",
            "Total Interactions",
            "Post Created Date",
            "post_owner.id",
            "creation_time",
            "statistics.reaction_count",
            "statistics.comment_count",
        ),
        description="CrowdTangle historical-data CSV or Meta Content Library CSV",
    ),
    Format(
        "socialbakers",
        "page_metrics",
        "kommunesm.io.socialbakers:read",
        _sig(
            "Profile",
            "Profile ID",
            "Fans",
            "Number of fans",
            "People talking about",
            "PTAT",
            "Admin posts",
            "Questions answered",
            "Answered questions",
            "Average response time",
            "Engagement rate",
        ),
        min_hits=3,
        description="Socialbakers/Emplifi page metrics, one row per page and period",
    ),
    Format(
        "facebook_graph_comments",
        "comments",
        "kommunesm.io.facebook_graph:read_comments",
        _sig(
            "from.name",
            "from.id",
            "created_time",
            "parent_id",
            "object_id",
            "comment_by",
            "comment_message",
            "comment_published",
        ),
        description="Facebook comments from the Graph API (Facepager, netvizz …)",
    ),
    # --- platforms of today (issue 14): sources are cited in io/aliases/<format>.csv
    Format(
        "instagram_insights_csv",
        "posts",
        "kommunesm.io.instagram:read_insights_csv",
        _sig(
            "Account ID",
            "Account username",
            "Account name",
            "Publish time",
            "Post type",
            "Saves",
            "Follows",
            "Duration (sec)",
        ),
        min_hits=3,
        description="Instagram post export from Meta Business Suite / Instagram Insights",
    ),
    Format(
        "x_analytics_csv",
        "posts",
        "kommunesm.io.x_account:read_analytics_csv",
        _sig(
            "Tweet id",
            "Tweet permalink",
            "Tweet text",
            "engagements",
            "engagement rate",
            "user profile clicks",
            "Post id",
            "Post Link",
            "Reposts",
            "New follows",
        ),
        min_hits=3,
        description="X/Twitter analytics tweet-activity CSV (the account's own posts)",
    ),
    Format(
        "youtube_studio_csv",
        "posts",
        "kommunesm.io.youtube:read_studio_csv",
        _sig(
            "Content",
            "Video title",
            "Video publish time",
            "Watch time (hours)",
            "Subscribers",
            "Impressions click-through rate (%)",
            "Comments added",
        ),
        min_hits=3,
        description="YouTube Studio analytics export (Table data.csv)",
    ),
    Format(
        "meta_content_library",
        "posts",
        "kommunesm.io.meta_content_library:read_csv",
        _sig(
            "id",
            "creation_time",
            "post_owner.id",
            "post_owner.name",
            "post_owner.type",
            "statistics.reaction_count",
            "statistics.comment_count",
            "statistics.share_count",
            "statistics.views",
            "statistics.like_count",
            "statistics.love_count",
            "mcl_url",
        ),
        min_hits=6,
        description="Meta Content Library CSV export (Facebook posts, reactions by type)",
    ),
    Format(
        "instagram_graph_media",
        "posts",
        "kommunesm.io.instagram:read_graph_media",
        frozenset(),
        suffixes=_JSON,
        description="Instagram Graph API media JSON (with media insights)",
        sniff=_lazy_sniff("kommunesm.io.instagram:sniff_graph_media"),
    ),
    Format(
        "instagram_graph_comments",
        "comments",
        "kommunesm.io.instagram:read_graph_comments",
        frozenset(),
        suffixes=_JSON,
        description="Instagram Graph API comments JSON (comments and replies on media)",
        sniff=_lazy_sniff("kommunesm.io.instagram:sniff_graph_comments"),
    ),
    Format(
        "x_timeline",
        "posts",
        "kommunesm.io.x_account:read_timeline",
        frozenset(),
        suffixes=_JSON,
        description="X API v2 user-timeline JSON (the account's own posts, public_metrics)",
        sniff=_lazy_sniff("kommunesm.io.x_account:sniff_timeline"),
    ),
    Format(
        "x_conversation",
        "comments",
        "kommunesm.io.x_account:read_conversation",
        frozenset(),
        suffixes=_JSON,
        description="X API v2 mentions/conversation JSON (replies to and from the account)",
        sniff=_lazy_sniff("kommunesm.io.x_account:sniff_conversation"),
    ),
    Format(
        "tiktok_videos",
        "posts",
        "kommunesm.io.tiktok:read_videos",
        frozenset(),
        suffixes=_JSON,
        description="TikTok Research API video query JSON",
        sniff=_lazy_sniff("kommunesm.io.tiktok:sniff_videos"),
    ),
    Format(
        "youtube_videos",
        "posts",
        "kommunesm.io.youtube:read_videos",
        frozenset(),
        suffixes=_JSON,
        description="YouTube Data API videos.list JSON",
        sniff=_lazy_sniff("kommunesm.io.youtube:sniff_videos"),
    ),
    Format(
        "youtube_comment_threads",
        "comments",
        "kommunesm.io.youtube:read_comment_threads",
        frozenset(),
        suffixes=_JSON,
        description="YouTube Data API commentThreads.list JSON",
        sniff=_lazy_sniff("kommunesm.io.youtube:sniff_comment_threads"),
    ),
    Format(
        "meta_content_library_json",
        "posts",
        "kommunesm.io.meta_content_library:read_json",
        frozenset(),
        suffixes=_JSON,
        description="Meta Content Library API results saved as JSON",
        sniff=_lazy_sniff("kommunesm.io.meta_content_library:sniff_json"),
    ),
    Format(
        "page_insights_json",
        "page_days",
        "kommunesm.io.page_insights:read_api_json",
        frozenset(),
        suffixes=_JSON,
        description="Facebook Page Insights API JSON (page_fans/page_impressions or "
        "page_follows/page_media_view)",
        sniff=_lazy_sniff("kommunesm.io.page_insights:sniff_api_json"),
    ),
    Format(
        "facebook_graph_posts",
        "posts",
        "kommunesm.io.facebook_graph:read_posts",
        _sig(
            "by",
            "post_published",
            "post_message",
            "likes_count_fb",
            "comments_count_fb",
            "shares_count_fb",
            "shares.count",
            "likes.summary.total_count",
            "comments.summary.total_count",
            "reactions.summary.total_count",
            "status_type",
            "permalink_url",
        ),
        min_hits=3,
        description="A page's feed or visitor posts from the Graph API (Facepager, netvizz)",
    ),
    # --- Twitter/X archives (kommunesm.io.twitter)
    Format(
        "twitter_twarc2",
        "activity",
        "kommunesm.io.twitter:read_twarc2",
        frozenset(),
        suffixes=(".jsonl", ".ndjson", ".json"),
        description="Twitter/X v2 API JSON lines from twarc2 (response pages or flattened)",
        sniff=_lazy_sniff("kommunesm.io.twitter:sniff_twarc2"),
    ),
    Format(
        "twitter_v1",
        "activity",
        "kommunesm.io.twitter:read_v1",
        frozenset(),
        suffixes=(".jsonl", ".ndjson", ".json"),
        description="Twitter v1.1 API tweet objects, one per line (twarc 1.x and older archives)",
        sniff=_lazy_sniff("kommunesm.io.twitter:sniff_v1"),
    ),
    Format(
        "twitter_csv",
        "activity",
        "kommunesm.io.twitter:read_csv",
        _sig(
            "screen_name",
            "is_retweet",
            "is_quote",
            "in_reply_to_status_id",
            "in_reply_to_status_id_str",
            "in_reply_to_screen_name",
            "from_user",
            "from_user_id_str",
            "author.username",
            "referenced_tweets.retweeted.id",
            "referenced_tweets.replied_to.id",
            "reply_to_status_id",
            "status_id",
            "id_str",
            "retweet_count",
            "favorite_count",
            "retweeted_status_id",
            "quoted_status_id",
            "public_metrics.retweet_count",
        ),
        min_hits=2,
        description="Flat CSV of tweets (twarc-csv, TAGS, rtweet, simple exports)",
    ),
    # --- surveys (kommunesm.io.survey)
    Format(
        "survey_codebook",
        "survey",
        "kommunesm.io.survey:read_codebook_file",
        frozenset(),
        description="survey codebook (question_id, text, scale, labels)",
        sniff=_lazy_sniff("kommunesm.io.survey:sniff_codebook"),
    ),
    Format(
        "survey_export",
        "survey",
        "kommunesm.io.survey:read_survey",
        frozenset(),
        description="survey export, one row per respondent and one column per question "
        "(Enalyzer, Questback, CSV/XLSX)",
        sniff=_lazy_sniff("kommunesm.io.survey:sniff_export"),
    ),
    Format(
        "survey_spss",
        "survey",
        "kommunesm.io.survey:read_survey",
        frozenset(),
        suffixes=(".sav", ".zsav"),
        description="survey in SPSS format (.sav) with variable and value labels",
        sniff=_lazy_sniff("kommunesm.io.survey:sniff_sav"),
    ),
]


def peek_columns(path: str | Path, max_rows: int = 15) -> list[list[str]]:
    """The first rows of a tabular file (as text cells), without reading all of it.

    Parameters
    ----------
    path : str or Path
        A CSV or Excel file.
    max_rows : int, default 15
        How many rows from the top to read.

    Returns
    -------
    list of list of str
        The first rows as text cells (header candidates).
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError("the file is empty", file=path.name, expected="a header row and data rows")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        problem = tabular.spreadsheet_problem(path)
        if problem:
            raise InputError(problem, file=path.name, expected="a valid .xlsx workbook")
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds
            raise InputError(
                f"could not read the Excel file ({type(exc).__name__}: {exc})",
                file=path.name,
                expected="a valid .xlsx",
            ) from None
        try:
            if not wb.worksheets:
                raise InputError("the workbook has no sheet", file=path.name)
            ws = wb.worksheets[0]
            rows = []
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i >= max_rows:
                    break
                rows.append(["" if v is None else str(v) for v in row])
            return rows
        finally:
            wb.close()
    if path.name.lower().endswith(".gz"):
        raw = tabular.read_bytes(path, path.name)[:65536]
    else:
        with path.open("rb") as fh:
            raw = fh.read(65536)
    if not raw.strip(b"\x00 \r\n\t"):
        raise InputError("the file is empty", file=path.name, expected="a header row and data rows")
    encoding = tabular.sniff_encoding(raw)
    text = raw.decode(encoding, errors="replace").lstrip("\ufeff").replace("\x00", "")
    lines = text.splitlines()[: max_rows + 1]
    if len(lines) > max_rows:
        lines = lines[:max_rows]
    delimiter = tabular._sniff_delimiter([ln for ln in lines if ln.strip()] or [""])
    try:
        return list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(
            f"the file could not be parsed as delimited text ({exc})",
            file=path.name,
            expected="a CSV/TSV export",
        ) from None


def _canonical_table(path: Path, rows: list[list[str]]) -> str | None:
    name = path.name.lower()
    for table in schema.TABLES:
        if name in (f"{table}.csv", f"{table}.csv.gz", f"{table}.parquet"):
            return table
    if rows:
        header = {normalise_header(c) for c in rows[0]}
        for table, fields in schema.FIELDS.items():
            required = {n for n, f in fields.items() if f.required}
            if required <= header and len(required) >= 3:
                return table
    return None


def detect_format(path: str | Path) -> Format:
    """Recognise a file's format.

    Parameters
    ----------
    path : str or Path
        An export file.

    Returns
    -------
    Format
        The format whose signature the file matches.

    Raises
    ------
    InputError
        When no known format matches (the message lists the columns seen and the known
        formats) or two formats match equally well.
    """
    path = Path(path)
    if path.name.lower().endswith((".csv.gz", ".parquet")):
        table = _canonical_table(path, [])
        if table:
            return _canonical_format(table)
    suffix = path.suffix.lower()
    if path.name.lower().endswith(".parquet"):
        raise InputError(
            "a Parquet file that is not named after a canonical table",
            file=path.name,
            expected="posts.parquet, comments.parquet … (kommunesm canonical tables)",
        )
    sniffers = [f for f in FORMATS if f.sniff is not None and suffix in f.suffixes]
    if suffix in (".json", ".jsonl", ".ndjson", ".sav", ".zsav", ".js"):
        for fmt in sniffers:
            if _sniffs(fmt, path):
                return fmt
        raise InputError(
            "no reader recognises this file",
            file=path.name,
            expected="; ".join(f"{f.name}: {f.description}" for f in FORMATS),
        )
    rows = peek_columns(path)
    table = _canonical_table(path, rows)
    if table:
        return _canonical_format(table)
    # column signatures first: a file whose header is an Insights/CrowdTangle/…
    # header is that export, whatever a sniffer might think of the rows below it
    scores: list[tuple[int, Format]] = []
    for fmt in FORMATS:
        if fmt.sniff is not None or suffix not in fmt.suffixes:
            continue
        best = max((len({normalise_header(c) for c in r} & fmt.signature) for r in rows), default=0)
        if best >= fmt.min_hits:
            scores.append((best, fmt))
    if not scores:
        for fmt in sniffers:
            if _sniffs(fmt, path):
                return fmt
        seen = rows[0] if rows else []
        raise InputError(
            "unknown format: the columns match none of the exports kommunesm reads",
            file=path.name,
            row=1,
            expected="; ".join(f"{f.name}: {f.description}" for f in FORMATS),
            got=", ".join(seen[:10]) + ("…" if len(seen) > 10 else ""),
        )
    scores.sort(key=lambda s: -s[0])
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        raise InputError(
            "the columns match several formats equally well: "
            + ", ".join(f.name for s, f in scores if s == scores[0][0]),
            file=path.name,
            row=1,
            expected="one format; rename the file after its canonical table or use the "
            "format's reader directly",
        )
    return scores[0][1]


def _sniffs(fmt: Format, path: Path) -> bool:
    """A format's sniff function; one that fails says no (detection never crashes)."""
    try:
        return bool(fmt.sniff(path)) if fmt.sniff is not None else False
    except Exception:  # a sniffer must never fail: other formats get their chance
        return False


def _canonical_format(table: str) -> Format:
    return Format(
        f"canonical_{table}",
        table,
        "kommunesm.io.canonical:read_table",
        frozenset(),
        description=f"kommunesm canonical {table} table",
    )


@shared_docs
def read_file(path: str | Path) -> LoadResult:
    """Detect a file's format and load it.

    Parameters
    ----------
    path : str or Path
        The export file.

    {load_result}
    """
    fmt = detect_format(path)
    result = fmt.load(path)
    result.meta.setdefault("format", fmt.name)
    result.meta["detected_format"] = fmt.name
    if result.table == "survey":
        _scrub_free_text_answers(result)
    return result


def survey_text_questions(meta: dict) -> set[str] | None:
    """The survey questions whose answers may be free text, from a survey loader's
    ``meta["codebook"]`` (None: no codebook).

    Parameters
    ----------
    meta : dict
        ``LoadResult.meta`` of a survey file.

    Returns
    -------
    set of str or None
        Question ids with a ``text`` or ``single`` scale.
    """
    codebook = meta.get("codebook")
    if codebook is None or "scale" not in getattr(codebook, "columns", ()):
        return None
    # free text, and "single" choice that may be inferred free text in a small file;
    # option labels of closed scales are not personal and stay as they are
    open_scale = codebook["scale"].isin(["text", "single"])
    return set(codebook.loc[open_scale, "question_id"].astype("str"))


def _free_text_answers(result: LoadResult) -> pd.Series | None:
    """Rows of a survey table whose answer is free text (None: no codebook)."""
    questions = survey_text_questions(result.meta)
    if questions is None or not len(result.data):
        return None
    return result.data["question_id"].astype("str").isin(questions)


def _scrub_free_text_answers(result: LoadResult) -> None:
    """Free-text survey answers may name people or give phone numbers: scrubbed
    (:func:`kommunesm.io.privacy.scrub_text`)."""
    from kommunesm.io import privacy

    mask = _free_text_answers(result)
    if mask is not None and mask.any():
        result.data.loc[mask, "answer"] = privacy.scrub_text(result.data.loc[mask, "answer"])


def scrub_across_files(results: Iterable[LoadResult]) -> int:
    """Scrub the free text of every file again, knowing every person seen in any of them.

    Each loader scrubs its own file knowing the persons of that file. A citizen's name,
    id or handle may also stand in another file (a page post naming a commenter, a
    survey answer giving a commenter's id): this pass replaces, in every file's free
    text (:data:`kommunesm.io.tabular.FREE_TEXT_COLUMNS`, free-text survey answers) and
    quarantine values, every name, id and handle recorded by any loader
    (:data:`kommunesm.io.tabular.PERSONS_KEY`, removed from the results' ``meta``).

    Parameters
    ----------
    results : iterable of LoadResult
        The files of one ingest or data folder; changed in place.

    Returns
    -------
    int
        How many distinct names, ids and handles were known.
    """
    from kommunesm.io import privacy

    results = list(results)
    persons: dict[str, str] = {}
    for r in results:
        persons.update(r.meta.pop(tabular.PERSONS_KEY, None) or {})
    if not persons:
        return 0
    scrubber = privacy.Scrubber(persons)
    for r in results:
        for col in tabular.FREE_TEXT_COLUMNS.get(r.table, ()):
            if col in r.data.columns:
                r.data[col] = scrubber.scrub(
                    r.data[col], by_page=tabular.page_voice(r.data, r.table)
                )
        if r.table == "survey":
            mask = _free_text_answers(r)
            if mask is not None and mask.any():
                r.data.loc[mask, "answer"] = scrubber.scrub(r.data.loc[mask, "answer"])
        if len(r.quarantine):
            r.quarantine["value"] = scrubber.scrub(r.quarantine["value"].astype("str"))
    return len(persons)


def describe_formats() -> str:
    """A table of the formats kommunesm reads (for help texts)."""
    return "\n".join(f"{f.name:28s} -> {f.table:12s} {f.description}" for f in FORMATS)


def _json_lines_head(path: Path, n: int = 5) -> list[dict]:
    """First JSON objects of a JSON-lines file (helper for readers' sniff functions)."""
    out = []
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    encoding = tabular.sniff_encoding(head)
    if encoding in ("utf-16", "utf-16-le", "utf-16-be") and len(head) % 2:
        head = head[:-1]
    with io.StringIO(head.decode(encoding, errors="ignore").lstrip("\ufeff")) as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
            if len(out) >= n:
                break
    return out

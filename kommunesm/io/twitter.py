"""Twitter/X archives into the canonical ``activity`` table.

Researchers hold Twitter data in three shapes, and each has a reader here:

:func:`read_twarc2`
    JSON lines written by ``twarc2`` (DocNow) from the **v2 API**: each line is either a
    full API response page (``data`` = list of tweets, ``includes.users``,
    ``includes.tweets``, ``meta``, ``__twarc``) as ``twarc2 search`` writes it, or one
    tweet per line as ``twarc2 flatten`` writes it (the author expanded into ``author``,
    ``referenced_tweets`` expanded in place). Both may be mixed in one file.
:func:`read_v1`
    JSON lines of **v1.1 API** tweet objects (one tweet per line, as ``twarc`` 1.x and
    most 2010–2020 archives wrote them): ``id_str``, ``created_at`` like ``"Wed Feb 15
    09:12:01 +0000 2012"``, ``user.screen_name``, ``retweeted_status``,
    ``in_reply_to_status_id_str``, ``quoted_status``. Streaming-API notices (``delete``,
    ``limit`` …) are not tweets: they are listed in ``LoadResult.skipped``, and a tweet
    whose ``delete`` notice is in the file is quarantined (its author deleted it).
:func:`read_csv`
    Flat CSV exports: ``twarc2 csv`` (twarc-csv), TAGS (the Twitter Archiving Google
    Sheet used for many hashtag archives around 2012), rtweet's ``write_as_csv`` and simple
    exports with ``id, created_at, screen_name/username, text, is_retweet,
    in_reply_to…``; columns are matched by ``aliases/twitter.csv``.

Output
------
One row per tweet in the canonical ``activity`` table (:mod:`kommunesm.schema`):
``actor_id`` (pseudonym), ``community``, ``action``, ``created_at`` (tz-aware,
Europe/Oslo), ``item_id`` (the tweet id), plus ``text`` (with @mentions pseudonymised),
``reply_to_id``, ``retweeted_id``, ``quoted_id`` (ids of the tweets referred to) and
``lang`` where the source has them.

Actions
-------
``retweet`` when the tweet is a native retweet (v2 ``referenced_tweets`` of type
``retweeted``; v1.1 ``retweeted_status``; CSV ``is_retweet`` or a retweeted id) or, with
``manual_rt=True`` (default), when its text starts with ``RT @`` (the "manual
retweets" common in 2012 archives); otherwise ``reply`` (``replied_to`` /
``in_reply_to_status_id``), otherwise ``quote`` (``quoted`` / ``quoted_status`` /
``is_quote``), otherwise ``post``. A reply that also quotes counts as a reply. The
thesis' #kommunedagene split (Handelshøyskolen BI 2012, s. 11) counts own
tweets as *skapere* and forwarded messages (retweets) as *kommentatorer*; see
:mod:`kommunesm.participation` for the mapping of actions to ladder levels.

Only the tweets in a file's ``data`` (or its lines) are activities of the community;
tweets in ``includes.tweets`` are the originals that were retweeted, quoted or replied
to, which need not carry the hashtag and are not counted (their number is in
``meta["included_tweets_not_counted"]``).

Community
---------
``community=None`` (default) takes, in order: the single hashtag of the twarc2 search
query (``__twarc.url``); else the hashtag found in at least half of the tweets (the
most frequent, lower case, e.g. ``#kommunedagene``); else the file's stem.
``meta["community_from"]`` says which.

Privacy
-------
Authors are pseudonymised here, at ingestion (:func:`kommunesm.io.privacy.pseudonymise`
of ``"twitter:" + user id``, or ``"twitter:@" + lower-case screen name`` where an export
has no user id, so the same person gets the same pseudonym in every file that has their
id). No user id, screen name or display name is kept: ``@mentions`` and
``twitter.com/<name>`` links in kept texts become ``@p_…`` pseudonyms
(:func:`kommunesm.io.privacy.scrub_mentions`), authors' display names in texts are
replaced by their pseudonyms (:func:`kommunesm.io.privacy.scrub_names`), and CSV
columns that describe a person (``author.*``, ``user_*``, ``*_username``, mentions,
locations, profile fields, coordinates …) are dropped and listed in
``meta["columns_dropped_personal"]``. A quarantine row shows the offending value of a
non-personal field (tweet id, timestamp, flag), never a line's text or its author.

Accounting
----------
Every tweet in a file is kept or quarantined with its line number (``source_row``; for
CSV the spreadsheet row number): ``n_in == len(data) + len(quarantine)``. A line that
is not valid JSON (a truncated last line, a corrupted line) counts as one input row and
is quarantined with its line number. Blank lines, streaming notices and response pages
without tweets are listed in ``skipped``.

Examples
--------
>>> from kommunesm.io import twitter
>>> result = twitter.read_twarc2("tests/fixtures/twitter_twarc2_search.jsonl")  # doctest: +SKIP
>>> result.data["action"].value_counts()  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd

from kommunesm import schema
from kommunesm.errors import InputError
from kommunesm.io import detect, privacy, tabular
from kommunesm.io._common import header_keys, shared_docs
from kommunesm.io.tabular import LoadResult, RawTable

__all__ = [
    "FORMAT_CSV",
    "FORMAT_V1",
    "FORMAT_V2",
    "V1_TIME_FORMAT",
    "read_csv",
    "read_twarc2",
    "read_v1",
    "sniff_twarc2",
    "sniff_v1",
]

#: Format names (``LoadResult.meta["format"]``); the CSV alias table is ``aliases/twitter.csv``.
FORMAT_V2 = "twitter_v2"
FORMAT_V1 = "twitter_v1"
FORMAT_CSV = "twitter"

#: ``created_at`` of v1.1 tweet objects (and of TAGS sheets): ``Wed Feb 15 09:12:01 +0000 2012``.
V1_TIME_FORMAT = "%a %b %d %H:%M:%S %z %Y"

#: Streaming-API messages that are not tweets (v1.1).
_NOTICES = (
    "delete",
    "limit",
    "scrub_geo",
    "status_withheld",
    "user_withheld",
    "disconnect",
    "warning",
    "friends",
    "event",
)

#: Name tokens of CSV columns that describe a person (dropped at ingestion).
_PERSONAL_TOKENS = frozenset(
    {
        "user",
        "author",
        "username",
        "screen",
        "name",
        "mention",
        "mentions",
        "location",
        "description",
        "profile",
        "geo",
        "coordinates",
        "coords",
        "bbox",
        "place",
        "url",
        "account",
        "followers",
        "friends",
        "statuses",
        "favourites",
        "listed",
        "protected",
        "verified",
    }
)
_PERSONAL_EXACT = frozenset({"entities_str", "from"})

_RECORD_COLUMNS = [
    "item_id",
    "created_at",
    "actor_id",
    "actor_name",
    "display_name",
    "text",
    "reply_to_id",
    "retweeted_id",
    "quoted_id",
    "is_quote",
    "lang",
]

_HANDLE_URL = re.compile(
    r"(?i)(?<![\w.])((?:mobile\.)?(?:twitter|x)\.com/)(?!(?:i|intent|search|hashtag)/)(\w{1,50})"
)


# --------------------------------------------------------------------------- readers
def read_twarc2(
    path: str | Path,
    *,
    community: str | None = None,
    manual_rt: bool = True,
    salt: str | None = None,
) -> LoadResult:
    """Read twarc2 JSON lines (v2 API response pages or flattened tweets) into ``activity``.

    Parameters
    ----------
    path : str or Path
        A ``.jsonl`` file written by ``twarc2 search`` / ``twarc2 timeline`` /
        ``twarc2 stream`` (one API response page per line) or ``twarc2 flatten`` (one
        tweet per line).
    community : str, optional
        The community's name; default: the hashtag of the search query, else the
        hashtag in at least half of the tweets, else the file's stem (see the module
        docstring).
    manual_rt : bool, default True
        Count tweets whose text starts with ``RT @`` as retweets.
    salt : str, optional
        Salt for pseudonyms (default :func:`kommunesm.io.privacy.get_salt`).

    Returns
    -------
    LoadResult
        ``data`` is the canonical ``activity`` table, one row per tweet in the file's
        ``data`` stanzas; ``quarantine`` has malformed lines and tweets with their line
        numbers.

    Examples
    --------
    >>> res = read_twarc2("tests/fixtures/twitter_twarc2_search.jsonl", salt="s")  # doctest: +SKIP
    >>> res.n_in == len(res.data) + len(res.quarantine)  # doctest: +SKIP
    True
    """
    return _read_json(path, FORMAT_V2, _v2_line, community, manual_rt, salt)


@shared_docs
def read_v1(
    path: str | Path,
    *,
    community: str | None = None,
    manual_rt: bool = True,
    salt: str | None = None,
) -> LoadResult:
    """Read v1.1 API tweet objects, one per line, into ``activity``.

    Parameters are those of :func:`read_twarc2`. Timestamps are read in the
    ``"Wed Feb 15 09:12:01 +0000 2012"`` form of the v1.1 API (ISO 8601 is accepted
    too). A tweet with a ``delete`` notice later (or earlier) in the file is quarantined:
    its author deleted it, and Twitter's terms asked archives to honour deletions.

    Parameters
    ----------
    path : str or Path
        The export file.
    community : str, optional
        Community name of every row (see :func:`read_twarc2`).
    manual_rt : bool, default True
        Count ``RT @`` texts as retweets (see :func:`read_twarc2`).
    salt : str, optional
        Key of the pseudonyms (default: :func:`kommunesm.io.privacy.get_salt`).

    {load_result}

    Examples
    --------
    >>> res = read_v1("tests/fixtures/twitter_v1.jsonl", community="#kommunedagene")  # doctest: +SKIP
    >>> sorted(res.data["action"].unique())  # doctest: +SKIP
    ['post', 'quote', 'reply', 'retweet']
    """
    return _read_json(path, FORMAT_V1, _v1_line, community, manual_rt, salt)


@shared_docs
def read_csv(
    path: str | Path,
    *,
    community: str | None = None,
    manual_rt: bool = True,
    salt: str | None = None,
    tz: str = "UTC",
) -> LoadResult:
    """Read a flat CSV/XLSX export of tweets into ``activity``.

    Columns are matched by ``kommunesm/io/aliases/twitter.csv`` (twarc-csv, TAGS,
    rtweet, simple exports). A tweet id, a timestamp and an author (user id or screen
    name) are required. Tweet ids that a spreadsheet turned into numbers in scientific
    notation (``1.6E+17``) cannot be recovered and are quarantined.

    Parameters
    ----------
    path : str or Path
        The export.
    community : str, optional
    manual_rt : bool, default True
    salt : str, optional
        As in :func:`read_twarc2`.
    tz : str, default 'UTC'
        Zone of timestamps written without an offset (Twitter exports are UTC).

    {load_result}

    Examples
    --------
    >>> res = read_csv("tests/fixtures/twitter_export.csv", community="#kommunedagene")  # doctest: +SKIP
    >>> "screen_name" in res.data.columns  # doctest: +SKIP
    False
    """
    raw = tabular.read_raw(path, header_names=header_keys(FORMAT_CSV, "activity"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT_CSV, "activity"))
    need = [("item_id",), ("created_at",), ("actor_id", "actor_name")]
    for options in need:
        if not any(c in mapping for c in options):
            accepted = tabular.aliases(FORMAT_CSV, "activity")
            names = accepted.loc[accepted["canonical"].isin(options), "alias"].tolist()
            raise InputError(
                f"no column for the tweet's {' or '.join(options)}",
                file=raw.path,
                row=raw.header_row,
                column=options[0],
                expected="one of the columns " + ", ".join(repr(n) for n in names),
                got=", ".join(list(raw.frame.columns)[:12])
                + ("…" if len(raw.frame.columns) > 12 else ""),
            )
    salt = privacy.get_salt() if salt is None else salt

    frame = raw.frame
    mapped = set(mapping.values())
    dropped = [c for c in frame.columns if c not in mapped and _is_personal_column(c)]
    frame = frame.drop(columns=dropped)
    frame = _scrub_columns(frame, [c for c in frame.columns if c not in mapped], salt)
    # v1.1 timestamps ("Wed Feb 15 09:12:01 +0000 2012") → ISO 8601 before the shared parser
    frame[mapping["created_at"]] = _v1_times_to_iso(frame[mapping["created_at"]])

    checks = pd.DataFrame({c: frame[s] for c, s in mapping.items()}, index=frame.index)
    problems = _record_problems(checks, raw.rows, id_column=mapping["item_id"])
    for flag in ("is_retweet", "is_quote"):
        if flag in mapping:
            _, bad = tabular.parse_bools(frame[mapping[flag]])
            problems.append(
                _problem_rows(
                    bad, mapping[flag], frame[mapping[flag]], "expected true/false, yes/no or 1/0"
                )
            )
    pre, bad_index = _collect(problems, raw.rows, raw.path)
    good = ~frame.index.isin(bad_index)
    raw_ok = dataclasses.replace(
        raw,
        frame=frame.loc[good].reset_index(drop=True),
        rows=raw.rows.loc[good].reset_index(drop=True),
    )
    info: dict[str, Any] = {"columns_dropped_personal": dropped}
    derive = _deriver(
        community=community,
        query_tag=None,
        stem=Path(path).stem,
        manual_rt=manual_rt,
        salt=salt,
        info=info,
    )
    result = tabular.build_table(
        raw_ok, "activity", mapping, fmt=FORMAT_CSV, tz=tz, derive=derive, meta=info
    )
    return _compose(result, pre, raw.n_in)


# --------------------------------------------------------------------------- JSON lines
def _read_lines(path: str | Path) -> tuple[str, Iterator[tuple[int, Any]], list[dict], list[dict]]:
    """Split a JSON-lines file into (line number, object); bad lines go to ``bad``."""
    path = Path(path)
    display = path.name
    if not path.exists():
        raise InputError("file not found", file=str(path), expected="an existing file")
    data = path.read_bytes()
    if not data.strip():
        raise InputError("the file is empty", file=display, expected="one JSON object per line")
    encoding = tabular.sniff_encoding(data)
    if encoding.startswith("utf-16"):
        blines = [ln.encode("utf-8") for ln in data.decode(encoding).split("\n")]
        encoding = "utf-8"
    else:
        blines = data.split(b"\n")
        if blines[0].startswith(b"\xef\xbb\xbf"):
            blines[0] = blines[0][3:]
        encoding = "utf-8"
    if blines and not blines[-1].strip():
        blines.pop()
    bad: list[dict] = []
    skipped: list[dict] = []

    def objects() -> Iterator[tuple[int, Any]]:
        for number, bline in enumerate(blines, start=1):
            stripped = bline.strip()
            if not stripped:
                skipped.append({"source_row": number, "reason": "blank line"})
                continue
            try:
                line = stripped.decode(encoding)
            except UnicodeDecodeError as exc:
                bad.append(_bad(display, number, f"not valid UTF-8 text ({exc.reason})"))
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                bad.append(
                    _bad(display, number, f"not valid JSON ({exc}): a truncated or corrupted line")
                )
                continue
            if not isinstance(obj, dict):
                bad.append(
                    _bad(display, number, f"expected a JSON object, got a {type(obj).__name__}")
                )
                continue
            yield number, obj

    return display, objects(), bad, skipped


def _bad(source: str, row: int, reason: str, column: str = "(line)", value: str = "") -> dict:
    return {
        "source_file": source,
        "source_row": row,
        "column": column,
        "value": value,
        "reason": reason,
    }


def _s(value: Any) -> str | None:
    """A JSON scalar as text (None stays None; containers are not scalars)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _v2_record(tweet: dict, users: dict[str, dict]) -> dict[str, str | None]:
    author = tweet.get("author")
    if not isinstance(author, dict) or not author:
        author = users.get(_s(tweet.get("author_id")) or "", {})
    refs = tweet.get("referenced_tweets")
    types: dict[str, str | None] = {}
    if isinstance(refs, list):
        for ref in refs:
            if isinstance(ref, dict) and ref.get("type"):
                types.setdefault(str(ref["type"]), _s(ref.get("id")))
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, dict) and note.get("text") else tweet.get("text")
    return {
        "item_id": _s(tweet.get("id")),
        "created_at": _s(tweet.get("created_at")),
        "actor_id": _s(tweet.get("author_id")) or _s(author.get("id")),
        "actor_name": _s(author.get("username")),
        "display_name": _s(author.get("name")),
        "text": _s(text),
        "reply_to_id": types.get("replied_to") if "replied_to" in types else None,
        "retweeted_id": types.get("retweeted") if "retweeted" in types else None,
        "quoted_id": types.get("quoted") if "quoted" in types else None,
        "is_quote": "true" if "quoted" in types else None,
        "lang": _s(tweet.get("lang")),
        "_retweet": "true" if "retweeted" in types else None,
        "_reply": "true" if "replied_to" in types else None,
    }


def _v2_line(number: int, obj: dict, state: dict) -> None:
    """Turn one twarc2 line into tweet records (or a skipped/bad note)."""
    display = state["source"]
    meta = obj.get("__twarc")
    if isinstance(meta, dict) and meta.get("url"):
        state["queries"].add(_query_hashtag(str(meta["url"])))
    if "data" in obj:
        data = obj["data"]
        includes = obj.get("includes") if isinstance(obj.get("includes"), dict) else {}
        users = {
            _s(u.get("id")) or "": u for u in includes.get("users", []) or [] if isinstance(u, dict)
        }
        state["included"] += len(includes.get("tweets", []) or [])
        tweets = data if isinstance(data, list) else [data] if isinstance(data, dict) else None
        if tweets is None:
            state["bad"].append(
                _bad(display, number, "expected 'data' to be a list of tweet objects", "data")
            )
            return
        if not tweets:
            state["skipped"].append(
                {"source_row": number, "reason": "response page without tweets"}
            )
            return
        for tweet in tweets:
            if not isinstance(tweet, dict):
                state["bad"].append(
                    _bad(display, number, "expected a tweet object in 'data'", "data")
                )
                continue
            state["records"].append(_v2_record(tweet, users))
            state["rows"].append(number)
        return
    if "user" in obj and "author_id" not in obj and "author" not in obj:
        state["bad"].append(
            _bad(
                display,
                number,
                "this line is a v1.1 tweet ('user' object); read v1.1 archives with "
                "kommunesm.io.twitter.read_v1",
                value=_s(obj.get("id_str")) or "",
            )
        )
        return
    if "id" in obj and ("author_id" in obj or "author" in obj or "text" in obj):
        state["records"].append(_v2_record(obj, {}))
        state["rows"].append(number)
        return
    if set(obj) <= {"errors", "meta", "__twarc", "title", "detail", "type", "status"}:
        state["skipped"].append(
            {"source_row": number, "reason": "API message without tweets (errors/meta only)"}
        )
        return
    state["bad"].append(
        _bad(
            display,
            number,
            "expected a twarc2 API response page ('data', 'includes') or a flattened tweet "
            "('id', 'author_id', 'text')",
        )
    )


def _v1_record(tweet: dict) -> dict[str, str | None]:
    user = tweet.get("user") if isinstance(tweet.get("user"), dict) else {}
    rs = tweet.get("retweeted_status")
    qs = tweet.get("quoted_status")
    ext = tweet.get("extended_tweet")
    text = (
        ext.get("full_text")
        if isinstance(ext, dict) and ext.get("full_text")
        else tweet.get("full_text") or tweet.get("text")
    )
    quoted_id = _s(tweet.get("quoted_status_id_str")) or (
        _s(qs.get("id_str")) if isinstance(qs, dict) else None
    )
    is_quote = bool(tweet.get("is_quote_status")) or quoted_id is not None or isinstance(qs, dict)
    reply = _s(tweet.get("in_reply_to_status_id_str")) or _s(tweet.get("in_reply_to_status_id"))
    return {
        "item_id": _s(tweet.get("id_str")) or _s(tweet.get("id")),
        "created_at": _s(tweet.get("created_at")),
        "actor_id": _s(user.get("id_str")) or _s(user.get("id")),
        "actor_name": _s(user.get("screen_name")),
        "display_name": _s(user.get("name")),
        "text": _s(text),
        "reply_to_id": reply,
        "retweeted_id": (_s(rs.get("id_str")) or _s(rs.get("id")))
        if isinstance(rs, dict)
        else None,
        "quoted_id": quoted_id,
        "is_quote": "true" if is_quote else None,
        "lang": _s(tweet.get("lang")),
        "_retweet": "true" if isinstance(rs, dict) else None,
        "_reply": "true" if reply else None,
    }


def _v1_line(number: int, obj: dict, state: dict) -> None:
    display = state["source"]
    notice = next((k for k in _NOTICES if k in obj and "text" not in obj), None)
    if notice is not None:
        state["skipped"].append({"source_row": number, "reason": f"streaming notice ({notice})"})
        if notice == "delete":
            status = obj["delete"].get("status", {}) if isinstance(obj["delete"], dict) else {}
            deleted = _s(status.get("id_str")) or _s(status.get("id"))
            if deleted:
                state["deleted"].setdefault(deleted, number)
        return
    if "data" in obj or "author_id" in obj:
        state["bad"].append(
            _bad(
                display,
                number,
                "this line is v2 API data ('data' or 'author_id'); read twarc2 files with "
                "kommunesm.io.twitter.read_twarc2",
            )
        )
        return
    if not any(k in obj for k in ("id_str", "id", "text", "full_text", "user")):
        state["bad"].append(
            _bad(
                display,
                number,
                "expected a v1.1 tweet object ('id_str', 'created_at', 'user', 'text')",
            )
        )
        return
    state["records"].append(_v1_record(obj))
    state["rows"].append(number)


def _read_json(
    path: str | Path,
    fmt: str,
    handle: Callable[[int, dict, dict], None],
    community: str | None,
    manual_rt: bool,
    salt: str | None,
) -> LoadResult:
    display, objects, bad_lines, skipped = _read_lines(path)
    state: dict[str, Any] = {
        "source": display,
        "records": [],
        "rows": [],
        "bad": bad_lines,
        "skipped": skipped,
        "queries": set(),
        "included": 0,
        "deleted": {},
    }
    for number, obj in objects:
        handle(number, obj, state)
    salt = privacy.get_salt() if salt is None else salt

    columns = _RECORD_COLUMNS + ["_retweet", "_reply"]
    records = pd.DataFrame(state["records"], columns=columns, dtype="str")
    rows = pd.Series(state["rows"], index=records.index, dtype="int64")
    records["created_at"] = _v1_times_to_iso(records["created_at"])

    problems = _record_problems(
        records, rows, id_column="id", author_column="author_id", unit="line"
    )
    if state["deleted"]:
        deleted = pd.Series(state["deleted"])
        hit = records["item_id"].isin(deleted.index)
        where = records["item_id"].map(deleted)
        problems.append(
            pd.DataFrame(
                {
                    "column": "id",
                    "value": records.loc[hit, "item_id"],
                    "reason": "deleted by its author (delete notice on line "
                    + where[hit].astype("int64").astype("str")
                    + "); not kept",
                },
                index=records.index[hit],
            )
        )
    pre, bad_index = _collect(problems, rows, display)
    parts = [p for p in (schema.quarantine_frame(state["bad"]), pre) if len(p)]
    pre = pd.concat(parts, ignore_index=True) if parts else schema.quarantine_frame()
    good = ~records.index.isin(bad_index)
    frame = records.loc[good].reset_index(drop=True)
    raw = RawTable(
        frame=frame,
        rows=rows.loc[good].reset_index(drop=True),
        path=display,
        encoding="utf-8",
        delimiter=None,
        header_row=0,
        skipped=tabular.skipped_frame(sorted(state["skipped"], key=lambda r: r["source_row"])),
    )
    queries = {q for q in state["queries"] if q}
    info: dict[str, Any] = {
        "included_tweets_not_counted": int(state["included"]),
        "lines_malformed": len(state["bad"]),
        "deletion_notices": len(state["deleted"]),
    }
    derive = _deriver(
        community=community,
        query_tag=next(iter(queries)) if len(queries) == 1 else None,
        stem=Path(path).stem,
        manual_rt=manual_rt,
        salt=salt,
        info=info,
    )
    mapping = {c: c for c in frame.columns}
    result = tabular.build_table(raw, "activity", mapping, fmt=fmt, derive=derive, meta=info)
    return _compose(result, pre, len(records) + len(state["bad"]))


# --------------------------------------------------------------------------- shared steps
def _problem_rows(
    bad: pd.Series, column: str, values: pd.Series, reason: str | pd.Series
) -> pd.DataFrame:
    idx = bad[bad.fillna(False).astype(bool)].index
    rs = reason[idx] if isinstance(reason, pd.Series) else pd.Series(reason, index=idx)
    return pd.DataFrame(
        {"column": column, "value": values.loc[idx].astype("str").fillna(""), "reason": rs},
        index=idx,
    )


def _record_problems(
    records: pd.DataFrame,
    rows: pd.Series,
    *,
    id_column: str,
    author_column: str | None = None,
    unit: str = "row",
) -> list[pd.DataFrame]:
    """Tweets without an id, with a non-numeric id, without an author, or repeated."""
    problems: list[pd.DataFrame] = []
    ids, id_missing = tabular._text(records["item_id"])
    problems.append(_problem_rows(id_missing, id_column, records["item_id"], "tweet without an id"))
    sci = ids.str.contains(r"^\d(?:[.,]\d+)?[eE][+-]?\d+$", regex=True, na=False)
    problems.append(
        _problem_rows(
            sci & ~id_missing,
            id_column,
            ids,
            "tweet id in scientific notation (a spreadsheet rounded it; the id is lost): "
            "export ids as text",
        )
    )
    numeric = ids.str.fullmatch(r"\d{1,20}", na=False)
    problems.append(
        _problem_rows(~numeric & ~sci & ~id_missing, id_column, ids, "expected a numeric tweet id")
    )
    author = pd.Series(False, index=records.index)
    for col in ("actor_id", "actor_name"):
        if col in records.columns:
            author |= ~tabular._text(records[col])[1]
    problems.append(
        _problem_rows(
            ~author,
            author_column or "author",
            pd.Series("", index=records.index),
            "tweet without an author (no user id or screen name)",
        )
    )
    valid = numeric & author
    dup = ids.where(valid).duplicated(keep="first") & valid
    if dup.any():
        first = rows.groupby(ids.where(valid)).transform("first")
        problems.append(
            _problem_rows(
                dup,
                id_column,
                ids,
                f"duplicate tweet id (first seen on {unit} "
                + first.astype("Int64").astype("str")
                + ")",
            )
        )
    return problems


def _collect(
    problems: list[pd.DataFrame], rows: pd.Series, source: str
) -> tuple[pd.DataFrame, pd.Index]:
    """Merge per-check problems into one quarantine row per input row."""
    problems = [p for p in problems if len(p)]
    if not problems:
        return schema.quarantine_frame(), pd.Index([])
    allp = pd.concat(problems)
    grouped = allp.groupby(level=0, sort=True).agg(
        {"column": "; ".join, "value": "; ".join, "reason": "; ".join}
    )
    frame = schema.quarantine_frame(
        {
            "source_file": source,
            "source_row": int(rows.at[i]),
            "column": r.column,
            "value": r.value,
            "reason": r.reason,
        }
        for i, r in zip(grouped.index, grouped.itertuples(index=False), strict=True)
    )
    return frame, grouped.index


def _compose(result: LoadResult, pre: pd.DataFrame, n_in: int) -> LoadResult:
    """Add the rows quarantined before :func:`tabular.build_table` to its result."""
    parts = [q for q in (pre, result.quarantine) if len(q)]
    quarantine = pd.concat(parts, ignore_index=True) if parts else schema.quarantine_frame()
    quarantine = quarantine.sort_values("source_row", kind="stable").reset_index(drop=True)
    data = result.data
    if "_manual_rt" in data.columns:
        result.meta["manual_retweets"] = int(data["_manual_rt"].astype(bool).sum())
        data = data.drop(columns="_manual_rt")
    counts = data["action"].value_counts()
    result.meta["actions"] = {str(k): int(v) for k, v in counts.items()}
    return LoadResult(
        data=data,
        quarantine=quarantine,
        source=result.source,
        table="activity",
        n_in=n_in,
        skipped=result.skipped,
        meta=result.meta,
    )


def _v1_times_to_iso(values: pd.Series) -> pd.Series:
    """Rewrite ``Wed Feb 15 09:12:01 +0000 2012`` as ISO 8601; other values unchanged."""
    s = values.astype("str")
    looks = s.str.match(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}$")
    looks = looks.fillna(False).astype(bool)
    if not looks.any():
        return s
    parsed = pd.to_datetime(s[looks], format=V1_TIME_FORMAT, errors="coerce", utc=True)
    iso = parsed.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    out = s.copy()
    ok = iso.notna()
    out.loc[iso.index[ok]] = iso[ok]
    return out


def _query_hashtag(url: str) -> str | None:
    """The single hashtag of a twarc2 search query (``query=(#kommunedagene)``), if any."""
    try:
        query = parse_qs(urlparse(url).query).get("query", [""])[0]
    except ValueError:
        return None
    tags = {t.casefold() for t in re.findall(r"#\w+", query)}
    return tags.pop() if len(tags) == 1 else None


def _majority_hashtag(text: pd.Series, min_share: float = 0.5) -> str | None:
    """The hashtag found in at least ``min_share`` of the texts (most frequent first)."""
    s = text.dropna()
    if s.empty:
        return None
    tags = s.str.casefold().str.extractall(r"(#\w+)")
    if tags.empty:
        return None
    per_text = tags.reset_index().drop_duplicates(["level_0", 0])
    counts = per_text[0].value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    if counts.iloc[0] >= min_share * len(s):
        return str(counts.index[0])
    return None


def _is_personal_column(name: str) -> bool:
    key = tabular.normalise_header(name)
    if key in _PERSONAL_EXACT:
        return True
    tokens = [t for t in re.split(r"[._\s]+", key) if t]
    return any(t in _PERSONAL_TOKENS for t in tokens)


def _scrub_handles(text: pd.Series, salt: str) -> pd.Series:
    """Pseudonymise ``@handles`` and ``twitter.com/<handle>`` links in texts."""
    out = privacy.scrub_mentions(text, salt=salt)
    handles = out.str.extractall(_HANDLE_URL)
    if handles.empty:
        return out
    uniq = pd.Series(np.unique(handles[1].str.casefold().to_numpy()))
    mapping = dict(zip(uniq, privacy.pseudonymise(uniq, salt=salt), strict=True))
    return out.str.replace(
        _HANDLE_URL, lambda m: m.group(1) + mapping[m.group(2).casefold()], regex=True
    )


def _scrub_columns(frame: pd.DataFrame, columns: list[str], salt: str) -> pd.DataFrame:
    """Scrub handles in every text column that contains any."""
    out = frame.copy()
    for col in columns:
        s = out[col].astype("str")
        if s.str.contains(r"@\w|(?:twitter|x)\.com/\w", regex=True, na=False).any():
            out[col] = _scrub_handles(s, salt)
    return out


def _flag(out: pd.DataFrame, column: str) -> pd.Series:
    """True where a helper column holds a value (an id, or a true flag)."""
    if column not in out.columns:
        return pd.Series(False, index=out.index)
    values = out[column]
    if column in ("is_retweet", "is_quote"):
        parsed, _ = tabular.parse_bools(values)
        return parsed.fillna(False).astype(bool)
    return ~tabular._text(values)[1]


def _deriver(
    *,
    community: str | None,
    query_tag: str | None,
    stem: str,
    manual_rt: bool,
    salt: str,
    info: dict[str, Any],
) -> Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]:
    """The ``derive`` step shared by all readers: action, community, pseudonyms, scrubbing."""

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        index = out.index
        text = (
            out["text"].astype("str")
            if "text" in out.columns
            else pd.Series(np.nan, index=index, dtype="str")
        )
        kind = (
            out["tweet_type"].astype("str").str.strip().str.casefold()
            if "tweet_type" in out.columns
            else pd.Series(np.nan, index=index, dtype="str")
        )
        native_rt = _flag(out, "_retweet") | _flag(out, "retweeted_id") | _flag(out, "is_retweet")
        native_rt |= kind.eq("retweeted").fillna(False).astype(bool)
        manual = pd.Series(False, index=index)
        if manual_rt:
            manual = text.str.match(r"^\s*RT\s?@\w", na=False).astype(bool) & ~native_rt
        reply = _flag(out, "_reply") | _flag(out, "reply_to_id")
        reply |= kind.eq("replied_to").fillna(False).astype(bool)
        quote = _flag(out, "is_quote") | _flag(out, "quoted_id")
        quote |= kind.eq("quoted").fillna(False).astype(bool)
        out["action"] = np.select(
            [native_rt | manual, reply, quote], ["retweet", "reply", "quote"], "post"
        )

        if community is not None:
            name, source = community, "parameter"
        elif query_tag:
            name, source = query_tag, "twarc2 search query"
        else:
            tag = _majority_hashtag(text)
            name, source = (tag, "hashtag in most tweets") if tag else (stem, "file name")
        out["community"] = name

        ids = out["actor_id"].astype("str") if "actor_id" in out.columns else None
        names = out["actor_name"].astype("str") if "actor_name" in out.columns else None
        key = pd.Series(np.nan, index=index, dtype="str")
        if names is not None:
            key = ("twitter:@" + names.str.strip().str.lstrip("@").str.casefold()).where(
                ~tabular._text(names)[1]
            )
        if ids is not None:
            key = ("twitter:" + ids.str.strip()).where(~tabular._text(ids)[1], key)
        pseudonyms = privacy.pseudonymise(key, salt=salt)
        out["actor_id"] = pseudonyms
        if "text" in out.columns:
            scrubbed = _scrub_handles(text, salt)
            if "display_name" in out.columns:
                # full names only ("Kari Nordmann"): one-word display names are mostly
                # handles or organisations, and replacing them would mangle hashtags
                full = out["display_name"].astype("str").str.strip()
                full = full.where(full.str.contains(r"\s", regex=True, na=False))
                scrubbed = privacy.scrub_names(scrubbed, full, pseudonyms)
            out["text"] = scrubbed
        helpers = ["actor_name", "display_name", "is_retweet", "is_quote", "tweet_type"]
        out = out.drop(columns=[c for c in helpers + ["_retweet", "_reply"] if c in out.columns])
        out["_manual_rt"] = manual
        info.update({"community": name, "community_from": source, "scrubbed": True})
        return out

    return derive


# --------------------------------------------------------------------------- detection
def _heads(path: Path) -> list[dict]:
    return [o for o in detect._json_lines_head(path, 8) if isinstance(o, dict)]


@shared_docs
def sniff_twarc2(path: Path) -> bool:
    """True if the first objects of ``path`` are v2 API pages or flattened v2 tweets.

    {sniff}
    """
    for obj in _heads(path):
        if "data" in obj and ("includes" in obj or "meta" in obj or "__twarc" in obj):
            return True
        if "id" in obj and "author_id" in obj and "user" not in obj:
            return True
    return False


@shared_docs
def sniff_v1(path: Path) -> bool:
    """True if the first objects of ``path`` are v1.1 tweet objects.

    {sniff}
    """
    for obj in _heads(path):
        if isinstance(obj.get("user"), dict) and ("id_str" in obj or "id" in obj):
            return True
    return False

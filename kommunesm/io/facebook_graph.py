"""Facebook comments and posts exported from the Graph API (Facepager, netvizz and similar).

Each row is a comment or a reply (``parent_id`` set). The author's name and id are
**pseudonymised here, at ingestion** (:mod:`kommunesm.io.privacy`): the output has
``author_id`` = salted hash and no name column, and names of authors that appear in
message texts are replaced by their pseudonyms too.

``is_page_reply`` is True when the author is the page itself: the author id equals the
page id, or the author name is one of ``page_names``. Naive timestamps are read as UTC
(the Graph API's ``created_time`` carries ``+0000``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kommunesm.errors import InputError
from kommunesm.io import privacy, tabular
from kommunesm.io._common import header_keys, shared_docs

__all__ = ["FORMAT", "read_comments", "read_posts"]

FORMAT = "facebook_graph"


@shared_docs
def read_comments(
    path: str | Path,
    *,
    page_id: str | None = None,
    page_names: Iterable[str] = (),
    salt: str | None = None,
    tz: str = "UTC",
) -> tabular.LoadResult:
    """Read a Graph API comments export into the canonical ``comments`` table.

    Parameters
    ----------
    path : str or Path
        CSV/XLSX with one row per comment.
    page_id : str, optional
        The page's id, when the file has no ``page_id`` column; otherwise taken from the
        ``<page>_<post>`` form of ``post_id``.
    page_names : iterable of str, default ()
        Display names the page comments under (to recognise its replies).
    salt : str, optional
        Salt for pseudonyms (default: :func:`kommunesm.io.privacy.get_salt`).
    tz : str, default 'UTC'
        Zone of naive timestamps.

    {load_result}
    """
    raw = tabular.read_raw(path, header_names=header_keys(FORMAT, "comments"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "comments"))
    if "author_id" not in mapping and "author_name" not in mapping:
        raise InputError(
            "no author column: kommunesm needs one to count participants",
            file=raw.path,
            row=raw.header_row,
            column="from.id",
            expected="a column such as 'from.id', 'from.name', 'comment_by' or 'Author'",
        )
    salt = privacy.get_salt() if salt is None else salt
    names = {n.casefold() for n in page_names}
    info: dict = {}

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        if "page_id" not in out.columns:
            from_post = out["post_id"].astype("str").str.extract(r"^(\d+)_\d+$")[0]
            out["page_id"] = from_post.fillna(page_id) if page_id else from_post
        raw_id = out["author_id"].astype("str") if "author_id" in out.columns else None
        raw_name = out["author_name"].astype("str") if "author_name" in out.columns else None
        if "is_page_reply" not in out.columns:
            is_page = pd.Series(False, index=out.index)
            if raw_id is not None:
                is_page |= (raw_id == out["page_id"].astype("str")).fillna(False)
            if raw_name is not None and names:
                is_page |= raw_name.str.casefold().isin(names).fillna(False)
            out["is_page_reply"] = is_page.astype("boolean")
        ident = raw_id if raw_id is not None else raw_name
        if raw_id is not None and raw_name is not None:
            ident = raw_id.fillna(raw_name)
        pseud = privacy.pseudonymise(ident, salt=salt)
        page_author = out["is_page_reply"].fillna(False).astype(bool)
        out["author_id"] = pseud.mask(page_author, "page:" + out["page_id"].astype("str"))
        # citizens' names and ids are scrubbed from every text of the ingest
        # (tabular.build_table, then across files); the page's own are not citizens
        for raw in (raw_name, raw_id):
            if raw is not None:
                tabular.remember_persons(info, raw[~page_author], pseud[~page_author])
        if raw_name is not None:
            out = out.drop(columns="author_name")
        return out

    return tabular.build_table(
        raw,
        "comments",
        mapping,
        fmt=FORMAT,
        tz=tz,
        derive=derive,
        required_sources=("comment_id", "post_id", "created_at"),
        meta=info,
    )


def _json_raw(path: Path) -> tabular.RawTable:
    """A Graph API JSON response (``{"data": [...]}``, a list of posts, or JSON lines of
    either) as a :class:`~kommunesm.io.tabular.RawTable` with dotted column names."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        docs = [json.loads(text)]
    except json.JSONDecodeError:
        try:
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise InputError(
                f"not valid JSON ({exc.msg})",
                file=path.name,
                row=exc.lineno,
                expected="a Graph API response {'data': [...]} or a JSON list of posts",
            ) from None
    records: list[dict] = []
    for doc in docs:
        items = doc.get("data", []) if isinstance(doc, dict) and "data" in doc else doc
        items = items if isinstance(items, list) else [items]
        records.extend(item for item in items if isinstance(item, dict))
    frame = pd.json_normalize(records, sep=".", max_level=3) if records else pd.DataFrame()
    frame = frame.astype(object).where(frame.notna(), None)
    frame = frame.apply(lambda col: col.map(lambda v: None if v is None else str(v)))
    frame = frame.astype("str")
    return tabular.RawTable(
        frame=frame.reset_index(drop=True),
        rows=pd.Series(range(1, len(frame) + 1), dtype="int64"),
        path=path.name,
        encoding="utf-8",
        delimiter=None,
        header_row=0,
        skipped=tabular.skipped_frame(),
    )


def read_posts(
    path: str | Path,
    *,
    page_id: str | None = None,
    page_names: Iterable[str] = (),
    author_kind: str | None = None,
    salt: str | None = None,
    tz: str = "UTC",
) -> tabular.LoadResult:
    """Read a page's feed or visitor posts into the canonical ``posts`` table.

    Reads Graph API JSON (``/{page-id}/feed`` — the page's posts and visitors' posts on
    its wall — or ``/{page-id}/visitor_posts``), Facepager CSV exports of the same
    (dotted column names such as ``from.id``, ``shares.count``) and netvizz page-data
    files (``by``, ``post_id``, ``post_message``, ``post_published``, ``likes_count_fb``
    …). Field names: :file:`kommunesm/io/aliases/facebook_graph.csv`.

    Parameters
    ----------
    path : str or Path
        ``.json`` (a Graph API response, a list of posts, or JSON lines) or CSV/XLSX.
    page_id : str, optional
        The page's id when the file has no ``page_id`` column and post ids are not of
        the ``<page-id>_<post-id>`` form.
    page_names : iterable of str, default ()
        Display names the page posts under (to recognise its own posts by ``from.name``).
    author_kind : str, optional
        ``"visitor"`` for a ``visitor_posts`` export (every row is a citizen's post),
        ``"page"`` for a ``posts`` export; default: per row, ``page`` when the author is
        the page (``from.id`` = page id, ``from.name`` in ``page_names``, or netvizz's
        ``by`` = ``post_page_…``), else ``visitor``.
    salt : str, optional
        Salt for pseudonyms (default: :func:`kommunesm.io.privacy.get_salt`).
    tz : str, default 'UTC'
        Zone of naive timestamps.

    Returns
    -------
    LoadResult
        Canonical posts with ``author_kind`` (page / visitor) and, for visitor posts,
        ``author_id`` = keyed pseudonym of the author (the page's own posts have none).
        Authors' names never reach the output; names of visitor-post authors in message
        texts are replaced by their pseudonyms.
    """
    path = Path(path)
    if author_kind not in (None, "page", "visitor"):
        raise ValueError(f"author_kind must be 'page', 'visitor' or None; got {author_kind!r}")
    if path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        raw = _json_raw(path)
    else:
        raw = tabular.read_raw(path, header_names=header_keys(FORMAT, "posts"))
    mapping = tabular.resolve_columns(raw.frame.columns, tabular.aliases(FORMAT, "posts"))
    salt = privacy.get_salt() if salt is None else salt
    names = {n.casefold() for n in page_names}
    info: dict = {}

    def derive(out: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        if "page_id" not in out.columns or out["page_id"].isna().all():
            from_post = out["post_id"].astype("str").str.extract(r"^(\d+)_\d+$")[0]
            out["page_id"] = from_post.fillna(page_id) if page_id else from_post
        raw_id = out["author_id"].astype("str") if "author_id" in out.columns else None
        raw_name = out["author_name"].astype("str") if "author_name" in out.columns else None
        by = out["author_by"].astype("str") if "author_by" in out.columns else None
        if author_kind is not None:
            is_page = pd.Series(author_kind == "page", index=out.index)
        elif "author_kind" in out.columns and out["author_kind"].notna().all():
            is_page = out["author_kind"].astype("str").str.casefold().eq("page")
        else:
            is_page = pd.Series(False, index=out.index)
            if by is not None:
                is_page |= by.str.casefold().str.startswith("post_page").fillna(False)
            if raw_id is not None:
                is_page |= (raw_id == out["page_id"].astype("str")).fillna(False)
            if raw_name is not None and names:
                is_page |= raw_name.str.casefold().isin(names).fillna(False)
        is_page = is_page.astype(bool)
        out["author_kind"] = pd.Series(
            pd.array(["page" if p else "visitor" for p in is_page], dtype="str"), index=out.index
        )
        ident = raw_id
        from_by = None
        if by is not None:
            from_by = by.str.replace(r"^post_(?:user|page)_", "", regex=True)
            ident = from_by if ident is None else ident.fillna(from_by)
        if raw_name is not None:
            ident = raw_name if ident is None else ident.fillna(raw_name)
        if ident is not None:
            pseud = privacy.pseudonymise(ident, salt=salt)
            out["author_id"] = pseud.mask(is_page)
            # visitors' names, ids and handles are scrubbed from every text of the
            # ingest (tabular.build_table, then across files); the page is no citizen
            for raw in (raw_name, raw_id, from_by):
                if raw is not None:
                    tabular.remember_persons(info, raw[~is_page], pseud[~is_page])
        elif "author_id" in out.columns:
            out["author_id"] = pd.NA
        return out.drop(columns=[c for c in ("author_name", "author_by") if c in out.columns])

    return tabular.build_table(
        raw,
        "posts",
        mapping,
        fmt=FORMAT,
        tz=tz,
        derive=derive,
        required_sources=("post_id", "created_at"),
        meta=info,
    )

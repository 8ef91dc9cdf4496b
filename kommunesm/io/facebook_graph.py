"""Facebook comments exported from the Graph API (Facepager, netvizz and similar tools).

Each row is a comment or a reply (``parent_id`` set). The author's name and id are
**pseudonymised here, at ingestion** (:mod:`kommunesm.io.privacy`): the output has
``author_id`` = salted hash and no name column, and names of authors that appear in
message texts are replaced by their pseudonyms too.

``is_page_reply`` is True when the author is the page itself: the author id equals the
page id, or the author name is one of ``page_names``. Naive timestamps are read as UTC
(the Graph API's ``created_time`` carries ``+0000``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kommunesm.errors import InputError
from kommunesm.io import privacy, tabular
from kommunesm.io._common import header_keys

__all__ = ["FORMAT", "read_comments"]

FORMAT = "facebook_graph"


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
    path
        CSV/XLSX with one row per comment.
    page_id
        The page's id, when the file has no ``page_id`` column; otherwise taken from the
        ``<page>_<post>`` form of ``post_id``.
    page_names
        Display names the page comments under (to recognise its replies).
    salt
        Salt for pseudonyms (default: :func:`kommunesm.io.privacy.get_salt`).
    tz
        Zone of naive timestamps.
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
        if raw_name is not None:
            if "message" in out.columns:
                out["message"] = privacy.scrub_names(
                    out["message"], raw_name[~page_author], pseud[~page_author]
                )
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
    )

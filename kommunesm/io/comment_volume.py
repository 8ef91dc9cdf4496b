"""Page snapshots from the Facebook Comment Volume Dataset (real public pages).

Singh, K. (2015). *Facebook Comment Volume Dataset*. UCI Machine Learning Repository,
licence CC BY 4.0; described in Singh, K. (2015), "Facebook comment volume prediction",
*International Journal of Simulation: Systems, Science & Technology* 16(5),
doi:10.5013/IJSSST.a.16.05.16. The test set shipped in
``kommunesm/data/external/facebook_comment_volume_testset.csv`` has 10,044 rows, one per
*post*, with the page-level features repeated on every post of the page:
"Page Popularity Likes" (the page's likes = followers), "Page Checkins", "Page Talking
About" (Facebook's "people talking about this") and "Page Category" (a numeric code).
The pages are not named and carry no id.

:func:`read` returns one row per **distinct page snapshot**: rows are deduplicated on
the four page-level columns together (likes, checkins, talking about, category). The
file holds **979** such snapshots (the 979 distinct like counts are also 979, so no two
snapshots share a like count). Without a page id we cannot tell whether two snapshots
are the same page crawled at different times; Singh's crawl took each page once per
test-set sample, so we treat each snapshot as one page. These real (likes, talking
about) pairs let the thesis' quality-indicator claim (Handelshøyskolen BI
2012, s. 12) be tested on real pages, not Norwegian municipalities.

Examples
--------
>>> from kommunesm.io import comment_volume
>>> snaps = comment_volume.read()
>>> len(snaps), list(snaps.columns)
(979, ['snapshot_id', 'page_likes', 'talking_about', 'checkins', 'category', 'n_posts'])
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kommunesm._resources import data_path
from kommunesm.errors import InputError

__all__ = ["CITATION", "COLUMNS", "DEFAULT_PATH", "LICENSE", "read"]

#: Where the embedded copy of the test set is.
DEFAULT_PATH = data_path("external", "facebook_comment_volume_testset.csv")
CITATION = (
    "Singh, K. (2015). Facebook Comment Volume Dataset. UCI Machine Learning Repository "
    "(CC BY 4.0); Singh, K. (2015), Facebook comment volume prediction, IJSSST 16(5), "
    "doi:10.5013/IJSSST.a.16.05.16"
)
LICENSE = "CC BY 4.0"

#: source column → our column
COLUMNS = {
    "Page Popularity Likes": "page_likes",
    "Page Talking About": "talking_about",
    "Page Checkins": "checkins",
    "Page Category": "category",
}


def read(path: str | Path | None = None) -> pd.DataFrame:
    """Read the comment-volume file as one row per distinct page snapshot.

    Parameters
    ----------
    path : str or Path, optional
        The CSV (default: :data:`DEFAULT_PATH`). Any of Singh's train/test CSVs with a
        header row works.

    Returns
    -------
    DataFrame
        Columns snapshot_id (``s0001``… in order of first appearance), page_likes,
        talking_about, checkins, category (Int64), n_posts (post rows of the snapshot in
        the file; they sum to the file's rows). The source and licence are
        :data:`CITATION` and :data:`LICENSE`.

    Raises
    ------
    InputError
        A page-level column is missing, or a value is not a whole number >= 0 (the
        message names the file, the row and the column).
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    if not path.is_file():
        raise InputError("file not found", file=str(path), expected="Singh's comment-volume CSV")
    raw = pd.read_csv(path, usecols=lambda c: c in COLUMNS, dtype="str")
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(
            "page-level column missing",
            file=path.name,
            row=1,
            column=missing[0],
            expected=f"the columns {', '.join(COLUMNS)}",
        )
    out = pd.DataFrame(index=raw.index)
    for src, dst in COLUMNS.items():
        num = pd.to_numeric(raw[src].str.strip(), errors="coerce")
        bad = num.isna() | (num < 0) | (num != num.round())
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                "not a whole number >= 0",
                file=path.name,
                row=i + 2,
                column=src,
                expected="a whole number >= 0",
                got=raw[src].iloc[i],
            )
        out[dst] = num.astype("Int64")
    keys = list(COLUMNS.values())
    n_posts = out.groupby(keys, sort=False).size().rename("n_posts")
    snaps = out.drop_duplicates(keys).merge(n_posts, left_on=keys, right_index=True)
    snaps = snaps.reset_index(drop=True)
    snaps.insert(0, "snapshot_id", [f"s{i + 1:04d}" for i in range(len(snaps))])
    snaps["n_posts"] = snaps["n_posts"].astype("int64")
    snaps = snaps[["snapshot_id", "page_likes", "talking_about", "checkins", "category", "n_posts"]]
    return snaps

"""Scaled synthetic panels for benchmarks (not the demo panel; not real pages).

:func:`make_panel` draws a panel of ``n_pages × scale`` pages over one calendar year —
by default 357 pages (the number of Norwegian municipalities in 2024) posting about 420
times a year (8 a week) with about 13 citizen comments per post — entirely with
vectorised numpy, in the canonical kommunesm tables (pages, page_days, posts, comments).
About 20 % of citizen comments are questions (bokmål and nynorsk, some without a
question mark); most get a page reply, a few of them in "flat" exports without
``parent_id``, so that every reply rule of :mod:`kommunesm.metrics.response` is
exercised. Pages are named "Benchmark-side N": nothing here describes a municipality.

:func:`write_panel` writes CSV and/or Parquet; :func:`run` times both and returns a dict
(used by ``benchmarks/run.py``).

Usage::

    .venv/bin/python benchmarks/scale.py --scale 1 --out /tmp/ksm_bench
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

TZ = "Europe/Oslo"

QUESTIONS = np.array(
    [
        "Når kommer vannet tilbake?",
        "Hvor kan man lese mer om dette?",
        "Hvorfor får vi ikke beskjed på SMS?",
        "Hvordan søker man",
        "Hva koster det?",
        "Er biblioteket åpent i morgen",
        "Kan dere sjekke veien ved skolen",
        "Jeg lurer på når fristen er",
        "Kvar kan ein lese meir om dette?",
        "Korleis søkjer ein",
        "Kven kan ein kontakte om dette?",
        "Har de opningstid i dag",
    ],
    dtype=object,
)
REMARKS = np.array(
    [
        "Så flott!",
        "Bra initiativ!",
        "Takk for informasjonen.",
        "Kan anbefale turen.",
        "Jeg kommer når jeg kan.",
        "Nydeleg!",
        "Er så glad for den nye parken",
        "Endelig!",
    ],
    dtype=object,
)
REPLIES = np.array(
    ["Hei! Takk for spørsmålet. Se nettsiden vår.", "Hei! Vi har sendt saken videre."],
    dtype=object,
)


def _ids(prefix: str, n: int, width: int = 8) -> pd.Series:
    return prefix + pd.Series(np.arange(n)).astype("str").str.zfill(width)


def make_panel(
    n_pages: int = 357,
    posts_per_page_year: float = 420,
    comments_per_post: float = 13,
    *,
    scale: int = 1,
    seed: int = 2013,
    year: int = 2013,
    question_share: float = 0.2,
    flat_share: float = 0.05,
    thread_share: float = 0.15,
) -> dict[str, pd.DataFrame]:
    """A synthetic panel of ``n_pages * scale`` pages over calendar year ``year``.

    Parameters
    ----------
    n_pages, scale
        Pages (times ``scale``: ``scale=10`` gives the 10× panel).
    posts_per_page_year
        Mean posts per page over the year (pages vary: gamma activity, mean 1).
    comments_per_post
        Mean citizen comments per post (Poisson).
    seed
        numpy seed: same arguments → identical tables.
    year
        The calendar year covered (1 Jan – 31 Dec, Europe/Oslo).
    question_share
        Share of citizen comments that are questions.
    flat_share
        Share of page replies without ``parent_id`` (flat exports).
    thread_share
        Share of citizen comments that are replies in a thread (``parent_id`` = the
        post's first comment); a page reply to such a question hangs under the same
        parent (reply rule 2 of :mod:`kommunesm.metrics.response`).

    Returns
    -------
    dict
        ``pages``, ``page_days``, ``posts``, ``comments`` in canonical column names and
        dtypes (ids str, counts Int64, created_at tz-aware Europe/Oslo).
    """
    rng = np.random.default_rng(seed)
    n = int(n_pages * scale)
    start = pd.Timestamp(f"{year}-01-01", tz=TZ)
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    n_days = len(days)
    year_seconds = float(n_days * 86400)
    page_id = _ids("bench-", n, 6)

    followers0 = np.round(rng.lognormal(np.log(700), 0.9, n)) + 50
    growth = rng.normal(0.35, 0.1, n).clip(0.02, None)
    activity = rng.gamma(0.8, 1 / 0.8, n)
    engage = rng.lognormal(np.log(0.02), 0.5, n)
    fast = rng.random(n) < 0.45
    answer_p = np.where(fast, 0.9, 0.6)

    pages = pd.DataFrame(
        {
            "page_id": page_id,
            "platform": "facebook",
            "name": "Benchmark-side " + pd.Series(np.arange(1, n + 1)).astype("str"),
            "population": pd.array(
                np.round(rng.lognormal(np.log(8000), 1.1, n)).astype("int64"), dtype="Int64"
            ),
            "synthetic": pd.array(np.ones(n, bool), dtype="boolean"),
        }
    )

    # page days: followers grow smoothly; talking about ~ Poisson
    t = np.arange(n_days) / n_days
    fol = np.round(followers0[:, None] * (1 + growth[:, None]) ** t[None, :])
    talk = rng.poisson(fol * engage[:, None] * 4).astype("float64")
    talk[rng.random(talk.shape) < 0.005] = np.nan
    page_days = pd.DataFrame(
        {
            "page_id": np.repeat(page_id.to_numpy(), n_days),
            "date": np.tile(days.to_numpy().astype("datetime64[us]"), n),
            "followers": pd.array(fol.ravel().astype("int64"), dtype="Int64"),
            "talking_about": pd.array(talk.ravel(), dtype="Float64").astype("Int64"),
            "synthetic": pd.array(np.ones(n * n_days, bool), dtype="boolean"),
        }
    )

    # posts
    per_page = rng.poisson(posts_per_page_year * activity)
    n_posts = int(per_page.sum())
    p_code = np.repeat(np.arange(n), per_page)
    p_sec = rng.random(n_posts) * year_seconds
    p_time = start + pd.to_timedelta(np.round(p_sec), unit="s")
    day_idx = np.minimum((p_sec // 86400).astype(int), n_days - 1)
    fol_at = fol[p_code, day_idx]
    lam = fol_at * engage[p_code] * rng.gamma(2.0, 0.5, n_posts)
    likes = rng.poisson(lam)
    n_comm = rng.poisson(comments_per_post, n_posts)
    shares = rng.poisson(lam * 0.1)
    likes_f = likes.astype("float64")
    shares_f = shares.astype("float64")
    likes_f[rng.random(n_posts) < 0.001] = np.nan
    shares_f[rng.random(n_posts) < 0.002] = np.nan
    post_id = _ids("bp-", n_posts, 9)
    posts = pd.DataFrame(
        {
            "post_id": post_id,
            "page_id": page_id.to_numpy()[p_code],
            "created_at": p_time.tz_convert(TZ).as_unit("us"),
            "type": "status",
            "message": "Benchmark post",
            "likes": pd.array(likes_f, dtype="Float64").astype("Int64"),
            "comments": pd.array(n_comm, dtype="Int64"),
            "shares": pd.array(shares_f, dtype="Float64").astype("Int64"),
            "synthetic": pd.array(np.ones(n_posts, bool), dtype="boolean"),
        }
    )

    # citizen comments
    c_post = np.repeat(np.arange(n_posts), n_comm)
    n_c = len(c_post)
    c_sec = p_sec[c_post] + rng.exponential(3 * 3600, n_c)
    is_q = rng.random(n_c) < question_share
    msg = np.where(
        is_q,
        QUESTIONS[rng.integers(0, len(QUESTIONS), n_c)],
        REMARKS[rng.integers(0, len(REMARKS), n_c)],
    )
    # page replies to a share of the questions
    c_page = p_code[c_post]
    answered = is_q & (rng.random(n_c) < answer_p[c_page])
    q_idx = np.flatnonzero(answered)
    n_r = len(q_idx)
    delay = rng.lognormal(np.log(np.where(fast[c_page[q_idx]], 40, 240) * 60), 1.2, n_r)
    flat = rng.random(n_r) < flat_share
    c_ids = _ids("bc-", n_c + n_r, 10)
    ids_arr = c_ids.to_numpy()
    # threads: some citizen comments reply to the post's first comment (and come after it)
    first_idx = np.repeat(np.cumsum(n_comm) - n_comm, n_comm)
    threaded = (rng.random(n_c) < thread_share) & (np.arange(n_c) != first_idx)
    c_sec = np.where(threaded, np.maximum(c_sec, c_sec[first_idx] + 60), c_sec)
    c_parent = np.where(threaded, ids_arr[first_idx], None)
    r_sec = c_sec[q_idx] + delay
    # a page answer to a threaded question hangs under the thread's parent (rule 2)
    r_parent = np.where(threaded[q_idx], c_parent[q_idx], ids_arr[q_idx])
    parent = np.concatenate([c_parent, np.where(flat, None, r_parent)])
    all_sec = np.concatenate([c_sec, r_sec])
    all_post = np.concatenate([c_post, c_post[q_idx]])
    is_reply = np.concatenate([np.zeros(n_c, bool), np.ones(n_r, bool)])
    authors = np.concatenate(
        [
            "u_" + pd.Series(rng.integers(0, 50 * n + 1, n_c)).astype("str").to_numpy(),
            page_id.to_numpy()[c_page[q_idx]],
        ]
    ).astype(object)
    comments = pd.DataFrame(
        {
            "comment_id": c_ids,
            "post_id": post_id.to_numpy()[all_post],
            "page_id": page_id.to_numpy()[p_code[all_post]],
            "parent_id": pd.array(parent, dtype="str"),
            "created_at": (start + pd.to_timedelta(np.round(all_sec), unit="s"))
            .tz_convert(TZ)
            .as_unit("us"),
            "author_id": pd.array(authors, dtype="str"),
            "is_page_reply": pd.array(is_reply, dtype="boolean"),
            "message": pd.array(
                np.concatenate([msg, REPLIES[rng.integers(0, len(REPLIES), n_r)]]), dtype="str"
            ),
            "synthetic": pd.array(np.ones(n_c + n_r, bool), dtype="boolean"),
        }
    )
    for frame in (pages, page_days, posts, comments):
        for col in frame.columns:
            if col.endswith("_id") or col in ("platform", "name", "type", "message"):
                frame[col] = frame[col].astype("str")
    return {"pages": pages, "page_days": page_days, "posts": posts, "comments": comments}


def write_panel(
    tables: dict[str, pd.DataFrame],
    out_dir: str | Path,
    formats: tuple[str, ...] = ("parquet", "csv"),
) -> dict[str, dict[str, object]]:
    """Write each table as ``<out_dir>/<table>.parquet`` and/or ``.csv``.

    Returns per format: seconds and bytes written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    info: dict[str, dict[str, object]] = {}
    for fmt in formats:
        t0 = time.perf_counter()
        size = 0
        for name, frame in tables.items():
            path = out / f"{name}.{fmt}"
            if fmt == "parquet":
                frame.to_parquet(path, index=False)
            elif fmt == "csv":
                # pyarrow's writer is ~20x faster than DataFrame.to_csv on 2 M rows;
                # timestamps keep their UTC offset (ISO 8601, e.g. +0200)
                import pyarrow as pa
                import pyarrow.csv as pacsv

                pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), path)
            else:
                raise ValueError(f"unknown format {fmt!r}")
            size += path.stat().st_size
        info[fmt] = {"seconds": time.perf_counter() - t0, "bytes": size}
    return info


def run(
    scale: int = 1,
    *,
    out_dir: str | Path | None = None,
    formats: tuple[str, ...] = ("parquet", "csv"),
    seed: int = 2013,
) -> dict:
    """Generate the panel at ``scale`` and write it; return timings and sizes.

    Returns
    -------
    dict
        scale, pages, rows per table, seconds_generate, and per format
        ``seconds_write_<fmt>`` / ``bytes_<fmt>``; ``out_dir``.
    """
    import tempfile

    out = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="ksm_scale_"))
    t0 = time.perf_counter()
    tables = make_panel(scale=scale, seed=seed)
    gen = time.perf_counter() - t0
    written = write_panel(tables, out, formats)
    result: dict[str, object] = {
        "scale": scale,
        "pages": len(tables["pages"]),
        **{f"rows_{k}": len(v) for k, v in tables.items()},
        "seconds_generate": round(gen, 3),
        "out_dir": str(out),
    }
    for fmt, v in written.items():
        result[f"seconds_write_{fmt}"] = round(float(v["seconds"]), 3)
        result[f"bytes_{fmt}"] = int(v["bytes"])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="pages × scale (10: the 10× panel)")
    parser.add_argument("--out", type=Path, default=None, help="output directory")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--no-csv", action="store_true", help="write Parquet only")
    args = parser.parse_args(argv)
    formats = ("parquet",) if args.no_csv else ("parquet", "csv")
    print(json.dumps(run(args.scale, out_dir=args.out, formats=formats, seed=args.seed), indent=2))


if __name__ == "__main__":
    main()

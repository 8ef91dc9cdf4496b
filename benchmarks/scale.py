"""Scaled synthetic panels for benchmarks (not the demo panel; not real pages).

The panel is ``n_pages × scale`` pages over one calendar year — by default 357 pages
(the number of Norwegian municipalities in 2024) posting about 420 times a year (8 a
week) with about 13 citizen comments per post — drawn with vectorised numpy, in the
canonical kommunesm tables (pages, page_days, posts, comments). About 20 % of citizen
comments are questions (bokmål and nynorsk, some without a question mark); 15 % of
citizen comments are thread replies (so some questions are themselves thread replies,
and a page's answer to one hangs under the thread's parent: reply rule 2 of
:mod:`kommunesm.metrics.response`); most questions get a page reply, a few of them in
"flat" exports without ``parent_id`` (rule 3). Pages are named "Benchmark-side N":
nothing here describes a municipality.

The panel is drawn **block by block** (:data:`PAGES_PER_BLOCK` pages each, block ``b``
from the numpy seed ``[seed, b]``), so memory is bounded by one block at any scale and
the same ``seed`` gives the same files. :func:`iter_blocks` yields each block as Arrow
tables; :func:`write_panel_chunked` streams them to Parquet (one row group per block and
table) and/or CSV; :func:`make_panel` concatenates the blocks into pandas DataFrames
(small panels, tests). Comments carry ``is_question`` and ``question_detector`` exactly
as kommunesm's ingest stores them (the detector is run once per distinct message).

Usage::

    .venv/bin/python benchmarks/scale.py --scale 10 --out /work/bench-data/x10 --no-csv
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

TZ = "Europe/Oslo"
#: Pages drawn together (one row group per block and table).
PAGES_PER_BLOCK = 119

QUESTIONS = [
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
]
REMARKS = [
    "Så flott!",
    "Bra initiativ!",
    "Takk for informasjonen.",
    "Kan anbefale turen.",
    "Jeg kommer når jeg kan.",
    "Nydeleg!",
    "Er så glad for den nye parken",
    "Endelig!",
]
REPLIES = ["Hei! Takk for spørsmålet. Se nettsiden vår.", "Hei! Vi har sendt saken videre."]
#: Every comment message (questions, remarks, page replies), as a dictionary.
MESSAGES = QUESTIONS + REMARKS + REPLIES

_TS = pa.timestamp("us", tz=TZ)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """``prefix`` + zero-padded ``numbers`` as an Arrow string array, built as bytes."""
    nums = np.asarray(numbers, dtype=np.int64)
    n, head = len(nums), prefix.encode()
    size = len(head) + width
    buf = np.empty((n, size), dtype=np.uint8)
    buf[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    rest = nums.copy()
    for k in range(width):
        buf[:, size - 1 - k] = rest % 10 + 48
        rest //= 10
    offsets = np.arange(0, (n + 1) * size, size, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(buf.tobytes())
    ).cast(pa.string())


def _nullable(values: np.ndarray, missing: np.ndarray, type_: pa.DataType) -> pa.Array:
    return pa.array(values, type=type_, mask=missing)


def _mask(values: pa.Array, missing: np.ndarray) -> pa.Array:
    """``values`` with nulls where ``missing``."""
    import pyarrow.compute as pc

    return pc.if_else(pa.array(~missing), values, pa.scalar(None, values.type))


def _const(value: str, n: int) -> pa.Array:
    """``n`` copies of the string ``value``."""
    codes = pa.array(np.zeros(n, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(codes, pa.array([value])).cast(pa.string())


def _message_flags() -> np.ndarray:
    """``is_question`` of each of :data:`MESSAGES` as a citizen comment (kommunesm's
    detector, run once per distinct message)."""
    from kommunesm.metrics.response import question_flags

    frame = pd.DataFrame({"message": MESSAGES, "is_page_reply": False})
    return np.asarray(question_flags(frame, kind="comments"), dtype=bool)


def iter_blocks(
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
    pages_per_block: int = PAGES_PER_BLOCK,
) -> Iterator[dict[str, pa.Table]]:
    """Yield the panel of ``n_pages * scale`` pages block by block, as Arrow tables.

    Parameters
    ----------
    n_pages, scale
        Pages (times ``scale``: ``scale=10`` gives the 10× panel).
    posts_per_page_year
        Mean posts per page over the year (pages vary: gamma activity, mean 1).
    comments_per_post
        Mean citizen comments per post (Poisson).
    seed
        Block ``b`` is drawn from ``numpy.random.default_rng([seed, b])``: same arguments
        → identical tables.
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
    pages_per_block
        Pages per block (memory is bounded by one block).

    Yields
    ------
    dict
        ``pages``, ``page_days``, ``posts``, ``comments`` (pyarrow Tables, canonical
        columns; ids unique across blocks).
    """
    n_total = int(n_pages * scale)
    start_us = int(pd.Timestamp(f"{year}-01-01", tz=TZ).value // 1000)
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    n_days = len(days)
    day_us = days.to_numpy().astype("datetime64[us]").astype(np.int64)
    year_seconds = float(n_days * 86400)
    q_flag = _message_flags()
    n_q, n_rem = len(QUESTIONS), len(REMARKS)
    from kommunesm.metrics.response import QUESTION_DETECTOR

    post0 = comment0 = 0
    for b, page0 in enumerate(range(0, n_total, pages_per_block)):
        rng = np.random.default_rng([seed, b])
        n = min(pages_per_block, n_total - page0)
        page_no = np.arange(page0, page0 + n)
        page_id = _ids("bench-", page_no, 6)

        followers0 = np.round(rng.lognormal(np.log(700), 0.9, n)) + 50
        growth = rng.normal(0.35, 0.1, n).clip(0.02, None)
        activity = rng.gamma(0.8, 1 / 0.8, n)
        engage = rng.lognormal(np.log(0.02), 0.5, n)
        fast = rng.random(n) < 0.45
        answer_p = np.where(fast, 0.9, 0.6)
        population = np.round(rng.lognormal(np.log(8000), 1.1, n)).astype("int64")
        pages = pa.table(
            {
                "page_id": page_id,
                "platform": _const("facebook", n),
                "name": _ids("Benchmark-side ", page_no + 1, 6),
                "population": pa.array(population, pa.int64()),
                "synthetic": pa.array(np.ones(n, bool)),
            }
        )

        # page days: followers grow smoothly; talking about ~ Poisson
        t = np.arange(n_days) / n_days
        fol = np.round(followers0[:, None] * (1 + growth[:, None]) ** t[None, :])
        talk = rng.poisson(fol * engage[:, None] * 4).astype("int64")
        talk_missing = rng.random(talk.shape) < 0.005
        page_days = pa.table(
            {
                "page_id": page_id.take(pa.array(np.repeat(np.arange(n), n_days))),
                "date": pa.array(np.tile(day_us, n), pa.timestamp("us")),
                "followers": pa.array(fol.ravel().astype("int64"), pa.int64()),
                "talking_about": _nullable(talk.ravel(), talk_missing.ravel(), pa.int64()),
                "synthetic": pa.array(np.ones(n * n_days, bool)),
            }
        )

        # posts
        per_page = rng.poisson(posts_per_page_year * activity)
        n_posts = int(per_page.sum())
        p_code = np.repeat(np.arange(n), per_page)
        p_sec = rng.random(n_posts) * year_seconds
        day_idx = np.minimum((p_sec // 86400).astype(int), n_days - 1)
        fol_at = fol[p_code, day_idx]
        lam = fol_at * engage[p_code] * rng.gamma(2.0, 0.5, n_posts)
        likes = rng.poisson(lam)
        n_comm = rng.poisson(comments_per_post, n_posts)
        shares = rng.poisson(lam * 0.1)
        likes_missing = rng.random(n_posts) < 0.001
        shares_missing = rng.random(n_posts) < 0.002
        post_no = post0 + np.arange(n_posts)
        posts = pa.table(
            {
                "post_id": _ids("bp-", post_no, 9),
                "page_id": page_id.take(pa.array(p_code)),
                "created_at": pa.array(start_us + np.round(p_sec).astype(np.int64) * 10**6, _TS),
                "type": _const("status", n_posts),
                "message": _const("Benchmark post", n_posts),
                "likes": _nullable(likes, likes_missing, pa.int64()),
                "comments": pa.array(n_comm, pa.int64()),
                "shares": _nullable(shares, shares_missing, pa.int64()),
                "synthetic": pa.array(np.ones(n_posts, bool)),
            }
        )

        # citizen comments
        c_post = np.repeat(np.arange(n_posts), n_comm)
        n_c = len(c_post)
        c_sec = p_sec[c_post] + rng.exponential(3 * 3600, n_c)
        is_q = rng.random(n_c) < question_share
        msg = np.where(is_q, rng.integers(0, n_q, n_c), n_q + rng.integers(0, n_rem, n_c))
        # page replies to a share of the questions
        c_page = p_code[c_post]
        answered = is_q & (rng.random(n_c) < answer_p[c_page])
        q_idx = np.flatnonzero(answered)
        n_r = len(q_idx)
        delay = rng.lognormal(np.log(np.where(fast[c_page[q_idx]], 40, 240) * 60), 1.2, n_r)
        flat = rng.random(n_r) < flat_share
        c_no = comment0 + np.arange(n_c + n_r)
        # threads: some citizen comments reply to the post's first comment (after it)
        first_idx = np.repeat(np.cumsum(n_comm) - n_comm, n_comm)
        threaded = (rng.random(n_c) < thread_share) & (np.arange(n_c) != first_idx)
        c_sec = np.where(threaded, np.maximum(c_sec, c_sec[first_idx] + 60), c_sec)
        c_parent = np.where(threaded, c_no[first_idx], -1)
        r_sec = c_sec[q_idx] + delay
        # a page answer to a threaded question hangs under the thread's parent (rule 2)
        r_parent = np.where(threaded[q_idx], c_parent[q_idx], c_no[q_idx])
        parent = np.concatenate([c_parent, np.where(flat, -1, r_parent)])
        all_sec = np.concatenate([c_sec, r_sec])
        all_post = np.concatenate([c_post, c_post[q_idx]])
        is_reply = np.concatenate([np.zeros(n_c, bool), np.ones(n_r, bool)])
        all_msg = np.concatenate([msg, n_q + n_rem + rng.integers(0, len(REPLIES), n_r)])
        users = _ids("u_", rng.integers(0, 50 * n_total + 1, n_c), 9)
        authors = pa.concat_arrays([users, page_id.take(pa.array(c_page[q_idx]))])
        messages = pa.DictionaryArray.from_arrays(
            pa.array(all_msg.astype(np.int32)), pa.array(MESSAGES)
        ).cast(pa.string())
        n_all = n_c + n_r
        comments = pa.table(
            {
                "comment_id": _ids("bc-", c_no, 10),
                "post_id": _ids("bp-", post0 + all_post, 9),
                "page_id": page_id.take(pa.array(p_code[all_post])),
                "parent_id": _mask(_ids("bc-", np.maximum(parent, 0), 10), parent < 0),
                "created_at": pa.array(start_us + np.round(all_sec).astype(np.int64) * 10**6, _TS),
                "author_id": authors,
                "is_page_reply": pa.array(is_reply),
                "message": messages,
                "synthetic": pa.array(np.ones(n_all, bool)),
                "is_question": pa.array(q_flag[all_msg] & ~is_reply),
                "question_detector": _const(QUESTION_DETECTOR, n_all),
            }
        )
        post0 += n_posts
        comment0 += n_all
        yield {"pages": pages, "page_days": page_days, "posts": posts, "comments": comments}


_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


def make_panel(
    n_pages: int = 357,
    posts_per_page_year: float = 420,
    comments_per_post: float = 13,
    **kwargs: object,
) -> dict[str, pd.DataFrame]:
    """The whole panel of :func:`iter_blocks` in memory, as pandas DataFrames.

    For small panels and tests; use :func:`write_panel_chunked` for ×10 and beyond.

    Parameters
    ----------
    n_pages, posts_per_page_year, comments_per_post, **kwargs
        As :func:`iter_blocks`.

    Returns
    -------
    dict
        ``pages``, ``page_days``, ``posts``, ``comments`` in canonical column names and
        dtypes (ids str, counts Int64, flags boolean, created_at tz-aware Europe/Oslo).
    """
    parts: dict[str, list[pa.Table]] = {}
    for block in iter_blocks(n_pages, posts_per_page_year, comments_per_post, **kwargs):
        for name, table in block.items():
            parts.setdefault(name, []).append(table)
    return {
        name: pa.concat_tables(tables).to_pandas(types_mapper=_PANDAS_TYPES.get)
        for name, tables in parts.items()
    }


def write_panel_chunked(
    out_dir: str | Path,
    formats: tuple[str, ...] = ("parquet",),
    **kwargs: object,
) -> dict[str, object]:
    """Draw the panel block by block and stream it to ``<out_dir>/<table>.<fmt>``.

    Parquet files get one row group per block; CSV files are appended block by block
    (timestamps in ISO 8601 with their UTC offset). Memory is bounded by one block.

    Parameters
    ----------
    out_dir : path
        Output directory (created).
    formats : tuple of {"parquet", "csv"}
        What to write.
    **kwargs
        As :func:`iter_blocks` (``scale``, ``seed``, …).

    Returns
    -------
    dict
        ``rows`` per table, ``bytes`` per format, ``seconds``, ``blocks``.
    """
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    writers: dict[tuple[str, str], object] = {}
    rows: dict[str, int] = {}
    t0 = time.perf_counter()
    blocks = 0
    try:
        for block in iter_blocks(**kwargs):
            blocks += 1
            for name, table in block.items():
                rows[name] = rows.get(name, 0) + table.num_rows
                for fmt in formats:
                    key = (name, fmt)
                    if key not in writers:
                        path = out / f"{name}.{fmt}"
                        if fmt == "parquet":
                            writers[key] = pq.ParquetWriter(path, table.schema)
                        elif fmt == "csv":
                            writers[key] = pacsv.CSVWriter(path, table.schema)
                        else:
                            raise ValueError(f"unknown format {fmt!r}")
                    if fmt == "parquet":
                        writers[key].write_table(table, row_group_size=max(table.num_rows, 1))
                    else:
                        writers[key].write_table(table)
    finally:
        for w in writers.values():
            w.close()
    size = {fmt: sum((out / f"{t}.{fmt}").stat().st_size for t in rows) for fmt in formats}
    return {
        "rows": rows,
        "bytes": size,
        "seconds": time.perf_counter() - t0,
        "blocks": blocks,
        "out_dir": str(out),
    }


def write_panel(
    tables: dict[str, pd.DataFrame],
    out_dir: str | Path,
    formats: tuple[str, ...] = ("parquet", "csv"),
) -> dict[str, dict[str, object]]:
    """Write in-memory tables as ``<out_dir>/<table>.parquet`` and/or ``.csv``.

    Returns per format: seconds and bytes written.
    """
    import pyarrow.csv as pacsv

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
    """Generate the panel at ``scale`` straight to files; return timings and sizes.

    Returns
    -------
    dict
        scale, pages, rows per table, seconds (draw + write, streamed together), bytes
        per format, ``out_dir``.
    """
    import tempfile

    out = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="ksm_scale_"))
    info = write_panel_chunked(out, formats, scale=scale, seed=seed)
    result: dict[str, object] = {
        "scale": scale,
        "pages": info["rows"]["pages"],
        **{f"rows_{k}": v for k, v in info["rows"].items()},
        "seconds_generate_and_write": round(float(info["seconds"]), 3),
        "blocks": info["blocks"],
        "out_dir": str(out),
    }
    for fmt, v in info["bytes"].items():
        result[f"bytes_{fmt}"] = int(v)
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

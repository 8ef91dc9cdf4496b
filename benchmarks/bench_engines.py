"""Benchmark: ``kommunesm.metrics.page_table`` on each engine against reference engines.

One run, on the same Parquet files of a scaled panel (:mod:`benchmarks.scale`, with
threaded questions and ``is_question`` stored as kommunesm's ingest stores it):

- **kommunesm, DuckDB** — ``page_table(<Parquet paths>, engine="duckdb",
  memory_limit=…)``: every column of the page table (10 Gambit metrics + 25 extras);
- **kommunesm, pandas** — the reference implementation, tables read with pandas;
- **reference DuckDB SQL** — the hand-written aggregation of ``bench_page_table.py``
  (11 of the columns: the ten Gambit metrics and posts per week; ASOF joins), reading the
  stored ``is_question`` instead of a regular expression;
- **reference Polars streaming** — the same 11 columns as a Polars lazy query run with
  the streaming engine.

Each engine runs in its own fresh process (its peak resident memory, ``VmHWM``, is its
own); engines alternate over ``--repeats`` rounds and the median is reported. The shared
columns are checked equal across engines (relative tolerance 1e-9).

Usage::

    .venv/bin/python benchmarks/bench_engines.py --scales 1,10 --repeats 3 --memory-limit 1GB
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench_page_table import COMPARED, TABLES, _peak_rss_mb, compare  # noqa: E402

YEAR = 2013
FIRST, LAST = f"{YEAR}-01-01", f"{YEAR}-12-31"


def _generate(data_dir: str, scale: int, seed: int = 2013) -> dict:
    """Draw the panel block by block straight to Parquet (``is_question`` included, as
    kommunesm's ingest stores it)."""
    from scale import write_panel_chunked

    info = write_panel_chunked(data_dir, ("parquet",), scale=scale, seed=seed, year=YEAR)
    return {"seconds_generate_and_write": info["seconds"], "rows": info["rows"]}


def job_kommunesm_duckdb(data_dir: str, memory_limit: str | None) -> dict:
    from kommunesm.metrics import page_table

    t0 = time.perf_counter()
    paths = [str(Path(data_dir) / f"{t}.parquet") for t in TABLES]
    res = page_table(
        *paths,
        FIRST,
        LAST,
        engine="duckdb",
        memory_limit=memory_limit,
        temp_directory=str(Path(data_dir) / "duckdb_tmp"),
    )
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_rss_mb(), "result": res}


def job_kommunesm_pandas(data_dir: str, memory_limit: str | None) -> dict:
    from kommunesm.metrics import page_table

    t0 = time.perf_counter()
    tables = [pd.read_parquet(Path(data_dir) / f"{t}.parquet") for t in TABLES]
    res = page_table(*tables, FIRST, LAST, engine="pandas")
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_rss_mb(), "result": res}


def job_reference_duckdb(data_dir: str, memory_limit: str | None) -> dict:
    import duckdb
    from bench_page_table import sql_page_table

    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Oslo'")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = '{Path(data_dir) / 'duckdb_tmp'}'")
    sql = sql_page_table(data_dir, FIRST, LAST, stored_flags=True)
    t0 = time.perf_counter()
    res = con.sql(sql).df().set_index("page_id")
    res.index = res.index.astype("str")
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_rss_mb(), "result": res}


def job_reference_polars(data_dir: str, memory_limit: str | None) -> dict:
    """The 11 reference columns as one Polars lazy query (streaming engine)."""
    import polars as pl

    d = Path(data_dir)
    t0 = time.perf_counter()
    first = pl.date(YEAR, 1, 1)
    last = pl.date(YEAR, 12, 31)
    n_days = (pd.Timestamp(LAST) - pd.Timestamp(FIRST)).days + 1

    def local_day(col: str) -> pl.Expr:
        return pl.col(col).dt.convert_time_zone("Europe/Oslo").dt.date()

    posts = (
        pl.scan_parquet(d / "posts.parquet")
        .select("page_id", "created_at", "likes", "comments", "shares")
        .filter(local_day("created_at").is_between(first, last))
        .with_columns(
            pl.when(
                pl.col("likes").is_null()
                & pl.col("comments").is_null()
                & pl.col("shares").is_null()
            )
            .then(None)
            .otherwise(
                pl.col("likes").fill_null(0)
                + pl.col("comments").fill_null(0)
                + pl.col("shares").fill_null(0)
            )
            .alias("inter")
        )
        .group_by("page_id")
        .agg(
            pl.len().alias("page_posts"),
            pl.col("likes").sum().alias("likes"),
            pl.col("comments").sum().alias("comments"),
            pl.col("shares").sum().alias("shares"),
            pl.col("inter").sum().alias("interactions"),
        )
    )
    days = (
        pl.scan_parquet(d / "page_days.parquet")
        .filter(pl.col("date").cast(pl.Date).is_between(first, last))
        .group_by("page_id")
        .agg(
            pl.col("followers")
            .filter(pl.col("followers").is_not_null())
            .sort_by(pl.col("date").filter(pl.col("followers").is_not_null()))
            .last()
            .alias("followers"),
            pl.col("talking_about").mean().alias("people_talking_about"),
        )
    )
    c = (
        pl.scan_parquet(d / "comments.parquet")
        .select(
            "comment_id",
            "post_id",
            "page_id",
            "parent_id",
            "created_at",
            "is_page_reply",
            "is_question",
        )
        .with_columns(
            pl.when(pl.col("parent_id").str.strip_chars().is_in(["", "nan", "None", "<NA>"]))
            .then(None)
            .otherwise(pl.col("parent_id"))
            .alias("parent_id")
        )
    )
    q = c.filter(pl.col("is_question") & ~pl.col("is_page_reply").fill_null(False)).select(
        "comment_id", "post_id", "page_id", "parent_id", pl.col("created_at").alias("asked")
    )
    r = c.filter(pl.col("is_page_reply").fill_null(False) & pl.col("created_at").is_not_null())
    direct = (
        r.filter(pl.col("parent_id").is_not_null())
        .group_by("parent_id")
        .agg(pl.col("created_at").min().alias("t_direct"))
        .rename({"parent_id": "comment_id"})
    )
    qs = q.filter(pl.col("asked").is_not_null()).sort("asked")
    thread = (
        qs.filter(pl.col("parent_id").is_not_null())
        .join_asof(
            r.filter(pl.col("parent_id").is_not_null())
            .select("parent_id", pl.col("created_at").alias("t_thread"))
            .sort("t_thread"),
            left_on="asked",
            right_on="t_thread",
            by="parent_id",
            strategy="forward",
        )
        .select("comment_id", "t_thread")
    )
    flat = qs.join_asof(
        r.filter(pl.col("parent_id").is_null())
        .select("post_id", pl.col("created_at").alias("t_flat"))
        .sort("t_flat"),
        left_on="asked",
        right_on="t_flat",
        by="post_id",
        strategy="forward",
    ).select("comment_id", "t_flat")
    ans = (
        q.filter(local_day("asked").is_between(first, last))
        .join(direct, on="comment_id", how="left")
        .join(thread, on="comment_id", how="left")
        .join(flat, on="comment_id", how="left")
        .with_columns(pl.min_horizontal("t_direct", "t_thread", "t_flat").alias("answered"))
        .with_columns(
            ((pl.col("answered") - pl.col("asked")).dt.total_microseconds() / 60e6)
            .clip(lower_bound=0.0)
            .alias("minutes")
        )
        .group_by("page_id")
        .agg(
            pl.col("answered").is_not_null().sum().alias("questions_answered"),
            pl.col("minutes")
            .filter(pl.col("answered").is_not_null())
            .mean()
            .alias("avg_response_time_minutes"),
        )
    )
    ids = pl.concat(
        [pl.scan_parquet(d / f"{t}.parquet").select("page_id") for t in TABLES]
    ).unique()
    out = (
        ids.join(posts, on="page_id", how="left")
        .join(days, on="page_id", how="left")
        .join(ans, on="page_id", how="left")
        .with_columns(
            pl.col(
                ["page_posts", "likes", "comments", "shares", "interactions", "questions_answered"]
            )
            .fill_null(0)
            .cast(pl.Float64),
        )
        .with_columns(
            (
                pl.col("interactions")
                / pl.when(pl.col("followers") != 0).then(pl.col("followers"))
                * 100
            ).alias("engagement_rate"),
            (pl.col("page_posts") / (n_days / 7.0)).alias("posts_per_week"),
        )
        .sort("page_id")
        .collect(engine="streaming")
        .to_pandas()
        .set_index("page_id")
    )
    out.index = out.index.astype("str")
    res = out[list(COMPARED)].astype("float64")
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_rss_mb(), "result": res}


JOBS = {
    "kommunesm_duckdb": job_kommunesm_duckdb,
    "reference_duckdb": job_reference_duckdb,
    "reference_polars": job_reference_polars,
    "kommunesm_pandas": job_kommunesm_pandas,
}


def _fresh(fn, *args):
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def run(scale: int, work: Path, repeats: int, memory_limit: str | None, engines: list[str]) -> dict:
    data = work / f"x{scale}"
    gen = None
    if not all((data / f"{t}.parquet").exists() for t in TABLES):
        gen = _fresh(_generate, str(data), scale)
    import pyarrow.parquet as pq

    rows = {t: pq.ParquetFile(data / f"{t}.parquet").metadata.num_rows for t in TABLES}
    times: dict[str, list[float]] = {e: [] for e in engines}
    peaks: dict[str, list[float]] = {e: [] for e in engines}
    results: dict[str, pd.DataFrame] = {}
    import os

    loads = []
    for _ in range(repeats):
        for e in engines:
            loads.append(os.getloadavg()[0])
            out = _fresh(JOBS[e], str(data), memory_limit)
            times[e].append(out["seconds"])
            peaks[e].append(out["peak_mb"])
            results[e] = out["result"]
    for e in ("kommunesm_duckdb", "kommunesm_pandas"):
        if e in results:  # the references compute the period variant of metric 10
            results[e] = results[e].assign(engagement_rate=results[e]["engagement_rate_period"])
    ref = results.get("kommunesm_pandas", results.get("kommunesm_duckdb"))
    checks = {
        e: compare(results[e][list(COMPARED)], ref[list(COMPARED)]) for e in engines if e in results
    }
    full = {}
    if "kommunesm_pandas" in results and "kommunesm_duckdb" in results:
        full = compare(results["kommunesm_duckdb"], results["kommunesm_pandas"])
    return {
        "scale": scale,
        "rows": rows,
        "generate": gen,
        "memory_limit": memory_limit,
        "seconds_median": {e: statistics.median(v) for e, v in times.items()},
        "seconds_all": times,
        "peak_mb_max": {e: max(v) for e, v in peaks.items()},
        "equal_on_shared_columns": {e: c["equal"] for e, c in checks.items()},
        "kommunesm_duckdb_equals_pandas_all_columns": full.get("equal"),
        "load_average_during": [round(x, 2) for x in loads],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="1")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit")
    ap.add_argument("--work", type=Path, default=HERE / "_work")
    ap.add_argument("--engines", default=",".join(JOBS))
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    out = []
    for s in [int(x) for x in args.scales.split(",")]:
        res = run(s, args.work, args.repeats, args.memory_limit, args.engines.split(","))
        print(json.dumps(res, indent=1, default=str), flush=True)
        out.append(res)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

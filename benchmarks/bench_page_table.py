"""Benchmark: ``kommunesm.metrics.page_table`` vs the same aggregation in DuckDB SQL.

Both engines read the same Parquet files of a scaled synthetic panel
(:mod:`benchmarks.scale`: 357 × ``scale`` pages, ~420 posts per page and year, ~13
comments per post) and compute the ten Gambit metrics plus posts per week for the whole
year. Each engine runs in its own fresh process (``spawn``; the panel is generated in a
third one), so that its peak resident memory (``VmHWM`` on Linux) is its own. The script prints both times, their ratio,
the peak memory of each process, and checks that the two result tables are equal
(relative tolerance 1e-9).

The SQL mirrors :func:`kommunesm.metrics.page_table` rule for rule: inclusive calendar
days in Europe/Oslo; interactions = likes + comments + shares with missing parts as 0
(NULL only if all three are missing); followers = last non-missing value of the period;
talking about = mean over days; citizen questions by the same regular expression
(:data:`kommunesm.metrics.response.QUESTION_PATTERN`, written to mean the same in
Python ``re`` and RE2); first page reply = direct reply, else first page reply in the
same thread, else first page comment without parent on the same post (ASOF joins);
response minutes clipped at 0. (The fallback of followers to ``followers_at_posting`` is
not in the SQL: the benchmark panel has page days for every page.)

Usage::

    .venv/bin/python benchmarks/bench_page_table.py            # scale 1 (~1–2 min)
    .venv/bin/python benchmarks/bench_page_table.py --scale 10 # the 10× panel
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from kommunesm.metrics import GAMBIT_METRICS

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

TABLES = ("pages", "page_days", "posts", "comments")
COMPARED = (*GAMBIT_METRICS, "posts_per_week")


def _peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    Linux: ``VmHWM`` of ``/proc/self/status`` (the high-water mark of this process image;
    ``getrusage``'s ``ru_maxrss`` would also count the parent's memory at fork time).
    Elsewhere: ``resource.getrusage(RUSAGE_SELF).ru_maxrss``.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def sql_page_table(
    data_dir: str | Path, first_day: str, last_day: str, *, stored_flags: bool = False
) -> str:
    """The DuckDB SQL computing :data:`COMPARED` per page from the Parquet files
    (``stored_flags``: questions from the stored ``is_question`` column, as written by
    kommunesm's ingest, instead of the regular expression)."""
    from kommunesm.metrics.response import QUESTION_PATTERN

    d = Path(data_dir)
    n_days = (pd.Timestamp(last_day) - pd.Timestamp(first_day)).days + 1
    pattern = QUESTION_PATTERN.replace("'", "''")
    period = f"BETWEEN DATE '{first_day}' AND DATE '{last_day}'"
    question = (
        "coalesce(is_question, false)"
        if stored_flags
        else f"coalesce(regexp_matches(message, '{pattern}'), false)"
    )
    src = {t: f"read_parquet('{(d / f'{t}.parquet').as_posix()}')" for t in TABLES}
    return f"""
WITH ids AS (
    SELECT page_id FROM {src["pages"]} UNION SELECT page_id FROM {src["page_days"]}
    UNION SELECT page_id FROM {src["posts"]} UNION SELECT page_id FROM {src["comments"]}
),
p AS (
    SELECT page_id, likes, comments AS n_comments, shares,
        CASE WHEN likes IS NULL AND comments IS NULL AND shares IS NULL THEN NULL
             ELSE coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) END AS inter
    FROM {src["posts"]}
    WHERE CAST(created_at AS DATE) {period}
),
pa AS (
    SELECT page_id, count(*) AS page_posts, sum(likes) AS likes, sum(n_comments) AS comments,
           sum(shares) AS shares, sum(inter) AS interactions
    FROM p GROUP BY page_id
),
da AS (
    SELECT page_id,
           arg_max(followers, "date") FILTER (WHERE followers IS NOT NULL) AS followers,
           avg(talking_about) AS people_talking_about
    FROM {src["page_days"]}
    WHERE CAST("date" AS DATE) {period}
    GROUP BY page_id
),
c AS (
    SELECT comment_id, post_id, page_id,
           CASE WHEN trim(parent_id) IN ('', 'nan', 'None', '<NA>') THEN NULL
                ELSE parent_id END AS parent_id,
           created_at, coalesce(is_page_reply, false) AS is_page_reply,
           {"is_question" if stored_flags else "message"}
    FROM {src["comments"]}
),
q AS (
    SELECT comment_id, post_id, page_id, parent_id, created_at AS asked_at FROM c
    WHERE NOT is_page_reply AND {question}
),
r AS (SELECT * FROM c WHERE is_page_reply AND created_at IS NOT NULL),
qa AS (SELECT * FROM q WHERE asked_at IS NOT NULL),
direct AS (
    SELECT parent_id AS qid, min(created_at) AS t FROM r
    WHERE parent_id IS NOT NULL GROUP BY parent_id
),
thread AS (
    SELECT qa.comment_id AS qid, rr.created_at AS t
    FROM qa ASOF JOIN (SELECT parent_id, created_at FROM r WHERE parent_id IS NOT NULL) rr
      ON qa.parent_id = rr.parent_id AND qa.asked_at <= rr.created_at
),
flat AS (
    SELECT qa.comment_id AS qid, rr.created_at AS t
    FROM qa ASOF JOIN (SELECT post_id, created_at FROM r WHERE parent_id IS NULL) rr
      ON qa.post_id = rr.post_id AND qa.asked_at <= rr.created_at
),
ans AS (
    SELECT q.page_id, q.asked_at, least(direct.t, thread.t, flat.t) AS answered_at
    FROM q
    LEFT JOIN direct ON direct.qid = q.comment_id
    LEFT JOIN thread ON thread.qid = q.comment_id
    LEFT JOIN flat ON flat.qid = q.comment_id
    WHERE CAST(q.asked_at AS DATE) {period}
),
qagg AS (
    SELECT page_id,
           count(answered_at) AS questions_answered,
           avg(greatest(epoch(answered_at) - epoch(asked_at), 0) / 60.0)
               FILTER (WHERE answered_at IS NOT NULL) AS avg_response_time_minutes
    FROM ans GROUP BY page_id
)
SELECT ids.page_id,
       CAST(da.followers AS DOUBLE) AS followers,
       CAST(CASE WHEN pa.page_id IS NULL THEN 0 ELSE pa.interactions END AS DOUBLE)
           AS interactions,
       CAST(da.people_talking_about AS DOUBLE) AS people_talking_about,
       CAST(coalesce(qagg.questions_answered, 0) AS DOUBLE) AS questions_answered,
       CAST(coalesce(pa.page_posts, 0) AS DOUBLE) AS page_posts,
       CAST(qagg.avg_response_time_minutes AS DOUBLE) AS avg_response_time_minutes,
       CAST(CASE WHEN pa.page_id IS NULL THEN 0 ELSE pa.likes END AS DOUBLE) AS likes,
       CAST(CASE WHEN pa.page_id IS NULL THEN 0 ELSE pa.comments END AS DOUBLE) AS comments,
       CAST(CASE WHEN pa.page_id IS NULL THEN 0 ELSE pa.shares END AS DOUBLE) AS shares,
       CAST(CASE WHEN pa.page_id IS NULL THEN 0 ELSE pa.interactions END AS DOUBLE)
           / NULLIF(CAST(da.followers AS DOUBLE), 0) * 100 AS engagement_rate,
       CAST(coalesce(pa.page_posts, 0) AS DOUBLE) / ({n_days} / 7.0) AS posts_per_week
FROM ids
LEFT JOIN pa ON pa.page_id = ids.page_id
LEFT JOIN da ON da.page_id = ids.page_id
LEFT JOIN qagg ON qagg.page_id = ids.page_id
ORDER BY ids.page_id
"""


def _pandas_job(data_dir: str, first_day: str, last_day: str) -> dict:
    """In a fresh process: read the Parquet files with pandas, time page_table."""
    from kommunesm.metrics import page_table

    base = _peak_rss_mb()
    t0 = time.perf_counter()
    tables = {t: pd.read_parquet(Path(data_dir) / f"{t}.parquet") for t in TABLES}
    t1 = time.perf_counter()
    result = page_table(
        tables["pages"],
        tables["page_days"],
        tables["posts"],
        tables["comments"],
        first_day,
        last_day,
        engine="pandas",  # the reference implementation
        engagement="period",  # the variant this SQL computes for metric 10
    )
    t2 = time.perf_counter()
    return {
        "seconds_read": t1 - t0,
        "seconds_compute": t2 - t1,
        "seconds_total": t2 - t0,
        "rss_after_imports_mb": base,
        "peak_rss_mb": _peak_rss_mb(),
        "result": result[list(COMPARED)],
    }


def _duckdb_job(data_dir: str, first_day: str, last_day: str, threads: int | None) -> dict:
    """In a fresh process: the same aggregation in DuckDB SQL over the Parquet files
    (reading is part of the query)."""
    import duckdb

    import kommunesm.metrics.response  # noqa: F401  (same imports as the pandas job)

    base = _peak_rss_mb()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Oslo'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    sql = sql_page_table(data_dir, first_day, last_day)
    t0 = time.perf_counter()
    result = con.sql(sql).df().set_index("page_id")
    t1 = time.perf_counter()
    result.index = result.index.astype("str")
    return {
        "seconds_read": np.nan,
        "seconds_compute": t1 - t0,
        "seconds_total": t1 - t0,
        "rss_after_imports_mb": base,
        "peak_rss_mb": _peak_rss_mb(),
        "threads": int(con.execute("SELECT current_setting('threads')").fetchall()[0][0]),
        "result": result[list(COMPARED)].astype("float64"),
    }


def _generate_job(data_dir: str, scale: int, seed: int, year: int) -> dict:
    """In a fresh process (so the benchmark's parent stays small): generate and write."""
    from scale import make_panel, write_panel

    t0 = time.perf_counter()
    tables = make_panel(scale=scale, seed=seed, year=year)
    write_panel(tables, data_dir, ("parquet",))
    return {
        "seconds": time.perf_counter() - t0,
        "rows": {t: len(v) for t, v in tables.items()},
        "peak_rss_mb": _peak_rss_mb(),
    }


def _in_fresh_process(fn, *args):
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def compare(a: pd.DataFrame, b: pd.DataFrame, rtol: float = 1e-9) -> dict:
    """Equality of two page tables (same pages, same NaNs, values within ``rtol``)."""
    a = a.sort_index()
    b = b.sort_index()
    same_pages = a.index.equals(b.index)
    if not same_pages:
        return {"equal": False, "same_pages": False, "max_rel_diff": np.nan}
    x, y = a.to_numpy(dtype="float64"), b.to_numpy(dtype="float64")
    same_nan = bool((np.isnan(x) == np.isnan(y)).all())
    ok = ~np.isnan(x) & ~np.isnan(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(x[ok] - y[ok]) / np.maximum(np.abs(y[ok]), 1e-12)
    max_rel = float(rel.max()) if rel.size else 0.0
    worst = None
    if rel.size and max_rel > rtol:
        rows, cols = np.nonzero(ok)
        i = int(np.argmax(rel))
        worst = {"page_id": a.index[rows[i]], "column": a.columns[cols[i]]}
    return {
        "equal": bool(same_nan and max_rel <= rtol),
        "same_pages": True,
        "same_missing": same_nan,
        "max_rel_diff": max_rel,
        "worst": worst,
    }


def run(
    scale: int = 1,
    *,
    data_dir: str | Path | None = None,
    threads: int | None = None,
    seed: int = 2013,
    keep: bool = False,
) -> dict:
    """Generate (or reuse) the scaled panel, time both engines, check equality.

    Parameters
    ----------
    scale
        Panel scale (1: 357 pages, ~150 000 posts, ~2.2 million comments; 10: ten times).
    data_dir
        Where the Parquet files are (reused if present) or are written; default: a
        temporary directory, deleted afterwards unless ``keep``.
    threads
        DuckDB threads (default: DuckDB's own, all cores).
    seed
        Panel seed.

    Returns
    -------
    dict
        scale, pages, rows per table, seconds_generate, pandas_* and duckdb_* timings
        (read, compute, total) and peak RSS (MB), ratio (pandas total / DuckDB total),
        ratio_compute (pandas compute only / DuckDB), equal, max_rel_diff.
    """
    import shutil

    tmp = None
    if data_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="ksm_bench_"))
        data_dir = tmp
    data_dir = Path(data_dir)
    year = 2013
    first_day, last_day = f"{year}-01-01", f"{year}-12-31"
    seconds_generate = 0.0
    rows: dict[str, int] = {}
    try:
        if not all((data_dir / f"{t}.parquet").exists() for t in TABLES):
            gen = _in_fresh_process(_generate_job, str(data_dir), scale, seed, year)
            seconds_generate, rows = gen["seconds"], gen["rows"]
        else:
            import pyarrow.parquet as pq

            rows = {t: pq.ParquetFile(data_dir / f"{t}.parquet").metadata.num_rows for t in TABLES}
        pdj = _in_fresh_process(_pandas_job, str(data_dir), first_day, last_day)
        ddj = _in_fresh_process(_duckdb_job, str(data_dir), first_day, last_day, threads)
        check = compare(pdj.pop("result"), ddj.pop("result"))
    finally:
        if tmp is not None and not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    out = {
        "scale": scale,
        "pages": rows.get("pages"),
        **{f"rows_{t}": n for t, n in rows.items()},
        "seconds_generate": round(seconds_generate, 3),
        **{f"pandas_{k}": v for k, v in pdj.items()},
        **{f"duckdb_{k}": v for k, v in ddj.items()},
        "ratio": pdj["seconds_total"] / ddj["seconds_total"],
        "ratio_compute": pdj["seconds_compute"] / ddj["seconds_total"],
        **check,
        "data_dir": str(data_dir) if (tmp is None or keep) else None,
    }
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


def _print(res: dict) -> None:
    print(
        f"panel: scale {res['scale']}, {res['pages']} pages, {res.get('rows_posts')} posts, "
        f"{res.get('rows_comments')} comments, {res.get('rows_page_days')} page days"
    )
    print(
        f"pandas  page_table: {res['pandas_seconds_total']:.2f} s "
        f"(read Parquet {res['pandas_seconds_read']:.2f} s + compute "
        f"{res['pandas_seconds_compute']:.2f} s), peak RSS {res['pandas_peak_rss_mb']:.0f} MB"
    )
    print(
        f"DuckDB  SQL:        {res['duckdb_seconds_total']:.2f} s (read + compute, "
        f"{res['duckdb_threads']} threads), peak RSS {res['duckdb_peak_rss_mb']:.0f} MB"
    )
    print(
        f"ratio pandas/DuckDB: {res['ratio']:.2f} (compute only: {res['ratio_compute']:.2f}); "
        f"results equal: {res['equal']} (max relative difference {res['max_rel_diff']:.2e})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="panel scale (10: the 10× panel)")
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse/write Parquet here")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    res = run(args.scale, data_dir=args.data_dir, threads=args.threads, seed=args.seed)
    if args.json:
        print(json.dumps(res, indent=2, default=str))
    else:
        _print(res)
    return 0 if res["equal"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

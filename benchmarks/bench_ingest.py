"""Benchmark: ingest of a scaled panel's CSV files against reference CSV → Parquet copies.

One run, on the same CSV files (``pages``, ``page_days``, ``posts``, ``comments`` of
:mod:`benchmarks.scale`, written block by block):

- **kommunesm, streaming** — ``kommunesm.io.stream.read_files`` + ``ingest.write`` (what
  ``kommunesm ingest --stream`` runs): format detection, parsing, validation with the
  quarantine, keyed pseudonyms of ``author_id``, the scrubber on ``message``, question
  detection, key checks across blocks and files, the atomic snapshot with its manifest;
- **kommunesm, robust** (``--robust``) — ``ingest.read_files`` + ``write``, the path for
  messy exports (holds every row in memory);
- **reference DuckDB** — ``COPY (SELECT * FROM read_csv(…)) TO '….parquet'`` per file:
  parsing and writing only, no validation, no pseudonyms;
- **reference pyarrow** — ``pyarrow.csv.open_csv`` blocks → ``ParquetWriter``, the same.

Each engine runs in its own fresh process (peak resident memory ``VmHWM`` is its own);
engines alternate over ``--repeats`` rounds and the median is reported, with the load
average before each run. ``scrub_distinct`` measures the scrubber alone on distinct
messages (the panel repeats 22 message texts, which the ingest scrubs once each; real
comments are nearly all distinct), so that the cost of scrubbing real text can be stated.

Usage::

    .venv/bin/python benchmarks/bench_ingest.py --scales 1 --repeats 3 --work /work/bench-data
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

TABLES = ("pages", "page_days", "posts", "comments")
#: The benchmark's own key (pseudonyms are keyed; never a real project key).
BENCH_KEY = "kommunesm-benchmark-key-not-secret"


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _files(data: str) -> list[str]:
    return [str(Path(data) / f"{t}.csv") for t in TABLES]


def _fresh_out(work: str, name: str) -> Path:
    out = Path(work) / f"out-{name}"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out.parent / f".{out.name}.stage", ignore_errors=True)
    return out


def job_kommunesm_stream(data: str, work: str) -> dict:
    os.environ["KOMMUNESM_KEY"] = BENCH_KEY
    from kommunesm.io import ingest, stream

    out = _fresh_out(work, "stream")
    t0 = time.perf_counter()
    result = stream.read_files(_files(data), out.parent / f".{out.name}.stage")
    ingest.write(result, out)
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "rows_in": int(result.summary["rows_in"].sum()),
        "written": int(result.summary["written"].sum()),
        "quarantined": int(result.summary["quarantined"].sum()),
    }


def job_kommunesm_robust(data: str, work: str) -> dict:
    os.environ["KOMMUNESM_KEY"] = BENCH_KEY
    from kommunesm.io import ingest

    out = _fresh_out(work, "robust")
    t0 = time.perf_counter()
    result = ingest.read_files(_files(data))
    ingest.write(result, out)
    return {
        "seconds": time.perf_counter() - t0,
        "peak_mb": _peak_mb(),
        "rows_in": int(result.summary["rows_in"].sum()),
        "written": int(result.summary["written"].sum()),
        "quarantined": int(result.summary["quarantined"].sum()),
    }


def job_reference_duckdb(data: str, work: str) -> dict:
    import duckdb

    out = _fresh_out(work, "duckdb")
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET memory_limit = '1GB'")
    rows = 0
    for t, f in zip(TABLES, _files(data), strict=True):
        con.execute(f"COPY (SELECT * FROM read_csv('{f}')) TO '{out / t}.parquet'")
        rows += con.execute(f"SELECT count(*) FROM '{out / t}.parquet'").fetchone()[0]
    con.close()
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_mb(), "rows_in": rows}


def job_reference_pyarrow(data: str, work: str) -> dict:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    out = _fresh_out(work, "pyarrow")
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    rows = 0
    for t, f in zip(TABLES, _files(data), strict=True):
        reader = pacsv.open_csv(f, read_options=pacsv.ReadOptions(block_size=32 << 20))
        with pq.ParquetWriter(out / f"{t}.parquet", reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_mb(), "rows_in": rows}


def job_scrub_distinct(n: int = 100_000) -> dict:
    """The scrubber on ``n`` distinct comment texts (messages/s)."""
    os.environ["KOMMUNESM_KEY"] = BENCH_KEY
    import numpy as np
    import pandas as pd
    from scale import MESSAGES

    from kommunesm.io import privacy

    rng = np.random.default_rng(1)
    base = np.array(MESSAGES, dtype=object)[rng.integers(0, len(MESSAGES), n)]
    texts = pd.Series(base + " (sak " + pd.Series(np.arange(n)).astype(str).to_numpy() + ")")
    t0 = time.perf_counter()
    privacy.scrub_text(texts)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "messages": n, "messages_per_s": n / seconds}


JOBS = {
    "kommunesm_stream": job_kommunesm_stream,
    "reference_duckdb": job_reference_duckdb,
    "reference_pyarrow": job_reference_pyarrow,
    "kommunesm_robust": job_kommunesm_robust,
}


def _fresh(fn, *args):
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def ensure_csv(work: Path, scale: int) -> Path:
    """The panel's CSV files at ``scale`` under ``work/x<scale>`` (generated if absent)."""
    data = work / f"x{scale}"
    if not all((data / f"{t}.csv").exists() for t in TABLES):
        from scale import write_panel_chunked

        write_panel_chunked(data, ("parquet", "csv"), scale=scale)
    return data


def run(scale: int, work: Path, repeats: int, engines: list[str]) -> dict:
    data = ensure_csv(work, scale)
    size = sum((data / f"{t}.csv").stat().st_size for t in TABLES)
    times: dict[str, list[float]] = {e: [] for e in engines}
    peaks: dict[str, list[float]] = {e: [] for e in engines}
    info: dict[str, dict] = {}
    loads = []
    for _ in range(repeats):
        for e in engines:
            loads.append(round(os.getloadavg()[0], 2))
            out = _fresh(JOBS[e], str(data), str(work))
            times[e].append(out["seconds"])
            peaks[e].append(out["peak_mb"])
            info[e] = out
    rows = info[engines[0]]["rows_in"]
    scrub = _fresh(job_scrub_distinct)
    for e in engines:
        shutil.rmtree(work / f"out-{e.split('_', 1)[1]}", ignore_errors=True)
    return {
        "scale": scale,
        "csv_bytes": size,
        "rows_in": rows,
        "seconds_median": {e: statistics.median(v) for e, v in times.items()},
        "seconds_all": times,
        "rows_per_s": {e: rows / statistics.median(v) for e, v in times.items()},
        "peak_mb_max": {e: max(v) for e, v in peaks.items()},
        "quarantined": {e: info[e].get("quarantined") for e in engines},
        "scrub_distinct_messages_per_s": scrub["messages_per_s"],
        "load_average_during": loads,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="1")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--work", type=Path, default=HERE / "_work")
    ap.add_argument("--engines", default="kommunesm_stream,reference_duckdb,reference_pyarrow")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    out = []
    for s in [int(x) for x in args.scales.split(",")]:
        res = run(s, args.work, args.repeats, args.engines.split(","))
        print(json.dumps(res, indent=1), flush=True)
        out.append(res)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

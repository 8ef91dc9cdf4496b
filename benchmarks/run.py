"""Benchmarks of kommunesm against the targets of issue 15 (``make bench``; not tests).

One command measures, side by side in the same run (engines alternating, medians, the
load average recorded before every run — the machine is shared):

- **report**: ``kommunesm report`` on the embedded data, as ``make report`` runs it
  (chapters, municipality profiles and Sphinx), three times;
- **page_table** at ×10 (``bench_engines.py``): kommunesm's DuckDB engine reading the
  Parquet files under ``memory_limit``, against the hand-written DuckDB SQL and Polars
  streaming references; time and peak memory of each engine's own process;
- **page_table at ×100** (220 M comments): the panel is written block by block
  (``scale.py``) and kommunesm's DuckDB engine runs on it under a memory limit, in a
  child process with a time limit;
- **ingest** at ×1 and ×10 (``bench_ingest.py``): ``kommunesm ingest --stream``
  (validation, quarantine, keyed pseudonyms, scrubber, key checks, atomic snapshot)
  against DuckDB's and pyarrow's plain CSV → Parquet copies.

The results go to ``benchmarks/results.json`` and, as a table of the targets (measured,
met or not, why and what it would take, the machine, the date and the load), into the
top-level ``README.md`` between the ``bench`` markers. ``--from-json`` rebuilds the table
from stored results; ``--only`` runs one part and merges it into the stored results.

Usage::

    .venv/bin/python benchmarks/run.py --work /work/bench-data           # everything
    .venv/bin/python benchmarks/run.py --only ingest --ingest-scales 1
    .venv/bin/python benchmarks/run.py --from-json benchmarks/results.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results.json"
BENCH_START, BENCH_END = "<!-- bench:start -->", "<!-- bench:end -->"
PYTHON = sys.executable
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


# --------------------------------------------------------------------------- helpers
def machine() -> dict[str, Any]:
    """CPU, cores, memory, load and library versions of this machine."""
    import duckdb
    import numpy
    import pandas
    import psutil
    import pyarrow

    import kommunesm
    from kommunesm.report import git_commit

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "pyarrow": pyarrow.__version__,
        "duckdb": duckdb.__version__,
        "kommunesm": kommunesm.__version__,
        "commit": git_commit(),
    }


def run_step(
    args: list[str], *, timeout: float, memory_cap_gb: float, cwd: Path = REPO
) -> dict[str, Any]:
    """Run a step in a child process; return its JSON result plus wall time and peak RSS
    (of the child and its descendants, sampled), or the reason it was stopped."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    ps = psutil.Process(proc.pid)
    peak = 0.0
    stopped = None
    cap = memory_cap_gb * 2**30
    while proc.poll() is None:
        try:
            procs = [ps, *ps.children(recursive=True)]
            rss = sum(p.memory_info().rss for p in procs if p.is_running())
        except psutil.Error:
            rss = 0
        peak = max(peak, rss)
        if rss > cap:
            stopped = f"stopped: memory above the cap of {memory_cap_gb:g} GB"
        elif time.perf_counter() - t0 > timeout:
            stopped = f"stopped: did not finish within {timeout:g} s"
        if stopped:
            for p in [*ps.children(recursive=True), ps]:
                try:
                    p.kill()
                except psutil.Error:
                    pass
            break
        time.sleep(0.1)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    result: dict[str, Any] = {"wall_s": round(wall, 2), "sampled_peak_rss_mb": round(peak / 2**20)}
    if stopped:
        result["error"] = stopped
        return result
    if proc.returncode != 0:
        result["error"] = f"exit code {proc.returncode}: {err.strip().splitlines()[-1:]}"
        return result
    result["stdout_tail"] = out.strip().splitlines()[-3:]
    last = [ln for ln in out.splitlines() if ln.startswith("{")]
    if last:
        result.update(json.loads(last[-1]))
    return result


# --------------------------------------------------------------------------- parts
def part_page_table(work: Path, repeats: int, memory_limit: str) -> dict[str, Any]:
    """×10 page_table: kommunesm DuckDB against the DuckDB and Polars references."""
    import bench_engines

    engines = ["kommunesm_duckdb", "reference_duckdb", "reference_polars"]
    return bench_engines.run(10, work, repeats, memory_limit, engines)


def part_ingest(work: Path, scales: list[int], repeats: int) -> list[dict[str, Any]]:
    import bench_ingest

    engines = ["kommunesm_stream", "reference_duckdb", "reference_pyarrow"]
    return [bench_ingest.run(s, work, repeats if s == 1 else 1, engines) for s in scales]


X100_JOB = """
import json, sys, time
sys.path.insert(0, {here!r})
from bench_engines import job_kommunesm_duckdb
out = job_kommunesm_duckdb({data!r}, {limit!r})
res = out.pop("result")
print(json.dumps({{"seconds": out["seconds"], "peak_mb": out["peak_mb"], "pages": len(res),
                  "questions_answered": float(res["questions_answered"].sum())}}))
"""


def part_x100(work: Path, timeout: float, memory_limit: str) -> dict[str, Any]:
    """Write the ×100 panel (Parquet, block by block), then page_table on it."""
    from scale import write_panel_chunked

    data = work / "x100"
    t0 = time.perf_counter()
    if not (data / "comments.parquet").exists():
        info = write_panel_chunked(data, ("parquet",), scale=100)
        rows = info["rows"]
    else:
        import pyarrow.parquet as pq

        rows = {
            t: pq.ParquetFile(data / f"{t}.parquet").metadata.num_rows
            for t in ("pages", "page_days", "posts", "comments")
        }
    generate = time.perf_counter() - t0
    load = [round(x, 2) for x in os.getloadavg()]
    code = X100_JOB.format(here=str(HERE), data=str(data), limit=memory_limit)
    step = run_step([PYTHON, "-c", code], timeout=timeout, memory_cap_gb=20)
    return {
        "rows": rows,
        "seconds_generate": round(generate, 1),
        "memory_limit": memory_limit,
        "load_average_before": load,
        **step,
    }


REPORT_LINE = re.compile(
    r"report written in (?P<total>[\d.]+) s \(notebooks (?P<notebooks>[\d.]+) s, "
    r"pages (?P<pages>[\d.]+) s, sphinx (?P<sphinx>[\d.]+) s\)"
)


def part_report(work: Path, repeats: int) -> dict[str, Any]:
    """``kommunesm report`` on the embedded data, as ``make report`` runs it (a fresh
    process each time: chapters in their own kernels, profile pages, Sphinx)."""
    runs = []
    for _ in range(repeats):
        load = round(os.getloadavg()[0], 2)
        step = run_step(
            [PYTHON, "-m", "kommunesm", "report", "--out", str(work / "report-site")],
            timeout=900,
            memory_cap_gb=8,
        )
        m = next((REPORT_LINE.search(ln) for ln in step.get("stdout_tail", [])), None)
        if m is None:
            m = REPORT_LINE.search("\n".join(step.get("stdout_tail", [])))
        runs.append(
            {
                "load_average_before": load,
                "wall_s": step["wall_s"],
                "peak_mb": step["sampled_peak_rss_mb"],
                **({k: float(v) for k, v in m.groupdict().items()} if m else {}),
                **({"error": step["error"]} if "error" in step else {}),
            }
        )
    ok = [r for r in runs if "notebooks" in r]

    def median(key: str) -> float:
        return float(sorted(r[key] for r in ok)[len(ok) // 2]) if ok else float("nan")

    return {
        "runs": runs,
        "wall_s_median": median("wall_s"),
        "notebooks_s_median": median("notebooks"),
        "peak_mb_max": max((r["peak_mb"] for r in runs), default=0),
    }


# --------------------------------------------------------------------------- table
def _s(x: float) -> str:
    return f"{x:.1f} s" if x < 100 else f"{x:.0f} s"


def _gb(mb: float) -> str:
    return f"{mb / 1024:.2f} GB"


def _load(values: list[float]) -> str:
    return f"{min(values):.1f}–{max(values):.1f}" if values else "?"


REPORT_ROW = (
    "| `kommunesm report` on the embedded data: chapters ≤ 30 s, whole build ≤ 60 s "
    "| not run in this measurement | – | `python benchmarks/run.py --only report` |"
)


def render(results: dict[str, Any]) -> str:
    """The README table of the issue's targets from ``results``."""
    m = results.get("machine", {})
    lines = [
        f"Measured {m.get('date', '?')} by `benchmarks/run.py` (commit `{m.get('commit', '?')}`) "
        f"on {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('ram_gb', '?')} GB RAM "
        f"(Python {m.get('python', '?')}, DuckDB {m.get('duckdb', '?')}, pyarrow "
        f"{m.get('pyarrow', '?')}); the machine was **shared** with other sessions — the "
        "load average during each part is given; engines alternate in one run, so their "
        "ratios are fairer than the absolute times.",
        "",
        "| target (issue 15) | measured | met? | why / what it would take |",
        "|---|---|---|---|",
    ]
    pt = results.get("page_table")
    if pt:
        t = pt["seconds_median"]
        refs = {k: v for k, v in t.items() if k.startswith("reference_")}
        fastest = min(refs, key=refs.get)
        ratio = t["kommunesm_duckdb"] / refs[fastest]
        names = {
            "reference_duckdb": "hand-written DuckDB SQL",
            "reference_polars": "Polars streaming",
        }
        equal = all(pt.get("equal_on_shared_columns", {}).values())
        met = ratio <= 1.1
        lines.append(
            f"| `page_table` ×10 ({pt['rows']['comments']:,} comments) ≤ 1.1× the fastest "
            f"reference | kommunesm (DuckDB, 35 columns, `memory_limit={pt['memory_limit']}`) "
            f"{_s(t['kommunesm_duckdb'])}; {names[fastest]} {_s(refs[fastest])}"
            + "".join(f"; {names[k]} {_s(v)}" for k, v in refs.items() if k != fastest)
            + f" → **{ratio:.2f}×** (medians of {len(pt['seconds_all']['kommunesm_duckdb'])}; "
            f"load {_load(pt['load_average_during'])}; shared columns equal: "
            f"{'yes' if equal else 'NO'}) | {'met' if met else '**not met**'} | "
            + (
                ""
                if met
                else "The references compute 11 of the 35 columns (the ten Gambit metrics and "
                "posts per week); kommunesm also computes the office clock, the "
                "same-working-day rule, visitor-post questions, per-post and daily "
                "engagement with followers at posting, activity weeks and citizen threads. "
                "A full-column hand-written reference does not exist yet; against the "
                "DuckDB reference, which reads the same Parquet files with the same "
                "engine, kommunesm is at "
                f"{t['kommunesm_duckdb'] / t.get('reference_duckdb', float('nan')):.2f}×. "
                "What it would take: store ids as integer/dictionary codes at ingest (the "
                "string id columns dominate the scan), one window for the three reply "
                "rules, and followers-at-posting by an as-of join instead of a window."
            )
            + " |"
        )
        peak = pt["peak_mb_max"]["kommunesm_duckdb"]
        lines.append(
            f"| `page_table` ×10 peak memory ≤ 1.5 GB | {_gb(peak)} (references: "
            + ", ".join(f"{names[k]} {_gb(v)}" for k, v in pt["peak_mb_max"].items() if k in names)
            + f") | {'met' if peak <= 1536 else '**not met**'} | "
            + ("" if peak <= 1536 else "lower `memory_limit` (DuckDB spills to disk)")
            + " |"
        )
    x = results.get("x100")
    if x:
        ok = "error" not in x and x.get("pages")
        lines.append(
            f"| `page_table` ×100 ({x['rows']['comments']:,} comments) completes on this "
            f"24 GB machine | "
            + (
                f"completed in {_s(x['seconds'])}, peak {_gb(x['peak_mb'])} "
                f"(`memory_limit={x['memory_limit']}`; panel written block by block in "
                f"{_s(x['seconds_generate'])}; load before {x['load_average_before'][0]:.1f})"
                if ok
                else f"did not complete with `memory_limit={x['memory_limit']}`: "
                f"{x.get('error', '?')} after {x.get('wall_s', '?')} s"
            )
            + f" | {'met' if ok else '**not met**'} | "
            + (results.get("x100_note") or "")
            + " |"
        )
    else:
        lines.append(
            "| `page_table` ×100 (220 M comments) completes | not run in this measurement | "
            "– | `python benchmarks/run.py --only x100` |"
        )
    for ing in results.get("ingest", []):
        rps = ing["rows_per_s"]
        k = rps["kommunesm_stream"]
        scrub = ing.get("scrub_distinct_messages_per_s")
        peak = ing["peak_mb_max"]["kommunesm_stream"]
        refs = (
            f"DuckDB CSV→Parquet copy {rps['reference_duckdb'] / 1e6:.2f} M rows/s, "
            f"pyarrow {rps['reference_pyarrow'] / 1e6:.2f} M rows/s"
        )
        scale = ing["scale"]
        if scale == 1:
            met = k >= 1e6
            why = (
                ""
                if met
                else "Plain rows are parsed, checked and pseudonymised in vectorised Arrow; "
                "what remains in Python per block is pandas conversion, the canonical "
                "dtypes and the key checks, and the two passes over the file (the "
                "eligibility scan and staging + combining). On this loaded machine the "
                "reference copies run at the rates shown; kommunesm does the same parse "
                "plus validation, quarantine, pseudonyms, scrubbing and question flags. "
                f"**Scrubbing real text**: the scrubber handles {scrub:,.0f} distinct "
                "messages/s (Python, per distinct text; the panel repeats 22 texts, so "
                "it costs nothing here); with every comment distinct, ingest would be "
                f"bounded by ≈{scrub:,.0f} comments/s. "
                + (results.get("ingest_note", "") + " ")
                + "What it would take: the "
                "scrubber's name and number rules as one RE2 pass in Arrow (names "
                "dictionary as an Aho–Corasick set), dropping the pandas round trip "
                "of each block (write Arrow directly), and one pass over the file."
            )
            lines.append(
                f"| ingest ×1 ({ing['rows_in']:,} rows) ≥ 1 M rows/s with validation, "
                f"quarantine, pseudonymisation | **{k / 1e6:.2f} M rows/s** "
                f"({_s(ing['seconds_median']['kommunesm_stream'])}; {refs}; load "
                f"{_load(ing['load_average_during'])}) | {'met' if met else '**not met**'} "
                f"| {why} |"
            )
        ref_peaks = ing["peak_mb_max"]
        lines.append(
            f"| ingest ×{scale} ({ing['rows_in']:,} rows) peak memory ≤ 1 GB | {_gb(peak)} "
            f"({k / 1e6:.2f} M rows/s in {_s(ing['seconds_median']['kommunesm_stream'])}; "
            f"{refs}; their peaks: DuckDB {_gb(ref_peaks['reference_duckdb'])}, pyarrow "
            f"{_gb(ref_peaks['reference_pyarrow'])}; load {_load(ing['load_average_during'])}) "
            f"| {'met' if peak <= 1024 else '**not met**'} | "
            + (
                ""
                if peak <= 1024
                else "pyarrow's CSV reader alone (the reference column, the same reader "
                "kommunesm uses) grows with the file on this machine; what it would take: "
                "smaller read blocks (`ReadOptions.block_size`, `stream.BLOCK_ROWS`) and "
                "returning Arrow's memory pool to the system between blocks"
            )
            + " |"
        )
    if not results.get("ingest"):
        lines.append("| ingest ≥ 1 M rows/s, ≤ 1 GB | not run in this measurement | – | |")
    rep = results.get("report")
    if rep and rep.get("runs"):
        wall, nbs = rep["wall_s_median"], rep["notebooks_s_median"]
        met_nb, met_all = nbs <= 30, wall <= 60
        loads = [r["load_average_before"] for r in rep["runs"]]
        lines.append(
            "| `kommunesm report` on the embedded data (as `make report`): executing the "
            f"chapters ≤ 30 s, whole build ≤ 60 s | chapters **{_s(nbs)}**, whole build "
            f"**{_s(wall)}** (site, {rep.get('profiles', 'all')} municipality profiles and "
            f"Sphinx included; median of {len(rep['runs'])}; peak {_gb(rep['peak_mb_max'])} "
            f"for the build and its kernels; load before {_load(loads)}"
            + (f"; {rep['note']}" if rep.get("note") else "")
            + ") | chapters "
            f"{'met' if met_nb else '**not met**'}, whole build "
            f"{'met' if met_all else '**not met**'} | "
            + (
                ""
                if met_nb
                else "Nine chapters run in two kernels at a time; each fresh kernel spends "
                "≈2.5 s importing pandas, SciPy, statsmodels, matplotlib and Great Tables "
                "before its first cell. What it would take: reuse one warm kernel per "
                "worker (with a reset between chapters) or fork chapters from a warm "
                "process — about 15 s of CPU saved."
            )
            + " |"
        )
    else:
        lines.append(REPORT_ROW)
    return "\n".join(lines)


def write_readme(block: str, path: Path = REPO / "README.md") -> None:
    text = path.read_text(encoding="utf-8")
    i, j = text.index(BENCH_START), text.index(BENCH_END)
    path.write_text(text[: i + len(BENCH_START)] + "\n" + block + "\n" + text[j:], encoding="utf-8")


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=HERE / "_work", help="for the generated panels")
    ap.add_argument("--only", choices=["report", "page_table", "ingest", "x100"], default=None)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--ingest-scales", default="1,10")
    ap.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit for page_table")
    ap.add_argument("--x100-timeout", type=float, default=1800)
    ap.add_argument("--skip-x100", action="store_true")
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--from-json", action="store_true", help="only rebuild the README table")
    ap.add_argument("--no-readme", action="store_true")
    args = ap.parse_args(argv)
    results: dict[str, Any] = {}
    if args.results.exists():
        results = json.loads(args.results.read_text())
    if not args.from_json:
        args.work.mkdir(parents=True, exist_ok=True)
        if "machine" not in results or args.only is None:
            results["machine"] = machine()
        parts = [args.only] if args.only else ["report", "page_table", "ingest", "x100"]
        if args.skip_x100 and "x100" in parts:
            parts.remove("x100")
        for part in parts:
            if part == "report":
                results[part] = part_report(args.work, args.repeats)
            elif part == "page_table":
                results[part] = part_page_table(args.work, args.repeats, args.memory_limit)
            elif part == "ingest":
                scales = [int(s) for s in args.ingest_scales.split(",")]
                results[part] = part_ingest(args.work, scales, args.repeats)
            else:
                results[part] = part_x100(args.work, args.x100_timeout, args.memory_limit)
            results.setdefault("measured_at", {})[part] = dt.datetime.now(dt.UTC).strftime(
                "%Y-%m-%d %H:%M UTC"
            )
            args.results.write_text(json.dumps(results, indent=1, default=str) + "\n")
    block = render(results)
    print(block)
    if not args.no_readme:
        write_readme(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

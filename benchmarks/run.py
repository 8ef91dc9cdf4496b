"""Benchmarks of kommunesm (``make bench``; not part of the tests).

What is measured
----------------
(a) **report**: the whole ``kommunesm report`` on the embedded data (all notebooks, fresh
    kernels, HTML), wall time and the chapters' own times. Target: < 90 s on 2 cores.
(b) **scaled panel** (``benchmarks/scale.py``: 357 pages × 1 year ≈ 150 000 posts and
    ≈ 2 000 000 comments at scale 1, ten times that at scale 10), per scale:

    * **ingest**: CSV → Parquet through kommunesm's own path (format detection, the
      canonical reader, validation, pseudonymisation, cross-file duplicate check,
      Parquet writer: :func:`kommunesm.io.ingest.read_files` + ``write``), wall time and
      peak memory (RSS);
    * **page_table**: :func:`kommunesm.metrics.page_table` over the panel's Parquet
      files, wall time and peak memory (also the memory the data alone take);
(c) **DuckDB**: the same aggregation in DuckDB SQL over the same Parquet files
    (``benchmarks/bench_page_table.py``), and the ratio pandas / DuckDB. Target for
    page_table at scale 10: within 2× of DuckDB and under 4 GB peak.

Every measurement runs in its own process, so that peak memory is that step's alone;
a step that passes ``--timeout`` seconds or ``--memory-cap`` GB is stopped and reported
as such instead of taking the machine down. Results and the machine they ran on are
written into ``benchmarks/README.md`` (between the ``results`` markers), a short table
into the top-level ``README.md`` (between the ``bench`` markers), and printed.

Usage::

    .venv/bin/python benchmarks/run.py                       # report, scales 1 and 10
    .venv/bin/python benchmarks/run.py --scales 1 --skip-report
    .venv/bin/python benchmarks/run.py --ingest-scales 1,10  # also ingest the 10× CSV
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
README = HERE / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
BENCH_START, BENCH_END = "<!-- bench:start -->", "<!-- bench:end -->"
PYTHON = sys.executable


# --------------------------------------------------------------------------- helpers
def _peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    last = [ln for ln in out.splitlines() if ln.startswith("{")]
    if last:
        result.update(json.loads(last[-1]))
    return result


# --------------------------------------------------------------------------- workers
def worker_generate(scale: int, out: Path, csv: bool = True) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import scale as scale_module  # benchmarks/scale.py

    t0 = time.perf_counter()
    tables = scale_module.make_panel(scale=scale)
    gen = time.perf_counter() - t0
    written = scale_module.write_panel(tables, out, ("parquet", "csv") if csv else ("parquet",))
    return {
        "rows": {k: len(v) for k, v in tables.items()},
        "generate_s": round(gen, 2),
        "csv_mb": round(written["csv"]["bytes"] / 2**20) if csv else None,
        "parquet_mb": round(written["parquet"]["bytes"] / 2**20),
    }


def worker_ingest(src: Path, out: Path) -> dict[str, Any]:
    from kommunesm.io import ingest

    files = sorted(src.glob("*.csv"))
    t0 = time.perf_counter()
    result = ingest.read_files(files)
    t_load = time.perf_counter() - t0
    ingest.write(result, out)
    total = time.perf_counter() - t0
    rows_in = int(result.summary["rows_in"].sum())
    return {
        "seconds": round(total, 2),
        "load_validate_s": round(t_load, 2),
        "write_parquet_s": round(total - t_load, 2),
        "rows_in": rows_in,
        "rows_written": int(sum(len(t) for t in result.tables.values())),
        "quarantined": len(result.quarantine),
        "rows_per_s": round(rows_in / total),
        "peak_rss_mb": round(_peak_rss_mb()),
    }


def worker_compare(src: Path, scale: int) -> dict[str, Any]:
    """page_table (pandas) and the same aggregation in DuckDB SQL over the Parquet files
    in ``src``, each in a fresh process, with an equality check
    (``benchmarks/bench_page_table.py``)."""
    sys.path.insert(0, str(HERE))
    import bench_page_table

    res = bench_page_table.run(scale, data_dir=src)
    return {k: v for k, v in res.items() if not isinstance(v, (dict, list)) or k == "worst"}


# --------------------------------------------------------------------------- orchestration
def bench_report(work: Path, timeout: float, memory_cap_gb: float) -> dict[str, Any]:
    out = work / "report"
    res = run_step(
        [PYTHON, "-m", "kommunesm", "report", "--out", str(out)],
        timeout=timeout,
        memory_cap_gb=memory_cap_gb,
    )
    log = out.with_name(out.name + ".build.log")
    if log.is_file():
        text = log.read_text(encoding="utf-8")
        chapters = re.findall(r"^chapter (\S+) (\S+) ([\d.]+) s$", text, flags=re.M)
        res["chapters"] = {stem: float(sec) for stem, _, sec in chapters}
        res["status"] = {stem: status for stem, status, _ in chapters}
        steps = re.search(r"^timings: (\{.*\})$", text, flags=re.M)
        if steps:
            res["steps"] = json.loads(steps.group(1))
    return res


def bench_scale(
    scale: int,
    work: Path,
    *,
    ingest: bool,
    compare: bool = True,
    timeout: float,
    memory_cap_gb: float,
) -> dict[str, Any]:
    folder = work / f"scale{scale}"
    raw = folder / "raw"
    me = str(Path(__file__).resolve())
    common = {"timeout": timeout, "memory_cap_gb": memory_cap_gb}
    res: dict[str, Any] = {"scale": scale}
    print(f"[scale {scale}] generating the panel …", flush=True)
    gen = [PYTHON, me, "--worker", "generate", "--scale", str(scale), "--src", str(raw)]
    res["generate"] = run_step(gen + ([] if ingest else ["--no-csv"]), **common)
    if "error" in res["generate"]:
        return res
    if ingest:
        print(f"[scale {scale}] ingest CSV → Parquet …", flush=True)
        res["ingest"] = run_step(
            [PYTHON, me, "--worker", "ingest", "--src", str(raw), "--dest", str(folder / "proc")],
            **common,
        )
        shutil.rmtree(folder / "proc", ignore_errors=True)
    if compare:
        print(f"[scale {scale}] page_table (pandas) and DuckDB SQL …", flush=True)
        res["compare"] = run_step(
            [PYTHON, me, "--worker", "compare", "--src", str(raw), "--scale", str(scale)],
            **common,
        )
    shutil.rmtree(folder, ignore_errors=True)
    return res


# --------------------------------------------------------------------------- README
def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def _cell(step: dict[str, Any] | None, key: str = "seconds", unit: str = " s") -> str:
    if not step:
        return "not run"
    if "error" in step:
        return step["error"]
    return _fmt(step.get(key), unit)


def _peak(step: dict[str, Any] | None) -> str:
    if not step or "error" in step:
        return _cell(step) if step else "not run"
    mb = max(step.get("peak_rss_mb", 0), step.get("sampled_peak_rss_mb", 0))
    return f"{mb / 1024:.2f} GB"


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        START,
        f"Measured {m['date']} by `benchmarks/run.py` (commit `{m['commit']}`).",
        "",
        f"**Machine**: {m['cpu']}, {m['cores']} cores ({m['cores_usable']} usable), "
        f"{m['ram_gb']} GB RAM, {m['os']}; load average at start "
        f"{', '.join(map(str, m['load_average_at_start']))} (other work on the machine "
        "slows every number below). Python {python}, pandas {pandas}, numpy {numpy}, "
        "pyarrow {pyarrow}, DuckDB {duckdb}, kommunesm {kommunesm}.".format(**m),
        "",
    ]
    rep = results.get("report")
    if rep:
        verdict = (
            ""
            if "error" in rep
            else (
                " — target < 90 s **met**" if rep["wall_s"] < 90 else " — target < 90 s **not met**"
            )
        )
        lines += [
            "### (a) The whole report on the embedded data",
            "",
            f"`kommunesm report`: **{_cell(rep, 'wall_s')}** wall{verdict}; "
            "peak memory of the command and its kernels together (sampled) "
            f"{_fmt(rep.get('sampled_peak_rss_mb'), ' MB')}.",
            "",
        ]
        if rep.get("chapters"):
            lines += ["| chapter | seconds | status |", "|---|---:|---|"]
            lines += [
                f"| {k} | {v:.1f} | {rep.get('status', {}).get(k, '')} |"
                for k, v in rep["chapters"].items()
            ]
            lines.append("")
    scales = results.get("scales", [])
    if scales:
        lines += [
            "### (b, c) Scaled panel: ingest, page_table and the same aggregation in DuckDB",
            "",
            "| scale | pages | posts | comments | CSV size | ingest CSV→Parquet | ingest peak "
            "| page_table (read + compute) | page_table peak | DuckDB SQL (threads) | DuckDB "
            "peak | ratio pandas / DuckDB (compute only) | equal |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for s in scales:
            rows = s["generate"].get("rows", {})
            c = s.get("compare") or {}
            if "error" in c or not c:
                pandas_cell = duck_cell = _cell(c or None)
                pandas_peak = duck_peak = ratio = equal = "–"
            else:
                pandas_cell = (
                    f"{c['pandas_seconds_total']:.1f} s ({c['pandas_seconds_read']:.1f} + "
                    f"{c['pandas_seconds_compute']:.1f})"
                )
                pandas_peak = f"{c['pandas_peak_rss_mb'] / 1024:.2f} GB"
                duck_cell = f"{c['duckdb_seconds_total']:.1f} s ({c['duckdb_threads']})"
                duck_peak = f"{c['duckdb_peak_rss_mb'] / 1024:.2f} GB"
                ratio = f"{c['ratio']:.1f}× ({c['ratio_compute']:.1f}×)"
                equal = "yes" if c.get("equal") else f"no ({c.get('max_rel_diff')})"
            lines.append(
                f"| ×{s['scale']} | {_fmt(rows.get('pages'))} | {_fmt(rows.get('posts'))} | "
                f"{_fmt(rows.get('comments'))} | {_fmt(s['generate'].get('csv_mb'), ' MB')} | "
                f"{_cell(s.get('ingest'))} | {_peak(s.get('ingest'))} | {pandas_cell} | "
                f"{pandas_peak} | {duck_cell} | {duck_peak} | {ratio} | {equal} |"
            )
        lines.append("")
        for s in scales:
            ing = s.get("ingest")
            if ing and "error" not in ing:
                lines.append(
                    f"- ×{s['scale']} ingest: {ing['rows_in']:,} rows in, "
                    f"{ing['rows_per_s']:,} rows/s (load + validate {ing['load_validate_s']} s, "
                    f"write Parquet {ing['write_parquet_s']} s), {ing['quarantined']:,} "
                    "quarantined."
                )
        compared = [s for s in scales if "ratio" in (s.get("compare") or {})]
        projection = _ingest_projection(results)
        if projection:
            lines.append(f"- ×10 ingest not run: {projection}.")
        last = max(compared, key=lambda s: s["scale"]) if compared else scales[-1]
        c = last.get("compare") or {}
        if "ratio" in c:
            peak_gb = c["pandas_peak_rss_mb"] / 1024
            lines += [
                f"- Targets at ×{last['scale']}: page_table within 2× of DuckDB — "
                f"{'**met**' if c['ratio'] <= 2 else '**not met**'} ({c['ratio']:.1f}× with "
                f"reading, {c['ratio_compute']:.1f}× compute only); peak under 4 GB — "
                f"{'**met**' if peak_gb < 4 else '**not met**'} ({peak_gb:.2f} GB).",
            ]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def render_summary(results: dict[str, Any]) -> str:
    """The short table for the top-level README (between the ``bench`` markers)."""
    m = results["machine"]
    lines = [
        BENCH_START,
        f"Measured {m['date'][:10]} on {m['cores']} cores ({m['cpu']}, {m['ram_gb']} GB RAM) by "
        "`benchmarks/run.py`:",
        "",
        "| what | time | peak memory | target |",
        "|---|---:|---:|---|",
    ]
    rep = results.get("report")
    if rep and "error" not in rep:
        n = len(rep.get("chapters", {}))
        met = "met" if rep["wall_s"] < 90 else "not met"
        lines.append(
            f"| `kommunesm report` on the embedded data ({n} chapters) | {rep['wall_s']:.1f} s "
            f"| {rep['sampled_peak_rss_mb'] / 1024:.1f} GB | < 90 s: {met} |"
        )
    for s in results.get("scales", []):
        rows = s["generate"].get("rows", {})
        c = s.get("compare") or {}
        if "ratio" in c:
            peak = c["pandas_peak_rss_mb"] / 1024
            target = ""
            if s["scale"] == 10:
                ok = c["ratio"] <= 2 and peak < 4
                target = f"≤ 2× DuckDB, < 4 GB: {'met' if ok else 'not met'}"
            lines.append(
                f"| `metrics.page_table`, ×{s['scale']} ({rows.get('comments', 0) / 1e6:.1f} M "
                f"comments) | {c['pandas_seconds_total']:.1f} s (DuckDB SQL "
                f"{c['duckdb_seconds_total']:.1f} s, {c['ratio']:.1f}×) | {peak:.1f} GB | "
                f"{target} |"
            )
        ing = s.get("ingest")
        if ing and "error" not in ing:
            lines.append(
                f"| ingest CSV → Parquet, ×{s['scale']} ({ing['rows_in'] / 1e6:.1f} M rows) | "
                f"{ing['seconds']:.1f} s | {ing['peak_rss_mb'] / 1024:.1f} GB | |"
            )
        elif ing:
            lines.append(f"| ingest CSV → Parquet, ×{s['scale']} | {ing['error']} | | |")
    projection = _ingest_projection(results)
    if projection:
        lines.append(f"| ingest CSV → Parquet, ×10 | not run: {projection} | | |")
    lines.append(BENCH_END)
    return "\n".join(lines)


def _ingest_projection(results: dict[str, Any]) -> str | None:
    """If ×10 was not ingested: the memory it would need at the measured bytes per row."""
    scales = {s["scale"]: s for s in results.get("scales", [])}
    if 10 in scales and scales[10].get("ingest"):
        return None
    measured = [
        s["ingest"]["peak_rss_mb"] / s["ingest"]["rows_in"]
        for s in scales.values()
        if s.get("ingest") and "error" not in s["ingest"]
    ]
    if not measured:
        return None
    rows10 = sum(scales[10]["generate"].get("rows", {}).values()) if 10 in scales else None
    if not rows10:
        rows1 = next(iter(scales.values()))
        rows10 = 10 * sum(rows1["generate"].get("rows", {}).values()) / rows1["scale"]
    need = max(measured) * rows10 / 1024
    return f"at the measured {max(measured) * 1024:.2f} KB per row it would need ~{need:.0f} GB"


def write_summary(block: str, path: Path = REPO / "README.md") -> None:
    """Replace the block between the ``bench`` markers of the top-level README."""
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    if BENCH_START in text and BENCH_END in text:
        head, rest = text.split(BENCH_START, 1)
        _, tail = rest.split(BENCH_END, 1)
        path.write_text(head + block + tail, encoding="utf-8")


def write_readme(block: str, path: Path = README) -> None:
    text = (
        path.read_text(encoding="utf-8") if path.is_file() else f"# Benchmarks\n\n{START}\n{END}\n"
    )
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n## Results\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- main
def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10", help="panel scales for page_table/DuckDB")
    parser.add_argument(
        "--ingest-scales",
        default="1,2",
        help="scales at which to time the CSV ingest (it holds all rows in memory: about "
        "3 GB per scale unit, so ×10 needs ~30 GB; see README)",
    )
    parser.add_argument("--skip-report", action="store_true", help="do not time the report")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per step")
    parser.add_argument("--memory-cap", type=float, default=12, help="GB per step")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder")
    parser.add_argument("--no-readme", action="store_true", help="do not update README.md")
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    # internal: one step in a child process
    parser.add_argument("--worker", choices=["generate", "ingest", "compare"])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--src", type=Path)
    parser.add_argument("--dest", type=Path)
    parser.add_argument("--no-csv", action="store_true")
    args = parser.parse_args(argv)

    if args.worker:
        if args.worker == "generate":
            out = worker_generate(args.scale, args.src, csv=not args.no_csv)
        elif args.worker == "ingest":
            out = worker_ingest(args.src, args.dest)
        else:
            out = worker_compare(args.src, args.scale)
        print(json.dumps(out))
        return 0

    work = args.work or Path(tempfile.mkdtemp(prefix="ksm_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine()}
    print(json.dumps(results["machine"], indent=2), flush=True)
    common = {"timeout": args.timeout, "memory_cap_gb": args.memory_cap}
    if not args.skip_report:
        print("[report] kommunesm report on the embedded data …", flush=True)
        results["report"] = bench_report(work, **common)
        print(json.dumps(results["report"], indent=2), flush=True)
    ingest_scales = set(_ints(args.ingest_scales))
    compare_scales = set(_ints(args.scales))
    results["scales"] = []
    for scale in sorted(ingest_scales | compare_scales):
        res = bench_scale(
            scale,
            work,
            ingest=scale in ingest_scales,
            compare=scale in compare_scales,
            **common,
        )
        results["scales"].append(res)
        print(json.dumps(res, indent=2), flush=True)
    block = render(results)
    print(block)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if not args.no_readme:
        write_readme(block)
        write_summary(render_summary(results))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

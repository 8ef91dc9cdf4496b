"""Command-line interface: ``kommunesm report | ingest | validate | demo | formats``.

Run ``kommunesm --help`` (or ``python -m kommunesm --help``) for the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="kommunesm: reproduce and extend the studies of Norwegian municipalities in social media.",
)
console = Console()
err_console = Console(stderr=True)

REPO_ROOT = Path(__file__).resolve().parents[1]


def _print_frame(frame: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col))
    for row in frame.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    console.print(table)


@app.command()
def report(
    data: Annotated[Path, typer.Option("--data", help="Data directory.")] = REPO_ROOT
    / "data"
    / "raw",
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = REPO_ROOT / "reports",
    year: Annotated[int, typer.Option("--year", help="Study year.")] = 2013,
    no_code: Annotated[bool, typer.Option("--no-code", help="Hide code cells.")] = False,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Only these notebooks (repeatable).")
    ] = None,
) -> None:
    """Execute the notebooks on DATA and render the HTML report into OUT."""
    from kommunesm.report import BuildError, build

    try:
        result = build(data, out, year=year, no_code=no_code, only=only)
    except BuildError as exc:
        err_console.print(f"[bold red]report failed:[/] {exc}")
        raise typer.Exit(1) from None
    console.print(f"[green]report written:[/] {result.index}")


def _load_files(files: list[Path]) -> tuple[list, pd.DataFrame]:
    from kommunesm.errors import InputError
    from kommunesm.io import detect

    results, rows = [], []
    failed = False
    for path in files:
        try:
            result = detect.read_file(path)
        except InputError as exc:
            err_console.print(f"[bold red]error:[/] {exc}")
            rows.append(
                {
                    "file": path.name,
                    "format": "?",
                    "table": "?",
                    "rows_in": "",
                    "kept": "",
                    "quarantined": "",
                    "skipped_non_data": "",
                    "status": "error",
                }
            )
            failed = True
            continue
        results.append((path, result))
        rows.append({**result.summary(), "status": "ok"})
    summary = pd.DataFrame(rows)
    if failed:
        summary.attrs["failed"] = True
    return results, summary


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Export files.")]) -> None:
    """Detect, load and validate FILES without writing anything."""
    _, summary = _load_files(files)
    _print_frame(summary, "validation")
    if summary.attrs.get("failed"):
        raise typer.Exit(1)


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Export files.")],
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = REPO_ROOT
    / "data"
    / "processed",
) -> None:
    """Detect, load, validate and pseudonymise FILES; write canonical Parquet tables to OUT
    and the quarantined rows (with reasons) to OUT/quarantine.csv."""
    from kommunesm import schema

    results, summary = _load_files(files)
    out.mkdir(parents=True, exist_ok=True)
    by_table: dict[str, list[pd.DataFrame]] = {}
    quarantines = []
    for _, result in results:
        by_table.setdefault(result.table, []).append(result.data)
        quarantines.append(result.quarantine)
    for table, frames in by_table.items():
        combined = schema.coerce_dtypes(pd.concat(frames, ignore_index=True), table)
        # the same post may come in two exports: keep the first, quarantine the rest
        kept, dupes = schema.validate(combined, table, source=f"{table} (all files)")
        quarantines.append(dupes)
        kept.to_parquet(out / f"{table}.parquet", index=False)
    if quarantines:
        pd.concat(quarantines, ignore_index=True).to_csv(out / "quarantine.csv", index=False)
    _print_frame(summary, f"ingested into {out}")
    if summary.attrs.get("failed"):
        raise typer.Exit(1)


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option("--out", help="Output directory.")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 2013,
) -> None:
    """Regenerate the synthetic demo panel (default: data/raw/demo)."""
    from kommunesm import demo as demo_module

    kwargs = {"seed": seed}
    if out is not None:
        kwargs["out_dir"] = out
    tables = demo_module.generate(**kwargs)
    _print_frame(
        pd.DataFrame({"table": list(tables), "rows": [len(t) for t in tables.values()]}),
        "synthetic demo panel",
    )


@app.command()
def formats() -> None:
    """List the export formats kommunesm recognises."""
    from kommunesm.io import detect

    console.print(detect.describe_formats())

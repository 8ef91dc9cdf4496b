"""Command-line interface: ``kommunesm report | ingest | validate | demo | formats |
coding-sheet``.

Run ``kommunesm --help`` (or ``python -m kommunesm --help``) for the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from kommunesm.io.ingest import IngestResult
    from kommunesm.report import BuildResult

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="kommunesm: reproduce and extend the studies of Norwegian municipalities in social media.",
)
# piped output (logs, CI) is not cut to 80 columns
_WIDTH = None if sys.stdout.isatty() else 200
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=_WIDTH)


def _print_frame(frame: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col))
    for row in frame.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    console.print(table)


@app.command()
def report(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Data directory (exports or canonical tables); default: the embedded data.",
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", help="The site folder (replaced whole when the build succeeds)."),
    ] = Path("reports") / "site",
    year: Annotated[int, typer.Option("--year", help="Study year.")] = 2013,
    lang: Annotated[
        str, typer.Option("--lang", help="Report language: nb (bokmål, default) or en.")
    ] = "nb",
    no_code: Annotated[
        bool, typer.Option("--no-code", help="Hide code cells (the public version).")
    ] = False,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Only these notebooks, by name or number: --only 01 --only 07 or --only 01,07.",
        ),
    ] = None,
) -> None:
    """Run the notebooks on DATA and publish the report site into OUT.

    Every notebook runs in a fresh kernel with the parameters data_dir, year and out_dir;
    Sphinx (MyST-NB, sphinx-book-theme) renders them with the landing page, the
    municipality profiles, "Om dataene" and the bibliography. A failing notebook stops
    the build (exit code 1) naming the cell and the error; OUT is then left as it was.
    The build log is written to OUT.build.log.
    """
    from kommunesm.narrate import LANGUAGES
    from kommunesm.report import BuildError, build

    if lang not in LANGUAGES:
        err_console.print(
            f"[bold red]error:[/] --lang {lang}: choose one of {', '.join(LANGUAGES)}"
        )
        raise typer.Exit(1)
    try:
        result = build(data, out, year=year, lang=lang, no_code=no_code, only=only)
    except BuildError as exc:
        if exc.result is not None:
            _print_chapters(exc.result)
            err_console.print(f"build log: {exc.result.log}")
        err_console.print(f"[bold red]report failed:[/] {exc}")
        raise typer.Exit(1) from None
    _print_chapters(result)
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    console.print(f"[green]report written in {result.seconds:.1f} s[/] ({timings}): {result.index}")
    console.print(f"build log: {result.log}")


def _print_chapters(result: BuildResult) -> None:
    rows = [
        {
            "chapter": c.stem,
            "status": c.status,
            "seconds": f"{c.seconds:.1f}" if c.status != "not run" else "",
            "figures": len(c.figures),
            "tables": len(c.tables),
        }
        for c in result.chapters
    ]
    _print_frame(pd.DataFrame(rows), "chapters")


def _ingest_summary(
    files: list[Path],
    title: str,
    keep_columns: list[str] | None = None,
    staging: Path | None = None,
) -> IngestResult:
    from kommunesm.io import ingest as ingest_module

    if staging is not None:
        from kommunesm.io import stream

        result = stream.read_files(files, staging, keep_columns=keep_columns or ())
    else:
        result = ingest_module.read_files(files, keep_columns=keep_columns or ())
    for message in result.errors:
        err_console.print(f"[bold red]error:[/] {message}", markup=False, highlight=False)
    shown = result.summary.drop(columns="dropped_columns").copy()
    shown["status"] = shown["status"].where(shown["status"] == "ok", "error")
    shown = shown.rename(
        columns={
            "rows_in": "in",
            "quarantined": "quarant.",
            "duplicates": "dupl.",
            "skipped_non_data": "non-data",
        }
    )
    shown = shown.astype("object").where(shown.notna(), "")
    _print_frame(shown, title)
    for row in result.summary.itertuples(index=False):
        if row.dropped_columns:
            console.print(
                f"{row.file}: columns not written (unknown to kommunesm; keep one with "
                f"--keep-column NAME): {row.dropped_columns}",
                markup=False,
                highlight=False,
            )
    for note in result.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    return result


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Export files.")]) -> None:
    """Detect, load and validate FILES without writing anything.

    Prints one line per file (rows in, written, quarantined, duplicates of rows in an
    earlier file); exit code 1 if a file cannot be read.
    """
    result = _ingest_summary(files, "validation (nothing written)")
    if len(result.quarantine):
        console.print(
            f"{len(result.quarantine)} rows would be quarantined; first reasons: "
            + "; ".join(result.quarantine["reason"].drop_duplicates().head(3)),
            markup=False,
            highlight=False,
        )
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Export files.")],
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("data/processed"),
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="Add to the snapshot in OUT instead of replacing it (the manifest lists "
            "every file of both).",
        ),
    ] = False,
    keep_column: Annotated[
        list[str] | None,
        typer.Option(
            "--keep-column",
            help="Keep this column although kommunesm does not know it (repeatable). "
            "Unknown columns are otherwise not written; they are listed.",
        ),
    ] = None,
    stream: Annotated[
        bool,
        typer.Option(
            "--stream",
            help="Streaming fast path for large canonical tables (CSV, CSV.GZ, Parquet): "
            "read in blocks, written as Parquet row groups; same tables and quarantine.",
        ),
    ] = False,
) -> None:
    """Detect, load, validate and pseudonymise FILES; write canonical Parquet tables to OUT,
    the quarantined rows (with reasons) to OUT/quarantine.csv and the sources (SHA-256) to
    OUT/ingest.json.

    A row given by two files is kept from the first file named and quarantined in the
    others. If any file cannot be read, nothing is written (exit code 1). The new
    snapshot replaces the one in OUT as a whole (atomically; an interrupted ingest leaves
    the old one intact), or is added to it with --append. Two ingests into one OUT at
    the same time: the second stops with a message.
    """
    from kommunesm.errors import InputError
    from kommunesm.io import ingest as ingest_module

    staging = None
    if stream:
        import os

        target = out.absolute()
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.parent / f".{target.name}.stage-{os.getpid()}"
    try:
        result = _ingest_summary(files, f"ingest into {out}", keep_column, staging)
        if not result.ok:
            err_console.print("[bold red]nothing was written:[/] fix or leave out the files above")
            raise typer.Exit(1)
        written = ingest_module.write(result, out, append=append)
    except InputError as exc:
        err_console.print(f"[bold red]nothing was written:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        if staging is not None:
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
    for path in written:
        console.print(f"wrote {path}", markup=False, highlight=False)


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


@app.command()
def rank(
    inputs: Annotated[
        list[Path], typer.Argument(help="Export files, or one data directory (as for `report`).")
    ],
    list_size: Annotated[
        int, typer.Option("--list-size", help="K: a page is on a metric's list if rank <= K.")
    ] = 30,
    top: Annotated[int, typer.Option("--top", help="Rows of the Top-N table printed.")] = 30,
    year: Annotated[int | None, typer.Option("--year", help="Only this year.")] = None,
    min_followers: Annotated[
        float | None, typer.Option("--min-followers", help="Pages below are on no list.")
    ] = None,
) -> None:
    """Rank pages by Gambit H+K's points method (10 metrics; 1 point per list, 5-1 for
    places 1-5) and print the Top-N table.

    Posts, page insights and comments are aggregated with kommunesm.metrics.page_table;
    a Socialbakers page-metrics export is ranked as given when nothing else is provided.
    """
    from kommunesm import ranking
    from kommunesm.errors import InputError
    from kommunesm.io.dataset import read_dataset

    try:
        if len(inputs) == 1 and inputs[0].is_dir():
            ds = read_dataset(inputs[0])
            if year is not None:
                ds = ds.for_year(year)
            tables, synthetic = ds.tables, ds.synthetic
        else:
            result = _ingest_summary(inputs, "inputs")
            if not result.ok:
                raise typer.Exit(1)
            tables = result.tables
            if year is not None:
                from kommunesm.io.dataset import Dataset

                tables = Dataset(Path("."), _all_tables(tables), result.quarantine, _no_files())
                tables = tables.for_year(year).tables
            synthetic = any(
                bool(t["synthetic"].fillna(False).any())
                for t in tables.values()
                if "synthetic" in t.columns and len(t)
            )
        ranked = ranking.rank_dataset(tables, list_size=list_size, min_followers=min_followers)
        metrics, points, source = ranked.metrics, ranked.points, ranked.source
    except (InputError, ValueError) as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(1) from None
    pages = tables.get("pages")
    if (pages is None or not len(pages)) and "name" in metrics.columns:
        pages = metrics.reset_index()[["page_id", "name"]] if "page_id" not in metrics else metrics
    shown = ranking.top_table(points, pages, top=top)
    shown = shown.drop(columns="page_id").rename(columns=ranking.REPORT_HEADERS)
    label = " (SYNTHETIC demo data)" if synthetic else ""
    _print_frame(
        shown, f"Top {top}{label}: list size {list_size}, {len(points)} pages, from {source}"
    )


def _all_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from kommunesm import schema

    return {t: tables.get(t, schema.empty(t)) for t in schema.TABLES}


def _no_files() -> pd.DataFrame:
    return pd.DataFrame(columns=["file", "synthetic"])


@app.command(
    "coding-sheet",
    context_settings={"allow_extra_args": True},
)
def coding_sheet(
    ctx: typer.Context,
    data_dir: Annotated[Path, typer.Argument(help="Data directory (as for `report`).")],
    coders: Annotated[
        list[str],
        typer.Option("--coders", help="Coder names after DATA_DIR: --coders A B (or repeat)."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Output directory.")],
    per_page: Annotated[int, typer.Option("--per-page", help="Sampled posts per page.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Sampling seed.")] = 2013,
    year: Annotated[int | None, typer.Option("--year", help="Only this year.")] = None,
    level: Annotated[
        str, typer.Option("--level", help="post (sampled posts, 1/0) or page (Bra/…/Dårlig).")
    ] = "post",
    scheme: Annotated[
        str | None,
        typer.Option(
            "--scheme",
            help="A coding scheme instead of H1-H10: veikart_ambisjon, veikart_bemanning, "
            "veikart_bruksomrader, difi_typologi, bonson, gambit_sider, gambit_innlegg.",
        ),
    ] = None,
) -> None:
    """Write one Excel coding sheet per coder for the ten hypotheses (H1-H10), or for
    another coding scheme with --scheme."""
    from kommunesm.errors import InputError
    from kommunesm.hypotheses.scheme_sheets import make_scheme_sheets
    from kommunesm.hypotheses.sheets import make_coding_sheets
    from kommunesm.io.dataset import read_dataset

    names = list(coders) + [a for a in ctx.args if not a.startswith("-")]
    try:
        ds = read_dataset(data_dir)
        if year is not None:
            ds = ds.for_year(year)
        if scheme:
            paths = make_scheme_sheets(ds, scheme, names, out, per_page=per_page, seed=seed)
        else:
            paths = make_coding_sheets(ds, names, out, level=level, per_page=per_page, seed=seed)
    except (InputError, ValueError, KeyError) as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(1) from None
    if ds.synthetic:
        console.print("[yellow]synthetic demo data:[/] the sheets describe no real municipality")
    for path in paths:
        console.print(f"wrote {path}")

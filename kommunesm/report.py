"""Build the HTML report: execute the notebooks, render them, write an index page.

``kommunesm report`` (and ``make report``) call :func:`build`, which runs every
notebook in ``notebooks/`` in order, each in a fresh kernel, with the papermill
parameters ``data_dir``, ``year`` and ``out_dir``; renders each executed notebook to
HTML with nbconvert; and writes ``index.html`` linking the chapters. Figures and tables
that the notebooks save (through :func:`kommunesm.plots.save` and :func:`save_table`)
land under ``out_dir/figures`` and ``out_dir/tables``.

Inside a notebook, :func:`chapter_header` prints the provenance of the chapter (input
files with SHA-256 and row counts, parameters, versions) and the SYNTHETIC DEMO DATA
banner when any input is synthetic.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import platform
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

import kommunesm

if TYPE_CHECKING:
    from kommunesm.io.dataset import Dataset

__all__ = [
    "BuildError",
    "BuildResult",
    "Chapter",
    "build",
    "chapter_header",
    "list_notebooks",
    "needs",
    "save_table",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
SYNTHETIC_BANNER = (
    "SYNTHETIC DEMO DATA — the pages, posts and comments in this chapter were generated "
    "by kommunesm.demo; they describe no real municipality."
)


class BuildError(RuntimeError):
    """A notebook failed; the message names the notebook, the cell and the error."""


@dataclass
class Chapter:
    """One rendered notebook."""

    notebook: str
    html: str
    title: str
    summary: str
    status: str = "ok"
    error: str = ""
    key_figure: str | None = None
    seconds: float = 0.0


@dataclass
class BuildResult:
    """What :func:`build` produced."""

    out_dir: Path
    index: Path
    chapters: list[Chapter] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status == "ok" for c in self.chapters)


# --------------------------------------------------------------------------- in notebooks
def git_commit(repo: Path = REPO_ROOT) -> str:
    """The current git commit of the repository (``unknown`` outside a checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(ds: Dataset, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Provenance of a chapter: inputs (file, sha256, rows), parameters, versions."""
    return {
        "kommunesm_version": kommunesm.__version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "parameters": dict(params or {}),
        "synthetic": ds.synthetic,
        "inputs": ds.files[
            ["file", "sha256", "format", "table", "rows_in", "kept", "quarantined", "synthetic"]
        ].to_dict("records"),
        "notes": list(ds.notes),
    }


def chapter_header(ds: Dataset, params: dict[str, Any] | None = None) -> None:
    """Display the provenance block (and the synthetic banner) at the top of a chapter."""
    from IPython.display import HTML, display

    info = provenance(ds, params)
    parts = []
    if info["synthetic"]:
        parts.append(
            '<div class="ksm-banner" style="background:#fde68a;border:2px solid #b45309;'
            'padding:8px 12px;font-weight:bold;margin:6px 0">'
            f"{html.escape(SYNTHETIC_BANNER)}</div>"
        )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(r[k]))}</td>"
            for k in ("file", "format", "table", "rows_in", "kept", "quarantined")
        )
        + f"<td><code>{r['sha256'][:16]}…</code></td></tr>"
        for r in info["inputs"]
    )
    params_text = ", ".join(f"{k}={v!r}" for k, v in info["parameters"].items())
    parts.append(
        '<details class="ksm-provenance" open><summary><b>Provenance</b> '
        f"(kommunesm {html.escape(info['kommunesm_version'])}, commit "
        f"{html.escape(info['git_commit'])}, built "
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')})</summary>"
        f"<p>Parameters: <code>{html.escape(params_text)}</code>; Python {info['python']}, "
        f"pandas {info['pandas']}.</p>"
        "<table><tr><th>file</th><th>format</th><th>table</th><th>rows in</th>"
        "<th>kept</th><th>quarantined</th><th>sha256</th></tr>"
        f"{rows}</table>"
        + "".join(f"<p>{html.escape(n)}</p>" for n in info["notes"])
        + "</details>"
    )
    display(HTML("\n".join(parts)))


def needs(ds: Dataset, *tables: str, purpose: str = "This section") -> bool:
    """True if ``ds`` has all ``tables``; otherwise display which inputs are missing and
    which exports provide them, and return False (the notebook then skips the section
    instead of failing).

    Examples
    --------
    In a notebook::

        if report.needs(ds, "comments", purpose="Response times"):
            ...
    """
    from IPython.display import Markdown, display

    from kommunesm.io.dataset import MissingInputError

    try:
        ds.require(*tables, purpose=purpose)
    except MissingInputError as exc:
        display(Markdown(f"> **Not computed — missing input.** {exc}"))
        return False
    return True


def save_table(
    df: pd.DataFrame, name: str, out_dir: str | Path | None, **kwargs: Any
) -> Path | None:
    """Write a result table as ``<out_dir>/tables/<name>.csv`` (stable formatting so that
    re-running on the same data gives byte-identical files)."""
    if out_dir is None:
        return None
    folder = Path(out_dir) / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    kwargs.setdefault("float_format", "%.6g")
    kwargs.setdefault("lineterminator", "\n")
    df.to_csv(path, **kwargs)
    return path


# --------------------------------------------------------------------------- building
def list_notebooks(
    notebook_dir: str | Path = NOTEBOOK_DIR, only: Iterable[str] | None = None
) -> list[Path]:
    """The report's notebooks in order (``NN_name.ipynb``); ``only`` filters by name or
    number prefix (``"01"``, ``"01_top30_ranking"``)."""
    paths = sorted(p for p in Path(notebook_dir).glob("[0-9][0-9]_*.ipynb"))
    if only:
        wanted = list(only)
        paths = [p for p in paths if any(p.stem == w or p.stem.startswith(w) for w in wanted)]
    return paths


def _title_and_summary(nb: Any) -> tuple[str, str]:
    title, summary = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            text = line.strip()
            if not text:
                continue
            if text.startswith("# ") and not title:
                title = text[2:].strip()
            elif title and not summary and not text.startswith("#"):
                summary = text
        if title and summary:
            break
    return title, summary


def _first_error(nb: Any) -> str:
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                source = cell.source.strip().splitlines()
                head = source[0] if source else ""
                return f"cell {i} ({head[:80]!r}): {out.get('ename')}: {out.get('evalue')}"
    return "unknown error"


def _key_figure(nb: Any) -> str | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                return data["image/png"]
    return None


def _render(nb: Any, path: Path, no_code: bool) -> None:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = no_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")


def _write_index(out_dir: Path, chapters: Sequence[Chapter], params: dict[str, Any]) -> Path:
    items = []
    for ch in chapters:
        figure = (
            f'<img src="data:image/png;base64,{ch.key_figure}" alt="key figure" '
            'style="max-width:320px;float:right;margin-left:12px">'
            if ch.key_figure
            else ""
        )
        status = "" if ch.status == "ok" else f' <b style="color:#b91c1c">[{ch.status}]</b>'
        error = f"<pre>{html.escape(ch.error)}</pre>" if ch.error else ""
        items.append(
            f'<li style="clear:both;margin:14px 0">{figure}<a href="{html.escape(ch.html)}">'
            f"<b>{html.escape(ch.title or ch.notebook)}</b></a>{status}<br>"
            f"{html.escape(ch.summary)}{error}</li>"
        )
    params_text = ", ".join(f"{k}={v}" for k, v in params.items())
    page = f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8">
<title>kommunesm — rapport</title>
<style>body{{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}}
li{{list-style:none}}</style></head>
<body>
<h1>Kommunene i sosiale medier — kommunesm-rapport</h1>
<p>Municipalities in social media: a reproducible report built by kommunesm
{html.escape(kommunesm.__version__)} (commit {html.escape(git_commit())}).
Parameters: <code>{html.escape(params_text)}</code>.</p>
<ul>{"".join(items)}</ul>
</body></html>
"""
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def build(
    data_dir: str | Path = REPO_ROOT / "data" / "raw",
    out_dir: str | Path = REPO_ROOT / "reports",
    *,
    year: int = 2013,
    no_code: bool = False,
    only: Iterable[str] | None = None,
    notebook_dir: str | Path = NOTEBOOK_DIR,
    kernel_name: str = "python3",
    progress: bool = True,
    timeout: int = 900,
) -> BuildResult:
    """Execute the notebooks and render the report.

    Parameters
    ----------
    data_dir
        Data directory passed to every notebook (default: the embedded data).
    out_dir
        Where the HTML, figures and tables go.
    year
        Study year passed to every notebook.
    no_code
        Hide code cells (the public version).
    only
        Only these notebooks (names or number prefixes).
    notebook_dir
        Where the notebooks are.
    kernel_name
        Jupyter kernel.
    progress
        Show a progress bar naming the notebook being executed.
    timeout
        Seconds a single cell may run.

    Raises
    ------
    BuildError
        If a notebook fails: the build stops there (chapters already rendered stay),
        the failing chapter is rendered with its error, and the index marks it.
    """
    import nbformat
    import papermill as pm
    from tqdm.auto import tqdm

    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "executed").mkdir(exist_ok=True)
    notebooks = list_notebooks(notebook_dir, only)
    if not notebooks:
        raise BuildError(f"no notebooks found in {notebook_dir}")
    params = {"data_dir": str(data_dir), "year": int(year), "out_dir": str(out_dir)}
    result = BuildResult(out_dir=out_dir, index=out_dir / "index.html")
    failure: str | None = None
    bar = tqdm(notebooks, desc="report", unit="notebook", disable=not progress, file=sys.stderr)
    for nb_path in bar:
        bar.set_description(nb_path.stem)
        executed = out_dir / "executed" / nb_path.name
        start = dt.datetime.now()
        status, error = "ok", ""
        try:
            pm.execute_notebook(
                str(nb_path),
                str(executed),
                parameters=params,
                kernel_name=kernel_name,
                cwd=str(Path(notebook_dir).resolve()),
                progress_bar=False,
                execution_timeout=timeout,
            )
        except pm.PapermillExecutionError as exc:
            status = "failed"
            error = f"{nb_path.name}, cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
        nb = nbformat.read(executed, as_version=4)
        if status != "ok" and not error:
            error = f"{nb_path.name}: {_first_error(nb)}"
        title, summary = _title_and_summary(nb)
        html_name = f"{nb_path.stem}.html"
        _render(nb, out_dir / html_name, no_code)
        chapter = Chapter(
            notebook=nb_path.name,
            html=html_name,
            title=title or nb_path.stem,
            summary=summary,
            status=status,
            error=error,
            key_figure=_key_figure(nb),
            seconds=(dt.datetime.now() - start).total_seconds(),
        )
        result.chapters.append(chapter)
        if status != "ok":
            failure = error
            break
    bar.close()
    _write_index(out_dir, result.chapters, params)
    (out_dir / "build.json").write_text(
        json.dumps(
            {
                "parameters": params,
                "chapters": [
                    {k: v for k, v in c.__dict__.items() if k != "key_figure"}
                    for c in result.chapters
                ],
            },
            indent=2,
            sort_keys=True,
        ),
        encoding="utf-8",
    )
    if failure:
        raise BuildError(failure)
    return result

"""Build the HTML report: execute the notebooks, render them, write an index page.

``kommunesm report`` (and ``make report``) call :func:`build`, which runs every
notebook in ``notebooks/`` in order, each in a fresh kernel, with the papermill
parameters ``data_dir``, ``year`` and ``out_dir`` (injected by papermill's
``parameterize_notebook`` after the cell tagged ``parameters``, then executed with
nbclient); renders each executed notebook to HTML with nbconvert (code hidden with
``no_code=True``, the public version); and writes ``index.html`` linking the chapters
with a one-line summary and the key figure of each. Figures and tables that the
notebooks save (through :func:`kommunesm.plots.save` and :func:`save_table`) land under
``out_dir/figures`` (PNG and SVG) and ``out_dir/tables`` (CSV).

A notebook that fails stops the build: the failing chapter is rendered with the cell and
the error at its top, the chapters rendered before (and any earlier build's chapters in
the same ``out_dir``) are left as they are, the index marks the chapter as failed, and
:class:`BuildError` names the notebook, the cell and the error.

Inside a notebook, :func:`chapter_header` shows the provenance of the chapter (input
files with SHA-256 and row counts, rows per table, parameters, kommunesm version, git
commit, build time) and the SYNTHETIC DEMO DATA banner when any input is synthetic;
:func:`needs` skips a section whose inputs are missing and says which exports provide
them; :func:`save_table` writes a result table deterministically.

Files written to ``out_dir``
----------------------------
``index.html``
    The contents page.
``NN_name.html``
    One page per notebook.
``figures/*.png``, ``figures/*.svg``, ``tables/*.csv``
    What the notebooks saved.
``executed/NN_name.ipynb``
    The executed notebooks (with outputs), and the kernels' stderr in ``*.log``.
``build.json``
    The manifest: parameters, build time, and per chapter its status, error, seconds,
    key figure, whether its inputs were synthetic and the inputs it read.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

import kommunesm
from kommunesm.io.cache import CACHE_ENV

if TYPE_CHECKING:
    from kommunesm.io.dataset import Dataset

__all__ = [
    "SYNTHETIC_BANNER",
    "BuildError",
    "BuildResult",
    "Chapter",
    "build",
    "chapter_header",
    "git_commit",
    "list_notebooks",
    "needs",
    "needs_years",
    "provenance",
    "save_table",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
SYNTHETIC_BANNER = (
    "SYNTHETIC DEMO DATA — the pages, posts and comments in this chapter were generated "
    "by kommunesm.demo; they describe no real municipality."
)
#: Environment variable through which :func:`build` gives every chapter the same build time.
BUILD_TIME_ENV = "KOMMUNESM_BUILD_TIME"
#: Key of the output metadata in which :func:`chapter_header` hands its provenance to
#: :func:`build` (read back from the executed notebook).
METADATA_KEY = "kommunesm"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class BuildError(RuntimeError):
    """A notebook failed; the message names the notebook, the cell and the error.

    ``result`` holds the :class:`BuildResult` when the build got as far as writing the
    index (the failed chapter is marked there).
    """

    def __init__(self, message: str, result: BuildResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class Chapter:
    """One chapter (notebook) of the report, as recorded in ``build.json``.

    Attributes
    ----------
    notebook
        File name of the notebook (``01_top30_ranking.ipynb``).
    html
        File name of the rendered page, relative to the output directory.
    title, summary
        The notebook's ``# `` heading and the first sentence of its summary paragraph.
    status
        ``ok``, ``failed``, ``not run`` (the build stopped before it) or ``not built``
        (not selected with ``only`` and not in an earlier build). A chapter kept
        from an earlier build into the same directory (e.g. with ``--only``) keeps its
        status and its ``built_at``.
    error
        For a failed chapter: notebook, cell, error type and message.
    error_cell
        1-based number of the failing cell in the committed notebook.
    key_figure
        Path of the chapter's key figure relative to the output directory (the first
        figure it saved), or None.
    figures, tables
        What the chapter saved, relative to the output directory.
    synthetic
        True if any input of the chapter was synthetic (from :func:`chapter_header`).
    inputs
        The input files of the chapter (file, sha256, table, rows).
    seconds
        Execution and rendering time.
    built_at, build_id
        Build time (UTC, ISO 8601) and unique id of the build that produced the chapter.
    """

    notebook: str
    html: str
    title: str
    summary: str
    status: str = "ok"
    error: str = ""
    error_cell: int | None = None
    key_figure: str | None = None
    figures: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    synthetic: bool | None = None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    built_at: str = ""
    build_id: str = ""

    @property
    def stem(self) -> str:
        return Path(self.notebook).stem


@dataclass
class BuildResult:
    """What :func:`build` produced.

    ``chapters`` lists every notebook of the report in order (also those not built in
    this run: kept from an earlier build, or ``not run``); ``built`` only those executed
    now.
    """

    out_dir: Path
    index: Path
    chapters: list[Chapter] = field(default_factory=list)
    seconds: float = 0.0
    built_at: str = ""
    build_id: str = ""

    @property
    def built(self) -> list[Chapter]:
        return [c for c in self.chapters if c.build_id == self.build_id]

    @property
    def ok(self) -> bool:
        return all(c.status == "ok" for c in self.built)


# --------------------------------------------------------------------------- in notebooks
def git_commit(repo: Path = REPO_ROOT) -> str:
    """The current git commit of the repository (``-dirty`` if tracked files changed;
    ``unknown`` outside a checkout)."""
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


def _build_time() -> str:
    """The build time: the one :func:`build` set for all chapters, else now (UTC)."""
    fixed = os.environ.get(BUILD_TIME_ENV)
    if fixed:
        return fixed
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def provenance(ds: Dataset, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Provenance of a chapter as a JSON-serialisable dict.

    Keys: ``kommunesm_version``, ``git_commit``, ``build_time`` (UTC), ``python``,
    ``pandas``, ``parameters``, ``synthetic`` (any input synthetic), ``inputs`` (one dict
    per file: file, sha256, format, table, rows_in, kept, quarantined, synthetic),
    ``tables`` (rows per canonical table) and ``notes``.

    Examples
    --------
    >>> from kommunesm.io.dataset import load_dataset
    >>> info = provenance(load_dataset("data/raw"), {"year": 2013})  # doctest: +SKIP
    >>> info["inputs"][0]["sha256"][:8]  # doctest: +SKIP
    '3f2a…'
    """
    files = ds.files
    cols = ["file", "sha256", "format", "table", "rows_in", "kept", "quarantined", "synthetic"]
    inputs = [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in rec.items()}
        for rec in files[[c for c in cols if c in files.columns]].to_dict("records")
    ]
    summary = ds.summary()
    return {
        "kommunesm_version": kommunesm.__version__,
        "git_commit": git_commit(),
        "build_time": _build_time(),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "parameters": {
            k: (str(v) if isinstance(v, Path) else v) for k, v in (params or {}).items()
        },
        "synthetic": bool(ds.synthetic),
        "inputs": inputs,
        "tables": {str(t): int(n) for t, n in zip(summary["table"], summary["rows"], strict=True)},
        "notes": list(ds.notes),
    }


def _banner_html() -> str:
    return (
        '<div class="ksm-banner" style="background:#fde68a;border:2px solid #b45309;'
        'padding:8px 12px;font-weight:bold;margin:6px 0">'
        f"{html.escape(SYNTHETIC_BANNER)}</div>"
    )


def provenance_html(info: dict[str, Any]) -> str:
    """The provenance block (and banner) of :func:`chapter_header` as HTML."""
    parts = [_banner_html()] if info["synthetic"] else []
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(r.get(k, '')))}</td>"
            for k in ("file", "format", "table", "rows_in", "kept", "quarantined")
        )
        + f'<td><code title="{html.escape(str(r.get("sha256", "")))}">'
        f"{html.escape(str(r.get('sha256', '')))}</code></td></tr>"
        for r in info["inputs"]
    )
    if not rows:
        rows = '<tr><td colspan="7">no input files were found</td></tr>'
    params_text = ", ".join(f"{k}={v!r}" for k, v in info["parameters"].items())
    tables = ", ".join(f"{t}: {n:,}" for t, n in info["tables"].items() if n)
    parts.append(
        '<details class="ksm-provenance" open><summary><b>Provenance</b> '
        f"(kommunesm {html.escape(info['kommunesm_version'])}, commit "
        f"{html.escape(info['git_commit'])}, built {html.escape(info['build_time'])})</summary>"
        f"<p>Parameters: <code>{html.escape(params_text)}</code>; Python {info['python']}, "
        f"pandas {info['pandas']}.</p>"
        '<table style="font-size:85%"><tr><th>file</th><th>format</th><th>table</th>'
        "<th>rows in</th><th>kept</th><th>quarantined</th><th>SHA-256</th></tr>"
        f"{rows}</table>"
        f"<p>Rows per table: {html.escape(tables or 'none')}.</p>"
        + "".join(f"<p>{html.escape(n)}</p>" for n in info["notes"])
        + "</details>"
    )
    return "\n".join(parts)


def chapter_header(ds: Dataset, params: dict[str, Any] | None = None) -> None:
    """Display the provenance block (and the synthetic banner) at the top of a chapter.

    The provenance dict (:func:`provenance`) travels with the output as metadata, so
    that :func:`build` can list each chapter's inputs in ``build.json`` and put the
    synthetic banner on the index page.

    Examples
    --------
    In a notebook, right after loading the data::

        full = load_dataset(data_dir)
        report.chapter_header(full, {"data_dir": data_dir, "year": year})
    """
    from IPython.display import HTML, display

    info = provenance(ds, params)
    display(HTML(provenance_html(info)), metadata={METADATA_KEY: {"provenance": info}})


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


def needs_years(ds: Dataset, years: Iterable[int], *, purpose: str = "This section") -> bool:
    """True if ``ds`` has dated posts, page days or page metrics in every one of ``years``;
    otherwise display which years are missing and which the data cover, and return False.

    Examples
    --------
    In a notebook comparing two years::

        if report.needs_years(full, [year - 1, year], purpose="Annual comparison"):
            ...
    """
    from IPython.display import Markdown, display

    covered = ds.years()
    missing = [int(y) for y in years if int(y) not in covered]
    if not missing:
        return True
    display(
        Markdown(
            f"> **Not computed — missing input.** {purpose} needs posts or page days dated "
            f"in {', '.join(str(int(y)) for y in years)}; {ds.data_dir} has none for "
            f"{', '.join(map(str, missing))} (the data cover "
            f"{', '.join(map(str, covered)) or 'no dated rows'}). Add the exports of "
            f"{', '.join(map(str, missing))} to the data directory, or choose another "
            "`--year`."
        )
    )
    return False


def save_table(
    df: pd.DataFrame, name: str, out_dir: str | Path | None, **kwargs: Any
) -> Path | None:
    """Write a result table as ``<out_dir>/tables/<name>.csv``.

    The format is fixed so that re-running on the same data gives byte-identical files:
    UTF-8, ``\\n`` line ends, floats with 6 significant digits (``float_format="%.6g"``,
    which also hides last-bit differences between runs), timestamps in ISO 8601.
    Keyword arguments go to :meth:`pandas.DataFrame.to_csv` (e.g. ``index=False``).
    With ``out_dir=None`` nothing is written (interactive use).

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> path = save_table(pd.DataFrame({"x": [1 / 3]}), "demo", tempfile.mkdtemp(), index=False)
    >>> path.read_text()
    'x\\n0.333333\\n'
    """
    if out_dir is None:
        return None
    folder = Path(out_dir) / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    kwargs.setdefault("float_format", "%.6g")
    kwargs.setdefault("lineterminator", "\n")
    kwargs.setdefault("date_format", "%Y-%m-%dT%H:%M:%S%z")
    kwargs.setdefault("encoding", "utf-8")
    text = df.to_csv(None, **{k: v for k, v in kwargs.items() if k != "encoding"})
    path.write_bytes(text.encode(kwargs["encoding"]))
    return path


# --------------------------------------------------------------------------- building
def list_notebooks(
    notebook_dir: str | Path = NOTEBOOK_DIR, only: Iterable[str] | None = None
) -> list[Path]:
    """The report's notebooks in order (``NN_name.ipynb``).

    ``only`` filters by name or number prefix (``"01"``, ``"01_top30_ranking"``,
    ``"01_top30_ranking.ipynb"``; several may be given in one string separated by commas);
    a name that matches no notebook is an error.
    """
    paths = sorted(p for p in Path(notebook_dir).glob("[0-9][0-9]_*.ipynb"))
    if isinstance(only, str):
        only = [only]
    # "--only 01,07" and "--only 01 --only 07" both work
    only = [part for w in (only or []) for part in re.split(r"[,\s]+", str(w)) if part]
    if only:
        wanted = [Path(w).name.removesuffix(".ipynb") for w in only]
        unknown = [w for w in wanted if not any(p.stem.startswith(w) for p in paths)]
        if unknown:
            raise BuildError(
                f"--only {', '.join(unknown)}: no such notebook in {notebook_dir}; "
                f"the notebooks are {', '.join(p.stem for p in paths)}"
            )
        paths = [p for p in paths if any(p.stem == w or p.stem.startswith(w) for w in wanted)]
    return paths


def _title_and_summary(nb: Any) -> tuple[str, str]:
    """The first ``# `` heading and the first sentence of the paragraph after it."""
    title, summary = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        paragraph: list[str] = []
        for line in cell.source.splitlines():
            text = line.strip()
            if text.startswith("# ") and not title:
                title = text[2:].strip()
                continue
            if not title:
                continue
            if not text or text.startswith("#"):
                if paragraph:
                    break
                continue
            paragraph.append(text)
        if title and paragraph:
            summary = " ".join(paragraph)
            break
    match = re.match(r"(.+?[.!?])(\s|$)", summary)
    if match and len(match.group(1)) >= 40:
        summary = match.group(1)
    return title, summary


def _chapter_provenance(nb: Any) -> dict[str, Any] | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get(METADATA_KEY)
            if meta and "provenance" in meta:
                return meta["provenance"]
    return None


def _first_image(nb: Any) -> str | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                return data["image/png"]
    return None


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _nav_html(chapters: Sequence[Chapter], i: int) -> str:
    links = ['<a href="index.html">Innhold / contents</a>']
    if i > 0:
        links.append(f'<a href="{html.escape(chapters[i - 1].html)}">← forrige</a>')
    if i + 1 < len(chapters):
        links.append(f'<a href="{html.escape(chapters[i + 1].html)}">neste →</a>')
    return (
        '<nav class="ksm-nav" style="font-family:system-ui,sans-serif;padding:6px 12px;'
        'border-bottom:1px solid #ddd">' + " · ".join(links) + "</nav>"
    )


def _render(nb: Any, path: Path, no_code: bool, title: str) -> None:
    from nbconvert import HTMLExporter

    nb.metadata["title"] = title
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = no_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    _atomic_write(path, body)


def _failure_cell(error: str) -> Any:
    from nbformat.v4 import new_markdown_cell

    cell = new_markdown_cell(
        '<div style="background:#fee2e2;border:2px solid #b91c1c;padding:8px 12px">'
        "<b>This chapter failed to build.</b><pre>"
        + html.escape(error)
        + "</pre>The cells after the failing one were not run.</div>"
    )
    cell.metadata["tags"] = ["kommunesm-error"]
    return cell


def _index_html(
    chapters: Sequence[Chapter], params: dict[str, Any], build: tuple[str, str], out_dir: Path
) -> str:
    built_at, build_id = build
    synthetic = any(c.synthetic for c in chapters if c.status not in ("not run", "not built"))
    items = []
    for ch in chapters:
        figure = (
            f'<a href="{html.escape(ch.html)}"><img src="{html.escape(ch.key_figure)}" '
            f'alt="{html.escape(ch.title)}" class="key"></a>'
            if ch.key_figure and (out_dir / ch.key_figure).is_file()
            else ""
        )
        status = ""
        if ch.status == "failed":
            status = ' <span class="failed">[FAILED — feilet]</span>'
        elif ch.status == "not run":
            status = ' <span class="failed">[not run: the build stopped earlier]</span>'
        elif ch.status == "not built":
            status = ' <span class="earlier">[not built yet]</span>'
        if ch.build_id and ch.build_id != build_id:
            status += (
                f' <span class="earlier">[from an earlier build, {html.escape(ch.built_at)}]</span>'
            )
        error = f"<pre>{html.escape(ch.error)}</pre>" if ch.error else ""
        name = html.escape(ch.title or ch.stem)
        link = (
            f'<a href="{html.escape(ch.html)}"><b>{name}</b></a>'
            if (out_dir / ch.html).is_file()
            else f"<b>{name}</b>"
        )
        synth = ' <span class="synth">syntetiske data</span>' if ch.synthetic else ""
        items.append(
            f'<li class="chapter">{figure}{link}{synth}{status}<br>'
            f'<span class="summary">{html.escape(ch.summary)}</span>{error}</li>'
        )
    tables = sorted(p.name for p in (out_dir / "tables").glob("*.csv"))
    downloads = (
        "<h2>Tabeller / tables (CSV)</h2><p>"
        + " · ".join(f'<a href="tables/{html.escape(t)}">{html.escape(t)}</a>' for t in tables)
        + "</p>"
        if tables
        else ""
    )
    params_text = ", ".join(f"{k}={v}" for k, v in params.items() if k != "out_dir")
    banner = _banner_html().replace("in this chapter", "in chapters marked so") if synthetic else ""
    return f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kommunene i sosiale medier — kommunesm-rapport</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;
line-height:1.45}}
ul{{padding:0}} li.chapter{{list-style:none;clear:both;margin:18px 0;overflow:auto}}
img.key{{max-width:300px;max-height:190px;float:right;margin-left:14px;
border:1px solid #ddd}}
.failed{{color:#b91c1c;font-weight:bold}} .earlier{{color:#92400e}}
.synth{{background:#fde68a;font-size:80%;padding:1px 5px;border-radius:3px}}
pre{{white-space:pre-wrap;background:#fef2f2;padding:6px}}
</style></head>
<body>
<h1>Kommunene i sosiale medier</h1>
<p><i>Municipalities in social media</i> — a reproducible report built by kommunesm
{html.escape(kommunesm.__version__)} (commit {html.escape(git_commit())}) at
{html.escape(built_at)}. Parameters: <code>{html.escape(params_text)}</code>.
Each chapter opens with the provenance of its numbers (input files with SHA-256 and row
counts).</p>
{banner}
<ul>
{chr(10).join(items)}
</ul>
{downloads}
</body></html>
"""


def _load_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    path = out_dir / "build.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {c["notebook"]: c for c in data.get("chapters", []) if "notebook" in c}
    except (ValueError, KeyError, TypeError):
        return {}


def _count_code_cells(path: Path) -> int:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return sum(1 for c in nb.cells if c.cell_type == "code") + 1  # + injected parameters


#: Modules a kernel imports while it starts (before it runs any cell), so that the next
#: chapter's kernel is ready with them while the current chapter still runs.
WARM_MODULES = (
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "seaborn",
    "scipy.stats",
    "IPython.display",
    "kommunesm.io.dataset",
    "kommunesm.plots",
    "kommunesm.report",
    "kommunesm.stats",
)


def _warm_imports(modules: Iterable[str] = WARM_MODULES) -> None:
    """Import ``modules`` (errors ignored): run in a kernel as it starts. It binds no
    name in the user namespace, so the kernel is still fresh for the notebook."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # warming is an optimisation only
            pass


_WARM_LINE = '--IPKernelApp.exec_lines=__import__("kommunesm.report").report._warm_imports()'


@dataclass
class _Kernel:
    """A kernel started for one chapter (possibly ahead of time), with its stderr log."""

    km: Any
    log: Any

    @classmethod
    def start(
        cls, kernel_name: str, cwd: Path, env: dict[str, str], log_path: Path, warm: bool
    ) -> _Kernel:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        log = log_path.open("w", encoding="utf-8")
        km = AsyncKernelManager(kernel_name=kernel_name)
        run_sync(km.start_kernel)(
            cwd=str(cwd), env=env, stderr=log, extra_arguments=[_WARM_LINE] if warm else []
        )
        return cls(km, log)

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # the kernel may already be gone
            pass
        finally:
            self.log.close()


def _execute(
    nb_path: Path,
    params: dict[str, Any],
    *,
    kernel: _Kernel,
    kernel_name: str,
    timeout: int,
    on_cell: Callable[[], None],
) -> tuple[Any, str, int | None]:
    """Execute one notebook in ``kernel`` (a fresh one); returns (executed nb, error
    message, number of the failing cell in the committed notebook)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(nb_path))
    nb = parameterize_notebook(nb, params, kernel_name=kernel_name)
    failed: dict[str, Any] = {}

    def on_error(cell: Any, cell_index: int, execute_reply: Any) -> None:
        failed.setdefault("index", cell_index)

    client = NotebookClient(
        nb,
        km=kernel.km,
        timeout=timeout,
        startup_timeout=300,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(nb_path.parent.resolve())}},
        on_cell_executed=lambda **_: on_cell(),
        on_cell_error=on_error,
    )
    error = ""
    try:
        client.execute()
    except (CellExecutionError, DeadKernelError, TimeoutError, RuntimeError) as exc:
        error = _ANSI.sub("", str(exc)).strip() or type(exc).__name__
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    if not error:
        return nb, "", None
    index = failed.get("index")
    cell_no = None
    message = error
    if index is not None:
        original = [
            i
            for i, c in enumerate(nb.cells)
            if "injected-parameters" not in c.metadata.get("tags", [])
        ]
        cell_no = original.index(index) + 1 if index in original else None
        cell = nb.cells[index]
        err = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        head = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
        where = f"cell {cell_no}" if cell_no else "the injected parameters cell"
        if err is not None:
            tb = _ANSI.sub("", "\n".join(err.get("traceback", [])[-3:]))
            message = (
                f"{where} ({head[:80]!r}): {err.get('ename')}: {err.get('evalue')}\n{tb}".strip()
            )
        else:
            message = f"{where} ({head[:80]!r}): {error.splitlines()[-1]}"
    return nb, f"{nb_path.name}, {message}", cell_no


@dataclass
class _Run:
    """What executing one notebook produced (before figures are attributed)."""

    nb_path: Path
    nb: Any
    error: str
    error_cell: int | None
    start_ns: int
    end_ns: int
    seconds: float


def _run_chapter(
    nb_path: Path,
    params: dict[str, Any],
    out_dir: Path,
    *,
    kernel: _Kernel,
    kernel_name: str,
    timeout: int,
    no_code: bool,
    on_cell: Callable[[], None],
) -> _Run:
    """Execute one notebook in ``kernel``, save it executed and render its HTML (with the
    error on top if it failed)."""
    import nbformat

    t0 = time.perf_counter()
    start_ns = time.time_ns()
    try:
        nb, error, error_cell = _execute(
            nb_path,
            params,
            kernel=kernel,
            kernel_name=kernel_name,
            timeout=timeout,
            on_cell=on_cell,
        )
    finally:
        kernel.stop()
    end_ns = time.time_ns()
    nbformat.write(nb, out_dir / "executed" / nb_path.name)
    title, _ = _title_and_summary(nb)
    rendered = nb
    if error:
        rendered = nbformat.from_dict(nb)
        rendered.cells.insert(0, _failure_cell(error))
    _render(rendered, out_dir / f"{nb_path.stem}.html", no_code, title or nb_path.stem)
    return _Run(
        nb_path, nb, error, error_cell, start_ns, end_ns, round(time.perf_counter() - t0, 2)
    )


def _attribute(runs: Sequence[_Run], folder: Path, pattern: str) -> dict[str, list[str]]:
    """Which chapter wrote which file: the one running when the file was written (by its
    modification time); when chapters ran in parallel, the one whose number the file
    name starts with (``01_…``), else the first."""
    owned: dict[str, list[tuple[int, str]]] = {r.nb_path.name: [] for r in runs}
    if not folder.is_dir():
        return {k: [] for k in owned}
    for path in folder.glob(pattern):
        mtime = path.stat().st_mtime_ns
        candidates = [r for r in runs if r.start_ns <= mtime <= r.end_ns]
        if not candidates:
            continue
        prefix = path.name[:3]
        chosen = next((r for r in candidates if r.nb_path.name.startswith(prefix)), None)
        chosen = chosen or candidates[0]
        owned[chosen.nb_path.name].append((mtime, path.name))
    return {k: [n for _, n in sorted(v)] for k, v in owned.items()}


def _chapter_from_run(
    run: _Run,
    out_dir: Path,
    figures: list[str],
    tables: list[str],
    build: tuple[str, str],
) -> Chapter:
    import base64

    built_at, build_id = build
    nb_path, nb = run.nb_path, run.nb
    title, summary = _title_and_summary(nb)
    key = f"figures/{figures[0]}" if figures else None
    if key is None and not run.error:
        image = _first_image(nb)
        if image:
            (out_dir / "figures").mkdir(exist_ok=True)
            key = f"figures/{nb_path.stem}_key.png"
            (out_dir / key).write_bytes(base64.b64decode(image))
    info = _chapter_provenance(nb)
    return Chapter(
        notebook=nb_path.name,
        html=f"{nb_path.stem}.html",
        title=title or nb_path.stem,
        summary=summary,
        status="failed" if run.error else "ok",
        error=run.error,
        error_cell=run.error_cell,
        key_figure=key,
        figures=[f"figures/{f}" for f in figures],
        tables=[f"tables/{t}" for t in tables],
        synthetic=None if info is None else bool(info["synthetic"]),
        inputs=[
            {k: r.get(k) for k in ("file", "sha256", "table", "rows_in", "kept")}
            for r in (info or {}).get("inputs", [])
        ],
        seconds=run.seconds,
        built_at=built_at,
        build_id=build_id,
    )


def default_jobs() -> int:
    """Chapters run at the same time: ``KOMMUNESM_REPORT_JOBS`` if set, else 2 on a machine
    with two or more usable cores, else 1."""
    value = os.environ.get("KOMMUNESM_REPORT_JOBS")
    if value:
        return max(1, int(value))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


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
    prestart: bool = True,
    jobs: int | None = None,
) -> BuildResult:
    """Execute the notebooks and render the report.

    Parameters
    ----------
    data_dir
        Data directory passed to every notebook (default: the embedded data).
    out_dir
        Where the HTML, figures and tables go (created if needed).
    year
        Study year passed to every notebook.
    no_code
        Hide code cells (the public version).
    only
        Only these notebooks (names or number prefixes, e.g. ``["00", "07"]``). Chapters
        of an earlier build into the same ``out_dir`` stay listed in the index.
    notebook_dir
        Where the notebooks are.
    kernel_name
        Jupyter kernel.
    progress
        Show a progress bar (on stderr) over all code cells, naming the notebook being
        executed.
    timeout
        Seconds a single cell may run.
    prestart
        With ``jobs=1``: start each chapter's kernel while the previous chapter runs,
        importing the common libraries (:data:`WARM_MODULES`) as it starts. The kernel
        is still fresh: no cell has run in it and no name is defined.
    jobs
        Chapters executed at the same time, each in its own kernel (default
        :func:`default_jobs`: 2 on two cores or more, or ``KOMMUNESM_REPORT_JOBS``).
        Chapters start in order; after a failure no further chapter starts (those
        already running finish). The chapters are independent: each loads the data
        itself, so the results do not depend on ``jobs``.

    Returns
    -------
    BuildResult

    Raises
    ------
    BuildError
        If a notebook fails: the build stops there (chapters already rendered stay),
        the failing chapter is rendered with its error, the index and ``build.json``
        mark it, and the message names the notebook, the cell and the error. Also if
        ``only`` names no notebook or the data directory does not exist.

    Examples
    --------
    >>> result = build("data/raw", "/tmp/report", only=["00"], progress=False)  # doctest: +SKIP
    >>> result.ok, result.index.name  # doctest: +SKIP
    (True, 'index.html')
    """
    started = time.perf_counter()
    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        raise BuildError(f"data directory not found: {data_dir}")
    out_dir = Path(out_dir).resolve()
    notebook_dir = Path(notebook_dir)
    all_notebooks = list_notebooks(notebook_dir)
    notebooks = list_notebooks(notebook_dir, only)
    if not notebooks:
        raise BuildError(f"no notebooks found in {notebook_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "executed").mkdir(exist_ok=True)
    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    build_id = f"{time.time_ns():x}-{os.getpid()}"
    params = {"data_dir": str(data_dir), "year": int(year), "out_dir": str(out_dir)}
    # one load cache for the whole build: the chapters parse the data once (io/cache.py)
    cache_dir = Path(tempfile.mkdtemp(prefix=".cache-", dir=out_dir))
    env = {
        **os.environ,
        BUILD_TIME_ENV: built_at,
        CACHE_ENV: str(cache_dir),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    try:
        return _build(
            notebooks,
            all_notebooks,
            out_dir,
            params,
            env,
            (built_at, build_id),
            started,
            no_code=no_code,
            kernel_name=kernel_name,
            progress=progress,
            timeout=timeout,
            prestart=prestart,
            jobs=default_jobs() if jobs is None else max(1, int(jobs)),
        )
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)


def _build(
    notebooks: list[Path],
    all_notebooks: list[Path],
    out_dir: Path,
    params: dict[str, Any],
    env: dict[str, str],
    build: tuple[str, str],
    started: float,
    *,
    no_code: bool,
    kernel_name: str,
    progress: bool,
    timeout: int,
    prestart: bool,
    jobs: int,
) -> BuildResult:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import nbformat
    from tqdm.auto import tqdm

    built_at, build_id = build
    previous = _load_manifest(out_dir)
    chapters: dict[str, Chapter] = {}
    for path in all_notebooks:
        rec = previous.get(path.name)
        if rec and (out_dir / rec.get("html", "")).is_file():
            known = {k: v for k, v in rec.items() if k in Chapter.__dataclass_fields__}
            chapters[path.name] = Chapter(**known)

    total_cells = sum(_count_code_cells(p) for p in notebooks)
    bar = tqdm(
        total=total_cells,
        desc="report",
        unit="cell",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    lock = threading.Lock()
    running: list[str] = []
    stop = threading.Event()
    prestart = prestart and jobs == 1
    pending: dict[int, _Kernel] = {}

    def start(path: Path) -> _Kernel:
        log = out_dir / "executed" / f"{path.stem}.log"
        return _Kernel.start(kernel_name, path.parent.resolve(), env, log, warm=prestart)

    def task(i: int, nb_path: Path) -> _Run | None:
        with lock:
            if stop.is_set():
                return None
            kernel = pending.pop(i, None)
            running.append(nb_path.stem)
            bar.set_description(", ".join(running))
        kernel = kernel or start(nb_path)
        if prestart and i + 1 < len(notebooks):
            # the next chapter's kernel starts (and imports) while this one runs
            with lock:
                pending[i + 1] = start(notebooks[i + 1])
        try:
            run = _run_chapter(
                nb_path,
                params,
                out_dir,
                kernel=kernel,
                kernel_name=kernel_name,
                timeout=timeout,
                no_code=no_code,
                on_cell=lambda: bar.update(1),
            )
        finally:
            with lock:
                running.remove(nb_path.stem)
                bar.set_description(", ".join(running) or "report")
        if run.error:
            stop.set()
        return run

    try:
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ksm-report") as pool:
            futures = [pool.submit(task, i, p) for i, p in enumerate(notebooks)]
            runs = [f.result() for f in futures]
    finally:
        for kernel in pending.values():
            kernel.stop()
        bar.close()
    done = [r for r in runs if r is not None]
    figures = _attribute(done, out_dir / "figures", "*.png")
    tables = _attribute(done, out_dir / "tables", "*.csv")
    failure: str | None = None
    for run in done:
        name = run.nb_path.name
        chapters[name] = _chapter_from_run(run, out_dir, figures[name], tables[name], build)
        if run.error and failure is None:
            failure = run.error

    # chapters without output: not run (after a failure) or not built (not selected)
    for path in all_notebooks:
        if path.name not in chapters:
            title, summary = _title_and_summary(nbformat.read(path, as_version=4))
            chapters[path.name] = Chapter(
                notebook=path.name,
                html=f"{path.stem}.html",
                title=title or path.stem,
                summary=summary,
                status="not run" if failure else "not built",
            )
    order = [chapters[p.name] for p in all_notebooks]
    # navigation links need the final chapter list: add them to the pages built now
    linked = [c for c in order if (out_dir / c.html).is_file()]
    for i, ch in enumerate(linked):
        page = out_dir / ch.html
        if ch.build_id == build_id:
            text = page.read_text(encoding="utf-8")
            if 'class="ksm-nav"' not in text:
                nav = _nav_html(linked, i)
                text = re.sub(
                    r"(<body[^>]*>)", lambda m, nav=nav: m.group(1) + "\n" + nav, text, count=1
                )
                _atomic_write(page, text)
    result = BuildResult(
        out_dir=out_dir,
        index=out_dir / "index.html",
        chapters=order,
        seconds=round(time.perf_counter() - started, 2),
        built_at=built_at,
        build_id=build_id,
    )
    _atomic_write(result.index, _index_html(order, params, (built_at, build_id), out_dir))
    manifest = {
        "built_at": built_at,
        "build_id": build_id,
        "seconds": result.seconds,
        "kommunesm_version": kommunesm.__version__,
        "git_commit": git_commit(),
        "parameters": params,
        "no_code": no_code,
        "chapters": [asdict(c) for c in order],
    }
    _atomic_write(out_dir / "build.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    if failure:
        raise BuildError(failure, result)
    return result

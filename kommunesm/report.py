"""Build the report: run the notebooks, then publish them as a Sphinx site.

``kommunesm report`` (and ``make report``) call :func:`build`:

1. every chapter notebook (``notebooks/NN_*.ipynb``) runs in a fresh kernel with the
   parameters ``data_dir``, ``year`` and ``out_dir`` (papermill's
   ``parameterize_notebook``, executed with nbclient), two chapters at a time on two
   cores; the language and the chapter number reach the chapter through
   ``$KOMMUNESM_LANG`` / ``$KOMMUNESM_CHAPTER``. The chapters' notebook helpers
   (:mod:`kommunesm.show`) save figures and tables and a small manifest per chapter;
2. the executed notebooks are cleaned (stderr and warnings go to the build log, never
   into a page; the parameter cells are dropped; Markdown is translated through the
   message catalogue for ``lang="en"``) and rendered **without re-execution** by Sphinx
   with MyST-NB and the sphinx-book-theme, together with the landing page (Hovedfunn,
   chapters with key figures, "Finn din kommune"), one profile page per municipality
   page (:mod:`kommunesm.profiles`), the "Om dataene" provenance page and the
   bibliography (sphinxcontrib-bibtex, author-year);
3. the public site (HTML, figures, tables, ``data-manifest.json``; no notebooks, logs
   or sources) is assembled in a temporary folder next to ``out_dir`` and swapped in
   whole: an interrupted or failed build leaves the previous site as it was.

The build log goes to ``<out_dir>.build.log`` (beside the site, not in it). Two builds
on the same data give byte-identical sites except the one line on "Om dataene" that
says when the site was built.

Why this machinery and no more (measured on the demo data, 2 cores): a chapter's
kernel start costs ≈ 1 s and is not worth pre-warming; parsing the data costs ≈ 2 s per
chapter, so the load cache of :mod:`kommunesm.io.cache` is kept (one parse per build);
figures and tables are attributed through the chapter manifests, not file times.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

import kommunesm
from kommunesm import narrate, safe
from kommunesm._resources import data_path
from kommunesm.errors import MissingInputError, require
from kommunesm.io.cache import CACHE_ENV
from kommunesm.narrate import gettext as _

if TYPE_CHECKING:
    from kommunesm.io.dataset import Dataset

__all__ = [
    "BuildError",
    "BuildResult",
    "Chapter",
    "build",
    "chapter_header",
    "git_commit",
    "list_notebooks",
    "needs",
    "save_table",
]

#: The source checkout kommunesm runs from (its notebooks and its git commit); the data
#: are package data (:mod:`kommunesm.datasets`), never looked up here.
REPO_ROOT = Path(kommunesm.__file__).resolve().parent.parent
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
#: Name of the provenance page (``om-dataene.html``).
ABOUT_PAGE = "om-dataene"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class BuildError(RuntimeError):
    """The build failed; the message names the notebook, the cell and the error.

    ``result`` holds what was run (the previous site in ``out_dir`` is untouched).
    """

    def __init__(self, message: str, result: BuildResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class Chapter:
    """One chapter (notebook) of the report.

    Attributes
    ----------
    notebook, html
        File name of the notebook and of its page in the site.
    title, question
        The notebook's first ``#`` heading and the first sentence after it (its question).
    status
        ``ok``, ``failed`` or ``not run`` (the build stopped before it).
    error, error_cell
        For a failed chapter: the message and the 1-based cell number.
    key_figure
        The chapter's key figure (``figures/….png``) or None.
    figures, tables
        What the chapter showed (from its manifest).
    synthetic
        Whether the chapter's data are synthetic.
    findings, conclusion
        Generated sentences the chapter recorded (:func:`kommunesm.show.finding`,
        :func:`kommunesm.show.conclusion`).
    seconds
        Execution time.
    """

    notebook: str
    html: str
    title: str
    question: str = ""
    status: str = "not run"
    error: str = ""
    error_cell: int | None = None
    key_figure: str | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    synthetic: bool | None = None
    findings: list[str] = field(default_factory=list)
    conclusion: str = ""
    seconds: float = 0.0

    @property
    def stem(self) -> str:
        return Path(self.notebook).stem


@dataclass
class BuildResult:
    """What :func:`build` produced."""

    out_dir: Path
    index: Path
    log: Path
    lang: str
    chapters: list[Chapter] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    built_at: str = ""

    @property
    def ok(self) -> bool:
        return all(c.status == "ok" for c in self.chapters)


# --------------------------------------------------------------------------- in notebooks
def git_commit(repo: Path = REPO_ROOT) -> str:
    """The current git commit of the repository, for the provenance of a build.

    Parameters
    ----------
    repo : Path
        A folder inside the checkout (default: this repository).

    Returns
    -------
    str
        The short commit id, with ``-dirty`` if tracked files changed; ``unknown``
        outside a checkout or without git.
    """
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


def chapter_header(ds: Dataset, params: dict[str, Any] | None = None) -> None:
    """Start a chapter from a loaded dataset (kept for notebooks not yet using
    :func:`kommunesm.show.setup`): house style, chapter manifest, provenance link.

    Parameters
    ----------
    ds : Dataset
        The chapter's data.
    params : dict, optional
        The notebook's parameters (``year``, ``out_dir``); without ``out_dir`` it is
        taken from the notebook's namespace.

    Returns
    -------
    None
    """
    from kommunesm import show

    params = dict(params or {})
    if "out_dir" not in params:
        from IPython import get_ipython

        shell = get_ipython()
        params["out_dir"] = shell.user_ns.get("out_dir") if shell is not None else None
    show.start(ds, year=params.get("year"), out_dir=params.get("out_dir"))


def needs(
    data: Dataset | pd.DataFrame,
    *names: str,
    purpose: str = "Denne delen",
    min_rows: int = 0,
) -> bool:
    """True if the data have what a notebook section needs; otherwise show which inputs
    are missing and return False (the section is skipped).

    Parameters
    ----------
    data : Dataset or pandas.DataFrame
        A data set (``names`` are tables; the note says which exports provide them) or
        one table (``names`` are columns).
    *names : str
        The tables or columns needed.
    purpose : str, default "Denne delen"
        What needs them (bokmål, translated).
    min_rows : int, default 0
        For a table: at least this many rows must have a finite value in every column
        (a user's data may have the columns but not the values).

    Returns
    -------
    bool

    Notes
    -----
    The check for a table is :func:`kommunesm.errors.require`, which raises
    :class:`~kommunesm.errors.MissingInputError` outside a notebook.

    Examples
    --------
    In a notebook::

        if report.needs(ds, "comments", purpose="Svartid"):
            ...
        if report.needs(pt, "followers", "population", min_rows=10, purpose="Modellen"):
            ...
    """
    from kommunesm import show

    if not isinstance(data, pd.DataFrame):
        return show.needs(data, *names, purpose=purpose)
    try:
        require(data, names, purpose=purpose, min_rows=min_rows)
    except MissingInputError as exc:
        missing = [c for c in names if c not in data.columns]
        n = 0 if missing else int(exc.got or 0)
        show._markdown(
            f"> **{_('Ikke beregnet – for lite data.')}** "
            + _(
                "{purpose} trenger minst {min_rows} rader med {columns}; dataene har {n}.",
                purpose=_(purpose),
                min_rows=narrate.integer(min_rows),
                columns=", ".join(names),
                n=narrate.integer(n),
            )
            + (f" ({_('mangler kolonnen')} {', '.join(missing)})" if missing else "")
        )
        return False
    return True


def save_table(
    df: pd.DataFrame, name: str, out_dir: str | Path | None, **kwargs: Any
) -> Path | None:
    """Write a result table as ``<out_dir>/tables/<name>.csv``, byte-stable.

    UTF-8, ``\\n`` line ends, floats with 6 significant digits, timestamps in ISO 8601;
    formula-led strings neutralised (:func:`kommunesm.safe.write_csv`, OWASP rule).
    With ``out_dir=None`` nothing is written.

    Parameters
    ----------
    df : DataFrame
        The table.
    name : str
        File name without extension.
    out_dir : str or Path or None
        Output directory (``tables/`` is created in it); None writes nothing.
    **kwargs : object
        Passed to :meth:`pandas.DataFrame.to_csv`.

    Returns
    -------
    Path or None
        The file written, or None.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> path = save_table(pd.DataFrame({"x": [1 / 3]}), "demo", tempfile.mkdtemp(), index=False)
    >>> path.read_text()
    'x\\n0.333333\\n'
    """
    if out_dir is None:
        return None
    path = Path(out_dir) / "tables" / f"{name}.csv"
    kwargs.setdefault("index", True)
    return safe.write_csv(df, path, **kwargs)


def list_notebooks(
    notebook_dir: str | Path = NOTEBOOK_DIR, only: Iterable[str] | None = None
) -> list[Path]:
    """The report's notebooks in order (``NN_name.ipynb``).

    ``only`` filters by name or number prefix (``"01"``, ``"01_top30_ranking"``; several
    may be given in one string separated by commas); a name that matches no notebook is
    an error.

    Parameters
    ----------
    notebook_dir : str or Path
        The folder of the notebooks (default: ``notebooks/`` of the package's checkout).
    only : iterable of str, optional
        Names or number prefixes to keep.

    Returns
    -------
    list of Path
        The notebooks, sorted by name.

    Raises
    ------
    BuildError
        If a name in ``only`` matches no notebook.
    """
    paths = sorted(p for p in Path(notebook_dir).glob("[0-9][0-9]_*.ipynb"))
    if isinstance(only, str):
        only = [only]
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


def _title_and_summary(nb: Any, lang: str | None = None) -> tuple[str, str]:
    """The first ``# `` heading and the first sentence of the paragraph after it (both
    in the report language)."""
    title, summary = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        source = narrate.translate_markdown(cell.source, lang) if lang else cell.source
        paragraph: list[str] = []
        for line in source.splitlines():
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


# --------------------------------------------------------------------------- progress
class _Progress:
    """Rich progress bars in a terminal; one line per finished chapter otherwise."""

    def __init__(self, chapters: list[Path], cells: dict[str, int], enabled: bool) -> None:
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty()
        self.lock = threading.Lock()
        self.bars: dict[str, Any] = {}
        self.progress = None
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.progress = Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[status]}"),
                console=Console(stderr=True),
            )
            for path in chapters:
                self.bars[path.stem] = self.progress.add_task(
                    path.stem, total=cells[path.stem], status="", start=False
                )
            self.progress.start()

    def started(self, stem: str) -> None:
        if self.progress is not None:
            self.progress.start_task(self.bars[stem])

    def cell(self, stem: str) -> None:
        if self.progress is not None:
            self.progress.advance(self.bars[stem])

    def finished(self, chapter: Chapter) -> None:
        if not self.enabled:
            return
        if self.progress is not None:
            task = self.bars[chapter.stem]
            self.progress.update(
                task,
                completed=self.progress.tasks[task].total,
                status=f"{chapter.status} {chapter.seconds:.1f} s",
            )
            return
        with self.lock:
            print(
                f"{chapter.stem:<28} {chapter.status:<7} {chapter.seconds:5.1f} s",
                file=sys.stderr,
                flush=True,
            )

    def step(self, text: str) -> None:
        if not self.enabled:
            return
        if self.progress is not None:
            self.progress.console.print(text)
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


# --------------------------------------------------------------------------- execution
@dataclass
class _Run:
    path: Path
    nb: Any
    error: str = ""
    error_cell: int | None = None
    seconds: float = 0.0


def _execute(
    path: Path,
    params: dict[str, Any],
    env: dict[str, str],
    *,
    kernel_name: str,
    timeout: int,
    on_cell: Callable[[], None],
) -> _Run:
    """Run one notebook in a fresh kernel; the error names the cell (1-based, in the
    committed notebook) and the exception."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    t0 = time.perf_counter()
    nb = load_notebook_node(str(path))
    nb = parameterize_notebook(nb, params, kernel_name=kernel_name)
    failed: dict[str, int] = {}

    def on_error(cell: Any, cell_index: int, execute_reply: Any) -> None:
        failed.setdefault("index", cell_index)

    client = NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=300,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_cell_executed=lambda **_: on_cell(),
        on_cell_error=on_error,
    )
    error = ""
    try:
        client.execute(env=env)
    except (CellExecutionError, DeadKernelError, TimeoutError, RuntimeError) as exc:
        error = _ANSI.sub("", str(exc)).strip() or type(exc).__name__
    run = _Run(path, nb, seconds=round(time.perf_counter() - t0, 2))
    if not error:
        return run
    index = failed.get("index")
    original = [
        i for i, c in enumerate(nb.cells) if "injected-parameters" not in c.metadata.get("tags", [])
    ]
    cell_no = original.index(index) + 1 if index in original else None
    message = error.splitlines()[-1] if error else "error"
    if index is not None:
        cell = nb.cells[index]
        err = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        head = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
        where = f"cell {cell_no}" if cell_no else "the injected parameters cell"
        if err is not None:
            message = f"{where} ({head[:80]!r}): {err.get('ename')}: {err.get('evalue')}"
        else:
            message = f"{where} ({head[:80]!r}): {message}"
    run.error = f"{path.name}, {message}"
    run.error_cell = cell_no
    return run


def _clean(nb: Any, lang: str, log: list[str], stem: str) -> Any:
    """The executed notebook as it is published: parameter cells dropped; stderr,
    warnings and execution metadata removed (stderr goes to ``log``); Markdown in the
    report language; fixed cell ids."""
    import nbformat

    cells = []
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            continue
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in ("tags",)}
        cell.id = f"c{i:03d}"
        if cell.cell_type == "markdown":
            cell.source = narrate.translate_markdown(cell.source, lang)
        elif cell.cell_type == "code":
            cell.execution_count = None
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    log.append(f"[{stem}, cell {i}] {_ANSI.sub('', out.get('text', ''))}")
                    continue
                if out.get("output_type") == "error":
                    continue
                if "execution_count" in out:
                    out["execution_count"] = None
                outputs.append(out)
            cell.outputs = outputs
        cells.append(cell)
    clean = nbformat.v4.new_notebook(cells=cells)
    clean.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return clean


# --------------------------------------------------------------------------- build
def build(
    data_dir: str | Path | None = None,
    out_dir: str | Path = Path("reports") / "site",
    *,
    year: int = 2013,
    lang: str = "nb",
    no_code: bool = False,
    only: Iterable[str] | None = None,
    notebook_dir: str | Path = NOTEBOOK_DIR,
    kernel_name: str = "python3",
    progress: bool = True,
    timeout: int = 900,
    jobs: int | None = None,
    profiles: bool = True,
) -> BuildResult:
    """Run the notebooks and publish the site.

    Parameters
    ----------
    data_dir : str or Path, optional
        Data directory passed to every notebook (default: the data embedded in the
        package, :func:`kommunesm.datasets.data_dir`: the synthetic demo panel and the
        published reference tables).
    out_dir : str or Path, default 'reports/site'
        The public site (replaced whole, atomically, when the build succeeds; default
        ``reports/site`` in the working directory).
    year : int, default 2013
        Study year.
    lang : str, default 'nb'
        ``"nb"`` (bokmål, default) or ``"en"``.
    no_code : bool, default False
        Hide code cells (the public version).
    only : iterable of str, optional
        Only these chapters (names or number prefixes, e.g. ``["00", "07"]``).
    notebook_dir : str or Path, default the repository's notebooks
        Where the notebooks are.
    kernel_name : str, default "python3"
        The Jupyter kernel.
    timeout : int, default 900
        Seconds a cell may run.
    progress : bool, default True
        Show progress on stderr (bars in a terminal, one line per chapter otherwise).
    jobs : int, optional
        Chapters run at the same time (default 2 on two cores or more,
        ``$KOMMUNESM_REPORT_JOBS`` overrides).
    profiles : bool, default True
        Write one profile page per municipality page.

    Returns
    -------
    BuildResult

    Raises
    ------
    BuildError
        A notebook failed (the message names notebook, cell and error), the data
        directory does not exist, or Sphinx failed. The previous site stays.
    """
    started = time.perf_counter()
    narrate.set_language(lang)
    data_dir = Path(data_path() if data_dir is None else data_dir).resolve()
    if not data_dir.is_dir():
        raise BuildError(f"data directory not found: {data_dir}")
    out_dir = Path(out_dir).resolve()
    notebooks = list_notebooks(notebook_dir, only)
    if not notebooks:
        raise BuildError(f"no notebooks found in {notebook_dir}")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-build-", dir=out_dir.parent))
    log_path = out_dir.with_name(out_dir.name + ".build.log")
    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        result = _build(
            notebooks,
            data_dir,
            out_dir,
            work,
            log_path,
            year=int(year),
            lang=lang,
            no_code=no_code,
            kernel_name=kernel_name,
            progress=progress,
            timeout=timeout,
            jobs=_jobs(jobs),
            profiles=profiles,
            built_at=built_at,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _jobs(jobs: int | None) -> int:
    if jobs is not None:
        return max(1, int(jobs))
    value = os.environ.get("KOMMUNESM_REPORT_JOBS")
    if value:
        return max(1, int(value))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


def _build(
    notebooks: list[Path],
    data_dir: Path,
    out_dir: Path,
    work: Path,
    log_path: Path,
    *,
    year: int,
    lang: str,
    no_code: bool,
    kernel_name: str,
    progress: bool,
    timeout: int,
    jobs: int,
    profiles: bool,
    built_at: dt.datetime,
) -> BuildResult:
    from concurrent.futures import ThreadPoolExecutor

    import nbformat

    src = work / "src"
    results = work / "results"  # what the chapters write (figures, tables, manifests)
    for folder in (src, results, work / "cache"):
        folder.mkdir(parents=True)
    params = {"data_dir": str(data_dir), "year": year, "out_dir": str(results)}
    base_env = {
        **os.environ,
        CACHE_ENV: str(work / "cache"),
        narrate.LANG_ENV: lang,
        "MPLBACKEND": "Agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    log: list[str] = [f"kommunesm {kommunesm.__version__} report build, lang={lang}"]
    timings: dict[str, float] = {}
    cells = {
        p.stem: sum(1 for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code") + 1
        for p in notebooks
    }
    bar = _Progress(notebooks, cells, progress)
    stop = threading.Event()

    def task(path: Path) -> _Run | None:
        if stop.is_set():
            return None
        bar.started(path.stem)
        env = {**base_env, "KOMMUNESM_CHAPTER": path.name[:2]}
        run = _execute(
            path,
            params,
            env,
            kernel_name=kernel_name,
            timeout=timeout,
            on_cell=lambda: bar.cell(path.stem),
        )
        chapter = _chapter(run, results, lang)
        bar.finished(chapter)
        if run.error:
            stop.set()
        return run

    t0 = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ksm-report") as pool:
            runs = list(pool.map(task, notebooks))
    finally:
        bar.close()
    timings["notebooks"] = round(time.perf_counter() - t0, 2)
    chapters = []
    for path, run in zip(notebooks, runs, strict=True):
        if run is None:
            title, question = _title_and_summary(nbformat.read(path, as_version=4), lang)
            chapters.append(Chapter(path.name, f"{path.stem}.html", title or path.stem, question))
        else:
            chapters.append(_chapter(run, results, lang))
    for ch in chapters:
        log.append(f"chapter {ch.stem} {ch.status} {ch.seconds:.2f} s")
    failure = next((r.error for r in runs if r is not None and r.error), "")
    result = BuildResult(
        out_dir=out_dir,
        index=out_dir / "index.html",
        log=log_path,
        lang=lang,
        chapters=chapters,
        timings=timings,
        built_at=built_at.isoformat(),
    )
    if failure:
        for run in runs:
            if run is not None and run.error:
                log.append(f"FAILED {run.error}")
                for cell in run.nb.cells:
                    for out in cell.get("outputs", []):
                        if out.get("output_type") == "error":
                            log.append(_ANSI.sub("", "\n".join(out.get("traceback", []))))
        _write_log(log_path, log)
        raise BuildError(failure, result)

    t0 = time.perf_counter()
    for path, run in zip(notebooks, runs, strict=True):
        assert run is not None
        clean = _clean(run.nb, lang, log, path.stem)
        nbformat.write(clean, src / path.name)
    from kommunesm import site

    extra = src / "_extra"
    extra.mkdir()
    for sub in ("figures", "tables"):
        if (results / sub).is_dir():
            shutil.copytree(results / sub, extra / sub, dirs_exist_ok=True)
    manifests = [_read_manifest(results, c) for c in chapters]
    info = site.Info(
        data_dir=data_dir,
        year=year,
        lang=lang,
        no_code=no_code,
        built_at=built_at,
        commit=git_commit(),
        version=kommunesm.__version__,
        python=platform.python_version(),
        chapters=[asdict(c) for c in chapters],
        manifests=manifests,
    )
    profile_rows = 0
    if profiles:
        rank_table = results / "tables" / "01_rank_uncertainty.csv"
        # the chapters' load cache: the profiles read the data without parsing them again
        previous = os.environ.get(CACHE_ENV)
        os.environ[CACHE_ENV] = str(work / "cache")
        try:
            profile_rows = site.write_profiles(
                src, extra, info, rank_table if rank_table.is_file() else None, log
            )
        finally:
            if previous is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = previous
    site.write_pages(src, extra, info, references=_references())
    timings["pages"] = round(time.perf_counter() - t0, 2)
    bar.step(f"{'site':<28} {profile_rows} kommuneprofiler, Sphinx …")
    t0 = time.perf_counter()
    html_dir = work / "html"
    warnings = site.sphinx_build(src, html_dir, lang=lang, no_code=no_code)
    if warnings.strip():
        log.append("Sphinx warnings:\n" + _ANSI.sub("", warnings))
    timings["sphinx"] = round(time.perf_counter() - t0, 2)
    public = work / "public"
    site.assemble(html_dir, public, info)
    _swap(public, out_dir)
    log.append(f"timings: {json.dumps(timings)}")
    _write_log(log_path, log)
    return result


def _chapter(run: _Run, results: Path, lang: str) -> Chapter:
    title, question = _title_and_summary(run.nb, lang)
    manifest = (
        json.loads(
            (results / "_chapters" / f"{run.path.name[:2]}.json").read_text(encoding="utf-8")
        )
        if (results / "_chapters" / f"{run.path.name[:2]}.json").is_file()
        else {}
    )
    figures = manifest.get("figures", [])
    key = next((f for f in figures if f.get("key")), figures[0] if figures else None)
    return Chapter(
        notebook=run.path.name,
        html=f"{run.path.stem}.html",
        title=title or run.path.stem,
        question=question,
        status="failed" if run.error else "ok",
        error=run.error,
        error_cell=run.error_cell,
        key_figure=f"figures/{key['name']}.png" if key else None,
        figures=figures,
        tables=manifest.get("tables", []),
        synthetic=manifest.get("synthetic"),
        findings=manifest.get("findings", []),
        conclusion=manifest.get("conclusion", ""),
        seconds=run.seconds,
    )


def _read_manifest(results: Path, chapter: Chapter) -> dict[str, Any]:
    path = results / "_chapters" / f"{chapter.notebook[:2]}.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _references() -> Path:
    """The packaged BibTeX file (:data:`kommunesm.references.BIB_FILE`)."""
    from kommunesm.references import BIB_FILE

    return Path(str(BIB_FILE))


def _write_log(path: Path, lines: list[str]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


def _swap(new: Path, out_dir: Path) -> None:
    """Put ``new`` in place of ``out_dir`` in two renames (the old site is removed after)."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
        out_dir.rename(old)
    try:
        new.rename(out_dir)
    except OSError:
        if old is not None:
            old.rename(out_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

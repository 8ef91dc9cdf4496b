"""Load everything in a data directory as one :class:`Dataset` of canonical tables.

This is what the notebooks call with their ``data_dir`` parameter, so that the same
notebooks run on the embedded demo panel and on a user's own exports:

1. **User exports** at the top level of ``data_dir`` (any format
   :func:`kommunesm.io.detect.detect_format` recognises, and canonical tables such as
   ``posts.parquet`` written by ``kommunesm ingest``) are loaded and concatenated
   table by table.
2. If there are none, the **synthetic demo panel** is loaded (and the dataset is marked
   ``synthetic``): ``data_dir/demo/`` if there is one, else the demo panel embedded in
   the package (``kommunesm/data/demo/``).

The sub-folders ``published/``, ``register/`` and ``external/`` hold reference data
and are never read as panel data. A ``pages`` table is derived from the posts (or page
metrics) when none is given, with the municipality matched by name where that is
unambiguous.

Every file read is listed in :attr:`Dataset.files` with its SHA-256, format, row
counts and whether it is synthetic: the provenance the report prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kommunesm import schema
from kommunesm._resources import data_path
from kommunesm.errors import InputError, MissingInputError, UnknownMunicipalityError
from kommunesm.io import cache, canonical, detect
from kommunesm.io.cache import sha256
from kommunesm.io.tabular import LoadResult

__all__ = ["RESERVED_DIRS", "Dataset", "read_dataset", "sha256"]

#: Sub-folders of a data directory that are not panel data.
RESERVED_DIRS = frozenset({"demo", "published", "register", "external", "processed"})
_IGNORED_SUFFIXES = {".md", ".txt", ".py", ".ipynb", ".yml", ".yaml", ".gitkeep", ".bib"}
#: JSON files are panel data only when a reader recognises them (Twitter v1.1 archives);
#: others (a MANIFEST.json, say) are listed in the notes and not read.
_MAYBE_SUFFIXES = {".json"}
#: Files ``kommunesm ingest`` writes beside the tables that are not panel data.
_IGNORED_NAMES = {"quarantine.csv"}


@dataclass
class Dataset:
    """The canonical tables found in a data directory, with provenance.

    Attributes
    ----------
    data_dir
        The directory read.
    tables
        Canonical table name → DataFrame (every table of :data:`kommunesm.schema.TABLES`
        is present; absent ones are empty).
    quarantine
        All quarantined rows of all files.
    files
        One row per file: path, sha256, bytes, format, table, rows_in, kept,
        quarantined, synthetic.
    """

    data_dir: Path
    tables: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    files: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def synthetic(self) -> bool:
        """True if any input is synthetic (the report then shows a banner)."""
        return bool(self.files["synthetic"].any()) if len(self.files) else False

    def has(self, *tables: str) -> bool:
        """True if all the named tables have rows."""
        return all(len(self.tables.get(t, [])) > 0 for t in tables)

    def require(self, *tables: str, purpose: str = "this analysis") -> None:
        """Raise :class:`MissingInputError` naming the missing tables and the exports
        that provide them."""
        missing = [t for t in tables if not self.has(t)]
        if missing:
            providers = {
                t: [f.description for f in detect.FORMATS if f.table == t] or [f"a {t} table"]
                for t in missing
            }
            raise MissingInputError(
                f"{purpose} needs the table(s) {', '.join(missing)}, which {self.data_dir} "
                "does not provide",
                file=str(self.data_dir),
                expected="; ".join(f"{t}: {' or '.join(p)}" for t, p in providers.items()),
            )

    def years(self) -> list[int]:
        """Calendar years present in posts, page days or page metrics."""
        found: set[int] = set()
        if self.has("posts"):
            found |= set(self.posts["created_at"].dt.year.dropna().astype(int))
        if self.has("page_days"):
            found |= set(self.page_days["date"].dt.year.dropna().astype(int))
        if self.has("page_metrics"):
            found |= set(self.page_metrics["period_start"].dt.year.dropna().astype(int))
        return sorted(found)

    def for_year(self, year: int | None) -> Dataset:
        """The same dataset restricted to one calendar year (None: unchanged).

        Posts without a timestamp (some exports have none) are kept: they cannot be
        assigned to a year, and dropping them silently would lose rows.
        """
        if year is None:
            return self
        t = dict(self.tables)

        def keep(frame: pd.DataFrame, col: str) -> pd.DataFrame:
            if not len(frame) or col not in frame.columns:
                return frame
            years = frame[col].dt.year
            return frame[(years == year) | years.isna()].reset_index(drop=True)

        t["page_days"] = keep(t["page_days"], "date")
        t["posts"] = keep(t["posts"], "created_at")
        t["comments"] = keep(t["comments"], "created_at")
        t["page_metrics"] = keep(t["page_metrics"], "period_start")
        if len(t["posts"]) or len(t["page_days"]) or len(t["page_metrics"]):
            active = set(t["posts"]["page_id"]) | set(t["page_days"]["page_id"])
            active |= set(t["page_metrics"]["page_id"])
            t["pages"] = t["pages"][t["pages"]["page_id"].isin(active)].reset_index(drop=True)
        return Dataset(self.data_dir, t, self.quarantine, self.files, list(self.notes))

    def summary(self) -> pd.DataFrame:
        """Rows per table."""
        return pd.DataFrame(
            {"table": list(self.tables), "rows": [len(v) for v in self.tables.values()]}
        )


def _panel_files(data_dir: Path, notes: list[str]) -> list[Path]:
    files = []
    for path in sorted(data_dir.iterdir()):
        if path.is_dir() or path.name.startswith("."):
            continue
        if path.suffix.lower() in _IGNORED_SUFFIXES or path.name.lower() in _IGNORED_NAMES:
            continue
        if path.suffix.lower() in _MAYBE_SUFFIXES:
            try:
                detect.detect_format(path)
            except InputError:
                notes.append(f"{path.name}: not read (no reader recognises this JSON file)")
                continue
        files.append(path)
    return files


def _pages_from(posts: pd.DataFrame, metrics: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    parts = []
    for frame, name_col in ((posts, "page_name"), (metrics, "name")):
        if len(frame):
            cols = ["page_id"] + [c for c in (name_col, "platform") if c in frame.columns]
            part = frame[cols].drop_duplicates("page_id")
            part = part.rename(columns={name_col: "name"})
            parts.append(part)
    if not parts:
        return schema.empty("pages")
    pages = pd.concat(parts, ignore_index=True).drop_duplicates("page_id")
    if "name" not in pages.columns:
        pages["name"] = pages["page_id"]
    pages["name"] = pages["name"].fillna(pages["page_id"])
    # a page's platform is the one its posts name (Instagram, YouTube ...); Facebook else
    platform = pages["platform"] if "platform" in pages.columns else None
    pages["platform"] = "facebook" if platform is None else platform.fillna("facebook")
    pages["synthetic"] = synthetic
    pages["kommunenummer"] = pages["name"].map(_match_or_na)
    return schema.coerce_dtypes(pages, "pages")


def _match_or_na(name: object) -> object:
    try:
        from kommunesm import registry

        return registry.match_name(str(name))
    except (UnknownMunicipalityError, ImportError, ValueError):
        return pd.NA


def _concat(results: Iterable[LoadResult], table: str) -> pd.DataFrame:
    frames = [r.data for r in results if r.table == table and len(r.data)]
    if not frames:
        return schema.empty(table)
    if len(frames) == 1:
        return frames[0]
    combined = pd.concat(frames, ignore_index=True)
    return schema.coerce_dtypes(combined, table)


def read_dataset(
    data_dir: str | Path, *, include_demo: bool = True, platforms: bool = False
) -> Dataset:
    """Load all panel data in ``data_dir`` (see the module docstring for the rules).

    Parameters
    ----------
    data_dir : str or Path
        A directory of exports and/or canonical tables: a folder of your own exports
        (e.g. ``data/raw``), or :func:`kommunesm.datasets.data_dir` (the embedded data).
    include_demo : bool, default True
        Fall back to the synthetic demo panel (``data_dir/demo`` if it exists, else the
        one embedded in the package) when no user files are found.
    platforms : bool, default False
        With the demo panel, add its accounts on other platforms than Facebook
        (``demo/instagram_*.csv.gz``, synthetic; see :data:`kommunesm.demo.INSTAGRAM_FILES`).
        The 2013 chapters leave them out: those studies measured Facebook pages. User
        data are read as given either way.

    Returns
    -------
    Dataset
        The canonical tables found, with the files read and the rows quarantined.

    Raises
    ------
    InputError
        If ``data_dir`` does not exist, or a file cannot be read (the message names the
        file, row and column).
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError("data directory not found", file=str(data_dir), expected="a directory")
    results: list[tuple[Path, LoadResult, bool]] = []
    notes: list[str] = []
    for path in _panel_files(data_dir, notes):
        results.append((path, cache.cached_load(path, detect.read_file), False))
    # a citizen named, or identified by id or handle, in one file is scrubbed in all
    detect.scrub_across_files(r for _, r, _ in results)
    demo_dir = data_dir / "demo"
    if not demo_dir.is_dir():
        demo_dir = data_path("demo")
    if not results and include_demo and demo_dir.is_dir():
        for table in schema.TABLES:
            path = canonical.find_table(demo_dir, table)
            if path is not None:
                result = cache.cached_load(
                    path,
                    lambda p, t=table: canonical.read_table(p, t),
                    reader=f"canonical.read_table:{table}",
                )
                result.meta["format"] = "kommunesm demo (synthetic)"
                results.append((path, result, True))
        if platforms:
            for table in ("pages", "page_days", "posts", "comments"):
                for path in sorted(demo_dir.glob(f"*_{table}.csv*")):
                    result = cache.cached_load(
                        path,
                        lambda p, t=table: canonical.read_table(p, t),
                        reader=f"canonical.read_table:{table}",
                    )
                    result.meta["format"] = "kommunesm demo (synthetic, other platforms)"
                    results.append((path, result, True))
        notes.append(
            "No user data found: using the SYNTHETIC demo panel generated by kommunesm.demo."
        )

    tables = {t: _concat([r for _, r, _ in results], t) for t in schema.TABLES}
    synthetic_any = any(s for _, _, s in results)
    if not len(tables["pages"]) and (len(tables["posts"]) or len(tables["page_metrics"])):
        tables["pages"] = _pages_from(tables["posts"], tables["page_metrics"], synthetic_any)
        notes.append("pages derived from the page ids and names in the posts/page metrics")

    files = pd.DataFrame(
        [
            {
                "path": str(path),
                "file": path.name,
                "sha256": sha256(path),
                "bytes": path.stat().st_size,
                "format": r.meta.get("format", ""),
                "table": r.table,
                "rows_in": r.n_in,
                "kept": len(r.data),
                "quarantined": len(r.quarantine),
                "synthetic": synth or bool(r.data.get("synthetic", pd.Series([False])).any()),
            }
            for path, r, synth in results
        ],
        columns=[
            "path",
            "file",
            "sha256",
            "bytes",
            "format",
            "table",
            "rows_in",
            "kept",
            "quarantined",
            "synthetic",
        ],
    )
    quarantine = (
        pd.concat([r.quarantine for _, r, _ in results], ignore_index=True)
        if results
        else schema.quarantine_frame()
    )
    return Dataset(data_dir, tables, quarantine, files, notes)

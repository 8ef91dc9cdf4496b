"""A load cache for one report build (so that eight notebooks parse the data once).

Every chapter of the report runs in a fresh kernel and loads the data directory again
with :func:`kommunesm.io.dataset.read_dataset`. Parsing the exports is the expensive
part (the demo panel's 130 000 comments take seconds to read and validate), so
:func:`kommunesm.report.build` points the environment variable
``KOMMUNESM_CACHE_DIR`` at a private folder for the duration of the build; there
:func:`cached_load` keeps each file's :class:`~kommunesm.io.tabular.LoadResult` (the
validated table, its quarantine and how it was read), keyed by the file's SHA-256, its
size, the reader and the kommunesm version. The folder is removed when the build ends,
so a cache never outlives the code that wrote it. Without the variable nothing is cached
and :func:`cached_load` just calls the loader.

Examples
--------
>>> from kommunesm.io import cache, detect
>>> result = cache.cached_load("tests/fixtures/crowdtangle_posts.csv", detect.read_file)
... # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import kommunesm
from kommunesm.io.tabular import LoadResult

__all__ = ["CACHE_ENV", "cache_dir", "cached_load", "sha256"]

#: Environment variable naming the cache folder (unset: no caching).
CACHE_ENV = "KOMMUNESM_CACHE_DIR"


def sha256(path: str | Path) -> str:
    """SHA-256 of a file, hex.

    Parameters
    ----------
    path : str or Path
        A file.

    Returns
    -------
    str
        The hex digest of the file's bytes.
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_dir() -> Path | None:
    """The cache folder named by the environment variable ``KOMMUNESM_CACHE_DIR``.

    Returns
    -------
    Path or None
        The folder, or None when the variable is unset or empty (no caching).
    """
    value = os.environ.get(CACHE_ENV)
    return Path(value) if value else None


def _key(path: Path, reader: str, digest: str) -> str:
    raw = f"{digest}|{path.stat().st_size}|{reader}|{kommunesm.__version__}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def cached_load(
    path: str | Path,
    loader: Callable[[Path], LoadResult],
    *,
    reader: str | None = None,
    digest: str | None = None,
) -> LoadResult:
    """``loader(path)``, cached in :func:`cache_dir` when that is set.

    Parameters
    ----------
    path : str or Path
        The file.
    loader : callable
        Called with ``path`` on a cache miss.
    reader : str, optional
        Name of the reader for the key (default: the loader's qualified name).
    digest : str, optional
        The file's SHA-256 if already known (saves hashing it twice).

    Returns
    -------
    LoadResult
        What ``loader(path)`` returns, from the cache when the file, the reader and the
        kommunesm version are unchanged.
    """
    path = Path(path)
    folder = cache_dir()
    if folder is None:
        return loader(path)
    if digest is None:
        digest = sha256(path)
    name = reader or f"{getattr(loader, '__module__', '')}.{getattr(loader, '__qualname__', '')}"
    entry = folder / f"{_key(path, name, digest)}.pkl"
    cached = _read(entry)
    if cached is not None:
        return cached
    # chapters running at the same time wait for the one that is parsing the file
    with _locked(entry.with_suffix(".lock")):
        cached = _read(entry)
        if cached is not None:
            return cached
        result = loader(path)
        try:
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(entry)
        except (OSError, pickle.PicklingError, TypeError):
            pass  # caching is an optimisation only
    return result


def _read(entry: Path) -> LoadResult | None:
    if not entry.is_file():
        return None
    try:
        with entry.open("rb") as fh:
            result = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # a damaged entry is re-read from the file
    return result if isinstance(result, LoadResult) else None


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """An exclusive lock between processes (fcntl; no lock where that is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: two chapters may parse the same file at once
        yield
        return
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh = lock_path.open("a")
    except OSError:
        yield
        return
    try:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()

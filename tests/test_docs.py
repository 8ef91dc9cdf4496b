"""The documentation site builds without warnings (``make docs`` runs the same build)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("sphinx")
pytest.importorskip("numpydoc")
pytest.importorskip("sphinxcontrib.bibtex")
pytest.importorskip("myst_parser")


@pytest.mark.skipif(not (ROOT / "docs" / "conf.py").exists(), reason="no docs/ (installed package)")
def test_docs_build_without_warnings(tmp_path):
    # The dummy builder reads and resolves every page (autodoc, numpydoc, bibtex,
    # cross-references), which is where warnings come from, without writing HTML.
    src = tmp_path / "docs"
    shutil.copytree(
        ROOT / "docs", src, ignore=shutil.ignore_patterns("_build", "generated", "_generated")
    )
    (src / "api.rst").unlink(missing_ok=True)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "dummy",
            "-W",
            "--keep-going",
            "-q",
            str(src),
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    warnings = [ln for ln in out.stderr.splitlines() if "WARNING" in ln or "ERROR" in ln]
    assert out.returncode == 0 and not warnings, "\n".join(warnings) or out.stderr[-3000:]

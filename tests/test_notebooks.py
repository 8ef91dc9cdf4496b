"""Notebook hygiene and the report build on the embedded data."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from kommunesm import report

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a code cell has outputs"
            assert cell.execution_count is None, f"{path.name}: execution count set"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    for name in ("data_dir", "year", "out_dir"):
        assert name in tagged[0].source


@pytest.fixture(scope="session")
def built_report(tmp_path_factory, repo):
    out = tmp_path_factory.mktemp("report")
    return report.build(repo / "data" / "raw", out, progress=False)


@pytest.mark.notebooks
def test_report_builds_on_embedded_data(built_report):
    out = built_report.out_dir
    assert (out / "index.html").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        html = out / f"{nb.stem}.html"
        assert html.is_file() and html.stat().st_size > 1000
        assert f'href="{nb.stem}.html"' in index
        assert "Provenance" in html.read_text(encoding="utf-8")
    build = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert all(ch["status"] == "ok" for ch in build["chapters"])

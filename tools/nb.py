"""Write a notebook from a list of cells (developer tool, not part of the package).

Usage in a script::

    from tools.nb import write_notebook, md, code
    write_notebook("notebooks/00_data_overview.ipynb", [md("# Title"), code("x = 1")])

Notebooks are written without outputs or execution counts; the first code cell that
starts with ``# parameters`` is tagged ``parameters`` for papermill.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    cell = new_code_cell(text.strip("\n"))
    if text.lstrip().lower().startswith("# parameters"):
        cell.metadata["tags"] = ["parameters"]
    return cell


def write_notebook(path: str | Path, cells: list) -> Path:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"
    path = Path(path)
    nbformat.write(nb, path)
    return path

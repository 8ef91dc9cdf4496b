"""Notebook hygiene, and the report built from the notebooks.

The whole report is built ONCE per test session on the embedded data (the
``built_report`` fixture) and every assertion about it reuses that build. Two small
extra builds: the cheapest chapters again (tables must be byte-identical) and the whole
report on a tiny user-style data directory through the command line.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from kommunesm import report
from kommunesm.cli import app

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]


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


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_opens_with_title_summary_and_header(path):
    nb = nbformat.read(path, as_version=4)
    title, summary = report._title_and_summary(nb)
    assert re.match(r"\d+ ", title), f"{path.name}: first heading should be '# N Title'"
    assert summary, f"{path.name}: a summary paragraph must follow the title (index shows it)"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "report.chapter_header(" in code, f"{path.name}: provenance header missing"


# --------------------------------------------------------------------------- the build
@pytest.fixture(scope="session")
def built_report(tmp_path_factory, repo):
    out = tmp_path_factory.mktemp("report")
    return report.build(None, out, progress=False)


@pytest.fixture(scope="session")
def manifest(built_report):
    return json.loads((built_report.out_dir / "build.json").read_text(encoding="utf-8"))


def _chapter_text(html: str) -> str:
    """The visible text of a rendered chapter (tags, styles and scripts removed)."""
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.notebooks
def test_report_builds_on_embedded_data(built_report, manifest):
    out = built_report.out_dir
    assert (out / "index.html").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert [c["notebook"] for c in manifest["chapters"]] == [p.name for p in CHAPTERS]
    failed = {c["notebook"]: c["error"] for c in manifest["chapters"] if c["status"] != "ok"}
    assert not failed, failed
    assert "SYNTHETIC DEMO DATA" in index  # the demo panel is synthetic
    for nb in CHAPTERS:
        html = out / f"{nb.stem}.html"
        assert html.is_file() and html.stat().st_size > 1000
        assert f'href="{nb.stem}.html"' in index


@pytest.mark.notebooks
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_opens_with_provenance_and_banner(built_report, manifest, path):
    text = _chapter_text((built_report.out_dir / f"{path.stem}.html").read_text(encoding="utf-8"))
    assert "Provenance" in text, f"{path.stem}: no provenance block"
    start = text.index("Provenance")
    # provenance comes before any result: at most the title, summary and setup code
    assert start < 4000, f"{path.stem}: provenance is not at the top"
    chapter = next(c for c in manifest["chapters"] if c["notebook"] == path.name)
    assert chapter["synthetic"] is True
    assert "SYNTHETIC DEMO DATA" in text[: start + 200] or "SYNTHETIC DEMO DATA" in text[:start]
    assert chapter["inputs"], f"{path.stem}: provenance lists no input files"
    for rec in chapter["inputs"]:
        assert len(rec["sha256"]) == 64 and rec["sha256"] in text
    for word in ("kommunesm", "commit", "built", "year="):
        assert word in text[start : start + 3000], f"{path.stem}: provenance lacks {word}"


@pytest.mark.notebooks
def test_figures_and_tables_are_written(built_report, manifest):
    out = built_report.out_dir
    index = (out / "index.html").read_text(encoding="utf-8")
    for chapter in manifest["chapters"]:
        for fig in chapter["figures"]:
            png = out / fig
            assert png.stat().st_size > 2000, f"{fig} is empty"
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            svg = png.with_suffix(".svg")
            assert svg.is_file() and "<svg" in svg.read_text(encoding="utf-8")[:2000]
        for table in chapter["tables"]:
            assert (out / table).stat().st_size > 0
        if chapter["key_figure"]:
            assert (out / chapter["key_figure"]).is_file()
            assert f'src="{chapter["key_figure"]}"' in index
    assert sum(len(c["figures"]) for c in manifest["chapters"]) >= len(CHAPTERS)


@pytest.mark.notebooks
def test_rerun_gives_byte_identical_tables(built_report, manifest, tmp_path, repo):
    # the two cheapest chapters that write tables, built again into a fresh folder
    with_tables = [c for c in manifest["chapters"] if c["tables"]]
    cheapest = sorted(with_tables, key=lambda c: c["seconds"])[:2]
    assert cheapest, "no chapter writes a table"
    again = report.build(
        None,
        tmp_path,
        only=[Path(c["notebook"]).stem for c in cheapest],
        progress=False,
    )
    assert again.ok
    for chapter in cheapest:
        for table in chapter["tables"]:
            first = (built_report.out_dir / table).read_bytes()
            second = (tmp_path / table).read_bytes()
            assert first == second, f"{table} differs between two runs on the same data"


# --------------------------------------------------------------------------- user data
@pytest.mark.notebooks
def test_report_on_a_user_directory(tmp_path, fixtures, uci_path):
    """Real UCI Insights posts plus a small CrowdTangle export: the chapters that apply
    render, the others say which inputs they need; nothing claims to be synthetic."""
    data = tmp_path / "exports"
    data.mkdir()
    shutil.copy(uci_path, data)
    shutil.copy(fixtures / "crowdtangle_posts.csv", data)
    out = tmp_path / "site"
    result = CliRunner().invoke(
        app, ["report", "--data", str(data), "--out", str(out), "--year", "2021"]
    )
    assert result.exit_code == 0, result.output
    build = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert all(c["status"] == "ok" for c in build["chapters"])
    texts = {
        Path(c["html"]).stem: _chapter_text((out / c["html"]).read_text(encoding="utf-8"))
        for c in build["chapters"]
    }
    for stem, text in texts.items():
        assert "SYNTHETIC DEMO DATA" not in text, f"{stem} claims synthetic data"
        assert uci_path.name in text and "crowdtangle_posts.csv" in text, stem
    # the data overview applies and lists both files with their rows
    assert "Not computed" not in texts["00_data_overview"]
    # the annual comparison needs two years and says so
    annual = texts["07_annual_update"]
    assert "Not computed — missing input" in annual and "2020" in annual
    # chapters that need comments (response times) say which exports provide them
    skipped = [s for s, t in texts.items() if "Not computed — missing input" in t]
    assert len(skipped) >= 2
    assert any("comments" in texts[s] for s in skipped)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "SYNTHETIC DEMO DATA" not in index

"""The command line: validate and ingest print a summary and keep the accounting."""

from __future__ import annotations

import shutil

import pandas as pd
from typer.testing import CliRunner

from kommunesm.cli import app

runner = CliRunner()


def test_validate_ok_and_error(fixtures, uci_path, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(uci_path), str(bad)])
    assert result.exit_code == 1
    assert "500" in result.output and "bad.csv" in result.output


def test_ingest_writes_parquet_and_quarantine(fixtures, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("crowdtangle_posts.csv", "graph_comments.csv", "socialbakers_pages.csv"):
        shutil.copy(fixtures / name, src)
    out = tmp_path / "processed"
    result = runner.invoke(app, ["ingest", *map(str, sorted(src.iterdir())), "--out", str(out)])
    assert result.exit_code == 0, result.output
    posts = pd.read_parquet(out / "posts.parquet")
    comments = pd.read_parquet(out / "comments.parquet")
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert len(posts) == 3 and len(comments) == 3
    assert len(quarantine) == 2 + 1 + 1
    assert set(quarantine.columns) >= {"source_file", "source_row", "column", "reason"}
    everything = posts.astype(str).to_csv() + comments.astype(str).to_csv() + quarantine.to_csv()
    assert "Kari" not in everything and "Nordmann" not in everything


def test_formats_lists_readers():
    result = runner.invoke(app, ["formats"])
    assert result.exit_code == 0 and "crowdtangle" in result.output

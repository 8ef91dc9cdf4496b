"""The streaming ingest (kommunesm.io.stream) gives the same snapshot as the robust one.

Both paths ingest the same files and write with :func:`kommunesm.io.ingest.write`; the
Parquet tables (values, dtypes, row order), the quarantine and the manifest's counts must
be equal. Small blocks force keys repeated across blocks of one file.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from kommunesm.io import ingest, stream

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
DEMO = REPO / "kommunesm" / "data" / "demo"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMMUNESM_KEY", "a-test-key-of-at-least-sixteen+")


def _snapshot(out: Path) -> dict:
    tables = {p.stem: pd.read_parquet(p) for p in sorted(out.glob("*.parquet"))}
    quarantine = (out / ingest.QUARANTINE_FILE).read_bytes()
    manifest = json.loads((out / ingest.MANIFEST_FILE).read_text())
    manifest["sources"] = [{k: v for k, v in s.items()} for s in manifest["sources"]]
    return {"tables": tables, "quarantine": quarantine, "manifest": manifest}


def _both(paths: list[Path], tmp: Path, *, append_to: list[Path] | None = None) -> tuple:
    outs = []
    results = []
    for name in ("robust", "stream"):
        out = tmp / name
        for i, batch in enumerate([*(append_to and [append_to] or []), paths]):
            if name == "robust":
                result = ingest.read_files(batch)
            else:
                result = stream.read_files(batch, tmp / f"stage-{i}")
            ingest.write(result, out, append=i > 0)
            results.append(result)
        outs.append(_snapshot(out))
    return outs, results


def _assert_same(paths: list[Path], tmp: Path, **kw: object) -> None:
    (robust, fast), results = _both(paths, tmp, **kw)
    assert sorted(robust["tables"]) == sorted(fast["tables"])
    for name, frame in robust["tables"].items():
        pd.testing.assert_frame_equal(fast["tables"][name], frame, check_exact=True)
    assert fast["quarantine"].decode() == robust["quarantine"].decode()
    assert fast["manifest"] == robust["manifest"]
    pd.testing.assert_frame_equal(results[-1].summary, results[len(results) // 2 - 1].summary)


def _write_csv(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data)
    return path


COMMENTS = """comment_id,post_id,page_id,parent_id,created_at,author_id,is_page_reply,message,author_name,mood
c1,p1,pg1,,2013-04-02T10:15:00+02:00,Kari Hansen,False,Når åpner biblioteket?,Kari Hansen,glad
c2,p1,pg1,c1,2013-04-02T11:15:00+02:00,pg1,True,Hei! Kl. 10.,,
c3,p1,pg1,,2013-04-02 12:00,u3,false,Ring meg på 912 34 567,Ola,sur
c4,p2,pg1,,not a date,u4,False,Hva?,,
c5,p2,pg1,,2013-04-03T09:00:00+02:00,,False,Takk!,,
,,,,,,,,,
c1,p2,pg1,,2013-04-03T09:30:00+02:00,u6,False,Same id as row 2,,
c7,p2,pg1,,2013-04-03T10:00:00Z,u7,maybe,Hvorfor?,,
c8,p3,pg2,,2013-04-04T10:00:00+02:00,u8,True,Svar,,
c3,p1,pg1,,2013-04-02 12:00,u3,false,Ring meg på 912 34 567,Ola,sur
c9,p3,pg2,,1899-01-01T00:00:00+01:00,u9,False,Kan dere svare,,
"""
POSTS = """post_id,page_id,created_at,type,message,likes,comments,shares
p1,pg1,2013-04-02T09:00:00+02:00,status,Velkommen,10,2,1
p2,pg1,2013-04-03T09:00:00+02:00,photo,Bilde,-3,x,0
p3,pg2,2013-04-04T09:00:00+02:00,status,Hei,1.5,0,
p1,pg1,2013-04-02T09:00:00+02:00,status,Velkommen igjen,10,2,1
"""
POSTS_2 = """post_id,page_id,created_at,type,message,likes,comments,shares
p3,pg2,2013-04-04T09:00:00+02:00,status,Hei,1,0,
p4,pg2,2013-04-05T09:00:00+02:00,status,Ny,4,0,0
p1,pg1,2013-04-02T09:00:00+02:00,status,Velkommen,10,2,1
"""


@pytest.mark.parametrize("block", [2, 3, 1000])
def test_canonical_files_with_bad_rows_and_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    monkeypatch.setattr(stream, "BLOCK_ROWS", block)
    files = [
        _write_csv(tmp_path / "comments.csv", COMMENTS),
        _write_csv(tmp_path / "posts.csv.gz", POSTS),
        _write_csv(tmp_path / "more_posts.csv", POSTS_2),
    ]
    _assert_same(files, tmp_path)


def test_messy_canonical_files_fall_back_to_the_robust_reader(tmp_path: Path) -> None:
    messy = COMMENTS.replace("\n", "\r\n", 3).replace("c5,", "c5;", 1)
    files = [
        _write_csv(tmp_path / "comments.csv", messy + "\nc10,p9,pg9,,2013-04-02,u,False,x,,\n"),
        _write_csv(tmp_path / "posts.csv", POSTS.replace("\n", ",extra\n", 2)),
        _write_csv(tmp_path / "page_days.csv", "page_id;date;followers\npg1;02.04.2013;5\n"),
    ]
    _assert_same(files, tmp_path)


def test_header_only_and_missing_column(tmp_path: Path) -> None:
    files = [_write_csv(tmp_path / "posts.csv", POSTS.splitlines()[0] + ",mood\n")]
    _assert_same(files, tmp_path / "a")
    bad = _write_csv(tmp_path / "comments.csv", "comment_id,post_id\nc1,p1\n")
    robust = ingest.read_files([bad])
    fast = stream.read_files([bad], tmp_path / "stage")
    assert fast.errors == robust.errors and robust.errors


def test_parquet_tables_and_append(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "BLOCK_ROWS", 2)
    first = [_write_csv(tmp_path / "posts.csv", POSTS)]
    robust = ingest.read_files([_write_csv(tmp_path / "more_posts.csv", POSTS_2)])
    parquet = tmp_path / "posts.parquet"
    robust.tables["posts"].iloc[[0, 1, 0]].to_parquet(parquet, index=False)
    _assert_same([parquet], tmp_path / "a", append_to=first)


def test_fixtures(tmp_path: Path) -> None:
    files = [
        p
        for p in sorted(FIXTURES.iterdir())
        if p.is_file() and p.suffix in (".csv", ".tsv", ".jsonl", ".json", ".xlsx", ".sav")
    ]
    assert len(files) > 15
    for path in files:
        robust = ingest.read_files([path])
        if not robust.ok:  # the same error, nothing written
            fast = stream.read_files([path], tmp_path / f"stage-{path.name}")
            assert fast.errors == robust.errors
            pd.testing.assert_frame_equal(fast.summary, robust.summary)
            continue
        _assert_same([path], tmp_path / path.name)


def test_demo_panel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "BLOCK_ROWS", 5_000)
    files = [
        p
        for p in sorted(DEMO.iterdir())
        if p.name.endswith((".csv", ".csv.gz")) and p.name != "instagram_page_days.csv.gz"
    ]
    assert any(p.name == "comments.csv.gz" for p in files)
    _assert_same(files, tmp_path)


def test_demo_comments_take_the_fast_path() -> None:
    assert stream._fast_csv(DEMO / "comments.csv.gz") is not None


def test_cli_stream_writes_the_same_snapshot(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kommunesm.cli import app

    files = [
        str(_write_csv(tmp_path / "comments.csv", COMMENTS)),
        str(_write_csv(tmp_path / "posts.csv", POSTS)),
    ]
    runner = CliRunner()
    for flag, out in (([], "robust"), (["--stream"], "stream")):
        result = runner.invoke(app, ["ingest", *files, "--out", str(tmp_path / out), *flag])
        assert result.exit_code == 0, result.output
    robust, fast = _snapshot(tmp_path / "robust"), _snapshot(tmp_path / "stream")
    for name, frame in robust["tables"].items():
        pd.testing.assert_frame_equal(fast["tables"][name], frame)
    assert fast["quarantine"] == robust["quarantine"]
    assert not list(tmp_path.glob(".stream.stage-*"))  # staging removed

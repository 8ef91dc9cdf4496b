"""Ingest writes are atomic, locked and complete; unknown columns are not written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock

from kommunesm.errors import InputError
from kommunesm.io import ingest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
POSTS = FIXTURES / "crowdtangle_posts.csv"
COMMENTS = FIXTURES / "graph_comments.csv"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_reingest_replaces_whole_snapshot(tmp_path):
    out = tmp_path / "processed"
    ingest.write(ingest.read_files([POSTS, COMMENTS]), out)
    assert {"posts.parquet", "comments.parquet"} <= {p.name for p in out.iterdir()}
    ingest.write(ingest.read_files([POSTS]), out)
    names = {p.name for p in out.iterdir()}
    assert "comments.parquet" not in names  # no stale table beside a new manifest
    manifest = json.loads((out / "ingest.json").read_text())
    assert set(manifest["tables"]) == {"posts"}
    assert sorted(manifest["files"]) == sorted(names - {"ingest.json"})
    assert not list(tmp_path.glob(".processed.tmp-*")) and not list(
        tmp_path.glob(".processed.old-*")
    )


def test_hidden_files_like_gitkeep_survive_the_swap(tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    (out / ".gitkeep").write_text("")
    ingest.write(ingest.read_files([POSTS]), out)
    ingest.write(ingest.read_files([POSTS]), out)
    assert (out / ".gitkeep").exists() and (out / "posts.parquet").exists()


def test_append_keeps_previous_and_lists_every_file(tmp_path):
    out = tmp_path / "processed"
    ingest.write(ingest.read_files([POSTS]), out)
    ingest.write(ingest.read_files([COMMENTS]), out, append=True)
    manifest = json.loads((out / "ingest.json").read_text())
    assert set(manifest["tables"]) == {"posts", "comments"}
    assert {s["file"] for s in manifest["sources"]} == {POSTS.name, COMMENTS.name}
    # appending the same posts again adds nothing: they are duplicates of the snapshot
    n = manifest["tables"]["posts"]
    ingest.write(ingest.read_files([POSTS]), out, append=True)
    assert json.loads((out / "ingest.json").read_text())["tables"]["posts"] == n


def test_refuses_folder_with_foreign_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("not ours")
    with pytest.raises(InputError, match="no kommunesm ingest wrote"):
        ingest.write(ingest.read_files([POSTS]), out)
    assert (out / "thesis.docx").read_text() == "not ours"


def test_concurrent_ingest_is_refused_clearly(tmp_path):
    out = tmp_path / "processed"
    with FileLock(str(tmp_path / ".processed.lock")):
        with pytest.raises(InputError, match="another kommunesm ingest is writing"):
            ingest.write(ingest.read_files([POSTS]), out)
    assert not out.exists()


def test_interrupted_swap_is_recovered(tmp_path):
    out = tmp_path / "processed"
    ingest.write(ingest.read_files([POSTS]), out)
    before = _snapshot(out)
    os.replace(out, tmp_path / ".processed.old-99999")  # killed between the two renames
    (tmp_path / ".processed.tmp-99999").mkdir()
    ingest.write(ingest.read_files([POSTS]), out, append=True)
    assert _snapshot(out)["posts.parquet"] == before["posts.parquet"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".processed.")] == [
        ".processed.lock"
    ] or not [p for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_sigkill_mid_ingest_leaves_previous_snapshot_readable(tmp_path):
    out = tmp_path / "processed"
    ingest.write(ingest.read_files([POSTS]), out)
    before = _snapshot(out)
    marker = tmp_path / "writing"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from kommunesm.io import canonical, ingest
        original = canonical.write_table
        def slow(*args, **kwargs):
            path = original(*args, **kwargs)
            Path({str(marker)!r}).write_text(str(path))
            time.sleep(60)
            return path
        canonical.write_table = slow
        ingest.write(ingest.read_files([{str(COMMENTS)!r}, {str(POSTS)!r}]), {str(out)!r})
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the ingest ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _snapshot(out) == before  # untouched, byte for byte
    assert (
        len(pd.read_parquet(out / "posts.parquet"))
        == json.loads(before["ingest.json"])["tables"]["posts"]
    )
    # the lock died with the process; the next ingest cleans up and succeeds
    ingest.write(ingest.read_files([COMMENTS]), out)
    assert set(json.loads((out / "ingest.json").read_text())["tables"]) == {"comments"}
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_unknown_columns_are_dropped_and_listed_unless_kept(tmp_path):
    src = tmp_path / "facepager_export.csv"
    src.write_text(
        "id,post_id,created_time,from.id,from.name,message,from.link,message_tags,mood\n"
        "c1,1_2,2013-04-02T08:15:00+0000,555001,Ola Hansen,Hei,"
        "https://facebook.com/ola.hansen,\"[{'name': 'Kari Nordmann'}]\",glad\n",
        encoding="utf-8",
    )
    res = ingest.read_files([src])
    dropped = res.summary.loc[0, "dropped_columns"]
    assert "from.link" in dropped and "message_tags" in dropped and "mood" in dropped
    assert "mood" not in res.tables["comments"].columns
    kept = ingest.read_files([src], keep_columns=["mood", "from.link"])
    frame = kept.tables["comments"]
    assert frame["mood"].tolist() == ["glad"]
    assert frame["from.link"].iloc[0].startswith("p_")  # a personal column stays hashed
    out = tmp_path / "processed"
    ingest.write(res, out)
    blob = b"".join(p.read_bytes() for p in out.iterdir())
    for planted in (b"555001", b"Ola", b"Hansen", b"Kari", b"Nordmann", b"ola.hansen"):
        assert planted not in blob


def test_canonical_comments_and_activity_are_pseudonymised(tmp_path):
    comments = tmp_path / "comments.csv"
    comments.write_text(
        "comment_id,post_id,page_id,created_at,author_id,is_page_reply,message\n"
        "c1,1_2,1,2013-04-02T10:00:00+02:00,555001,False,Hei Kari Nordmann\n"
        "c2,1_2,1,2013-04-02T10:05:00+02:00,Ola Hansen,False,ring 912 34 567\n"
        "c3,1_2,1,2013-04-02T10:06:00+02:00,@kari_n,False,se kari@example.no\n"
        "c4,1_2,1,2013-04-02T10:07:00+02:00,Eksempel kommune,True,Hilsen Ola i kommunen\n",
        encoding="utf-8",
    )
    res = ingest.read_files([comments])
    text = res.tables["comments"].astype("str").to_csv()
    for planted in ("555001", "Ola Hansen", "kari_n", "Kari", "912 34 567", "kari@example.no"):
        assert planted not in text
    authors = res.tables["comments"]["author_id"]
    assert authors.iloc[:3].str.match(r"p_[0-9a-f]{16}$").all()
    assert authors.iloc[3] == "page:1"  # the page's reply is the page, not a citizen
    assert res.tables["comments"]["message"].iloc[3] == "Hilsen Ola i kommunen"


def test_cli_names_the_file_and_the_lock(tmp_path):
    import gzip

    from typer.testing import CliRunner

    from kommunesm.cli import app

    runner = CliRunner()
    cut = tmp_path / "posts.csv.gz"
    cut.write_bytes(gzip.compress(POSTS.read_bytes())[:40])
    result = runner.invoke(app, ["ingest", str(cut), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "posts.csv.gz" in result.output and "truncated" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()
    with FileLock(str(tmp_path / ".out.lock")):
        result = runner.invoke(app, ["ingest", str(POSTS), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "another kommunesm ingest" in result.output

"""Loading a data directory: user exports, canonical tables, the demo fallback, detection."""

from __future__ import annotations

import shutil

import pytest

from kommunesm.errors import InputError, MissingInputError
from kommunesm.io import dataset, detect


def test_detect_formats(fixtures, uci_path):
    assert detect.detect_format(uci_path).name == "facebook_insights_posts"
    assert (
        detect.detect_format(fixtures / "insights_posts_old_layout.csv").name
        == "facebook_insights_posts"
    )
    assert (
        detect.detect_format(fixtures / "insights_page_old_layout.csv").name
        == "facebook_insights_page"
    )
    assert detect.detect_format(fixtures / "crowdtangle_posts.csv").name == "crowdtangle"
    # MCL files have their own reader since issue 14 (reactions by type, views)
    mcl = fixtures / "meta_content_library_posts.csv"
    assert detect.detect_format(mcl).name == "meta_content_library"
    assert detect.detect_format(fixtures / "socialbakers_pages.csv").name == "socialbakers"
    assert detect.detect_format(fixtures / "graph_comments.csv").name == "facebook_graph_comments"


def test_unknown_format_error_lists_what_was_seen(tmp_path):
    path = tmp_path / "weird.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        detect.detect_format(path)
    assert "weird.csv" in str(err.value) and "foo, bar" in str(err.value)
    assert "facebook_insights_posts" in str(err.value)


def test_user_directory(tmp_path, fixtures, uci_path):
    shutil.copy(uci_path, tmp_path)
    shutil.copy(fixtures / "crowdtangle_posts.csv", tmp_path)
    ds = dataset.read_dataset(tmp_path)
    assert not ds.synthetic
    assert len(ds.posts) == 500 + 3
    assert ds.files["rows_in"].sum() == ds.files["kept"].sum() + ds.files["quarantined"].sum()
    assert len(ds.quarantine) == ds.files["quarantined"].sum()
    assert set(ds.pages["page_id"]) == {"uci_facebook_metrics_2014", "100000000000001"}
    assert ds.files["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    with pytest.raises(MissingInputError, match="comments"):
        ds.require("comments", purpose="response times")


def test_missing_directory():
    with pytest.raises(InputError, match="data directory not found"):
        dataset.read_dataset("/nonexistent/kommunesm")


def test_json_twitter_archive_is_read_other_json_is_noted(tmp_path, fixtures):
    shutil.copy(fixtures / "twitter_v1.jsonl", tmp_path / "archive.json")
    (tmp_path / "MANIFEST.json").write_text('{"files": []}', encoding="utf-8")
    ds = dataset.read_dataset(tmp_path)
    assert ds.has("activity")
    assert list(ds.files["file"]) == ["archive.json"]
    assert any("MANIFEST.json" in note for note in ds.notes)

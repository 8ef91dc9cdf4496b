"""Canonical schemas: declared once, used to validate and to quarantine."""

from __future__ import annotations

import pandas as pd
import pytest

from kommunesm import schema
from kommunesm.errors import InputError
from kommunesm.io import canonical


def _posts(**overrides):
    base = {
        "post_id": ["a", "b", "c"],
        "page_id": ["p", "p", "p"],
        "created_at": pd.to_datetime(["2013-04-02 10:00"] * 3).tz_localize("Europe/Oslo"),
        "likes": [1, 2, 3],
    }
    base.update(overrides)
    return schema.coerce_dtypes(pd.DataFrame(base), "posts")


@pytest.mark.parametrize("table", schema.TABLES)
def test_empty_tables_validate(table):
    kept, quarantine = schema.validate(schema.empty(table), table)
    assert len(kept) == 0 and len(quarantine) == 0


def test_negative_count_and_duplicate_id_are_quarantined():
    df = _posts(post_id=["a", "a", "c"], likes=[1, 2, -1])
    kept, quarantine = schema.validate(df, "posts", source="x.csv")
    assert kept["post_id"].tolist() == ["a"]
    assert quarantine["source_row"].tolist() == [3, 4]
    # the same id with other values is a conflict, and the differing columns are named
    assert (
        "conflicting duplicate post_id: differs from row 2 in likes" in quarantine.loc[0, "reason"]
    )
    assert ">= 0" in quarantine.loc[1, "reason"]
    assert len(kept) + len(quarantine) == len(df)


def test_identical_duplicate_is_not_called_a_conflict():
    df = _posts(post_id=["a", "a", "b"], likes=[1, 1, 2])
    _, quarantine = schema.validate(df, "posts", source="x.csv")
    assert quarantine.loc[0, "reason"] == "duplicate post_id (same as row 2)"


def test_missing_required_column_raises_with_file_and_column():
    df = _posts().drop(columns="page_id")
    with pytest.raises(InputError, match=r"x.csv, row 1, column 'page_id'"):
        schema.validate(df, "posts", source="x.csv")


def test_unknown_columns_are_kept():
    df = _posts(extra=["x", "y", "z"])
    kept, _ = schema.validate(df, "posts")
    assert "extra" in kept.columns


def test_activity_action_must_be_known():
    df = schema.coerce_dtypes(
        pd.DataFrame(
            {
                "actor_id": ["a", "b"],
                "community": ["#x", "#x"],
                "action": ["post", "shout"],
                "created_at": pd.to_datetime(["2012-02-01"] * 2).tz_localize("UTC"),
            }
        ),
        "activity",
    )
    kept, quarantine = schema.validate(df, "activity")
    assert len(kept) == 1 and "expected one of" in quarantine.loc[0, "reason"]


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".parquet"])
def test_canonical_roundtrip(tmp_path, suffix):
    df = _posts(message=["æøå", None, "x,y"])
    path = canonical.write_table(df, tmp_path / f"posts{suffix}", "posts")
    back = canonical.read_table(path, "posts").data
    pd.testing.assert_frame_equal(back[df.columns.tolist()], df, check_dtype=True)


def test_canonical_csv_is_byte_stable(tmp_path):
    df = _posts()
    a = canonical.write_table(df, tmp_path / "a" / "posts.csv.gz", "posts").read_bytes()
    b = canonical.write_table(df, tmp_path / "b" / "posts.csv.gz", "posts").read_bytes()
    assert a == b


def test_write_refuses_invalid_table(tmp_path):
    with pytest.raises(ValueError, match="refusing to write"):
        canonical.write_table(_posts(likes=[1, -2, 3]), tmp_path / "posts.csv", "posts")


def test_canonical_csv_keeps_midnight_times_and_offsets(tmp_path):
    """Timestamps all at midnight must keep their time and offset (pandas would write
    only the date), and winter/summer offsets must both survive."""
    stamps = pd.to_datetime(["2013-01-02", "2013-07-02"]).tz_localize("Europe/Oslo")
    df = _posts(post_id=["a", "b"], page_id=["p", "p"], created_at=stamps, likes=[1, 2])
    path = canonical.write_table(df, tmp_path / "posts.csv", "posts")
    text = path.read_text(encoding="utf-8")
    assert "2013-01-02T00:00:00+01:00" in text and "2013-07-02T00:00:00+02:00" in text
    back = canonical.read_table(path, "posts").data
    pd.testing.assert_series_equal(back["created_at"], df["created_at"])

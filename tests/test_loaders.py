"""Loaders on the real UCI Insights file, on every messy variant, and on the fixtures of
the other formats. Every test checks the accounting: rows in = kept + quarantined."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from conftest import write_variant
from kommunesm.errors import InputError
from kommunesm.io import crowdtangle, facebook_graph, facebook_insights, socialbakers


def _accounting(result) -> None:
    assert result.n_in == len(result.data) + len(result.quarantine)


def _uci_column_sum(path: Path, column: str) -> int:
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        return int(sum(float(r[column]) for r in reader if r[column] != ""))


# ----------------------------------------------------------------- the real UCI export
def test_uci_loads_all_500_posts(uci_path):
    result = facebook_insights.read_posts(uci_path)
    posts, quarantine = result
    assert len(posts) == 500 and len(quarantine) == 0
    _accounting(result)
    assert posts["post_id"].is_unique
    for canonical, source in [
        ("likes", "like"),
        ("comments", "comment"),
        ("shares", "share"),
        ("reach", "Lifetime Post Total Reach"),
        ("impressions", "Lifetime Post Total Impressions"),
    ]:
        assert int(posts[canonical].sum()) == _uci_column_sum(uci_path, source), canonical
    # the six missing values of the original stay missing (not zero, not dropped)
    assert posts["likes"].isna().sum() == 1 and posts["shares"].isna().sum() == 4
    assert posts["Paid"].isna().sum() == 1
    assert str(posts["likes"].dtype) == "Int64"
    assert "Post Month" in posts.columns  # unknown columns are kept
    assert posts["created_at"].isna().all() and result.meta["notes"]


def test_uci_followers_at_posting(uci_path):
    posts, _ = facebook_insights.read_posts(uci_path)
    assert posts["followers_at_posting"].max() == 139441


@pytest.mark.parametrize(
    ("encoding", "delimiter", "decimal_comma"),
    [
        ("utf-16", "\t", False),
        ("utf-16-le", "\t", True),
        ("cp1252", ";", True),
        ("utf-8-sig", ",", False),
    ],
)
def test_uci_encodings_and_decimal_commas(tmp_path, uci_path, encoding, delimiter, decimal_comma):
    variant = write_variant(
        uci_path,
        tmp_path / "uci.csv",
        encoding=encoding,
        delimiter=delimiter,
        decimal_comma=decimal_comma,
    )
    posts, quarantine = facebook_insights.read_posts(variant, page_id="uci")
    assert len(posts) == 500 and len(quarantine) == 0
    assert int(posts["likes"].sum()) == _uci_column_sum(uci_path, "like")
    assert int(posts["shares"].sum()) == _uci_column_sum(uci_path, "share")


def test_uci_as_xlsx(tmp_path, uci_path):
    frame = pd.read_csv(uci_path, sep=";")
    path = tmp_path / "uci.xlsx"
    frame.to_excel(path, index=False, sheet_name="Key Metrics")
    posts, quarantine = facebook_insights.read_posts(path)
    assert len(posts) == 500 and len(quarantine) == 0
    assert int(posts["comments"].sum()) == _uci_column_sum(uci_path, "comment")


def test_preamble_lines_are_skipped_and_reported(tmp_path, uci_path):
    variant = write_variant(
        uci_path,
        tmp_path / "uci.csv",
        encoding="utf-8",
        preamble=["Facebook Insights export", "Period: 2014"],
    )
    result = facebook_insights.read_posts(variant)
    assert len(result.data) == 500
    assert result.meta["header_row"] == 3
    assert list(result.skipped["reason"]) == ["preamble above the header row"] * 2


# ----------------------------------------------------------------- old Insights layout
def test_old_layout_with_description_row(fixtures):
    result = facebook_insights.read_posts(fixtures / "insights_posts_old_layout.csv")
    posts, quarantine = result
    _accounting(result)
    assert result.n_in == 6  # the description row is not a data row
    assert result.skipped["reason"].tolist() == ["description row under the header"]
    assert len(posts) == 4 and len(quarantine) == 2
    reasons = dict(zip(quarantine["source_row"], quarantine["reason"], strict=True))
    assert "duplicate post_id (same as row 4)" in reasons[7]
    assert "fraction" in reasons[8]
    first = posts.set_index("post_id").loc["123456789_1001"]
    # "04/02/2013 01:15:00 AM" Pacific (PDT) is 10:15 in Oslo (CEST)
    assert first["created_at"] == pd.Timestamp("2013-04-02 10:15", tz="Europe/Oslo")
    assert first["likes"] == 95 and first["comments"] == 12 and first["shares"] == 8
    assert "Tålmodigheten".casefold() in first["message"].casefold()


@pytest.mark.parametrize(
    ("encoding", "delimiter", "comma"),
    [("cp1252", ";", True), ("utf-16", "\t", True), ("utf-8", ",", False)],
)
def test_old_layout_variants(tmp_path, fixtures, encoding, delimiter, comma):
    variant = write_variant(
        fixtures / "insights_posts_old_layout.csv",
        tmp_path / "p.csv",
        encoding=encoding,
        delimiter=delimiter,
        decimal_comma=comma,
    )
    result = facebook_insights.read_posts(variant)
    _accounting(result)
    assert len(result.data) == 4
    assert "Øvre Å idrettslag" in " ".join(result.data["message"])


def test_page_days_old_layout(fixtures):
    result = facebook_insights.read_page_days(
        fixtures / "insights_page_old_layout.csv", page_id="eksempel"
    )
    days, quarantine = result
    _accounting(result)
    assert len(days) == 4 and len(quarantine) == 1
    assert "duplicate page_id+date" in quarantine.loc[0, "reason"]
    assert days["followers"].tolist() == [4612, 4620, 4618, 4630]  # "4,630" is thousands
    assert days["talking_about"].isna().sum() == 1  # "-" is missing, not an error
    assert days["date"].min() == pd.Timestamp("2013-04-01")


# ----------------------------------------------------------------- bad input
def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty.csv: the file is empty"):
        facebook_insights.read_posts(path)


def test_missing_required_column_names_file_row_column(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("Post ID;Posted;like;share\n1;2013-04-02 10:00;3;4\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        facebook_insights.read_posts(path)
    msg = str(err.value)
    assert "posts.csv" in msg and "row 1" in msg and "'comments'" in msg and "'comment'" in msg


def test_bad_values_are_quarantined_with_row_and_column(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        "Post ID;Posted;like;comment;share\n"
        "1;2013-04-02 10:00;3;4;5\n"
        "2;2013-04-02 11:00;mange;4;5\n"
        "3;yesterday;3;4;5\n"
        "4;2013-04-02 12:00;-3;0;0\n"
        "5;2013-04-02 13:00;1;2;3;99\n",
        encoding="utf-8",
    )
    result = facebook_insights.read_posts(path, tz="Europe/Oslo")
    _accounting(result)
    q = result.quarantine.set_index("source_row")
    assert list(result.data["post_id"]) == ["1"]
    assert q.loc[3, "column"] == "like" and "whole number" in q.loc[3, "reason"]
    assert q.loc[4, "column"] == "Posted" and "date and time" in q.loc[4, "reason"]
    assert ">= 0" in q.loc[5, "reason"]
    assert "expected 5 cells, got 6" in q.loc[6, "reason"]


def test_dst_gap_is_quarantined_not_guessed(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        "Post ID;Posted;like;comment;share\n1;2013-03-31 02:30;1;1;1\n2;2013-03-31 03:30;1;1;1\n",
        encoding="utf-8",
    )
    result = facebook_insights.read_posts(path, tz="Europe/Oslo")
    assert list(result.data["post_id"]) == ["2"]
    assert "daylight-saving" in result.quarantine.loc[0, "reason"]


# ----------------------------------------------------------------- CrowdTangle / MCL
def test_crowdtangle(fixtures):
    result = crowdtangle.read_posts(fixtures / "crowdtangle_posts.csv")
    posts, quarantine = result
    _accounting(result)
    assert len(posts) == 3 and len(quarantine) == 2
    assert set(quarantine["source_row"]) == {5, 6}
    assert posts["post_id"].iloc[0] == "100000000000001_3900000000000001"
    # reactions = Likes + Love + Wow + Haha + Sad + Angry + Care
    assert posts["reactions"].iloc[0] == 1000 + 10 + 2 + 1 + 0 + 1 + 0
    assert posts["likes"].iloc[0] == 1000
    # "CET"/"CEST" abbreviations decide the offset around the DST change
    assert posts["created_at"].iloc[1] == pd.Timestamp("2021-03-28 01:30", tz="Europe/Oslo")
    assert posts["created_at"].iloc[2] == pd.Timestamp("2021-03-28 03:30", tz="Europe/Oslo")
    assert posts["page_name"].iloc[0] == "Eksempel kommune"


def test_meta_content_library(fixtures):
    posts, quarantine = crowdtangle.read_posts(fixtures / "meta_content_library_posts.csv")
    assert len(posts) == 2 and len(quarantine) == 0
    assert posts["likes"].tolist() == [310, 25]  # MCL gives all reactions only
    assert posts["created_at"].iloc[0] == pd.Timestamp("2023-05-17 10:00", tz="Europe/Oslo")


# ----------------------------------------------------------------- Socialbakers
def test_socialbakers(fixtures):
    result = socialbakers.read(fixtures / "socialbakers_pages.csv")
    metrics, quarantine = result
    _accounting(result)
    assert len(metrics) == 3 and quarantine["source_row"].tolist() == [5]
    m = metrics.set_index("page_id")
    assert m.loc["9001", "followers"] == 4612
    assert m.loc["9001", "avg_response_time_minutes"] == 83.0  # "1h 23m"
    assert m.loc["9001", "engagement_rate"] == pytest.approx(0.87)  # "0,87 %"
    assert pd.isna(m.loc["9003", "avg_response_time_minutes"])  # "-" is missing
    assert m.loc["9001", "period_start"] == pd.Timestamp("2013-04-01")


# ----------------------------------------------------------------- comments + privacy
def test_graph_comments_pseudonymised(fixtures):
    result = facebook_graph.read_comments(fixtures / "graph_comments.csv", salt="s")
    comments, quarantine = result
    _accounting(result)
    assert len(comments) == 3 and len(quarantine) == 1
    text = comments.astype("str").to_csv()
    for name in ("Kari", "Nordmann", "Ola", "Per Hansen", "555001", "555002"):
        assert name not in text
    assert comments["is_page_reply"].tolist() == [False, True, False]
    assert comments["author_id"].iloc[1] == "page:100000000000001"
    assert comments["author_id"].iloc[0].startswith("p_")
    # a first name alone could be anyone called Kari: removed, not tagged with a pseudonym
    assert comments["message"].iloc[1] == "Hei [navn]! Vannet er tilbake kl. 12."
    # a full name of an author is replaced by that author's pseudonym
    assert comments["author_id"].iloc[0] in comments["message"].iloc[2]

"""Loaders for today's platforms (issue 14): each reads a fixture in the platform's exact
export shape, quarantines bad rows with the reason, and pseudonymises citizens."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kommunesm.io import (
    detect,
    instagram,
    meta_content_library,
    page_insights,
    tiktok,
    x_account,
    youtube,
)

FIX = Path(__file__).parent / "fixtures" / "platforms"


@pytest.fixture(autouse=True)
def _salt(monkeypatch):
    monkeypatch.setenv("KOMMUNESM_SALT", "test-salt-platforms")


def _accounted(result):
    assert result.n_in == len(result.data) + len(result.quarantine)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("instagram_insights_posts.csv", "instagram_insights_csv"),
        ("instagram_graph_media.json", "instagram_graph_media"),
        ("instagram_graph_comments.json", "instagram_graph_comments"),
        ("x_user_timeline.json", "x_timeline"),
        ("x_mentions.jsonl", "x_conversation"),
        ("x_tweet_activity.csv", "x_analytics_csv"),
        ("tiktok_video_query.jsonl", "tiktok_videos"),
        ("youtube_videos.json", "youtube_videos"),
        ("youtube_comment_threads.json", "youtube_comment_threads"),
        ("youtube_studio_table_data.csv", "youtube_studio_csv"),
        ("mcl_facebook_posts.csv", "meta_content_library"),
        ("mcl_facebook_posts.json", "meta_content_library_json"),
        ("page_insights_legacy.json", "page_insights_json"),
        ("page_insights_current.json", "page_insights_json"),
    ],
)
def test_detected_and_accounted(name, fmt):
    result = detect.read_file(FIX / name)
    assert result.meta["detected_format"] == fmt
    _accounted(result)


def test_instagram_insights_csv():
    posts, q = instagram.read_insights_csv(FIX / "instagram_insights_posts.csv")
    assert list(posts["post_id"]) == [f"instagram:1790000000000000{i}" for i in (1, 2, 3)]
    assert set(posts["platform"]) == {"instagram"}
    assert set(posts["page_id"]) == {"instagram:17841400000000999"}
    # "12,400" is twelve thousand four hundred; month-first Oslo time
    assert posts.loc[1, "views"] == 12400 and posts.loc[1, "reach"] == 9100
    assert posts.loc[0, "created_at"] == pd.Timestamp("2025-06-03 09:15", tz="Europe/Oslo")
    assert q["source_row"].tolist() == [5] and "Publish time" in q.loc[0, "column"]


def test_instagram_graph_media_insights():
    posts, q = instagram.read_graph_media(FIX / "instagram_graph_media.json")
    first = posts.iloc[0]
    assert (first["likes"], first["comments"], first["reach"], first["views"]) == (
        120,
        4,
        1500,
        2210,
    )
    assert first["shares"] == 3 and first["type"] == "FEED"
    assert first["created_at"] == pd.Timestamp("2025-09-02 10:10", tz="Europe/Oslo")
    assert pd.isna(posts.iloc[1]["views"])  # no insights asked for: missing, not zero
    assert len(q) == 0


def test_x_timeline_types_and_metrics():
    posts, q = x_account.read_timeline(FIX / "x_user_timeline.json")
    by_id = posts.set_index("post_id")
    assert by_id.loc["twitter:1830000000000000001", "type"] == "tweet"
    assert by_id.loc["twitter:1830000000000000002", "type"] == "thread"
    assert by_id.loc["twitter:1830000000000000003", "type"] == "reply"
    assert by_id.loc["twitter:1830000000000000004", "type"] == "retweet"
    first = by_id.loc["twitter:1830000000000000001"]
    assert (first["likes"], first["comments"], first["shares"], first["impressions"]) == (
        25,
        3,
        12,
        4100,
    )
    assert set(posts["page_id"]) == {"twitter:900000000000000999"}
    assert q["column"].tolist() == ["created_at"] and q["value"].tolist() == ["yesterday"]


def test_x_conversation_pseudonymised_and_threaded():
    comments, q = x_account.read_conversation(FIX / "x_mentions.jsonl")
    assert q["reason"].str.contains("not valid JSON").tolist() == [True]
    blob = comments.astype("str").to_csv()
    for secret in ("700000000000000123", "ola_innbygger", "kari_nordmann", "Ola Innbygger"):
        assert secret not in blob
    page = comments[comments["is_page_reply"]]
    assert page["author_id"].tolist() == ["page:twitter:900000000000000999"]
    # the page answers a citizen's tweet: that tweet is its parent
    assert page["parent_id"].tolist() == ["twitter:1830000000000000010"]
    citizens = comments[~comments["is_page_reply"]]
    assert citizens["author_id"].str.startswith("p_").all()
    # a reply to the account's own post is a top-level comment on that post
    reply = citizens.set_index("comment_id").loc["twitter:1830000000000000011"]
    assert reply["post_id"] == "twitter:1830000000000000001" and pd.isna(reply["parent_id"])


def test_x_analytics_csv():
    posts, q = x_account.read_analytics_csv(FIX / "x_tweet_activity.csv")
    assert set(posts["page_id"]) == {"twitter:demokommune999"}
    assert posts.set_index("post_id").loc["twitter:1830000000000000006", "views"] == 900
    assert q.loc[0, "value"] == "mange"


def test_tiktok_videos():
    result = tiktok.read_videos(FIX / "tiktok_video_query.jsonl")
    posts, q = result
    assert posts.loc[0, "created_at"] == pd.Timestamp("2024-09-02 08:00", tz="UTC")
    assert posts.loc[0, "views"] == 15400 and posts.loc[0, "shares"] == 61
    assert q.loc[0, "reason"] == "expected a whole number >= 0"
    assert "rate_limit_exceeded" in result.skipped.loc[0, "reason"]


def test_youtube_videos_and_comments():
    videos, vq = youtube.read_videos(FIX / "youtube_videos.json")
    assert videos.loc[0, "views"] == 1834 and pd.isna(videos.loc[1, "comments"])
    assert len(vq) == 1
    result = youtube.read_comment_threads(FIX / "youtube_comment_threads.json")
    comments, cq = result
    assert comments["is_page_reply"].tolist() == [False, True]
    assert comments.loc[1, "parent_id"] == comments.loc[0, "comment_id"]
    assert "OlaInnbygger" not in " ".join(comments["message"])
    assert "authorDisplayName" not in comments.columns
    assert not any("author" in c.lower() and c != "author_id" for c in comments.columns)
    assert cq.loc[0, "column"] == "publishedAt"
    assert result.meta["threads_with_replies_not_embedded"] == 1


def test_youtube_studio_total_row_skipped():
    result = youtube.read_studio_csv(FIX / "youtube_studio_table_data.csv")
    assert "Total" in result.skipped.loc[0, "reason"]
    assert result.data["views"].tolist() == [1834, 412]
    assert result.data.loc[0, "created_at"].date().isoformat() == "2025-09-01"
    assert len(result.quarantine) == 1


def test_mcl_reactions_by_type():
    for posts in (
        meta_content_library.read_csv(FIX / "mcl_facebook_posts.csv").data,
        meta_content_library.read_json(FIX / "mcl_facebook_posts.json").data,
    ):
        first = posts.iloc[0]
        assert (first["likes"], first["reactions"], first["reactions_love"]) == (280, 310, 25)
        assert posts.iloc[1]["views"] == 5400 and posts.iloc[1]["reactions_angry"] == 1


def test_page_insights_comparability_flag():
    legacy = page_insights.read_api_json(FIX / "page_insights_legacy.json")
    current = page_insights.read_api_json(FIX / "page_insights_current.json")
    assert set(legacy.data["metric_basis"]) == {"legacy"}
    assert set(current.data["metric_basis"]) == {"current"}
    assert legacy.data["followers"].tolist() == [4620, 4631]
    assert current.data["followers"].tolist() == [9120, 9127]
    # impressions and views are different metrics: never filled into each other
    assert current.data["impressions"].isna().all() and legacy.data["views"].isna().all()
    # end_time 07:00 UTC is the end of the previous Pacific day
    assert legacy.data["date"].dt.strftime("%Y-%m-%d").tolist() == ["2013-04-01", "2013-04-02"]
    assert len(legacy.quarantine) == 1 and legacy.quarantine.loc[0, "value"] == "abc"
    assert legacy.meta["metrics_not_mapped"] == ["page_storytellers"]


def test_page_insights_mixed(tmp_path):
    a = (FIX / "page_insights_current.json").read_text()
    b = a.replace("page_follows", "page_fans").replace("2025-11-2", "2025-11-2")
    path = tmp_path / "mixed.jsonl"
    path.write_text(a.replace("\n", " ") + "\n" + b.replace("\n", " ") + "\n")
    result = page_insights.read_api_json(path)
    assert set(result.data["metric_basis"]) == {"mixed"}


def test_classic_insights_export_is_flagged_legacy(fixtures):
    from kommunesm.io import facebook_insights

    days = facebook_insights.read_page_days(fixtures / "insights_page_old_layout.csv").data
    assert set(days["metric_basis"]) == {"legacy"}


def test_new_pages_export_is_flagged_current(tmp_path):
    from kommunesm.io import facebook_insights

    path = tmp_path / "page.csv"
    path.write_text("Date,Followers,Reach\n2025-11-20,9120,2380\n", encoding="utf-8")
    days = facebook_insights.read_page_days(path).data
    assert days["metric_basis"].tolist() == ["current"] and days["followers"].tolist() == [9120]


def test_instagram_comments_pseudonymised_and_replies_found():
    result = instagram.read_graph_comments(FIX / "instagram_graph_comments.json")
    comments, q = result
    assert result.meta["account_from"] == "most frequent replier"
    assert comments["is_page_reply"].tolist() == [False, True, False]
    reply = comments[comments["is_page_reply"]].iloc[0]
    assert reply["parent_id"] == "instagram:17858893269000001"
    assert reply["author_id"] == "page:instagram:demokommune999"
    assert set(comments["post_id"]) == {"instagram:17900000000000002"}
    blob = comments.astype("str").to_csv()
    for secret in ("ola.innbygger", "kari_n", "per_p"):
        assert secret not in blob
    assert q.loc[0, "value"] == "i går"

"""Twitter/X loaders on fixtures in the shape each tool writes (twarc2 response pages and
flattened lines, v1.1 tweet objects, twarc-csv / TAGS / simple CSV exports), each with
malformed lines that must be quarantined with their line numbers."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from conftest import FIXTURES
from kommunesm.errors import InputError
from kommunesm.io import detect, privacy, twitter
from kommunesm.io.dataset import read_dataset

SALT = "test-salt-not-secret"
#: Everything that identifies the fixtures' (fictional) people.
IDENTIFIERS = [
    "ola_fiktiv",
    "karitest",
    "per_prove",
    "demokommune",
    "Ola Fiktiv",
    "Kari Testesen",
    "Per Prøve",
    "100000001",
    "100000002",
    "100000003",
    "100000004",
    "Lillestrøm",
]


def pseudo(user_id: str) -> str:
    return privacy.pseudonymise(pd.Series(["twitter:" + user_id]), salt=SALT).iloc[0]


def accounting(res) -> None:
    assert res.n_in == len(res.data) + len(res.quarantine)
    assert res.table == "activity"


def no_identifiers(res) -> None:
    """No user id, screen name or display name anywhere in the output (or quarantine)."""
    for frame in (res.data, res.quarantine):
        text = frame.astype("str").to_csv(index=False).casefold()
        for ident in IDENTIFIERS:
            assert ident.casefold() not in text, ident


def quarantined(res) -> dict[int, str]:
    return dict(
        zip(res.quarantine["source_row"].astype(int), res.quarantine["reason"], strict=True)
    )


# --------------------------------------------------------------------------- twarc2
def test_twarc2_search_pages():
    res = twitter.read_twarc2(FIXTURES / "twitter_twarc2_search.jsonl", salt=SALT)
    accounting(res)
    data = res.data.set_index("item_id")
    assert len(data) == 6 and res.n_in == 11  # 9 tweets in data stanzas + 2 bad lines
    assert data["action"].to_dict() == {
        "167200000000000003": "reply",
        "167200000000000002": "retweet",
        "167200000000000001": "post",
        "167200000000000005": "post",
        "167200000000000004": "quote",
        "167200000000000008": "retweet",
    }
    assert data.loc["167200000000000001", "actor_id"] == pseudo("100000001")
    assert data.loc["167200000000000005", "actor_id"] == pseudo("100000001")
    ts = data.loc["167200000000000001", "created_at"]
    assert str(ts) == "2012-02-08 09:15:00+01:00" and str(ts.tz) == "Europe/Oslo"
    assert data.loc["167200000000000002", "retweeted_id"] == "167200000000000001"
    assert data.loc["167200000000000003", "reply_to_id"] == "167200000000000001"
    assert data.loc["167200000000000004", "quoted_id"] == "167200000000000001"
    assert set(data["community"]) == {"#kommunedagene"}
    assert res.meta["community_from"] == "twarc2 search query"
    assert res.meta["included_tweets_not_counted"] == 3
    assert res.quarantine["source_row"].tolist() == [3, 5, 6, 6, 8]
    reasons = res.quarantine["reason"].tolist()
    assert "without an author" in reasons[0]
    assert "not valid JSON" in reasons[1]
    assert "duplicate tweet id (first seen on line 1)" in reasons[2] + reasons[3]
    assert "expected a date and time" in reasons[2] + reasons[3]
    assert "expected a JSON object" in reasons[4]
    assert res.skipped["source_row"].tolist() == [2, 4, 7]
    no_identifiers(res)


def test_twarc2_mentions_and_names_in_text_are_pseudonymised():
    res = twitter.read_twarc2(FIXTURES / "twitter_twarc2_search.jsonl", salt=SALT)
    text = res.data.set_index("item_id")["text"]
    handle = privacy.pseudonymise(pd.Series(["ola_fiktiv"]), salt=SALT).iloc[0]
    assert text["167200000000000002"].startswith(f"RT @{handle}: God morgen")
    # the display name "Ola Fiktiv" in a reply became the author's pseudonym
    assert f"kaffen, {pseudo('100000001')}!" in text["167200000000000003"]


def test_twarc2_flattened_lines():
    res = twitter.read_twarc2(FIXTURES / "twitter_twarc2_flat.jsonl", salt=SALT)
    accounting(res)
    assert res.n_in == 7 and len(res.data) == 5
    assert res.data["action"].tolist() == ["reply", "retweet", "post", "quote", "post"]
    assert res.quarantine["source_row"].tolist() == [5, 6]
    assert "not valid JSON" in res.quarantine["reason"].iloc[0]
    assert "read_v1" in res.quarantine["reason"].iloc[1]
    # the same people get the same pseudonyms as in the response-page file
    pages = twitter.read_twarc2(FIXTURES / "twitter_twarc2_search.jsonl", salt=SALT)
    both = res.data.merge(pages.data, on="item_id", suffixes=("_flat", "_page"))
    assert len(both) == 5 and (both["actor_id_flat"] == both["actor_id_page"]).all()
    no_identifiers(res)


# --------------------------------------------------------------------------- v1.1
def test_v1_tweet_objects():
    res = twitter.read_v1(FIXTURES / "twitter_v1.jsonl", salt=SALT)
    accounting(res)
    assert res.n_in == 9 and len(res.data) == 5
    data = res.data.set_index("item_id")
    assert data["action"].tolist() == ["post", "retweet", "reply", "quote", "retweet"]
    assert res.meta["manual_retweets"] == 1  # "RT @demokommune ..." without retweeted_status
    assert str(data["created_at"].iloc[0]) == "2012-02-08 09:15:00+01:00"
    assert data.loc["167300000000000002", "actor_id"] == pseudo("100000002")
    assert res.quarantine["source_row"].tolist() == [7, 10, 11, 12]
    q = quarantined(res)
    assert "deleted by its author (delete notice on line 9)" in q[7]
    assert "scientific notation" in q[10]
    assert "expected a date and time" in q[11]
    assert "not valid JSON" in q[12]
    assert dict(zip(res.skipped["source_row"], res.skipped["reason"], strict=True)) == {
        4: "streaming notice (limit)",
        8: "blank line",
        9: "streaming notice (delete)",
    }
    assert res.meta["community_from"] == "hashtag in most tweets"
    no_identifiers(res)


def test_v1_manual_retweets_can_be_posts():
    res = twitter.read_v1(FIXTURES / "twitter_v1.jsonl", salt=SALT, manual_rt=False)
    assert res.data.set_index("item_id").loc["167300000000000005", "action"] == "post"


# --------------------------------------------------------------------------- CSV
def test_simple_csv_export():
    res = twitter.read_csv(FIXTURES / "twitter_export.csv", salt=SALT)
    accounting(res)
    assert res.n_in == 9 and len(res.data) == 5
    assert res.data["action"].tolist() == ["post", "retweet", "reply", "post", "post"]
    # screen names without ids: one pseudonym per name, case-insensitive
    actors = res.data["actor_id"]
    assert actors.iloc[0] == actors.iloc[3]  # ola_fiktiv and Ola_Fiktiv
    assert res.quarantine["source_row"].tolist() == [6, 7, 8, 9]
    q = quarantined(res)
    assert "scientific notation" in q[6]
    assert "without an author" in q[7]
    assert "expected true/false" in q[8]
    assert "expected a date and time" in q[9]
    assert "screen_name" not in res.data.columns
    assert res.data["retweet_count"].tolist() == [2, 0, 0, 1, 5]
    no_identifiers(res)


def test_twarc_csv_export():
    res = twitter.read_csv(FIXTURES / "twitter_twarc_csv.csv", salt=SALT)
    accounting(res)
    assert res.data["action"].tolist() == ["post", "retweet", "reply", "quote"]
    assert res.data["actor_id"].iloc[0] == pseudo("100000001")
    assert res.quarantine["source_row"].tolist() == [6]
    assert "duplicate tweet id (first seen on row 3)" in res.quarantine["reason"].iloc[0]
    assert res.data["conversation_id"].iloc[2] == "167500000000000001"  # ids stay text
    dropped = set(res.meta["columns_dropped_personal"])
    assert {"author.id", "author.description", "entities.mentions"} <= dropped
    # author.name is read only to replace the author's name in texts, then dropped
    assert f"Enig, {pseudo('100000001')}!" in res.data["text"].iloc[2]
    assert "in_reply_to_username" in dropped and "author.location" in dropped
    assert not any(c.startswith("author") for c in res.data.columns)
    # a twitter.com/<name> link in a text is pseudonymised too
    assert "twitter.com/p_" in res.data["text"].iloc[2]
    no_identifiers(res)


def test_tags_archive():
    res = twitter.read_csv(FIXTURES / "twitter_tags.csv", salt=SALT)
    accounting(res)
    assert res.data["action"].tolist() == ["post", "retweet", "reply"]  # RT @ text = retweet
    assert str(res.data["created_at"].iloc[2]) == "2012-02-08 09:17:00+01:00"
    assert res.quarantine["source_row"].tolist() == [5]
    assert "status_url" in res.meta["columns_dropped_personal"]
    assert res.data["actor_id"].iloc[0] == pseudo("100000001")
    no_identifiers(res)


def test_csv_without_author_column_names_the_aliases(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text("id,created_at,text\n1,2012-02-08 10:00,hei\n", encoding="utf-8")
    with pytest.raises(InputError, match="actor_id or actor_name") as err:
        twitter.read_csv(path)
    assert "screen_name" in str(err.value) and "tweets.csv" in str(err.value)


# --------------------------------------------------------------------------- general
def test_community_parameter_and_file_stem(tmp_path):
    res = twitter.read_v1(FIXTURES / "twitter_v1.jsonl", salt=SALT, community="KS2012")
    assert set(res.data["community"]) == {"KS2012"}
    lines = [
        {"id": str(10 + i), "author_id": "5", "text": f"melding {i}", "created_at": "2012-02-08"}
        for i in range(3)
    ]
    path = tmp_path / "landsting_2012.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    res = twitter.read_twarc2(path, salt=SALT)
    assert set(res.data["community"]) == {"landsting_2012"}
    assert res.meta["community_from"] == "file name"


def test_invalid_utf8_and_empty_files(tmp_path):
    good = json.dumps({"id": "1", "author_id": "5", "text": "hei", "created_at": "2012-02-08"})
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(good.encode() + b"\n" + b'{"id": "2", "text": "\xff\xfe"}\n')
    res = twitter.read_twarc2(path, salt=SALT)
    accounting(res)
    assert res.quarantine["source_row"].tolist() == [2]
    assert "not valid UTF-8" in res.quarantine["reason"].iloc[0]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        twitter.read_twarc2(empty)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("twitter_twarc2_search.jsonl", "twitter_twarc2"),
        ("twitter_twarc2_flat.jsonl", "twitter_twarc2"),
        ("twitter_v1.jsonl", "twitter_v1"),
        ("twitter_export.csv", "twitter_csv"),
        ("twitter_twarc_csv.csv", "twitter_csv"),
        ("twitter_tags.csv", "twitter_csv"),
    ],
)
def test_formats_are_detected(name, fmt):
    assert detect.detect_format(FIXTURES / name).name == fmt
    res = detect.read_file(FIXTURES / name)
    accounting(res)
    assert res.meta["detected_format"] == fmt


def test_read_dataset_reads_a_hashtag_archive(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMMUNESM_SALT", SALT)
    shutil.copy(FIXTURES / "twitter_twarc2_search.jsonl", tmp_path / "kommunedagene.jsonl")
    ds = read_dataset(tmp_path, include_demo=False)
    assert len(ds.activity) == 6 and not ds.synthetic
    assert ds.files["quarantined"].tolist() == [5]

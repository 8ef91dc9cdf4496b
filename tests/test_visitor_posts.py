"""Citizens' wall posts: questions, page metrics, citizen threads, open walls.

Hand-computed fixture: page A has an open wall (two visitor posts by the same citizen, one
question), page B declares its wall closed, page C has no visitor posts (unknown).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kommunesm.metrics import page_table, response, wall

TZ = "Europe/Oslo"


def t(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


@pytest.fixture()
def panel() -> dict[str, pd.DataFrame]:
    pages = pd.DataFrame(
        {"page_id": ["A", "B", "C"], "name": ["a", "b", "c"], "open_wall": [None, False, None]}
    )
    posts = pd.DataFrame(
        {
            "post_id": ["A_1", "A_v1", "A_v2", "A_v3", "B_1", "C_1"],
            "page_id": ["A", "A", "A", "A", "B", "C"],
            "author_kind": ["page", "visitor", "visitor", "visitor", "page", None],
            "author_id": [None, "u9", "u9", "u8", None, None],
            "created_at": [
                t("2013-04-09 09:00"),
                t("2013-04-09 10:00"),  # question, answered by the page at 11:00
                t("2013-04-10 12:00"),  # not a question
                t("2013-04-11 12:00"),  # question, a citizen comments, no page answer
                t("2013-04-09 09:00"),
                t("2013-04-09 09:00"),
            ],
            "message": [
                "Hva synes dere om nye benker?",  # the page's question: not a citizen's
                "Når blir veien brøytet?",
                "Takk for fin konsert!",
                "Hvorfor er biblioteket stengt?",
                "Velkommen",
                "God påske",
            ],
            "likes": [10, 1, 2, 0, 4, 6],
            "comments": [1, 1, 0, 1, 0, 0],
            "shares": [0, 0, 0, 0, 0, 0],
            "followers_at_posting": [100, 100, 100, 100, 50, 60],
        }
    )
    comments = pd.DataFrame(
        {
            "comment_id": ["c1", "c2", "c3", "c4", "c5"],
            "post_id": ["A_1", "A_1", "A_v1", "A_v3", "A_1"],
            "page_id": ["A"] * 5,
            "parent_id": [None, "c1", None, None, None],
            "created_at": [
                t("2013-04-09 09:10"),
                t("2013-04-09 09:40"),
                t("2013-04-09 11:00"),
                t("2013-04-11 12:30"),
                t("2013-04-09 09:20"),
            ],
            "author_id": ["u1", "page:A", "page:A", "u2", "u3"],
            "is_page_reply": [False, True, True, False, False],
            "message": ["Hvor?", "Der.", "Mandag.", "Lurer på det samme", "Fint"],
        }
    )
    return {"pages": pages, "posts": posts, "comments": comments}


def test_visitor_questions_answered_by_first_page_comment(panel: dict) -> None:
    rt = response.response_times(panel["comments"], posts=panel["posts"])
    # questions: c1 (comment), A_v1 and A_v3 (visitor posts); c4 "Lurer på" is a question too
    assert sorted(rt["comment_id"]) == ["A_v1", "A_v3", "c1", "c4"]
    by = rt.set_index("comment_id")
    assert by.loc["A_v1", "source"] == "visitor_post" and by.loc["c1", "source"] == "comment"
    assert by.loc["A_v1", "response_minutes"] == 60 and by.loc["A_v1", "answered"]
    assert by.loc["c1", "response_minutes"] == 30
    assert not by.loc["A_v3", "answered"]  # only a citizen commented
    # without posts: the comment questions only
    only_c = response.response_times(panel["comments"])
    assert sorted(only_c["comment_id"]) == ["c1", "c4"]


def test_page_response_counts_and_sources(panel: dict) -> None:
    k = response.page_response(panel["comments"], posts=panel["posts"]).loc["A"]
    assert k["questions"] == 4 and k["questions_answered"] == 2
    assert k["questions_in_comments"] == 2 and k["questions_in_visitor_posts"] == 2
    assert k["avg_response_time_minutes"] == 45  # mean(30, 60)
    c_only = response.page_response(
        panel["comments"], posts=panel["posts"], sources=("comment",)
    ).loc["A"]
    assert c_only["questions"] == 2 and c_only["questions_answered"] == 1
    assert c_only["questions_in_visitor_posts"] == 2  # still says where questions were
    v_only = response.page_response(
        panel["comments"], posts=panel["posts"], sources=("visitor_post",)
    ).loc["A"]
    assert v_only["questions"] == 2 and v_only["share_answered"] == 0.5


def test_page_table_keeps_visitor_posts_out_of_page_metrics(panel: dict) -> None:
    tab = page_table(page_days=None, **panel, start="2013-04-01", end="2013-04-30")
    a = tab.loc["A"]
    assert a["page_posts"] == 1 and a["likes"] == 10 and a["interactions"] == 11
    assert a["questions"] == 4 and a["questions_answered"] == 2
    assert a["avg_response_time_minutes"] == 45
    assert a["questions_in_comments"] == 2 and a["questions_in_visitor_posts"] == 2
    assert a["citizen_threads"] == 3 and a["citizen_thread_starters"] == 2
    assert tab.loc["B", "citizen_threads"] == 0
    c_only = page_table(
        page_days=None, **panel, start="2013-04-01", end="2013-04-30", questions="comment"
    )
    assert c_only.loc["A", "questions_answered"] == 1
    assert c_only.loc["A", "avg_response_time_minutes"] == 30
    assert c_only.loc["A", "questions"] == c_only.loc["A", "questions_in_comments"] == 2
    with pytest.raises(ValueError, match="questions must name"):
        page_table(page_days=None, **panel, questions="wall")


def test_open_wall_declared_observed_unknown(panel: dict) -> None:
    ow = wall.open_wall(panel["pages"], panel["posts"])
    assert ow.loc["A", "open_wall"] and ow.loc["A", "open_wall_basis"] == "observed"
    assert not ow.loc["B", "open_wall"] and ow.loc["B", "open_wall_basis"] == "declared"
    assert pd.isna(ow.loc["C", "open_wall"]) and pd.isna(ow.loc["C", "open_wall_basis"])
    assert ow["visitor_posts_seen"].tolist() == [3, 0, 0]
    tab = page_table(page_days=None, **panel)
    assert tab.loc["A", "open_wall"] == 1 and tab.loc["B", "open_wall"] == 0
    assert np.isnan(tab.loc["C", "open_wall"])


def test_a_declared_value_wins_over_data() -> None:
    pages = pd.DataFrame({"page_id": ["A"], "open_wall": [False]})
    posts = pd.DataFrame({"page_id": ["A"], "author_kind": ["visitor"]})
    ow = wall.open_wall(pages, posts)
    assert not ow.loc["A", "open_wall"] and ow.loc["A", "visitor_posts_seen"] == 1


def test_visitor_post_authors_are_creators() -> None:
    from kommunesm import participation

    ts = t("2013-04-09 10:00")
    comments = pd.DataFrame(
        {
            "comment_id": ["c1", "c2", "c3"],
            "post_id": ["A_1", "A_1", "A_1"],
            "page_id": ["A"] * 3,
            "parent_id": [None, "c1", None],
            "author_id": ["u1", "u2", "page:A"],
            "is_page_reply": [False, False, True],
            "created_at": [ts] * 3,
        }
    )
    posts = pd.DataFrame(
        {
            "post_id": ["A_1", "A_v1", "A_v2", "A_v3"],
            "page_id": ["A"] * 4,
            "author_kind": ["page", "visitor", "visitor", "visitor"],
            "author_id": [None, "u9", "u9", "u2"],
            "created_at": [ts] * 4,
        }
    )
    act = participation.facebook_activity(comments, posts)
    assert sorted(act.loc[act["action"] == "post", "actor_id"]) == ["u2", "u9", "u9"]
    assert "page:A" not in set(act["actor_id"])  # the page's post and reply are left out
    prof = participation.profile(act, population={"A": 10}).set_index("level")
    # creators: u9 and u2 (u2 also replied; highest rung counts); contributors: u1; 7 passive
    assert prof["actors"].to_dict() == {"creators": 2, "contributors": 1, "consumers": 7}
    # without the posts (the old behaviour) the creator group is empty
    old = participation.profile(
        participation.facebook_activity(comments), population={"A": 10}
    ).set_index("level")
    assert old.loc["creators", "actors"] == 0
    with_page = participation.facebook_activity(comments, posts, include_page=True)
    assert (with_page["actor_id"] == "page:A").sum() == 2  # its post and its reply


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"


def test_graph_feed_json_marks_visitor_posts_and_pseudonymises() -> None:
    from kommunesm.io import facebook_graph, privacy

    res = facebook_graph.read_posts(FIXTURES / "graph_feed.json", salt="s")
    posts = res.data.set_index("post_id")
    assert len(res.data) == 3 and len(res.quarantine) == 0
    assert posts["author_kind"].tolist() == ["page", "visitor", "visitor"]
    assert pd.isna(posts.loc["111_1", "author_id"])
    expected = privacy.pseudonymise(pd.Series(["9001"]), salt="s").iloc[0]
    assert posts.loc["111_2", "author_id"] == expected
    assert posts.loc["111_1", ["likes", "comments", "shares"]].tolist() == [10, 2, 3]
    assert posts.loc["111_2", "created_at"] == t("2013-04-09 10:00")  # 08:00 UTC
    # the visitor's name never reaches the output, not even in her message
    text = res.data.astype("str").to_csv()
    assert "Kari" not in text and "Nordmann" not in text and "Ola Hansen" not in text
    assert "author_name" not in res.data.columns
    # a visitor question counts for the page (page id from the post id)
    q = response.response_times(None, posts=res.data)
    assert q["comment_id"].tolist() == ["111_2"] and q["page_id"].tolist() == ["111"]


def test_visitor_posts_edge_and_netvizz() -> None:
    from kommunesm.io import facebook_graph

    every = facebook_graph.read_posts(FIXTURES / "graph_feed.json", author_kind="visitor", salt="s")
    assert (every.data["author_kind"] == "visitor").all()
    nv = facebook_graph.read_posts(FIXTURES / "netvizz_page_posts.tsv", salt="s")
    d = nv.data.set_index("post_id")
    assert d["author_kind"].tolist() == ["page", "visitor"]
    assert d.loc["111_1", ["likes", "comments", "shares", "reactions"]].tolist() == [10, 2, 3, 11]
    assert pd.isna(d.loc["111_1", "author_id"]) and d.loc["111_2", "author_id"].startswith("p_")
    with pytest.raises(ValueError, match="author_kind"):
        facebook_graph.read_posts(FIXTURES / "graph_feed.json", author_kind="fan")


def test_feed_exports_are_detected() -> None:
    from kommunesm.io import detect

    assert detect.detect_format(FIXTURES / "netvizz_page_posts.tsv").name == "facebook_graph_posts"
    assert detect.detect_format(FIXTURES / "graph_comments.csv").name == "facebook_graph_comments"


def test_weekly_page_stories_are_not_talking_about(tmp_path) -> None:
    from kommunesm.io import facebook_insights

    f = tmp_path / "insights.csv"
    f.write_text(
        "Date,Lifetime Total Likes,Weekly Page Stories\n2013-04-02,100,40\n2013-04-03,101,38\n",
        encoding="utf-8",
    )
    days = facebook_insights.read_page_days(f, page_id="A").data
    assert days["page_stories"].tolist() == [40, 38]
    assert days["talking_about"].isna().all()  # stories are not people


def test_mcl_views_are_views_not_impressions() -> None:
    from kommunesm.io import crowdtangle

    res = crowdtangle.read_posts(FIXTURES / "meta_content_library_posts.csv")
    raw = pd.read_csv(FIXTURES / "meta_content_library_posts.csv")
    got = res.data["views"].astype("Float64").fillna(-1).tolist()
    assert got == raw["statistics.views"].fillna(-1).tolist()  # e.g. [-1, 5400]
    assert res.data["impressions"].isna().all()


def test_kpi_columns_are_in_page_response_and_page_table(panel: dict) -> None:
    kpi = list(response.KPI_COLUMNS)
    assert set(kpi) <= set(response.page_response(panel["comments"], posts=panel["posts"]))
    tab = page_table(page_days=None, **panel)
    assert set(kpi) <= set(tab.columns)
    # page A by hand: 4 questions, 2 answered (c1 after 30 min, A_v1 after 60 min, both
    # inside office hours on Tuesday 9 April 2013)
    a = tab.loc["A", kpi]
    assert a["share_answered"] == 0.5 and a["median_response_working_hours"] == 0.75
    assert a["share_within_few_hours"] == 0.5 and a["share_same_working_day"] == 0.5


def test_feed_texts_lose_citizens_ids_and_handles_but_keep_the_pages_signature(tmp_path) -> None:
    """A citizen's wall post and a page post naming citizens: names, ids, handles,
    e-mail addresses and phone numbers go; the page's own sign-off stays."""
    import json

    from kommunesm.io import facebook_graph

    feed = {
        "data": [
            {
                "id": "111_1",
                "from": {"name": "Demo kommune", "id": "111"},
                "message": "Takk til Kari Nordmann og 555001 for tipset! Hilsen Ola",
                "created_time": "2013-04-09T07:00:00+0000",
            },
            {
                "id": "111_2",
                "from": {"name": "Kari Nordmann", "id": "555001"},
                "message": "Når kommer brøytebilen? Se kari_n eller ola.hansen.77, "
                "kari@example.no, 912 34 567",
                "created_time": "2013-04-09T08:00:00+0000",
            },
            {
                "id": "111_3",
                "from": {"name": "Ola Hansen", "id": "555002"},
                "message": "Enig med 555001. Det var 500 besøkende i 2013.",
                "created_time": "2013-04-09T09:00:00+0000",
            },
        ]
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    res = facebook_graph.read_posts(path, page_id="111", salt="s")
    text = res.data.astype("str").to_csv()
    for planted in ("Kari", "Nordmann", "555001", "555002", "kari_n", "ola.hansen.77"):
        assert planted not in text, planted
    assert "kari@example.no" not in text and "912 34 567" not in text
    msg = res.data.set_index("post_id")["message"]
    kari = res.data.set_index("post_id").at["111_2", "author_id"]
    assert msg["111_1"] == f"Takk til {kari} og {kari} for tipset! Hilsen Ola"
    assert msg["111_3"] == f"Enig med {kari}. Det var 500 besøkende i 2013."


def test_the_demo_generators_texts_hold_no_personal_data() -> None:
    """Every text the demo can write into posts, comments and about texts (templates with
    their slots, visitor posts, Instagram captions) comes back unchanged from the
    scrubber: the in-memory demo path has nothing to leak into a coding sheet."""
    import json

    from kommunesm import demo
    from kommunesm._resources import data_path
    from kommunesm.io import privacy

    texts: set[str] = set()

    def walk(x: object) -> None:
        if isinstance(x, str):
            texts.add(x)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list | tuple):
            for v in x:
                walk(v)

    walk(json.loads(data_path("templates", "demo_texts.json").read_text(encoding="utf-8")))
    walk(demo._VISITOR_TEXTS)
    walk(demo._IG_CAPTIONS)
    s = pd.Series(sorted(texts))
    out = privacy.scrub_text(s, salt="a-test-key-of-enough-length")
    assert len(s) > 100
    assert (out == s).all(), s[out != s].tolist()

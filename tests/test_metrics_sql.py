"""The SQL engines of ``page_table`` against the pandas reference, column for column.

Fixtures: seeded random panels whose comments are threaded two levels deep (questions
that are themselves replies in a thread, page replies under the thread's first comment,
flat page comments without parent, replies timestamped before their question), around
the DST changes of 2013 (31 March, 27 October) and Norwegian holidays (Easter 2013, 1 and
17 May, Christmas), with missing counts, missing timestamps, zero followers, duplicate
pages and pages that appear in only one table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kommunesm.metrics import page_table
from kommunesm.metrics.response import QUESTION_DETECTOR, question_flags
from kommunesm.metrics.sql import calendar_table, metric_sql

TZ = "Europe/Oslo"
QUESTIONS = ["Når åpner bassenget?", "Hvor kan jeg levere", "Kva kostar det", "Er det stengt i dag"]
REMARKS = ["Flott!", "Takk for info.", "Kan anbefale turen.", "Når jeg kommer, kommer jeg."]
# windows around DST changes and holidays (Europe/Oslo)
WINDOWS = [
    ("2013-03-25", "2013-04-05"),  # Easter (28 Mar–1 Apr) + DST start 31 Mar
    ("2013-05-14", "2013-05-21"),  # 17 May, Whit Monday 20 May
    ("2013-10-24", "2013-10-30"),  # DST end 27 Oct
    ("2013-12-20", "2014-01-03"),  # Christmas, New Year, across a year
]


def _panel(seed: int, n_pages: int = 6) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    pages = [f"P{i}" for i in range(n_pages)]
    # posts
    n_posts = 60
    w = rng.integers(0, len(WINDOWS), n_posts)
    lo = np.array([pd.Timestamp(WINDOWS[i][0], tz=TZ).value for i in w])
    hi = np.array([pd.Timestamp(WINDOWS[i][1], tz=TZ).value for i in w])
    post_ts = pd.to_datetime(lo + (rng.random(n_posts) * (hi - lo)).astype("int64"), utc=True)
    post_page = rng.choice(pages[:-1], n_posts)  # the last page has no posts
    likes = rng.integers(0, 50, n_posts).astype("float64")
    likes[rng.random(n_posts) < 0.1] = np.nan
    shares = rng.integers(0, 5, n_posts).astype("float64")
    shares[rng.random(n_posts) < 0.1] = np.nan
    fap = rng.integers(0, 900, n_posts).astype("float64")
    fap[rng.random(n_posts) < 0.6] = np.nan
    fap[rng.random(n_posts) < 0.05] = 0.0
    posts = pd.DataFrame(
        {
            "post_id": [f"post{i}" for i in range(n_posts)],
            "page_id": post_page,
            "created_at": post_ts.tz_convert(TZ).as_unit("us"),
            "likes": pd.array(likes, dtype="Float64").astype("Int64"),
            "comments": pd.array(rng.integers(0, 9, n_posts), dtype="Int64"),
            "shares": pd.array(shares, dtype="Float64").astype("Int64"),
            "followers_at_posting": pd.array(fap, dtype="Float64").astype("Int64"),
        }
    )
    posts.loc[posts.index[:2], ["likes", "comments", "shares"]] = pd.NA
    posts.loc[posts.index[3], "created_at"] = pd.NaT
    # citizens' wall posts: some are questions, answered by page comments on them
    visitor = rng.random(n_posts) < 0.25
    posts["author_kind"] = np.where(
        visitor, np.where(rng.random(n_posts) < 0.5, "visitor", " Visitor"), "page"
    )
    posts.loc[posts.index[5], "author_kind"] = None
    posts["author_id"] = np.where(visitor, rng.choice(["u1", "u2", "u3"], n_posts), None)
    posts["message"] = np.where(
        visitor, rng.choice(QUESTIONS + REMARKS, n_posts), "Nytt fra kommunen"
    )
    # comments: top-level comments, thread replies (citizens and page), flat page comments
    rows = []
    cid = 0
    for i in range(n_posts):
        t0 = post_ts[i]
        if pd.isna(posts.loc[i, "created_at"]):
            continue
        page = post_page[i]
        top = []
        for _ in range(rng.integers(0, 6)):
            t = t0 + pd.Timedelta(minutes=float(rng.exponential(600)))
            is_q = rng.random() < 0.5
            msg = rng.choice(QUESTIONS if is_q else REMARKS)
            rows.append((f"c{cid}", f"post{i}", page, None, t, False, msg))
            top.append((f"c{cid}", t))
            cid += 1
        for parent, tp in top:
            for _ in range(rng.integers(0, 4)):
                # replies in the thread: citizens (maybe questions) and the page
                t = tp + pd.Timedelta(minutes=float(rng.exponential(3000)) - 200)
                if rng.random() < 0.5:
                    msg = rng.choice(QUESTIONS + REMARKS)
                    rows.append((f"c{cid}", f"post{i}", page, parent, t, False, msg))
                else:
                    rows.append((f"c{cid}", f"post{i}", page, parent, t, True, "Svar fra oss."))
                cid += 1
        if rng.random() < 0.3:  # a flat page comment without parent
            t = t0 + pd.Timedelta(minutes=float(rng.exponential(4000)))
            rows.append((f"c{cid}", f"post{i}", page, "", t, True, "Hei! Se nettsiden."))
            cid += 1
    comments = pd.DataFrame(
        rows,
        columns=[
            "comment_id",
            "post_id",
            "page_id",
            "parent_id",
            "created_at",
            "is_page_reply",
            "message",
        ],
    )
    comments["created_at"] = pd.to_datetime(comments["created_at"], utc=True).dt.tz_convert(TZ)
    comments["created_at"] = comments["created_at"].dt.as_unit("us")
    comments.loc[comments.index[::37], "created_at"] = pd.NaT
    comments["parent_id"] = comments["parent_id"].astype("str")
    comments["is_page_reply"] = comments["is_page_reply"].astype("boolean")
    extra = pd.DataFrame(  # a page known only from its comments
        {
            "comment_id": ["x1"],
            "post_id": ["postX"],
            "page_id": ["Q"],
            "parent_id": [None],
            "created_at": [pd.Timestamp("2013-05-17 10:00", tz=TZ)],
            "is_page_reply": [False],
            "message": ["Hvor er toget?"],
        }
    ).astype({"is_page_reply": "boolean", "parent_id": "str"})
    comments = pd.concat([comments, extra], ignore_index=True)
    # page days: every day of the windows, some gaps and missing values
    days = pd.concat(
        [pd.Series(pd.date_range(a, b, freq="D")) for a, b in WINDOWS], ignore_index=True
    )
    pd_rows = pd.DataFrame(
        {
            "page_id": np.repeat(pages[1:], len(days)),  # P0 has no page days
            "date": np.tile(days.to_numpy(), n_pages - 1),
        }
    )
    n = len(pd_rows)
    fol = rng.integers(0, 1000, n).astype("float64")
    fol[rng.random(n) < 0.2] = np.nan
    talk = rng.integers(0, 60, n).astype("float64")
    talk[rng.random(n) < 0.2] = np.nan
    pd_rows["followers"] = pd.array(fol, dtype="Float64").astype("Int64")
    pd_rows["talking_about"] = pd.array(talk, dtype="Float64").astype("Int64")
    pd_rows = pd_rows.sample(frac=0.9, random_state=seed).reset_index(drop=True)
    page_frame = pd.DataFrame(
        {
            "page_id": [*pages, "P1", "R"],  # a duplicate and a page without any data
            "population": pd.array([1000, 0, 5000, None, 800, 1200, 99, 400][: n_pages + 2]),
            "open_wall": pd.array(
                [None, False, True, None, None, False, True, None][: n_pages + 2], dtype="boolean"
            ),
        }
    )
    return {"pages": page_frame, "page_days": pd_rows, "posts": posts, "comments": comments}


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_index_equal(a.index, b.index)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=0)
    assert a.attrs == b.attrs


OPTIONS = {
    "default": {},
    "period_comments": {"engagement": "period", "questions": "comment"},
    "per_post_visitors": {
        "engagement": "per_post",
        "questions": "visitor_post",
        "office_hours": ("07:30", "16:00"),
        "few_hours": 1.5,
    },
}

SCENARIOS = {
    "full_bounded": (("pages", "page_days", "posts", "comments"), ("2013-01-01", "2013-12-31")),
    "spring": (("pages", "page_days", "posts", "comments"), ("2013-03-28", "2013-05-17")),
    "unbounded": (("pages", "page_days", "posts", "comments"), (None, None)),
    "open_end": (("pages", "page_days", "posts", "comments"), ("2013-05-01", None)),
    "posts_only": (("posts",), ("2013-03-01", "2013-06-30")),
    "comments_only": (("comments",), (None, None)),
    "no_days": (("pages", "posts", "comments"), (None, None)),
    "nothing": ((), (None, None)),
}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_duckdb_equals_pandas(seed, scenario):
    panel = _panel(seed)
    given, (start, end) = SCENARIOS[scenario]
    args = [panel[t] if t in given else None for t in ("pages", "page_days", "posts", "comments")]
    ref = page_table(*args, start, end, engine="pandas")
    got = page_table(*args, start, end, engine="duckdb")
    _assert_same(ref, got)


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_duckdb_equals_pandas_options(option):
    panel = _panel(3)
    kw = OPTIONS[option]
    ref = page_table(*panel.values(), "2013-01-01", "2013-12-31", engine="pandas", **kw)
    got = page_table(*panel.values(), "2013-01-01", "2013-12-31", engine="duckdb", **kw)
    _assert_same(ref, got)


def test_own_posts_only():
    """Posts without author_kind (a page's own export) need no message."""
    panel = _panel(4)
    posts = panel["posts"].drop(columns=["author_kind", "author_id", "message"])
    args = (panel["pages"], panel["page_days"], posts, panel["comments"])
    _assert_same(page_table(*args, engine="pandas"), page_table(*args, engine="duckdb"))


def test_fixture_exercises_every_reply_rule():
    """The random panel has threaded questions answered in-thread (rule 2), flat answers
    (rule 3), answers before the question and questions on DST days and holidays."""
    from kommunesm.metrics.response import response_times

    c = _panel(0)["comments"]
    times = response_times(c)
    q = c.set_index("comment_id").loc[times["comment_id"]]
    threaded = q["parent_id"].notna().to_numpy() & (q["parent_id"] != "").to_numpy()
    assert (threaded & times["answered"].to_numpy()).sum() >= 3
    assert ((~threaded) & times["answered"].to_numpy()).sum() >= 3
    assert (times["response_minutes"] == 0).any()  # clipped: a reply before the question
    panel = _panel(0)
    both = response_times(c, posts=panel["posts"])
    assert (both["source"] == "visitor_post").sum() >= 3
    assert both.loc[both["source"] == "visitor_post", "answered"].any()
    assert both["answered_same_working_day"].any() and both["answered_within_few_hours"].any()
    asked = times["asked_at"].dt.tz_convert(TZ)
    assert asked.dt.date.astype("str").isin(["2013-03-29", "2013-04-01", "2013-05-17"]).any()


def test_parquet_and_arrow_inputs(tmp_path):
    panel = _panel(1)
    paths = {}
    for name, frame in panel.items():
        paths[name] = tmp_path / f"{name}.parquet"
        frame.to_parquet(paths[name], index=False)
    ref = page_table(*panel.values(), "2013-01-01", "2013-12-31", engine="pandas")
    got = page_table(*paths.values(), "2013-01-01", "2013-12-31", memory_limit="256MB")
    _assert_same(ref, got)


def test_stored_question_flags_are_used():
    """A comments table with ``is_question`` of the current detector needs no message;
    flags of another detector version are recomputed from the message."""
    c = _panel(2)["comments"]
    flags = question_flags(c)
    stored = c.assign(is_question=flags, question_detector=QUESTION_DETECTOR)
    ref = page_table(None, None, None, c, engine="pandas")
    no_text = stored.drop(columns=["message"])
    _assert_same(ref, page_table(None, None, None, no_text, engine="duckdb"))
    _assert_same(ref, page_table(None, None, None, no_text, engine="pandas"))
    stale = stored.assign(is_question=~flags, question_detector="q0-old")
    _assert_same(ref, page_table(None, None, None, stale, engine="duckdb"))


def test_calendar_matches_working_clock():
    cal = calendar_table(2013, 2013).set_index("day_no")
    day = (np.datetime64("2013-05-17") - np.datetime64("1970-01-01")).astype(int)
    assert not cal.loc[day, "is_work"]  # Grunnlovsdag
    assert cal.loc[day - 1, "is_work"]  # Thursday 16 May
    assert cal.loc[day + 1, "work_before"] == cal.loc[day, "work_before"]
    assert len(cal) == 365


def test_metric_sql_has_no_regex_and_no_asof():
    sql = metric_sql(
        first_no=0,
        last_no=1,
        bounded=True,
        n_days=2,
        has_posts=True,
        has_days=True,
        has_resp=True,
        dated=True,
        posts_dated=True,
        any_page_posts=True,
    ).lower()
    assert "regexp" not in sql and "asof" not in sql and "message" not in sql


def test_unknown_engine():
    with pytest.raises(ValueError, match="engine"):
        page_table(None, None, None, None, engine="oracle")
    with pytest.raises(ValueError, match="SparkSession"):
        page_table(None, None, None, None, engine="spark")


def test_ingest_stores_question_flags(fixtures, tmp_path):
    """Question detection runs once at ingest: the canonical comments carry is_question
    and the detector's version, and page_table reads them without the message."""
    from kommunesm.io import ingest
    from kommunesm.metrics.response import detect_questions

    res = ingest.read_files([fixtures / "graph_comments.csv"])
    c = res.tables["comments"]
    assert {"is_question", "question_detector"} <= set(c.columns)
    assert (c["question_detector"] == QUESTION_DETECTOR).all()
    assert c["is_question"].to_numpy(dtype=bool).tolist() == detect_questions(c).tolist()
    assert c["is_question"].any()
    ingest.write(res, tmp_path)
    import pyarrow.parquet as pq

    names = pq.read_schema(tmp_path / "comments.parquet").names
    assert "is_question" in names and "question_detector" in names
    ref = page_table(None, None, None, c.drop(columns=["is_question"]), engine="pandas")
    _assert_same(ref, page_table(None, None, None, tmp_path / "comments.parquet"))


def test_question_pattern_same_in_re_re2_and_arrow():
    """The question pattern means the same in Python ``re``, google-re2 and Arrow's RE2
    (which detects at ingest), on Norwegian text with æøå, capitals and NBSP."""
    import re

    import re2

    from kommunesm.metrics.response import QUESTION_PATTERN, _match_question

    texts = [
        "Når åpner bassenget?",
        "NÅR ÅPNER BASSENGET",
        "når\u00a0kommer bussen",
        "Kor fint!",
        "Takk. Hvorfor stengt",
        "Er det åpent i dag",
        "Kan anbefale turen.",
        "lurer på om dere vet",
        "Noen som vet om det er åpent",
        "KVA kostar det",
        "Blåbær og ørret",
        "Å, så flott",
        "",
        "Hvem-ringer",
        "åpner dere kl 8",
        "Jeg kommer når jeg kan.",
    ]
    py = [bool(re.search(QUESTION_PATTERN, t)) for t in texts]
    g = re2.compile(QUESTION_PATTERN)
    goog = [g.search(t) is not None for t in texts]
    arrow = _match_question(pd.Series(texts)).tolist()
    assert py == goog == arrow
    assert py[:3] == [True, True, True]


def test_tz_table_converts_like_pandas():
    """The offset table gives the same Europe/Oslo wall-clock time as pandas, also in the
    hours around both DST changes of 2013."""
    from kommunesm.metrics.sql import tz_table

    rng = np.random.default_rng(7)
    lo, hi = (
        pd.Timestamp("2013-01-01", tz="UTC").value // 1000,
        pd.Timestamp("2014-01-01", tz="UTC").value // 1000,
    )
    edges = [
        pd.Timestamp(x, tz="UTC").value // 1000 for x in ("2013-03-31 01:00", "2013-10-27 01:00")
    ]
    t = np.concatenate(
        [rng.integers(lo, hi, 5000)]
        + [e + np.arange(-7_200_000_000, 7_200_000_000, 60_000_000) for e in edges]
    )
    z = tz_table(int(t.min()), int(t.max())).set_index("utc_day")
    row = z.loc[t // 86_400_000_000]
    local = t + np.where(t < row["switch_us"].to_numpy(), row["off0"], row["off1"])
    want = pd.to_datetime(t, unit="us", utc=True).tz_convert(TZ).tz_localize(None).as_unit("us")
    assert (local == want.to_numpy().astype("int64")).all()

"""Tests of the synthetic demo panel (kommunesm.demo) and of the committed kommunesm/data/demo/."""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pandas as pd
import pytest

from kommunesm import demo, registry, schema
from kommunesm.io import canonical, published

COMMITTED = demo.DEFAULT_DIR
TABLE_FILES = demo.FILES
ALL_FILES = sorted(
    [*TABLE_FILES.values(), *demo.INSTAGRAM_FILES.values(), "README.md", "MANIFEST.json"]
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Generate the default panel once per session into a temporary directory."""
    out = tmp_path_factory.mktemp("demo")
    tables = demo.generate(seed=2013, out_dir=out)
    return out, tables


@pytest.fixture(scope="module")
def tables(generated):
    return generated[1]


@pytest.fixture(scope="module")
def municipalities():
    return registry.municipalities(year=2013)


# ------------------------------------------------------------------ files and determinism
def test_regenerates_byte_identically(generated):
    out, _ = generated
    assert sorted(p.name for p in out.iterdir()) == ALL_FILES
    committed = sorted(p.name for p in COMMITTED.iterdir() if p.is_file())
    assert committed == ALL_FILES, (
        "kommunesm/data/demo/ holds other files than the generator writes"
    )
    for name in ALL_FILES:
        assert (out / name).read_bytes() == (COMMITTED / name).read_bytes(), (
            f"kommunesm/data/demo/{name} is not what kommunesm.demo.generate(seed=2013) gives; "
            "regenerate with `kommunesm demo`"
        )


def test_committed_size_within_budget():
    total = sum(p.stat().st_size for p in COMMITTED.iterdir() if p.is_file())
    assert total <= 8 * 1024 * 1024


def test_manifest(generated):
    out, tables = generated
    text = (out / "MANIFEST.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert text == json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert manifest["synthetic"] is True
    assert manifest["seed"] == 2013
    assert manifest["demo_version"] == demo.DEMO_VERSION
    assert manifest["generator"] == "kommunesm.demo.generate"
    assert sorted(manifest["files"]) == sorted(
        [*TABLE_FILES.values(), *demo.INSTAGRAM_FILES.values()]
    )
    for table, name in TABLE_FILES.items():
        entry = manifest["files"][name]
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert entry["rows"] == len(tables[table])
    readme = (out / "README.md").read_bytes()
    assert manifest["readme_sha256"] == hashlib.sha256(readme).hexdigest()


def test_readme_says_synthetic(generated, tables):
    out, _ = generated
    text = (out / "README.md").read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert "SYNTHETIC" in first
    assert "kommunesm.demo.generate(seed=2013)" in first
    for table, name in TABLE_FILES.items():
        assert f"| `{name}` | {table} | {len(tables[table])} |" in text
    assert "## Calibration" in text
    for effect in demo.BUILT_IN_EFFECTS:
        assert effect in text


def test_other_seed_differs_and_out_dir_none_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small = demo.generate(seed=7, out_dir=None, n_pages=30, years=(2013,))
    assert list(tmp_path.iterdir()) == []
    assert len(small["pages"]) == 30
    assert small["page_days"]["date"].dt.year.unique().tolist() == [2013]
    again = demo.generate(seed=7, out_dir=None, n_pages=30, years=(2013,))
    pd.testing.assert_frame_equal(small["posts"], again["posts"])


# ------------------------------------------------------------------ schema and read-back
@pytest.mark.parametrize("table", list(TABLE_FILES))
def test_table_validates_and_is_synthetic(tables, table):
    frame = tables[table]
    kept, quarantine = schema.validate(frame, table)
    assert len(quarantine) == 0
    assert len(kept) == len(frame) > 0
    assert frame["synthetic"].dtype == "boolean"
    assert frame["synthetic"].all()
    assert list(frame.columns) == list(schema.FIELDS[table])


@pytest.mark.parametrize("table", list(TABLE_FILES))
def test_read_back_unchanged(generated, table):
    out, tables = generated
    result = canonical.read_table(out / TABLE_FILES[table], table)
    assert len(result.quarantine) == 0
    pd.testing.assert_frame_equal(result.data, tables[table].reset_index(drop=True))


# ------------------------------------------------------------------ pages and privacy
def test_page_names_are_pseudonyms(tables, municipalities):
    pages = tables["pages"]
    assert pages["name"].str.fullmatch(r"Demo-kommune \d{3}").all()
    assert pages["page_id"].str.fullmatch(r"demo-\d{3}").all()
    assert (pages["name"].str[-3:] == pages["page_id"].str[-3:]).all()
    assert not set(pages["name"]) & set(municipalities["name"])
    assert (pages["platform"] == "facebook").all()
    # the label is unrelated to the municipality code
    assert (pages["name"].str[-3:] != pages["kommunenummer"].str[-3:]).mean() > 0.9


def test_no_real_municipality_name_in_any_text(tables, municipalities):
    names = set()
    for full in municipalities["name"]:
        names.update(part.strip() for part in re.split(r" - ", full) if part.strip())
    names = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)", re.I)
    texts = pd.concat(
        [
            tables["pages"]["about_text"],
            tables["pages"]["name"],
            tables["posts"]["message"],
            tables["comments"]["message"],
        ]
    ).unique()
    hits = {m.group(0) for text in texts for m in pattern.finditer(text)}
    assert not hits


def test_pages_are_real_2013_municipalities(tables, municipalities):
    pages = tables["pages"]
    reg = municipalities.set_index("kommunenummer")
    assert pages["kommunenummer"].is_unique
    assert pages["kommunenummer"].isin(reg.index).all()
    assert pages["kommunenummer"].str.fullmatch(r"\d{4}").all()
    expected_2024 = reg.loc[pages["kommunenummer"], "kommunenummer_2024"].to_numpy()
    assert pd.Series(expected_2024).equals(pages["kommunenummer_2024"].reset_index(drop=True))
    expected_pop = reg.loc[pages["kommunenummer"], "population"].reset_index(drop=True)
    pd.testing.assert_series_equal(
        expected_pop, pages["population"].reset_index(drop=True), check_names=False
    )
    # adoption rises with population: pages are larger municipalities than the rest
    others = reg.loc[~reg.index.isin(pages["kommunenummer"]), "population"]
    assert pages["population"].median() > others.median()


def test_language_fallback_by_county():
    frame = pd.DataFrame({"county": ["Hordaland", "Østfold", "Møre og Romsdal", None]})
    assert demo._language_nynorsk(frame).tolist() == [True, False, True, False]
    with_form = frame.assign(language_form=["Bokmål", "Nynorsk", "Nøytral", None])
    assert demo._language_nynorsk(with_form).tolist() == [False, True, False, False]


def test_about_texts_vary_for_h8_h9(tables):
    about = tables["pages"]["about_text"]
    hours = about.str.contains("08.00–15.30", regex=False)
    rules = about.str.contains("slett", regex=False)
    assert 0.2 < hours.mean() < 0.6
    assert 0.2 < rules.mean() < 0.6
    assert (~hours & ~rules).sum() > 20
    assert (hours & rules).sum() > 5


def test_comment_authors_are_pseudonymous(tables):
    comments = tables["comments"]
    assert comments["author_id"].str.fullmatch(r"p_[0-9a-f]{16}|page:.+").all()
    replies = comments[comments["is_page_reply"]]
    assert (replies["author_id"] == "page:" + replies["page_id"]).all()
    citizens = comments[~comments["is_page_reply"]]
    assert citizens["author_id"].str.fullmatch(r"p_[0-9a-f]{16}").all()
    assert citizens["parent_id"].isna().all()
    activity = tables["activity"]
    assert activity["actor_id"].str.fullmatch(r"p_[0-9a-f]{16}").all()


def test_participation_is_heavy_tailed(tables):
    citizens = tables["comments"][~tables["comments"]["is_page_reply"]]
    counts = np.sort(citizens.groupby("author_id").size().to_numpy())
    n = len(counts)
    gini = (2 * np.arange(1, n + 1) - n - 1).dot(counts) / (n * counts.sum())
    assert 0.4 < gini < 0.9
    assert (counts == 1).mean() > 0.25  # many people comment once


# ------------------------------------------------------------------ calibration
def test_default_page_count_is_gambit_fact():
    fact = published.fact("gambit2013", "facebook_pages_mapped")
    assert int(fact["value_num"]) == 225
    import inspect

    assert inspect.signature(demo.generate).parameters["n_pages"].default == 225


def test_pages_per_year(tables):
    page_days = tables["page_days"]
    by_year = page_days.groupby(page_days["date"].dt.year)["page_id"].unique()
    assert len(by_year[2013]) == 225
    assert len(by_year[2012]) == round(0.39 * 428) == 167
    assert set(by_year[2012]) <= set(by_year[2013])
    assert set(by_year[2013]) == set(tables["pages"]["page_id"])
    days = page_days.groupby([page_days["date"].dt.year, "page_id"])["date"].agg(
        ["min", "max", "size"]
    )
    assert (days["size"] == 123).all()
    assert (days["min"].dt.strftime("%m-%d") == "04-01").all()
    assert (days["max"].dt.strftime("%m-%d") == "08-01").all()


def test_followers_calibration(tables):
    pd_ = tables["page_days"]
    start = pd_[(pd_["date"] >= "2013-04-01") & (pd_["date"] <= "2013-04-03")]
    assert 600 <= start["followers"].mean() <= 1100
    assert start["followers"].max() <= 10000  # a few thousand at most
    assert start["followers"].min() >= 10
    # followers grow over the period and hardly ever drop
    by_page = pd_.groupby([pd_["date"].dt.year, "page_id"])["followers"]
    assert (by_page.last() >= by_page.first()).mean() > 0.95
    drops = by_page.diff()
    assert (drops < -2).mean() < 0.01


def test_posts_per_week_straddle_h1_threshold(tables):
    posts, pd_ = tables["posts"], tables["page_days"]
    n_pages = pd_.groupby(pd_["date"].dt.year)["page_id"].nunique()
    counts = posts.groupby([posts["created_at"].dt.year, "page_id"]).size() / (123 / 7)
    for year, n in n_pages.items():
        per_page = np.concatenate([counts[year].to_numpy(), np.zeros(n - len(counts[year]))])
        assert 0.15 < (per_page > 4).mean() < 0.85
        assert 3 < per_page.mean() < 8


def test_posting_times(tables):
    created = tables["posts"]["created_at"]
    assert str(created.dt.tz) == "Europe/Oslo"
    day = created.dt.tz_localize(None).dt.normalize()
    month_day = day.dt.strftime("%m-%d")
    assert ((month_day >= "04-01") & (month_day <= "08-01")).all()
    weekday = created.dt.day_of_week < 5
    assert weekday.mean() > 0.8
    office = weekday & created.dt.hour.between(8, 15)
    assert office.mean() > 0.5


def test_quality_indicator_range(tables):
    pd_ = tables["page_days"]
    ratio = pd_["followers"] / pd_["talking_about"].where(pd_["talking_about"] > 0)
    assert 5 <= ratio.median() <= 40
    page_medians = ratio.groupby(pd_["page_id"]).median()
    assert 5 <= page_medians.median() <= 40
    # not simply proportional to followers
    assert page_medians.std() / page_medians.mean() > 0.3


def test_talking_about_follows_interactions(tables):
    posts, pd_ = tables["posts"], tables["page_days"]
    day = posts["created_at"].dt.tz_localize(None).dt.normalize().astype("datetime64[us]")
    inter = (
        (posts["likes"] + posts["comments"] + posts["shares"])
        .groupby([posts["page_id"], day])
        .sum()
    )
    frame = pd_.set_index(["page_id", "date"])  # sorted by page, then date: 123 days a block
    daily = inter.reindex(frame.index, fill_value=0).to_numpy(dtype=float).reshape(-1, 123)
    cs = np.cumsum(daily, axis=1)
    inter7 = (cs[:, 6:] - np.concatenate([np.zeros((len(cs), 1)), cs[:, :-7]], axis=1)).ravel()
    talking = frame["talking_about"].to_numpy(dtype=float).reshape(-1, 123)[:, 6:].ravel()
    assert pd.Series(talking).corr(pd.Series(inter7), method="spearman") > 0.6


def test_engagement_per_post(tables):
    posts = tables["posts"]
    rate = (posts["likes"] + posts["comments"] + posts["shares"]) / posts["followers_at_posting"]
    assert 0.01 <= rate.median() <= 0.05


def test_followers_at_posting_is_that_days_followers(tables):
    posts, pd_ = tables["posts"], tables["page_days"]
    day = posts["created_at"].dt.tz_localize(None).dt.normalize().astype("datetime64[us]")
    lookup = pd_.set_index(["page_id", "date"])["followers"]
    expected = lookup.reindex(pd.MultiIndex.from_arrays([posts["page_id"], day])).to_numpy()
    assert (posts["followers_at_posting"].to_numpy() == expected).all()


# ------------------------------------------------------------------ comments and replies
def test_comment_counts_match_comment_rows(tables):
    posts, comments = tables["posts"], tables["comments"]
    rows = comments.groupby("post_id").size().reindex(posts["post_id"], fill_value=0)
    assert (rows.to_numpy() == posts["comments"].to_numpy()).all()
    assert comments["post_id"].isin(posts["post_id"]).all()
    created = comments.merge(posts[["post_id", "created_at"]], on="post_id", suffixes=("", "_p"))
    assert (created["created_at"] > created["created_at_p"]).all()


def test_replies_come_after_their_question(tables):
    comments = tables["comments"]
    replies = comments[comments["is_page_reply"] & comments["parent_id"].notna()]
    parents = comments.set_index("comment_id").loc[replies["parent_id"]]
    assert (parents["is_page_reply"] == False).all()  # noqa: E712
    assert parents["message"].str.contains("?", regex=False).all()
    assert (replies["created_at"].to_numpy() > parents["created_at"].to_numpy()).all()
    assert (replies["post_id"].to_numpy() == parents["post_id"].to_numpy()).all()
    assert replies["parent_id"].is_unique


def test_share_of_questions_answered(tables):
    comments = tables["comments"]
    citizens = comments[~comments["is_page_reply"]]
    questions = citizens[citizens["message"].str.contains("?", regex=False)]
    interrogative = (
        r"(?i)\b(?:hva|hvor|når|hvorfor|hvordan|hvem|kva|kvar|kor|korleis|kven|kvifor)\b"
    )
    assert questions["message"].str.contains(interrogative).mean() > 0.7
    assert 0.1 < len(questions) / len(citizens) < 0.4
    answered = questions["comment_id"].isin(comments["parent_id"].dropna())
    assert 0.5 <= answered.mean() <= 0.95


def test_replies_slower_outside_office_hours(tables):
    comments = tables["comments"]
    replies = comments[comments["is_page_reply"] & comments["parent_id"].notna()]
    q = comments.set_index("comment_id").loc[replies["parent_id"], "created_at"]
    delay = (replies["created_at"].to_numpy() - q.to_numpy()) / np.timedelta64(1, "h")
    local = q.dt.tz_localize(None)
    office = (local.dt.day_of_week < 5) & local.dt.hour.between(8, 14)
    assert np.median(delay[office.to_numpy()]) < np.median(delay[~office.to_numpy()])


# ------------------------------------------------------------------ texts and effects
def _template_regex(lang: str) -> re.Pattern:
    alternatives = []
    for kind in demo.POST_KINDS:
        templates, slot_a, slot_b = demo._TEMPLATES[(lang, kind)]
        a = "(?:" + "|".join(map(re.escape, slot_a)) + ")"
        b = "(?:" + "|".join(map(re.escape, slot_b)) + ")"
        for template in templates:
            parts = re.split(r"(\{[AB]\})", template)
            body = "".join(a if p == "{A}" else b if p == "{B}" else re.escape(p) for p in parts)
            alternatives.append(body)
    return re.compile("(?:" + "|".join(alternatives) + ")")


def test_messages_follow_page_language(tables, municipalities):
    pages = tables["pages"].merge(
        municipalities[["kommunenummer", "language_form"]], on="kommunenummer", how="left"
    )
    nynorsk = set(pages.loc[pages["language_form"] == "Nynorsk", "page_id"])
    assert 20 < len(nynorsk) < len(pages)
    posts = tables["posts"]
    messages = posts[posts["author_kind"] == "page"].drop_duplicates("message")
    is_nn = messages["page_id"].isin(nynorsk)
    nn, nb = _template_regex("nn"), _template_regex("nb")
    assert messages.loc[is_nn, "message"].map(lambda m: bool(nn.fullmatch(m))).all()
    assert messages.loc[~is_nn, "message"].map(lambda m: bool(nb.fullmatch(m))).all()
    assert tables["posts"]["type"].isin(["status", "photo", "link", "video", "event"]).all()


def test_built_in_effects_declared_and_present(tables):
    effects = demo.BUILT_IN_EFFECTS
    for key in ("question_posts", "local_pride_posts", "du_form_posts", "fast_responders"):
        assert key in effects
    for spec in effects.values():
        assert {"hypothesis", "level", "outcome", "multiplier", "description"} <= set(spec)
    posts = tables["posts"]
    rate = posts["comments"] / posts["followers_at_posting"]
    asks = posts["message"].str.contains("?", regex=False)
    assert rate[asks].mean() > 1.5 * rate[~asks].mean()


def test_activity_community(tables):
    activity = tables["activity"]
    assert (activity["community"] == "#demodagene").all()
    assert set(activity["action"]) == {"post", "retweet", "reply"}
    assert 650 <= len(activity) < 700  # "just under 700" tweets
    local = activity["created_at"].dt.tz_localize(None)
    assert (local.dt.year == 2012).all() and (local.dt.month == 2).all()
    assert local.dt.normalize().nunique() in (2, 3)
    per_actor = activity.groupby("actor_id").size().sort_values(ascending=False)
    top = per_actor.head(max(1, round(0.1 * len(per_actor)))).sum() / len(activity)
    assert top > 0.3
    posts = activity[activity["action"] == "post"].groupby("actor_id").size()
    assert posts.sort_values(ascending=False).head(10).sum() / posts.sum() > 0.3
    assert activity["item_id"].is_unique


def test_visitor_posts_on_open_walls_only(tables):
    from kommunesm.metrics import wall

    posts, comments, pages = tables["posts"], tables["comments"], tables["pages"]
    assert set(posts["author_kind"]) == {"page", "visitor"}
    vis = posts[posts["author_kind"] == "visitor"]
    assert vis["post_id"].str.fullmatch(r"demo-\d{3}_\d{4}v\d{4}").all()
    assert vis["author_id"].str.fullmatch(r"p_[0-9a-f]{16}").all()
    assert posts.loc[posts["author_kind"] == "page", "author_id"].isna().all()
    ow = wall.open_wall(pages, posts)
    # a declared closed wall never has visitor posts; every wall is open or closed
    closed = ow.index[ow["open_wall"].eq(False).fillna(False)]
    assert not vis["page_id"].isin(closed).any()
    assert 0.4 < ow["open_wall"].eq(True).mean() < 0.8
    assert set(ow["open_wall_basis"].dropna()) == {"declared", "observed"}
    # the page answers on its wall with a top-level comment after the visitor post
    r = comments[comments["post_id"].isin(vis["post_id"])]
    assert r["is_page_reply"].all() and r["parent_id"].isna().all()
    asked = vis.set_index("post_id").loc[r["post_id"], "created_at"].to_numpy()
    assert (r["created_at"].to_numpy() > asked).all()
    # comments on a visitor post are what its comments column counts
    n = r.groupby("post_id").size().reindex(vis["post_id"], fill_value=0)
    assert (n.to_numpy() == vis["comments"].to_numpy()).all()

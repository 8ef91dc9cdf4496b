"""Pseudonymisation: no citizen name or id survives ingestion."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from kommunesm.io import privacy


def test_pseudonyms_are_stable_salted_and_distinct():
    names = pd.Series(["Ola", "Kari", "Ola", None])
    a = privacy.pseudonymise(names, salt="one")
    b = privacy.pseudonymise(names, salt="two")
    assert a.iloc[0] == a.iloc[2] != a.iloc[1]
    assert a.iloc[0] != b.iloc[0]
    assert pd.isna(a.iloc[3])
    assert a.dropna().str.fullmatch(r"p_[0-9a-f]{16}").all()


@pytest.fixture
def no_key(monkeypatch, tmp_path):
    """No key configured; the generated one goes to a temporary config folder."""
    for env in ("KOMMUNESM_KEY", "KOMMUNESM_KEY_FILE", "KOMMUNESM_SALT", "KOMMUNESM_SALT_FILE"):
        monkeypatch.delenv(env, raising=False)
    path = tmp_path / "config" / "kommunesm" / "pseudonym.key"
    monkeypatch.setattr(privacy, "key_path", lambda: path)
    return path


def test_key_is_generated_once_announced_and_found_from_anywhere(no_key, tmp_path, monkeypatch):
    with pytest.warns(privacy.NewKeyWarning, match="linked"):
        key = privacy.get_key()
    assert len(bytes.fromhex(key)) == 32  # 256 bits
    assert no_key.read_text().strip() == key
    assert (no_key.stat().st_mode & 0o777) == 0o600
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # announced once only
        assert privacy.get_key() == key


@pytest.mark.parametrize(
    "bad", ["", "   ", "kommunesm-default-salt-change-me", "salt", "short-key"]
)
def test_empty_short_and_known_keys_are_refused(no_key, monkeypatch, bad):
    monkeypatch.setenv("KOMMUNESM_KEY", bad)
    with pytest.raises(privacy.KeyRefusedError):
        privacy.get_key()
    if bad != "short-key":  # an explicit key (tests) may be short, never empty or known
        with pytest.raises(privacy.KeyRefusedError):
            privacy.pseudonymise(pd.Series(["Ola"]), salt=bad)


def test_key_file_env(no_key, monkeypatch, tmp_path):
    path = tmp_path / "k.txt"
    path.write_text("0123456789abcdef0123456789abcdef\n", encoding="utf-8")
    monkeypatch.setenv("KOMMUNESM_KEY_FILE", str(path))
    assert privacy.get_key() == "0123456789abcdef0123456789abcdef"


def test_pseudonyms_are_hmac_not_plain_hash():
    """With a plain hash of (public salt + value) a dictionary of names reverses every
    pseudonym; with HMAC and a secret key it does not."""
    import hashlib
    import hmac

    key = "a-secret-key-of-enough-length"
    got = privacy.pseudonymise(pd.Series(["555001"]), salt=key).iloc[0]
    want = "p_" + hmac.new(key.encode(), b"555001", hashlib.sha256).hexdigest()[:16]
    assert got == want
    for salt in ("", privacy.DEFAULT_SALT):
        assert hashlib.sha256(f"{salt}\x1f555001".encode()).hexdigest()[:16] not in got


def test_blank_authors_do_not_share_a_pseudonym():
    out = privacy.pseudonymise(pd.Series(["", "  ", None, "Ola"]), salt="k" * 20)
    assert out.iloc[:3].isna().all() and out.iloc[3].startswith("p_")


def test_nfd_and_nfc_names_are_one_person():
    import unicodedata

    nfc = "Bjørn Ærø"
    nfd = unicodedata.normalize("NFD", nfc)
    out = privacy.pseudonymise(pd.Series([nfc, nfd]), salt="k" * 20)
    assert out.iloc[0] == out.iloc[1]


def test_personal_extra_columns_are_hashed(tmp_path):
    """An unknown column that names people (e.g. 'from.name') is hashed by every loader."""
    from kommunesm.io import facebook_insights

    path = tmp_path / "posts.csv"
    path.write_text(
        "Post ID;Posted;like;comment;share;Author\n1;2013-04-02 10:00;1;2;3;Ola Nordmann\n",
        encoding="utf-8",
    )
    result = facebook_insights.read_posts(path, tz="Europe/Oslo")
    assert "Ola" not in result.data.astype("str").to_csv()
    assert result.meta["columns_pseudonymised"] == ["Author"]


def test_scrub_mentions():
    out = privacy.scrub_mentions(pd.Series(["RT @Ola_N: bra @kari", "ingen"]), salt="s")
    assert "Ola_N" not in out.iloc[0] and "kari" not in out.iloc[0]
    assert out.iloc[1] == "ingen"


def test_reading_pseudonymised_data_needs_no_key(monkeypatch, tmp_path):
    """The demo panel and processed snapshots hold pseudonyms only: reading them never
    generates a key (and never prints the key's location into a report)."""
    from kommunesm.io import canonical

    for env in ("KOMMUNESM_KEY", "KOMMUNESM_KEY_FILE", "KOMMUNESM_SALT", "KOMMUNESM_SALT_FILE"):
        monkeypatch.delenv(env, raising=False)

    def no_key():
        raise AssertionError("a key was looked up")

    monkeypatch.setattr(privacy, "key_path", no_key)
    path = tmp_path / "comments.csv"
    path.write_text(
        "comment_id,post_id,page_id,created_at,author_id,is_page_reply,message\n"
        "c1,1_2,1,2013-04-02T10:00:00+02:00,p_0123456789abcdef,False,Takk for info!\n"
        "c2,1_2,1,2013-04-02T10:01:00+02:00,page:1,True,Hilsen Ola i kommunen\n",
        encoding="utf-8",
    )
    result = canonical.read_table(path, "comments")
    assert result.data["author_id"].tolist() == ["p_0123456789abcdef", "page:1"]


# --- post texts, ids and handles across files (issue 11) ----------------------------
KEY = "a-test-key-of-enough-length"
PLANTED = ["555001", "Kari Nordmann", "Nordmann", "kari_n", "ola.hansen.77", "912 34 567"]


def _write_panel(folder):
    """A canonical posts file (a page post and a citizen's wall post), comments whose
    authors are a bare id, a handle and a name, and a survey; every text names them."""
    folder.mkdir()
    (folder / "posts.csv").write_text(
        "post_id,page_id,created_at,author_kind,author_id,message\n"
        "1_1,1,2013-04-02T09:00:00+02:00,page,,"
        '"Takk til Kari Nordmann og 555001 for tipset! Hilsen Ola i kommunen"\n'
        "1_2,1,2013-04-02T10:00:00+02:00,visitor,Kari Nordmann,"
        '"Hei, dette er kari_n (ola.hansen.77 er naboen), ring 912 34 567"\n',
        encoding="utf-8",
    )
    (folder / "comments.csv").write_text(
        "comment_id,post_id,page_id,created_at,author_id,is_page_reply,message\n"
        "c1,1_1,1,2013-04-02T10:00:00+02:00,555001,False,Enig med kari_n\n"
        "c2,1_1,1,2013-04-02T10:01:00+02:00,@kari_n,False,Takk 555001!\n"
        "c3,1_1,1,2013-04-02T10:02:00+02:00,Ola Hansen,False,Det var 500 besøkende i 2013\n",
        encoding="utf-8",
    )
    (folder / "questback_export.csv").write_text(
        "Respondent ID;Bruker kommunen Facebook?;Hva savner du på kommunens side?\n"
        "1;Ja;Svar til 555001 og ola.hansen.77\n"
        "2;Nei;Mer om 2013\n"
        "3;Ja;Ingenting\n",
        encoding="utf-8",
    )
    return sorted(folder.iterdir())


def _planted(frame: pd.DataFrame) -> list[str]:
    text = frame.astype("str").to_csv().casefold()
    return [p for p in PLANTED if p.casefold() in text]


def test_canonical_posts_are_scrubbed_and_visitor_authors_pseudonymised(tmp_path, monkeypatch):
    from kommunesm.io import canonical

    monkeypatch.setenv("KOMMUNESM_KEY", KEY)
    files = _write_panel(tmp_path / "raw")
    posts = canonical.read_table(files[1], "posts").data
    # '555001' is known only from comments.csv (the next test); the rest is caught here
    assert _planted(posts) == ["555001"], posts["message"].tolist()
    assert posts["author_id"].iloc[1].startswith("p_")
    # the page's signature is the page's voice, not a citizen
    assert posts["message"].iloc[0].endswith("Hilsen Ola i kommunen")


def test_ids_and_handles_seen_in_one_file_are_scrubbed_in_every_file(tmp_path, monkeypatch):
    from kommunesm.io import ingest
    from kommunesm.io.dataset import read_dataset

    monkeypatch.setenv("KOMMUNESM_KEY", KEY)
    files = _write_panel(tmp_path / "raw")
    result = ingest.read_files(files)
    assert not result.errors, result.errors
    for name, table in result.tables.items():
        assert not _planted(table), (name, table.to_dict("records"))
    assert not _planted(result.quarantine)
    comments = result.tables["comments"].set_index("comment_id")
    assert comments.at["c3", "message"] == "Det var 500 besøkende i 2013"  # numbers stay
    # a commenter's id in a post text becomes that commenter's pseudonym
    assert comments.at["c1", "author_id"] in result.tables["posts"]["message"].iloc[0]
    # the same when the folder is read directly (report, coding-sheet on raw exports)
    ds = read_dataset(tmp_path / "raw")
    for name in ("posts", "comments", "survey"):
        assert not _planted(getattr(ds, name)), name


def test_the_streaming_ingest_scrubs_ids_and_handles_too(tmp_path, monkeypatch):
    """``kommunesm ingest --stream`` (canonical files block by block) leaks nothing the
    ordinary ingest does not."""
    from kommunesm.io import stream

    monkeypatch.setenv("KOMMUNESM_KEY", KEY)
    files = _write_panel(tmp_path / "raw")
    result = stream.read_files(files, tmp_path / "stage")
    assert not result.errors, result.errors
    for name, path in result.tables.items():
        table = pd.read_parquet(path)
        assert not _planted(table), (name, table.to_dict("records"))
    assert not _planted(result.quarantine)
    posts = pd.read_parquet(result.tables["posts"])
    assert posts["message"].iloc[0].endswith("Hilsen Ola i kommunen")

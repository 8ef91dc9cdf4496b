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


def test_default_salt_warns(monkeypatch, tmp_path):
    monkeypatch.delenv("KOMMUNESM_SALT", raising=False)
    monkeypatch.delenv("KOMMUNESM_SALT_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.warns(privacy.DefaultSaltWarning):
        assert privacy.get_salt() == privacy.DEFAULT_SALT


def test_salt_from_file(monkeypatch, tmp_path):
    monkeypatch.delenv("KOMMUNESM_SALT", raising=False)
    (tmp_path / ".kommunesm_salt").write_text("hemmelig\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert privacy.get_salt() == "hemmelig"


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

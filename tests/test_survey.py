"""Tests of kommunesm.io.survey on the fixtures (tests/fixtures/survey_*), one per format."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommunesm import stats
from kommunesm.errors import InputError
from kommunesm.io import detect, survey
from kommunesm.io.dataset import read_dataset

LIKERT = ["Helt uenig", "Delvis uenig", "Verken enig eller uenig", "Delvis enig", "Helt enig"]


@pytest.fixture(scope="module")
def enalyzer(fixtures):
    return survey.read_survey(fixtures / "survey_enalyzer.csv")


def _norm(data: pd.DataFrame) -> pd.DataFrame:
    out = data[["respondent_id", "question_id", "answer_type", "answer_code"]].copy()
    out["question_id"] = out["question_id"].str.upper()
    return out.sort_values(["respondent_id", "question_id"]).reset_index(drop=True)


def test_enalyzer_csv_long_form(enalyzer):
    data = enalyzer.data
    assert enalyzer.n_in == len(data) + len(enalyzer.quarantine) == 6 * 8
    assert len(enalyzer.quarantine) == 0
    assert data["respondent_id"].nunique() == 6
    cell = data.set_index(["respondent_id", "question_id"])
    assert cell.loc[("101", "Q1"), "answer"] == "Helt enig"
    assert cell.loc[("101", "Q1"), "answer_code"] == 5
    assert cell.loc[("101", "Q1"), "scale"] == "likert"
    # "vet ikke" is an answer, an empty cell is missing: kept distinct
    assert cell.loc[("104", "Q1"), "answer"] == "Vet ikke"
    assert cell.loc[("104", "Q1"), "answer_type"] == "dont_know"
    assert pd.isna(cell.loc[("105", "Q1"), "answer"])
    assert cell.loc[("105", "Q1"), "answer_type"] == "missing"
    # multi-choice "Facebook;Twitter" -> one binary row per option
    assert cell.loc[("101", "Q3_twitter"), "answer"] == "1"
    assert cell.loc[("101", "Q3_youtube"), "answer"] == "0"
    assert cell.loc[("101", "Q3_twitter"), "item"] == "Q3"
    assert cell.loc[("101", "Q3_twitter"), "option"] == "Twitter"
    assert (cell.loc["104"].loc[lambda d: d["item"] == "Q3", "answer_type"] == "missing").all()
    assert cell.loc[("104", "Q4"), "answer_code"] == 2.5
    book = enalyzer.meta["codebook"].set_index("question_id")
    assert book.loc["Q2", "scale"] == "yesno"
    assert book.loc["Q3_facebook", "options"] == "Facebook; Twitter; YouTube; Instagram"


def test_personal_columns_are_pseudonymised(enalyzer, fixtures):
    text = enalyzer.data.to_csv()
    assert "@example.no" not in text
    assert enalyzer.data["E-post"].str.startswith("r_").all()
    qb = survey.read_survey(
        fixtures / "survey_questback.xlsx", codebook=fixtures / "survey_codebook.csv"
    )
    assert "Nordmann" not in qb.data.to_csv()
    assert "Navn" in qb.meta["columns_pseudonymised"]


def test_questback_xlsx_with_codebook_matches_enalyzer(enalyzer, fixtures):
    qb = survey.read_survey(
        fixtures / "survey_questback.xlsx", codebook=fixtures / "survey_codebook.csv"
    )
    assert len(qb.quarantine) == 0
    pd.testing.assert_frame_equal(_norm(qb.data), _norm(enalyzer.data))
    cell = qb.data.set_index(["respondent_id", "question_id"])
    assert cell.loc[("101", "Q1"), "answer"] == "Helt enig"  # code 5 -> label
    assert cell.loc[("104", "Q1"), "answer"] == "Vet ikke"  # code 9 -> don't know
    assert cell.loc[("102", "Q3_twitter"), "answer"] == "0"  # blank option = not selected


def test_spss_sav_matches_enalyzer(enalyzer, fixtures):
    sav = survey.read_survey(fixtures / "survey_spss.sav")
    assert sav.meta["format"] == "survey_spss"
    pd.testing.assert_frame_equal(_norm(sav.data), _norm(enalyzer.data))
    book = sav.meta["codebook"].set_index("question_id")
    assert book.loc["q1", "text"].startswith("Sosiale medier stiller nye krav")
    assert book.loc["q1", "scale"] == "likert"
    assert "9=Vet ikke" in book.loc["q1", "labels"]
    assert book.loc["q3_youtube", "item"] == "q3"
    assert "@example.no" not in sav.data.to_csv()


def test_questback_without_codebook_keeps_codes(fixtures):
    qb = survey.read_survey(fixtures / "survey_questback.xlsx")
    q1 = qb.data[qb.data["question_id"] == "Q1"]
    assert set(q1["scale"]) == {"numeric"}  # no labels without a codebook: said so
    assert set(qb.data["question_id"]) >= {"Q3_facebook", "Q3_instagram"}


def test_malformed_file_quarantines_rows_and_cells(fixtures):
    book = survey.read_codebook(fixtures / "survey_codebook.csv")
    res = survey.read_survey(
        fixtures / "survey_malformed.csv", codebook=book[book["question_id"].isin(["Q1", "Q2"])]
    )
    q = res.quarantine
    assert res.n_in == len(res.data) + len(q)
    reasons = q.groupby("source_row")["reason"].first()
    assert reasons[3].startswith("expected one of 1=Helt uenig")  # the value 7
    assert "no respondent id" in reasons[4]
    assert "duplicate respondent id (same as row 2)" in reasons[5]
    assert reasons[6] == "expected 4 cells, got 5"
    assert (q.loc[q["source_row"] == 3, "value"] == "7").all()
    kept = res.data.set_index(["respondent_id", "question_id"])
    assert ("202", "Q2") in kept.index and ("202", "Q1") not in kept.index
    assert kept.loc[("205", "Q1"), "answer_type"] == "dont_know"
    assert kept.loc[("205", "Q2"), "answer_type"] == "missing"


def test_malformed_codebook_names_file_row_column(fixtures):
    with pytest.raises(InputError) as err:
        survey.read_survey(
            fixtures / "survey_malformed.csv",
            codebook=fixtures / "survey_malformed_codebook.csv",
        )
    e = err.value
    assert (e.file, e.row, e.column) == ("survey_malformed_codebook.csv", 2, "labels")
    assert e.got == "2-Delvis uenig"


def test_codebook_question_missing_from_export(fixtures):
    with pytest.raises(InputError) as err:
        survey.read_survey(
            fixtures / "survey_malformed.csv", codebook=fixtures / "survey_codebook.csv"
        )
    assert err.value.file == "survey_codebook.csv" and err.value.row == 4


def test_unreadable_and_questionless_files(tmp_path):
    bad = tmp_path / "broken.sav"
    bad.write_bytes(b"$FL2" + b"\x00" * 20)
    with pytest.raises(InputError, match="could not read the SPSS file"):
        survey.read_survey(bad)
    only_meta = tmp_path / "meta.csv"
    only_meta.write_text("Respondent ID;E-post\n1;a@b.no\n", encoding="utf-8")
    with pytest.raises(InputError, match="no question columns"):
        survey.read_survey(only_meta)


def test_detection_and_read_dataset(fixtures, tmp_path):
    assert detect.detect_format(fixtures / "survey_enalyzer.csv").name == "survey_export"
    assert detect.detect_format(fixtures / "survey_questback.xlsx").name == "survey_export"
    assert detect.detect_format(fixtures / "survey_spss.sav").name == "survey_spss"
    assert detect.detect_format(fixtures / "survey_codebook.csv").name == "survey_codebook"
    # the survey sniffer does not claim other exports
    assert detect.detect_format(fixtures / "socialbakers_pages.csv").name == "socialbakers"
    assert detect.detect_format(fixtures / "crowdtangle_posts.csv").name == "crowdtangle"
    shutil.copy(fixtures / "survey_questback.xlsx", tmp_path / "svar.xlsx")
    shutil.copy(fixtures / "survey_codebook.csv", tmp_path / "svar_codebook.csv")
    ds = read_dataset(tmp_path)
    assert ds.has("survey") and not ds.synthetic
    cell = ds.survey.set_index(["respondent_id", "question_id"])
    assert cell.loc[("101", "Q1"), "answer"] == "Helt enig"  # sibling codebook was used
    assert set(ds.files["format"]) == {"survey_export", "survey_codebook"}
    table = stats.survey_table(ds.survey)
    assert table.loc[table["answer"] == "Facebook", "k"].iloc[0] == 5


def test_codebook_from_and_wide(enalyzer):
    book = survey.codebook_from(enalyzer.data).set_index("question_id")
    assert book.loc["Q1", "scale"] == "likert"
    assert book.loc["Q1", "labels"].startswith("2=Delvis uenig")  # codes seen in the data
    w = survey.wide(enalyzer.data)
    assert w.shape == (6, 8) and w.loc["104", "Q1"] == "Vet ikke"


def test_answer_types():
    s = pd.Series(["Helt enig", "vet ikke", "Don't know", None, " ", "n/a"])
    assert stats.answer_types(s).tolist() == [
        "valid",
        "dont_know",
        "dont_know",
        "missing",
        "missing",
        "missing",
    ]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answers=st.lists(
        st.lists(st.sampled_from(LIKERT + ["Vet ikke", ""]), min_size=2, max_size=2),
        min_size=1,
        max_size=15,
    )
)
def test_likert_counts_survive_the_round_trip(tmp_path, answers):
    lines = ["Respondent ID;1. Første påstand?;2. Andre påstand?"]
    lines += [f"{i};{a};{b}" for i, (a, b) in enumerate(answers, start=1)]
    path = tmp_path / "roundtrip.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = survey.read_survey(path)
    assert len(res.data) == 2 * len(answers) and len(res.quarantine) == 0
    for qi, qid in enumerate(("Q1", "Q2")):
        col = pd.Series([a[qi] for a in answers])
        got = res.data[res.data["question_id"] == qid]
        assert (got["answer_type"] == "missing").sum() == (col == "").sum()
        assert (got["answer_type"] == "dont_know").sum() == (col == "Vet ikke").sum()
        valid = got[got["answer_type"] == "valid"]["answer"].value_counts().sort_index()
        expected = col[~col.isin(["", "Vet ikke"])].value_counts().sort_index()
        pd.testing.assert_series_equal(valid, expected, check_names=False, check_dtype=False)

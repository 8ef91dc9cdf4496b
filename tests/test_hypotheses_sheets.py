"""Coding sheets: sampling, export with drop-downs, round trip through openpyxl, and
errors that name the sheet, row, column and cell."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kommunesm.errors import InputError
from kommunesm.hypotheses import sheets, simulate
from kommunesm.hypotheses.definitions import SCALE


def _posts(n_pages: int = 3, per_page: int = 8) -> pd.DataFrame:
    t = pd.Timestamp("2013-04-02 09:00", tz="Europe/Oslo")
    rows = []
    for p in range(n_pages):
        for i in range(per_page):
            rows.append(
                {
                    "post_id": f"pg{p}_{i:03d}",
                    "page_id": f"pg{p}",
                    "created_at": t + pd.Timedelta(days=i),
                    "message": f"Innlegg {i} fra side {p}. Husk at du kan søke!"
                    if i % 2
                    else f"Vannbrudd i gate {i}.",
                    "permalink": f"https://www.facebook.com/pg{p}/posts/{i}",
                }
            )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- sampling
def test_sample_posts_stratified_and_reproducible():
    posts = _posts()
    a = sheets.sample_posts(posts, per_page=3, seed=7)
    assert a.groupby("page_id").size().tolist() == [3, 3, 3]
    # same seed → same sample, whatever the row order
    b = sheets.sample_posts(posts.sample(frac=1, random_state=1), per_page=3, seed=7)
    assert a["post_id"].tolist() == b["post_id"].tolist()
    # adding another page does not change the sample of the others
    more = pd.concat([posts, _posts(1, 5).assign(page_id="zz", post_id=lambda d: "zz" + d.post_id)])
    c = sheets.sample_posts(more, per_page=3, seed=7)
    assert c[c["page_id"] != "zz"]["post_id"].tolist() == a["post_id"].tolist()
    # another seed → another sample
    d = sheets.sample_posts(posts, per_page=3, seed=8)
    assert d["post_id"].tolist() != a["post_id"].tolist()
    # fewer posts than per_page: all of them; posts without text are left out
    small = posts[posts["page_id"] == "pg0"].head(2).copy()
    small.loc[small.index[0], "message"] = None
    assert len(sheets.sample_posts(small, per_page=5)) == 1
    assert set(sheets.sample_posts(posts, per_page=2, pages=["pg1"])["page_id"]) == {"pg1"}


def test_select_pages_top_and_comparison():
    points = pd.DataFrame({"rank": [1, 2, 2, 4, 5, 6, 7, 8]}, index=[f"p{i}" for i in range(8)])
    chosen = sheets.select_pages(points, top=3, comparison=2, seed=1)
    assert chosen["group"].tolist() == ["topp"] * 3 + ["sammenligning"] * 2
    assert chosen["page_id"].tolist()[:3] == ["p0", "p1", "p2"]
    again = sheets.select_pages(points.iloc[::-1], top=3, comparison=2, seed=1)
    assert set(again["page_id"]) == set(chosen["page_id"])


# ----------------------------------------------------------------------------- export
@pytest.fixture
def post_sheets(tmp_path):
    units = sheets.sample_posts(_posts(), per_page=2, seed=1).drop(columns="sample_key")
    auto = pd.DataFrame({"H5_du_form": True}, index=units["post_id"])
    paths = sheets.export_sheet(units, ["H3", "H5", "H7"], ["A", "B"], tmp_path, auto=auto)
    return units, paths


def test_export_layout_and_dropdowns(post_sheets):
    units, paths = post_sheets
    assert [p.name for p in paths] == ["koding_A.xlsx", "koding_B.xlsx"]
    wb = load_workbook(paths[0])
    assert wb.sheetnames == [sheets.CODING_SHEET, sheets.INSTRUCTIONS_SHEET, sheets.META_SHEET]
    ws = wb[sheets.CODING_SHEET]
    header = [c.value for c in ws[1]]
    assert header[0] == "unit_id" and header[-1] == sheets.NOTE_COLUMN
    assert header[-4:-1] == ["H3", "H5", "H7"]
    assert "tekst" in header and "lenke" in header and "auto_H5_du_form" in header
    assert ws.max_row == len(units) + 1
    dv = ws.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].type == "list" and dv[0].formula1 == '"1,0"'
    cols = header.index("H3") + 1, header.index("H7") + 1
    assert str(dv[0].sqref) == (
        f"{ws.cell(2, cols[0]).column_letter}2:{ws.cell(2, cols[1]).column_letter}{len(units) + 1}"
    )
    instructions = " ".join(
        str(v)
        for row in wb[sheets.INSTRUCTIONS_SHEET].iter_rows(values_only=True)
        for v in row
        if v
    )
    assert "De beste kommunene bruker «du-form»" in instructions
    meta = dict(wb[sheets.META_SHEET].iter_rows(values_only=True))
    assert meta["coder"] == "A" and meta["scale"] == "binary" and meta["unit"] == "post"


def test_export_page_sheet_uses_three_level_scale(tmp_path):
    pages = pd.DataFrame({"page_id": ["a", "b"], "name": ["A", "B"], "about_text": ["x", "y"]})
    (path,) = sheets.export_sheet(pages, ["H8", "H9"], ["K1"], tmp_path)
    ws = load_workbook(path)[sheets.CODING_SHEET]
    assert ws.data_validations.dataValidation[0].formula1 == '"' + ",".join(SCALE) + '"'


def test_export_rejects_bad_arguments(tmp_path):
    pages = pd.DataFrame({"page_id": ["a", "a"]})
    with pytest.raises(InputError, match="unique"):
        sheets.export_sheet(pages, ["H8"], ["K"], tmp_path)
    with pytest.raises(ValueError, match="unknown hypotheses"):
        sheets.export_sheet(pages.head(1), ["H11"], ["K"], tmp_path)
    with pytest.raises(ValueError, match="coder names"):
        sheets.export_sheet(pages.head(1), ["H8"], ["a/b"], tmp_path)


# ----------------------------------------------------------------------------- round trip
def _fill(path, values: dict[str, list[object]], note: str | None = None) -> None:
    wb = load_workbook(path)
    ws = wb[sheets.CODING_SHEET]
    header = [c.value for c in ws[1]]
    for h, vals in values.items():
        j = header.index(h) + 1
        for i, v in enumerate(vals):
            ws.cell(row=i + 2, column=j, value=v)
    if note:
        ws.cell(row=2, column=header.index(sheets.NOTE_COLUMN) + 1, value=note)
    wb.save(path)


def test_round_trip_export_edit_import(post_sheets):
    units, (pa, pb) = post_sheets
    n = len(units)
    _fill(pa, {"H3": [1] * n, "H5": ["1"] * n, "H7": [0] * n}, note="usikker")
    # coder B types variants that normalise: "ja", "Nei", True
    _fill(pb, {"H3": ["ja"] * n, "H5": [True] * n, "H7": ["Nei"] * n})
    coding = sheets.import_sheets([pa, pb])
    assert list(coding.columns)[:5] == ["unit_id", "hypothesis", "coder", "value", "note"]
    assert len(coding) == 2 * n * 3
    assert set(coding["coder"]) == {"A", "B"}
    assert set(coding["unit_id"]) == set(units["post_id"])
    assert set(coding.loc[coding["hypothesis"] == "H3", "value"]) == {"1"}
    assert set(coding.loc[coding["hypothesis"] == "H7", "value"]) == {"0"}
    first = units["post_id"].iloc[0]
    assert (
        coding.loc[(coding["unit_id"] == first) & (coding["coder"] == "A"), "note"] == "usikker"
    ).all()


def test_invalid_cells_name_sheet_row_column_and_cell(post_sheets):
    units, (pa, _) = post_sheets
    n = len(units)
    _fill(pa, {"H3": [1] * n, "H5": [1] * n, "H7": [0] * n})
    wb = load_workbook(pa)
    ws = wb[sheets.CODING_SHEET]
    header = [c.value for c in ws[1]]
    col = header.index("H5") + 1
    ws.cell(row=4, column=col, value="kanskje")
    ws.cell(row=6, column=header.index("H7") + 1, value="Bra")  # wrong scale for posts
    wb.save(pa)
    letter = ws.cell(row=4, column=col).column_letter
    with pytest.raises(sheets.CodingSheetError) as info:
        sheets.import_sheets([pa])
    err = info.value
    msg = str(err)
    assert "koding_A.xlsx" in msg and "sheet 'Koding'" in msg
    assert "row 4" in msg and "column 'H5'" in msg and f"cell {letter}4" in msg
    assert "'kanskje'" in msg and "expected one of 1, 0" in msg
    assert "row 6" in msg and "column 'H7'" in msg and "'Bra'" in msg
    assert err.row == 4 and err.column == "H5" and err.file == "koding_A.xlsx"
    assert len(err.problems) == 2
    assert isinstance(err, InputError)


def test_empty_cells_warn_error_or_keep(post_sheets):
    units, (pa, _) = post_sheets
    n = len(units)
    _fill(pa, {"H3": [1] * n, "H5": [1] * (n - 1) + [None], "H7": [0] * n})
    with pytest.warns(UserWarning, match="1 empty coding cell"):
        coding = sheets.import_sheets([pa])
    assert len(coding) == 3 * n - 1
    with pytest.raises(sheets.CodingSheetError, match=f"row {n + 1}.*empty cell"):
        sheets.import_sheets([pa], missing="error")
    kept = sheets.import_sheets([pa], missing="keep")
    assert len(kept) == 3 * n and kept["value"].isna().sum() == 1
    problems = sheets.check_sheets([pa])
    assert problems["problem"].tolist() == ["empty cell"]
    assert problems["row"].tolist() == [n + 1]


def test_edited_unit_ids_and_foreign_files_are_errors(post_sheets, tmp_path):
    units, (pa, pb) = post_sheets
    wb = load_workbook(pa)
    ws = wb[sheets.CODING_SHEET]
    ws.cell(row=3, column=1, value=ws.cell(row=2, column=1).value)  # duplicated unit
    wb.save(pa)
    with pytest.raises(sheets.CodingSheetError, match="duplicate unit_id"):
        sheets.import_sheets([pa])
    other = tmp_path / "other.xlsx"
    pd.DataFrame({"x": [1]}).to_excel(other, index=False)
    with pytest.raises(InputError, match="not a kommunesm coding sheet"):
        sheets.import_sheets([other])
    with pytest.raises(InputError, match="more than one workbook"):
        copy = tmp_path / "copy" / "koding_B2.xlsx"
        copy.parent.mkdir()
        copy.write_bytes(pb.read_bytes())
        sheets.import_sheets([pb, copy])


def test_simulated_coders_fill_sheets_reproducibly(post_sheets, tmp_path):
    units, (pa, pb) = post_sheets
    base = pd.DataFrame(
        {"H3": [True, False] * (len(units) // 2), "H5": True, "H7": False},
        index=units["post_id"].to_numpy(),
    )
    truth = simulate.simulated_truth(base, seed=3, flip=0.0)
    simulate.fill_sheets([pa, pb], truth, error_rates={"A": 0.0, "B": 1.0}, seed=1)
    coding = sheets.import_sheets([pa, pb])
    a = coding[coding["coder"] == "A"].set_index(["unit_id", "hypothesis"])["value"]
    b = coding[coding["coder"] == "B"].set_index(["unit_id", "hypothesis"])["value"]
    assert (a.loc[(slice(None), "H5")] == "1").all()  # A copies the truth
    assert (b.loc[(slice(None), "H5")] == "0").all()  # B always errs
    meta = dict(load_workbook(pa)[sheets.META_SHEET].iter_rows(values_only=True))
    assert meta["simulated"].startswith("SIMULATED")
    t1 = simulate.simulated_truth(base, seed=9, flip=0.3)
    t2 = simulate.simulated_truth(base, seed=9, flip=0.3)
    assert t1.equals(t2)


# ----------------------------------------------------------------------------- CLI
def test_cli_coding_sheet(tmp_path):
    from kommunesm.cli import app
    from kommunesm.io import canonical

    data = tmp_path / "data"
    data.mkdir()
    posts = _posts().drop(columns="permalink").assign(likes=1, comments=0, shares=0)
    canonical.write_table(posts, data / "posts.csv", "posts")
    pages = pd.DataFrame(
        {
            "page_id": ["pg0", "pg1", "pg2"],
            "platform": "facebook",
            "name": ["X", "Y", "Z"],
            "about_text": ["Åpent kl. 8–15", "", "Hei"],
        }
    )
    canonical.write_table(pages, data / "pages.csv", "pages")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "coding-sheet",
            str(data),
            "--coders",
            "A",
            "B",
            "--out",
            str(out),
            "--per-page",
            "2",
            "--seed",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["koding_A.xlsx", "koding_B.xlsx"]
    ws = load_workbook(out / "koding_A.xlsx")[sheets.CODING_SHEET]
    assert ws.max_row == 1 + 3 * 2
    result = CliRunner().invoke(
        app,
        ["coding-sheet", str(data), "--coders", "K", "--out", str(out / "p"), "--level", "page"],
    )
    assert result.exit_code == 0, result.output
    header = [c.value for c in load_workbook(out / "p" / "koding_K.xlsx")[sheets.CODING_SHEET][1]]
    assert "H1" in header and "H10" in header and "auto_H9" in header


def test_workbooks_from_tables_in_memory_hold_no_personal_data(tmp_path, monkeypatch):
    """Every route to a coding workbook gets scrubbed text, also a posts table built in
    memory (the demo generator, a notebook) that never went through a loader."""
    from kommunesm.hypotheses import scheme_sheets

    monkeypatch.setenv("KOMMUNESM_KEY", "a-test-key-of-enough-length")
    posts = _posts(n_pages=1, per_page=2)
    posts["message"] = [
        "Takk til Kari Nordmann (@kari_n), ring 912 34 567. Hilsen Ola i kommunen",
        "Skriv til kari@example.no eller se facebook.com/ola.hansen.77",
    ]
    written = [
        *sheets.export_sheet(posts, ["H3"], ["A"], tmp_path / "h"),
        *scheme_sheets.export_coding_sheets(posts, "bonson", ["A"], tmp_path / "s"),
    ]
    for path in written:
        cells = " ".join(
            str(v)
            for ws in load_workbook(path)
            for row in ws.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
        for planted in ("Kari", "Nordmann", "kari_n", "912 34 567", "kari@", "ola.hansen"):
            assert planted not in cells, (path.name, planted)
        assert "Hilsen Ola i kommunen" in cells  # the page's signature stays

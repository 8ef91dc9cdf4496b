"""Coding schemes as declared objects: every shipped scheme round-trips through its Excel
workbooks, bad cells are named precisely, reliability matches hand computation, the
Top-vs-rest comparison and the coding round work for every scheme."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from kommunesm.errors import InputError
from kommunesm.hypotheses import catalogue, scheme_analysis, scheme_sheets
from kommunesm.hypotheses.catalogue import SCHEMES, get_scheme, list_schemes, register, unregister
from kommunesm.hypotheses.reliability import (
    krippendorff_alpha,
    reliability_matrix,
    reliability_table,
)
from kommunesm.hypotheses.schemes import Category, CodingScheme, Variable
from kommunesm.hypotheses.sheets import CODING_SHEET, META_SHEET, CodingSheetError

SHIPPED = list(catalogue.SHIPPED)


def _units(scheme: CodingScheme, n: int = 4) -> pd.DataFrame:
    if scheme.unit == "page":
        return pd.DataFrame(
            {
                "page_id": [f"pg{i}" for i in range(n)],
                "name": [f"Demo-kommune {i}" for i in range(n)],
                "platform": ["facebook", "youtube", "facebook", "twitter"][:n],
                "about_text": ["Åpent kl. 8–15", "", "Regler for siden", "=1+1"][:n],
                "open_wall": [True, False, True, None][:n],
                "posts_per_week": [3.0, 1.0, 0.0, 2.0][:n],
            }
        )
    return pd.DataFrame(
        {
            "post_id": [f"p{i}" for i in range(n)],
            "page_id": ["pg0", "pg0", "pg1", "pg1"][:n],
            "message": [
                "Vannbrudd i Storgata i kveld.",
                "Hei du! Se bildene.",
                '=HYPERLINK("http://x")',
                "Ledig stilling",
            ][:n],
            "type": ["status", "photo", "link", "event"][:n],
            "permalink": [f"https://facebook.com/x/{i}" for i in range(n)],
        }
    )


def _first_codes(scheme: CodingScheme) -> dict[str, object]:
    return {c: scheme.allowed(c)[0] for c in scheme.columns}


def _fill(path, values: dict[str, list[object]]) -> None:
    wb = load_workbook(path)
    ws = wb[CODING_SHEET]
    header = [c.value for c in ws[1]]
    for col, vals in values.items():
        j = header.index(col) + 1
        for i, v in enumerate(vals):
            ws.cell(row=i + 2, column=j).value = v  # ws.cell(value=None) would not clear
    wb.save(path)


# ----------------------------------------------------------------------------- declaration
def test_shipped_schemes_are_registered_with_sources():
    table = list_schemes()
    for name in (
        "gambit_sider",
        "gambit_innlegg",
        "veikart_ambisjon",
        "veikart_bemanning",
        "veikart_bruksomrader",
        "difi_typologi",
        "bonson",
    ):
        assert name in table.index
        scheme = get_scheme(name)
        cats = scheme.table()
        assert cats["source"].str.len().gt(0).all(), name
        assert cats["definition_nb"].str.len().gt(0).all(), name
    assert get_scheme("veikart_ambisjon").allowed("ambisjonsniva") == [
        "passiv",
        "avventende",
        "inviterende",
    ]
    assert get_scheme("veikart_bemanning").allowed("bemanningsmodell") == [
        "Ildsjelen",
        "Teamet",
        "Distribuert ansvar",
    ]
    assert get_scheme("difi_typologi").allowed("difi_type") == [
        "dialogbaserte møteplasser",
        "avsenderstyrte møteplasser",
        "prosjekt- og saksbehandlerstøtte",
        "lytte- og deleverktøy",
        "digitale dugnadsarenaer",
    ]
    # quotations are the seeds' words, with page citations
    amb = get_scheme("veikart_ambisjon").table().set_index("category")
    assert (
        "sperret for at brukere skal kunne skrive egne saker"
        in amb.loc["avventende", "definition_nb"]
    )
    assert amb.loc["avventende", "source"] == "Langva, Meling & Wessel-Aas (2012, s. 11)"
    # half-transcribed sources say so
    assert "transkripsjonen" in " ".join(get_scheme("veikart_bruksomrader").notes)
    assert (
        "Bare tittelen"
        in get_scheme("veikart_bruksomrader")
        .table()
        .set_index("category")
        .loc["hverdagskriser", "note"]
    )
    assert "16 innholdstyper" in " ".join(get_scheme("bonson").notes)


def test_declaring_a_scheme_takes_a_few_lines_and_is_validated():
    s = CodingScheme(
        "test_tone",
        "post",
        [Variable("tone", "Tone", {"formell": "Kunngjøring.", "uformell": "Personlig."})],
        source="Egen (2026)",
    )
    assert s.columns == ["tone"] and s.level("tone") == "nominal"
    assert s.table()["source"].tolist() == ["Egen (2026)"] * 2
    register(s)
    try:
        assert get_scheme("test_tone") is s
        with pytest.raises(ValueError, match="exists"):
            register(CodingScheme("test_tone", "page", s.variables))
    finally:
        unregister("test_tone")
    with pytest.raises(ValueError, match="unit"):
        CodingScheme("x", "tweet", s.variables)
    with pytest.raises(ValueError, match="commas"):
        Variable("v", "V", ["a,b", "c"])
    with pytest.raises(ValueError, match="distinct"):
        Variable("v", "V", [Category("a"), Category("b", aliases=("A",))])
    with pytest.raises(ValueError, match="2\\+ categories"):
        Variable("v", "V", ["only"])
    with pytest.raises(KeyError, match="unknown coding scheme"):
        get_scheme("nope")


def test_values_normalise_and_score_in_category_order():
    amb = get_scheme("veikart_ambisjon")
    assert amb.scores(
        "ambisjonsniva", ["passiv", " Inviterende ", "Den avventende kommunen", "x", None]
    ).tolist()[:3] == [0.0, 2.0, 1.0]
    g = get_scheme("gambit_sider")  # listed best first, scored lowest 0
    assert g.scores("H1", ["Bra", "Kan bli bedre", "dårleg"]).tolist() == [2.0, 1.0, 0.0]
    assert g.label_of_score("H1", 2.0) == "Bra"
    bruk = get_scheme("veikart_bruksomrader")
    col = "bruksomrade.rekruttering"
    assert bruk.level(col) == "binary" and bruk.allowed(col) == ["1", "0"]
    assert bruk.scores(col, [1, "ja", False, "nei", "kanskje"]).tolist()[:4] == [1, 1, 0, 0]


def test_automatic_suggestions_follow_the_stated_rules():
    bonson = get_scheme("bonson")
    posts = _units(bonson)
    sugg = bonson.suggest(posts)
    assert sugg["medietype"].tolist() == ["tekst", "bilde", "lenke", "hendelse"]
    # notices from H7's lexicon
    assert sugg["innholdstype"].tolist() == ["driftsmelding", None, None, None]
    pages = _units(get_scheme("veikart_ambisjon"))
    amb = get_scheme("veikart_ambisjon").suggest(pages)["ambisjonsniva"].tolist()
    assert amb == ["inviterende", "avventende", "passiv", None]
    difi = get_scheme("difi_typologi").suggest(pages)["difi_type"].tolist()
    assert difi == [
        "dialogbaserte møteplasser",
        "avsenderstyrte møteplasser",
        "dialogbaserte møteplasser",
        "dialogbaserte møteplasser",
    ]
    h = get_scheme("gambit_innlegg").suggest(posts)
    assert h["H7"].tolist() == ["1", "0", "0", "0"] and h["H5"].tolist()[1] == "1"


# ----------------------------------------------------------------------------- sheets
@pytest.mark.parametrize("name", SHIPPED)
def test_sheet_round_trip_for_every_scheme(name, tmp_path):
    scheme = get_scheme(name)
    units = _units(scheme)
    pa, pb = scheme_sheets.export_coding_sheets(units, scheme, ["A", "B"], tmp_path)
    wb = load_workbook(pa)
    assert wb.sheetnames == ["Koding", "Instruksjoner", "Kategorier", "Meta"]
    ws = wb[CODING_SHEET]
    header = [c.value for c in ws[1]]
    assert header[0] == "unit_id" and header[-1] == "merknad"
    assert header[-1 - len(scheme.columns) : -1] == scheme.columns
    # one drop-down per code column, pointing at its list of categories
    dvs = ws.data_validations.dataValidation
    assert len(dvs) == len(scheme.columns)
    lists = wb["Kategorier"]
    for dv, col in zip(dvs, scheme.columns, strict=True):
        assert dv.type == "list" and dv.formula1.startswith("'Kategorier'!$")
        k = scheme.columns.index(col) + 1
        got = [lists.cell(i, k).value for i in range(2, len(scheme.allowed(col)) + 2)]
        assert got == scheme.allowed(col)
    # values, never formulas
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
    meta = dict(wb[META_SHEET].iter_rows(values_only=True))
    assert meta["scheme"] == name and meta["coder"] == "A"
    codes = _first_codes(scheme)
    _fill(pa, {c: [v] * len(units) for c, v in codes.items()})
    last = {c: scheme.allowed(c)[-1] for c in scheme.columns}
    _fill(
        pb,
        {c: [v.upper() if v not in ("0", "1") else int(v)] * len(units) for c, v in last.items()},
    )
    coding = scheme_sheets.import_coding([pa, pb])
    assert scheme_sheets.scheme_of_workbook(pa) == scheme_sheets.scheme_of_workbook(pb) == name
    assert len(coding) == 2 * len(units) * len(scheme.columns)
    a = coding[coding["coder"] == "A"]
    assert set(zip(a["hypothesis"], a["value"], strict=True)) == set(codes.items())
    b = coding[coding["coder"] == "B"]
    assert set(zip(b["hypothesis"], b["value"], strict=True)) == set(last.items())


def test_import_errors_name_file_sheet_row_column_and_cell(tmp_path):
    scheme = get_scheme("bonson")
    units = _units(scheme)
    (pa,) = scheme_sheets.export_coding_sheets(units, scheme, ["A"], tmp_path)
    _fill(
        pa,
        {
            "innholdstype": ["miljø", "sport", "fotball", "annet"],
            "medietype": ["tekst", "bilde", "lenke", "lydklipp"],
        },
    )
    header = [c.value for c in load_workbook(pa)[CODING_SHEET][1]]

    def letter(col: str) -> str:
        return load_workbook(pa)[CODING_SHEET].cell(1, header.index(col) + 1).column_letter

    with pytest.raises(CodingSheetError) as info:
        scheme_sheets.import_coding([pa])
    err = info.value
    msg = str(err)
    assert isinstance(err, InputError) and err.file == "koding_A.xlsx"
    assert f"cell {letter('innholdstype')}4" in msg and "'fotball'" in msg
    assert f"cell {letter('medietype')}5" in msg and "'lydklipp'" in msg
    assert "expected one of tekst, lenke, bilde, video, hendelse" in msg
    assert err.problems["row"].tolist() == [4, 5]
    # empty cells: warn (left out), error or keep
    _fill(
        pa,
        {
            "innholdstype": ["miljø", "sport", None, "annet"],
            "medietype": ["tekst", "bilde", "lenke", "video"],
        },
    )
    with pytest.warns(UserWarning, match="1 empty coding cell"):
        coding = scheme_sheets.import_coding([pa])
    assert len(coding) == 7
    with pytest.raises(CodingSheetError, match="empty cell"):
        scheme_sheets.import_coding([pa], missing="error")
    assert scheme_sheets.check_coding([pa])["problem"].tolist() == ["empty cell"]
    # a workbook of another scheme, a duplicated unit, a foreign file
    with pytest.raises(InputError, match="not 'difi_typologi'"):
        scheme_sheets.import_coding([pa], "difi_typologi")
    wb = load_workbook(pa)
    wb[CODING_SHEET].cell(3, 1, value="p0")
    wb.save(pa)
    with pytest.raises(CodingSheetError, match="duplicate unit_id"):
        scheme_sheets.import_coding([pa])
    other = tmp_path / "other.xlsx"
    pd.DataFrame({"x": [1]}).to_excel(other, index=False)
    with pytest.raises(InputError, match="not a kommunesm coding sheet"):
        scheme_sheets.import_coding([other])


# ----------------------------------------------------------------------------- reliability
def _coding(column: str, a: list[str], b: list[str]) -> pd.DataFrame:
    n = len(a)
    return pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(n)] * 2,
            "hypothesis": column,
            "coder": ["A"] * n + ["B"] * n,
            "value": a + b,
        }
    )


def test_reliability_nominal_by_hand():
    # units: (I,I) (I,T) (T,T) (D,D). Coincidences: o_II=2, o_IT=o_TI=1, o_TT=2, o_DD=2;
    # n_c = 3, 3, 2; n = 8. D_o = 2, D_e = 8² − (9+9+4) = 42.
    # alpha = 1 − (n−1)·D_o/D_e = 1 − 7·2/42 = 2/3.
    # kappa: p_o = 3/4, p_e = (2·1 + 1·2 + 1·1)/16 = 5/16 → (3/4 − 5/16)/(11/16) = 7/11.
    coding = _coding(
        "bemanningsmodell",
        ["Ildsjelen", "Ildsjelen", "Teamet", "Distribuert ansvar"],
        ["Ildsjelen", "Teamet", "Teamet", "Distribuert ansvar"],
    )
    rel = reliability_table(coding, scheme="veikart_bemanning", n_boot=0)
    row = rel.loc["bemanningsmodell"]
    assert row["scale"] == "nominal" and row["n_units"] == 4
    assert row["percent_agreement"] == pytest.approx(0.75)
    assert row["alpha"] == pytest.approx(2 / 3)
    assert row["alpha"] == row["alpha_nominal"]
    assert row["kappa_weighted"] == pytest.approx(7 / 11)
    assert row["kappa_weights"] == "none"


def test_reliability_ordinal_uses_category_order_and_the_ordinal_metric():
    a = ["passiv", "avventende", "inviterende", "inviterende", "avventende"]
    b = ["passiv", "inviterende", "inviterende", "avventende", "avventende"]
    coding = _coding("ambisjonsniva", a, b)
    scheme = get_scheme("veikart_ambisjon")
    rel = reliability_table(coding, scheme=scheme, n_boot=200, seed=1).loc["ambisjonsniva"]
    mat = reliability_matrix(coding, "ambisjonsniva", scheme)
    assert mat.loc["A"].tolist() == [0.0, 1.0, 2.0, 2.0, 1.0]
    expected = krippendorff_alpha(mat.to_numpy(), level="ordinal", categories=[0, 1, 2])
    assert rel["scale"] == "ordinal" and rel["alpha"] == pytest.approx(expected)
    assert rel["kappa_weights"] == "linear"
    assert rel["alpha_ci_low"] <= rel["alpha"] <= rel["alpha_ci_high"]


def test_reliability_of_multiple_choice_is_per_category():
    coding = pd.concat(
        [
            _coding("bruksomrade.rekruttering", ["1", "0", "0", "1"], ["1", "0", "1", "1"]),
            _coding("bruksomrade.folge_med", ["0", "0", "0", "1"], ["0", "0", "0", "1"]),
        ]
    )
    rel = reliability_table(coding, scheme="veikart_bruksomrader", n_boot=0)
    assert rel.index.tolist() == ["bruksomrade.folge_med", "bruksomrade.rekruttering"]
    assert rel.loc["bruksomrade.folge_med", "alpha"] == pytest.approx(1.0)
    assert rel.loc["bruksomrade.rekruttering", "scale"] == "binary"
    assert rel.loc["bruksomrade.rekruttering", "percent_agreement"] == pytest.approx(0.75)


# ----------------------------------------------------------------------------- comparison
def test_compare_top_page_scheme_by_hand():
    pages = [f"pg{i}" for i in range(8)]
    coding = pd.DataFrame(
        {
            "unit_id": pages * 2,
            "hypothesis": "bemanningsmodell",
            "coder": ["A"] * 8 + ["B"] * 8,
            "value": (["Teamet"] * 4 + ["Ildsjelen"] * 4) * 2,
        }
    )
    points = pd.DataFrame({"rank": range(1, 9)}, index=pages)
    res = scheme_analysis.compare_top(coding, "veikart_bemanning", points, top=4, n_boot=0)
    team = res.set_index("category").loc["Teamet"]
    assert (team["n_top"], team["n_rest"]) == (4, 4)
    assert (team["share_top"], team["share_rest"]) == (1.0, 0.0)
    assert team["test"] == "Fisher"
    # 2×2 table [[4, 0], [0, 4]]: two-sided Fisher p = 2 / C(8, 4) = 2/70
    assert team["p_value"] == pytest.approx(2 / 70)
    assert np.isnan(res.set_index("category").loc["Distribuert ansvar", "p_value"])


def test_compare_top_post_scheme_uses_page_shares():
    posts = pd.DataFrame(
        {
            "post_id": [f"p{i}" for i in range(8)],
            "page_id": ["a", "a", "b", "b", "c", "c", "d", "d"],
        }
    )
    values = ["bilde", "bilde", "bilde", "tekst", "tekst", "tekst", "tekst", "video"]
    coding = pd.DataFrame(
        {"unit_id": posts["post_id"], "hypothesis": "medietype", "coder": "A", "value": values}
    )
    points = pd.DataFrame({"rank": [1, 2, 3, 4]}, index=list("abcd"))
    shares = scheme_analysis.page_shares(
        scheme_analysis.scheme_consensus(coding, "bonson"), "bonson", posts
    )
    assert shares.loc["b", "medietype=bilde"] == 0.5 and shares.loc["a", "n_units"] == 2
    res = scheme_analysis.compare_top(coding, "bonson", points, top=2, units=posts, n_boot=0)
    bilde = res.set_index("category").loc["bilde"]
    assert bilde["share_top"] == pytest.approx(0.75) and bilde["share_rest"] == 0.0
    assert bilde["test"] == "Mann–Whitney" and bilde["effect"] == pytest.approx(1.0)


def test_consensus_majority_for_nominal_and_lower_median_for_ordinal():
    coding = pd.concat(
        [
            _coding("ambisjonsniva", ["passiv", "inviterende"], ["inviterende", "inviterende"]),
        ]
    )
    cons = scheme_analysis.scheme_consensus(coding, "veikart_ambisjon")
    assert cons["ambisjonsniva"].tolist() == ["passiv", "inviterende"]
    with pytest.raises(ValueError, match="coder name"):
        scheme_analysis.scheme_consensus(coding, "veikart_ambisjon", method="Z")


# ----------------------------------------------------------------------------- the round
class _Dataset:
    def __init__(self, synthetic: bool) -> None:
        self.synthetic = synthetic
        n = 12
        self.pages = pd.DataFrame(
            {
                "page_id": [f"pg{i:02d}" for i in range(n)],
                "name": [f"Demo-kommune {i}" for i in range(n)],
                "platform": "facebook",
                "about_text": "",
                "open_wall": [i % 2 == 0 for i in range(n)],
            }
        )
        rows = [
            {
                "post_id": f"pg{i:02d}_{k}",
                "page_id": f"pg{i:02d}",
                "message": "Vannbrudd i kveld" if k == 0 else f"Innlegg {k}",
                "type": ["status", "photo", "link"][k % 3],
            }
            for i in range(n)
            for k in range(4)
        ]
        self.posts = pd.DataFrame(rows)


@pytest.mark.parametrize("name", ["veikart_ambisjon", "bonson"])
def test_coding_round_simulated_user_and_waiting(name, tmp_path):
    ds = _Dataset(synthetic=True)
    points = pd.DataFrame({"rank": range(1, 13)}, index=ds.pages["page_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = scheme_analysis.coding_round(
            name,
            ds,
            points,
            data_dir=tmp_path / "data",
            work_dir=tmp_path / "work",
            top=4,
            comparison=4,
            per_page=2,
            n_boot=50,
        )
    assert r.mode == "SIMULERT" and r.simulated and "SIMULERT" in r.message
    meta = dict(load_workbook(r.paths[0])[META_SHEET].iter_rows(values_only=True))
    assert meta["simulated"].startswith("SIMULATED")
    assert set(r.units["group"]) == {"topp", "sammenligning"}
    assert len(r.units) == (8 if name == "veikart_ambisjon" else 16)
    assert r.reliability.index.tolist() == get_scheme(name).columns
    assert set(r.comparison["column"]) == set(get_scheme(name).columns)
    # same seed, same simulated codes
    again = scheme_analysis.coding_round(
        name,
        ds,
        points,
        data_dir=tmp_path / "data",
        work_dir=tmp_path / "work2",
        top=4,
        comparison=4,
        per_page=2,
        n_boot=50,
    )
    assert again.coding.equals(r.coding)
    # the user's filled workbooks win over the simulation
    user = tmp_path / "data" / "coding" / name
    user.mkdir(parents=True)
    for p in r.paths:
        (user / p.name).write_bytes(p.read_bytes())
    mine = scheme_analysis.coding_round(
        name,
        ds,
        points,
        data_dir=tmp_path / "data",
        work_dir=tmp_path / "work3",
        top=4,
        comparison=4,
        per_page=2,
        n_boot=50,
    )
    assert mine.mode == "innlevert" and mine.coding.equals(r.coding)
    # real data without workbooks: blank workbooks and nothing else
    waiting = scheme_analysis.coding_round(
        name,
        _Dataset(synthetic=False),
        points,
        data_dir=tmp_path / "none",
        work_dir=tmp_path / "w4",
        top=4,
        comparison=4,
        per_page=2,
    )
    assert waiting.mode == "venter" and waiting.coding is None
    assert [p.name for p in waiting.paths] == ["koding_A.xlsx", "koding_B.xlsx"]


def test_registry_lists_every_shipped_scheme():
    assert set(catalogue.SHIPPED) <= set(SCHEMES)


def test_round_tables_and_description(tmp_path):
    ds = _Dataset(synthetic=True)
    points = pd.DataFrame({"rank": range(1, 13)}, index=ds.pages["page_id"])
    r = scheme_analysis.coding_round(
        "veikart_bemanning",
        ds,
        points,
        data_dir=None,
        work_dir=tmp_path,
        top=4,
        comparison=4,
        n_boot=20,
    )
    tables = r.tables()
    assert list(tables) == ["kategorier", "utvalg", "reliabilitet", "sammenligning"]
    assert tables["utvalg"]["enheter"].to_dict() == {"topp": 4, "sammenligning": 4}
    text = r.describe()
    assert "SIMULERT" in text and "Krippendorffs alfa" in text


def test_report_table_order_is_the_reports_own_not_the_top30():
    from kommunesm.hypotheses.definitions import REPORT_TABLE_ORDER, report_table_order

    assert REPORT_TABLE_ORDER[:3] == ("Sarpsborg", "Stjørdal", "Hol")
    top30 = [
        "Sarpsborg",
        "Kristiansund",
        "Rissa",
        "Fredrikstad",
        "Hol",
        "Bergen",
        "Stjørdal",
        "Malvik",
        "Loppa",
        "Trondheim",
    ]
    names = {f"id{i}": f"{n} kommune" for i, n in enumerate(top30)}
    order = report_table_order(names, list(names))
    assert [names[i].removesuffix(" kommune") for i in order] == list(REPORT_TABLE_ORDER)
    # pseudonymised pages keep the fallback order
    assert report_table_order({"a": "Demo-kommune 1", "b": "Demo-kommune 2"}, ["b", "a"]) == [
        "b",
        "a",
    ]


@pytest.mark.parametrize("name", SHIPPED)
def test_reliability_by_hand_for_every_scheme(name):
    # Two coders, four units, the first code column, its first two categories c0, c1:
    # (c0,c0) (c0,c1) (c1,c1) (c0,c0). Coincidences o_00 = 4, o_01 = o_10 = 1, o_11 = 2;
    # n_0 = 5, n_1 = 3, n = 8; D_o = 2, D_e = 64 − 25 − 9 = 30 → alpha = 1 − 7·2/30 = 8/15
    # (ordinal: the two categories are adjacent, so the same). Kappa: p_o = 3/4,
    # p_e = (3·2 + 1·2)/16 = 1/2 → 1/2 (with linear weights too: only one distance occurs).
    scheme = get_scheme(name)
    col = scheme.columns[0]
    c0, c1 = scheme.allowed(col)[:2]
    coding = _coding(col, [c0, c0, c1, c0], [c0, c1, c1, c0])
    row = reliability_table(coding, scheme=scheme, n_boot=0).loc[col]
    assert row["alpha"] == pytest.approx(8 / 15)
    assert row["percent_agreement"] == pytest.approx(0.75)
    assert row["kappa_weighted"] == pytest.approx(0.5)


@pytest.mark.parametrize("name", SHIPPED)
def test_import_error_names_the_cell_for_every_scheme(name, tmp_path):
    scheme = get_scheme(name)
    units = _units(scheme, 2)
    (path,) = scheme_sheets.export_coding_sheets(units, scheme, ["K1"], tmp_path)
    col = scheme.columns[-1]
    _fill(path, {c: [scheme.allowed(c)[0]] * 2 for c in scheme.columns})
    _fill(path, {col: [scheme.allowed(col)[0], "ikke en kategori"]})
    ws = load_workbook(path)[CODING_SHEET]
    letter = ws.cell(1, [c.value for c in ws[1]].index(col) + 1).column_letter
    with pytest.raises(CodingSheetError) as info:
        scheme_sheets.import_coding([path], name)
    err = info.value
    assert (err.file, err.row, err.column) == ("koding_K1.xlsx", 3, col)
    assert f"cell {letter}3" in str(err) and "'ikke en kategori'" in str(err)


def test_cli_coding_sheet_for_a_scheme(tmp_path):
    from typer.testing import CliRunner

    from kommunesm.cli import app
    from kommunesm.io import canonical

    data = tmp_path / "data"
    data.mkdir()
    posts = _units(get_scheme("bonson")).drop(columns="permalink")
    posts = posts.assign(
        created_at=pd.Timestamp("2013-04-02 09:00", tz="Europe/Oslo"), likes=1, comments=0, shares=0
    )
    canonical.write_table(posts, data / "posts.csv", "posts")
    pages = pd.DataFrame(
        {"page_id": ["pg0", "pg1"], "platform": "facebook", "name": ["X", "Y"], "about_text": ""}
    )
    canonical.write_table(pages, data / "pages.csv", "pages")
    out = tmp_path / "out"
    args = ["coding-sheet", str(data), "--coders", "K", "--out", str(out), "--scheme", "bonson"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    wb = load_workbook(out / "koding_K.xlsx")
    assert dict(wb[META_SHEET].iter_rows(values_only=True))["scheme"] == "bonson"
    assert wb[CODING_SHEET].max_row == 1 + 4
    bad = CliRunner().invoke(app, args[:-1] + ["nope"])
    assert bad.exit_code == 1 and "unknown coding scheme" in bad.output

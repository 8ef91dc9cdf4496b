"""The one narration/formatting module and the notebook helpers (kommunesm.show)."""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from kommunesm import narrate as nr
from kommunesm import show

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("call", "nb", "en"),
    [
        (lambda lang: nr.number(1234.5, 1, lang=lang), f"1{NBSP}234,5", "1,234.5"),
        (lambda lang: nr.integer(34327, lang=lang), f"34{NBSP}327", "34,327"),
        (lambda lang: nr.percent(0.123, lang=lang), f"12,3{NBSP}%", "12.3%"),
        (lambda lang: nr.pvalue(2e-138, lang=lang), "p < 0,001", "p < 0.001"),
        (lambda lang: nr.pvalue(0.0312, lang=lang), "p = 0,031", "p = 0.031"),
        (lambda lang: nr.date("2013-04-01", lang=lang), "1. april 2013", "April 1, 2013"),
        (lambda lang: nr.value(True, lang=lang), "ja", "yes"),
    ],
)
def test_locale_formats(call, nb, en):
    assert call("nb") == nb
    assert call("en") == en


@pytest.mark.parametrize("missing", [None, float("nan"), math.inf, -math.inf, pd.NA, pd.NaT])
def test_missing_is_a_dash_never_nan_or_inf(missing):
    assert nr.number(missing) == "–"
    assert nr.value(missing) == "–"
    assert nr.percent(missing) == "–"


def test_no_negative_zero():
    assert nr.number(-0.0004, 2, lang="nb") == "0,00"


def test_ci_including_zero_is_never_strong():
    for lang in ("nb", "en"):
        text = nr.correlation_verdict(0.67, -0.001, 0.93, lang=lang)
        assert "sterk" not in text and "strong" not in text
    assert nr.correlation_verdict(0.67, 0.55, 0.93, lang="nb") == "sterk positiv sammenheng"
    # a wide interval away from 0 cannot claim more than its bound nearest 0
    assert nr.correlation_verdict(0.8, 0.05, 0.95, lang="en") == "weak positive correlation"
    assert nr.correlation_verdict(-0.6, -0.9, -0.35, lang="en") == "moderate negative correlation"


def test_normality_p_below_alpha_never_fits():
    for p in (0.0, 1e-10, 0.049):
        assert nr.normality_verdict(p, lang="en") == "departs from the normal distribution"
        assert "avviker" in nr.normality_verdict(p, lang="nb")
    assert "no departure" in nr.normality_verdict(0.3, lang="en")


def test_catalogue_translates_and_falls_back_to_bokmal():
    assert nr.gettext("Kommune", lang="en") == "Municipality"
    assert nr.gettext("Kommune", lang="nb") == "Kommune"
    assert nr.gettext("Ingen slik melding xyz", lang="en") == "Ingen slik melding xyz"
    assert "Ingen slik melding xyz" in nr.untranslated()


def test_markdown_translation_block_by_block():
    src = "## Om dataene\n\nKilde:"
    assert nr.translate_markdown(src, lang="nb") == src
    assert nr.translate_markdown(src, lang="en") == "## Om dataene\n\nSource:"


def test_show_table_is_a_publication_table(tmp_path, monkeypatch):
    monkeypatch.setenv(show.CHAPTER_ENV, "03")
    shown: list[str] = []
    monkeypatch.setattr(show, "_html", shown.append)
    monkeypatch.setattr(show, "_markdown", shown.append)
    nr.set_language("nb")
    show._state = show._Chapter(chapter="03", out_dir=tmp_path, synthetic=True)
    df = pd.DataFrame(
        {
            "name": ["<script>alert(1)</script>", "=HYPERLINK(1)", "Ørsta"] * 10,
            "followers": np.arange(30) * 1000.0 + 0.4,
            "p_value": [np.nan, np.inf, 1e-9] * 10,
            "flag": [True, False, True] * 10,
        }
    ).set_index("name")
    show.table(df, "03_demo", caption="Følgere per side")
    html = shown[-1]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Tabell 3.1" in html and "Følgere per side" in html
    for bad in ("nan", "inf", "True", "False", "p_value", "followers"):
        assert bad not in html.replace("infl", ""), bad
    assert "p-verdi" in html and f"14{NBSP}000" in html and "Syntetiske demodata" in html
    # p-values in the one p format (not "0,000"), proportions p_a/p_b are not p-values
    assert "&lt; 0,001" in html and "0,000" not in html
    cells = show._cells(pd.DataFrame({"p_adj": [0.0123, 0.27], "p_a": [0.5, 0.25]}), {})
    assert cells["p_adj"].tolist() == ["0,012", "0,27"]
    assert cells["p_a"].tolist() == ["0,500", "0,250"]
    assert "Viser 15 av 30 rader" in html
    csv = (tmp_path / "tables" / "03_demo.csv").read_text(encoding="utf-8")
    assert csv.splitlines()[0] == "name,followers,p_value,flag"
    assert (tmp_path / "tables" / "03_demo.xlsx").is_file()
    manifest = json.loads((tmp_path / "_chapters" / "03.json").read_text(encoding="utf-8"))
    assert manifest["tables"][0]["number"] == "3.1"


def test_show_table_published_values_carry_no_synthetic_label(tmp_path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(show, "_html", shown.append)
    show._state = show._Chapter(chapter="05", out_dir=tmp_path, synthetic=True)
    show.published(
        pd.DataFrame({"item": ["a"], "value": [0.5], "source": ["Gambit H+K (2013, s. 11)"]}),
        "05_pub",
        caption="Publiserte verdier",
    )
    assert "Syntetiske" not in shown[-1] and "Gambit H+K (2013, s. 11)" in shown[-1]


def test_xlsx_is_byte_identical_and_formula_free(tmp_path):
    df = pd.DataFrame({"a": ["=1+1", "ok"], "b": [1.5, np.nan]})
    show._write_xlsx(df, tmp_path / "one.xlsx")
    show._write_xlsx(df, tmp_path / "two.xlsx")
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "one.xlsx").active
    assert ws["A2"].value == "'=1+1" and ws["A2"].data_type != "f"


def test_show_figure_has_alt_text_and_number(tmp_path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(show, "_html", shown.append)
    show._state = show._Chapter(chapter="01", out_dir=tmp_path, synthetic=False)
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    show.figure(fig, "01_line", caption="En linje", alt="En stigende linje")
    assert 'alt="En stigende linje"' in shown[-1] and "Figur 1.1" in shown[-1]
    assert (tmp_path / "figures" / "01_line.png").is_file()
    assert (tmp_path / "figures" / "01_line.svg").is_file()


def test_generated_sentences_escape_without_html_entities(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(show, "_markdown", shown.append)
    show._state = show._Chapter(chapter="02")
    show.text("Testen gir {p} for {name}.", p=nr.pvalue(1e-9, lang="nb"), name="<b>Ørsta</b>")
    assert shown[-1] == "Testen gir p \\< 0,001 for \\<b\\>Ørsta\\</b\\>."
    assert "&lt;" not in shown[-1]


# --------------------------------------------------------------------------- figures
def _growth_summary():
    return pd.DataFrame(
        {"median_growth_pct": [12.5, -3.25], "ci_low": [5.5, -8.0], "ci_high": [20.0, 1.5]},
        index=["followers", "engagement_rate"],
    )


@pytest.mark.parametrize(
    ("lang", "xlabel", "tick", "title"),
    [
        ("nb", "Median endring per kommune", ",", "(syntetiske demodata)"),
        ("en", "Median change per municipality", ".", "(synthetic demo data)"),
    ],
)
def test_figures_follow_the_report_language(monkeypatch, lang, xlabel, tick, title):
    from kommunesm import plots

    monkeypatch.setitem(nr._state, "lang", lang)
    ax = plots.annual_growth(_growth_summary(), previous_year=2012, year=2013, synthetic=True)
    ax.set_xlim(-7.5, 22.5)
    ax.set_xticks([-7.5, 0, 7.5, 15, 22.5])
    plots.localise(ax.figure)
    ax.figure.canvas.draw()
    assert ax.get_xlabel().startswith(xlabel)
    assert ax.get_title().endswith(title)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == ("Følgere" if lang == "nb" else "Followers")
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert any(tick in t for t in ticks), ticks  # 7,5 / 7.5: decimal mark by locale
    plt.close(ax.figure)


def test_every_label_in_plots_goes_through_the_catalogue():
    """No axis label, title, legend label or annotation in kommunesm/plots.py is a bare
    string literal: each is a catalogue call (gettext / N_) or computed."""
    import ast
    from pathlib import Path

    from kommunesm import plots

    tree = ast.parse(Path(plots.__file__).read_text(encoding="utf-8"))
    setters = {"set_xlabel", "set_ylabel", "set_title", "suptitle", "set_label", "text"}
    label_kw = {"label", "labels", "xlabel", "ylabel", "title"}
    bare = []

    def is_text(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return sum(c.isalpha() for c in node.value) >= 2  # "n = " is a formula
        if isinstance(node, ast.JoinedStr):
            return any(is_text(v) for v in node.values)
        if isinstance(node, ast.List | ast.Tuple):
            return any(is_text(v) for v in node.elts)
        return False

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name in ("gettext", "N_", "_tr", "title"):
            continue
        if name in setters and any(is_text(a) for a in node.args):
            bare.append(f"line {node.lineno}: {name}")
        for kw in node.keywords:
            if kw.arg in label_kw and is_text(kw.value):
                bare.append(f"line {node.lineno}: {name}({kw.arg}=...)")
    assert not bare, bare


# --------------------------------------------------------------------------- one formatter
def _formatting_outside_narrate(sources=None):
    """Places that format a p-value or a percentage by hand instead of with
    kommunesm.narrate, read with ast from ``sources`` ((name, text) pairs; default every
    module of kommunesm/ but narrate.py)."""
    import ast
    import re
    from pathlib import Path

    if sources is None:
        root = Path(nr.__file__).resolve().parent
        sources = [
            (str(p.relative_to(root.parent)), p.read_text(encoding="utf-8"))
            for p in sorted(root.rglob("*.py"))
            if p.name != "narrate.py"
        ]
    tail = re.compile(r"\bp\s*(=|<|≤)\s*$")  # f"... p = {p:.3f}"
    literal = re.compile(r"\s*p\s*[<=≤]\s*0[.,]\d+\s*")  # "p < 0.001"
    name = re.compile(r"^_*(fmt_?)?(p|pval|pvalue|p_text|p_eq|fmt_p|pct|percent)$")
    found = []
    for rel, text in sources:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and name.match(node.name):
                calls = [
                    n
                    for n in ast.walk(node)
                    if isinstance(n, ast.Attribute)
                    and isinstance(n.value, ast.Name)
                    and n.value.id == "narrate"
                ]
                if not calls:
                    found.append(f"{rel}:{node.lineno} formatter {node.name}() not via narrate")
            elif isinstance(node, ast.JoinedStr):
                for a, b in zip(node.values, node.values[1:], strict=False):
                    if (
                        isinstance(a, ast.Constant)
                        and isinstance(b, ast.FormattedValue)
                        and tail.search(str(a.value))
                    ):
                        found.append(f"{rel}:{node.lineno} p-value formatted by hand")
                for v in node.values:
                    spec = getattr(v, "format_spec", None)
                    if spec is not None and not rel.endswith("demo.py"):
                        text = "".join(str(getattr(c, "value", "")) for c in spec.values)
                        if text.endswith("%"):
                            found.append(f"{rel}:{node.lineno} percentage formatted by :{text}")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and literal.fullmatch(node.value)
            ):
                found.append(f"{rel}:{node.lineno} p-value literal {node.value!r}")
    return found


def test_one_number_and_p_value_formatter():
    """p-values and percentages are formatted by kommunesm.narrate only: a second
    p-value formatter (a ``_p_text``, ``f"p = {p:.3f}"``, ``"p < 0.001"``) or a
    percentage by format spec makes this fail (the demo generator's English notes are
    the one exception for percentages)."""
    assert _formatting_outside_narrate() == []


def test_the_formatter_check_can_fail():
    src = 'def _p_text(p):\n    return "p < 0.001" if p < 0.001 else f"p = {p:.3f} ({p:.0%})"\n'
    found = _formatting_outside_narrate([("kommunesm/x.py", src)])
    kinds = {f.split(" ", 1)[1].split(" ")[0] for f in found}
    assert {"formatter", "p-value", "percentage"} <= kinds, found
    ok = "def _pct(x):\n    return narrate.percent(x)\n"
    assert _formatting_outside_narrate([("kommunesm/y.py", ok)]) == []


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_generated_statistics_use_the_one_p_value_format(monkeypatch, lang):
    from kommunesm import stats

    monkeypatch.setitem(nr._state, "lang", lang)
    res = pd.DataFrame(
        [
            {
                "method": "spearman",
                "n": 40,
                "r": 0.9,
                "ci_low": 0.8,
                "ci_high": 0.95,
                "p_value": 2e-138,
            }
        ]
    )
    corr = stats.describe_correlation(res, "x", "y")
    assert "p < 0.001" in corr and "e-" not in corr and "0.000" not in corr
    table = pd.DataFrame(
        [
            {
                "term": "x",
                "estimate": 0.1,
                "ci_low": 0.05,
                "ci_high": 0.15,
                "p_value": 2e-138,
                "n_groups": 12,
            }
        ]
    )
    mixed = stats.describe_mixed(table, "x", x_label="x", y_label="y")
    assert nr.pvalue(2e-138) in mixed
    assert ("12 kommunene" if lang == "nb" else "12 municipalities") in mixed


def test_every_message_has_an_english_translation():
    """The English report is the same report: every message the catalogue extracts
    (library ``_()``/``N_()`` calls, show.LABELS, notebook Markdown and captions) has a
    translation (``python tools/i18n.py`` lists the missing ones)."""
    from tools import i18n

    missing = [m for m in i18n.extract_messages() if not nr.catalogue("en").get(m)]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_localise_leaves_axes_without_ticks_alone():
    from kommunesm import plots

    fig, ax = plt.subplots()
    ax.set_xticks([])
    ax.set_yticks([0.25, 0.5])
    plots.localise(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0,25", "0,50"]
    plt.close(fig)

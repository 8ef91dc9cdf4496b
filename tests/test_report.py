"""The report builder and the command line (report, ingest, validate, demo).

The build of the real report on the embedded data is in test_notebooks.py (one session
build); here the builder is tested on tiny notebooks written into a temporary folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from typer.testing import CliRunner

from kommunesm import demo as demo_module
from kommunesm import report
from kommunesm.cli import app
from kommunesm.io import cache, detect, ingest
from kommunesm.io.dataset import read_dataset

runner = CliRunner()


def _notebook(path: Path, title: str, summary: str, *sources: str) -> Path:
    params = new_code_cell('# parameters\ndata_dir = "."\nyear = 2013\nout_dir = None')
    params.metadata["tags"] = ["parameters"]
    cells = [new_markdown_cell(f"# {title}\n\n{summary}"), params]
    cells += [new_code_cell(s) for s in sources]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


# --------------------------------------------------------------------------- helpers
def test_title_and_summary_take_heading_and_first_sentence(tmp_path):
    path = _notebook(
        tmp_path / "01_x.ipynb",
        "1 Topp 30 — the ranking",
        "The Gambit H+K points method on the data given, step by step. A second sentence.",
    )
    title, summary = report._title_and_summary(nbformat.read(path, as_version=4))
    assert title == "1 Topp 30 — the ranking"
    assert summary == "The Gambit H+K points method on the data given, step by step."


def test_list_notebooks_filters_and_rejects_unknown_names(tmp_path):
    for name in ("00_a", "01_b", "02_c"):
        _notebook(tmp_path / f"{name}.ipynb", name, "x")
    (tmp_path / "scratch.ipynb").write_text("{}")  # not a chapter: no NN_ prefix
    assert [p.stem for p in report.list_notebooks(tmp_path)] == ["00_a", "01_b", "02_c"]
    assert [p.stem for p in report.list_notebooks(tmp_path, ["02", "00_a.ipynb"])] == [
        "00_a",
        "02_c",
    ]
    assert [p.stem for p in report.list_notebooks(tmp_path, ["00,02"])] == ["00_a", "02_c"]
    with pytest.raises(report.BuildError, match="09_nope"):
        report.list_notebooks(tmp_path, ["09_nope"])


def test_save_table_is_byte_stable(tmp_path):
    df = pd.DataFrame(
        {
            "x": [1 / 3, 2.0, float("nan")],
            "t": pd.to_datetime(["2013-04-01 10:00"] * 3).tz_localize("Europe/Oslo"),
            "s": ["æ", "ø", "å"],
        },
        index=pd.Index(["a", "b", "c"], name="page_id"),
    )
    first = report.save_table(df, "t", tmp_path).read_bytes()
    second = report.save_table(df.copy(), "t", tmp_path).read_bytes()
    assert first == second
    assert first.decode("utf-8").splitlines()[1] == "a,0.333333,2013-04-01T10:00:00+0200,æ"
    assert b"\r\n" not in first
    assert report.save_table(df, "t", None) is None


def test_chapter_manifest_lists_inputs_with_sha256_and_rows(tmp_path, uci_path, monkeypatch):
    from kommunesm import show

    shown = []
    monkeypatch.setattr(show, "_html", shown.append)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(uci_path, data)
    monkeypatch.setenv(show.CHAPTER_ENV, "02")
    show.setup(data, year=2014, out_dir=tmp_path / "out")
    info = json.loads((tmp_path / "out" / "_chapters" / "02.json").read_text(encoding="utf-8"))
    assert info["synthetic"] is False
    (row,) = info["inputs"]
    assert row["file"] == uci_path.name and row["rows_in"] == 500 and row["kept"] == 500
    assert len(row["sha256"]) == 64
    assert str(tmp_path) not in json.dumps(info)  # no local paths
    assert 'href="om-dataene.html"' in shown[-1] and "500" in shown[-1]


def test_needs_and_needs_years_say_what_is_missing(tmp_path, uci_path, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj.data))
    shutil.copy(uci_path, tmp_path)
    ds = read_dataset(tmp_path)
    assert report.needs(ds, "posts") is True and not shown
    assert report.needs(ds, "comments", purpose="Svartid") is False
    assert "Ikke beregnet – mangler data" in shown[-1] and "comments" in shown[-1]
    assert "Svartid" in shown[-1]
    from kommunesm import show

    assert show.needs_years(ds, [2012, 2013], purpose="Årlig sammenligning") is False
    assert "Ikke beregnet – mangler data" in shown[-1] and "2012 og 2013" in shown[-1]


def test_cache_reuses_the_load_and_keys_on_content(tmp_path, fixtures, monkeypatch):
    src = tmp_path / "crowdtangle_posts.csv"
    shutil.copy(fixtures / "crowdtangle_posts.csv", src)
    calls = []

    def loader(path):
        calls.append(path)
        return detect.read_file(path)

    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    cache.cached_load(src, loader)
    cache.cached_load(src, loader)
    assert len(calls) == 2  # no cache folder: no caching
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    a = cache.cached_load(src, loader)
    b = cache.cached_load(src, loader)
    assert len(calls) == 3
    pd.testing.assert_frame_equal(a.data, b.data)
    src.write_text(src.read_text(encoding="utf-8").replace("God påske!", "God pinse!"))
    c = cache.cached_load(src, loader)
    assert len(calls) == 4 and "God pinse!" in set(c.data["message"])


def test_cache_parses_a_file_once_when_chapters_load_it_together(tmp_path, fixtures, monkeypatch):
    import time
    from concurrent.futures import ThreadPoolExecutor

    src = tmp_path / "crowdtangle_posts.csv"
    shutil.copy(fixtures / "crowdtangle_posts.csv", src)
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    calls = []

    def slow(path):
        calls.append(path)
        time.sleep(0.5)
        return detect.read_file(path)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: cache.cached_load(src, slow, reader="slow"), range(2)))
    assert len(calls) == 1
    pd.testing.assert_frame_equal(results[0].data, results[1].data)


# --------------------------------------------------------------------------- build
@pytest.fixture(scope="module")
def tiny_notebooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    _notebook(
        folder / "01_good.ipynb",
        "1 Good chapter",
        "A chapter that saves a figure and a table.",
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "import pandas as pd\nfrom kommunesm import plots, report",
        "fig, ax = plt.subplots()\nax.plot([1, 2, 3])\nplots.save(fig, '01_line', out_dir)",
        "report.save_table(pd.DataFrame({'x': [1, 2]}), '01_table', out_dir, index=False)",
    )
    _notebook(
        folder / "02_bad.ipynb",
        "2 Bad chapter",
        "A chapter that fails in its fourth cell.",
        "x = 1",
        "raise ValueError('the input has no column Likes')",
        "print('never')",
    )
    _notebook(
        folder / "03_after.ipynb", "3 After", "Never reached in a full build.", "marker_of_code = 2"
    )
    return folder


@pytest.mark.notebooks
def test_failing_notebook_stops_build_and_leaves_the_previous_site(tiny_notebooks, tmp_path):
    out = tmp_path / "site"
    first = report.build(
        tmp_path, out, notebook_dir=tiny_notebooks, only=["01"], progress=False, profiles=False
    )
    assert first.ok and (out / "01_good.html").is_file()
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(report.BuildError) as err:
        report.build(tmp_path, out, notebook_dir=tiny_notebooks, progress=False, jobs=1)
    message = str(err.value)
    assert "02_bad.ipynb" in message and "cell 4" in message
    assert "ValueError: the input has no column Likes" in message
    result = err.value.result
    assert [c.status for c in result.chapters] == ["ok", "failed", "not run"]
    assert result.chapters[1].error_cell == 4
    # the site is replaced whole or not at all: the previous one is untouched
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert "no column Likes" in result.log.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".site-build-*"))  # the work folder is removed


@pytest.mark.notebooks
def test_site_is_public_only_and_has_the_chapter(tiny_notebooks, tmp_path):
    out = tmp_path / "public"
    result = report.build(
        tmp_path,
        out,
        notebook_dir=tiny_notebooks,
        only=["01", "03"],
        progress=False,
        profiles=False,
    )
    assert result.ok
    with_code = (out / "03_after.html").read_text(encoding="utf-8")
    report.build(
        tmp_path,
        out,
        notebook_dir=tiny_notebooks,
        only=["03"],
        no_code=True,
        progress=False,
        profiles=False,
    )
    without = (out / "03_after.html").read_text(encoding="utf-8")
    assert "marker_of_code" in with_code and "marker_of_code" not in without
    assert "3 After" in without  # markdown stays
    assert 'lang="nb-NO"' in without
    names = {p.name for p in out.rglob("*")}
    assert not [n for n in names if n.endswith((".ipynb", ".log", ".pickle", ".md"))]
    assert "_sources" not in names and ".doctrees" not in names
    assert (out / "om-dataene.html").is_file() and (out / "referanser.html").is_file()
    assert (out / "data-manifest.json").is_file()
    for page in out.glob("*.html"):
        assert str(tmp_path) not in page.read_text(encoding="utf-8"), page.name


# --------------------------------------------------------------------------- CLI report
@pytest.mark.notebooks
def test_cli_report_exits_nonzero_naming_cell_and_file(tmp_path, repo):
    data = tmp_path / "exports"
    data.mkdir()
    (data / "mystery.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    out = tmp_path / "site"
    result = runner.invoke(app, ["report", "--data", str(data), "--out", str(out), "--only", "00"])
    assert result.exit_code == 1
    text = result.output
    assert "00_data_overview" in text and "cell" in text and "mystery.csv" in text
    assert not out.exists()  # nothing half-built is published


def test_cli_report_rejects_unknown_chapter(tmp_path):
    result = runner.invoke(app, ["report", "--only", "99_nope", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "99_nope" in result.output


def test_cli_report_has_the_issue_options():
    result = runner.invoke(app, ["report", "--help"], env={"COLUMNS": "200"})
    for option in ("--data", "--year", "--out", "--no-code", "--only", "--lang"):
        assert option in result.output


# --------------------------------------------------------------------------- ingest
def _copy(fixtures, tmp_path, *names):
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    paths = []
    for name in names:
        shutil.copy(fixtures / name, folder / name)
        paths.append(folder / name)
    return paths


def test_ingest_summary_per_file_and_duplicates_across_files(fixtures, tmp_path):
    (ct,) = _copy(fixtures, tmp_path, "crowdtangle_posts.csv")
    copy = tmp_path / "in" / "crowdtangle_again.csv"
    shutil.copy(ct, copy)
    comments = _copy(fixtures, tmp_path, "graph_comments.csv")[0]
    out = tmp_path / "processed"
    result = runner.invoke(app, ["ingest", str(ct), str(copy), str(comments), "--out", str(out)])
    assert result.exit_code == 0, result.output
    res = ingest.read_files([ct, copy, comments])
    s = res.summary.set_index("file")
    # accounting per file: rows in = written + quarantined + duplicates of earlier files
    assert (s["rows_in"] == s["written"] + s["quarantined"] + s["duplicates"]).all()
    assert s.loc["crowdtangle_posts.csv", ["written", "duplicates"]].tolist() == [3, 0]
    assert s.loc["crowdtangle_again.csv", ["written", "duplicates"]].tolist() == [0, 3]
    for name in ("crowdtangle_posts.csv", "crowdtangle_again.csv", "graph_comments.csv"):
        assert name in result.output
    posts = pd.read_parquet(out / "posts.parquet")
    assert len(posts) == 3 and posts["post_id"].is_unique
    q = pd.read_csv(out / "quarantine.csv")
    dupes = q[q["reason"].str.contains("already in crowdtangle_posts.csv")]
    assert len(dupes) == 3 and set(dupes["source_file"]) == {"crowdtangle_again.csv"}
    manifest = json.loads((out / "ingest.json").read_text(encoding="utf-8"))
    assert [m["file"] for m in manifest["sources"]] == [ct.name, copy.name, comments.name]
    assert all(len(m["sha256"]) == 64 for m in manifest["sources"])
    # nobody's name reaches the processed data
    text = pd.read_parquet(out / "comments.parquet").astype(str).to_csv() + q.to_csv()
    assert "Kari Nordmann" not in text and "Per Hansen" not in text
    # the processed folder is a valid data directory for the report
    ds = read_dataset(out)
    assert len(ds.posts) == 3 and len(ds.comments) == 3 and not ds.synthetic


def test_ingest_unknown_file_is_named_and_nothing_is_written(fixtures, tmp_path):
    (ct,) = _copy(fixtures, tmp_path, "crowdtangle_posts.csv")
    odd = tmp_path / "in" / "budget_2013.csv"
    odd.write_text("Konto;Beløp\n1;2\n", encoding="utf-8")
    out = tmp_path / "processed"
    result = runner.invoke(app, ["ingest", str(ct), str(odd), "--out", str(out)])
    assert result.exit_code == 1
    assert "budget_2013.csv" in result.output and "unknown format" in result.output
    assert "nothing was written" in result.output
    assert not out.exists() or not any(out.iterdir())
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "nope.csv" in missing.output


def test_validate_writes_nothing_and_counts(fixtures, tmp_path, monkeypatch):
    paths = _copy(fixtures, tmp_path, "socialbakers_pages.csv", "insights_posts_old_layout.csv")
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = runner.invoke(app, ["validate", *map(str, paths)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert "socialbakers_pages.csv" in result.output and "quarantined" in result.output
    folder = runner.invoke(app, ["validate", str(tmp_path / "in")])  # a folder: its files
    assert folder.exit_code == 0 and "insights_posts_old_layout.csv" in folder.output


def test_demo_command_calls_the_generator(monkeypatch, tmp_path):
    calls = {}

    def fake_generate(seed=2013, out_dir=None, **kwargs):
        calls.update(seed=seed, out_dir=out_dir)
        return {"pages": pd.DataFrame({"page_id": ["a", "b"]})}

    monkeypatch.setattr(demo_module, "generate", fake_generate)
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert calls == {"seed": 7, "out_dir": tmp_path}
    assert "pages" in result.output and "2" in result.output


def test_theme_catalogues_compile_for_bokmal_only(tmp_path):
    from babel.messages.mofile import read_mo

    from kommunesm import site

    site._theme_catalogues(tmp_path / "nb", "nb")
    with (tmp_path / "nb" / "_locale" / "nb_NO" / "LC_MESSAGES" / "booktheme.mo").open("rb") as fh:
        book = {m.id: m.string for m in read_mo(fh)}
    assert book["Contents"] == "Innhold"
    with (tmp_path / "nb" / "_locale" / "nb_NO" / "LC_MESSAGES" / "sphinx.mo").open("rb") as fh:
        assert {m.id: m.string for m in read_mo(fh)}["Back to top"] == "Til toppen"
    site._theme_catalogues(tmp_path / "en", "en")
    assert not (tmp_path / "en" / "_locale").exists()
    assert (
        "translate(" in (tmp_path / "en" / "_templates" / "toggle-primary-sidebar.html").read_text()
    )


@pytest.mark.notebooks
def test_theme_strings_follow_each_build_language_in_one_process(tiny_notebooks, tmp_path):
    """Sphinx keeps its catalogues process-wide: an English build after a bokmål one in
    the same process must not keep the bokmål theme strings (site.sphinx_build clears them)."""
    pages = {}
    for lang in ("nb", "en", "nb"):
        out = tmp_path / f"site-{lang}-{len(pages)}"
        result = report.build(
            tmp_path,
            out,
            notebook_dir=tiny_notebooks,
            only=["03"],
            no_code=True,
            progress=False,
            profiles=False,
            lang=lang,
        )
        assert result.ok
        pages[f"{lang}{len(pages)}"] = (out / "03_after.html").read_text(encoding="utf-8")
    assert "Til toppen" in pages["nb0"] and "Back to top" not in pages["nb0"]
    assert "Back to top" in pages["en1"] and "Til toppen" not in pages["en1"]
    assert "Til toppen" in pages["nb2"]

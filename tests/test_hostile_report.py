"""End to end on a hostile user folder (issue 11, "Done when" items 2 and 3).

Every text field of a small user-style folder carries script, HTML and formula payloads
and planted personal data. After ``ingest``, ``coding-sheet`` and a public ``report``
(``--no-code``, only the chapters that read these inputs) no live script, no formula and
none of the planted personal data may appear in anything written.
"""

from __future__ import annotations

import html.parser
from pathlib import Path

import pandas as pd
import pytest
from adversarial import CANON_COMMENTS, CT_HEADER, PLANTED, _csv, _ct_row
from typer.testing import CliRunner

from kommunesm.cli import app

pytestmark = pytest.mark.notebooks

runner = CliRunner()

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = '=HYPERLINK("http://x","Ørsta")'
SUM = "=1+1"
PII = "Kari Nordmann kari@example.no 912 34 567 @kari_n id 555001"
HOSTILE = f"{SCRIPT} {IMG} {PII}"


def _write_user_folder(folder: Path) -> list[Path]:
    folder.mkdir()
    pages = [(LINK, "100000000000001"), (SCRIPT, "100000000000002"), (SUM, "100000000000003")]
    posts = []
    for n, (page, pid) in enumerate(pages):
        for i in range(1, 4):
            k = n * 3 + i
            row = _ct_row(i, Message=[HOSTILE, LINK, SUM][i - 1] + f" nr {k}")
            row[CT_HEADER.index("Page Name")] = page
            row[CT_HEADER.index("Facebook Id")] = pid
            row[CT_HEADER.index("URL")] = f"https://www.facebook.com/x/posts/{pid}{k:03d}"
            posts.append(row)
    (folder / f"{IMG}_crowdtangle.csv").write_text(_csv([CT_HEADER, *posts]), encoding="utf-8")
    comments = [
        [
            f"c{i}",
            f"100000000000001_{i}",
            "100000000000001",
            f"2013-04-02T10:0{i}:00+02:00",
            author,
            "False",
            msg,
        ]
        for i, (author, msg) in enumerate(
            [
                ("555001", HOSTILE),
                ("Kari Nordmann", LINK),
                ("@kari_n", SUM),
                ("Ola Hansen", f"{IMG} ring 912 34 567 eller ola.hansen.77"),
            ]
        )
    ]
    (folder / "comments.csv").write_text(_csv([CANON_COMMENTS, *comments]), encoding="utf-8")
    activity = [["actor_id", "community", "action", "created_at"]] + [
        [actor, community, ("post", "reply", "retweet")[i % 3], f"2012-02-07T06:4{i}:08+01:00"]
        for i, (actor, community) in enumerate(
            [
                ("@kari_n", SCRIPT),
                ("Ola Hansen", IMG),
                ("555001", LINK),
                ("555002", SUM),
                ("Kari Nordmann", f"#{SCRIPT}"),
            ]
        )
    ]
    (folder / "activity.csv").write_text(_csv(activity), encoding="utf-8")
    (folder / "questback_export.csv").write_text(
        "Respondent ID;Mobilnr;Bruker kommunen Facebook?;Hva savner du på kommunens side?\n"
        f"1;91234567;Ja;{HOSTILE}\n"
        f"2;41234567;Nei;{LINK}\n"
        f"3;;Ja;{SUM}\n"
        f"4;;Ja;{IMG} 01010100050\n",
        encoding="utf-8",
    )
    return sorted(folder.iterdir())


class _LiveTags(html.parser.HTMLParser):
    """Collects script bodies and onerror attributes as the browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.onerror: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        self.onerror += [v or "" for k, v in attrs if k == "onerror"]

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _cells(path: Path) -> list[tuple[str, object, str]]:
    """(where, value, data_type) for every cell of a CSV or XLSX file."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        return [
            (f"{path.name}!{ws.title}!{c.coordinate}", c.value, c.data_type)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        ]
    df = pd.read_csv(path, dtype=str, keep_default_na=False, header=None)
    return [(f"{path.name}[{r},{c}]", v, "s") for (r, c), v in df.stack().items()]


def _text_of(path: Path) -> str:
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype(str).to_csv()
    if path.suffix == ".xlsx":
        return "\n".join(str(v) for _, v, _ in _cells(path))
    return path.read_bytes().decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    files = _write_user_folder(base / "raw")
    processed = base / "processed"
    res = runner.invoke(app, ["ingest", *map(str, files), "--out", str(processed)])
    assert res.exit_code == 0, res.output
    sheets = base / "sheets"
    res = runner.invoke(
        app, ["coding-sheet", str(processed), "--coders", "A", "B", "--out", str(sheets)]
    )
    assert res.exit_code == 0, res.output
    site = base / "site"
    res = runner.invoke(
        app,
        ["report", "--data", str(processed), "--out", str(site), "--no-code", "--only", "01,03,05"],
    )
    assert res.exit_code == 0, res.output
    return {"processed": processed, "sheets": sheets, "site": site}


def _files(built, *suffixes: str) -> list[Path]:
    return sorted(
        p
        for root in built.values()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in suffixes
    )


def test_the_inputs_reached_the_outputs(built):
    for table in ("posts", "comments", "activity", "survey"):
        assert (built["processed"] / f"{table}.parquet").exists(), table
    assert list(built["sheets"].glob("*.xlsx"))
    html_names = {p.name for p in built["site"].rglob("*.html")}
    for chapter in ("01_top30_ranking.html", "03_participation_ladder.html", "05_survey.html"):
        assert chapter in html_names, sorted(html_names)


def test_no_live_script_or_handler_from_data_in_the_site(built):
    pages = _files({"site": built["site"]}, ".html")
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        assert SCRIPT not in text and IMG not in text, page
        parser = _LiveTags()
        parser.feed(text)
        assert not [s for s in parser.scripts if "alert(1)" in s], page
        assert not parser.onerror, page


def test_no_formula_in_any_table_or_workbook(built):
    tables = _files(built, ".csv", ".xlsx")
    assert any(p.suffix == ".xlsx" for p in tables) and any(p.suffix == ".csv" for p in tables)
    live = [
        (where, value)
        for p in tables
        for where, value, kind in _cells(p)
        if kind == "f" or (isinstance(value, str) and value[:1] in ("=", "+", "@"))
    ]
    assert not live, live[:10]


def _planted_in(*roots: Path) -> list[tuple[str, str]]:
    suffixes = (".parquet", ".csv", ".xlsx", ".html", ".json", ".txt", ".md")
    return [
        (str(p.relative_to(p.parents[1])), needle)
        for root in roots
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix in suffixes
        for needle in PLANTED
        if needle.lower() in _text_of(p).lower()
    ]


def test_no_planted_personal_data_in_the_workbooks(built):
    found = _planted_in(built["sheets"])
    assert not found, found


def test_no_planted_personal_data_in_the_site(built):
    found = _planted_in(built["site"])
    assert not found, found


def test_no_planted_personal_data_in_processed_or_quarantine(built):
    found = _planted_in(built["processed"])
    assert not found, found

"""Generator of adversarial input files for the regression battery (issue 11).

Each :class:`Case` writes one (or more) files into a folder and says what ``kommunesm
ingest`` must make of them:

- ``"ok"``: read correctly (``check`` is called with the :class:`IngestResult`);
- ``"error"``: a clear :class:`~kommunesm.errors.InputError` that names the file and
  matches ``match`` (nothing written, no traceback);
- ``"quarantine"``: read, with at least one quarantined row whose reason matches
  ``match`` (and rows in = kept + quarantined + duplicates).

The files are built from small templates of the real export layouts (CrowdTangle,
Facebook Insights, Graph API comments, Twitter/X, canonical tables); nothing here is a
real person. :func:`cases` returns them all.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

CT_HEADER = [
    "Page Name",
    "Facebook Id",
    "Post Created",
    "Likes",
    "Comments",
    "Shares",
    "Followers at Posting",
    "URL",
    "Message",
]
GRAPH_HEADER = ["id", "post_id", "created_time", "from.id", "from.name", "message"]
CANON_POSTS = ["post_id", "page_id", "created_at", "likes", "comments", "shares", "message"]
CANON_COMMENTS = [
    "comment_id",
    "post_id",
    "page_id",
    "created_at",
    "author_id",
    "is_page_reply",
    "message",
]

#: Personal data planted in inputs; none of it may appear in any output.
PLANTED = [
    "555001",
    "555002",
    "Kari Nordmann",
    "Nordmann",
    "Ola Hansen",
    "kari_n",
    "kari@example.no",
    "912 34 567",
    "01010100050",
    "ola.hansen.77",
    "91234567",
]


@dataclass
class Case:
    name: str
    expect: str  # "ok" | "error" | "quarantine"
    write: Callable[[Path], list[Path]]
    match: str = ""
    check: Callable[[Any], None] | None = None
    tags: list[str] = field(default_factory=list)


def _ct_row(i: int = 1, **over: str) -> list[str]:
    row = {
        "Page Name": "Eksempel kommune",
        "Facebook Id": "100000000000001",
        "Post Created": f"2013-04-0{min(i, 9)} 08:15:03 CEST",
        "Likes": "10",
        "Comments": "2",
        "Shares": "1",
        "Followers at Posting": "1000",
        "URL": f"https://www.facebook.com/eksempel/posts/39000000000000{i:02d}",
        "Message": f"Melding nummer {i}",
    }
    row.update(over)
    return [row[h] for h in CT_HEADER]


def _csv(rows: list[list[str]], delimiter: str = ",", line: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=line).writerows(rows)
    return out.getvalue()


def _write(name: str, data: bytes | str, encoding: str = "utf-8"):
    def write(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return [path]

    return write


def _ct(name: str = "ct.csv", rows: list[list[str]] | None = None, **kw: Any):
    body = [CT_HEADER, *(rows if rows is not None else [_ct_row(1), _ct_row(2)])]
    return _write(name, _csv(body, **kw))


def _graph(rows: list[list[str]], name: str = "graph.csv"):
    return _write(name, _csv([GRAPH_HEADER, *rows]))


def _g(i: int, author: str = "555001", name: str = "Kari Nordmann", msg: str = "Hei") -> list[str]:
    return [f"c{i}", "100000000000001_39", f"2013-04-02T08:1{i % 10}:00+0000", author, name, msg]


def _posts(res) -> Any:
    return res.tables["posts"]


def _count(col: str, value: Any, table: str = "posts"):
    def check(res):
        got = res.tables[table][col].tolist()
        assert value in got, (col, got)

    return check


def _n_kept(n: int, table: str = "posts"):
    def check(res):
        assert len(res.tables[table]) == n, len(res.tables[table])

    return check


def _xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _insights_nbsp() -> str:
    src = (FIXTURES / "insights_posts_old_layout.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(src)))

    def conv(c: str) -> str:
        import re

        if re.fullmatch(r"\d+(\.\d+)?", c):
            return f"{float(c):,.1f}".replace(",", "\u00a0").replace(".", ",")
        return c

    return _csv([rows[0], rows[1], *[[conv(c) for c in r] for r in rows[2:]]], delimiter=";")


def _insights_dst() -> str:
    src = (FIXTURES / "insights_posts_old_layout.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(src)))
    posted = rows[0].index("Posted")
    rows[2][posted] = "03/10/2013 02:30:00 AM"  # does not exist in Pacific time
    return _csv(rows)


def _insights_check(res) -> None:
    assert list(res.tables) == ["posts"], list(res.tables)  # never a survey
    posts = res.tables["posts"]
    assert len(posts) >= 2
    assert 1523 in posts["reach"].tolist(), posts["reach"].tolist()  # "1 523,0"


def _twarc_line(i: int, **over: Any) -> dict:
    obj = {
        "id": f"16720000000000000{i}",
        "text": f"Hei #kommunedagene {i}",
        "author_id": "100000001",
        "created_at": "2012-02-08T08:31:00.000Z",
        "conversation_id": "167200000000000001",
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0},
    }
    obj.update(over)
    return {k: v for k, v in obj.items() if v is not None}


def _jsonl(objs: list[dict]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


def cases() -> list[Case]:
    big = "x" * 1_100_000
    ct_ok = _ct()
    c: list[Case] = []

    def add(*args: Any, **kw: Any) -> None:
        c.append(Case(*args, **kw))

    # --------------------------------------------------------------- containers
    add("empty_xlsx", "error", _write("empty.xlsx", b""), "empty")
    add("zip_as_xlsx", "error", _write("zip.xlsx", _zip_bytes()), "zip archive without an Excel")
    add("csv_as_xlsx", "error", _write("csv.xlsx", _csv([CT_HEADER, _ct_row()])), "text file")
    add(
        "csv_as_xls",
        "error",
        _write("csv.xls", _csv([CT_HEADER, _ct_row()])),
        r"rename it to \.csv",
    )
    add(
        "html_as_xls",
        "error",
        _write("page.xls", "<html><table><tr><td>1</td></tr></table></html>"),
        "HTML",
    )
    add("html_as_xlsx", "error", _write("page.xlsx", "<!DOCTYPE html><html></html>"), "HTML")
    add(
        "ole2_xls",
        "error",
        _write("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        "97–2003",
    )
    add(
        "damaged_xlsx",
        "error",
        _write("cut.xlsx", _xlsx_bytes([CT_HEADER, _ct_row()])[:300]),
        "damaged|truncated",
    )
    add(
        "truncated_csv_gz",
        "error",
        _write(
            "posts.csv.gz",
            gzip.compress(
                _csv(
                    [CANON_POSTS, ["1_2", "1", "2013-04-02T10:00:00+02:00", "1", "1", "1", "x"]]
                    * 50
                ).encode()
            )[:60],
        ),
        "gzip file is truncated",
    )
    add(
        "text_as_parquet",
        "error",
        _write("posts.parquet", "post_id,page_id\n1,2\n"),
        "not a readable Parquet",
    )
    add(
        "random_parquet_name",
        "error",
        _write("export.parquet", b"PAR1garbage"),
        "Parquet file that is not named",
    )
    add("zero_byte_csv", "error", _write("empty.csv", b""), "empty")
    add("only_whitespace", "error", _write("blank.csv", "\n\n   \n"), "empty|no content")
    add("binary_garbage", "error", _write("noise.csv", bytes(range(256)) * 4), "NUL|unknown format")
    add(
        "xlsx_real_ok",
        "ok",
        _write("ct.xlsx", _xlsx_bytes([CT_HEADER, _ct_row(1), _ct_row(2)])),
        check=_n_kept(2),
    )
    add("unknown_columns", "error", _write("misc.csv", "a,b,c\n1,2,3\n"), "unknown format")
    add("jsonl_unknown", "error", _write("misc.jsonl", '{"a": 1}\n'), "no reader recognises")
    add(
        "netvizz_tab",
        "ok",
        _write("netvizz.tab", _csv([GRAPH_HEADER, _g(1)], delimiter="\t")),
        check=_n_kept(1, "comments"),
    )
    add(
        "jsonl_utf16",
        "ok",
        _write("tweets.jsonl", _jsonl([_twarc_line(1), _twarc_line(2)]), encoding="utf-16"),
        check=_n_kept(2, "activity"),
    )
    # --------------------------------------------------------------- encodings
    add(
        "utf8_bom",
        "ok",
        _write("bom.csv", "\ufeff" + _csv([CT_HEADER, _ct_row(1, Message="Æøå")])),
        check=_count("message", "Æøå"),
    )
    add(
        "cp1252",
        "ok",
        _write("ansi.csv", _csv([CT_HEADER, _ct_row(1, Message="Blåbær")]), encoding="cp1252"),
        check=_count("message", "Blåbær"),
    )
    add(
        "utf16_bom",
        "ok",
        _write(
            "u16.csv",
            _csv([CT_HEADER, _ct_row(1, Message="Øl")], delimiter="\t"),
            encoding="utf-16",
        ),
        check=_count("message", "Øl"),
    )
    add(
        "utf16le_nobom",
        "ok",
        _write(
            "u16le.csv",
            _csv([CT_HEADER, _ct_row(1, Message="Øy")], delimiter="\t"),
            encoding="utf-16-le",
        ),
        check=_count("message", "Øy"),
    )

    def mixed(folder: Path) -> list[Path]:
        head = _csv([CT_HEADER, _ct_row(1, Message="Første ærlige")]).encode("utf-8")
        tail = _csv([_ct_row(2, Message="Søndag på Ørsta")]).encode("cp1252")
        path = folder / "mixed.csv"
        path.write_bytes(head + tail)
        return [path]

    def mixed_check(res):
        msgs = res.tables["posts"]["message"].tolist()
        assert msgs == ["Første ærlige", "Søndag på Ørsta"], msgs

    add("utf8_with_cp1252_tail", "ok", mixed, check=mixed_check)
    add(
        "nul_padding",
        "ok",
        _write("padded.csv", _csv([CT_HEADER, _ct_row(1)]).encode() + b"\x00" * 512),
        check=_n_kept(1),
    )
    add(
        "nul_inside",
        "error",
        _write(
            "nul.csv", _csv([CT_HEADER, _ct_row(1)]).encode().replace(b"Melding", b"Mel\x00ding")
        ),
        "NUL bytes",
    )
    add(
        "nfd_text",
        "ok",
        _write("nfd.csv", _csv([CT_HEADER, _ct_row(1, Message="Bjo\u0308rn")])),
        check=_n_kept(1),
    )
    # --------------------------------------------------------------- separators
    add("semicolon", "ok", _ct("semi.csv", delimiter=";"), check=_n_kept(2))
    add("tab", "ok", _ct("tab.tsv", delimiter="\t"), check=_n_kept(2))
    add("pipe", "ok", _ct("pipe.csv", delimiter="|"), check=_n_kept(2))
    add("crlf", "ok", _ct("crlf.csv", line="\r\n"), check=_n_kept(2))
    add("old_mac_cr", "ok", _ct("cr.csv", line="\r"), check=_n_kept(2))
    add(
        "bare_cr_in_field",
        "ok",
        _write(
            "barecr.csv",
            _csv([CT_HEADER, _ct_row(1)]) + _csv([_ct_row(2)]).replace("Melding", "Mel\rding", 1),
        ),
        check=_n_kept(2),
    )
    add(
        "newline_in_quoted_field",
        "ok",
        _ct("nl.csv", rows=[_ct_row(1, Message="linje 1\nlinje 2")]),
        check=_count("message", "linje 1\nlinje 2"),
    )
    add(
        "preamble_lines",
        "ok",
        _write(
            "pre.csv", "Rapport for 2013\nEksportert 01.05.2013\n\n" + _csv([CT_HEADER, _ct_row(1)])
        ),
        check=_n_kept(1),
    )
    add(
        "insights_nbsp_thousands_decimal_comma",
        "ok",
        _write("insights_nbsp.csv", _insights_nbsp()),
        check=_insights_check,
    )
    add(
        "space_thousands",
        "ok",
        _ct("sp.csv", rows=[_ct_row(1, Likes="1 234")]),
        check=_count("likes", 1234),
    )
    add(
        "duplicate_header_same",
        "ok",
        _write("dup_same.csv", _csv([[*CT_HEADER, "Likes"], [*_ct_row(1), "10"]])),
        check=_n_kept(1),
    )
    add(
        "duplicate_header_differs",
        "error",
        _write("dup_diff.csv", _csv([[*CT_HEADER, "Likes"], [*_ct_row(1), "99"]])),
        "columns are called 'Likes'",
    )
    add(
        "too_many_cells",
        "quarantine",
        _write("wide.csv", _csv([CT_HEADER, _ct_row(1), [*_ct_row(2), "extra"]])),
        "expected 9 cells",
    )
    add(
        "missing_required_column",
        "error",
        _write(
            "noid.csv",
            _csv([[h for h in CT_HEADER if h != "Post Created"], _ct_row(1)[:2] + _ct_row(1)[3:]]),
        ),
        "Post Created|created_at",
    )
    # --------------------------------------------------------------- truncation
    add(
        "cut_mid_row",
        "quarantine",
        _write("cut.csv", _csv([CT_HEADER, _ct_row(1), _ct_row(2)])[:-25]),
        "ends in the middle of this row",
    )
    add(
        "cut_in_quotes",
        "quarantine",
        _write(
            "cutq.csv",
            _csv([CT_HEADER, _ct_row(1), _ct_row(2, Message="en, to, tre og fire")])[:-12],
        ),
        "inside a quoted field",
    )
    add(
        "unbalanced_quote_mid_file",
        "ok",
        _write("q.csv", _csv([CT_HEADER, _ct_row(1, Message='Han sa "hei')])),
        check=_n_kept(1),
    )
    add(
        "huge_field_1mb",
        "ok",
        _ct("huge.csv", rows=[_ct_row(1, Message=big)]),
        check=lambda res: (
            len(res.tables["posts"]["message"].iloc[0]) == len(big)
            or (_ for _ in ()).throw(AssertionError("message cut"))
        ),
    )
    # --------------------------------------------------------------- numbers
    add(
        "count_1e400",
        "quarantine",
        _ct("inf.csv", rows=[_ct_row(1, Likes="1e400"), _ct_row(2)]),
        "overflow",
    )
    add(
        "count_2_63",
        "quarantine",
        _ct("big.csv", rows=[_ct_row(1, Likes="9223372036854775808"), _ct_row(2)]),
        "overflow",
    )
    add(
        "count_exact_18_digits",
        "ok",
        _ct("exact.csv", rows=[_ct_row(1, Likes="123456789012345678")]),
        check=_count("likes", 123456789012345678),
    )
    add(
        "count_negative",
        "quarantine",
        _ct("neg.csv", rows=[_ct_row(1, Likes="-5"), _ct_row(2)]),
        ">= 0",
    )
    add(
        "count_fraction",
        "quarantine",
        _ct("frac.csv", rows=[_ct_row(1, Likes="2.5"), _ct_row(2)]),
        "fraction",
    )
    add(
        "count_text",
        "quarantine",
        _ct("txt.csv", rows=[_ct_row(1, Likes="mange"), _ct_row(2)]),
        "not a number",
    )
    add(
        "count_percent_sign",
        "ok",
        _ct("pct.csv", rows=[_ct_row(1, Likes="12")]),
        check=_count("likes", 12),
    )
    add(
        "count_nbsp_thousands",
        "ok",
        _ct("nbsp.csv", rows=[_ct_row(1, Likes="12\u00a0345")]),
        check=_count("likes", 12345),
    )
    # --------------------------------------------------------------- dates and zones
    add(
        "year_1",
        "quarantine",
        _ct(
            "y1.csv", rows=[_ct_row(1, **{"Post Created": "0001-04-02 08:15:03 CEST"}), _ct_row(2)]
        ),
        "plausible window|expected a date",
    )
    add(
        "year_2099",
        "quarantine",
        _ct(
            "y2099.csv",
            rows=[_ct_row(1, **{"Post Created": "2099-04-02 08:15:03 CEST"}), _ct_row(2)],
        ),
        "plausible window",
    )
    add(
        "year_1999",
        "quarantine",
        _ct(
            "y1999.csv",
            rows=[_ct_row(1, **{"Post Created": "1999-04-02 08:15:03 CEST"}), _ct_row(2)],
        ),
        "plausible window",
    )

    def date_only_check(res):
        ts = res.tables["posts"]["created_at"].iloc[0]
        assert (ts.year, ts.month, ts.day, ts.hour) == (2013, 4, 2, 0), ts

    add(
        "bare_date",
        "ok",
        _ct("bare.csv", rows=[_ct_row(1, **{"Post Created": "2013-04-02"})]),
        check=date_only_check,
    )
    add("dst_gap", "quarantine", _write("insights_dst.csv", _insights_dst()), "daylight")
    add(
        "zone_abbrev_cet",
        "ok",
        _ct("cet.csv", rows=[_ct_row(1, **{"Post Created": "2013-02-01 10:00:00 CET"})]),
        check=lambda res: (
            res.tables["posts"]["created_at"].iloc[0].hour == 10
            or (_ for _ in ()).throw(AssertionError())
        ),
    )
    add(
        "iso_offset",
        "ok",
        _ct("iso.csv", rows=[_ct_row(1, **{"Post Created": "2013-04-02T08:15:00+0000"})]),
        check=lambda res: (
            res.tables["posts"]["created_at"].iloc[0].hour == 10
            or (_ for _ in ()).throw(AssertionError())
        ),
    )
    add(
        "day_month_evidence",
        "ok",
        _ct(
            "dm.csv",
            rows=[
                _ct_row(1, **{"Post Created": "13/02/2013 10:00"}),
                _ct_row(2, **{"Post Created": "01/02/2013 10:00"}),
            ],
        ),
        check=lambda res: (
            sorted(res.tables["posts"]["created_at"].dt.month.tolist()) == [2, 2]
            or (_ for _ in ()).throw(AssertionError(res.tables["posts"]["created_at"].tolist()))
        ),
    )
    add(
        "day_month_conflict",
        "error",
        _ct(
            "dmx.csv",
            rows=[
                _ct_row(1, **{"Post Created": "13/02/2013 10:00"}),
                _ct_row(2, **{"Post Created": "02/14/2013 10:00"}),
            ],
        ),
        "both day/month",
    )
    add(
        "date_garbage",
        "quarantine",
        _ct("dg.csv", rows=[_ct_row(1, **{"Post Created": "i går"}), _ct_row(2)]),
        "expected a date",
    )
    add(
        "tweet_without_created_at",
        "quarantine",
        _write("tw.jsonl", _jsonl([_twarc_line(1), _twarc_line(2, created_at=None)])),
        "created_at",
    )
    # --------------------------------------------------------------- duplicates
    add(
        "identical_duplicate",
        "quarantine",
        _ct("dupe.csv", rows=[_ct_row(1), _ct_row(1)]),
        r"duplicate post_id \(same as row",
    )
    add(
        "conflicting_duplicate",
        "quarantine",
        _ct("conflict.csv", rows=[_ct_row(1), _ct_row(1, Likes="99")]),
        "conflicting duplicate post_id: differs from row 2 in likes",
    )

    def two_files(folder: Path) -> list[Path]:
        a = folder / "a.csv"
        b = folder / "b.csv"
        a.write_text(_csv([CT_HEADER, _ct_row(1)]), encoding="utf-8")
        b.write_text(_csv([CT_HEADER, _ct_row(1, Likes="77")]), encoding="utf-8")
        return [a, b]

    add("conflict_across_files", "quarantine", two_files, "conflicting duplicate .* in likes")
    # --------------------------------------------------------------- municipalities
    canon_pages = ["page_id", "platform", "name", "kommunenummer"]
    add(
        "unknown_code_9999",
        "quarantine",
        _write(
            "pages.csv",
            _csv(
                [
                    canon_pages,
                    ["p1", "facebook", "Eksempel", "9999"],
                    ["p2", "facebook", "Oslo kommune", "0301"],
                ]
            ),
        ),
        "unknown municipality code",
    )
    add(
        "typo_code_03O1",
        "quarantine",
        _write("pages.csv", _csv([canon_pages, ["p1", "facebook", "Oslo", "03O1"]])),
        "did you mean 0301",
    )

    def ambiguous_check(res):
        notes = " ".join(res.notes)
        for name in ("Våler", "Herøy", "Nes", "Bø", "Os", "Sande"):
            assert f"'{name}' matches several" in notes, (name, notes)

    add(
        "ambiguous_names",
        "ok",
        _write(
            "pages.csv",
            _csv(
                [
                    ["page_id", "platform", "name"],
                    *[
                        [f"p{i}", "facebook", n]
                        for i, n in enumerate(["Våler", "Herøy", "Nes", "Bø", "Os", "Sande"])
                    ],
                ]
            ),
        ),
        check=ambiguous_check,
    )
    # --------------------------------------------------------------- injection (kept as data)
    add(
        "formula_in_message",
        "ok",
        _ct("f.csv", rows=[_ct_row(1, Message='=HYPERLINK("http://evil","Ørsta")')]),
        check=_count("message", '=HYPERLINK("http://evil","Ørsta")'),
    )
    add(
        "script_in_message",
        "ok",
        _ct("s.csv", rows=[_ct_row(1, Message="<script>alert(1)</script>")]),
        check=_count("message", "<script>alert(1)</script>"),
    )
    add(
        "formula_page_name",
        "ok",
        _ct("fp.csv", rows=[_ct_row(1, **{"Page Name": "=1+1"})]),
        check=_n_kept(1),
    )
    add("img_in_filename", "ok", _ct("x<img src=x onerror=alert(1)>.csv"), check=_n_kept(2))
    # --------------------------------------------------------------- personal data
    add(
        "graph_names_ids",
        "ok",
        _graph([_g(1), _g(2, "555002", "Ola Hansen", "Takk Kari Nordmann!")]),
        check=_n_kept(2, "comments"),
    )
    add(
        "graph_extra_personal_columns",
        "ok",
        _write(
            "graph_extra.csv",
            _csv(
                [
                    [*GRAPH_HEADER, "from.link", "message_tags", "post_by", "from.picture"],
                    [
                        *_g(1),
                        "https://facebook.com/ola.hansen.77",
                        "[{'name': 'Kari Nordmann'}]",
                        "Ola Hansen",
                        "https://scontent/555001.jpg",
                    ],
                ]
            ),
        ),
        check=lambda res: (
            "from.link" in res.summary.loc[0, "dropped_columns"]
            or (_ for _ in ()).throw(AssertionError())
        ),
    )
    add(
        "graph_contacts_in_text",
        "ok",
        _graph([_g(1, msg="Ring 912 34 567 eller kari@example.no, fnr 01010100050")]),
        check=_n_kept(1, "comments"),
    )
    add(
        "graph_handle_in_text",
        "ok",
        _graph([_g(1, msg="Se @kari_n og facebook.com/ola.hansen.77")]),
        check=_n_kept(1, "comments"),
    )
    add(
        "graph_no_author_rows",
        "ok",
        _graph([_g(1, "", "", "Hei"), _g(2, "", "", "Hallo")]),
        check=lambda res: None,
    )
    add(
        "canonical_comments_raw_ids",
        "ok",
        _write(
            "comments.csv",
            _csv(
                [
                    CANON_COMMENTS,
                    ["c1", "1_2", "1", "2013-04-02T10:00:00+02:00", "555001", "False", "Hei"],
                    [
                        "c2",
                        "1_2",
                        "1",
                        "2013-04-02T10:05:00+02:00",
                        "Ola Hansen",
                        "False",
                        "Hei Kari Nordmann",
                    ],
                    [
                        "c3",
                        "1_2",
                        "1",
                        "2013-04-02T10:06:00+02:00",
                        "@kari_n",
                        "False",
                        "ring 912 34 567",
                    ],
                ]
            ),
        ),
        check=_n_kept(3, "comments"),
    )
    add(
        "canonical_activity_raw_ids",
        "ok",
        _write(
            "activity.csv",
            _csv(
                [
                    ["actor_id", "community", "action", "created_at"],
                    ["@kari_n", "#x", "post", "2012-02-07T06:48:08+01:00"],
                    ["Ola Hansen", "#x", "post", "2012-02-07T06:49:08+01:00"],
                ]
            ),
        ),
        check=_n_kept(2, "activity"),
    )
    add(
        "quarantined_row_with_name",
        "quarantine",
        _graph(
            [
                _g(1),
                [
                    "c2",
                    "100000000000001_39",
                    "ikke en dato",
                    "555002",
                    "Ola Hansen",
                    "Hei Kari Nordmann",
                ],
            ]
        ),
        "expected a date",
    )
    survey = (
        "Respondent ID;Mobilnr;Bruker kommunen Facebook?;Hva savner du på kommunens side?\n"
        "1;91234567;Ja;Ring Kari Nordmann på 912 34 567\n"
        "2;41234567;Nei;<script>alert(1)</script>\n"
        "3;;Ja;Mer info\n"
    )
    add(
        "survey_phone_column_and_free_text",
        "ok",
        _write("questback_export.csv", survey),
        check=lambda res: "survey" in res.tables or (_ for _ in ()).throw(AssertionError()),
    )
    add("ok_reference_ct", "ok", ct_ok, check=_n_kept(2))
    return c

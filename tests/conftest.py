"""Shared test fixtures: paths to the real data and builders of messy export variants."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

from kommunesm._resources import data_path

matplotlib.use("Agg")
os.environ.setdefault("KOMMUNESM_SALT", "test-salt-not-secret")  # legacy name, still read

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"
UCI = data_path("external", "uci_facebook_metrics_2014.csv")
COMMENT_VOLUME = data_path("external", "facebook_comment_volume_testset.csv")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def uci_path() -> Path:
    return UCI


def write_variant(
    src: Path,
    dest: Path,
    *,
    encoding: str,
    delimiter: str | None = None,
    decimal_comma: bool = False,
    preamble: list[str] | None = None,
) -> Path:
    """Re-encode a UTF-8 export as another tool would have written it."""
    import csv
    import io

    text = src.read_text(encoding="utf-8")
    src_delim = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t").delimiter
    rows = list(csv.reader(io.StringIO(text), delimiter=src_delim))
    if decimal_comma:
        import re

        rows = [rows[0]] + [[re.sub(r"^(-?\d+)\.(\d+)$", r"\1,\2", c) for c in r] for r in rows[1:]]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter or src_delim, lineterminator="\r\n").writerows(rows)
    body = "".join(line + "\r\n" for line in (preamble or [])) + out.getvalue()
    dest.write_bytes(body.encode(encoding))
    return dest


@pytest.fixture(scope="session")
def public_site(tmp_path_factory):
    """The public Norwegian report (``--no-code``) on the embedded data, built once per
    test session; returns the :class:`kommunesm.report.BuildResult`."""
    from kommunesm import report

    out = tmp_path_factory.mktemp("public") / "site"
    return report.build(None, out, no_code=True, progress=False)


@pytest.fixture(scope="session")
def public_site_en(tmp_path_factory):
    """The English public report, built once per test session."""
    from kommunesm import report

    out = tmp_path_factory.mktemp("public_en") / "site"
    return report.build(None, out, lang="en", no_code=True, progress=False)

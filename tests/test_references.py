"""The bibliography and the author–year citations readers see."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from kommunesm import references
from kommunesm.io import published

ROOT = Path(__file__).resolve().parents[1]
SEED_NAME = re.compile(r"00[0-4]_[0-9a-f]{16}")


def test_root_references_folder_is_the_packaged_bib():
    root_bib = ROOT / "references" / "references.bib"
    assert root_bib.resolve() == (ROOT / "kommunesm" / "data" / "references.bib").resolve()
    assert root_bib.read_text(encoding="utf-8") == references.BIB_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("key", "page", "expected"),
    [
        ("gambit2013", 11, "Johnsen, Jørgensen & Aaneland (2013, s. 11)"),
        ("meling2013", None, "Meling (2013)"),
        ("ksveikart2012", "13", "Langva, Meling & Wessel-Aas (2012, s. 13)"),
        ("sosialekommuner2012", None, "Handelshøyskolen BI (2012)"),
        ("difi2012", None, "Amdam, Hoel & Stranger-Thorsen (2012)"),
        ("singhfbcomment", None, "Singh (u.å.)"),
    ],
)
def test_cite_author_year(key, page, expected):
    assert references.cite(key, page=page) == expected


def test_unknown_key_names_the_known_ones():
    with pytest.raises(KeyError, match="gambit2013"):
        references.cite("gambit2031")


def test_published_tables_show_citations_and_keep_keys():
    for name in published.NAMES:
        table = published.load(name)
        shown = table["source"].dropna().astype(str)
        assert not shown.str.contains(SEED_NAME).any(), name
        keys = table["source_key"].dropna()
        assert set(keys) <= set(references.keys()), name
        for key, label in zip(table["source_key"], table["source"], strict=True):
            if isinstance(key, str):
                assert label == references.cite(key)
            else:
                assert "://" in label


def test_no_seed_file_names_in_package_or_notebooks():
    """Readers see author–year citations, never the seeds' file names (tests may still
    locate the seed files)."""
    out = subprocess.run(
        [
            "git",
            "grep",
            "-n",
            "-E",
            SEED_NAME.pattern,
            "--",
            "kommunesm",
            "notebooks",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode == 128:  # not a git checkout (e.g. an sdist)
        pytest.skip("not a git checkout")
    assert out.stdout == ""

"""The public report in a real browser (headless Chromium).

Every page of the public build, Norwegian and English, at 1280 and 390 px: no
horizontal overflow, every image and link resolves, no console error, ``lang`` set, no
local path, Traceback, Warning, nan, inf or seed file name in the visible text.
Screenshots of every page of the last run are kept in ``reports/screenshots/<lang>/``
(git-ignored). Skipped, saying so, where Chromium is not installed (``.ci/run``
installs it).
"""

from __future__ import annotations

from pathlib import Path

import browser
import pytest

pytestmark = [
    pytest.mark.notebooks,
    pytest.mark.skipif(
        not browser.chromium_available(),
        reason=f"Chromium not found at {browser.CHROMIUM}: install Debian's chromium "
        "(apt-get install chromium chromium-driver) to run the browser test",
    ),
]


NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: Chapters still on the old header (report.chapter_header) print raw DataFrames; they
#: are checked once they use the kommunesm.show helpers.
OLD = {p.stem + ".html" for p in NOTEBOOKS if "show.setup(" not in p.read_text(encoding="utf-8")}


def _pages(site):
    return [p for p in browser.site_pages(site) if p not in OLD]


def test_norwegian_site_passes_in_the_browser(public_site, repo):
    site = public_site.out_dir
    shots = repo / "reports" / "screenshots" / "nb"
    problems = browser.check_site(site, shots, _pages(site))
    assert not problems, "\n".join(problems[:40])


def test_english_site_passes_in_the_browser(public_site_en, repo):
    site = public_site_en.out_dir
    shots = repo / "reports" / "screenshots" / "en"
    problems = browser.check_site(site, shots, _pages(site))
    assert not problems, "\n".join(problems[:40])
    index = (public_site_en.out_dir / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in index and "Find your municipality" in index
    chapter = (public_site_en.out_dir / "08_platforms.html").read_text(encoding="utf-8")
    assert "<h2> Contents </h2>" in chapter and "Innhold" not in chapter

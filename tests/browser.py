"""Open every page of a built report site in headless Chromium and list what is wrong.

Used by ``tests/test_browser.py``; also a script::

    python tests/browser.py reports/site [--screenshots DIR]

Checks, per page, at 1280 px and 390 px width: no horizontal overflow; ``lang`` set; no
console error or uncaught exception; no local path, ``Traceback``, ``Warning``, ``nan``,
``inf`` or seed file name in the visible text; every image has alt text and loads;
every local link resolves. A screenshot of every page (1280 px; chapters full page) is
kept in the screenshots folder.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (1280, 390)
BAD_TEXT = re.compile(
    r"(/home/|/tmp/|/work/|[A-Z]:\\\\|Traceback|\bWarning\b|\bnan\b|\bNaN\b|\binf\b|"
    r"\d{3}_[0-9a-f]{16}\.txt|ipykernel_)"
)


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file()


@contextlib.contextmanager
def serve(root: Path):
    """A local HTTP server for ``root`` on a free port (no network beyond localhost)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # no request log on stderr
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the browser closed the page
            pass


def site_pages(site: Path) -> list[str]:
    """The HTML pages of ``site`` (relative paths; theme templates under _static left out)."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in Path(site).rglob("*.html")
        if not p.relative_to(site).as_posix().startswith("_static/")
    )


def check_site(
    site: Path, screenshots: Path | None = None, pages: list[str] | None = None
) -> list[str]:
    """Problems found on the pages of ``site`` (all pages, or ``pages``); empty: all pass."""
    from playwright.sync_api import sync_playwright

    site = Path(site)
    pages = site_pages(site) if pages is None else pages
    problems: list[str] = []
    checked_urls: dict[str, bool] = {}
    if screenshots is not None:
        shutil.rmtree(screenshots, ignore_errors=True)
        screenshots.mkdir(parents=True)
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            contexts = {
                w: browser.new_context(viewport={"width": w, "height": 900}) for w in WIDTHS
            }
            for rel in pages:
                for width, context in contexts.items():
                    page = context.new_page()
                    errors: list[str] = []
                    page.on(
                        "console",
                        lambda msg, errors=errors: (
                            errors.append(msg.text) if msg.type == "error" else None
                        ),
                    )
                    page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                    url = base + rel
                    page.goto(url, wait_until="load")
                    where = f"{rel} @{width}px"
                    for e in errors:
                        problems.append(f"{where}: console error: {e[:200]}")
                    overflow = page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                    if overflow > 1:
                        problems.append(f"{where}: horizontal overflow of {overflow} px")
                    if width == WIDTHS[0]:
                        problems += _page_checks(page, rel, url, checked_urls)
                        if screenshots is not None:
                            shot = screenshots / (rel.replace("/", "__") + ".png")
                            page.screenshot(path=str(shot), full_page="/" not in rel)
                    page.close()
        finally:
            browser.close()
    return problems


def _page_checks(page, rel: str, url: str, checked: dict[str, bool]) -> list[str]:
    problems = []
    lang = page.evaluate("document.documentElement.lang")
    if not lang:
        problems.append(f"{rel}: no lang attribute")
    text = page.evaluate("document.body.innerText")
    for match in sorted(set(m.group(0) for m in BAD_TEXT.finditer(text))):
        problems.append(f"{rel}: visible text contains {match!r}")
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.getAttribute('src'), i.getAttribute('alt')])"
    )
    for src, alt in images:
        if not (alt or "").strip():
            problems.append(f"{rel}: image without alt text: {src}")
        if src and not _resolves(urllib.parse.urljoin(url, src), checked):
            problems.append(f"{rel}: image does not load: {src}")
    links = page.evaluate("Array.from(document.links).map(a => a.href)")
    for href in sorted(set(links)):
        if href.startswith(url.split("/")[0] + "//" + url.split("/")[2]):
            if not _resolves(href, checked):
                problems.append(f"{rel}: broken link: {href}")
    return problems


def _resolves(url: str, checked: dict[str, bool]) -> bool:
    url = url.split("#")[0]
    if url not in checked:
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                checked[url] = resp.status == 200
        except OSError:
            checked[url] = False
    return checked[url]


if __name__ == "__main__":
    args = sys.argv[1:]
    shots = None
    if "--screenshots" in args:
        shots = Path(args[args.index("--screenshots") + 1])
    found = check_site(Path(args[0]), shots)
    print("\n".join(found) or "all pages pass")
    raise SystemExit(1 if found else 0)

"""Checks in a real browser: axe-core (light and dark schemes), reflow at 320px, skip
link, switcher by keyboard.

Debian's Chromium, driven by Playwright (which cannot download its own browser
here), opens each page at the very address it is published at (SITEURL, with
its path for a GitHub Pages project site), and the browser answers every
request to that origin from the built files: a page, its stylesheet and its
scripts are checked under their real origin and their own Content-Security-
Policy, without a server or a network. A development build is opened under
DEVELOPMENT_ORIGIN. Requests to any other host are blocked and reported: the
site loads nothing from third parties.
"""

import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .html import GateUnavailable
from .site import BuiltSite, refresh_urls

if TYPE_CHECKING:  # Playwright is imported when a browser starts: the other gates need none
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
WIDTHS = {"phone": 375, "desktop": 1280}
SCHEMES = ("light", "dark")  # the reader's colour scheme (prefers-color-scheme)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every rule of those tags runs; only the violations come back in full (the passes'
# details, which the gate never reads, took 40% of its time).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
LIST_TYPES = ("news", "category")  # their second page is checked too
DEVELOPMENT_ORIGIN = "http://localhost:8000"  # where `make serve` shows a development build


def representative_pages(site: BuiltSite) -> list[Path]:
    """One page of each type in each language, and the second page of each list."""
    chosen = {}
    for path in site.html_files():
        page_type, lang = site.page_type(path), site.lang(path)
        parts = site.relative(path).split("/")
        paginated = page_type in LIST_TYPES and any(part.isdigit() for part in parts)
        chosen.setdefault((page_type, lang, paginated), path)
    return sorted(chosen.values())


@contextmanager
def browser() -> Iterator["Browser"]:
    """A headless Debian Chromium driven by Playwright."""
    if not os.access(CHROMIUM, os.X_OK):
        raise GateUnavailable(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise GateUnavailable("Playwright is not installed: "
                              "pip install -r requirements-dev.txt") from None
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


class BrowserSession:
    """Pages of one built site opened in Chromium, as a reader would, at their own address."""

    def __init__(self, site: BuiltSite, chromium: "Browser") -> None:
        self.site, self.chromium = site, chromium
        self.base = site.siteurl or DEVELOPMENT_ORIGIN
        self.origin = "{0}://{1}".format(*urlsplit(self.base))
        self.third_party = []
        self.console_errors = []
        self.held = None  # the page visited, if it sends the reader on (see visit)

    def url(self, path: Path) -> str:
        """The address of an output file, e.g. https://owner.github.io/embassy/en/."""
        return self.address(self.site.url_of(path)[len(self.site.siteurl) + 1:])

    def address(self, relative: str) -> str:
        """The address of a path relative to the site's root ('es/buscar/?q=…')."""
        return f"{self.base}/{relative}"

    def new_page(self, width: int, height: int = 900, javascript: bool = True,
                 scheme: str = "light", axe: bool = False) -> "Page":
        """A tab of the given width (and colour scheme) that only reaches this site;
        with axe, axe-core is loaded into every page it opens (see axe_violations)."""
        context = self.chromium.new_context(viewport={"width": width, "height": height},
                                            java_script_enabled=javascript,
                                            color_scheme=scheme)
        if axe:
            context.add_init_script(_axe_core())
        context.route("**/*", self._answer)
        page = context.new_page()
        page.on("console", self._record_console)
        return page

    def _record_console(self, message):
        # CSP refusals and script errors show up here; third-party blocks are reported apart.
        if message.type == "error" and "net::ERR_FAILED" not in message.text:
            self.console_errors.append(f"{message.location.get('url', '?')}: {message.text}")

    def visit(self, page: "Page", path: Path) -> "Page":
        # A page that sends the reader on at once (a refresh: the pages at the former
        # site's addresses) is checked as it shows, so the page it opens is held off
        # (_answer) until the next visit.
        self.held = self.url(path) if refresh_urls(self.site.soup(path)) else None
        page.goto(self.url(path), wait_until="load")
        return page

    def _answer(self, route):
        """Answer the site's origin from the built files, as a static host would."""
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.third_party.append(url)
            return route.abort()
        request = route.request
        if (self.held and url != self.held and request.is_navigation_request()
                and request.frame.parent_frame is None):
            return route.fulfill(status=204)  # a browser then stays on its page
        target = self.site.file_for(parts.path, base=self.site.siteurl + "/")
        if target is not None and target.is_dir():
            query = f"?{parts.query}" if parts.query else ""
            return route.fulfill(status=301, headers={"Location": f"{parts.path}/{query}"})
        if target is not None and target.is_file():
            return route.fulfill(path=str(target))
        missing = self.site.root / "404.html"
        return route.fulfill(status=404, path=str(missing)) if missing.is_file() \
            else route.fulfill(status=404, body="not found")


def axe_violations(page: "Page") -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the loaded page.

    axe-core is the one axe-playwright-python bundles (pinned with it), run here
    rather than by its Axe.run, which sends the whole script (half a megabyte)
    through Playwright on every call: a tab made by new_page(axe=True) loads it
    with each page, sent once."""
    if not page.evaluate("typeof axe === 'object'"):
        page.evaluate(_axe_core())
    response = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:3])
        for violation in response["violations"]
    ]


def _axe_core() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def overflows(page: "Page") -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth")


def skip_link_problem(page: "Page") -> str | None:
    """None when Tab reaches the skip link first and Enter moves focus to the main content."""
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.getAttribute('href')")
    if first != "#main-content":
        return f"the first Tab reaches {first!r}, not the skip link"
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.id")
    if focused != "main-content":
        return f"the skip link moves focus to {focused!r}, not #main-content"
    return None


def switcher_problem(page: "Page", limit: int = 15) -> str | None:
    """None when Tab reaches every language link, each naming and declaring its language."""
    expected = page.eval_on_selector_all(
        ".epc-language-switcher a", "links => links.map(a => a.href)")
    if not expected:
        return "no language switcher"
    reached = {}
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const a = document.activeElement;
            if (!a.closest('.epc-language-switcher')) return null;
            return {href: a.href, lang: a.lang, hreflang: a.hreflang, name: a.innerText.trim()};
        }""")
        if info:
            reached[info["href"]] = info
        if len(reached) == len(expected):
            break
    for href in expected:
        info = reached.get(href)
        if info is None:
            return f"Tab does not reach the language link {href}"
        if not info["lang"] or info["lang"] != info["hreflang"] or not info["name"]:
            return f"the language link {href} does not announce its language ({info})"
    return None


def check(site: BuiltSite, screenshots: Path | None = None,
          screenshot_pages: Collection[str] = ()) -> tuple[int, list[str]]:
    """(page views checked, problems), for representative pages at phone and desktop widths,
    in the light and the dark colour scheme."""
    problems, views = [], 0
    with browser() as chromium:
        session = BrowserSession(site, chromium)
        tabs = {(label, scheme): session.new_page(width, scheme=scheme, axe=True)
                for label, width in WIDTHS.items() for scheme in SCHEMES}
        narrow = session.new_page(320)
        extra = {site.root / name for name in screenshot_pages}
        for path in sorted(set(representative_pages(site)) | extra):
            name = site.relative(path)
            for (label, scheme), tab in tabs.items():
                session.visit(tab, path)
                views += 1
                where = f"@{tab.viewport_size['width']}px" + (f" {scheme}" if scheme != "light"
                                                             else "")
                problems += [f"{name} {where}: {violation}" for violation in axe_violations(tab)]
                if screenshots is not None and name in screenshot_pages:
                    suffix = label if scheme == "light" else f"{label}-{scheme}"
                    target = screenshots / f"{name.replace('/', '_')}-{suffix}.png"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    tab.screenshot(path=str(target), full_page=True)
            session.visit(narrow, path)
            if overflows(narrow):
                problems.append(f"{name} @320px: the page scrolls sideways")
            if narrow.query_selector(".epc-skip-link"):  # each from a page just opened
                found = (skip_link_problem(narrow), switcher_problem(session.visit(narrow, path)))
                problems += [f"{name}: {problem}" for problem in found if problem]
        problems += [f"request to another host: {url}" for url in sorted(set(session.third_party))]
        problems += [f"browser console: {error}" for error in sorted(set(session.console_errors))]
    return views, problems

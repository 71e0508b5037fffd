"""Checks in a real browser: axe-core, reflow at 320px, skip link, switcher by keyboard.

Debian's Chromium, driven by Playwright (which cannot download its own browser
here), loads the pages from a local HTTP server on loopback. Requests to any
other host are blocked and reported: the site loads nothing from third parties.
"""

import functools
import http.server
import os
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

from .html import GateUnavailable

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
WIDTHS = {"phone": 375, "desktop": 1280}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LIST_TYPES = ("news", "category")  # their second page is checked too


def representative_pages(site):
    """One page of each type in each language, and the second page of each list."""
    chosen = {}
    for path in site.html_files():
        page_type, lang = site.page_type(path), site.lang(path)
        parts = site.relative(path).split("/")
        paginated = page_type in LIST_TYPES and any(part.isdigit() for part in parts)
        chosen.setdefault((page_type, lang, paginated), path)
    return sorted(chosen.values())


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(root):
    """An HTTP server for root on a free loopback port, for the duration of a block."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser():
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
    """Pages of one built site opened in Chromium, as a reader would."""

    def __init__(self, site, chromium, origin):
        self.site, self.chromium, self.origin = site, chromium, origin
        self.third_party = []
        self.console_errors = []

    def url(self, path):
        return self.origin + urlsplit(self.site.url_of(path)).path

    def new_page(self, width, height=900, javascript=True):
        """A tab of the given width that only reaches this site."""
        context = self.chromium.new_context(viewport={"width": width, "height": height},
                                            java_script_enabled=javascript)
        context.route("**/*", self._only_this_site)
        page = context.new_page()
        page.on("console", self._record_console)
        return page

    def _record_console(self, message):
        # CSP refusals and script errors show up here; third-party blocks are reported apart.
        if message.type == "error" and "net::ERR_FAILED" not in message.text:
            self.console_errors.append(f"{message.location.get('url', '?')}: {message.text}")

    def visit(self, page, path):
        page.goto(self.url(path), wait_until="load")
        return page

    def _only_this_site(self, route):
        url = route.request.url
        if url.startswith(self.origin):
            return route.continue_()
        if self.site.siteurl and url.startswith(self.site.siteurl + "/"):
            # a production build's absolute URLs are answered from the built files
            target = self.site.file_for(url)
            if target is not None and target.is_file():
                return route.fulfill(path=str(target))
            return route.fulfill(status=404, body="not found")
        self.third_party.append(url)
        return route.abort()


def axe_violations(page):
    """axe-core's WCAG 2.0/2.1 A and AA violations on the loaded page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:3])
        for violation in results.response["violations"]
    ]


def overflows(page):
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth")


def skip_link_problem(page):
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


def switcher_problem(page, limit=15):
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


def check(site, screenshots=None, screenshot_pages=()):
    """(page views checked, problems), for representative pages at phone and desktop widths."""
    problems, views = [], 0
    with serve(site.root) as origin, browser() as chromium:
        session = BrowserSession(site, chromium, origin)
        tabs = {label: session.new_page(width) for label, width in WIDTHS.items()}
        narrow = session.new_page(320)
        extra = {site.root / name for name in screenshot_pages}
        for path in sorted(set(representative_pages(site)) | extra):
            name = site.relative(path)
            for label, tab in tabs.items():
                session.visit(tab, path)
                views += 1
                problems += [f"{name} @{tab.viewport_size['width']}px: {violation}"
                             for violation in axe_violations(tab)]
                if screenshots is not None and name in screenshot_pages:
                    target = screenshots / f"{name.replace('/', '_')}-{label}.png"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    tab.screenshot(path=str(target), full_page=True)
            session.visit(narrow, path)
            if overflows(narrow):
                problems.append(f"{name} @320px: the page scrolls sideways")
            if narrow.query_selector(".epc-skip-link"):
                for check_keyboard in (skip_link_problem, switcher_problem):
                    session.visit(narrow, path)
                    problem = check_keyboard(narrow)
                    if problem:
                        problems.append(f"{name}: {problem}")
        problems += [f"request to another host: {url}" for url in sorted(set(session.third_party))]
        problems += [f"browser console: {error}" for error in sorted(set(session.console_errors))]
    return views, problems

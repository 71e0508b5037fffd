"""Quality gates run against a built site, by `invoke check` and by the tests.

Each gate module has check(site) -> (count, problems): files (only what the
site publishes), html (Nu HTML Checker), browser (axe-core, reflow,
keyboard), links, feeds, security.
"""

from collections.abc import Callable
from pathlib import Path

from . import browser, feeds, files, html, links, security
from .html import GateUnavailable
from .site import BuiltSite

GATES = {
    "Files (only what the site publishes, in its place)": (files.check, "files"),
    "HTML (Nu HTML Checker)": (html.check, "pages"),
    "Accessibility (axe-core in Chromium)": (browser.check, "page views"),
    "Links, assets and #fragments": (links.check, "links"),
    "Feeds (W3C Feed Validator rules)": (feeds.check, "feeds"),
    "Security (no inline code, no third parties)": (security.check, "documents"),
}

__all__ = ["GATES", "BuiltSite", "GateUnavailable", "run"]


def run(output: str | Path, out: Callable[[str], object] = print, shown: int = 10) -> bool:
    """Run every gate on a built output folder, print a short report; True when all pass."""
    site = BuiltSite(output)
    passed = True
    out(f"Quality gates for {output}/ ({site.siteurl or 'development build'})")
    for name, (check, unit) in GATES.items():
        try:
            count, problems = check(site)
        except GateUnavailable as error:
            out(f"  FAIL  {name}: not run: {error}")
            passed = False
            continue
        status = "ok  " if not problems else "FAIL"
        out(f"  {status}  {name}: {count} {unit}, {len(problems)} problems")
        for problem in problems[:shown]:
            out(f"          - {problem}")
        if len(problems) > shown:
            out(f"          … and {len(problems) - shown} more")
        passed = passed and not problems
    return passed

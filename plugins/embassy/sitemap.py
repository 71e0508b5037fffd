"""sitemap.xml with every page's language alternates, and robots.txt naming it.

Each page's entry is read back from the page Pelican has just written (its
content_written signal): its canonical URL, its alternates and its "date
modified", exactly as the page states them. Pages marked noindex (404s,
drafts) have none.
"""

import re
from collections.abc import Iterable
from html import unescape
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from . import state

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
          ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')
_MODIFIED = re.compile(r'<time class="epc-modified__date" datetime="([^"]+)"')


class Entry(NamedTuple):
    """A page's entry: its URL, its alternates and its date modified (or None)."""

    loc: str
    links: list[list[str]]  # [hreflang, href] of each alternate
    modified: str | None


# The theme writes these tags (partials/alternate-links.html, base.html), one per line;
# a page is read back a thousand times a build, so a few patterns, not an HTML parser.
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')
_ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]*)" href="([^"]*)">')
_NOINDEX = '<meta name="robots" content="noindex">'


def entry_of(html: str) -> Entry | None:
    """The sitemap entry a page's HTML states, or None (noindex, or not a page)."""
    head = html[: html.find("</head>")]
    canonical = _CANONICAL.search(head)
    if canonical is None or _NOINDEX in head:
        return None
    modified = _MODIFIED.search(html)
    links = [[unescape(lang), unescape(href)] for lang, href in _ALTERNATE.findall(head)]
    return Entry(unescape(canonical[1]), links, modified[1] if modified else None)


def record_page(path: str, context: dict | None = None) -> None:
    """content_written handler: the entry of an HTML page just written (none for a page
    a writer chose not to write, such as one a rebuild keeps from the last output)."""
    if not path.endswith(".html"):
        return
    build = state.of(context)
    try:
        html = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    entry = entry_of(html)
    if entry is not None:
        build.sitemap[str(Path(path).relative_to(build.root))] = entry


def write(output: str | Path, siteurl: str, entries: Iterable[Entry]) -> None:
    """Write output/sitemap.xml (from the pages' Entry values) and output/robots.txt."""
    output = Path(output)
    lines = [HEADER]
    for loc, links, modified in sorted(entries):
        lines.append(f"  <url>\n    <loc>{escape(loc)}</loc>\n")
        if modified:
            lines.append(f"    <lastmod>{modified}</lastmod>\n")
        for lang, href in links:
            lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)}'
                         f" href={quoteattr(href)}/>\n")
        lines.append("  </url>\n")
    lines.append("</urlset>\n")
    (output / "sitemap.xml").write_text("".join(lines), encoding="utf-8")
    # A sitemap is named by its absolute URL: the development build has none.
    named = f"\nSitemap: {siteurl}/sitemap.xml\n" if siteurl else ""
    (output / "robots.txt").write_text(f"User-agent: *\nAllow: /\n{named}", encoding="utf-8")

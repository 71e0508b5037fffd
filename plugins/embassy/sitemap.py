"""sitemap.xml with every page's language alternates, and robots.txt naming it.

Each page's entry is read back from the page Pelican has just written (its
content_written signal): its canonical URL, its alternates and its "date
modified", exactly as the page states them. Pages marked noindex (404s,
drafts) have none.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from . import state

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
          ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')
_MODIFIED = re.compile(r'<time class="epc-modified__date" datetime="([^"]+)"')


class Entry(NamedTuple):
    """A page's entry: its URL, its [[hreflang, href], …] and its date modified (or None)."""

    loc: str
    links: list
    modified: str | None


class _Head(HTMLParser):
    """The canonical and alternate links and the robots meta of a page's <head>."""

    def __init__(self):
        super().__init__()
        self.canonical, self.links, self.noindex = None, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.links.append([attrs["hreflang"], attrs.get("href")])
        elif tag == "meta" and attrs.get("name") == "robots":
            self.noindex = "noindex" in attrs.get("content", "")


def entry_of(html):
    """The sitemap entry a page's HTML states, or None (noindex, or not a page)."""
    head = _Head()
    head.feed(html[: html.find("</head>") + 1 or None])
    if head.noindex or head.canonical is None:
        return None
    modified = _MODIFIED.search(html)
    return Entry(head.canonical, head.links, modified[1] if modified else None)


def record_page(path, context=None):
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


def write(output, siteurl, entries):
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

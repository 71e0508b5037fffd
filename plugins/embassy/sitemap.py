"""sitemap.xml with every page's language alternates, and robots.txt naming it.

Each page records its entry while it is rendered (the sitemap_entry() call at
the end of base.html), so the sitemap says exactly what the pages say without
reading them back. Pages marked noindex (404s, drafts) record none.
"""

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from jinja2 import pass_context

from .dates import iso_date

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
          ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')

# {loc: [[[hreflang, href], …], lastmod or None]}, for this build; and the
# locs in the order pages recorded them (the fast build's page reuse reads it).
ENTRIES = {}
ORDER = []


@pass_context
def sitemap_entry(context, alternates, modified):
    """Template global: record the page being written; returns nothing to show.

    alternates None stands for the root chooser, whose equivalents are the
    three homes.
    """
    root = context["main_siteurl"]
    if alternates is None:
        loc = f"{root}/"
        alternates = {lang: f"{root}/{context['LANGUAGE_URLS'][lang]['INDEX_URL']}"
                      for lang in context["LANGUAGES"]}
    else:
        loc = alternates[context["DEFAULT_LANG"]]
    links = [[lang, href] for lang, href in alternates.items()] + [["x-default", f"{root}/"]]
    ENTRIES[loc] = [links, iso_date(modified) if modified else None]
    ORDER.append(loc)
    return ""


def write(output, siteurl):
    """Write output/sitemap.xml and output/robots.txt."""
    output = Path(output)
    lines = [HEADER]
    for loc, (links, modified) in sorted(ENTRIES.items()):
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


GLOBALS = {"sitemap_entry": sitemap_entry}

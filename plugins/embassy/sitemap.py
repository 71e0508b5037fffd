"""sitemap.xml with every page's language alternates, and robots.txt naming it.

Written from the built pages themselves (their canonical and hreflang links),
so the sitemap always says what the pages say.
"""

from pathlib import Path
from xml.sax.saxutils import quoteattr

from bs4 import BeautifulSoup

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
          ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')


def _entries(output):
    for path in sorted(Path(output).rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        robots = soup.find("meta", attrs={"name": "robots"})
        canonical = soup.find("link", rel="canonical")
        if canonical is None or (robots and "noindex" in robots.get("content", "")):
            continue
        alternates = [(link["hreflang"], link["href"])
                      for link in soup.find_all("link", rel="alternate", hreflang=True)]
        modified = soup.find("time", class_="epc-modified__date")
        yield canonical["href"], alternates, modified["datetime"] if modified else None


def write(output, siteurl):
    """Write output/sitemap.xml and output/robots.txt."""
    output = Path(output)
    lines = [HEADER]
    for loc, alternates, modified in _entries(output):
        lines.append(f"  <url>\n    <loc>{loc}</loc>\n")
        if modified:
            lines.append(f"    <lastmod>{modified}</lastmod>\n")
        for lang, href in alternates:
            lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)}'
                         f" href={quoteattr(href)}/>\n")
        lines.append("  </url>\n")
    lines.append("</urlset>\n")
    (output / "sitemap.xml").write_text("".join(lines), encoding="utf-8")
    (output / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {siteurl}/sitemap.xml\n", encoding="utf-8")

"""Every internal link, asset and #fragment resolves; external links are well-formed."""

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .site import BuiltSite, refresh_urls

LINKING = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src",
           "iframe": "src"}
# <meta> tags whose content is an address: the page's own, and its sharing card
LINKING_META = ["og:url", "og:image"]


def check_external(url: str) -> str | None:
    """A problem with an external link's form (no network is used), or None."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return None if parts.netloc and "." in parts.netloc and " " not in url \
            else f"malformed URL {url}"
    if parts.scheme == "mailto":
        return None if "@" in parts.path else f"malformed e-mail link {url}"
    if parts.scheme == "tel":
        return None if parts.path.lstrip("+").isdigit() else f"malformed phone link {url}"
    return f"unexpected link {url}"


def check_internal(site: BuiltSite, url: str, base: str) -> str | None:
    """A problem with a link inside the site (missing file or #fragment), or None."""
    target = site.file_for(url, base=base)
    if target is None:
        return f"{url}: outside the site's address ({site.siteurl}/)"
    if not target.exists():
        shown = site.relative(target) if target.is_relative_to(site.root) else target
        return f"{url}: no such file ({shown})"
    fragment = urlsplit(urljoin(base, url)).fragment
    if fragment and target.suffix == ".html" and site.soup(target).find(id=fragment) is None:
        return f"{url}: no element with id '{fragment}'"
    return None


def check_link(site: BuiltSite, url: str, base: str) -> str | None:
    if site.is_internal(url, base) or url.startswith("/"):
        return check_internal(site, url, base)
    return check_external(url)


def page_links(site: BuiltSite, path: Path) -> Iterator[str]:
    soup = site.soup(path)
    for tag, attribute in LINKING.items():
        for element in soup.find_all(tag):
            if element.get(attribute):
                yield element[attribute]
    for element in soup.find_all("meta", property=LINKING_META):
        if element.get("content"):
            yield element["content"]
    yield from refresh_urls(soup)  # where a page at an old address sends the reader
    for element in soup.find_all(srcset=True):
        for candidate in element["srcset"].split(","):
            yield candidate.split()[0]


def feed_links(path: Path) -> tuple[list[str], list[str]]:
    """(URLs of <link>s, HTML fragments of entry bodies) in a feed."""
    tree = etree.parse(str(path))
    urls = tree.xpath("//*[local-name()='link']/@href"
                      " | //*[local-name()='item' or local-name()='channel']"
                      "/*[local-name()='link' and not(@href)]/text()")
    bodies = tree.xpath("//*[local-name()='content' or local-name()='summary'"
                        " or (local-name()='description' and parent::item)]/text()")
    return urls, bodies


def check(site: BuiltSite) -> tuple[int, list[str]]:
    """(links checked, problems) for every page and feed of a built site."""
    problems, count = [], 0

    def visit(where, base, url):
        nonlocal count
        count += 1
        problem = check_link(site, url, base)
        if problem:
            problems.append(f"{site.relative(where)}: {problem}")

    for path in site.html_files():
        for url in page_links(site, path):
            visit(path, site.url_of(path), url)
    sitemap = site.root / "sitemap.xml"
    if sitemap.exists():
        for url in etree.parse(str(sitemap)).xpath(
                "//*[local-name()='loc']/text() | //*[local-name()='link']/@href"):
            visit(sitemap, site.url_of(sitemap), url)
    for path in site.feed_files():
        urls, bodies = feed_links(path)
        for url in urls:
            visit(path, site.url_of(path), url)
        for body in bodies:
            for url in etree.HTML(body).xpath("//a/@href | //img/@src") if body.strip() else []:
                visit(path, site.url_of(path), url)
    return count, problems

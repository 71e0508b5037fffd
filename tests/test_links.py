"""Every internal link, asset and #fragment resolves; external links are well-formed."""

from urllib.parse import urljoin, urlsplit

from lxml import etree

LINKING = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src"}


def links_in(site, path):
    soup = site.soup(path)
    for tag, attribute in LINKING.items():
        for element in soup.find_all(tag):
            if element.get(attribute):
                yield element[attribute]


def check_internal(site, url, base):
    """Return a problem description for url found at base, or None."""
    target = site.file_for(url, base=base)
    if target is None:
        return None
    if not target.exists():
        return f"{url} -> missing {target}"
    fragment = urlsplit(urljoin(base, url)).fragment
    if fragment and target.suffix == ".html":
        if site.soup(target).find(id=fragment) is None:
            return f"{url} -> no element with id '{fragment}'"
    return None


def check_external(url):
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return None if parts.netloc and " " not in url else f"malformed URL {url}"
    if parts.scheme == "mailto":
        return None if "@" in parts.path else f"malformed e-mail link {url}"
    if parts.scheme == "tel":
        return None if parts.path.lstrip("+").isdigit() else f"malformed phone link {url}"
    return f"unexpected link {url}"


def test_every_link_in_every_page_resolves(site):
    problems = []
    for path in site.html_files():
        base = site.url_of(path)
        for url in links_in(site, path):
            absolute = urljoin(base, url)
            internal = absolute.startswith(site.siteurl + "/") if site.siteurl else (
                not urlsplit(absolute).scheme)
            problem = check_internal(site, url, base) if internal or url.startswith("/") \
                else check_external(url)
            if problem:
                problems.append(f"{path.relative_to(site.root)}: {problem}")
    assert not problems, "\n".join(problems)


def test_every_link_in_every_feed_resolves(site):
    problems = []
    for path in site.feed_files():
        tree = etree.parse(str(path))
        urls = tree.xpath("//*[local-name()='link']/@href | //*[local-name()='link']/text()")
        for url in urls:
            if site.siteurl and not url.startswith(site.siteurl):
                continue
            target = site.file_for(url)
            if target is not None and not target.exists():
                problems.append(f"{path.relative_to(site.root)}: {url}")
    assert not problems, "\n".join(problems)


def test_the_link_checker_catches_a_broken_link(dev_site):
    base = dev_site.url_of(dev_site.root / "en/index.html")
    assert check_internal(dev_site, "/en/no-such-page/", base)
    assert check_internal(dev_site, "/en/agreements/#no-such-anchor", base)
    assert check_internal(dev_site, "/en/agreements/#fipa", base) is None
    assert check_external("https//broken") is not None

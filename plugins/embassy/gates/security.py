"""No inline scripts, styles or event handlers; nothing loaded from another host.

A strict Content-Security-Policy must hold on every page, and the site makes
no third-party request (no CDN, font service or tracker). Every file a browser
would open as a document is checked: HTML pages by any name, and XML documents
(an SVG image opened at its own address runs its scripts on the site's origin).
"""

from pathlib import Path
from urllib.parse import urljoin

from lxml import etree

from ..sanitize import URL_SCHEMES, url_scheme
from .site import BuiltSite, refresh_urls

DATA_SCRIPTS = {"application/ld+json", "application/json"}  # data, never run
RESOURCES = {"script": ["src"], "img": ["src", "srcset"], "source": ["src", "srcset"],
             "iframe": ["src"], "frame": ["src"], "video": ["src", "poster"],
             "audio": ["src"], "embed": ["src"], "object": ["data"], "track": ["src"]}
LINKED_RESOURCES = {"stylesheet", "icon", "preload", "modulepreload", "manifest",
                    "apple-touch-icon", "prefetch", "preconnect", "dns-prefetch"}


def _urls(element, attribute):
    value = element.get(attribute, "")
    if attribute == "srcset":
        return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
    return [value] if value else []


def page_problems(site: BuiltSite, path: Path) -> list[str]:
    soup, base = site.soup(path), site.url_of(path)
    problems = []
    for script in soup.find_all("script"):
        if not script.get("src") and script.get("type", "").lower() not in DATA_SCRIPTS:
            problems.append("an inline script")
    if soup.find("style"):
        problems.append("an inline <style> element")
    for element in soup.find_all(True):
        if element.has_attr("style"):
            problems.append(f"a style attribute on <{element.name}>")
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        if handlers:
            problems.append(f"an event handler ({', '.join(handlers)}) on <{element.name}>")
    resources = [(element.name, url) for element in soup.find_all(list(RESOURCES))
                 for attribute in RESOURCES[element.name] for url in _urls(element, attribute)]
    resources += [("link", link["href"]) for link in soup.find_all("link", href=True)
                  if LINKED_RESOURCES & {rel.lower() for rel in link.get("rel", [])}]
    for tag, url in resources:
        if not site.is_internal(url, base) and not urljoin(base, url).startswith("data:"):
            problems.append(f"<{tag}> loads {url} from another host")
    for url in refresh_urls(soup):  # a refresh opens its address in the page's place
        if url_scheme(url) not in ("", "http", "https"):
            problems.append(f"a <meta http-equiv=\"refresh\"> to a {url_scheme(url)}: address")
    if not soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"}):
        problems.append("no Content-Security-Policy <meta> (GitHub Pages sends no headers)")
    return problems


def editor_problems(site: BuiltSite, path: Path) -> list[str]:
    """The browser editor's page: no inline script; its own policy, which lets scripts
    come from the site only; kept out of search engines."""
    soup = site.soup(path)
    problems = page_problems(site, path)
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    directives = {part.split()[0]: part.split()[1:]
                  for part in (meta["content"] if meta else "").split(";") if part.split()}
    if directives.get("script-src") != ["'self'"]:
        problems.append(f"its policy's script-src is {directives.get('script-src')}, "
                        "not only 'self'")
    if not soup.find("meta", attrs={"name": "robots", "content": "noindex"}):
        problems.append("no <meta name=\"robots\" content=\"noindex\">")
    return problems


# In an XML document (an SVG, a feed), what a browser would run or load in the page.
ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler",
                   "listener", "animate", "set"}  # SMIL can set an href to javascript:
SAFE_SCHEMES = URL_SCHEMES | {""}  # what content may link to (sanitize.py)


def document_problems(path: Path) -> list[str]:
    """An XML document (SVG, feed, sitemap) a browser would open as a page: nothing
    in it may run, or load a stylesheet that could."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML ({error})"]
    problems = [f"an <?{pi.target}?> instruction (a stylesheet there can run script)"
                for pi in tree.xpath("//processing-instruction()")]
    for element in tree.iter(etree.Element):
        name = etree.QName(element).localname
        if name.lower() in ACTIVE_ELEMENTS:
            problems.append(f"a <{name}> element")
        for attribute, value in element.attrib.items():
            attribute = etree.QName(attribute).localname
            if attribute.lower().startswith("on"):
                problems.append(f"an event handler ({attribute}) on <{name}>")
            elif attribute in ("href", "src") and url_scheme(value) not in SAFE_SCHEMES:
                problems.append(f"a {url_scheme(value)}: address in {attribute}= on <{name}>")
    return problems


def check(site: BuiltSite) -> tuple[int, list[str]]:
    """(documents checked, problems) for every page of a built site, its editor, and
    every other document a browser would open (SVG, feeds)."""
    pages = site.html_files()
    editor = site.editor_files()
    documents = site.xml_documents()
    return len(pages) + len(editor) + len(documents), (
        [f"{site.relative(path)}: {problem}"
         for path in pages for problem in page_problems(site, path)]
        + [f"{site.relative(path)}: {problem}"
           for path in editor for problem in editor_problems(site, path)]
        + [f"{site.relative(path)}: {problem}"
           for path in documents for problem in document_problems(path)])

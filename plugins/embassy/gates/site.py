"""A built site read as a reader reads it: files, parsed pages, resolved links."""

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

EDITOR = "admin/"  # the browser editor: a web application, with its own policy
# What a browser shows as a page (and runs the scripts of), whatever the server says:
# HTML by these names, and XML documents (SVG, feeds, XHTML) by theirs.
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml"}
XML_SUFFIXES = {".svg", ".svgz", ".xml", ".xsl", ".xslt", ".rdf"}
# <meta http-equiv="refresh" content="0; url=…">: the address a page sends the reader
# on to (the pages at the former site's addresses, for GitHub Pages).
_REFRESH = re.compile(r"\s*\d+(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(['\"]?)(?P<url>.*?)\1\s*",
                      re.IGNORECASE | re.DOTALL)


def refresh_urls(soup: BeautifulSoup) -> list[str]:
    """The addresses a page's <meta http-equiv="refresh"> elements open."""
    urls = []
    for meta in soup.find_all("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)}):
        found = _REFRESH.fullmatch(meta.get("content", ""))
        if found and found["url"]:
            urls.append(found["url"])
    return urls


class BuiltSite:
    """The output folder of a build, and the SITEURL it was built for."""

    def __init__(self, root: str | Path, siteurl: str | None = None) -> None:
        self.root = Path(root).resolve()
        self.siteurl = self._detect_siteurl() if siteurl is None else siteurl.rstrip("/")
        # A GitHub Pages project site lives under a path (https://owner.github.io/embassy).
        self.prefix = urlsplit(self.siteurl).path.rstrip("/")
        self._soups = {}

    def _detect_siteurl(self):
        """The root chooser's canonical link is SITEURL + '/' ('/' in development)."""
        chooser = self.root / "index.html"
        if not chooser.exists():
            return ""
        link = BeautifulSoup(chooser.read_text(encoding="utf-8"), "lxml").select_one(
            'link[rel="canonical"]')
        return link["href"].rstrip("/") if link else ""

    def _files(self, suffixes):
        return [path for path in sorted(self.root.rglob("*"))
                if path.suffix.lower() in suffixes and path.is_file()]

    def html_files(self) -> list[Path]:
        """The site's pages (any file a browser shows as HTML); the browser editor
        (admin/) is not one (editor_files)."""
        return [path for path in self._files(HTML_SUFFIXES)
                if not self.relative(path).startswith(EDITOR)]

    def xml_documents(self) -> list[Path]:
        """Every XML file a browser would show as a document: images (SVG), feeds,
        the sitemap."""
        return self._files(XML_SUFFIXES)

    def editor_files(self) -> list[Path]:
        return sorted((self.root / EDITOR).glob("*.html"))

    def feed_files(self) -> list[Path]:
        return sorted(self.root.glob("*/feeds/*.xml"))

    def relative(self, path: str | Path) -> str:
        return Path(path).relative_to(self.root).as_posix()

    def soup(self, path: str | Path) -> BeautifulSoup:
        path = self.root / path if not Path(path).is_absolute() else Path(path)
        if path not in self._soups:
            self._soups[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        return self._soups[path]

    def url_of(self, path: str | Path) -> str:
        """The URL a file is served at (…/index.html is served as …/)."""
        relative = self.relative(path)
        if relative.endswith("index.html"):
            relative = relative[: -len("index.html")]
        return f"{self.siteurl}/{relative}"

    def is_internal(self, url: str, base: str) -> bool:
        absolute = urlsplit(urljoin(base, url))
        if self.siteurl:
            site = urlsplit(self.siteurl)
            return (absolute.scheme, absolute.netloc) == (site.scheme, site.netloc)
        return not absolute.scheme and not absolute.netloc

    def file_for(self, url: str, base: str | None = None) -> Path | None:
        """The output file a URL resolves to, or None when it leaves the site (another
        host, or a path outside SITEURL's)."""
        base = base or f"{self.siteurl}/"
        if not self.is_internal(url, base):
            return None
        path = urlsplit(urljoin(base, url)).path
        if not (path + "/").startswith(self.prefix + "/"):
            return None
        path = path[len(self.prefix):].lstrip("/")
        target = self.root / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        return target

    def page_type(self, path: str | Path) -> str | None:
        """The template a page was written with, from its body class."""
        body = self.soup(path).body
        classes = body.get("class", []) if body else []
        return next((name[len("epc-page--"):] for name in classes
                     if name.startswith("epc-page--")), None)

    def lang(self, path: str | Path) -> str | None:
        return self.soup(path).html.get("lang")

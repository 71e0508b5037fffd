"""Every HTML a news item or page carries goes through an allowlist (nh3, the Python
binding of the Ammonia sanitizer) before the site or its feeds show it.

Content comes from staff, and from a browser editor: it is untrusted. What
Markdown writes (with the "extra" and "toc" extensions) is allowed; anything
else (a script, a style, an event handler, an iframe, a form, a <meta> or
<base>, a javascript: link) stops the build with the file and what to remove,
so nothing is dropped without staff knowing. The content is then replaced by
nh3's output, so that what is published is exactly what the allowlist lets
through, whatever the report's parser and nh3's make of odd markup.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from pelican.contents import Content

from .errors import SiteError

TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "img", "ins", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ATTRIBUTES = {
    "*": {"id", "title"},  # ids: headings' anchors (toc) and footnotes
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# The classes Markdown's extensions write: footnotes, toc's [TOC] and permalinks, and a
# fenced code block's language (```python: <code class="language-python">).
CLASSES = {"a": {"footnote-ref", "footnote-backref", "headerlink"}, "div": {"footnote", "toc"}}
CODE_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+#.-]+")
URL_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src"}


class _Findings(HTMLParser):
    """What in an HTML text the allowlist does not allow, in words for staff."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def _note(self, text):
        if text not in self.found:
            self.found.append(text)

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self._note(f"<{tag}>")
            return
        for name, value in attrs:
            allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
            if name == "class":
                unknown = set((value or "").split()) - _allowed_classes(tag, value)
                if unknown:
                    self._note(f"class=\"{' '.join(sorted(unknown))}\" on <{tag}>")
            elif name not in allowed:
                self._note(f"{name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and url_scheme(value) not in URL_SCHEMES | {""}:
                self._note(f"a {url_scheme(value)}: address in {name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and _disguised(value):
                self._note(f"an address with {_disguised(value)} in {name}= on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self._note("an HTML comment <!-- … -->")


def url_scheme(url: str | None) -> str:
    """An address's scheme, lowercased, as a browser reads it ('' for a relative one)."""
    url = "".join((url or "").split())  # browsers ignore spaces and line breaks in a scheme
    return urlsplit(url).scheme.lower() if ":" in url.split("/")[0] else ""


def _disguised(url):
    """What in an address may lead a browser to another host than it seems to name,
    or None: https://www.embassyofperu.ca@evil.example/ goes to evil.example,
    //evil.example and /\\evil.example too (browsers read a backslash as '/')."""
    url = "".join((url or "").split())
    scheme = url_scheme(url)
    if "\\" in url:
        return "a backslash (\\)"
    if url.startswith("//"):
        return "no https: before its '//'"
    if scheme in ("http", "https") and not url[len(scheme) + 1:].startswith("//"):
        return f"no '//' after {scheme}:"
    if "@" in urlsplit(url).netloc:
        return "a name and '@' before its host"
    return None


def _allowed_classes(tag, value):
    allowed = CLASSES.get(tag, set())
    if tag == "code":
        allowed = allowed | {name for name in (value or "").split()
                             if CODE_LANGUAGE.fullmatch(name)}
    return allowed


def disallowed(html: str) -> list[str]:
    """What the allowlist would remove from html (empty when nothing)."""
    parser = _Findings()
    parser.feed(html)
    parser.close()
    return parser.found


def clean(html: str) -> str:
    """html through the allowlist (links keep their rel: the site adds none)."""
    languages = {"code": set(CODE_LANGUAGE.findall(html))}  # nh3 takes class names, no pattern
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES,
                     allowed_classes={**CLASSES, **languages}, url_schemes=URL_SCHEMES,
                     link_rel=None, strip_comments=True)


def sanitize_content(instance: Content) -> None:
    """A news item's or page's body, checked and cleaned; a SiteError names what it has
    that the site does not allow."""
    body = instance._content or ""
    found = disallowed(body)
    if found:
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        raise SiteError(instance.source_path, f"the text contains {shown}, which the site "
                        "does not allow (only what Markdown writes is published).",
                        "remove it and write plain Markdown: links to whole https://, mailto: "
                        "or tel: addresses, images as ![description](photo.jpg).")
    instance._content = clean(body)

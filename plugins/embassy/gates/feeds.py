"""The rules the W3C Feed Validator applies to Atom (RFC 4287) and RSS 2.0 feeds.

The validator itself is not published as a package, so its rules that apply
to our feeds are written here: well-formed XML, language declared, a self link
equal to the feed's published URL, absolute ids unique across the site,
RFC 3339 / RFC 822 dates, `updated` on every Atom entry, `guid` on RSS items.
"""

import email.utils
import re
from urllib.parse import urlsplit

from lxml import etree

from .site import BuiltSite

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _absolute(uri):
    parts = urlsplit(uri)
    if parts.scheme == "tag":
        return re.match(r"^tag:[a-z0-9.-]+\.[a-z]{2,},\d{4}(-\d{2}){0,2}:\S+$", uri) is not None
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _FeedRules:
    def __init__(self, site, path, seen_ids):
        self.site, self.path, self.seen_ids = site, path, seen_ids
        self.url = f"{site.siteurl}/{site.relative(path)}"
        self.production = bool(site.siteurl)
        self.problems = []

    def fail(self, problem):
        self.problems.append(f"{self.site.relative(self.path)}: {problem}")

    def uri(self, value, what, unique=False):
        if not value:
            self.fail(f"{what} is missing")
        elif self.production and not _absolute(value):
            self.fail(f"{what} '{value}' is not an absolute URI")
        elif unique:
            if value in self.seen_ids and self.seen_ids[value] != self.path:
                self.fail(f"{what} '{value}' is also used by "
                          f"{self.site.relative(self.seen_ids[value])}")
            self.seen_ids.setdefault(value, self.path)

    def self_link(self, href):
        if href != self.url:
            self.fail(f"the self link '{href}' is not the feed's URL '{self.url}'")

    def atom(self, root):
        if not root.get(XML_LANG):
            self.fail("no xml:lang on <feed>")
        self.uri(root.findtext(f"{ATOM}id"), "the feed id", unique=True)
        links = {link.get("rel", "alternate"): link.get("href")
                 for link in root.findall(f"{ATOM}link")}
        self.self_link(links.get("self"))
        self.uri(links.get("alternate"), "the feed's alternate link")
        if not (root.findtext(f"{ATOM}title") or "").strip():
            self.fail("the feed has no title")
        self.date3339(root.findtext(f"{ATOM}updated"), "the feed's updated")
        has_author = root.find(f"{ATOM}author/{ATOM}name") is not None
        entry_ids = set()
        for number, entry in enumerate(root.findall(f"{ATOM}entry"), start=1):
            where = f"entry {number}"
            entry_id = entry.findtext(f"{ATOM}id")
            self.uri(entry_id, f"{where}'s id")
            if entry_id in entry_ids:
                self.fail(f"{where} repeats the id '{entry_id}'")
            entry_ids.add(entry_id)
            if not (entry.findtext(f"{ATOM}title") or "").strip():
                self.fail(f"{where} has no title")
            self.date3339(entry.findtext(f"{ATOM}updated"), f"{where}'s updated")
            if entry.find(f"{ATOM}published") is not None:
                self.date3339(entry.findtext(f"{ATOM}published"), f"{where}'s published")
            alternate = [link.get("href") for link in entry.findall(f"{ATOM}link")
                         if link.get("rel", "alternate") == "alternate"]
            if not alternate:
                self.fail(f"{where} has no alternate link")
            for href in alternate:
                self.uri(href, f"{where}'s link")
            if not has_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
                self.fail(f"{where} has no author and the feed has none")
            if entry.find(f"{ATOM}content") is None and entry.find(f"{ATOM}summary") is None:
                self.fail(f"{where} has neither content nor summary")

    def rss(self, root):
        if root.get("version") != "2.0":
            self.fail("<rss> is not version 2.0")
        channel = root.find("channel")
        if channel is None:
            self.fail("no <channel>")
            return
        for field in ("title", "link", "description", "language"):
            if not (channel.findtext(field) or "").strip():
                self.fail(f"the channel has no {field}")
        self.uri(channel.findtext("link"), "the channel link")
        self_links = [link.get("href") for link in channel.findall(f"{ATOM}link")
                      if link.get("rel") == "self"]
        self.self_link(self_links[0] if self_links else None)
        for field in ("pubDate", "lastBuildDate"):
            if channel.find(field) is not None:
                self.date822(channel.findtext(field), f"the channel's {field}")
        guids = set()
        for number, item in enumerate(channel.findall("item"), start=1):
            where = f"item {number}"
            if not (item.findtext("title") or item.findtext("description")):
                self.fail(f"{where} has neither title nor description")
            guid = item.find("guid")
            if guid is None or not (guid.text or "").strip():
                self.fail(f"{where} has no guid")
            else:
                if guid.get("isPermaLink", "true") == "true":
                    self.uri(guid.text, f"{where}'s permalink guid")
                elif self.production and not _absolute(guid.text):
                    self.fail(f"{where}'s guid '{guid.text}' is not globally unique")
                if guid.text in guids:
                    self.fail(f"{where} repeats the guid '{guid.text}'")
                guids.add(guid.text)
            self.uri(item.findtext("link"), f"{where}'s link")
            self.date822(item.findtext("pubDate"), f"{where}'s pubDate")

    def date3339(self, value, what):
        if not value or not RFC3339.match(value):
            self.fail(f"{what} '{value}' is not an RFC 3339 date")

    def date822(self, value, what):
        try:
            if not value or email.utils.parsedate_to_datetime(value) is None:
                raise ValueError
        except (TypeError, ValueError):
            self.fail(f"{what} '{value}' is not an RFC 822 date")


def check(site: BuiltSite) -> tuple[int, list[str]]:
    """(feeds checked, problems) for every feed of a built site."""
    problems, seen_ids = [], {}
    feeds = site.feed_files()
    for path in feeds:
        rules = _FeedRules(site, path, seen_ids)
        try:
            root = etree.parse(str(path)).getroot()
        except etree.XMLSyntaxError as error:
            rules.fail(f"not well-formed XML: {error}")
        else:
            if root.tag == f"{ATOM}feed":
                rules.atom(root)
            elif root.tag == "rss":
                rules.rss(root)
            else:
                rules.fail(f"unknown feed format <{root.tag}>")
        problems.extend(rules.problems)
    return len(feeds), problems

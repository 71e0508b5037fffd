"""No address of the former site is lost in the move (issue 25, point 3): each old
address in content/data/redirects.yaml leads on to its page, in its language, on
every host: a page at the old address for GitHub Pages, permanent redirects in
_redirects for Netlify and Cloudflare Pages, and in nginx (tests/test_nginx.py);
the GitHub Pages project site is checked in test_commands.py."""

import runpy

import pytest
from lxml import etree

from embassy import redirects
from embassy.errors import SiteError
from embassy.gates import BuiltSite, files, links, security
from embassy.hosting import moved_addresses
from helpers import OLD_ADDRESSES, PRODUCTION_URL, ROOT, assert_refused, edit_source, run_build

DATA = ROOT / "content" / "data" / "redirects.yaml"
SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))
# What a reader of each language sees on the page at an old address.
MOVED = {"en": "This page has moved", "es": "Esta página cambió de dirección"}


def line_of(text, fragment, occurrence=1):
    """The line number of the occurrence-th line of text holding fragment."""
    found = [number for number, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return found[occurrence - 1]


def test_the_addresses_sources_show_lead_to_the_same_content_in_the_same_language():
    addresses = {address.path: (address.key, address.lang) for address in redirects.load(SETTINGS)}
    assert addresses["/ingles/bilaterals.html"] == ("legal-framework", "en")
    assert addresses["/ES/es_bilaterales.html"] == ("legal-framework", "es")
    # each with the page where it was seen; the home pages' addresses are not known
    text = DATA.read_text(encoding="utf-8")
    for old in OLD_ADDRESSES:
        assert line_of(text, f'source: "http://embassyofperu.ca{old}"') == line_of(
            text, f'from: "{old}"') + 2


SECOND = 'from: "/ES/es_bilaterales.html"'


# (text replaced, its replacement, the message, and the line each of its {names}
# stands for: that of the first line of the changed file holding a fragment, or of
# its n-th with (fragment, n))
@pytest.mark.parametrize("old,new,message,lines", [
    ("key: legal-framework, lang: en", "key: legal-frame, lang: en",
     "(line {line}, redirects #1 to.key): there is no page 'legal-frame' in en",
     {"line": "legal-frame"}),
    ("key: legal-framework, lang: en", "key: ../pages/about, lang: en",
     "(line {line}, redirects #1 to.key): there is no page '../pages/about' in en",
     {"line": "../pages"}),
    ("key: legal-framework, lang: es", "key: legal-framework, lang: pt",
     "(line {line}, redirects #2 to.lang): 'pt' is not a language of the site",
     {"line": "lang: pt"}),
    ('from: "/ingles/bilaterals.html"', 'from: "ingles/bilaterals.html"',
     "(line {line}, redirects #1 from): 'ingles/bilaterals.html' is not the address",
     {"line": 'from: "ingles'}),
    ('from: "/ingles/bilaterals.html"', 'from: "http://embassyofperu.ca/ingles/bilaterals.html"',
     "(line {line}, redirects #1 from): 'http://embassyofperu.ca/ingles/bilaterals.html' is not",
     {"line": 'from: "http'}),
    ('from: "/ingles/bilaterals.html"', 'from: "/ingles/../en/index.html"',
     "(line {line}, redirects #1 from): '/ingles/../en/index.html' is not the address",
     {"line": "/../"}),
    ('from: "/ingles/bilaterals.html"', 'from: "/en/legal-framework/"',
     "(line {line}, redirects #1 from): '/en/legal-framework/' is an address of the new site",
     {"line": 'from: "/en/'}),
    ('from: "/ingles/bilaterals.html"', 'from: "/index.html"',
     "(line {line}, redirects #1 from): '/index.html' is an address of the new site",
     {"line": 'from: "/index'}),
    (SECOND, 'from: "/ingles/bilaterals.html"',
     "(line {line}, redirects #2 from): '/ingles/bilaterals.html' is listed twice (also at "
     "line {first})", {"line": ('from: "/ingles/bilaterals.html"', 2),
                       "first": 'from: "/ingles/bilaterals.html"'}),
    (SECOND, 'from: "/ingles/"\n    to: {key: home, lang: en}\n    source: "https://e.org/"\n'
     '  - from: "/ingles/index.html"',
     "(line {line}, redirects #3 from): '/ingles/index.html' is the page of '/ingles/' "
     "(line {first})", {"line": 'from: "/ingles/index.html"', "first": 'from: "/ingles/"'}),
    ('source: "http://embassyofperu.ca/ES/es_bilaterales.html"', 'source: "the old site"',
     "(line {line}, redirects #2 source): 'the old site' is not a web address.",
     {"line": "the old site"}),
    ('    source: "http://embassyofperu.ca/ES/es_bilaterales.html"\n', "",
     "(line {line}, redirects #2 source): no source is given for this old address.",
     {"line": SECOND}),
])
def test_mistakes_in_the_old_addresses_are_named_with_their_line(tmp_path, old, new, message,
                                                                 lines):
    text = DATA.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    (tmp_path / "redirects.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SiteError) as error:
        redirects.load({**SETTINGS, "DATA_PATH": str(tmp_path)})
    expected = message.format(**{
        name: line_of(text, *(at if isinstance(at, tuple) else (at,)))
        for name, at in lines.items()})
    assert expected in str(error.value)
    assert "How to fix:" in str(error.value)


def test_the_build_refuses_an_old_address_leading_to_no_page(project_copy, good_output):
    edit_source(project_copy, "content/data/redirects.yaml", "key: legal-framework, lang: en",
                "key: legal-frame, lang: en")
    text = (project_copy / "content" / "data" / "redirects.yaml").read_text(encoding="utf-8")
    result = run_build("pelicanconf.py", good_output, cwd=project_copy)
    assert_refused(result, good_output,
                   f"content/data/redirects.yaml (line {line_of(text, 'key: legal-frame,')}, "
                   "redirects #1 to.key): there is no page 'legal-frame' in en")


def test_an_old_address_whose_page_is_not_published_stops_the_build():
    """The main site's pass moves an address only to a page it publishes (not a draft)."""
    everything = dict(OLD_ADDRESSES)
    assert redirects.permanent_redirects(SETTINGS, everything) == list(OLD_ADDRESSES.items())
    del everything["/ES/es_bilaterales.html"]
    with pytest.raises(SiteError) as error:
        redirects.permanent_redirects(SETTINGS, everything)
    line = line_of(DATA.read_text(encoding="utf-8"), "key: legal-framework, lang: es")
    assert (f"content/data/redirects.yaml (line {line}, to.key): the page 'legal-framework' "
            "is not published in es") in str(error.value)


def test_netlify_and_cloudflare_move_each_old_address_for_good(prod_site):
    rules = [line.split() for line in (prod_site.root / "_redirects").read_text().splitlines()
             if line and not line.startswith("#")]
    first_splat = next(number for number, rule in enumerate(rules) if "*" in rule[0])
    for old, new in OLD_ADDRESSES.items():
        # Netlify takes the first rule for an address, forced past the page there;
        # Cloudflare Pages skips it (no such status) and takes the next
        forced, plain = rules.index([old, new, "301!"]), rules.index([old, new, "301"])
        assert forced < plain < first_splat  # before any rule with a splat
    assert moved_addresses(prod_site.root) == list(OLD_ADDRESSES.items())


@pytest.mark.parametrize("old,new", OLD_ADDRESSES.items())
def test_github_pages_serves_a_page_at_each_old_address_that_leads_on(prod_site, old, new):
    page = prod_site.root / redirects.page_file(old)
    soup, url = prod_site.soup(page), f"{PRODUCTION_URL}{new}"
    lang = new.split("/")[1]
    target = prod_site.soup(prod_site.file_for(url))
    assert soup.html["lang"] == lang
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup.select_one('link[rel="canonical"]')["href"] == url
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={url}"
    assert soup.h1.get_text() == MOVED[lang] and soup.title.get_text().startswith(MOVED[lang])
    link = soup.select_one("main a")
    assert (link["href"], link.get_text()) == (url, target.h1.get_text())
    assert soup.select_one('link[rel="stylesheet"]')["href"].startswith(f"{PRODUCTION_URL}/theme/")
    # the security gate (its policy in a <meta>, nothing inline) and the links gate
    assert security.page_problems(prod_site, page) == []
    followed = list(links.page_links(prod_site, page))
    assert followed.count(url) == 3  # canonical, refresh and link
    assert [links.check_link(prod_site, href, prod_site.url_of(page)) for href in followed] == [
        None] * len(followed)
    # kept out of the sitemap and out of search
    sitemap = etree.parse(str(prod_site.root / "sitemap.xml"))
    assert not [loc for loc in sitemap.xpath("//*[local-name()='loc']/text()") if old in loc]
    assert soup.find(attrs={"data-pagefind-body": True}) is None


def write_site(root, pages, moved=""):
    for name, html in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(html, encoding="utf-8")
    (root / "_redirects").write_text(moved, encoding="utf-8")
    return BuiltSite(root, "")


def moved_page(url):
    return (f'<!DOCTYPE html><html lang="en"><head><meta http-equiv="refresh" '
            f'content="0; url={url}"></head><body><p>Moved</p></body></html>')


def test_link_and_security_gates_follow_where_such_a_page_sends_the_reader(tmp_path):
    site = write_site(tmp_path, {"ingles/a.html": moved_page("/en/gone/"),
                                 "ingles/b.html": moved_page("javascript:alert(1)")})
    _count, problems = links.check(site)
    assert "ingles/a.html: /en/gone/: no such file (en/gone/index.html)" in problems
    _count, problems = security.check(site)
    assert 'ingles/b.html: a <meta http-equiv="refresh"> to a javascript: address' in problems


def test_files_gate_takes_a_page_only_at_an_address_moved_for_good(tmp_path):
    site = write_site(tmp_path, {"ingles/a.html": moved_page("/en/"),
                                 "ingles/b.html": moved_page("/en/")},
                      moved="/ingles/a.html  /en/  301!\n/ingles/a.html  /en/  301\n")
    _count, problems = files.check(site)
    assert problems == ["ingles/b.html: not a kind of file the site publishes there"]

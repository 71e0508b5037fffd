"""RSS subscribers: per-language feeds that parse and follow the validator's rules."""

import email.utils
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree
from PIL import Image

from embassy.gates import BuiltSite
from embassy.gates import feeds as feed_gate
from helpers import LANGUAGES, PRODUCTION_URL, edit_source, run_build

ATOM = "{http://www.w3.org/2005/Atom}"


def feeds(site):
    for path in site.feed_files():
        yield path.relative_to(site.root).parts[0], path


def test_every_language_has_atom_and_rss_for_all_news_and_each_category(site):
    for lang in LANGUAGES:
        names = {path.name for path in (site.root / lang / "feeds").iterdir()}
        assert {"all.atom.xml", "all.rss.xml"} <= names
        assert len([name for name in names if name.endswith(".atom.xml")]) == 3  # all + 2


def test_feeds_parse_and_declare_their_language(site):
    for lang, path in feeds(site):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.feed.get("language") == lang, path
        assert parsed.entries, path


def test_feeds_carry_only_their_own_language(site):
    for lang, path in feeds(site):
        for entry in feedparser.parse(path.read_bytes()).entries:
            link_path = urlsplit(entry.link).path
            assert link_path.startswith(f"/{lang}/"), (path, entry.link)
            page = site.file_for(entry.link)
            assert site.soup(page).html["lang"] == lang


def test_production_feeds_use_absolute_unique_ids_and_links(prod_site):
    feed_ids, entry_ids = set(), {}
    for lang, path in feeds(prod_site):
        parsed = feedparser.parse(path.read_bytes())
        feed_url = f"{prod_site.siteurl}/{path.relative_to(prod_site.root).as_posix()}"
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [feed_url], path
        assert parsed.feed.link == f"{prod_site.siteurl}/{lang}/"
        if path.name.endswith(".atom.xml"):
            assert parsed.feed.id not in feed_ids
            feed_ids.add(parsed.feed.id)
        for entry in parsed.entries:
            assert entry.link.startswith(f"{prod_site.siteurl}/{lang}/")
            assert entry.id.startswith("tag:embassy.example,"), entry.id
            # one id per item: the same item in two feeds of a language is fine
            assert entry_ids.setdefault(entry.id, entry.link) == entry.link
            for href in etree.HTML(entry.content[0].value if "content" in entry
                                   else entry.summary).xpath("//a/@href"):
                assert urlsplit(href).scheme in ("http", "https", "mailto"), href


def test_atom_entries_have_updated_author_and_full_content(site):
    for _lang, path in feeds(site):
        if not path.name.endswith(".atom.xml"):
            continue
        root = etree.parse(str(path)).getroot()
        for entry in root.iter(f"{ATOM}entry"):
            assert entry.find(f"{ATOM}updated") is not None
            assert entry.find(f"{ATOM}author/{ATOM}name").text
            content = entry.find(f"{ATOM}content")
            assert content is not None and len(content.text) > 200


def test_rss_items_have_guid_and_rfc822_dates(site):
    for _lang, path in feeds(site):
        if not path.name.endswith(".rss.xml"):
            continue
        channel = etree.parse(str(path)).getroot().find("channel")
        assert channel.findtext("description"), path
        for item in channel.iter("item"):
            guid = item.find("guid")
            assert guid is not None and guid.get("isPermaLink") == "false"
            assert email.utils.parsedate_to_datetime(item.findtext("pubDate"))


@pytest.mark.parametrize("page", ["en/index.html", "es/noticias/index.html",
                                  "fr/accords/index.html"])
def test_pages_announce_their_languages_feeds(site, page):
    lang = page.split("/")[0]
    links = site.soup(page).select('link[rel="alternate"][type]')
    assert {link["type"] for link in links} == {"application/atom+xml", "application/rss+xml"}
    for link in links:
        target = site.file_for(link["href"])
        assert target.exists() and target.relative_to(site.root).parts[0] == lang


def test_a_news_item_photo_is_in_its_entries_with_its_description(project_copy, tmp_path):
    """The photo a news item shows under its title (image, image_alt) leads its feed
    entries, absolute, described in the feed's language."""
    folder = "content/news/eighty-years-of-relations"
    Image.new("RGB", (1200, 800), (217, 16, 35)).save(project_copy / folder / "photo.jpg")
    alts = {"en": "The two flags", "es": "Las dos banderas", "fr": "Les deux drapeaux"}
    for lang, alt in alts.items():
        edit_source(project_copy, f"{folder}/index.{lang}.md", "\n---\n",
                    f'\nimage: "photo.jpg"\nimage_alt: "{alt}"\n---\n')
    output = tmp_path / "output"
    result = run_build("publishconf.py", output, cwd=project_copy)
    assert result.returncode == 0, result.stderr + result.stdout
    site = BuiltSite(output, PRODUCTION_URL)
    source = f"{PRODUCTION_URL}/media/news/eighty-years-of-relations/photo-960w.jpg"
    for lang, path in feeds(site):
        parsed = feedparser.parse(path.read_bytes())
        with_photo = [entry for entry in parsed.entries if "diplomat" in entry.link]
        if path.name.startswith("all."):
            assert len(with_photo) == 1, path
        for entry in with_photo:
            text = entry.content[0].value if "content" in entry else entry.summary
            images = etree.HTML(text).xpath("//img")
            assert images, f"{path}: no photo in the entry"
            image = images[0]
            assert (image.get("src"), image.get("alt")) == (source, alts[lang]), path
            assert text.index("<img") < text.index("</p>")  # first, as on the page
        others = [entry for entry in parsed.entries if "diplomat" not in entry.link]
        assert all("photo-960w" not in (entry.get("summary", "") + str(entry.get("content")))
                   for entry in others), path
    _count, problems = feed_gate.check(site)
    assert not problems, problems

"""Readers picking a language: every page in three languages, linked both ways."""

import re

import pytest

from helpers import LANGUAGES, ROOT, content_items, source_file

NAMES = {"en": "English", "es": "Español", "fr": "Français"}
def language_pages(site):
    """The pages of each language's site (not the trilingual chooser and 404 at the
    root, nor the pages at the former site's addresses)."""
    return [path for path in site.html_files()
            if path.relative_to(site.root).parts[0] in LANGUAGES]


def metadata(path):
    from embassy.sources import read_front_matter

    _text, fields = read_front_matter(path)
    return {name: value for name, (value, _line) in fields.items()}


def settings():
    import runpy

    return runpy.run_path(str(ROOT / "pelicanconf.py"))


@pytest.mark.parametrize("kind,key", content_items())
def test_every_item_is_published_in_every_language(dev_site, kind, key):
    urls = settings()["LANGUAGE_URLS"]
    pattern = "ARTICLE_SAVE_AS" if kind == "news" else "PAGE_SAVE_AS"
    for lang in LANGUAGES:
        meta = metadata(source_file(kind, key, lang))
        output = dev_site.root / urls[lang][pattern].format(slug=meta["slug"])
        assert output.exists(), f"{key} has no {lang} page at {output}"
        assert dev_site.soup(output).html["lang"] == lang


def test_each_page_declares_its_language(site):
    for path in language_pages(site):
        lang = path.relative_to(site.root).parts[0]
        assert site.soup(path).html["lang"] == lang, path


def switcher_links(site, path):
    nav = site.soup(path).select_one("nav.epc-language-switcher")
    assert nav is not None, f"no language switcher in {path}"
    return nav.find_all("a")


def test_switcher_names_each_language_in_that_language(site):
    for path in language_pages(site):
        links = switcher_links(site, path)
        own = site.soup(path).html["lang"]
        assert sorted(link["lang"] for link in links) == sorted(set(LANGUAGES) - {own}), path
        for link in links:
            assert link["hreflang"] == link["lang"]
            assert link.get_text(strip=True) == NAMES[link["lang"]]


def test_switcher_links_are_reciprocal(site):
    for path in language_pages(site):
        own_url = site.url_of(path)
        for link in switcher_links(site, path):
            target = site.file_for(link["href"], base=own_url)
            assert target is not None and target.exists(), f"{path}: {link['href']}"
            assert site.soup(target).html["lang"] == link["lang"]
            back = [site.file_for(a["href"], base=site.url_of(target))
                    for a in switcher_links(site, target)]
            assert path in back, f"{target} does not link back to {path}"


PAGE_TYPES = {  # one of each page type, in each language
    "home": ["en/index.html", "es/index.html", "fr/index.html"],
    "news": ["en/news/index.html", "es/noticias/index.html", "fr/nouvelles/index.html"],
    "news, page 2": ["en/news/page/2/index.html", "es/noticias/pagina/2/index.html",
                     "fr/nouvelles/page/2/index.html"],
    "category, page 2": ["en/category/announcements/page/2/index.html",
                         "es/categoria/comunicados/pagina/2/index.html",
                         "fr/categorie/communiques/page/2/index.html"],
    "archives": ["en/archives/index.html", "es/archivo/index.html", "fr/archives/index.html"],
    "agreements": ["en/agreements/index.html", "es/tratados/index.html", "fr/accords/index.html"],
    "about": ["en/about/index.html", "es/la-embajada/index.html", "fr/l-ambassade/index.html"],
    "404": ["en/404.html", "es/404.html", "fr/404.html"],
}


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_switcher_is_on_every_page_type(paginated_site, page_type):
    for path in PAGE_TYPES[page_type]:
        assert (paginated_site.root / path).exists(), path
        assert len(switcher_links(paginated_site, paginated_site.root / path)) == 2, path


def alternates(site, path):
    soup = site.soup(path)
    return {link["hreflang"]: link["href"]
            for link in soup.select('link[rel="alternate"][hreflang]')}


def test_hreflang_alternates_are_complete_and_reciprocal(site):
    for path in language_pages(site):
        if path.name == "404.html":
            continue  # not indexed: no alternates, only the switcher
        links = alternates(site, path)
        assert set(links) == {*LANGUAGES, "x-default"}, path
        own_lang = site.soup(path).html["lang"]
        assert site.file_for(links[own_lang]) == path
        canonical = site.soup(path).select_one('link[rel="canonical"]')["href"]
        assert canonical == links[own_lang]
        assert site.file_for(links["x-default"]) == site.root / "index.html"
        for lang in LANGUAGES:
            target = site.file_for(links[lang])
            assert target.exists(), f"{path}: {links[lang]}"
            assert alternates(site, target) == links, f"{target} disagrees with {path}"


def test_production_links_between_languages_are_absolute(prod_site):
    for path in language_pages(prod_site):
        for href in alternates(prod_site, path).values():
            assert href.startswith(prod_site.siteurl + "/"), (path, href)
            assert "/../" not in href and "/./" not in href


def test_root_is_a_trilingual_chooser(site):
    soup = site.soup("index.html")
    links = soup.select("main a[hreflang]")
    assert [link["hreflang"] for link in links] == list(LANGUAGES)
    for link in links:
        assert link.find_parent(attrs={"lang": link["hreflang"]}) is not None
        assert link.get_text(strip=True) == NAMES[link["hreflang"]]
        target = site.file_for(link["href"])
        assert site.soup(target).html["lang"] == link["hreflang"]
    names = [span.get_text(strip=True) for span in soup.select("h1 [lang]")]
    assert names == ["Embassy of Peru in Canada", "Embajada del Perú en Canadá",
                     "Ambassade du Pérou au Canada"]
    assert {link["hreflang"] for link in soup.select('link[rel="alternate"]')} == {
        *LANGUAGES, "x-default"}


def test_each_language_has_its_own_section_names(dev_site):
    assert (dev_site.root / "es/noticias/index.html").exists()
    assert (dev_site.root / "fr/nouvelles/index.html").exists()
    assert (dev_site.root / "en/news/index.html").exists()
    spanish_urls = {a["href"] for a in dev_site.soup("es/noticias/index.html").select("main a")}
    assert all(re.match(r"^/es/(noticias|categoria|archivo)/", url) for url in spanish_urls)

"""Findability: search per language, the agreements explorer, sitemaps, page metadata."""

import json
import os
from urllib.parse import urlsplit

import pytest
from lxml import etree

from embassy.gates import browser
from embassy.modified import IGNORE_REVS, _git_times, last_change
from helpers import LANGUAGES, git, require

OG_LOCALES = {"en": "en_CA", "es": "es_PE", "fr": "fr_CA"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def tab(dev_site, session_chromium):
    """A browser tab on the development build (in the session's Chromium)."""
    session = browser.BrowserSession(dev_site, session_chromium)
    page = session.new_page(1280)
    yield session, page
    page.context.close()
    assert not session.third_party
    assert not session.console_errors


def search(tab, path, query):
    session, page = tab
    page.goto(session.address(f"{path}?q={query}"))
    page.wait_for_selector(".epc-search-results__status")
    return [urlsplit(href).path for href in page.eval_on_selector_all(
        ".epc-search-results__list a", "links => links.map(a => a.href)")]


@pytest.mark.parametrize("path,query,expected", [
    ("es/buscar/", "Alianza del Pacífico", "/es/noticias/ochenta-anos-de-relaciones-diplomaticas/"),
    ("es/buscar/", "Canadá", "/es/tratados/"),
    ("fr/recherche/", "libre-échange",
     "/fr/nouvelles/entree-en-vigueur-de-l-accord-de-libre-echange/"),
    ("en/search/", "social security", "/en/news/social-security-convention-enters-into-force/"),
])
def test_search_finds_pages_in_the_page_language_only(tab, path, query, expected):
    results = search(tab, path, query)
    lang = path.split("/")[0]
    assert expected in results
    assert all(result.startswith(f"/{lang}/") for result in results), results


def test_search_reports_no_results_in_the_page_language(tab):
    assert search(tab, "fr/recherche/", "zzzxqy") == []
    status = tab[1].text_content(".epc-search-results__status")
    assert status == "Aucun résultat pour «\u00a0zzzxqy\u00a0»."


def visible_rows(page):
    return page.eval_on_selector_all(
        ".epc-table tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.id)")


@pytest.mark.parametrize("path,label", [
    ("en/agreements/", "Convention"), ("es/tratados/", "Convenio"), ("fr/accords/", "Convention"),
])
def test_filtering_agreements_by_type_shows_only_conventions(tab, path, label):
    session, page = tab
    page.goto(session.address(path))
    assert len(visible_rows(page)) == 9
    page.select_option("#filter-type", label=label)
    assert sorted(visible_rows(page)) == ["social-security", "tax-convention"]
    assert "type=convention" in page.url
    page.goto(page.url)  # the shared URL restores the view
    assert sorted(visible_rows(page)) == ["social-security", "tax-convention"]
    assert page.input_value("#filter-type") == "convention"


def test_agreements_text_year_and_sort(tab):
    session, page = tab
    page.goto(session.address("fr/accords/?q=libre-echange"))
    assert visible_rows(page) == ["canada-peru-fta"]
    assert page.text_content("#agreements-count") == "1 accord affiché sur 9."
    page.goto(session.address("fr/accords/?q=aucun-accord-de-ce-nom"))
    assert visible_rows(page) == []
    assert page.text_content("#agreements-count") == "0 accord affiché sur 9."  # singular
    page.goto(session.address("en/agreements/?year=2008&sort=oldest"))
    assert sorted(visible_rows(page)) == ["canada-peru-fta", "environment", "labour-cooperation"]
    page.goto(session.address("en/agreements/?sort=oldest"))
    assert visible_rows(page)[0] == "air-services"


@pytest.mark.parametrize("path", ["en/agreements/", "es/tratados/", "fr/accords/"])
def test_without_javascript_the_agreements_page_is_the_full_table(tab, path):
    session, _page = tab
    page = session.new_page(1280, javascript=False)
    page.goto(session.address(path))
    assert not page.locator("#agreement-filters").is_visible()
    assert not page.locator("#agreements-count").is_visible()
    assert page.locator(".epc-table tbody tr:visible").count() == 9
    page.context.close()


def test_agreement_filters_are_laid_out_before_their_script_runs(dev_site):
    # Shown by the script, the form and the count pushed the table down after
    # the first paint (a layout shift Lighthouse reported).
    soup = dev_site.soup("en/agreements/index.html")
    assert not soup.select_one("#agreement-filters").has_attr("hidden")
    assert soup.select_one("#agreements-count").get_text(strip=True) == "Showing 9 of 9 agreements."


def test_search_page_without_javascript_offers_a_way_to_browse(dev_site):
    soup = dev_site.soup("es/buscar/index.html")
    assert soup.noscript is not None
    links = {a["href"] for a in soup.select("main a")}
    assert {"/es/archivo/", "/es/noticias/", "/sitemap.xml"} <= links


def test_sitemap_lists_every_page_with_its_translations(prod_site):
    tree = etree.parse(str(prod_site.root / "sitemap.xml"))
    urls = {url.findtext(f"{SITEMAP}loc"): url for url in tree.getroot()}
    indexable = [path for path in prod_site.html_files()
                 if not prod_site.soup(path).find("meta", attrs={"name": "robots"})]
    assert sorted(urls) == sorted(prod_site.url_of(path) for path in indexable)
    for loc, url in urls.items():
        assert loc.startswith(prod_site.siteurl + "/")
        links = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
        assert set(links) == {*LANGUAGES, "x-default"}, loc
        assert loc in links.values()
        if loc != prod_site.siteurl + "/":  # the root chooser has no content of its own
            assert len(url.findtext(f"{SITEMAP}lastmod")) == 10, loc
    robots = (prod_site.root / "robots.txt").read_text()
    assert f"Sitemap: {prod_site.siteurl}/sitemap.xml" in robots


def language_pages(site):
    return [path for path in site.html_files() if site.relative(path)[:3] in ("en/", "es/", "fr/")]


def test_every_page_has_a_description_open_graph_and_date_modified(prod_site):
    for path in language_pages(prod_site):
        soup, lang = prod_site.soup(path), prod_site.lang(path)
        assert soup.find("meta", attrs={"name": "description"})["content"].strip(), path
        assert soup.select_one(".epc-modified time[datetime]"), path
        if path.name == "404.html":
            continue
        og = {meta["property"]: meta["content"] for meta in soup.select("meta[property]")
              if meta["property"] != "og:locale:alternate"}
        assert og["og:locale"] == OG_LOCALES[lang]
        assert og["og:url"] == prod_site.url_of(path)
        assert og["og:title"] and og["og:description"]
        alternates = {meta["content"]
                      for meta in soup.select('meta[property="og:locale:alternate"]')}
        assert alternates == {OG_LOCALES[other] for other in LANGUAGES if other != lang}


def json_ld(soup):
    return [json.loads(script.string)
            for script in soup.select('script[type="application/ld+json"]')]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_structured_data_for_the_embassy_and_news(prod_site, lang):
    home = json_ld(prod_site.soup(f"{lang}/index.html"))
    assert [data["@type"] for data in home] == ["Embassy"]
    assert home[0]["inLanguage"] == lang and home[0]["address"]["addressLocality"] == "Ottawa"
    # no official source gives the street (content/data/embassy.yaml): none is claimed
    assert "streetAddress" not in home[0]["address"]
    for path in (prod_site.root / lang).rglob("*/index.html"):
        if prod_site.page_type(path) != "article":
            continue
        (article,) = json_ld(prod_site.soup(path))
        assert article["@type"] == "NewsArticle" and article["inLanguage"] == lang
        assert article["headline"] == prod_site.soup(path).h1.get_text()
        assert article["mainEntityOfPage"] == prod_site.url_of(path)
        og_image = prod_site.soup(path).find("meta", property="og:image")["content"]
        assert article["image"] == og_image and og_image.startswith("https://")


@pytest.mark.parametrize("lang,search_path", [
    ("en", "/en/search/"), ("es", "/es/buscar/"), ("fr", "/fr/recherche/")])
def test_404_pages_offer_a_way_back_and_search(dev_site, lang, search_path):
    soup = dev_site.soup(f"{lang}/404.html")
    assert soup.select_one(f'main form[role="search"][action="{search_path}"] input[name="q"]')
    assert soup.select_one(f'main a[href="/{lang}/"]')
    root = dev_site.soup("404.html")
    assert root.select_one(f'section[lang="{lang}"] form[action="{search_path}"]')
    assert root.select_one(f'section[lang="{lang}"] a[href="/{lang}/"]')


def test_modified_metadata_wins_over_the_file_date(project_copy, tmp_path):
    from helpers import run_build, set_field

    item = project_copy / "content/news/tax-convention-in-force/index.es.md"
    set_field(item, "date", "date: 2003-02-17\nmodified: 2025-05-05")
    assert run_build("pelicanconf.py", tmp_path / "out", cwd=project_copy).returncode == 0
    pages = (tmp_path / "out/es/noticias").glob("*convenio-para-evitar*/index.html")
    text = next(pages).read_text(encoding="utf-8")
    assert '<time class="epc-modified__date" datetime="2025-05-05">5 de mayo de 2025</time>' in text


def test_date_modified_follows_renames_and_leaves_out_listed_commits(tmp_path, monkeypatch):
    """A file's last change is its last commit, through renames, not counting the
    commits .git-blame-ignore-revs lists (a change of format); an uncommitted edit is
    its own time."""
    require("git")
    content = tmp_path / "content"
    (content / "pages" / "about").mkdir(parents=True)
    old = content / "pages" / "about" / "en.md"
    old.write_text("Title: About\n\n" + "A paragraph long enough to be recognized.\n" * 20)
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", "--all")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2020-01-02T03:04:05Z")
    git(tmp_path, "commit", "--quiet", "-m", "The page")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    new = old.with_name("index.en.md")
    git(tmp_path, "mv", str(old), str(new))
    new.write_text(new.read_text().replace("Title: About\n", "---\ntitle: \"About\"\n---\n"))
    git(tmp_path, "commit", "--quiet", "--all", "-m", "New format")
    (tmp_path / IGNORE_REVS).write_text(f"# format\n{git(tmp_path, 'rev-parse', 'HEAD').strip()}\n")
    settings = {"PATH": str(content), "TIMEZONE": "UTC"}
    _git_times.cache_clear()
    assert last_change(new, settings).isoformat() == "2020-01-02T03:04:05+00:00"
    new.write_text(new.read_text() + "An edit not yet committed.\n")
    os.utime(new, (1_700_000_000, 1_700_000_000))
    _git_times.cache_clear()
    assert last_change(new, settings).isoformat() == "2023-11-14T22:13:20+00:00"
    _git_times.cache_clear()

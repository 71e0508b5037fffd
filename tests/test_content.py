"""The site's own content: honest about what is published, and the chronology of
relations in each language, each milestone with its date and its sources."""

import pytest
import yaml

from helpers import LANGUAGES, ROOT, assert_refused, edit_source, run_build

PAGES = {  # (home, news, archive, chronology, legal framework, agreements) per language
    "en": ("en/index.html", "en/news/index.html", "en/archives/index.html",
           "en/chronology/index.html", "en/legal-framework/index.html",
           "en/agreements/index.html"),
    "es": ("es/index.html", "es/noticias/index.html", "es/archivo/index.html",
           "es/cronologia/index.html", "es/marco-juridico/index.html", "es/tratados/index.html"),
    "fr": ("fr/index.html", "fr/nouvelles/index.html", "fr/archives/index.html",
           "fr/chronologie/index.html", "fr/cadre-juridique/index.html", "fr/accords/index.html"),
}
NO_NEWS = {"en": "No news has been published on this site yet.",
           "es": "Aún no se ha publicado ninguna noticia en este sitio.",
           "fr": "Aucune nouvelle n’a encore été publiée sur ce site."}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_news_the_lists_say_so_and_point_to_the_chronology_and_feed(own_site, lang):
    home, news, archive, chronology, *_ = PAGES[lang]
    for page in (home, news, archive):
        main = own_site.soup(page).main
        assert NO_NEWS[lang] in main.get_text(), page
        links = [a["href"] for a in main.select(".epc-empty a")]
        assert f"/{chronology.removesuffix('index.html')}" in links, page
        assert f"/{lang}/feeds/all.atom.xml" in links, page
        assert not main.select(".epc-news-list"), page
    feed = (own_site.root / lang / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "<entry>" not in feed


def citations(element):
    """Each source cited in element: its link's address, or the text of a source cited
    without a link (a page of the embassy's former site)."""
    return [source.a["href"] if source.a else source.get_text(" ", strip=True)
            for source in element.select(".epc-source")]


def milestones(site, page):
    """(datetime, text, sources) of each milestone of a chronology page."""
    return [(item.time["datetime"],
             item.select_one(".epc-chronology__text").get_text(" ", strip=True),
             citations(item.select_one(".epc-chronology__sources")))
            for item in site.soup(page).select(".epc-chronology__item")]


def same_source():
    """{address: English address} of each source given in several language versions
    (agreements.yaml): each page links its own language's version of the same source."""
    data = yaml.safe_load((ROOT / "content" / "data" / "agreements.yaml").read_text())
    versions = {}
    for entry in data["agreements"]:
        for source in entry["sources"]:
            if isinstance(source, dict) and isinstance(source["url"], dict):
                versions.update({url: source["url"]["en"] for url in source["url"].values()})
    return versions


def test_the_chronology_has_the_same_milestones_and_sources_in_each_language(own_site):
    found = {lang: milestones(own_site, PAGES[lang][3]) for lang in LANGUAGES}
    versions = same_source()
    assert versions  # some sources are linked in each official language's version
    found = {lang: [(date, text, [versions.get(source, source) for source in sources])
                    for date, text, sources in items] for lang, items in found.items()}
    english = found["en"]
    assert len(english) >= 10
    assert [date for date, _text, _sources in english] == sorted(
        (date for date, _text, _sources in english), key=lambda date: (date[:4], len(date), date))
    assert english[0][0] == "1944-10-21"
    for lang in LANGUAGES:
        links = [[source for source in sources if source.startswith("http")]
                 for _date, _text, sources in found[lang]]
        assert [(date, len(sources)) for date, _text, sources in found[lang]] == \
            [(date, len(sources)) for date, _text, sources in english], lang
        assert links == [[source for source in sources if source.startswith("http")]
                         for _date, _text, sources in english], lang
        assert all(text and sources for _date, text, sources in found[lang]), lang


FORMER_PAGE = {"en": "the embassy’s former website (embassyofperu.ca/ingles/bilaterals.html, "
                     "read on December 2, 2026 )",
               "es": "antiguo sitio web de la Embajada (embassyofperu.ca/ingles/bilaterals.html, "
                     "consultado el 2 de diciembre de 2026 )",
               "fr": "ancien site Web de l’ambassade (embassyofperu.ca/ingles/bilaterals.html, "
                     "consulté le 2 décembre 2026 )"}
FIRST_MILESTONE = {
    "en": "Jean-François Léon Henri Laureys, the first Canadian ambassador to Peru, presented "
          "his credentials. Diplomatic relations between Canada and Peru were established in 1944.",
    "es": "Jean-François Léon Henri Laureys, primer embajador canadiense ante nuestro país, "
          "presentó sus cartas credenciales. Las relaciones diplomáticas entre el Perú y Canadá "
          "se establecieron en 1944.",
    "fr": "Jean-François Léon Henri Laureys, premier ambassadeur du Canada au Pérou, a présenté "
          "ses lettres de créance. Les relations diplomatiques entre le Canada et le Pérou ont "
          "été établies en 1944."}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_milestone_says_what_is_dated_and_cites_the_former_site_as_read(own_site,
                                                                                  lang):
    """21 October 1944 is the day the first ambassador presented his credentials (the
    embassy's pages); that relations were 'officially established' that day is in tension
    with the 80 years Canada's ambassador counted on 29 January 2024. The embassy's former
    pages will lead to this site: they are cited as read, not linked."""
    (date, text, sources), *_ = milestones(own_site, PAGES[lang][3])
    assert (date, text) == ("1944-10-21", FIRST_MILESTONE[lang])
    assert sources[0] == FORMER_PAGE[lang]
    chronology = own_site.soup(PAGES[lang][3]).main
    assert not chronology.select("a[href*='embassyofperu.ca']")
    assert not chronology.select("a[href*='wikipedia.org']")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_chronology_is_linked_from_the_legal_framework_and_agreements(own_site, lang):
    _home, _news, _archive, chronology, legal, agreements = PAGES[lang]
    target = f"/{chronology.removesuffix('index.html')}"
    for page in (legal, agreements):
        assert target in [a["href"] for a in own_site.soup(page).main.select(".epc-prose a")], page


def test_history_is_not_published_as_news(own_site):
    for path in own_site.html_files():
        soup = own_site.soup(path)
        assert "NewsArticle" not in str(soup), path
        assert soup.body.get("class") != ["epc-page--article"], path


LEGAL_FR = "content/pages/legal-framework/index.fr.md"


@pytest.mark.parametrize("path,old,new,message", [
    (LEGAL_FR, 'title: "Cadre juridique', 'title: "Depuis le 1 août 2009, cadre juridique',
     f"{LEGAL_FR} (title): '1 août': in French the first day of a month is written '1er'."),
    (LEGAL_FR, "\n---\n", '\nimage_alt: "La signature du 1 août 2009"\n---\n',
     f"{LEGAL_FR} (image_alt): '1 août': in French the first day of a month is written "
     "'1er'."),
    (LEGAL_FR, "\n\n", "\n\nModifié en 1957 (CTS 1957, n<sup>o</sup> 13).\n\n",
     f"{LEGAL_FR}: 'CTS' is the English name of Canada's treaty series."),
    ("content/data/agreements.yaml", ": RTC 1957, n<sup>o</sup> 13)",
     ": CTS 1957, n<sup>o</sup> 13)",
     "content/data/agreements.yaml (agreements[air-services].notes.fr): 'CTS'"),
    ("translations/fr/LC_MESSAGES/messages.po", 'msgstr "Sources\u00a0:"',
     'msgstr "Sources du 1 mars\u00a0:"', "(msgstr of 'Sources:'): '1 mars'"),
    # OQLF: n + superscript o, an ordinal's superscript ending
    (LEGAL_FR, "\n\n", "\n\nModifié en 1957 (RTC 1957, n° 13).\n\n",
     f"{LEGAL_FR}: 'n° 13': in French the abbreviation of 'numéro' is n with a superscript o "
     "(OQLF).\n  How to fix: write 'n<sup>o</sup> 13'"),
    ("content/data/agreements.yaml", ": RTC 1957, n<sup>o</sup> 13)", ": RTC 1957, no 13)",
     "content/data/agreements.yaml (agreements[air-services].notes.fr): 'no 13': in French "
     "the abbreviation of 'numéro'"),
    ("content/data/chronology.yaml", "le 80<sup>e</sup> anniversaire", "le 80e anniversaire",
     "content/data/chronology.yaml (events #5.text.fr): '80e': in French an ordinal's ending "
     "is a superscript (OQLF)."),
    # French theme strings are shown as written: their own no-break space before ':'
    ("translations/fr/LC_MESSAGES/messages.po", 'msgstr "Sources\u00a0:"', 'msgstr "Sources :"',
     "(msgstr of 'Sources:'): 'Sources :': in French a breakable space beside ':'"),
    # one dash style per language
    ("content/pages/chronology/index.en.md", 'title: "Chronology of Canada–Peru relations"',
     'title: "Chronology of Canada-Peru relations"',
     "content/pages/chronology/index.en.md (title): 'Canada-Peru': English joins the two "
     "countries with an en dash"),
    ("content/pages/chronology/index.es.md", 'title: "Cronología de las relaciones entre el '
     'Perú y Canadá"', 'title: "Cronología de las relaciones Perú–Canadá"',
     "content/pages/chronology/index.es.md (title): 'Perú–Canadá': Spanish joins two words "
     "with a hyphen (guion), never an en dash."),
    ("content/data/agreements.yaml", '"Accord de libre-échange entre le Canada',
     '"Accord de libre-échange Canada–Pérou entre le Canada',
     "content/data/agreements.yaml (agreements[canada-peru-fta].title.fr): 'Canada–Pérou': "
     "French joins two words with a hyphen"),
    # Spanish: Peru first, in running text and in a pair of dates
    ("content/pages/legal-framework/index.es.md", "entre el Perú y Canadá se establecieron",
     "entre Canadá y el Perú se establecieron",
     "content/pages/legal-framework/index.es.md: 'Canadá y el Perú': in Spanish Peru comes first"),
    ("content/data/agreements.yaml", "junto con el CPTPP entre el Perú y Canadá.",
     "junto con el CPTPP (Canadá: 30 de diciembre de 2018; Perú: 19 de setiembre de 2021).",
     "content/data/agreements.yaml (agreements[cptpp-cultural-industries-letter].notes.es): "
     "'Canadá: 30 de diciembre de 2018; Perú:': in Spanish Peru comes first"),
    # a title a source gives is not our translation
    ("content/data/agreements.yaml", '    title_unofficial:\n      es: "Acuerdo entre Canadá y '
     'la República del Perú para la promoción', '    title_sources:\n      fr: '
     '[https://example.org/fipa-fr]\n    title_unofficial:\n      es: "Acuerdo entre Canadá y '
     'la República del Perú para la promoción',
     "content/data/agreements.yaml (agreements[fipa].title_unofficial.fr): this title has a "
     "source (title_sources.fr): it is not our translation"),
    ("content/data/agreements.yaml", 'des investissements"', 'des investissements '
     '(traduction non officielle)"', "content/data/agreements.yaml "
     "(agreements[fipa].title_unofficial.fr): the title says it is an unofficial translation"),
])
def test_the_house_style_rules_stop_the_build(project_copy, good_output, path, old, new, message):
    """What the glossary's rules say a program can check: French dates, treaty series,
    OQLF superscripts and spacing, dashes, Peru first in Spanish, unofficial titles."""
    edit_source(project_copy, path, old, new)
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   message)


def test_each_page_cites_the_same_sources_in_every_language(own_site):
    """A reader of any language is given the same sources (the prose and the tables),
    besides the sources of a title in that language alone; a source published in each
    official language is the same source in each version."""
    versions = same_source()

    def sources(path):
        main = own_site.soup(path).main
        own = set(main.select(".epc-title-source a"))
        return sorted({versions.get(a["href"], a["href"])
                       for a in main.select("a[href^='http']") if a not in own})

    checked = 0
    for path in (own_site.root / "en").rglob("index.html"):
        if own_site.page_type(path) not in ("page", "about", "agreements", "chronology"):
            continue
        links = own_site.soup(path).select('link[rel="alternate"][hreflang]')
        for link in links:
            if link["hreflang"] in ("es", "fr"):
                other = own_site.file_for(link["href"])
                assert sources(other) == sources(path), (path, other)
                checked += 1
    assert checked == 10  # five pages, two other languages


def test_a_spanish_title_that_the_treaty_texts_give_cites_its_secondary_source(own_site):
    """The Spanish titles were found only on non-government hosts: cited, and said to be
    secondary; the page no longer calls them official."""
    fta = own_site.soup("es/tratados/index.html").select_one("tr#canada-peru-fta th")
    assert "Fuente de este título: studylib.es (fuente secundaria)" in " ".join(
        fta.get_text(" ", strip=True).split())
    assert fta.select_one("a[href*='studylib.es']")
    # the English title of the FTA is the Act's (S.C. 2009, c. 16), an official source
    english = own_site.soup("en/agreements/index.html").select_one("tr#canada-peru-fta th")
    assert "Source of this title: laws.justice.gc.ca" in " ".join(english.get_text(" ").split())
    assert "secondary" not in english.get_text()
    for path in PAGES["es"][5], PAGES["en"][5], PAGES["fr"][5]:
        main = own_site.soup(path).main
        for host in ("scribd.com", "mondaq.com", "wikipedia.org", "ppeniagara.com"):
            assert not main.select(f"a[href*='{host}']"), (path, host)


@pytest.mark.parametrize("lang,secondary", [("en", "(secondary source)"),
                                            ("es", "(fuente secundaria)"),
                                            ("fr", "(source secondaire)")])
def test_secondary_sources_say_so_and_official_ones_do_not(own_site, lang, secondary):
    main = own_site.soup(PAGES[lang][5]).main
    kinds = {source.a["href"]: source.get_text(" ", strip=True).endswith(secondary)
             for source in main.select("td .epc-source")}
    assert kinds["https://www.lexology.com/library/detail.aspx?g=7f32630f-3363-4956-bc27-"
                 "720b6e45b9e1"]
    assert not kinds["http://fin.gc.ca/treaties-conventions/notices/perunot_-eng.asp"]
    assert sum(kinds.values()) == 3  # the FIPA's two, and CommonLII for the air services


def test_the_front_matter_is_found_as_pelican_yaml_metadata_finds_it():
    """sources.py checks the front matter pelican-yaml-metadata then reads: its pattern
    is a copy of the reader's (private) one, which an upgrade must not change unseen."""
    from pelican.plugins.yaml_metadata.yaml_metadata import HEADER_RE

    from embassy.sources import FRONT_MATTER

    assert (FRONT_MATTER.pattern, FRONT_MATTER.flags) == (HEADER_RE.pattern, HEADER_RE.flags)

"""The agreements table comes from one checked data file; contact details stay honest."""

import datetime

import pytest
import yaml

from embassy.data import load_agreements, load_embassy, load_instrument_types, tel_uri
from embassy.errors import SiteError
from helpers import LANGUAGES, ROOT

AGREEMENTS = ROOT / "content" / "data" / "agreements.yaml"
REFERENCE = ROOT.parent / "shared" / "reference" / "agreements.yaml"
PAGES = {"en": "en/agreements/index.html", "es": "es/tratados/index.html",
         "fr": "fr/accords/index.html"}


def agreement_ids():
    return [entry["id"] for entry in yaml.safe_load(AGREEMENTS.read_text())["agreements"]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_table_lists_every_agreement_with_a_stable_anchor(dev_site, lang):
    rows = dev_site.soup(PAGES[lang]).select("table.epc-table tbody tr")
    assert sorted(row["id"] for row in rows) == sorted(agreement_ids())
    for row in rows:
        assert row.find("th", scope="row").get_text(strip=True)
        assert row.select("time[datetime]"), row["id"]
        assert row.select("a[href^='http']"), row["id"]


# Secondary sources of the reference that official ones replace (research for issue 25,
# read 2026-12-02): a law firm's bulletin, for dates that Global Affairs Canada's release
# No. 214, SICE and Employment and Social Development Canada's page give.
REPLACED = {
    ("canada-peru-fta", "http://www.mondaq.com/canada/x/61702/Canada+And+Peru+Enter+Free+Trade+"
                        "Deal+And+Related+Agreements"),
    ("labour-cooperation", "http://www.mondaq.com/canada/x/61702/Canada+And+Peru+Enter+Free+"
                           "Trade+Deal+And+Related+Agreements"),
}


# Titles of the reference replaced (review 25): the English short name of the FTA, by the
# long title of the Act implementing it (S.C. 2009, c. 16); the side letter's, which no
# source gives, by a description of the exchange of letters (shown as a description).
RETITLED = {("canada-peru-fta", "en"): "Free Trade Agreement between Canada and the Republic "
                                       "of Peru",
            ("cptpp-cultural-industries-letter", "en"): "Exchange of letters between Canada "
                                                        "and Peru on cultural industries (CPTPP)"}


def urls(sources):
    """Each source's address, or each of its language versions' in turn."""
    found = []
    for source in sources:
        url = source if isinstance(source, str) else source["url"]
        found += list(url.values()) if isinstance(url, dict) else [url]
    return found


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference is not beside the repo")
def test_data_file_keeps_the_reference_facts():
    """The reference's facts and sources, less the secondary sources official ones replace."""
    reference = {entry["id"]: entry for entry in yaml.safe_load(REFERENCE.read_text())}
    ours = yaml.safe_load(AGREEMENTS.read_text())["agreements"]
    assert [entry["id"] for entry in ours] == list(reference)
    for entry in ours:
        source = reference[entry["id"]]
        assert entry["signed"] == source["signed"]
        kept = [url for url in source["sources"] if (entry["id"], url) not in REPLACED]
        # in order, other language versions of a source and added sources between them
        assert [url for url in urls(entry["sources"]) if url in kept] == kept, entry["id"]
        for lang, title in source["title"].items():
            ours_title = (entry.get("title") or entry["description"])[lang]
            assert ours_title == RETITLED.get((entry["id"], lang), title), \
                (entry["id"], lang)
        if isinstance(source["in_force"], (dict, datetime.date)):
            assert entry["in_force"] == source["in_force"]
        assert entry.get("in_force_unconfirmed") == source.get("in_force_unconfirmed")


def test_unofficial_titles_and_unconfirmed_facts_are_marked(dev_site):
    spanish = dev_site.soup(PAGES["es"])
    # Peru's own name for the FTA (its trade ministry's) is not our translation
    assert "traducción no oficial" not in spanish.select_one("tr#canada-peru-fta th").get_text()
    assert "traducción no oficial" in spanish.select_one("tr#fipa th").get_text()
    english_fta = dev_site.soup(PAGES["en"]).select_one("tr#canada-peru-fta th")
    assert "unofficial" not in english_fta.get_text()
    french = dev_site.soup(PAGES["fr"])
    fipa = french.select_one("tr#fipa")
    assert "non confirmée" in fipa.get_text()  # it marks a date (la date)
    # the official French titles of the parallel agreements (SICE, S.C. 2009, c. 16)
    for ident in ("labour-cooperation", "environment"):
        assert "traduction non officielle" not in french.select_one(f"tr#{ident} th").get_text()


CHRONOLOGY = {"en": "en/chronology/index.html", "es": "es/cronologia/index.html",
              "fr": "fr/chronologie/index.html"}
UNCONFIRMED = {"en": "unconfirmed", "es": "no confirmada", "fr": "non confirmée"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_chronology_shows_an_unconfirmed_date_with_its_caveat(dev_site, lang):
    """The FIPA's entry into force (June 20, 2007), confirmed by no official source: in
    the chronology as on the agreements page, with the same caveat (review 25)."""
    item = dev_site.soup(CHRONOLOGY[lang]).select_one(
        ".epc-chronology__item:has(time[datetime='2007-06-20'])")
    assert item.select_one("a[href$='#fipa']")
    assert item.select_one(".epc-tag").get_text(strip=True) == UNCONFIRMED[lang]


@pytest.mark.parametrize("lang,first,second", [("en", "Canada:", "Peru:"),
                                               ("es", "Perú:", "Canadá:"),
                                               ("fr", "Canada :", "Pérou :")])
def test_each_language_names_the_two_parties_in_its_order(dev_site, lang, first, second):
    cell = dev_site.soup(PAGES[lang]).select_one("tr#cptpp td:nth-of-type(4)")
    text = " ".join(cell.get_text(" ", strip=True).split())
    assert first in text and second in text and text.index(first) < text.index(second)


ABOUT = {"en": "en/about/index.html", "es": "es/la-embajada/index.html",
         "fr": "fr/l-ambassade/index.html"}
READ = {"en": "(read on December 2, 2026 )", "es": "(consultada el 2 de diciembre de 2026 )",
        "fr": "(consultée le 2 décembre 2026 )"}
SECONDARY = {"en": "(secondary source)", "es": "(fuente secundaria)",
             "fr": "(source secondaire)"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_about_page_shows_only_sourced_contact_details(dev_site, lang):
    """What no source gives is not shown, not even as a row; each detail shown names its
    source and the day it was read; a newspaper article is not an address."""
    main = dev_site.soup(ABOUT[lang]).main
    text = " ".join(main.get_text(" ", strip=True).split())
    for placeholder in ("Not yet available", "No disponible", "Aún no disponible",
                        "Non disponible", "Pas encore disponible"):
        assert placeholder.lower() not in text.lower()
    assert not main.select("a[href*='hilltimes.com']") and "Albert" not in text
    assert main.select_one("#embassy-contact") is None  # nothing is known of the embassy's
    vancouver = main.select_one('a[href="tel:+16046628880"]').find_parent("dl")
    assert vancouver.select_one('a[href="mailto:infovan@consuladoperu.ca"]')
    source = vancouver.find_next_sibling("p")
    assert source.select_one(
        "a[href='http://www.consuladoperu.ca/vancouver/visas/requisitos.asp']")
    assert READ[lang] in " ".join(source.get_text(" ", strip=True).split())
    assert {"en": "may be out of date", "es": "podrían no estar actualizados",
            "fr": "pourraient ne plus être à jour"}[lang] in text
    toronto = main.select_one("a[href='https://somostoronto.com/?p=42724']").parent
    assert SECONDARY[lang] in toronto.get_text()
    # only the offices an official page names: Montréal was read only on a mirror's copy
    assert [h3.get_text() for h3 in main.select("h3")] == ["Toronto", "Vancouver"]


# A Government of Canada page found in both official languages: each page links its own
# language's version, the Spanish page the English one (review 25).
OTC = {"en": "https://otc-cta.gc.ca/eng/transport-agreement/peru",
       "es": "https://otc-cta.gc.ca/eng/transport-agreement/peru",
       "fr": "https://www.otc-cta.gc.ca/fra/perou"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_links_its_own_version_of_a_source(dev_site, lang):
    links = [a["href"] for a in dev_site.soup(PAGES[lang]).select("tr#air-services td a")]
    assert OTC[lang] in links
    assert not {url for url in OTC.values() if url != OTC[lang]} & set(links)
    tax = [a["href"] for a in dev_site.soup(PAGES[lang]).select("tr#tax-convention td a")]
    assert ("https://laws.justice.gc.ca/fra/LoisAnnuelles/2001_30/page-6.html" in tax) == \
        (lang == "fr")


LINKED_ELSEWHERE = {"en": "(in French)", "es": "(en francés)", "fr": None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_source_in_another_language_says_so(dev_site, lang):
    """Canada's pages exist in English and French: each page links its own language's
    version where one was found, and a link to a page in another language says so."""
    fta = dev_site.soup(PAGES[lang]).select_one("tr#canada-peru-fta")
    release = fta.find("a", href=lambda href: "387444.aspx" in href)["href"]
    assert release.endswith("?lang=fra" if lang == "fr" else "?lang=eng")
    esdc = fta.find("a", href=lambda href: "emploi-developpement-social" in href)
    marker = esdc.find_next_sibling("span")
    if LINKED_ELSEWHERE[lang]:
        assert esdc["hreflang"] == "fr" and marker.get_text() == LINKED_ELSEWHERE[lang]
    else:
        assert not esdc.has_attr("hreflang") and marker is None
    for link in dev_site.soup(PAGES[lang]).select("main a[hreflang]"):
        assert link["hreflang"] != lang and link.find_next_sibling("span"), link


def write(tmp_path, text):
    path = tmp_path / "agreements.yaml"
    path.write_text(text, encoding="utf-8")
    return path


VALID = AGREEMENTS.read_text(encoding="utf-8")
TYPES = load_instrument_types(ROOT / "content" / "data" / "glossary.yaml", LANGUAGES)


@pytest.mark.parametrize("change,message", [
    (("signed: 2008-05-29", "signed: 2008-13-45"), r"canada-peru-fta\]\.signed.*not a date"),
    (("type: trade-agreement\n", "type: pact\n"),
     r"'pact' is not an instrument type of the glossary"),
    (("scopes:", "types:\n  pact: {en: Pact, es: Pacto, fr: Pacte}\nscopes:"),
     r"agreement types are named in the glossary"),
    (("  - id: fipa", "  - id: FIPA!"), r"the id 'FIPA!'"),
    (("scope: multilateral", "scope: global"), r"'global' is not a known scope"),
    (("      fr: [http://sice.oas.org", "      de: [http://sice.oas.org"),
     r"labour-cooperation\]\.title_sources.*not under 'title'"),
    (("720b6e45b9e1\", official: false}", "720b6e45b9e1\", official: maybe}"),
     r"fipa\]\.sources\[2\]\.official.*should be true or false"),
    (("720b6e45b9e1\", official: false}", "720b6e45b9e1\", official: false, via: x}"),
     r"fipa\]\.sources\[2\]\.via.*not a field of a source"),
    # a source in several language versions: English and another, each its own page
    (("          fr: https://www.otc-cta.gc.ca/fra/perou", "          de: https://example.org/"),
     r"air-services\]\.sources\[1\]\.url\.de.*not a language of the site"),
    (("          en: https://otc-cta.gc.ca/eng/transport-agreement/peru\n", ""),
     r"air-services\]\.sources\[1\]\.url.*the English one"),
    (("          fr: https://www.otc-cta.gc.ca/fra/perou",
      "          fr: https://otc-cta.gc.ca/eng/transport-agreement/peru"),
     r"air-services\]\.sources\[1\]\.url.*same address"),
    (("          fr: https://www.otc-cta.gc.ca/fra/perou", "          fr: otc-cta.gc.ca/fra"),
     r"air-services\]\.sources\[1\]\.url\.fr.*not a web address"),
    (('label: {en: "CPTPP backgrounder", es: "Documento informativo sobre el CPTPP", ',
      'label: {en: "CPTPP backgrounder", '), r"cptpp\]\.sources\[2\]\.label.*each language"),
    (("  en: \"Exchange of letters", "  xx: \"Exchange of letters"),
     r"cptpp-cultural-industries-letter\]\.description.*every language"),
    (("        lang: en\n", "        lang: de\n"),  # the first: the labour summary
     r"labour-cooperation\]\.sources\[2\]\.lang.*not the language of one address"),
    (("    title_notes:\n      es:", "    title_notes:\n      de:"),
     r"environment\]\.title_notes.*titles under 'title'"),
])
def test_malformed_agreements_are_named(tmp_path, change, message):
    with pytest.raises(SiteError, match=message) as error:
        load_agreements(write(tmp_path, VALID.replace(*change, 1)), LANGUAGES, TYPES)
    assert "How to fix" in str(error.value)


def test_missing_title_language_is_named(tmp_path):
    data = yaml.safe_load(VALID)
    data["agreements"][0]["title"].pop("fr")
    path = write(tmp_path, yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(SiteError, match=r"canada-peru-fta\]\.title"):
        load_agreements(path, LANGUAGES, TYPES)


def test_broken_yaml_names_the_line(tmp_path):
    with pytest.raises(SiteError, match="malformed at line 3"):
        load_agreements(write(tmp_path, "scopes:\n  bilateral: [en: Bilateral\n"), LANGUAGES,
                        TYPES)


SOURCE = "{url: 'https://example.org/contact', read: 2026-12-02}"


@pytest.mark.parametrize("office,message", [
    (f"  email: {{value: not-an-address, source: {SOURCE}}}\n",
     r"embassy\.email\.value.*'not-an-address' is not an e-mail address"),
    # what is not known is left out, never written as a placeholder or an empty value
    ("  postal_code: ''\n", r"embassy\.postal_code.*written with its value and its source"),
    (f"  phone: {{value: Not yet available, source: {SOURCE}}}\n",
     r"embassy\.phone\.value.*says the detail is not known"),
    ("  phone: {value: '(613) 555-0100', source: {url: 'https://example.org/contact'}}\n",
     r"embassy\.phone\.source\.read.*the day it was read"),
    ("  phone: '(613) 555-0100'\n", r"embassy\.phone.*written with its value and its source"),
    ("  outdated: true\n", r"embassy\.outdated.*not a field of an office"),
])
def test_contact_details_without_a_source_are_named(tmp_path, office, message):
    path = tmp_path / "embassy.yaml"
    path.write_text(f"embassy:\n  city: Ottawa\n{office}", encoding="utf-8")
    with pytest.raises(SiteError, match=message):
        load_embassy(path, LANGUAGES)


def test_a_consulate_without_a_source_is_named(tmp_path):
    path = tmp_path / "embassy.yaml"
    path.write_text("embassy:\n  city: Ottawa\nconsulates:\n  - city: Montréal\n",
                    encoding="utf-8")
    with pytest.raises(SiteError, match=r"consulates\[1\]\.sources.*no source is given"):
        load_embassy(path, LANGUAGES)


def test_tel_uri():
    assert tel_uri("(604) 662-8880") == "tel:+16046628880"

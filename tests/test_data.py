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


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference is not beside the repo")
def test_data_file_keeps_the_reference_facts():
    reference = {entry["id"]: entry for entry in yaml.safe_load(REFERENCE.read_text())}
    ours = yaml.safe_load(AGREEMENTS.read_text())["agreements"]
    assert [entry["id"] for entry in ours] == list(reference)
    for entry in ours:
        source = reference[entry["id"]]
        assert entry["signed"] == source["signed"]
        assert entry["sources"] == source["sources"]
        for lang, title in source["title"].items():
            assert entry["title"][lang] == title, (entry["id"], lang)
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
    fipa = dev_site.soup(PAGES["fr"]).select_one("tr#fipa")
    assert "non confirmé" in fipa.get_text()


def test_unknown_contact_details_read_as_not_yet_available(dev_site):
    about = dev_site.soup("en/about/index.html")
    details = about.select_one("#embassy-contact").find_parent("section")
    assert details.get_text().count("Not yet available") == 4  # postal code, phone, e-mail, hours
    assert "Albert Street, Ottawa" in " ".join(details.get_text().split())
    vancouver = about.select_one('a[href="tel:+16046628880"]')
    assert vancouver is not None
    assert "may be out of date" in about.get_text()


def write(tmp_path, text):
    path = tmp_path / "agreements.yaml"
    path.write_text(text, encoding="utf-8")
    return path


VALID = AGREEMENTS.read_text(encoding="utf-8")
TYPES = load_instrument_types(ROOT / "content" / "data" / "glossary.yaml", LANGUAGES)


@pytest.mark.parametrize("change,message", [
    (("signed: 2008-05-29", "signed: 2008-13-45"), r"canada-peru-fta\]\.signed.*not a date"),
    (("type: treaty\n", "type: pact\n"), r"'pact' is not an instrument type of the glossary"),
    (("scopes:", "types:\n  pact: {en: Pact, es: Pacto, fr: Pacte}\nscopes:"),
     r"agreement types are named in the glossary"),
    (("  - id: fipa", "  - id: FIPA!"), r"the id 'FIPA!'"),
    (("scope: multilateral", "scope: global"), r"'global' is not a known scope"),
    (("      es: [http://www.scribd.com", "      de: [http://www.scribd.com"),
     r"canada-peru-fta\]\.title_sources.*not under 'title'"),
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


def test_bad_email_is_named(tmp_path):
    path = tmp_path / "embassy.yaml"
    path.write_text("embassy:\n  city: Ottawa\n  email: not-an-address\n", encoding="utf-8")
    with pytest.raises(SiteError, match=r"embassy\.email"):
        load_embassy(path, LANGUAGES)


def test_tel_uri():
    assert tel_uri("(604) 662-8880") == "tel:+16046628880"

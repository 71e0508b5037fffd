"""Dates come from Babel's CLDR data in each language, with <time datetime>."""

import datetime
import re

import pytest

from embassy.dates import format_local_date

DATE_LOCALES = {"en": "en_GB", "es": "es", "fr": "fr_CA"}

ANNIVERSARY = {
    "en": ("en/news/eighty-years-of-diplomatic-relations/index.html", "29 January 2024"),
    "es": ("es/noticias/ochenta-anos-de-relaciones-diplomaticas/index.html",
           "29 de enero de 2024"),
    "fr": ("fr/nouvelles/quatre-vingts-ans-de-relations-diplomatiques/index.html",
           "29 janvier 2024"),
}


@pytest.mark.parametrize("lang", ANNIVERSARY)
def test_article_date_is_written_in_the_page_language(dev_site, lang):
    page, expected = ANNIVERSARY[lang]
    time = dev_site.soup(page).select_one("article time")
    assert time["datetime"] == "2024-01-29"
    assert time.get_text() == expected


@pytest.mark.parametrize("lang,expected", [
    ("en", "28 November 2026"), ("es", "28 de noviembre de 2026"), ("fr", "28 novembre 2026"),
])
def test_babel_formats_without_system_locales(lang, expected, monkeypatch):
    monkeypatch.setenv("LC_ALL", "C")
    assert format_local_date(datetime.date(2026, 11, 28), lang, DATE_LOCALES) == expected


def test_every_time_element_matches_its_datetime(dev_site):
    for path in dev_site.html_files():
        lang = dev_site.soup(path).html["lang"]
        for time in dev_site.soup(path).find_all("time"):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", time["datetime"]), path
            date = datetime.date.fromisoformat(time["datetime"])
            assert time.get_text() == format_local_date(date, lang, DATE_LOCALES), path

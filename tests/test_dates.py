"""Dates come from Babel's CLDR data in each language, with <time datetime>."""

import datetime
import re
import runpy

import pytest

from embassy.dates import format_local_date
from helpers import ROOT

DATE_LOCALES = runpy.run_path(str(ROOT / "pelicanconf.py"))["DATE_LOCALES"]

ANNIVERSARY = {
    "en": ("en/news/eighty-years-of-diplomatic-relations/index.html", "January 29, 2024"),
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
    ("en", "November 28, 2026"), ("es", "28 de noviembre de 2026"), ("fr", "28 novembre 2026"),
])
def test_babel_formats_without_system_locales(lang, expected, monkeypatch):
    monkeypatch.setenv("LC_ALL", "C")
    assert format_local_date(datetime.date(2026, 11, 28), lang, DATE_LOCALES) == expected


def test_every_time_element_matches_its_datetime(dev_site):
    for path in dev_site.html_files():
        lang = dev_site.soup(path).html["lang"]
        for time in dev_site.soup(path).find_all("time"):
            if re.fullmatch(r"\d{4}", time["datetime"]):  # a year alone (the chronology)
                assert time.get_text() == time["datetime"], path
                continue
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", time["datetime"]), path
            date = datetime.date.fromisoformat(time["datetime"])
            assert time.get_text() == format_local_date(date, lang, DATE_LOCALES), path


@pytest.mark.parametrize("lang,expected", [
    ("en", "August 1, 2009"), ("es", "1 de agosto de 2009"), ("fr", "1er août 2009"),
])
def test_the_first_of_the_month_is_written_as_each_language_writes_it(lang, expected):
    assert format_local_date(datetime.date(2009, 8, 1), lang, DATE_LOCALES) == expected
    assert format_local_date(datetime.date(2009, 8, 11), "fr", DATE_LOCALES) == "11 août 2009"

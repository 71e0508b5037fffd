"""Dates formatted by Babel from CLDR data, never from the system's locales."""

import datetime
import functools
import re

from babel import Locale
from babel.dates import format_date
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


@functools.lru_cache(maxsize=None)
def _locale(name):
    return Locale.parse(name)  # once: Babel would parse the name again for every date


def format_local_date(value: datetime.date, lang: str, date_locales: dict[str, str]) -> str:
    """A long date in a language, e.g. '28 de noviembre de 2026', 'October 21, 1944'.

    French writes the first day of a month as an ordinal, "1er août 2009", which
    CLDR's patterns do not (they have one pattern for every day).
    """
    locale = _locale(date_locales[lang])
    text = format_date(value, format="long", locale=locale)
    if locale.language == "fr" and value.day == 1:
        text = re.sub(r"^1(?=\s)", "1er", text)
    return text


@pass_context
def local_date(context: Context, value: datetime.date) -> Markup | str:
    """Template filter: the date in the language of the page being written; in a page,
    French writes the ordinal's ending as a superscript, "1<sup>er</sup> août 2009"
    (OQLF, as for n<sup>o</sup> and 80<sup>e</sup>)."""
    text = format_local_date(value, context["DEFAULT_LANG"], context["DATE_LOCALES"])
    if text.startswith("1er "):
        return Markup("1<sup>er</sup>") + text.removeprefix("1er")
    return text


def iso_date(value: datetime.date) -> str:
    """Template filter: the machine-readable date for <time datetime>."""
    return value.date().isoformat() if hasattr(value, "date") else value.isoformat()


FILTERS = {"local_date": local_date, "iso_date": iso_date}

"""The site's languages: their declaration checked, their names, and the URL of a
page's equivalent in every language."""

import functools
import gettext
import re
from urllib.parse import urljoin, urlsplit

from babel import Locale, UnknownLocaleError
from jinja2 import pass_context
from jinja2.runtime import Context
from pelican import Pelican
from pelican.contents import Content, Page
from pelican.urlwrappers import Category

from .errors import SiteError

SETTINGS_FILE = "pelicanconf.py"
DECLARATION = "SITE_LANGUAGES"
# A word of a URL: what a reader can type and the slugs are made of.
_URL_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _babel_locale(name):
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _language_problems(lang, declared, model):
    """What one language's declaration lacks; model: the main language's (the sections
    and news categories every language names)."""
    def problem(name, text, fix):
        field = f"{DECLARATION}[{lang!r}]" + (f"[{name!r}]" if name else "")
        return SiteError(SETTINGS_FILE, text, fix, field=field)

    if _babel_locale(lang) is None or not _URL_WORD.fullmatch(lang):
        return [problem(None, f"'{lang}' is not a language code.",
                        "write the language's ISO 639-1 code, in lower case (e.g. 'pt').")]
    if not isinstance(declared, dict):
        return [problem(None, "the language's declaration is not a dict.",
                        "copy another language's declaration, then translate it.")]
    problems = []
    locale = _babel_locale(declared.get("locale"))
    if locale is None or locale.language != lang or not locale.territory:
        problems.append(problem("locale", f"'{declared.get('locale')}' is not a locale of "
                                f"'{lang}' with its country.",
                                "write the language and the country as Babel does: "
                                "language_COUNTRY, e.g. 'es_PE', 'fr_CA'."))
    for name in ("site_name", "description"):
        if not isinstance(declared.get(name), str) or not declared[name].strip():
            problems.append(problem(name, "it is missing or empty.",
                                    f"write the site's {name.replace('_', ' ')} in the language."))
    sections = declared.get("sections") or {}
    for key in model["sections"]:
        word = sections.get(key)
        if not isinstance(word, str) or not _URL_WORD.fullmatch(word):
            problems.append(problem("sections", f"the section '{key}' has no word for the "
                                    "language's URLs." if word is None else f"'{word}' (the "
                                    f"section '{key}') is not a word for a URL.",
                                    f"write '{key}' and its word in the language, in lower "
                                    "case, words joined by '-' (e.g. 'noticias')."))
    categories = declared.get("categories") or {}
    for key in model["categories"]:
        name = categories.get(key)
        if not isinstance(name, str) or not name.strip():
            problems.append(problem("categories", f"the news category '{key}' has no name "
                                    "in the language.",
                                    f"write '{key}' and its name in the language."))
    return problems


def check_declaration(pelican: Pelican) -> None:
    """initialized handler: every declared language has what the site needs of it,
    else the build stops naming pelicanconf.py, the field and the fix (rather than
    a KeyError deep in a template)."""
    settings = pelican.settings
    declaration = settings.get(DECLARATION)
    if declaration is None:  # settings of their own (the tests' smaller sites)
        return
    main = settings["DEFAULT_LANG"]
    if main not in declaration:
        raise SiteError(SETTINGS_FILE, f"DEFAULT_LANG is '{main}', which {DECLARATION} does "
                        "not declare.", f"write one of {', '.join(declaration)} as DEFAULT_LANG.",
                        field="DEFAULT_LANG")
    for lang, declared in declaration.items():
        problems = _language_problems(lang, declared, declaration[main])
        if problems:
            raise problems[0]


@functools.lru_cache(maxsize=None)
def language_name(lang: str) -> str:
    """A language's name in that language, capitalized as in a menu: 'Español'."""
    name = Locale.parse(lang).get_display_name(lang)
    return name[:1].upper() + name[1:]


def _from_site(siteurl, url):
    return urljoin(siteurl.rstrip("/") + "/", url)


def _paginated(url, number, lang, sections):
    return url if number <= 1 else f"{url}{sections[lang]['page']}/{number}/"


@pass_context
def alternate_urls(context: Context, kind: str, item: Content | Category | None = None,
                   number: int = 1) -> dict[str, str]:
    """{lang: URL} of the page being written and its equivalents, in site order.

    kind is "content" (item is an article or page), "category" (item is a
    category) or the name of a direct template ("index", "news", "archives",
    "404"); number is the page number of a paginated list.
    """
    languages = context["LANGUAGES"]
    if kind == "content":
        urls = {item.lang: _from_site(context["SITEURL"], item.url)}
        for translation in item.translations:
            urls[translation.lang] = _from_site(context["SITEURL"], translation.url)
        return {lang: urls[lang] for lang in languages if lang in urls}

    root, patterns = context["main_siteurl"], context["LANGUAGE_URLS"]
    urls = {}
    for lang in languages:
        if kind == "category":
            key = context["CATEGORY_KEYS"][item.name]
            slug = context["CATEGORY_SLUGS"][key][lang]
            url = patterns[lang]["CATEGORY_URL"].format(slug=slug)
        else:
            url = patterns[lang][f"{kind.upper()}_URL"]
        urls[lang] = _from_site(root, _paginated(url, number, lang, context["SECTIONS"]))
    return urls


@pass_context
def page_by_key(context: Context, key: str) -> Page | None:
    """The page of the current language whose Key is key, or None."""
    return next((page for page in context["pages"] if page.key == key), None)


@pass_context
def gettext_in(context: Context, lang: str, message: str) -> str:
    """A theme string in a given language, for the trilingual root pages.

    Extracted like _() (see catalogs.KEYWORDS); the catalogs were compiled
    by catalogs.check_and_compile before any template is rendered.
    """
    if lang == context["I18N_TEMPLATES_LANG"]:
        return message
    return gettext.translation(
        "messages", context["I18N_GETTEXT_LOCALEDIR"], [lang]
    ).gettext(message)


def hostname(url: str) -> str | None:
    """The host of a URL."""
    return urlsplit(url).hostname


def source_links(sources: list[dict], lang: str | None = None) -> list[tuple[dict, str]]:
    """Template filter: (source, label) for a list of sources (data.py's dicts), each
    with the address of its version in lang (source.url), labelled by its site
    ('otc-cta.gc.ca'), or by its site and path where two sources share a site or the
    source is a page of the former site, cited as read."""
    if lang:
        sources = [dict(source, url=source["urls"][lang]) if "urls" in source else source
                   for source in sources]
    sites = [hostname(source["url"]).removeprefix("www.") for source in sources]
    return [(source, f"{source['label'][lang]} ({site})" if lang and source.get("label")
             else site if sites.count(site) == 1 and not source["former_site"]
             else site + urlsplit(source["url"]).path)
            for source, site in zip(sources, sites, strict=True)]


FILTERS = {"source_links": source_links}

GLOBALS = {
    "gettext_in": gettext_in,
    "alternate_urls": alternate_urls,
    "language_name": language_name,
    "page_by_key": page_by_key,
}

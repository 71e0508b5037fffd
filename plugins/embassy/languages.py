"""Language names and the URL of a page's equivalent in every language."""

import functools
import gettext
from urllib.parse import urljoin, urlsplit

from babel import Locale
from jinja2 import pass_context


@functools.lru_cache(maxsize=None)
def language_name(lang):
    """A language's name in that language, capitalized as in a menu: 'Español'."""
    name = Locale.parse(lang).get_display_name(lang)
    return name[:1].upper() + name[1:]


def _from_site(siteurl, url):
    return urljoin(siteurl.rstrip("/") + "/", url)


def _paginated(url, number, lang, sections):
    return url if number <= 1 else f"{url}{sections[lang]['page']}/{number}/"


@pass_context
def alternate_urls(context, kind, item=None, number=1):
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
def page_by_key(context, key):
    """The page of the current language whose Key is key, or None."""
    return next((page for page in context["pages"] if page.key == key), None)


@pass_context
def gettext_in(context, lang, message):
    """A theme string in a given language, for the trilingual root pages.

    Extracted like _() (see catalogs.KEYWORDS); the catalogs were compiled
    by catalogs.check_and_compile before any template is rendered.
    """
    if lang == context["I18N_TEMPLATES_LANG"]:
        return message
    return gettext.translation(
        "messages", context["I18N_GETTEXT_LOCALEDIR"], [lang]
    ).gettext(message)


def hostname(url):
    """The host of a URL."""
    return urlsplit(url).hostname


def source_links(sources, lang=None):
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
            for source, site in zip(sources, sites)]


FILTERS = {"source_links": source_links}

GLOBALS = {
    "gettext_in": gettext_in,
    "alternate_urls": alternate_urls,
    "language_name": language_name,
    "page_by_key": page_by_key,
}

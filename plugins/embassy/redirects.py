"""The former site's addresses (embassyofperu.ca), each leading on to its page here.

content/data/redirects.yaml maps each old address, spelled exactly as the former
site spelled it, to a page of this site by its key and language (or to a
language's home page). Every host gets the move its own way:

- nginx, Netlify and Cloudflare Pages answer with a permanent redirect (301),
  from the lines hosting.py writes into _redirects (nginx.py reads them);
- GitHub Pages redirects nothing: it serves the small page the build writes at
  each old address (theme/templates/redirect.html), in the old page's language,
  kept out of search engines, its canonical link the new page, which it opens
  at once (a refresh, not a script) and links to by its title.

The main site's pass writes those pages (write_pages): it knows every
language's pages, the others' as its pages' translations, with their
addresses. The host files then take each move from the build's state
(permanent_redirects), once every language is written.
"""

import re
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import yaml
from pelican import Pelican
from pelican.generators import PagesGenerator
from pelican.settings import Settings
from pelican.writers import Writer

from . import state
from .content import SLUG
from .data import read_yaml
from .errors import SiteError

HOME = "home"  # the key that names a language's home page
# An old address: a page (.html, .htm) or a folder ("/"), path segments of letters,
# digits, '-', '_', '~' and '.' (none starting with a dot: no '..', no dot-files),
# so that it is written as it is in _redirects and in nginx's configuration.
SEGMENT = r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*"
OLD_ADDRESS = re.compile(rf"/(?:{SEGMENT}/)*(?:{SEGMENT}\.html?)?")
# What the new site writes at its root besides each language's folder, the
# theme's and the editor's (named in the settings): no old address may be there.
SITE_FOLDERS = ("media", "pagefind")
# The files for hosts and search engines (hosting.py, sitemap.py); gates/files.py
# lets them be published at the root.
SITE_FILES = ("sitemap.xml", "robots.txt", "_headers", "_redirects")


class OldAddress(NamedTuple):
    """An old address and the page it leads to."""

    path: str  # as the former site spelled it: /ES/es_bilaterales.html
    key: str  # a page's key, or HOME
    lang: str
    line: int  # the line of its page's key in redirects.yaml, for messages


def data_file(settings: Settings) -> Path:
    return Path(settings["PATH"]) / settings["DATA_PATH"] / "redirects.yaml"


def _field_lines(path):
    """{(entry number, field, sub-field…): line} of redirects.yaml's entries."""
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    lines = {}
    entries = next((value for key, value in getattr(root, "value", [])
                    if getattr(key, "value", None) == "redirects"), None)
    for number, entry in enumerate(getattr(entries, "value", None) or [], start=1):
        lines[(number,)] = entry.start_mark.line + 1
        if isinstance(entry, yaml.MappingNode):
            for key, value in entry.value:
                lines[(number, key.value)] = key.start_mark.line + 1
                if isinstance(value, yaml.MappingNode):
                    for sub_key, _sub_value in value.value:
                        lines[(number, key.value, sub_key.value)] = sub_key.start_mark.line + 1
    return lines


def _site_places(settings):
    """The first path segments (folders) and root files that are the new site's own."""
    folders = {*settings["LANGUAGES"], settings["THEME_STATIC_DIR"], *SITE_FOLDERS}
    if settings.get("EDITOR_SAVE_AS"):
        folders.add(settings["EDITOR_SAVE_AS"].strip("/").split("/")[0])
    files = {"", settings["CHOOSER_SAVE_AS"], settings["ROOT_404_SAVE_AS"], *SITE_FILES}
    return folders, files


def _has_page(settings, key, lang):
    return any((Path(settings["PATH"]) / folder / key / f"index.{lang}.md").is_file()
               for folder in settings["PAGE_PATHS"])


def load(settings: Settings) -> list[OldAddress]:
    """The old addresses of redirects.yaml, checked, in the file's order: each an
    address outside the new site's own, listed once, leading to a page of the
    site in one of its languages, with its source."""
    path = data_file(settings)
    data = read_yaml(path, "old addresses")
    lines = _field_lines(path)
    languages = settings["LANGUAGES"]
    folders, files = _site_places(settings)

    def line_of(where):
        """The line of an entry's field (or of the nearest enclosing one)."""
        return next((lines[where[:size]] for size in range(len(where), 0, -1)
                     if where[:size] in lines), "?")

    def fail(where, problem, fix):
        number, *names = where
        field = ".".join(names) or "entry"
        raise SiteError(path, problem, fix,
                        field=f"line {line_of(where)}, redirects #{number} {field}")

    entries = data.get("redirects")
    if not isinstance(entries, list):
        raise SiteError(path, "the list of old addresses is missing.",
                        "add 'redirects:' followed by one '- from: …' entry per old address.",
                        field="redirects")
    addresses, seen = [], {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            fail((number,), "the entry is not a set of fields.",
                 "start it with '- from: …' and indent its fields 'to' and 'source'.")
        old = entry.get("from")
        if not isinstance(old, str) or not OLD_ADDRESS.fullmatch(old):
            fail((number, "from"), f"'{old}' is not the address of one of the former "
                 "site's pages.", "write its path as the browser showed it, from the first "
                 "'/' on, without the domain (e.g. /ingles/bilaterals.html): letters, digits, "
                 "'-', '_' and '.', ending in .html, .htm or '/'.")
        first, folder, _rest = old[1:].partition("/")
        if (folder and first in folders) or old[1:] in files:
            fail((number, "from"), f"'{old}' is an address of the new site.",
                 "only an address outside the new site's own folders "
                 f"({', '.join(f'/{name}/' for name in sorted(folders))}) and root files can "
                 "lead on to one of its pages.")
        if page_file(old) in seen:  # /ingles/ and /ingles/index.html are one page
            other, line = seen[page_file(old)]
            fail((number, "from"), f"'{old}' is listed twice (also at line {line})."
                 if other == old else f"'{old}' is the page of '{other}' (line {line}).",
                 "keep one entry for it.")
        seen[page_file(old)] = (old, line_of((number, "from")))
        target = entry.get("to")
        if not isinstance(target, dict):
            fail((number, "to"), "the page it leads to is missing.",
                 "add 'to: {key: <the page's folder in content/pages/>, lang: <en, es or fr>}'.")
        lang, key = target.get("lang"), target.get("key")
        if lang not in languages:
            fail((number, "to", "lang"), f"'{lang}' is not a language of the site.",
                 f"write the old page's language: one of {', '.join(languages)}.")
        if key != HOME and not (isinstance(key, str) and SLUG.fullmatch(key)
                                and _has_page(settings, key, lang)):
            fail((number, "to", "key"), f"there is no page '{key}' in {lang} (its file "
                 f"content/pages/{key}/index.{lang}.md).", "write the key of a page (the name "
                 f"of its folder in content/pages/), or {HOME} for the home page.")
        source = entry.get("source")
        parts = urlsplit(source) if isinstance(source, str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.netloc or (
                any(character.isspace() for character in source)):
            fail((number, "source"), "no source is given for this old address." if not source
                 else f"'{source}' is not a web address.", "write where the old address was "
                 "seen, as a full address starting with https:// or http://.")
        addresses.append(OldAddress(old, key, lang, line_of((number, "to", "key"))))
    return addresses


def load_into_settings(pelican: Pelican) -> None:
    """initialized handler: the old addresses, checked (subsites inherit them)."""
    settings = pelican.settings
    if "OLD_ADDRESSES" not in settings:  # else a subsite: a copy of the main site's
        settings["OLD_ADDRESSES"] = load(settings)


def page_file(old: str) -> str:
    """The file GitHub Pages serves at an old address: /ingles/x.html -> ingles/x.html."""
    return old[1:] + "index.html" if old.endswith("/") else old[1:]


def _pages_by_key(generator):
    """{(key, lang): page} of the pages a pass knows: its own and their translations."""
    pages = {}
    for page in generator.pages:
        for item in (page, *page.translations):
            pages[(item.key, item.lang)] = item
    return pages


def write_pages(generator: PagesGenerator, writer: Writer) -> None:
    """page_writer_finalized handler: in the main site's pass, the page at each old
    address whose new page the pass knows, each move kept in the build's state
    for the host files ({old address: new path from the site's root})."""
    settings = generator.settings
    if settings["DEFAULT_LANG"] != settings["I18N_TEMPLATES_LANG"]:
        return
    pages = _pages_by_key(generator)
    template = generator.get_template("redirect")
    moved = state.of(settings).moved
    for address in settings["OLD_ADDRESSES"]:
        if address.key == HOME:
            url = settings["LANGUAGE_URLS"][address.lang]["INDEX_URL"]
            title = settings["SITENAMES"][address.lang]
        elif (address.key, address.lang) in pages:
            page = pages[(address.key, address.lang)]
            url, title = page.url, page.title
        else:
            continue  # not published in that language: permanent_redirects says so
        writer.write_file(page_file(address.path), template, generator.context,
                          lang=address.lang, new_url=url, new_title=title)
        moved[address.path] = f"/{url}"


def permanent_redirects(settings: Settings, moved: dict[str, str]) -> list[tuple[str, str]]:
    """[(old address, new path)] in redirects.yaml's order, from the moves the main
    site's pass made; stops the build, naming the line, at an old address whose
    page is not published in its language."""
    addresses = load(settings)
    for address in addresses:
        if address.path not in moved:
            raise SiteError(data_file(settings),
                            f"the page '{address.key}' is not published in {address.lang} "
                            "(a draft, or without its English version).",
                            "publish it in that language, or lead the old address to "
                            "another page.", field=f"line {address.line}, to.key")
    return [(address.path, moved[address.path]) for address in addresses]

"""The fast build's parts inside Pelican: each process builds one language's site.

build.py runs one process per language (BUILD_LANGUAGES = [lang]). Stock
pelican-i18n-subsites runs a full Pelican pass per language, and every pass
reads every file of every language. Here a process runs the pass of its own
language only: the other passes are dropped from i18n-subsites' queue, and
the main site's pass, when it is not this process's, reads and writes
nothing.

What a language's site needs from the other passes is the URL of each item
in its own language's site, which i18n-subsites collects as each pass reads
its items (_NATIVE_CONTENT_URL_DB) and uses once all passes are read to link
translations. The processes exchange those URLs through the parent
(EXCHANGE) at that point, so links between languages are made by
i18n-subsites itself, as in a stock build. tests/test_speed.py checks that
the output is byte-identical.

On a rebuild, FastWriter skips each page whose inputs did not change (the
output keeps it) instead of rendering it (PageReuse; the signatures are
explained in incremental.py, and tests/test_rebuild.py checks that a
rebuild writes what a full build writes).
"""

import contextlib
import functools
import io
import os
from pathlib import Path

import smartypants
from jinja2 import FileSystemBytecodeCache
from pelican.cache import FileDataCacher, FileStampDataCacher
from pelican.contents import Content
from pelican.generators import CachingGenerator, Generator
from pelican.plugins.i18n_subsites import i18n_subsites
from pelican.utils import posixize_path
from pelican.writers import Writer

from . import images, modified, sitemap
from .incremental import digest, read_cache, write_cache

# The connection to the parent process during a parallel build (see build.py),
# the URLs this process sent through it, and whether it was told to stop
# instead (another language's process failed).
EXCHANGE = None
SENT_URLS = {}
OTHER_LANGUAGE_FAILED = False


class OtherLanguageFailed(Exception):
    """Another language's process stopped before the URLs were exchanged."""


def is_built_here(settings):
    return settings["DEFAULT_LANG"] in settings["BUILD_LANGUAGES"]


def _builds_every_language(settings):
    return set(settings["BUILD_LANGUAGES"]) == set(settings["LANGUAGES"])


class PageReuse:
    """A language process's pages: kept in the last output when unchanged.

    previous: the last build's {page or feed: [signature, sitemap entries,
    shows the language's newest change]} (see incremental.py); pages
    collects this build's, for the next one.
    """

    def __init__(self, inputs, lang, staging, previous=None, previous_output=None):
        self.inputs, self.lang, self.staging = inputs, lang, Path(staging)
        self.previous = previous or {}
        self.previous_output = Path(previous_output) if previous_output else None
        self.pages = {}

    def shown(self, items):
        """One signature for the items a page is given, in full."""
        full = self.inputs.full
        return digest(*[full(item.source_path) for item in items])

    def signature(self, name, shown, site_wide):
        return digest(self.inputs.metadata, name, shown,
                     self.inputs.languages[self.lang] if site_wide else "")

    def name(self, site_output, path):
        """A page's path in the whole site (a subsite writes below its language)."""
        return os.path.relpath(os.path.join(site_output, path), self.staging)

    def reuse(self, name, shown):
        """Keep the last output's page if what it shows is unchanged; True if kept."""
        previous = self.previous.get(name)
        if previous is None or self.previous_output is None:
            return False
        if previous[0] != self.signature(name, shown, previous[2]):
            return False
        if not os.path.isfile(os.path.join(self.previous_output, name)):
            return False  # deleted by hand: written again
        self.pages[name] = previous
        sitemap.ENTRIES.update(previous[1])
        return True


# The page reuse of this process's language, during a fast build (see build.py).
REUSE = None


def _items(values):
    """The news items and pages a template is given (the others it shows by metadata)."""
    items = []
    for value in values:
        if isinstance(value, Content):
            items.append(value)
        elif isinstance(value, (list, tuple)):
            items += [item for item in value if isinstance(item, Content)]
    return items


class _Rendering:
    """A template seen by the writer: keeps the last output's page when unchanged,
    else renders it and records what it showed."""

    def __init__(self, template, writer, items):
        self.template, self.writer, self.items = template, writer, items
        self.all_shown = None

    def _shown(self, context):
        """A page of a list shows that page's items in full (and the list by metadata)."""
        pages = [context[key] for key in ("articles_page", "dates_page") if key in context]
        if pages:
            return REUSE.shown([item for page in pages for item in page.object_list])
        if self.all_shown is None:
            self.all_shown = REUSE.shown(self.items)
        return self.all_shown

    def render(self, context):
        name = REUSE.name(self.writer.output_path, context["output_file"])
        shown = self._shown(context)
        if REUSE.reuse(name, shown):
            self.writer.kept.add(name)
            return ""
        entries, site_wide = len(sitemap.ORDER), modified.SITE_WIDE_READS
        html = self.template.render(context)
        site_wide = modified.SITE_WIDE_READS != site_wide
        REUSE.pages[name] = [REUSE.signature(name, shown, site_wide),
                             {loc: sitemap.ENTRIES[loc] for loc in sitemap.ORDER[entries:]},
                             site_wide]
        return html


class FastWriter(Writer):
    """Pelican's writer for the fast build: silent for the main site when another
    process writes it; with REUSE, writes no page the last output has unchanged."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = set()

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if not is_built_here(self.settings):
            return None
        if REUSE is not None:
            items = _items(kwargs.values())
            if not paginated and REUSE.reuse(REUSE.name(self.output_path, name),
                                             REUSE.shown(items)):
                return None  # a news item or page the output has unchanged
            template = _Rendering(template, self, items)
        return super().write_file(name, template, context, relative_urls, paginated,
                                  template_name, override_output, url, **kwargs)

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom",
                   override_output=False, feed_title=None):
        if not is_built_here(self.settings):
            return None
        if REUSE is not None and path:
            shown = REUSE.shown(_items([elements[: self.settings["FEED_MAX_ITEMS"]]]))
            name = REUSE.name(self.output_path, path)
            if REUSE.reuse(name, shown):
                return None
            REUSE.pages[name] = [REUSE.signature(name, shown, False), {}, False]
        return super().write_feed(elements, context, path, url, feed_type, override_output,
                                  feed_title)

    def _open_w(self, filename, encoding, override=False):
        name = REUSE.name(self.output_path, filename) if self.kept else None
        if name in self.kept:  # the last output has it: nothing to write
            self.kept.discard(name)
            return contextlib.nullcontext(io.StringIO())
        return super()._open_w(filename, encoding, override)


def writer_for_build_languages(pelican):
    """get_writer handler: the fast build's writer."""
    if pelican.settings.get("FAST_BUILD"):
        return FastWriter
    return None


def limit_to_build_languages(pelican):
    """initialized handler: the theme's files are copied by the main language's process.

    In a language's process, templates are not checked for changes on every
    use (a build never edits them), and their compiled code is kept by
    Jinja's own bytecode cache (see template_cache).
    """
    settings = pelican.settings
    if settings.get("FAST_BUILD"):
        environment = {**settings["JINJA_ENVIRONMENT"], "auto_reload": False}
        if REUSE is not None:
            environment["bytecode_cache"] = template_cache(REUSE.inputs)
        settings["JINJA_ENVIRONMENT"] = environment
        Content.get_relative_source_path = _relative_source_path
        CachingGenerator.get_cached_data = _cached_item
        Generator.get_files = _files_built_here
        FileDataCacher.__init__ = _load_or_miss
        FileDataCacher.save_cache = _save_whole
        Content.__getstate__ = _cached_state
        _skip_needless_smartypants_steps()
    if settings["I18N_TEMPLATES_LANG"] not in settings["BUILD_LANGUAGES"]:
        settings["THEME_STATIC_PATHS"] = []
    if not is_built_here(settings):  # it reads nothing: nothing to cache
        settings["CACHE_CONTENT"] = settings["LOAD_CONTENT_CACHE"] = False


# SmartyPants (typogrify's quotes, dashes and ellipses) runs each of these steps,
# several regular expressions apiece, on every run of text between two tags;
# each of their patterns contains one of the marks listed, so text without
# any of them comes back unchanged. (About a sixth of the English process.)
SMARTYPANTS_MARKS = {
    "process_escapes": ("\\",),
    "convert_dashes": ("--",),
    "convert_ellipses": ("...", ". . ."),
    "convert_backticks": ("``", "''"),
    "convert_quotes": ("'", '"'),
}


def _only_with_marks(step, marks):
    """step, run only on text that has one of marks (the stock step is .stock)."""
    @functools.wraps(step)
    def needed(text):
        return step(text) if any(mark in text for mark in marks) else text
    needed.stock = step
    return needed


def _skip_needless_smartypants_steps():
    """In the fast build, SmartyPants skips a step on text it cannot change."""
    for name, marks in SMARTYPANTS_MARKS.items():
        step = getattr(smartypants, name)
        if not hasattr(step, "stock"):
            setattr(smartypants, name, _only_with_marks(step, marks))


def template_cache(inputs):
    """Jinja's bytecode cache, in a folder of CACHE_PATH/templates/ per site signature.

    Jinja keys compiled templates by name and source only; their code also
    depends on the environment's extensions and filters (constant folding),
    which the site signature covers (settings, plugin, packages), so any
    change there starts a new folder. build.py removes the older ones.
    """
    folder = inputs.cache / "templates" / inputs.site
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def item_cache_settings(inputs, load):
    """Settings for Pelican's own cache of the news items and pages it read (its
    "generator" caching layer), in a language's process of the fast build.

    A rebuild then creates only the items whose files changed (Pelican
    compares each file's modification time), instead of all 3,000 of a
    language's site on a 1,000-item corpus. The cache is kept in a folder
    per metadata signature (incremental.Inputs): a change to any item's
    metadata lines, or to the site, starts a new one, as items link to one
    another by URL. load: whether to use it (rebuilds only).
    """
    return {"CACHE_PATH": str(inputs.cache / "items" / inputs.metadata),
            "CONTENT_CACHING_LAYER": "generator", "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": load, "GZIP_CACHE": False}


_STOCK_GET_FILES = Generator.get_files


def _files_built_here(self, paths, exclude=None, extensions=None):
    """Generator.get_files in the fast build: a site another process builds reads no
    file here at all (see reading_mode), so it does not even list them."""
    if not is_built_here(self.settings):
        return set()
    return _STOCK_GET_FILES(self, paths, exclude, extensions)


def _cached_item(self, filename, default=None):
    """CachingGenerator.get_cached_data in the fast build: an item from Pelican's cache,
    joined to this build. Pelican keeps with each item the settings and the
    context (other items, static files) of the build that read it; they are
    this build's again, and the item's image variants are published."""
    item = FileStampDataCacher.get_cached_data(self, filename, default)
    if item is not default:
        item.settings, item._context = self.settings, self.context
        images.remember_variants(item)
    return item


_STOCK_CACHE_INIT = FileDataCacher.__init__


def _load_or_miss(self, settings, cache_name, caching_policy, load_policy):
    """FileDataCacher.__init__ in the fast build: a cache file that cannot be read back
    (damaged on the disk, say) is a cache missed, not a problem of the site.
    Pelican warns of a truncated file (and the build stops on any warning) and
    fails on others (a ValueError for a few bytes of text), on every build
    until cache/ is deleted; here the build reads those items from their
    files again (and _save_whole writes the cache anew)."""
    _STOCK_CACHE_INIT(self, settings, cache_name, caching_policy, load_policy=False)
    if load_policy:  # GZIP_CACHE is off (item_cache_settings)
        self._cache = read_cache(self._cache_path, {})


def _save_whole(self):
    """FileDataCacher.save_cache, written whole or not at all: Pelican writes the file
    in place, and a build stopped halfway would leave one the next cannot read."""
    if self._cache_data_policy:
        write_cache(self._cache_path, self._cache)


def _cached_state(self):
    """An item as Pelican's cache keeps it: without the build's settings and context
    (the whole site), which _cached_item gives it back."""
    return {name: value for name, value in self.__dict__.items()
            if name not in ("settings", "_context")}


@functools.lru_cache(maxsize=None)
def _relative_path(content_path, source_path):
    return posixize_path(os.path.relpath(
        os.path.abspath(os.path.join(content_path, source_path)),
        os.path.abspath(content_path)))


def _relative_source_path(self, source_path=None):
    """Content.get_relative_source_path, remembered: Pelican asks it again for every
    URL and link of every item (about a tenth of a language's build)."""
    source_path = source_path or self.source_path
    if source_path is None:
        return None
    return _relative_path(self.settings["PATH"], source_path)


def run_own_language_only(generators):
    """all_generators_finalized handler: drop the other languages' passes, swap URLs.

    Runs once a (sub)site's items are read. The main site's handler removes
    from i18n-subsites' queue the subsites another process builds; the
    handler of this process's own site, the last one read here, exchanges
    the URLs of the items in its language for the other languages'.
    """
    settings = generators[0].settings
    if not settings.get("FAST_BUILD") or _builds_every_language(settings):
        return
    queue = i18n_subsites._SUBSITE_QUEUE
    for lang in [lang for lang in queue if lang not in settings["BUILD_LANGUAGES"]]:
        del queue[lang]
    if is_built_here(settings) and not queue and EXCHANGE is not None:
        global SENT_URLS, OTHER_LANGUAGE_FAILED  # noqa: PLW0603
        SENT_URLS = dict(i18n_subsites._NATIVE_CONTENT_URL_DB)
        EXCHANGE.send(SENT_URLS)
        urls = EXCHANGE.recv()
        if urls is None:
            OTHER_LANGUAGE_FAILED = True
            raise OtherLanguageFailed("another language's build stopped")
        i18n_subsites._NATIVE_CONTENT_URL_DB.update(urls)


def reading_mode(settings, file_lang):
    """How this (sub)site reads a file: "full", "metadata" or "skip".

    full: this process writes the file's page. metadata: a page written here
    links to it (a translation). skip: the site is another process's, and
    is neither read nor written here (_files_built_here lists it no files).
    """
    if not settings.get("FAST_BUILD"):
        return "full"
    if not is_built_here(settings):
        return "skip"
    return "full" if file_lang == settings["DEFAULT_LANG"] else "metadata"


def read_for_metadata(instance):
    """Whether this (sub)site read the item's metadata only (see reading_mode)."""
    lang = getattr(instance, "lang", None)
    return lang is not None and reading_mode(instance.settings, lang) == "metadata"

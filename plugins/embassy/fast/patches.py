"""Every change the fast build makes to other packages' internals, in one place.

install() applies them in a language's process of the fast build (fork.py
forks one process per language; the changes end with it, and the process
that forks is never changed). They were written for, and are tested with,
the versions in SUPPORTED: safebuild/ calls unsupported() first and, on any other
version, builds with stock Pelican instead (correct, slower), saying so.

What they change, and why (each is measured by `invoke benchmark`, and
tests/test_speed.py checks the output is byte-identical to a stock build's):
- i18n-subsites' queue of passes (_SUBSITE_QUEUE): a process runs its own
  language's pass only; its URL table (_NATIVE_CONTENT_URL_DB) is completed
  with the other processes' URLs, sent through the parent.
- Generator.get_files: a pass another process writes lists no file.
- pelican-yaml-metadata's reader (its _md, _parse_yaml_metadata): translations
  read for their metadata only (already read by the checks); HTML of unchanged
  files from the content memo (see memo.py).
- Pelican's item cache (FileDataCacher, FileStampDataCacher, Content): a
  damaged cache file is a miss; the file is written whole; items are stamped
  with the signature of the file taken before the build read it; cached
  items leave out the build's settings and context.
- Content.get_relative_source_path, remembered (asked for every URL).
- Content.get_content and get_summary: each read of an item's text is noted
  for the page rendering then (reuse.py: a page that reads another item's
  text is rendered again when that item changes).
- Writer._open_w: a page kept from the last output is not written.
- pelican-yaml-metadata's get_date: dates parsed once per process.
- SmartyPants: a step is skipped on text that has none of its marks.
"""

import contextlib
import functools
import io
import os
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import smartypants
from feedgenerator import SyndicationFeed
from jinja2 import Template
from pelican import signals
from pelican.cache import FileDataCacher, FileStampDataCacher
from pelican.contents import Article, Content
from pelican.generators import CachingGenerator, Generator
from pelican.plugins.i18n_subsites import i18n_subsites
from pelican.plugins.yaml_metadata import yaml_metadata
from pelican.settings import Settings
from pelican.utils import get_date, pelican_open, posixize_path
from pelican.writers import Writer

from .. import sources
from .cache_file import read_cache, write_cache
from .reuse import PageReuse, Rendering, items_of

SUPPORTED = {"pelican": "4.12.0", "pelican-i18n-subsites": "1.0.0",
             "pelican-yaml-metadata": "2.2.0", "smartypants": "2.0.2"}


def unsupported() -> str | None:
    """Why the fast build cannot run with the packages installed, or None if it can."""
    for package, version in SUPPORTED.items():
        try:
            found = metadata.version(package)
        except metadata.PackageNotFoundError:
            found = "missing"
        if found != version:
            return f"it was written for {package} {version}, and {found} is installed"
    return None


def install(reuse: PageReuse) -> Settings:
    """Apply every change below in this process (a language's process), with reuse
    (reuse.PageReuse) noting the texts each page reads; return the settings the
    process's Pelican pass needs with them."""
    Content.get_relative_source_path = _relative_source_path
    Content.get_content = _noting_reads("get_content", reuse)
    Content.get_summary = _noting_reads("get_summary", reuse)
    Content.__getstate__ = _cached_state
    CachingGenerator.get_cached_data = _cached_item
    CachingGenerator._get_file_stamp = _signature_stamp
    Generator.get_files = _files_built_here
    FileDataCacher.__init__ = _load_or_miss
    FileDataCacher.save_cache = _save_whole
    yaml_metadata.get_date = _date
    for name, marks in SMARTYPANTS_MARKS.items():
        setattr(smartypants, name, _only_with_marks(getattr(smartypants, name), marks))
    signals.initialized.connect(_limit_to_build_language)
    signals.all_generators_finalized.connect(_run_own_language_only)
    signals.get_writer.connect(_fast_writer)
    return {"READERS": dict.fromkeys(FastMarkdownReader.file_extensions, FastMarkdownReader)}


def _process(settings):
    """The language process's state (language.LanguageProcess) from the settings."""
    return settings["FAST_PROCESS"]


def _is_built_here(settings):
    return settings["DEFAULT_LANG"] in settings["BUILD_LANGUAGES"]


# --- pelican-i18n-subsites: one language's pass per process ---------------------------

def _limit_to_build_language(pelican):
    """initialized handler: templates are not checked for changes on every use (a
    build never edits them) and their compiled code is kept by Jinja's bytecode
    cache; the theme's files are copied by one process; a pass another process
    writes reads nothing, so it caches nothing."""
    settings = pelican.settings
    settings["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"], "auto_reload": False,
                                     "bytecode_cache": _process(settings).template_cache}
    if settings["I18N_TEMPLATES_LANG"] not in settings["BUILD_LANGUAGES"]:
        settings["THEME_STATIC_PATHS"] = []
    if not _is_built_here(settings):
        settings["CACHE_CONTENT"] = settings["LOAD_CONTENT_CACHE"] = False


def _run_own_language_only(generators):
    """all_generators_finalized handler: drop the other languages' passes, swap URLs.

    Runs once a (sub)site's items are read. The main site's handler removes
    from i18n-subsites' queue the passes another process runs; the handler of
    this process's own pass, the last one read here, sends the URLs of its
    items to the parent and completes the table with the other languages'.
    """
    settings = generators[0].settings
    queue = i18n_subsites._SUBSITE_QUEUE
    for lang in [lang for lang in queue if lang not in settings["BUILD_LANGUAGES"]]:
        del queue[lang]
    if _is_built_here(settings) and not queue:
        urls = _process(settings).exchange_urls(dict(i18n_subsites._NATIVE_CONTENT_URL_DB))
        i18n_subsites._NATIVE_CONTENT_URL_DB.update(urls)


_STOCK_GET_FILES = Generator.get_files


def _files_built_here(self, paths, exclude=None, extensions=None):
    """Generator.get_files: a pass another process writes lists no file."""
    if not _is_built_here(self.settings):
        return set()
    return _STOCK_GET_FILES(self, paths, exclude, extensions)


# --- Pelican's Markdown reader ------------------------------------------------------

class FastMarkdownReader(sources.CheckedMarkdownReader):
    """The checked reader, with translations read for their metadata only, and the
    HTML of unchanged files from the memo."""

    def read(self, source_path: str) -> tuple[str, dict]:
        fields = sources.check_source(Path(source_path))
        # pelican-yaml-metadata's own reading of the values (dates, category)
        metadata = self._parse_yaml_metadata(
            {name: value for name, (value, _line) in fields.items()}, source_path)
        lang = sources.path_fields(source_path, self.settings).get("lang")
        if lang != self.settings["DEFAULT_LANG"]:
            # a translation: its page is another process's; this one links to it.
            return "", metadata
        memo = _process(self.settings).memo
        content = memo.get(source_path)
        if content is None:
            with pelican_open(source_path) as text:
                _header, _line, body = sources.front_matter(text)
            content = self._md.reset().convert(body)
            memo.put(source_path, content)
        return content, metadata


@functools.lru_cache(maxsize=None)
def _date(value):
    return get_date(value)  # dateutil is slow, and every pass reads every date


# --- Pelican's item cache -----------------------------------------------------------

def _cached_item(self, filename, default=None):
    """CachingGenerator.get_cached_data: an item from Pelican's cache, joined to this
    build. Pelican keeps with each item the settings and the context (other
    items, static files) of the build that read it; they are this build's
    again (its image variants are published with the others': images.publish_shown)."""
    item = FileStampDataCacher.get_cached_data(self, filename, default)
    if item is not default:
        item.settings, item._context = self.settings, self.context
    return item


def _signature_stamp(self, filename):
    """CachingGenerator._get_file_stamp: the file's signature taken before this build
    read anything (signatures.Inputs), not its time read after caching the item: an
    edit saved while the build runs is read again by the next build."""
    return _process(self.settings).inputs.full(os.path.join(self.path, filename))


_STOCK_CACHE_INIT = FileDataCacher.__init__


def _load_or_miss(self, settings, cache_name, caching_policy, load_policy):
    """FileDataCacher.__init__: a cache file that cannot be read back (damaged on the
    disk, say) is a cache missed. Pelican warns of a truncated file (and the
    build stops on any warning) and fails on others."""
    _STOCK_CACHE_INIT(self, settings, cache_name, caching_policy, load_policy=False)
    if load_policy:  # GZIP_CACHE is off (see language.item_cache_settings)
        self._cache = read_cache(self._cache_path, {})


def _save_whole(self):
    """FileDataCacher.save_cache, written whole or not at all (Pelican writes in place)."""
    if self._cache_data_policy:
        write_cache(self._cache_path, self._cache)


def _cached_state(self):
    """Content.__getstate__: an item as the cache keeps it, without the build's
    settings and context (the whole site), which _cached_item gives back."""
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


def _noting_reads(name, reuse):
    """Content.<name> (get_content, get_summary), noting for reuse each item whose text
    is read: outside Pelican's memo (pelican.utils.memoized, called with the item
    first), so that a second page reading the same item's text is noted too. A
    summary from the metadata is not the text (every item's metadata is among
    every page's inputs)."""
    memo = vars(Content)[name]

    def noted(self, *args: str) -> str:
        if name == "get_content" or "summary" not in self.metadata:
            reuse.note_read(self)
        return memo(self, *args)
    return noted


# --- Pelican's writer ---------------------------------------------------------------

def _fast_writer(_pelican):
    """get_writer handler."""
    return FastWriter


class FastWriter(Writer):
    """Writes nothing for a pass another process writes; on a rebuild, no page or
    feed the last output has unchanged (see reuse.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = set()

    def write_file(self, name: str, template: Template, context: dict, *args: Any,
                   **kwargs: Any) -> None:
        if not _is_built_here(self.settings):
            return None
        reuse = _process(self.settings).reuse
        items = items_of(kwargs.values())
        if not kwargs.get("paginated") and reuse.reuse(reuse.name(self.output_path, name),
                                                       reuse.shown(items)):
            return None  # a news item or page the output has unchanged
        rendering = Rendering(template, reuse, self.output_path, items)
        self.kept = rendering.kept
        super().write_file(name, rendering, context, *args, **kwargs)
        rendering.record()
        return None

    def write_feed(self, elements: Sequence[Article], context: dict, path: str | None = None,
                   *args: Any, **kwargs: Any) -> SyndicationFeed | None:
        if not _is_built_here(self.settings):
            return None
        reuse = _process(self.settings).reuse
        if path:
            shown = reuse.shown(items_of([elements[: self.settings["FEED_MAX_ITEMS"]]]))
            name = reuse.name(self.output_path, path)
            if reuse.reuse(name, shown):
                return None
            reuse.written(name, shown, False)
        return super().write_feed(elements, context, path, *args, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        if self.kept:
            name = _process(self.settings).reuse.name(self.output_path, filename)
            if name in self.kept:  # the last output has it: nothing to write
                self.kept.discard(name)
                return contextlib.nullcontext(io.StringIO())
        return super()._open_w(filename, encoding, override)


# --- SmartyPants --------------------------------------------------------------------

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
    """step, run only on text that has one of marks."""
    @functools.wraps(step)
    def needed(text: str) -> str:
        return step(text) if any(mark in text for mark in marks) else text
    return needed

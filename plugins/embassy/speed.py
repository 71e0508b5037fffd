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
"""

from pelican.plugins.i18n_subsites import i18n_subsites
from pelican.writers import Writer

# The connection to the parent process during a parallel build (see build.py).
EXCHANGE = None


class OtherLanguageFailed(Exception):
    """Another language's process stopped before the URLs were exchanged."""


def is_built_here(settings):
    return settings["DEFAULT_LANG"] in settings["BUILD_LANGUAGES"]


def _builds_every_language(settings):
    return set(settings["BUILD_LANGUAGES"]) == set(settings["LANGUAGES"])


class LanguageWriter(Writer):
    """Pelican's writer, silent for the main site when another process writes it."""

    def write_file(self, *args, **kwargs):
        if is_built_here(self.settings):
            return super().write_file(*args, **kwargs)
        return None

    def write_feed(self, *args, **kwargs):
        if is_built_here(self.settings):
            return super().write_feed(*args, **kwargs)
        return None


def writer_for_build_languages(pelican):
    """get_writer handler: the language-limited writer when building in parallel."""
    if not _builds_every_language(pelican.settings):
        return LanguageWriter
    return None


def limit_to_build_languages(pelican):
    """initialized handler: the theme's files are copied by the main language's process;
    templates are not checked for changes on every use (a build never edits them)."""
    settings = pelican.settings
    if settings.get("FAST_BUILD"):
        settings["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"], "auto_reload": False}
    if settings["I18N_TEMPLATES_LANG"] not in settings["BUILD_LANGUAGES"]:
        settings["THEME_STATIC_PATHS"] = []


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
        EXCHANGE.send(dict(i18n_subsites._NATIVE_CONTENT_URL_DB))
        urls = EXCHANGE.recv()
        if urls is None:
            raise OtherLanguageFailed("another language's build stopped")
        i18n_subsites._NATIVE_CONTENT_URL_DB.update(urls)


def reading_mode(settings, file_lang):
    """How this (sub)site reads a file: "full", "metadata" or "skip".

    full: this process writes the file's page. metadata: a page written here
    links to it (a translation). skip: the site is another process's, and
    is neither read nor written here.
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

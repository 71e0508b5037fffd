"""The fast build's parts inside Pelican: write only this process's languages.

build.py runs one process per language (BUILD_LANGUAGES = [lang]); every
process still runs pelican-i18n-subsites over all languages, so links between
languages are computed as usual, but the other languages' items are only read
for their metadata (sources.CheckedMarkdownReader) and their pages are not
written here.
"""

from pelican.writers import Writer


def is_built_here(settings):
    return settings["DEFAULT_LANG"] in settings["BUILD_LANGUAGES"]


class LanguageWriter(Writer):
    """Pelican's writer, silent for the (sub)sites another process writes."""

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
    if set(pelican.settings["BUILD_LANGUAGES"]) != set(pelican.settings["LANGUAGES"]):
        return LanguageWriter
    return None


def limit_to_build_languages(pelican):
    """initialized handler: the theme's files are copied by the main language's process."""
    settings = pelican.settings
    if settings["I18N_TEMPLATES_LANG"] not in settings["BUILD_LANGUAGES"]:
        settings["THEME_STATIC_PATHS"] = []


def reading_mode(settings, file_lang):
    """How this (sub)site reads a file: "full", "metadata" or "skip".

    full: this process writes the file's page. metadata: a page written here
    links to it (a translation), or another process writes it but this one
    must know its URL (pelican-i18n-subsites links languages through each
    item's native site). skip: a (sub)site written elsewhere needs nothing
    from another language's file.
    """
    if not settings.get("FAST_BUILD"):
        return "full"
    own_language = file_lang == settings["DEFAULT_LANG"]
    if is_built_here(settings):
        return "full" if own_language else "metadata"
    return "metadata" if own_language else "skip"

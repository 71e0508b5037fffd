"""What one build's Pelican passes share, passed to them in the settings.

safebuild/ and fast/ (or the plugin, for a plain `pelican` run) put one BuildState in
the settings as BUILD_STATE; i18n-subsites copies the settings of the main
site for each language's pass, so every pass holds the same object. The
handlers add to it while Pelican reads and writes; the steps that finish the
site read it. Nothing is kept in module globals between builds.
"""

from dataclasses import dataclass, field


def _gone():
    return None


class LivesWithTheBuild:
    """An object that lives as long as one build: Pelican's item cache pickles
    objects that keep the settings (categories do), and these come back from it
    as None, never as a stale copy (a stale pipe to a process long gone would
    close, when collected, whatever file has its number now)."""

    def __reduce__(self):
        return (_gone, ())


class NoMemo:
    """A memo that remembers nothing (the text_memo of a stock build)."""

    @staticmethod
    def result(_source_path, _kind, text, compute):
        return compute(text)


@dataclass(eq=False)
class BuildState(LivesWithTheBuild):
    """One build's shared state: what each step adds for the steps that finish the site."""

    root: str  # the folder the whole site is written into (the main site's OUTPUT_PATH)
    # image variants the pages show: {output name under media/: (source path, width)}
    images: dict = field(default_factory=dict)
    # sharing cards the pages name: {output name under media/: cards.Card}
    cards: dict = field(default_factory=dict)
    # every indexable page written: {its file, relative to root: sitemap.Entry}
    sitemap: dict = field(default_factory=dict)
    # the published news items and pages of each language: {lang: {"news": n, "pages": n}}
    counts: dict = field(default_factory=dict)
    # the former site's addresses with their new page's path from the site's root
    # (redirects.py): {"/ES/es_bilaterales.html": "/es/marco-juridico/"}
    moved: dict = field(default_factory=dict)
    # results of pure text functions (typography) kept between builds:
    # .result(source file, kind, text, compute)
    text_memo: object = field(default_factory=NoMemo)


def of(settings):
    """The build's state, from any (sub)site's settings."""
    return settings["BUILD_STATE"]


def provide(pelican):
    """initialized handler: a build started without safebuild/ (a plain `pelican` run) gets
    its state here, on the main site; the language subsites copy its settings."""
    pelican.settings.setdefault("BUILD_STATE", BuildState(pelican.settings["OUTPUT_PATH"]))

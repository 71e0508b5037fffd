"""The steps that finish a site once its languages' pages are written: one sequence.

The stock build runs it when Pelican's main site is done (its finalized
signal, __init__.py); the fast build runs it in its own process, once the
languages' processes have reported (fast/__init__.py). What differs between
them comes in as arguments: what the passes noted (a BuildState), which
languages' pages were written into the folder, and, for a rebuild, the last
output whose media files the new site keeps.

A step every site needs at the end (a file beside the pages) goes here, once.
"""

from collections.abc import Iterable
from pathlib import Path

from pelican.settings import Settings

from . import admin, assets, cards, due, hosting, images, media, search, sitemap
from .state import BuildState
from .summary import Progress


def finish_site(settings: Settings, output: str | Path, made: BuildState, built: Iterable[str],
                index: bool = True, published: str | Path | None = None,
                progress: Progress | None = None) -> None:
    """Finish the site in output: image variants and sharing cards (made on every
    core while Pagefind indexes), the theme's assets and the editor (when the
    main site's language was written: its pass copies the theme), the host
    files, what the clock decided, the sitemap.

    made: the BuildState of the passes (images, cards, moved, sitemap);
    built: the languages written into output; index: whether to index them
    for search here (a rebuild indexes them in the new site, see
    fast/standby.py); published: the last output a rebuild keeps media from.
    """
    progress = progress or Progress(enabled=False)
    indexed = list(built) if index else []
    work = [(images.VARIANTS, media.jobs(images.VARIANTS, settings, made.images)),
            (cards.CARDS, media.jobs(cards.CARDS, settings, made.cards))]
    if indexed:
        progress.step("Indexing for search, making image variants and sharing cards")

    def index_languages():
        for lang in indexed:
            search.index_language(output, lang)

    media.make_while(work, index_languages)
    media.publish(images.VARIANTS, settings, made.images, output, published)
    media.publish(cards.CARDS, settings, made.cards, output, published)
    if settings["I18N_TEMPLATES_LANG"] in built:
        assets.fingerprint_assets(output, settings["THEME"], settings["THEME_STATIC_DIR"])
        admin.write_editor(output, settings)
    hosting.write_host_files(output, settings, made.moved)
    due.write_state(output, settings)
    sitemap.write(output, settings["SITEURL"], made.sitemap.values())

"""The embassy site's Pelican plugin: one module per concern.

- errors: the one exception type that stops a build with a message for staff.
- catalogs: checks the theme's gettext catalogs and compiles them.
- sources: checks each content file (index.<lang>.md, YAML front matter) before
  Pelican reads it.
- content: checks content metadata and bodies, localizes categories.
- sanitize: every news item's and page's HTML through an allowlist (nh3).
- data: loads and checks the YAML data files (agreements, glossary, embassy, chronology).
- clock: the build's "now" in Ottawa time (EMBASSY_NOW fixes it).
- notices: the staff's notices, shown on every page of their language for a time.
- due: what the clock decides, as a signature (build-state.json, the scheduled deploy).
- languages: the languages' declaration checked, their names, the URLs of a page in
  every language.
- images: responsive images, published once for every language.
- cards: each page's sharing card (og:image), drawn with Pillow.
- dates: dates formatted by Babel from CLDR data.
- typography: typogrify for English, French and Spanish rules; a language without
  rules keeps its text as written.
- feeds: language, links and ids of the Atom and RSS feeds.
- modified: the "date modified" of every page.
- sitemap: sitemap.xml with language alternates, and robots.txt.
- search: the Pagefind search index.
- assets: the theme's CSS, JS and icons, minified under fingerprinted names.
- hosting: _headers and _redirects for static hosts.
- media: image variants and sharing cards: cached, made on every core, linked.
- finish: the steps that finish a site once its pages are written (both builds).
- redirects: the former site's addresses (embassyofperu.ca), each leading on to
  its page: a page at each for GitHub Pages, the moves for the host files.
- admin: the browser editor at /admin/ (Sveltia CMS), configured from the settings.
- style: the house-style rules a program can check (French "1er", "RTC"…).
- state: what one build's Pelican passes share (passed in the settings).
- run: one Pelican run, its problems collected; processes: the processes a build
  starts, none outliving it; atomic: a file written whole or not at all.
- summary: the build's few lines for staff (counts, files, time) and its progress;
  messages: a message for staff that keeps its msgid, for its translations;
  run_summary: the workflow run's summary, in every language.
- gates/: the quality gates a site must pass before it is published.

Two subpackages use these modules; none of these modules uses them:
- safebuild/: the safe build that tasks.py runs (never destroys the last output).
- fast/: the fast build, one process per language (see docs/architecture.md).

Outside the build, for tasks.py, the tests and the benchmarks:
- nginx: the nginx configuration (local, production) and Debian's nginx on loopback.
"""

from pelican import Pelican, signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, Generator, PagesGenerator

from . import (
    assets,
    cards,
    catalogs,
    content,
    data,
    dates,
    feeds,
    finish,
    hosting,
    images,
    languages,
    modified,
    notices,
    redirects,
    sanitize,
    sitemap,
    sources,
    state,
    summary,
    typography,
)


def add_template_helpers(generator: Generator) -> None:
    """Make the plugin's Jinja filters and globals available to templates."""
    generator.env.filters.update(dates.FILTERS)
    generator.env.filters.update(languages.FILTERS)
    generator.env.filters.update(data.FILTERS)
    generator.env.globals.update(languages.GLOBALS)
    generator.env.globals.update(modified.GLOBALS)
    generator.env.globals.update(assets.GLOBALS)
    generator.env.globals.update(cards.GLOBALS)


def prepare_content(instance: Content) -> None:
    """Check a news item or page (one dated after now waits, as a draft), then prepare
    it: HTML through the allowlist, images,
    then no link left that would publish another file of its folder, date modified,
    typography, and metadata escaped last (typography works on the plain text).
    """
    content.check_content(instance)
    content.hold_until_due(instance)
    modified.set_last_modified(instance)
    sanitize.sanitize_content(instance)
    images.responsive_images(instance)
    content.check_published_links(instance)
    typography.apply(instance)
    content.protect_metadata(instance)


def check_generated_content(generator: ArticlesGenerator | PagesGenerator) -> None:
    """Once a (sub)site's items are read: duplicates, languages, scheduled items, drafts;
    then the photos of the items it writes."""
    content.check_unique_keys(generator)
    content.check_languages(generator)
    content.note_scheduled(generator)
    content.filter_drafts(generator)
    images.publish_shown(generator)


def finish_after_main_site(pelican: Pelican) -> None:
    """finalized handler: the main site finishes last, after its subsites (unless the
    run only writes pages: FINISH_SITE = False, as a language's process does)."""
    settings = pelican.settings
    if settings["DEFAULT_LANG"] == settings["I18N_TEMPLATES_LANG"] and settings.get(
            "FINISH_SITE", True):
        finish.finish_site(settings, settings["OUTPUT_PATH"], state.of(settings),
                           settings["LANGUAGES"])


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(state.provide)
    signals.initialized.connect(languages.check_declaration)
    signals.initialized.connect(catalogs.check_and_compile)
    signals.initialized.connect(data.load_into_settings)
    signals.initialized.connect(redirects.load_into_settings)
    signals.initialized.connect(notices.load_into_settings)
    signals.initialized.connect(content.configure_categories)
    signals.initialized.connect(feeds.set_feed_domain)
    signals.initialized.connect(images.set_media_url)
    signals.initialized.connect(modified.load_data_times)
    signals.initialized.connect(hosting.add_meta_policy)
    signals.readers_init.connect(sources.use_checked_reader)
    signals.generator_init.connect(add_template_helpers)
    # One handler, as blinker does not promise an order between receivers.
    signals.content_object_init.connect(prepare_content)
    signals.article_generator_finalized.connect(check_generated_content)
    signals.page_generator_finalized.connect(check_generated_content)
    signals.all_generators_finalized.connect(summary.count_items)
    signals.page_writer_finalized.connect(redirects.write_pages)
    signals.content_written.connect(sitemap.record_page)
    signals.feed_generated.connect(feeds.complete_feed)
    signals.finalized.connect(finish_after_main_site)

"""Development settings for the Embassy of Peru in Canada site.

publishconf.py imports everything here and overrides only what production
changes. Project logic lives in the local plugin package ``plugins/embassy``.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Site -----------------------------------------------------------------------
SITEURL = ""
TIMEZONE = "America/Toronto"  # Ottawa's time zone

# Paths and URLs ---------------------------------------------------------------
# Absolute, so that a settings file elsewhere can import these (the tests do).
PATH = str(HERE / "content")
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["pages"]
# One folder per news item or page, one file per language: news/<key>/index.en.md.
# The key (shared by the languages) and the language come from the path; the
# browser editor (admin/) writes the same layout. Files are Markdown with YAML
# front matter (pelican-yaml-metadata).
PATH_METADATA = r"(?:news|pages)/(?P<key>[^/]+)/index\.(?P<lang>[^./]+)\.md$"
STATIC_PATHS = []  # images beside items are published by the plugin, once
CACHE_PATH = str(HERE / "cache")
DATA_PATH = "data"  # agreements, chronology, embassy and glossary (.yaml), read by the plugin
# Notices shown on every page for a time: notices/<key>/index.<lang>.md, read by
# the plugin (plugins/embassy/notices.py), never by Pelican.
NOTICES_PATH = "notices"
OUTPUT_PATH = str(HERE / "output")
RELATIVE_URLS = False
SLUGIFY_SOURCE = "title"
# Summaries are plain text, like titles (the plugin escapes any markup in them).
FORMATTED_FIELDS = []

# Languages --------------------------------------------------------------------
# Every language of the site, declared once, in site order; the settings below
# are derived from this. ISO 639-1 codes, the same in folders, metadata and
# catalogs (translations/<code>/). The main Pelican site is DEFAULT_LANG; the
# others are pelican-i18n-subsites subsites. The languages are equal: each lives
# under its own prefix, and the root is a chooser in every language. A
# language's own name ("Español") comes from Babel. docs/architecture.md, "A new
# language", says how to add one.
#   locale: Babel's, for dates ("October 21, 1944", as Canada.ca) and og:locale.
#   site_name, description: the site's name (also the author of its news) and
#     description in the language (feeds, meta description).
#   sections: the words of the language's URLs.
#   categories: each news category's name (the key written in an item's
#     metadata -> its name, which gives its slug too).
#   Typography (quotes, spaces before punctuation) is code, by language code, in
#   plugins/embassy/typography.py; a language without rules keeps its text as written.
SITE_LANGUAGES = {
    "en": {
        "locale": "en_CA",
        "site_name": "Embassy of Peru in Canada",
        "description": "News and information from the Embassy of Peru in Canada on the "
                       "relations between Peru and Canada.",
        "sections": {"news": "news", "category": "category", "archives": "archives",
                     "page": "page", "drafts": "drafts", "search": "search"},
        "categories": {"news": "Announcements", "events": "Events"},
    },
    "es": {
        "locale": "es_PE",
        "site_name": "Embajada del Perú en Canadá",
        "description": "Noticias e información de la Embajada del Perú en Canadá sobre las "
                       "relaciones entre el Perú y Canadá.",
        "sections": {"news": "noticias", "category": "categoria", "archives": "archivo",
                     "page": "pagina", "drafts": "borradores", "search": "buscar"},
        "categories": {"news": "Comunicados", "events": "Eventos"},
    },
    "fr": {
        "locale": "fr_CA",
        "site_name": "Ambassade du Pérou au Canada",
        "description": "Nouvelles et information de l’ambassade du Pérou au Canada sur les "
                       "relations entre le Pérou et le Canada.",
        "sections": {"news": "nouvelles", "category": "categorie", "archives": "archives",
                     "page": "page", "drafts": "brouillons", "search": "recherche"},
        "categories": {"news": "Communiqués", "events": "Événements"},
    },
}
DEFAULT_LANG = "en"

# Derived from SITE_LANGUAGES: the plugin and the templates read these.
# (.get: a declaration missing a field is named by the plugin, which checks it.)
LANGUAGES = tuple(SITE_LANGUAGES)
DATE_LOCALES = {lang: declared.get("locale") for lang, declared in SITE_LANGUAGES.items()}
OG_LOCALES = DATE_LOCALES  # og:locale is ll_CC, as Babel's locales are
SITENAMES = {lang: declared.get("site_name") for lang, declared in SITE_LANGUAGES.items()}
SITESUBTITLES = {lang: declared.get("description") for lang, declared in SITE_LANGUAGES.items()}
SECTIONS = {lang: declared.get("sections", {}) for lang, declared in SITE_LANGUAGES.items()}
# News categories by key, then language. The "news" category is named apart
# from the News section that lists both.
CATEGORIES = {key: {lang: declared.get("categories", {}).get(key)
                    for lang, declared in SITE_LANGUAGES.items()}
              for key in SITE_LANGUAGES[DEFAULT_LANG]["categories"]}


def url_settings(lang, prefix):
    """Pelican URL settings for one language, each path starting with prefix."""
    # The main language's words stand in for missing ones only until the plugin
    # refuses the declaration, naming the missing word.
    section = {**SECTIONS[DEFAULT_LANG], **SECTIONS[lang]}
    news, drafts = f"{prefix}{section['news']}/", f"{prefix}{section['drafts']}/"
    category = f"{prefix}{section['category']}/{{slug}}/"
    archives = f"{prefix}{section['archives']}/"
    settings = {
        "INDEX_URL": prefix,
        "NEWS_URL": news,
        "ARTICLE_URL": news + "{slug}/",
        "DRAFT_URL": drafts + "{slug}/",
        "PAGE_URL": prefix + "{slug}/",
        "DRAFT_PAGE_URL": drafts + "pages/{slug}/",
        "CATEGORY_URL": category,
        "ARCHIVES_URL": archives,
        "SEARCH_URL": f"{prefix}{section['search']}/",
        "404_URL": f"{prefix}404.html",
        # FEED_ATOM holds a language's own news; Pelican's FEED_ALL_* would mix
        # in every translation.
        "FEED_ATOM": f"{prefix}feeds/all.atom.xml",
        "FEED_RSS": f"{prefix}feeds/all.rss.xml",
        "CATEGORY_FEED_ATOM": f"{prefix}feeds/{{slug}}.atom.xml",
        "CATEGORY_FEED_RSS": f"{prefix}feeds/{{slug}}.rss.xml",
        "PAGINATION_PATTERNS": (
            (1, "{url}", "{save_as}"),
            (2, f"{{base_name}}/{section['page']}/{{number}}/",
             f"{{base_name}}/{section['page']}/{{number}}/index.html"),
        ),
    }
    for name in ("INDEX", "NEWS", "ARTICLE", "DRAFT", "PAGE", "DRAFT_PAGE",
                 "CATEGORY", "ARCHIVES", "SEARCH"):
        settings[f"{name}_SAVE_AS"] = settings[f"{name}_URL"] + "index.html"
    settings["404_SAVE_AS"] = settings["404_URL"]
    # Each language builds only its own content, so a translation's URL is the
    # same as an original's.
    for name in ("ARTICLE", "DRAFT", "PAGE", "DRAFT_PAGE"):
        settings[f"{name}_LANG_URL"] = settings[f"{name}_URL"]
        settings[f"{name}_LANG_SAVE_AS"] = settings[f"{name}_SAVE_AS"]
    return settings


# Every language's URLs from the site root, for links between languages.
LANGUAGE_URLS = {lang: url_settings(lang, f"{lang}/") for lang in LANGUAGES}

SITENAME = AUTHOR = SITENAMES[DEFAULT_LANG]
SITESUBTITLE = SITESUBTITLES[DEFAULT_LANG]
globals().update(LANGUAGE_URLS[DEFAULT_LANG])

I18N_SUBSITES = {
    lang: {"SITENAME": SITENAMES[lang], "AUTHOR": SITENAMES[lang],
           "SITESUBTITLE": SITESUBTITLES[lang], "CHOOSER_SAVE_AS": "",
           "ROOT_404_SAVE_AS": "", **url_settings(lang, "")}
    for lang in LANGUAGES if lang != DEFAULT_LANG
}
# An item missing a language builds here with a notice; publishconf.py makes it
# an error. Drafts are previewed here and never published.
REQUIRE_ALL_LANGUAGES = False
PUBLISH_DRAFTS = True
# A news item or page missing a language is never shown in another language.
I18N_UNTRANSLATED_ARTICLES = "remove"
I18N_UNTRANSLATED_PAGES = "remove"
ARTICLE_TRANSLATION_ID = "key"
PAGE_TRANSLATION_ID = "key"
I18N_GETTEXT_LOCALEDIR = str(HERE / "translations")
I18N_TEMPLATES_LANG = "en"

# The pages in the main menu and on the home page, by Key.
NAV_PAGES = ["legal-framework", "foreign-policy", "agreements", "chronology", "about"]
HOME_NEWS_COUNT = 3
# Pages whose "date modified" also follows a data file (Template -> data file).
PAGE_DATA = {"agreements": ["agreements", "glossary"], "about": ["embassy"],
             "chronology": ["chronology", "agreements", "glossary"]}

# Pages built from templates rather than content. The chooser and the
# trilingual 404 are written once, at the root, by the main site.
DIRECT_TEMPLATES = ["index", "news", "archives", "search", "404", "chooser", "root_404"]
PAGINATED_TEMPLATES = {"news": None, "category": None}
DEFAULT_PAGINATION = 10
CHOOSER_SAVE_AS = "index.html"
ROOT_404_SAVE_AS = "404.html"
TAGS_SAVE_AS = TAG_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHORS_SAVE_AS = AUTHOR_SAVE_AS = ""

# Feeds ------------------------------------------------------------------------
# Per-language Atom and RSS feeds (paths above); the plugin declares each
# feed's language, links and ids. Feeds carry full content.
FEED_ALL_ATOM = FEED_ALL_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 20

# Theme ------------------------------------------------------------------------
THEME = str(HERE / "theme")
THEME_STATIC_DIR = "theme"
JINJA_ENVIRONMENT = {
    "extensions": ["jinja2.ext.i18n"],
    "autoescape": True,  # metadata is text; content is marked safe where shown
    "trim_blocks": True,
    "lstrip_blocks": True,
}
# Typography is applied per language by the plugin: typogrify for English
# only, so its English quotes never reach Spanish or French pages.
TYPOGRIFY = False
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# Security ---------------------------------------------------------------------
# One policy for every host: the plugin writes it to output/_headers (Netlify,
# Cloudflare Pages) and, less frame-ancestors, into each page's <meta
# http-equiv> (GitHub Pages sends no custom headers; there the frame guard,
# theme/static/js/frame-guard.js, keeps pages out of frames);
# nginx/security-headers.conf repeats it for nginx (a test keeps the two
# equal). Pagefind's search runs WebAssembly, hence 'wasm-unsafe-eval' (not
# 'unsafe-eval': no JavaScript eval), on the search pages only: the hosts'
# header allows it (they cannot tell the pages apart), and every other page's
# own <meta> policy, which the browser enforces as well, does not.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SEARCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self';", "script-src 'self' 'wasm-unsafe-eval';")
SECURITY_HEADERS = {
    "Content-Security-Policy": SEARCH_CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                          "magnetometer=(), microphone=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Cross-Origin-Resource-Policy: the site's files for its own pages only, but
# images and feeds may be shown by feed readers on other sites.
RESOURCE_POLICY = {"/*": "same-origin", "/media/*": "cross-origin",
                   "/*/feeds/*": "cross-origin"}
# Cache lifetimes by path (theme assets are fingerprinted by the build).
CACHE_CONTROL = {
    "/theme/*": "public, max-age=31536000, immutable",
    "/media/*": "public, max-age=604800",
    "/pagefind/*": "no-cache",  # entry files keep their names: revalidated
    "/pagefind/*/fragment/*": "public, max-age=31536000, immutable",  # named by content
    "/pagefind/*/index/*": "public, max-age=31536000, immutable",
}

# Browser editor ---------------------------------------------------------------
# Staff write news and pages at /admin/ with Sveltia CMS (pinned in
# admin/package-lock.json; plugins/embassy/admin.py writes its configuration
# from these settings). EDITOR_REPOSITORY: owner/name on GitHub (the Pages
# workflow sets GITHUB_REPOSITORY; else the checkout's origin, if on GitHub).
EDITOR_PATH = str(HERE / "admin")
EDITOR_SAVE_AS = "admin/"
EDITOR_REPOSITORY = os.environ.get("GITHUB_REPOSITORY", "")
EDITOR_BRANCH = "main"
EDITOR_REQUIRED = False  # without Node.js, or at a shared *.github.io project address,
                         # the site is built without the editor
# The editor's own policy (its page only; the public pages keep theirs): scripts
# from the site only; styles inline too (the editor's components inject them);
# connections to GitHub's API (and its status, which the sign-in page shows);
# images of the account's avatar, and blob:/data: for the images being uploaded;
# the preview pane, a blob: frame under this policy, sets its <base> to this origin.
EDITOR_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' blob: data: https://avatars.githubusercontent.com; font-src 'self'; "
    "connect-src 'self' blob: data: https://api.github.com https://www.githubstatus.com; "
    "media-src 'self' blob:; manifest-src 'self' blob:; frame-src blob:; "
    "base-uri 'self'; form-action 'none'; frame-ancestors 'none'"
)

# Build speed -------------------------------------------------------------------
# The fast build (plugins/embassy/fast/, see docs/architecture.md): one process
# per language, each reading and rendering only its own language's items. False
# gives stock Pelican + pelican-i18n-subsites (the benchmark's baseline); the
# output is the same byte for byte (a test checks it).
FAST_BUILD = True
# Its two parts, each can be turned off alone (the output stays the same; tests
# check it): False builds the languages one after the other, not side by side;
FAST_BUILD_PARALLEL = True
# False makes every build a full one (no record of the last build, no page kept
# from it, no standby; the Markdown memo and file signatures are still kept).
FAST_BUILD_INCREMENTAL = True

# Plugins ----------------------------------------------------------------------
PLUGIN_PATHS = [str(HERE / "plugins")]
PLUGINS = ["pelican.plugins.i18n_subsites", "embassy"]

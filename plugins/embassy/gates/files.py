"""Only files of the kinds the site publishes, each in its own place.

An item's folder publishes its pages and its photos, encoded again, and nothing
else (content.check_published_links, images.py); this gate checks the result
from the other end: a file in output/ that no line below describes (a script
or an SVG beside a news item, a copy of a file of the build machine, a stray
file of any kind) fails publishing, named. A new kind of file the build
writes gets its line here, with what it is.
"""

import re

LANG = r"[a-z]{2,3}"  # a language's folder: its ISO 639 code
NAME = r"[a-z0-9-]+"  # a slug, a section's or a category's name
FINGERPRINT = r"\.[0-9a-f]{10}"  # hosting.fingerprinted_name
PLACES = {
    "a page": rf"(?:{LANG}/)?(?:{NAME}/)*index\.html|(?:{LANG}/)?404\.html",
    "a feed": rf"{LANG}/feeds/{NAME}\.(?:atom|rss)\.xml",
    "a file for hosts and search engines": r"sitemap\.xml|robots\.txt|_headers|_redirects",
    "what the clock decided, for the scheduled deploy (due.py)": r"build-state\.json",
    "the theme's stylesheets, scripts and icon (and their gzip copies)":
        rf"theme/(?:css/{NAME}{FINGERPRINT}\.css|js/{NAME}{FINGERPRINT}\.js"
        rf"|{NAME}{FINGERPRINT}\.svg)(?:\.gz)?",
    "a photo's variant (images.py)":
        r"media/(?:news|pages)/[^/]+/(?:[^/]+/)*[^/]+-\d+w\.(?:jpg|jpeg|png|webp)",
    "a sharing card (cards.py)": r"media/cards/[0-9a-f]{32}\.png",
    "the search index and library (Pagefind)":
        rf"pagefind/{LANG}/(?:[\w.-]+\.(?:js|css|json|pf_meta|pagefind)"
        r"|fragment/[\w.-]+\.pf_fragment|index/[\w.-]+\.pf_index)",
    "the browser editor (admin.py)":
        r"admin/(?:index\.html|config\.yml|LICENSE\.txt|[\w.-]+\.js|assets/[\w.-]+\.woff2)",
}
_PUBLISHED = re.compile("|".join(f"(?:{pattern})" for pattern in PLACES.values()))


def problems_of(site, path):
    relative = site.relative(path)
    if path.is_symlink():
        return [f"{relative}: a symbolic link (the build writes files only)"]
    if not _PUBLISHED.fullmatch(relative):
        return [f"{relative}: not a kind of file the site publishes there"]
    return []


def check(site):
    """(files checked, problems) for every file of a built site."""
    files = [path for path in sorted(site.root.rglob("*")) if not path.is_dir()]
    return len(files), [problem for path in files for problem in problems_of(site, path)]

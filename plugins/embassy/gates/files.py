"""Only files of the kinds the site publishes, each in its own place.

An item's folder publishes its pages and its photos, encoded again, and nothing
else (content.check_published_links, images.py); this gate checks the result
from the other end: a file in output/ that no line below describes (a script
or an SVG beside a news item, a copy of a file of the build machine, a stray
file of any kind) fails publishing, named. A new kind of file the build
writes gets its line here, with what it is.
"""

import re
from collections.abc import Collection
from pathlib import Path

from ..hosting import moved_addresses
from ..redirects import SEGMENT, SITE_FILES, page_file
from .site import BuiltSite

LANG = r"[a-z]{2,3}"  # a language's folder: its ISO 639 code
NAME = r"[a-z0-9-]+"  # a slug, a section's or a category's name
FINGERPRINT = r"\.[0-9a-f]{10}"  # assets.fingerprinted_name
# A page at one of the former site's addresses, leading on to its new page
# (redirects.py): there only if _redirects moves that address for good.
MOVED = "a page at an address of the former site (redirects.py), moved in _redirects"
PLACES = {
    "a page": rf"(?:{LANG}/)?(?:{NAME}/)*index\.html|(?:{LANG}/)?404\.html",
    "a feed": rf"{LANG}/feeds/{NAME}\.(?:atom|rss)\.xml",
    "a file for hosts and search engines": "|".join(map(re.escape, SITE_FILES)),
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
    MOVED: rf"(?:{SEGMENT}/)*{SEGMENT}\.html?",
}
_PUBLISHED = re.compile("|".join(f"(?:{pattern})" for what, pattern in PLACES.items()
                                 if what != MOVED))
_MOVED = re.compile(PLACES[MOVED])


def problems_of(site: BuiltSite, path: Path, moved: Collection[str] = frozenset()) -> list[str]:
    """moved: the files of the pages at the former site's addresses (_redirects')."""
    relative = site.relative(path)
    if path.is_symlink():
        return [f"{relative}: a symbolic link (the build writes files only)"]
    if not _PUBLISHED.fullmatch(relative) and not (
            relative in moved and _MOVED.fullmatch(relative)):
        return [f"{relative}: not a kind of file the site publishes there"]
    return []


def check(site: BuiltSite) -> tuple[int, list[str]]:
    """(files checked, problems) for every file of a built site."""
    moved = {page_file(old) for old, _new in moved_addresses(site.root)}
    files = [path for path in sorted(site.root.rglob("*")) if not path.is_dir()]
    return len(files), [problem for path in files
                        for problem in problems_of(site, path, moved)]

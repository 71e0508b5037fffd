"""Full-text search: Pagefind indexes the built pages, one bundle per language.

Pagefind (the PyPI package with its bundled binary) writes
output/pagefind/<lang>/ from that language's pages only, so a search from
/es/ only finds Spanish pages. Only the elements marked data-pagefind-body
(news items and pages) are indexed. A rebuild indexes into a separate
folder and moves in only the files that changed (see build._update).
"""

import functools
import subprocess
from pathlib import Path

from .errors import SiteError


@functools.lru_cache(maxsize=None)
def _executable():
    """The Pagefind binary of the pagefind[bin] package (what `python -m pagefind` runs)."""
    try:
        from pagefind_bin import get_executable

        return str(get_executable())
    except (ImportError, FileNotFoundError) as error:
        raise SiteError("pagefind", f"Pagefind is not installed ({error}).",
                        "run `pip install -r requirements.txt` (it installs pagefind[bin]).") from None


def index_language(output, lang, bundle=None):
    """Write output/pagefind/<lang>/ (the index and the search library), or, with
    bundle, that folder; stop the build if Pagefind fails."""
    where = ["--output-path", str(bundle)] if bundle else ["--output-subdir", f"pagefind/{lang}"]
    result = subprocess.run(
        [_executable(), "--site", str(output), "--glob", f"{lang}/**/*.html", *where],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SiteError("pagefind", f"the search index could not be built: "
                        f"{result.stderr.strip() or result.stdout.strip()}",
                        "run `pip install -r requirements.txt` (it installs pagefind[bin]).")


# Pagefind names these files by a hash of what they hold.
HASHED_FOLDERS = ("fragment", "index", "filter")


def same_bundle_file(relative, existing):
    """Whether a new index's file is one an earlier index of the site already has."""
    return Path(relative).parts[0] in HASHED_FOLDERS


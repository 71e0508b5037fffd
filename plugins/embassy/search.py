"""Full-text search: Pagefind indexes the built pages, one bundle per language.

Pagefind (the PyPI package with its bundled binary) writes
output/pagefind/<lang>/ from that language's pages only, so a search from
/es/ only finds Spanish pages, and each language can be indexed as soon as
its pages are written (the fast build starts it as each language's process
ends). Only the elements marked data-pagefind-body (news items and pages)
are indexed.
"""

import functools
import subprocess

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


def start_indexing(output, lang):
    """Start writing output/pagefind/<lang>/ (the index and the search library)."""
    return subprocess.Popen(
        [_executable(), "--site", str(output), "--glob", f"{lang}/**/*.html",
         "--output-subdir", f"pagefind/{lang}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish_indexing(process):
    """Wait for an index started by start_indexing; stop the build if it failed."""
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SiteError("pagefind", f"the search index could not be built: "
                        f"{stderr.strip() or stdout.strip()}",
                        "run `pip install -r requirements.txt` (it installs pagefind[bin]).")


def index_language(output, lang):
    """Write output/pagefind/<lang>/ and wait for it."""
    finish_indexing(start_indexing(output, lang))

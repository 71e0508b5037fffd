"""Full-text search: Pagefind indexes the built pages, one bundle per language.

Pagefind (the PyPI package with its bundled binary) writes
output/pagefind/<lang>/ from that language's pages only, so a search from
/es/ only finds Spanish pages. Only the elements marked data-pagefind-body
(news items and pages) are indexed.
"""

import functools
from pathlib import Path

from . import processes
from .errors import SiteError


@functools.lru_cache(maxsize=None)
def _executable():
    """The Pagefind binary of the pagefind[bin] package (what `python -m pagefind` runs)."""
    try:
        from pagefind_bin import get_executable

        return str(get_executable())
    except (ImportError, FileNotFoundError) as error:
        raise SiteError("pagefind", f"Pagefind is not installed ({error}).",
                        "run `pip install -r requirements.txt` (it installs pagefind[bin])."
                        ) from None


def index_language(output: str | Path, lang: str) -> None:
    """Write output/pagefind/<lang>/ (the index and the search library); stop the
    build if Pagefind fails."""
    result = processes.program([_executable(), "--site", str(output), "--glob", f"{lang}/**/*.html",
                          "--output-subdir", f"pagefind/{lang}"])
    if result.returncode != 0:
        raise SiteError("pagefind", f"the search index could not be built: "
                        f"{result.stderr.strip() or result.stdout.strip()}",
                        "run `pip install -r requirements.txt` (it installs pagefind[bin]).")

"""Full-text search: Pagefind indexes the built pages, one bundle per language.

Pagefind (the PyPI package with its bundled binary) writes
output/pagefind/<lang>/ from that language's pages only, so a search from
/es/ only finds Spanish pages, and each language can be indexed as soon as
its pages are written (the fast build does it in that language's process).
Only the elements marked data-pagefind-body (news items and pages) are
indexed.
"""

import subprocess
import sys

from .errors import SiteError


def index_language(output, lang):
    """Write output/pagefind/<lang>/ (the index and the search library)."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(output), "--glob", f"{lang}/**/*.html",
         "--output-subdir", f"pagefind/{lang}"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SiteError("pagefind", f"the search index could not be built: "
                        f"{result.stderr.strip() or result.stdout.strip()}",
                        "run `pip install -r requirements.txt` (it installs pagefind[bin]).")

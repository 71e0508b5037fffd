"""Full-text search: Pagefind indexes the built site, one index per language.

Pagefind (the PyPI package with its bundled binary) reads each page's
<html lang>, so a search from /es/ only finds Spanish pages. Only the
elements marked data-pagefind-body (news items and pages) are indexed.
"""

import subprocess
import sys

from .errors import SiteError


def index(output):
    """Write output/pagefind/ (the indexes and the search library)."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(output), "--output-subdir", "pagefind"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SiteError("pagefind", f"the search index could not be built: "
                        f"{result.stderr.strip() or result.stdout.strip()}",
                        "run `pip install -r requirements.txt` (it installs pagefind[bin]).")

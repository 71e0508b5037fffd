"""Production settings: everything from pelicanconf.py, with absolute URLs.

SITEURL comes from the environment when set (e.g. a GitHub Pages address),
otherwise the embassy's domain. Feeds take their domain from each language's
SITEURL (see plugins/embassy/feeds.py).
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402, F403

SITEURL = os.environ.get("SITEURL", "https://embassyofperu.ca").rstrip("/")
RELATIVE_URLS = False
REQUIRE_ALL_LANGUAGES = True  # an item missing a language blocks publishing
PUBLISH_DRAFTS = False
# Without Node.js, or at a GitHub Pages project address (an origin other sites
# share), the site is built without the browser editor, saying so; the Pages
# workflow sets EDITOR_REQUIRED=true: the site it publishes always has it.
EDITOR_REQUIRED = os.environ.get("EDITOR_REQUIRED") == "true"

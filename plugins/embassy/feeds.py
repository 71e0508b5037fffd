"""Per-language feeds that the W3C Feed Validator accepts.

Pelican's writer leaves the feed's language undeclared, links every feed to
the site root, gives all of a site's feeds the same id and lets RSS guids
claim to be permalinks; this completes each feed as it is generated.
"""

from urllib.parse import urljoin

from feedgenerator import Rss201rev2Feed


def set_feed_domain(pelican):
    """Each (sub)site's feeds live under its own SITEURL, /es/ and /fr/ included."""
    pelican.settings["FEED_DOMAIN"] = pelican.settings["SITEURL"]


def complete_feed(context, feed):
    """feed_generated handler: language, home link, unique id, guid kind."""
    home = urljoin(context["SITEURL"].rstrip("/") + "/", context["INDEX_URL"])
    feed.feed["language"] = context["DEFAULT_LANG"]
    feed.feed["link"] = home
    feed.feed["id"] = feed.feed["feed_url"]
    if isinstance(feed, Rss201rev2Feed):
        for item in feed.items:
            item["unique_id_is_permalink"] = False

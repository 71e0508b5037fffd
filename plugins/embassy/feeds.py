"""Per-language feeds that the W3C Feed Validator accepts.

Pelican's writer leaves the feed's language undeclared, links every feed to
the site root, gives all of a site's feeds the same id, lets RSS guids
claim to be permalinks and leaves out a news item's photo (its metadata, not
its text); this completes each feed as it is generated.
"""

from urllib.parse import urljoin

from feedgenerator import Rss201rev2Feed, SyndicationFeed
from pelican import Pelican


def set_feed_domain(pelican: Pelican) -> None:
    """Each (sub)site's feeds live under its own SITEURL, /es/ and /fr/ included."""
    pelican.settings["FEED_DOMAIN"] = pelican.settings["SITEURL"]


def _photos(context):
    """{an item's address, as its feed entry links it: its photo's <img>}."""
    base = context["SITEURL"].rstrip("/") + "/"
    return {urljoin(base, article.url): article.photo
            for article in context.get("articles", ()) if getattr(article, "photo", None)}


def complete_feed(context: dict, feed: SyndicationFeed) -> None:
    """feed_generated handler: language, home link, unique id, guid kind, photos."""
    home = urljoin(context["SITEURL"].rstrip("/") + "/", context["INDEX_URL"])
    feed.feed["language"] = context["DEFAULT_LANG"]
    feed.feed["link"] = home
    feed.feed["id"] = feed.feed["feed_url"]
    rss = isinstance(feed, Rss201rev2Feed)
    photos = _photos(context)
    for item in feed.items:
        if rss:
            item["unique_id_is_permalink"] = False
        photo = photos.get(item["link"])
        if photo:  # first, as the page shows it (under the title)
            text = "description" if rss else "content"
            item[text] = f"<p>{photo}</p>{item[text] or ''}"

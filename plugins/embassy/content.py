"""Checks of news and page metadata, and categories named in each language.

Every mistake raises SiteError naming the file, the field and the fix; the
build runner (build.py) reports it and stops the build.
"""

from pelican.contents import Article, Page
from pelican.urlwrappers import Category
from pelican.utils import slugify

from .errors import SiteError, display_path


def configure_categories(pelican):
    """Add the category lookups the templates and checks need to the settings."""
    settings = pelican.settings
    regex_subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    settings["CATEGORY_SLUGS"] = {
        key: {lang: slugify(name, regex_subs=regex_subs) for lang, name in names.items()}
        for key, names in settings["CATEGORIES"].items()
    }
    settings["CATEGORY_KEYS"] = {
        name: key for key, names in settings["CATEGORIES"].items() for name in names.values()
    }


def _source(instance):
    return instance.source_path


def _check_common(instance, kind):
    meta, settings = instance.metadata, instance.settings
    path, languages = _source(instance), settings["LANGUAGES"]
    if not meta.get("title", "").strip():
        raise SiteError(path, "the title is missing.",
                        f"add a line 'Title: …' at the top of the {kind}.", field="Title")
    if "lang" not in meta:
        raise SiteError(path, "the language is missing.",
                        f"add a line 'Lang: xx' where xx is one of {', '.join(languages)}.",
                        field="Lang")
    if meta["lang"] not in languages:
        raise SiteError(path, f"'{meta['lang']}' is not a language of this site.",
                        f"write one of {', '.join(languages)}.", field="Lang")
    if not meta.get("key", "").strip():
        raise SiteError(path, "the key shared by the three languages is missing.",
                        "add a line 'Key: …' with the name of the item's folder, "
                        "the same in its three language files.", field="Key")


def check_content(instance):
    """Check a news item's or page's metadata; name its category in its language."""
    if isinstance(instance, Article):
        _check_common(instance, "news item")
        _localize_category(instance)
    elif isinstance(instance, Page):
        _check_common(instance, "page")


def _localize_category(article):
    path, settings = _source(article), article.settings
    categories = settings["CATEGORIES"]
    if "date" not in article.metadata:
        raise SiteError(path, "the date is missing.",
                        "add a line 'Date: YYYY-MM-DD' (e.g. 2026-11-28).", field="Date")
    if "category" not in article.metadata:
        raise SiteError(path, "the category is missing.",
                        f"add a line 'Category: …' with one of {', '.join(categories)}.",
                        field="Category")
    key = article.metadata["category"].name
    if key not in categories:
        raise SiteError(path, f"'{key}' is not a news category.",
                        f"write one of {', '.join(categories)} (the same in all languages).",
                        field="Category")
    article.category_key = key
    article.category = Category(categories[key][article.lang], settings)
    article.metadata["category"] = article.category


def check_unique_keys(generator):
    """Stop the build when two files claim the same item in the same language."""
    seen = {}
    contents = (
        getattr(generator, "articles", []) + getattr(generator, "translations", [])
        + getattr(generator, "drafts", []) + getattr(generator, "drafts_translations", [])
        + getattr(generator, "pages", []) + getattr(generator, "hidden_pages", [])
        + getattr(generator, "hidden_translations", [])
    )
    for content in contents:
        other = seen.setdefault((content.key, content.lang), content)
        if other is not content and other.source_path != content.source_path:
            raise SiteError(
                _source(content),
                f"the item '{content.key}' in '{content.lang}' is also in "
                f"{display_path(other.source_path)}.",
                "give each language file its own Lang, or a new Key if it is another item.",
                field="Key",
            )

"""Checks of news and page metadata, and categories named in each language.

Every mistake raises SiteError naming the file, the field and the fix; the
build (plugins/embassy/safebuild/) reports it and stops the build.
"""

import datetime
import html
import logging
import re
from pathlib import Path
from urllib.parse import unquote

from markupsafe import Markup, escape
from pelican import Pelican
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.settings import Settings
from pelican.urlwrappers import Category
from pelican.utils import get_date, slugify

from . import clock, sources, style
from .errors import SiteError, display_path
from .messages import staff_text

logger = logging.getLogger(__name__)


def configure_categories(pelican: Pelican) -> None:
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
    names = ", ".join(f"index.{lang}.md" for lang in languages)
    if "lang" not in meta or "key" not in meta:
        raise SiteError(path, f"the file's name or folder does not say which {kind} and "
                        "language it is.", f"put it in the {kind}'s own folder "
                        f"(news/<key>/ or pages/<key>/), named one of {names}.",
                        field="file name")
    if meta["lang"] not in languages:
        raise SiteError(path, f"'{meta['lang']}' is not a language of this site.",
                        f"rename the file to one of {names}.", field="file name")
    if not str(meta.get("title", "")).strip():
        add_title = (staff_text("add a line 'title: …' to the news item's metadata.")
                     if kind == "news item" else
                     staff_text("add a line 'title: …' to the page's metadata."))
        raise SiteError(path, staff_text("the title is missing."), add_title, field="title")
    slug = meta.get("slug")
    if slug is not None and not SLUG.fullmatch(slug):
        # a slug is a path: '../../es/index' would write over another language's page
        raise SiteError(path, staff_text("'%(slug)s' is not a slug.", slug=slug),
                        staff_text("write lowercase words joined by hyphens, without accents, "
                                   "e.g. 'free-trade-agreement'."), field="slug")


def check_content(instance: Content) -> None:
    """Check a news item's or page's metadata and body; localize its category."""
    if isinstance(instance, Article):
        _check_common(instance, "news item")
        _localize_category(instance)
    elif isinstance(instance, Page):
        _check_common(instance, "page")
    else:
        return
    _check_body(instance)
    for field, text in (("title", instance.metadata.get("title")),
                        ("summary", instance.metadata.get("summary")),
                        ("image_alt", instance.metadata.get("image_alt")),
                        (None, instance._content)):
        style.check_text(text, instance.metadata["lang"], _source(instance), field=field)


# A slug, a key or an id: lowercase words joined by hyphens (no '/', '.', spaces).
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_INTERNAL_LINK = re.compile(r"""(?:href|src)=(["'])\{(?:filename|static|attach)\}([^"'#?]*)""")
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"""\balt=(["'])\s*[^"'\s]""", re.IGNORECASE)


def _check_body(instance):
    path, body = _source(instance), instance._content or ""
    content_root = Path(instance.settings["PATH"])
    for _quote, target in _INTERNAL_LINK.findall(body):
        if not target:
            continue
        folder = content_root if target.startswith("/") else Path(instance.source_path).parent
        if not (folder / target.lstrip("/")).exists():
            raise SiteError(path, staff_text("the link to '%(target)s' points to a file that "
                                             "does not exist.", target=target),
                            staff_text("check the spelling; links to other items look like "
                                       "{filename}/news/<key>/index.<lang>.md, images beside "
                                       "the item like photo.jpg."))
    for image in _IMAGE.findall(body):
        if not _ALT.search(image):
            raise SiteError(path, staff_text("an image has no alternative text."),
                            staff_text("describe the image between the brackets, in this file's "
                                       "language: ![The ambassador at the ceremony](photo.jpg)."))


# What an item's folder may publish: its pages, and its photos as images.py makes them.
PHOTO_FIX = ("show a photo with ![description](photo.jpg) (the editor's image button does); "
             "no other file of the item's folder is published: link to a document on an "
             "official site with its https:// address.")


def check_published_links(instance: Content) -> None:
    """Nothing but pages and photos leaves an item's folder: once images.py has made
    every photo an image under /media/, no {static} or {attach} link is left for
    Pelican to copy (it would copy any file, a script or an SVG with one among
    them, and drafts' too), and {filename} names only news items and pages.

    Runs on the final HTML, with Pelican's own pattern: the allowlist can turn
    &#123;static&#125; into {static}, and an attribute's text can hold one."""
    if not isinstance(instance, (Article, Page)):
        return
    content_root = Path(instance.settings["PATH"]).resolve()
    for match in instance._get_intrasite_link_regex().finditer(instance._content or ""):
        what, target = match["what"], unquote(html.unescape(match["value"]))
        target = target.split("#")[0].split("?")[0]
        if what in ("static", "attach"):  # a photo shown is an image under /media/ by now
            raise SiteError(_source(instance), f"'{target}' is linked with {{{what}}}: the "
                            "site publishes no file of an item's folder but its photos, "
                            "shown as images.", PHOTO_FIX)
        if what == "filename":
            folder = content_root if target.startswith("/") else \
                Path(instance.source_path).resolve().parent
            linked = (folder / target.lstrip("/")).resolve()
            if not (linked.suffix == ".md" and linked.is_relative_to(content_root)
                    and linked.is_file()):
                raise SiteError(_source(instance), staff_text(
                    "the link to '%(target)s' is not a news item or page of the site.",
                    target=target), staff_text("link to another item as "
                                               "{filename}/news/<key>/index.<lang>.md or "
                                               "{filename}/pages/<key>/index.<lang>.md."))
            _check_not_waiting(instance, target, linked)


def _check_not_waiting(instance, target, linked):
    """When publishing, a published item links to no news item still waiting for its
    time: the link would lead to a page not yet online, and tell its address early."""
    settings = instance.settings
    if settings.get("PUBLISH_DRAFTS") or instance.status != "published":
        return
    fields = sources.check_source(linked)
    date = fields.get("date", (None,))[0]
    if is_scheduled(fields.get("status", (None,))[0], date, settings):
        raise SiteError(_source(instance), staff_text(
            "the link to '%(target)s' leads to a news item published only at %(date)s (Ottawa "
            "time).", target=target, date=date), staff_text(
            "remove the link until then, or give this item the same date and time: they are "
            "then published together."), field="text")


def protect_metadata(instance: Content) -> None:
    """Title and summary are plain text: any markup in them is shown, never run.

    They become escaped Markup, so templates show them as text and Pelican's
    feed writer (which strips tags, then unescapes) writes the same text.
    """
    if not isinstance(instance, (Article, Page)):
        return
    instance.title = Markup(escape(instance.title))  # noqa: S704 - escaped first
    instance.metadata["title"] = instance.title
    if "summary" in instance.metadata:
        instance._summary = Markup(escape(instance.metadata["summary"]))  # noqa: S704 - escaped
        instance.metadata["summary"] = instance._summary


def _localize_category(article):
    path, settings = _source(article), article.settings
    categories = settings["CATEGORIES"]
    if "date" not in article.metadata:
        raise SiteError(path, staff_text("the date is missing."),
                        staff_text("add a line 'date: YYYY-MM-DD' (e.g. 2026-11-28)."),
                        field="date")
    if "category" not in article.metadata:
        raise SiteError(path, staff_text("the category is missing."),
                        staff_text("add a line 'category: …' with one of %(categories)s.",
                                   categories=", ".join(categories)), field="category")
    key = article.metadata["category"].name
    if key not in categories:
        raise SiteError(path, staff_text("'%(key)s' is not a news category.", key=key),
                        staff_text("write one of %(categories)s (the same in all languages).",
                                   categories=", ".join(categories)), field="category")
    article.category_key = key
    article.category = Category(categories[key][article.lang], settings)
    article.metadata["category"] = article.category


def _is_translated(content):
    return content.metadata.get("translated") is not False  # 'translated: false': not yet


def check_languages(generator: ArticlesGenerator | PagesGenerator) -> None:
    """An item missing a language: a notice in development, an error when publishing.

    Each (sub)site checks the items written in its own language, so an item
    is checked wherever it exists.
    """
    languages = generator.settings["LANGUAGES"]
    contents = getattr(generator, "articles", []) + getattr(generator, "pages", [])
    for content in contents:
        present = {other.lang for other in [content, *content.translations]
                   if _is_translated(other)}
        content.missing_languages = [lang for lang in languages if lang not in present]
        if not content.missing_languages:
            continue
        if generator.settings.get("REQUIRE_ALL_LANGUAGES"):
            missing = ", ".join(content.missing_languages)
            raise SiteError(
                _source(content),
                staff_text("the item '%(key)s' is not ready in: %(missing)s.",
                           key=content.key, missing=missing),
                staff_text("write (or finish) its %(missing)s file(s) in the same folder and "
                           "remove any 'translated: false' line, or mark it 'status: draft' "
                           "until they are ready.", missing=missing),
            )
        logger.info("%s: not yet in %s (shown with a notice; publishing is blocked)",
                    _source(content), ", ".join(content.missing_languages))


def is_scheduled(status: str | None, date: datetime.date | str | None, settings: Settings,
                 at: datetime.datetime | None = None) -> bool:
    """Whether a news item waits for its time: published, dated after now (clock.now;
    at: now, when known). date: Pelican's, or the front matter's value."""
    if (status or "published") != "published" or date is None:
        return False
    if isinstance(date, str):
        try:
            date = get_date(date)
        except ValueError:
            return False  # sources.py names the mistake
    elif not isinstance(date, datetime.datetime):  # YAML reads 2026-11-28 as a date
        date = datetime.datetime.combine(date, datetime.time())
    return clock.is_future(date, settings, at)


def hold_until_due(instance: Content) -> None:
    """A news item published for a time still to come is a draft until then: nothing
    of it is published (filter_drafts, images.publish_shown); development previews
    it among the drafts, marked as scheduled. The Pages workflow's scheduled run
    publishes it once its time has come."""
    if isinstance(instance, Article) and is_scheduled(instance.status, instance.date,
                                                      instance.settings):
        instance.status = "draft"
        instance.scheduled = True


def note_scheduled(generator: ArticlesGenerator | PagesGenerator) -> None:
    """Keep the language's scheduled news items on the generator, for the build's
    summary (before filter_drafts leaves out the drafts of a publishing build)."""
    lang = generator.settings["DEFAULT_LANG"]
    generator.scheduled = [
        item for name in ("drafts", "drafts_translations")
        for item in getattr(generator, name, [])
        if item.lang == lang and getattr(item, "scheduled", False)]


def filter_drafts(generator: ArticlesGenerator | PagesGenerator) -> None:
    """Each language previews only its own drafts; when publishing, none is written."""
    lang, keep = generator.settings["DEFAULT_LANG"], generator.settings["PUBLISH_DRAFTS"]
    for name in ("drafts", "drafts_translations", "draft_pages", "draft_translations"):
        if hasattr(generator, name):
            setattr(generator, name, [draft for draft in getattr(generator, name)
                                      if keep and draft.lang == lang])


def check_unique_keys(generator: ArticlesGenerator | PagesGenerator) -> None:
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
                "give one of the two folders another name.",
                field="file name",
            )

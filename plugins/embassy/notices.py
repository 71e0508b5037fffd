"""Notices: a short text shown on every page of its language, between a start and an end.

A notice is a folder, content/notices/<key>/, holding one file per language,
index.<lang>.md, as a news item does (the editor's Notices collection writes
them, the languages side by side): in the front matter its title (the
notice's heading), start and end (YYYY-MM-DD HH:MM, Ottawa time) and level
(info or warning); below it, the text, plain. A build shows the notices whose
start has come and whose end has not (clock.now) on every page of their
language; the Pages workflow's scheduled run takes a notice down after its end.
A notice missing a language is an error when publishing, as a news item is.
"""

import datetime
import functools
import logging
import re
from pathlib import Path
from typing import NamedTuple

from pelican import Pelican
from pelican.settings import Settings

from . import clock, sources, style
from .errors import SiteError
from .messages import staff_text
from .typography import localize_text

logger = logging.getLogger(__name__)

LEVELS = ("info", "warning")
SHARED = ("start", "end", "level")  # one value for every language (the editor copies them)
_PARAGRAPHS = re.compile(r"\n\s*\n")


class Notice(NamedTuple):
    """A notice as a page shows it, in one language."""

    key: str
    level: str
    title: str
    paragraphs: tuple[str, ...]


class _Read(NamedTuple):
    start: datetime.datetime  # naive, Ottawa time
    end: datetime.datetime
    level: str
    shown: Notice


def folder(settings: Settings) -> Path:
    return Path(settings["PATH"]) / settings["NOTICES_PATH"]


def _read(path, key, lang):
    text, fields = sources.read_front_matter(path)
    body = sources.front_matter(text)[2].strip()
    for name in ("title", *SHARED):
        value = fields.get(name, (None, None))[0]
        if value is None or not str(value).strip():
            example = {"title": 'title: "Closed for Peru\'s national holidays"',
                       "start": 'start: "2026-07-28 00:00"', "end": 'end: "2026-07-29 23:59"',
                       "level": 'level: "info" (or "warning")'}[name]
            raise SiteError(path, staff_text("the notice's %(name)s is missing.", name=name),
                            staff_text("add a line %(example)s to its metadata.",
                                       example=example), field=name)
    if not body:
        raise SiteError(path, staff_text("the notice has no text."),
                        staff_text("write its text below the metadata's closing '---'."),
                        field="text")
    times = {}
    for name in ("start", "end"):
        value, line = fields[name]
        times[name] = clock.parse_time(value)
        if times[name] is None:
            raise SiteError(path, staff_text("line %(line)s: '%(value)s' is not a date and "
                                             "time.", line=line, value=value),
                            clock.TIME_FIX, field=name)
    if times["end"] <= times["start"]:
        raise SiteError(path, staff_text("the notice ends before it starts."),
                        staff_text("give an end after the start, e.g. start: \"2026-07-28 "
                                   "00:00\" and end: \"2026-07-29 23:59\"."), field="end")
    level, line = fields["level"]
    if level not in LEVELS:
        raise SiteError(path, staff_text("line %(line)s: '%(level)s' is not a level of "
                                         "notice.", line=line, level=level),
                        staff_text('write level: "info" (information) or level: "warning".'),
                        field="level")
    title = str(fields["title"][0]).strip()
    style.check_text(title, lang, path, field="title")
    style.check_text(body, lang, path, field="text")
    paragraphs = tuple(localize_text(" ".join(part.split()), lang)
                       for part in _PARAGRAPHS.split(body) if part.strip())
    return _Read(times["start"], times["end"], level,
                 Notice(key, level, localize_text(title, lang), paragraphs))


def load(settings: Settings) -> list[dict[str, _Read]]:
    """Every notice, checked: [{lang: _Read}], ordered by start.

    Read once while the files stay as they are: a build asks for them several
    times (the settings, the signature of what the clock decides, the
    scheduled run's build-state.json), and the fast build's processes share
    what the parent read before it forked them."""
    root = folder(settings)
    stamps = []
    for path in sorted(root.glob("*/*")) if root.is_dir() else []:
        stat = path.stat()
        stamps.append((str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
    return _load(root, tuple(settings["LANGUAGES"]),
                 bool(settings.get("REQUIRE_ALL_LANGUAGES")), tuple(stamps))


@functools.lru_cache(maxsize=4)
def _load(root, languages, require_all, _stamps):
    found = []
    names = ", ".join(f"index.{lang}.md" for lang in languages)
    for notice in sorted(path for path in root.iterdir() if path.is_dir()) \
            if root.is_dir() else []:
        texts = {}
        for path in sorted(notice.iterdir()):
            if path.suffix != ".md":
                continue
            match = re.fullmatch(r"index\.([^.]+)\.md", path.name)
            if match is None or match[1] not in languages:
                raise SiteError(path, "the file's name does not say which language it is.",
                                f"name it one of {names}.", field="file name")
            texts[match[1]] = _read(path, notice.name, match[1])
        if not texts:
            continue
        first_lang, first = next(iter(texts.items()))
        for lang, read in texts.items():
            for name in SHARED:
                if getattr(read, name) != getattr(first, name):
                    raise SiteError(notice / f"index.{lang}.md", f"the {name} is not the same "
                                    f"as in index.{first_lang}.md.", "give the notice one "
                                    "start, one end and one level in every language (the "
                                    "editor copies them from one language to the others).",
                                    field=name)
        missing = [lang for lang in languages if lang not in texts]
        if missing and require_all:
            absent = ", ".join(missing)
            raise SiteError(notice / f"index.{first_lang}.md",
                            staff_text("the notice '%(key)s' is not ready in: %(missing)s.",
                                       key=notice.name, missing=absent),
                            staff_text("write its %(missing)s file(s) in the same folder (the "
                                       "editor shows the languages side by side), or delete "
                                       "the notice.", missing=absent))
        if missing:
            logger.info("%s: not yet in %s (not shown there; publishing is blocked)",
                        notice, ", ".join(missing))
        found.append(texts)
    return sorted(found, key=lambda texts: (next(iter(texts.values())).start,
                                            next(iter(texts.values())).shown.key))


def shown(settings: Settings,
          at: datetime.datetime | None = None) -> dict[str, tuple[Notice, ...]]:
    """{lang: (Notice, …)}: the notices in force at `at` (default: the build's now)."""
    at = clock.now(settings) if at is None else at
    if at.tzinfo is not None:  # the notices' times are Ottawa's, written without a zone
        at = at.astimezone(clock.zone(settings)).replace(tzinfo=None)
    notices = load(settings)
    return {lang: tuple(texts[lang].shown for texts in notices
                        if lang in texts and texts[lang].start <= at < texts[lang].end)
            for lang in settings["LANGUAGES"]}


def load_into_settings(pelican: Pelican) -> None:
    """initialized handler: the notices in force now, for the templates (NOTICES_SHOWN)."""
    settings = pelican.settings
    if "NOTICES_SHOWN" not in settings:  # a subsite: a copy of the main site's settings
        settings["NOTICES_SHOWN"] = shown(settings)

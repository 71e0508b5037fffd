"""What a build made, told to staff in a few lines, and its progress in a terminal.

Pelican prints a "Done: Processed …" line per (sub)site pass, several of them
"0 articles" (the passes of the languages another process builds); the build
silences them and prints one summary instead: per language the news items and
pages the site has, the files this build wrote and the time it took.
"""

import os
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from pelican.generators import ArticlesGenerator, Generator, PagesGenerator

from . import state
from .errors import SiteError
from .languages import language_name


def count_items(generators: list[Generator]) -> None:
    """all_generators_finalized handler: the published news items and pages of a
    (sub)site, kept in the build's state (a site that read no file has none)."""
    settings = generators[0].settings
    counts = {}
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            counts["news"] = len(generator.articles)
            counts["scheduled"] = [[unescape(str(item.title)),
                                    item.date.strftime("%Y-%m-%d %H:%M")]
                                   for item in getattr(generator, "scheduled", [])]
        elif isinstance(generator, PagesGenerator):
            counts["pages"] = len(generator.pages)
    if any(counts.values()):
        state.of(settings).counts[settings["DEFAULT_LANG"]] = counts


@dataclass
class Language:
    """One language's part of a build."""

    news: int = 0
    pages: int = 0
    files: int = 0
    scheduled: list[list[str]] = field(default_factory=list)  # [title, "YYYY-MM-DD HH:MM"], waiting
    seconds: float | None = None  # its own process's time (fast build only)
    built: bool = True  # False: a rebuild found nothing of it changed

    def count(self, counts: dict) -> None:
        """Take count_items' counts ({"news": n, "pages": n, "scheduled": [[title, time]]})."""
        self.news, self.pages = counts.get("news", 0), counts.get("pages", 0)
        self.scheduled = counts.get("scheduled", [])


@dataclass
class Report:
    """The outcome of one build: its problems, or what it made."""

    output: str  # the output folder, as staff know it (output/)
    siteurl: str
    languages: dict[str, Language]  # by language code
    problems: list[SiteError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # lines for staff, shown first
    shared_files: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    replaced: bool = False  # the new site is in place of the output

    def count_files(self, folder: str | Path) -> None:
        """Files written into folder, by language (the rest is shared: theme, media,
        search index, sitemap, editor)."""
        root = str(folder)
        for path, _folders, files in os.walk(root):
            top = os.path.relpath(path, root).split(os.sep)[0]
            if top in self.languages:
                self.languages[top].files += len(files)
            else:
                self.shared_files += len(files)

    def lines(self) -> list[str]:
        """The summary, in a few lines."""
        where = f"{self.output}/ ({self.siteurl or 'development build'})"
        if self.unchanged:
            return [f"Nothing changed since the last build: {where} is up to date."]
        lines = [f"Built the site in {self.seconds:.1f} s into {where}"]
        for lang, part in self.languages.items():
            if not part.built:
                lines.append(f"  {lang}  {language_name(lang):<9} unchanged")
                continue
            took = f" in {part.seconds:.1f} s" if part.seconds is not None else ""
            lines.append(f"  {lang}  {language_name(lang):<9} {_count(part.news, 'news item')}, "
                         f"{_count(part.pages, 'page')}; {_count(part.files, 'file')} "
                         f"written{took}")
        lines.append(f"  shared        {_count(self.shared_files, 'file')} written "
                     "(theme, images, sharing cards, search index, sitemap, editor)")
        lines += [f"  scheduled: {title} ({lang}) at {when} Ottawa time"
                  for lang, part in self.languages.items() if part.built
                  for title, when in part.scheduled]
        return lines


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Progress:
    """One line of progress, replaced as the build goes on, shown only in a terminal.

    rich's Live display is refreshed by hand (no refresh thread), so the build
    can fork its language processes while it is shown.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.live, self.started = enabled, None, time.monotonic()

    def step(self, text: str) -> None:
        if not self.enabled:
            return
        from rich.live import Live
        from rich.text import Text

        line = Text(f"{text} ({time.monotonic() - self.started:.0f} s)", style="dim")
        if self.live is None:
            self.live = Live(line, auto_refresh=False, transient=True)
            self.live.start()
        self.live.update(line, refresh=True)

    def stop(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None

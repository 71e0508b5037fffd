"""What one build's Pelican passes share, passed to them in the settings.

safebuild/ and fast/ (or the plugin, for a plain `pelican` run) put one BuildState in
the settings as BUILD_STATE; i18n-subsites copies the settings of the main
site for each language's pass, so every pass holds the same object. The
handlers add to it while Pelican reads and writes; the steps that finish the
site read it. Nothing is kept in module globals between builds.
"""

# BuildState names cards' and sitemap's types, and both modules import this one
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from jinja2.runtime import Context
from pelican import Pelican
from pelican.settings import Settings

if TYPE_CHECKING:
    from .cards import Card
    from .sitemap import Entry


def _gone():
    return None


class LivesWithTheBuild:
    """An object that lives as long as one build: Pelican's item cache pickles
    objects that keep the settings (categories do), and these come back from it
    as None, never as a stale copy (a stale pipe to a process long gone would
    close, when collected, whatever file has its number now)."""

    def __reduce__(self) -> tuple[Callable[[], None], tuple]:
        return (_gone, ())


class TextMemo(Protocol):
    """What BuildState.text_memo does: compute(text), or its result kept for the
    source file (NoMemo here; the fast build's memo keeps them between builds)."""

    def result(self, source_path: str, kind: str, text: str,
               compute: Callable[[str], str]) -> str: ...


class NoMemo:
    """A memo that remembers nothing (the text_memo of a stock build)."""

    @staticmethod
    def result(_source_path: str, _kind: str, text: str, compute: Callable[[str], str]) -> str:
        return compute(text)


@dataclass(eq=False)
class BuildState(LivesWithTheBuild):
    """One build's shared state: what each step adds for the steps that finish the site."""

    root: str  # the folder the whole site is written into (the main site's OUTPUT_PATH)
    # image variants the pages show: {output name under media/: (source path, width)}
    images: dict[str, tuple[Path, int]] = field(default_factory=dict)
    # sharing cards the pages name, by output name under media/
    cards: dict[str, Card] = field(default_factory=dict)
    # every indexable page written, by its file relative to root
    sitemap: dict[str, Entry] = field(default_factory=dict)
    # the published news items and pages of each language: {lang: {"news": n, "pages": n}}
    counts: dict[str, dict] = field(default_factory=dict)
    # the former site's addresses with their new page's path from the site's root
    # (redirects.py): {"/ES/es_bilaterales.html": "/es/marco-juridico/"}
    moved: dict[str, str] = field(default_factory=dict)
    # results of pure text functions (typography) kept between builds
    text_memo: TextMemo = field(default_factory=NoMemo)


def of(settings: Settings | Context) -> BuildState:
    """The build's state, from any (sub)site's settings."""
    return settings["BUILD_STATE"]


def provide(pelican: Pelican) -> None:
    """initialized handler: a build started without safebuild/ (a plain `pelican` run) gets
    its state here, on the main site; the language subsites copy its settings."""
    pelican.settings.setdefault("BUILD_STATE", BuildState(pelican.settings["OUTPUT_PATH"]))

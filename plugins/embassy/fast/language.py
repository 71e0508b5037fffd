"""One language's process of the fast build: its own Pelican pass, then its report.

fast.build() forks one per language. The process applies patches.install(),
runs Pelican with BUILD_LANGUAGES = [lang] and, through its connection to
the parent, sends its items' URLs, receives the other languages' (see
patches._run_own_language_only), and at the end sends its Report.
"""

import datetime
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typogrify.filters  # noqa: F401 - loaded once, before the processes fork
from jinja2 import FileSystemBytecodeCache
from pelican.settings import Settings

from .. import dates, run, state
from ..errors import Reported, SiteError
from . import patches
from .memo import Memo
from .record import LanguageRecord
from .reuse import PageReuse
from .signatures import Inputs

if TYPE_CHECKING:  # for the annotation alone: multiprocessing loads it at the first Pipe()
    from multiprocessing.connection import Connection


class OtherLanguageFailed(Exception):
    """Another language's process stopped before the URLs were exchanged."""


@dataclass(eq=False)
class LanguageProcess(state.LivesWithTheBuild):
    """What the patched Pelican pass of a language's process reads and adds to
    (in its settings as FAST_PROCESS)."""

    connection: "Connection"  # to the parent
    inputs: Inputs
    reuse: PageReuse
    memo: Memo
    template_cache: FileSystemBytecodeCache
    sent_urls: dict = field(default_factory=dict)
    other_failed: bool = False

    def exchange_urls(self, urls: dict[str, str]) -> dict[str, str]:
        """Send this language's {source: URL}; return every other language's."""
        self.sent_urls = urls
        self.connection.send(urls)
        others = self.connection.recv()
        if others is None:
            self.other_failed = True
            raise OtherLanguageFailed("another language's build stopped")
        return others


@dataclass
class Report:
    """What a language's process sends back when its pass ends."""

    problems: list[SiteError]
    stopped: bool  # by another language's failure (its own problems do not count)
    record: LanguageRecord | None
    seconds: float


def warm_up(settings: Settings) -> None:
    """In the parent, before it forks: import and load, once, what every language's
    process needs (they share it): typogrify's filters (imported above), each
    language's dates."""
    for lang in settings["LANGUAGES"]:
        dates.format_local_date(datetime.date(2000, 1, 1), lang, settings["DATE_LOCALES"])


def template_cache(inputs: Inputs) -> FileSystemBytecodeCache:
    """Jinja's bytecode cache, in a folder of CACHE_PATH/templates/ per site signature.

    Jinja keys compiled templates by name and source only; their code also
    depends on the environment's extensions and filters (constant folding),
    which the site signature covers (settings, plugin, packages), so any
    change there starts a new folder (fast.build removes the older ones).
    """
    folder = inputs.cache / "templates" / inputs.site
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def item_cache_settings(inputs: Inputs, load: bool) -> Settings:
    """Settings for Pelican's own cache of the items it read (its "generator" layer).

    A rebuild then creates only the items whose files changed (stamped with
    their signatures, see patches._signature_stamp), instead of all 3,000 of
    a language's site on a 1,000-item corpus. The cache is kept in a folder
    per metadata signature (signatures.Inputs): a change to any item's metadata,
    or to the site, starts a new one, as items link to one another by URL.
    load: whether to use it (rebuilds only).
    """
    return {"CACHE_PATH": str(inputs.cache / "items" / inputs.metadata),
            "CONTENT_CACHING_LAYER": "generator", "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": load, "GZIP_CACHE": False}


def build_language(settings_file: str | Path, staging: Path, overrides: dict, lang: str,
                   connection: "Connection", inputs: Inputs,
                   previous: LanguageRecord | None = None,
                   previous_output: Path | None = None) -> NoReturn:
    """In a process fork.py forked (a helper_process): build lang's site into staging,
    send the Report, exit.

    previous: the last build's LanguageRecord of lang, and previous_output
    the output it describes (a rebuild), else None.
    """
    code, started = 1, time.monotonic()
    try:
        build = state.BuildState(str(staging))
        memo = build.text_memo = Memo(inputs.cache / "contents" / f"{lang}.pickle", inputs)
        reuse = PageReuse(inputs, lang, staging, build, previous, previous_output)
        process = LanguageProcess(connection, inputs, reuse, memo, template_cache(inputs))
        problems = run.run_pelican(settings_file, {
            **overrides, **patches.install(reuse),
            **item_cache_settings(inputs, previous is not None),
            "OUTPUT_PATH": str(staging), "BUILD_LANGUAGES": [lang], "FINISH_SITE": False,
            "CATALOGS_COMPILED": True,
            "BUILD_STATE": build, "FAST_PROCESS": process})
        if process.other_failed:
            problems = []
        elif not problems:
            memo.save()
        record = LanguageRecord(
            inputs.languages[lang], reuse.pages, process.sent_urls,
            {name: (str(source), width) for name, (source, width) in build.images.items()},
            build.counts.get(lang, {}), build.cards, build.moved)
        connection.send(Report(problems, process.other_failed, record,
                               time.monotonic() - started))
        code = 0
    except BaseException as error:  # noqa: BLE001 - the parent reports it, then stops
        connection.send(Report([Reported(f"the build of {lang} stopped: "
                                         f"{type(error).__name__}: {error}")], False, None, 0.0))
    finally:
        os._exit(code)

"""One run of Pelican, with every warning and error it reports collected as a problem.

Used by safebuild/ (the stock build) and fast/ (a language's process): the build
stops on any problem, with a message naming the file and never a traceback.
"""

from __future__ import annotations  # Result names fast/'s types, and fast/ imports this module

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pelican import Pelican
from pelican.log import console
from pelican.settings import read_settings

from .errors import Reported, SiteError

if TYPE_CHECKING:
    from .fast.record import LanguageRecord
    from .fast.signatures import Inputs
    from .fast.standby import Changes

# Pelican warns that feeds need an absolute SITEURL; that is publishconf.py's
# job, and the development build is root-relative on purpose.
DEVELOPMENT_NOTICES = ("Feeds generated without SITEURL or FEED_DOMAIN set properly",)
# Pelican warns when a language's subsite has no version of an item; the
# plugin's language check (content.check_languages) reports that precisely.
COVERED_BY_CHECKS = ("There are ",)
COVERED_PATTERN = "original (not translated) items with key"


@dataclass
class Result:
    """What a build made: its problems, or the folder of the new site; and, for the
    fast build, what to remember of it (its inputs and records); unchanged when
    no input changed since the last build."""

    problems: list[SiteError]
    site: Path | None = None
    inputs: Inputs | None = None
    languages: dict[str, LanguageRecord] | None = None  # by language code
    unchanged: bool = False
    changes: Changes | None = None  # what a rebuild changed


class _Collector(logging.Handler):
    """Keeps every warning and error reported while building: SiteError objects as
    they are, anything else as a SiteError naming the message."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.problems = []

    def emit(self, record):
        text = record.getMessage()
        if text.startswith(COVERED_BY_CHECKS) and COVERED_PATTERN in text:
            return
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, SiteError):
            if error is not None:
                text += f"\n  {type(error).__name__}: {error}"
            error = Reported(text)
        if error not in self.problems:
            self.problems.append(error)


def run_pelican(settings_file: str | Path, overrides: dict) -> list[SiteError]:
    """Run Pelican with settings_file and overrides; return the problems."""
    console.quiet = True  # its "Done: Processed …" lines; summary.py reports instead
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        settings = read_settings(str(settings_file), override={"DEBUG": True, **overrides})
        Pelican(settings).run()
        if not settings["SITEURL"]:
            collector.problems = [problem for problem in collector.problems
                                  if not str(problem).startswith(DEVELOPMENT_NOTICES)]
    except SiteError as error:
        collector.problems.append(error)
    except Exception as error:  # noqa: BLE001 - reported to staff, never a traceback
        collector.problems.append(Reported(f"the build stopped: {type(error).__name__}: {error}"))
    finally:
        root.removeHandler(collector)
    return collector.problems

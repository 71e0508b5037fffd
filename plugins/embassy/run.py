"""One run of Pelican, with every warning and error it reports collected as a problem.

Used by build/ (the stock build) and fast/ (a language's process): the build
stops on any problem, with a message naming the file and never a traceback.
"""

import contextlib
import ctypes
import logging
import multiprocessing
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican
from pelican.log import console
from pelican.settings import read_settings

from .errors import Reported, SiteError

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

    problems: list  # SiteError
    site: Path | None = None
    inputs: object = None  # fast.record.Inputs
    languages: dict | None = None  # {lang: fast.record.LanguageRecord}
    unchanged: bool = False
    changes: object = None  # what a rebuild changed (fast.standby.Changes)


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


def run_pelican(settings_file, overrides):
    """Run Pelican with settings_file and overrides; return the problems (SiteError)."""
    console.quiet = True  # its "Done: Processed …" lines; summary.py reports instead
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        settings = read_settings(str(settings_file),
                                 override={"DEBUG": True, "DELETE_OUTPUT_DIRECTORY": False,
                                           **overrides})
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


_PR_SET_PDEATHSIG = 1
_PRCTL = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # Linux


STOPS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def stops_held_while_forking():
    """Ctrl+C or SIGTERM while the build forks a process waits until the fork is done.

    Python runs its fork hooks around a fork (logging releases its lock in the
    parent): a KeyboardInterrupt raised in one is reported as "Exception ignored",
    with a traceback, and lost, so the build would run on. The children start with
    the stops held too: helper_process lets them through."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a pending stop acts here


def helper_process():
    """In a process the build forks (a language, an image worker): end as soon as the
    build's process ends, however it ends (a SIGKILL leaves it no time to stop its
    helpers), so that nothing writes into a staging folder the next build removes;
    and end at once on Ctrl+C or SIGTERM, as the build's process cleans up (the
    handler it inherited would raise KeyboardInterrupt wherever the process is,
    and a multiprocessing worker can miss it and wait forever)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)  # held while it was forked
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)


def on_every_core(work, jobs):
    """work(job) for every job: in helper processes, one per core, when there are
    several jobs and cores (images and cards: work on the CPU alone)."""
    processes = min(len(jobs), os.cpu_count() or 1)
    if processes < 2:
        for job in jobs:
            work(job)
        return
    with stops_held_while_forking():
        pool = multiprocessing.get_context("fork").Pool(processes, helper_process)
    with pool:
        pool.map(work, jobs)
        pool.close()  # the workers end as they finish, not by a signal
        pool.join()


# The same for a program the build runs (Pagefind): util-linux's setpriv sets it
# between fork and exec. (Python's preexec_fn would run Python code there, which
# can deadlock while the image workers' threads run.)
DIE_WITH_BUILD = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []


def program(command, timeout=None):
    """Run a program the build needs (Pagefind, the Nu HTML Checker) to its end and
    return its subprocess.CompletedProcess (text output).

    Stopped by Ctrl+C or SIGTERM, the build kills the program and waits until it
    is gone before the stop goes on: subprocess.run only sends the kill, and a
    Pagefind still closing its files while the build removed its staging folder
    left that folder behind (seen once in CI, in test_interruptions)."""
    with subprocess.Popen([*DIE_WITH_BUILD, *command], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except BaseException:  # stopped, or over time: nothing of it may outlive this
            process.kill()
            process.wait()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)

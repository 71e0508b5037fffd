"""The languages' processes, from the parent's side: forked, their URLs exchanged,
their reports collected.

Each language's process (language.py) runs its own Pelican pass. Halfway,
once every process has read its items, the parent hands each one the URLs
the others found, so that i18n-subsites links translations as in a stock
build; at the end each sends its Report. A process that stops early makes
the others stop; a stop of the build kills them all before staging goes.

With FAST_BUILD_PARALLEL = False the same processes work one at a time: the
next is forked once the last has sent its URLs (it then waits for the
others'), and after the exchange each gets the URLs only once the one before
has sent its Report. One path either way: only the order of the parent's
sends and receives differs.
"""

import gc
import multiprocessing
import os
from pathlib import Path

from pelican.settings import Settings

from .. import processes, summary
from ..errors import SiteError
from . import language, standby
from .record import LanguageRecord
from .signatures import Inputs


def run_languages(settings_file: str | Path, settings: Settings, overrides: dict, staging: Path,
                  previous_output: Path | None, site: Path, inputs: Inputs, languages: list[str],
                  previous: dict[str, LanguageRecord], records: dict[str, LanguageRecord],
                  report: summary.Report, progress: summary.Progress) -> list[SiteError]:
    """Fork a process per language, exchange their URLs, and wait for their reports
    (added to records and report); meanwhile, for a rebuild, link the last output's
    files into site. Returns the problems reported."""
    language.warm_up(settings)
    one_at_a_time = not settings.get("FAST_BUILD_PARALLEL", True)
    children, received = {}, {}
    try:
        gc.freeze()  # the processes share what is loaded so far, untouched by their collector
        for lang in languages:
            ours, theirs = multiprocessing.Pipe()
            with processes.stops_held_while_forking():  # a stop acts once the process is known
                pid = os.fork()
                if pid == 0:  # the language's process: build, report, and leave (os._exit)
                    processes.helper_process()  # from here a stop ends it, whatever the mask was
                    ours.close()
                    for _other, connection in children.values():
                        connection.close()
                    language.build_language(settings_file, staging, overrides, lang, theirs,
                                            inputs, previous.get(lang), previous_output)
                children[pid] = (lang, ours)
            theirs.close()
            if one_at_a_time:  # its items read before the next process starts
                received[pid] = _receive(ours)
        gc.unfreeze()
        known = {url for part in records.values() for url in part.urls.items()}
        early, urls = _exchange_urls(children, dict(known), received)
        if not one_at_a_time:
            _send_urls(children, early, urls)
        progress.step(f"Writing the pages of {', '.join(languages)}")
        if previous_output is not None and not early:
            standby.new_site(settings, previous_output, site)
        return _collect_reports(children, early, records, report, progress,
                                (urls,) if one_at_a_time else ())
    except BaseException:  # interrupted: no process may write into staging once it is removed
        _stop(children)
        raise


def _receive(connection):
    """A process's next message, or None if it closed its connection."""
    try:
        return connection.recv()
    except (EOFError, OSError):
        return None


def _exchange_urls(children, known, received):
    """Collect each language's item URLs (those in received came already), with known:
    those of the languages not built. A process that stopped before it read its
    items sends its Report instead, or closes its connection. Returns those
    ({pid: Report or None}) and what every other process is to receive: all the
    URLs, or None (told to stop) if any stopped early."""
    urls, early = dict(known), {}
    for pid, (_lang, connection) in children.items():
        message = received[pid] if pid in received else _receive(connection)
        if isinstance(message, dict):
            urls.update(message)
        else:
            early[pid] = message
    return early, None if early else urls


def _send_urls(children, early, urls, only=None):
    """Send urls to every process that did not stop early (or to the process only)."""
    for pid, (_lang, connection) in children.items():
        if pid not in early and only in (None, pid):
            try:
                connection.send(urls)
            except OSError:
                pass  # that process has already stopped


def _collect_reports(children, early, records, report, progress, unsent=()):
    """Wait for each language's Report (those in early came already); add its record
    to records and its counts to report. unsent: (the URLs message), when each
    process is to get it only once the one before has reported (languages one at
    a time); else sent already. Returns the problems reported (or why the
    processes stopped)."""
    problems, stopped, finished = [], [], []
    for pid, (lang, connection) in children.items():
        for urls in unsent:
            _send_urls(children, early, urls, only=pid)
        result = early[pid] if pid in early else _receive(connection)
        os.waitpid(pid, 0)
        if result is None or result.record is None and not result.problems:
            stopped.append(SiteError(lang, "the build of this language stopped unexpectedly.",
                                     "run the build again; if this comes back, send this "
                                     "message to the site's maintainers."))
            continue
        if result.stopped:  # by another language's failure, reported by that one
            stopped.append(SiteError(lang, "the build of this language stopped because "
                                     "another language's could not read its items.",
                                     "fix the problems listed for the other language."))
            continue
        problems += [problem for problem in result.problems if problem not in problems]
        if result.record is not None:
            records[lang] = result.record
            part = report.languages[lang]
            part.count(result.record.counts)
            part.seconds = result.seconds
            finished.append(f"{lang} ({part.seconds:.1f} s)")
            progress.step(f"Written: {', '.join(finished)}")
    return problems or stopped


def _stop(children):
    """Kill the language processes still running and wait for them."""
    for pid in children:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

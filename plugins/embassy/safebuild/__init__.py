"""The safe build that tasks.py runs: a new site replaces the output only whole.

Run as ``python -m embassy.safebuild SETTINGS OUTPUT`` (see __main__.py). The site
is built into a staging folder beside the output, by the fast build (fast/,
when the settings ask for it, the machine has more than one core and the
installed packages are those it was written for) or else by stock Pelican;
every warning or error stops it with a message naming the file; publishing
runs the quality gates on it; and only then does it replace the output, in
one step (output.py). Any failure, or a stop at any moment, leaves the last
good output as it was.
"""

import contextlib
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from pelican.settings import Settings, read_settings

from .. import admin, fast, processes, run, state, summary
from ..errors import Reported, SiteError
from ..run import Result
from . import output as folders
from .lock import one_build_at_a_time, one_build_per_cache

__all__ = ["build", "one_build_at_a_time", "remove_output"]


def remove_output(output: str | Path) -> None:
    """Delete output/ (gone in one step: renamed, then deleted) and what a rebuild
    keeps beside it (invoke clean)."""
    output = Path(output).resolve()
    if output.exists():
        gone = folders.new_staging(output)  # a stop now leaves a folder the next build removes
        output.rename(gone)
        folders.remove(gone)
    fast.standby.remove(output)


def build(settings_file: str | Path, output: str | Path, overrides: dict | None = None,
          gate: Callable[[Path], bool] | None = None,
          progress: summary.Progress | None = None) -> summary.Report:
    """Build the site of settings_file and put it in place of output.

    gate, if given, is called with the new site's folder and must return True
    for it to replace the output (publish runs the quality gates this way).
    Returns a summary.Report; output is untouched unless it has no problems.
    """
    started = time.monotonic()
    progress = progress or summary.Progress(enabled=False)
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    overrides = overrides or {}
    settings = read_settings(str(settings_file), override=dict(overrides))
    report = summary.Report(os.path.relpath(output), settings["SITEURL"],
                            {lang: summary.Language() for lang in settings["LANGUAGES"]})
    staging = None
    try:
        with one_build_at_a_time(output), one_build_per_cache(settings):
            try:
                with _stops_held(report):  # a stop comes once staging is known, to be removed
                    folders.remove_leftovers(output)
                    staging = folders.new_staging(output)
                report.problems = _build(settings_file, settings, overrides, output, staging,
                                         gate, report, progress)
            finally:
                with _stops_held(report):  # a stop would leave staging half-removed
                    if staging is not None:
                        folders.remove(staging)
                        folders.remove(Path(f"{staging}.next"))
    finally:
        progress.stop()
    report.seconds = time.monotonic() - started
    return report


def available_cores() -> int:
    """The cores this process may use (where the system says; else all of them)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def fast_build_refused(settings: Settings) -> str | None:
    """Why this build cannot be the fast one (a line for staff), or None."""
    if not settings.get("FAST_BUILD"):
        return None
    if available_cores() < 2:
        return "the fast build is off: one core only; building with stock Pelican."
    reason = fast.unsupported()
    if reason:
        return f"the fast build is off: {reason}; building with stock Pelican (slower)."
    return None


def _build(settings_file, settings, overrides, output, staging, gate, report, progress):
    """build(), once no other build shares the output or the cache; returns the problems."""
    progress.step(f"Building {', '.join(settings['LANGUAGES'])}")
    refused = fast_build_refused(settings)
    if refused:
        report.notices.append(refused)
    try:
        editor = admin.left_out_notice(settings, settings_file)
    except SiteError as error:
        return [error]
    if editor:
        report.notices.append(editor)
    if settings.get("FAST_BUILD") and not refused:
        # Publishing (with gates) builds everything, and always checks it.
        result = fast.build(settings_file, settings, overrides, staging, output, report,
                            progress, reuse=gate is None)
    else:
        result = _stock_build(settings_file, overrides, staging, report)
    if result.unchanged:
        report.unchanged = True
        return []
    if result.problems:
        # A mistake in the sources often makes Pelican stumble later on; staff
        # need the cause, so the plugin's own messages come alone when present.
        causes = [problem for problem in result.problems if not isinstance(problem, Reported)]
        return causes or result.problems
    if gate is not None:
        progress.stop()  # the gates print their own verdicts
        if not gate(result.site):
            return [Reported("the quality gates failed (see the report above); "
                             "nothing was published.")]
    with _stops_held(report):
        old = folders.replace(output, result.site)
        report.replaced = True
        try:
            if result.inputs is not None:
                fast.remember(settings, output, result, old)
            else:
                folders.remove(old)
        except OSError as error:  # the site is built; the next build will be a full one
            fast.forget(settings, output)
            report.notices.append(f"The new site is in place, but what a rebuild would keep "
                                  f"of it could not be saved ({error}): the next build "
                                  "builds everything.")
    return []


STOPS = processes.STOPS


@contextlib.contextmanager
def _stops_held(report):
    """Ctrl+C or SIGTERM during the block waits for it to end. Then, if the new site
    replaced the output (report.replaced), the stop is dropped and told: the new
    site is the build's outcome, and what remains (deleting folders, the record
    for the next build) is done; otherwise it stops the build (KeyboardInterrupt)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        pending = signal.sigpending() & STOPS if report.replaced else set()
        handlers = {number: signal.signal(number, signal.SIG_IGN) for number in pending}
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)  # the others act now
        for number, handler in handlers.items():
            signal.signal(number, handler)
        if pending:
            report.notices.append("Stopped only once the new site was in place: it is built.")


def _stock_build(settings_file, overrides, staging, report):
    """Stock Pelican and i18n-subsites, every language in this process."""
    build_state = state.BuildState(str(staging))
    problems = run.run_pelican(settings_file, {**overrides, "OUTPUT_PATH": str(staging),
                                               "FAST_BUILD": False, "BUILD_STATE": build_state})
    for lang, counts in build_state.counts.items():
        report.languages[lang].count(counts)
    report.count_files(staging)
    return Result(problems, staging)


"""The processes a build starts: forked helpers and programs, none outliving the build.

A build forks (the fast build's languages, the image and card workers) and
runs programs (Pagefind, the Nu HTML Checker); whatever ends the build, by
Ctrl+C, SIGTERM or SIGKILL, ends them too, so that nothing writes into a
staging folder the next build removes.
"""

import contextlib
import ctypes
import multiprocessing
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from typing import TypeVar

_PR_SET_PDEATHSIG = 1
_PRCTL = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # Linux


STOPS = {signal.SIGINT, signal.SIGTERM}
Job = TypeVar("Job")  # what on_every_core hands its work, one at a time


@contextlib.contextmanager
def stops_held_while_forking() -> Iterator[None]:
    """Ctrl+C or SIGTERM while the build starts a process (a fork, a Popen) waits until
    the block ends: by then the build knows the process and ends it on a stop.

    Python runs its fork hooks around a fork (logging releases its lock in the
    parent): a KeyboardInterrupt raised in one is reported as "Exception ignored",
    with a traceback, and lost, so the build would run on. The children start with
    the stops held too: helper_process lets them through. The hold is this
    thread's signal mask: it holds the stops because the build's process has no
    other thread then (a Pool's threads start inside the block, held too)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a pending stop acts here


def helper_process() -> None:
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


def on_every_core(work: Callable[[Job], object], jobs: list[Job],
                  meanwhile: Callable[[], object] | None = None) -> None:
    """work(job) for every job: in helper processes, one per core, when there are
    several jobs and cores (images and cards: work on the CPU alone); and
    meanwhile(), if given, in this process while they work."""
    processes = min(len(jobs), os.cpu_count() or 1)
    if processes < 2:
        for job in jobs:
            work(job)
        if meanwhile is not None:
            meanwhile()
        return
    with contextlib.ExitStack() as running:
        with stops_held_while_forking():  # a stop while it forks acts once the pool is known
            pool = running.enter_context(
                multiprocessing.get_context("fork").Pool(processes, helper_process))
        done = pool.map_async(work, jobs)
        if meanwhile is not None:
            meanwhile()
        done.get()
        pool.close()  # the workers end as they finish, not by a signal
        pool.join()


# The same for a program the build runs (Pagefind): util-linux's setpriv sets it
# between fork and exec. (Python's preexec_fn would run Python code there, which
# can deadlock while the image workers' threads run.)
DIE_WITH_BUILD = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []


def program(command: list[str], timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run a program the build needs (Pagefind, the Nu HTML Checker) to its end and
    return its subprocess.CompletedProcess (text output).

    Stopped by Ctrl+C or SIGTERM, the build kills the program and waits until it
    is gone before the stop goes on: subprocess.run only sends the kill, and a
    Pagefind still closing its files while the build removed its staging folder
    left that folder behind (seen in CI, in test_interruptions). A stop that
    lands while Popen starts the program waits until the program is known (else
    Popen raises with the program started and lost, free to write on); the
    program starts with the stops held (a signal mask outlives exec): the build,
    not a signal, ends it (a SIGTERM sent to the program itself waits)."""
    with contextlib.ExitStack() as running:
        with stops_held_while_forking():
            process = running.enter_context(subprocess.Popen(
                [*DIE_WITH_BUILD, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True))
            running.callback(_end, process)  # first thing done when the block ends
        stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _end(process: subprocess.Popen) -> None:
    """Kill a program still running (stopped, or over time) and wait until it is gone."""
    process.kill()  # nothing if it has ended
    process.wait()

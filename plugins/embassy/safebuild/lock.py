"""One build at a time per output, and per cache."""

import contextlib
import fcntl
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

from pelican.settings import Settings


@contextlib.contextmanager
def one_build_at_a_time(output: str | Path) -> Iterator[None]:
    """Only one process writes an output at a time: builds, and `invoke clean`.

    The lock file sits beside the output (.output.lock), not in cache/ or
    output/, which staff may be told to delete while a build runs.
    """
    output = Path(output).resolve()
    with locked(output.parent / f".{output.name}.lock"):
        yield


def one_build_per_cache(settings: Settings) -> AbstractContextManager[None]:
    """Builds into other outputs that share this cache wait for one another too."""
    return locked(Path(settings["CACHE_PATH"]) / "build.lock")


@contextlib.contextmanager
def locked(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file lock (waiting for it) for a block.

    A POSIX record lock (lockf), not flock: it belongs to this process alone, so
    the processes it forks (languages, image workers) never hold it, and it is
    released the moment this process ends, however it ends (they end with it:
    see processes.helper_process).
    """
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as file:
        fcntl.lockf(file, fcntl.LOCK_EX)
        yield

"""Files made once from what the pages show, kept in a cache, linked into media/.

Image variants (images.py) and sharing cards (cards.py) go the same way: the
pages name what they want ({name under media/: what it is made from}); what
the cache lacks is made on every core, each file written whole (atomic.py);
then every file wanted is hard-linked from the cache into output/media/ (a
cache file is never written to again), except those an earlier output
already has as the very same file (a rebuild's new site is made of its links).
"""

import os
import shutil
from pathlib import Path
from typing import Callable, NamedTuple

from pelican.settings import Settings

from . import processes
from .atomic import remove_partials


class Kind(NamedTuple):
    """A kind of media file: its cache folder (under CACHE_PATH), its cache file
    (cached(cache, name, value) -> Path, named by all it is made from), how the
    files missing are shared out in jobs (jobs(settings, [(cache file, value)])),
    and what makes one job's files (make(job), in a worker process)."""

    folder: str
    cached: Callable
    jobs: Callable
    make: Callable


def jobs(kind: Kind, settings: Settings, wanted: dict) -> list:
    """The jobs that make the files of wanted ({name: value}) the cache lacks."""
    cache = Path(settings["CACHE_PATH"]) / kind.folder
    cache.mkdir(parents=True, exist_ok=True)
    remove_partials(cache)  # left by a stopped build (one build per cache)
    missing, seen = [], set()
    for name, value in sorted(wanted.items()):
        cached = kind.cached(cache, name, value)
        if cached not in seen and not cached.exists():  # two names for one file: made once
            seen.add(cached)
            missing.append((cached, value))
    return kind.jobs(settings, missing) if missing else []


def make_while(work: list[tuple[Kind, list]], meanwhile: Callable[[], object]) -> None:
    """Make the files of work ([(Kind, its jobs)]) on every core, and meanwhile() in
    this process (Pagefind, which waits on the disk while the images wait on the
    CPU)."""
    processes.on_every_core(_make, [(kind, job) for kind, kind_jobs in work
                                    for job in kind_jobs], meanwhile)


def _make(kind_and_job):
    kind, job = kind_and_job
    kind.make(job)


def publish(kind: Kind, settings: Settings, wanted: dict, output: str | Path,
            published: str | Path | None = None) -> None:
    """Put the files wanted into output/media/ from the cache (but those that
    published, an earlier output, has already: the very cache file, linked)."""
    cache = Path(settings["CACHE_PATH"]) / kind.folder
    for name, value in sorted(wanted.items()):
        link_from_cache(kind.cached(cache, name, value), Path(output) / "media", name, published)


def link_from_cache(cached: Path, media: Path, name: str,
                    published: str | Path | None = None) -> None:
    """Put a cache file at media/name (unless published, an earlier output, has the
    very file there)."""
    if published is not None and _same_file(Path(published) / "media" / name, cached):
        return
    target = media / name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(cached, target)  # cache files are never written to again
    except OSError:
        shutil.copyfile(cached, target)  # another file system


def _same_file(first, second):
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False

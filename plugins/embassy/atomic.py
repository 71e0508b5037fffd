"""One way to write a file whole or not at all: a temporary file, then a rename.

A build stopped at any moment (Ctrl+C, SIGKILL, a full disk) must leave no
half-written file where a reader (the next build, a web server) looks: the
caches, the build's record, the catalogs' .mo files, the rebuild's standby
marker. atomic_write writes beside the file and renames the result over it
in one step; the temporary file goes on any failure, and one left by a
process killed outright is found by remove_partials.
"""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

PARTIAL = ".part"  # the temporary file's name: <name>.<pid>.part


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "wb",
                 encoding: str | None = None) -> Iterator[IO]:
    """A file opened for writing (mode "wb" or "w") that replaces path, in one rename,
    once the block ends without an exception."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}{PARTIAL}")
    try:
        with open(partial, mode, encoding=encoding) as file:
            yield file
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write text (UTF-8) to path whole or not at all."""
    with atomic_write(path, "w", encoding="utf-8") as file:
        file.write(text)


def remove_partials(folder: str | Path) -> None:
    """The temporary files of processes killed while writing into folder."""
    for partial in Path(folder).glob(f"*{PARTIAL}"):
        partial.unlink(missing_ok=True)

"""The output folder: replaced by a new site in one step, never left half-written.

A build writes into a staging folder beside the output (.output.XXXX) and,
once it succeeded, exchanges it for the output with one rename: at every
moment output/ is the old site or the new one, whole. Whatever a stopped
build left beside it is cleaned up by the next build, which puts a last
output back first if none is in place.
"""

import ctypes
import errno
import os
import shutil
import tempfile
from pathlib import Path

# Looked up once, when the module is loaded (Linux's atomic exchange of two folders).
_RENAMEAT2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def new_staging(output: Path) -> Path:
    """A new, empty staging folder beside output."""
    return Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))


def replace(output: Path, site: Path) -> Path | None:
    """Put the folder site in output's place in one step; return the last output's
    folder (now at site's path, for remove()), or None if there was none.

    On Linux the two folders are exchanged by one rename (renameat2 with
    RENAME_EXCHANGE). Elsewhere it takes two renames; a build stopped between
    them leaves the last output in .output.old-*, which the next build puts
    back (see remove_leftovers).
    """
    site.chmod(0o755)
    if not output.exists():
        site.rename(output)
        return None
    if _exchange(site, output):
        return site
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    output.rename(old)  # onto the empty folder just made: a name no one else has
    site.rename(output)
    return old


def _exchange(first, second):
    """Exchange two folders atomically; False where the system cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):  # an old kernel, or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(second))


def remove(folder: str | Path | None) -> None:
    """Delete a staging folder or a last output (missing: nothing to do)."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def remove_leftovers(output: Path) -> None:
    """What a stopped build left beside output: staging folders and last outputs.

    If output/ itself is missing (a build stopped between replace()'s two
    renames), the last output is put back first, never deleted.
    """
    if not output.exists():
        for kept in sorted(output.parent.glob(f".{output.name}.old-*")):
            kept.rename(output)
            break
    for pattern in (f".{output.name}.staging-*", f".{output.name}.old-*"):
        for leftover in output.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)

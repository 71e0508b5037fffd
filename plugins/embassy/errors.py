"""The error that stops a build with a message staff can act on."""

from pathlib import Path


def display_path(path):
    """A path as staff see it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class SiteError(Exception):
    """A mistake in the site's sources: names the file, what is wrong, the fix."""

    def __init__(self, path, problem, fix, field=None):
        self.path, self.problem, self.fix, self.field = display_path(path), problem, fix, field
        where = f"{self.path} ({field})" if field else self.path
        super().__init__(f"{where}: {problem}\n  How to fix: {fix}")

    def __reduce__(self):
        # raised in a worker process (image variants), it crosses back whole
        return (SiteError, (self.path, self.problem, self.fix, self.field))

"""The error that stops a build with a message staff can act on."""

from pathlib import Path


def display_path(path: str | Path) -> str:
    """A path as staff see it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class SiteError(Exception):
    """A mistake in the site's sources: names the file, what is wrong, the fix."""

    def __init__(self, path: str | Path, problem: str, fix: str,
                 field: str | None = None) -> None:
        self.path, self.problem, self.fix, self.field = display_path(path), problem, fix, field
        where = f"{self.path} ({field})" if field else self.path
        super().__init__(f"{where}: {problem}\n  How to fix: {fix}")

    def __reduce__(self) -> tuple[type, tuple]:
        # raised in a worker process (image variants, a language), it crosses back whole
        return (SiteError, (self.path, self.problem, self.fix, self.field))

    def __eq__(self, other: object) -> bool:  # the same message twice is one problem
        return isinstance(other, SiteError) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class Reported(SiteError):
    """A warning or error of Pelican's own (or a library's), reported as it was
    worded: its cause is often a mistake that a SiteError names better."""

    def __init__(self, text: str) -> None:  # not SiteError.__init__: no path and no fix to name
        Exception.__init__(self, text)
        self.path = self.problem = self.fix = self.field = None
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[type, tuple]:
        return (Reported, (self.text,))

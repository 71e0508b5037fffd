""""Date modified" for every page, as Canada.ca pages show it.

A page's date is its `modified:` metadata, or else the last commit of its
source file (its modification time when it has uncommitted changes, or when
the site is not a git checkout), renames followed and the commits listed in
.git-blame-ignore-revs left out. Lists take their newest item's date.
"""

import datetime
import functools
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context
from pelican import Pelican
from pelican.contents import Article, Content, Page
from pelican.settings import Settings

# Commits that change no page's meaning (a change of file format, a reformatting):
# git's own convention, also read by `git blame` and GitHub's blame view.
IGNORE_REVS = ".git-blame-ignore-revs"


@functools.lru_cache(maxsize=None)
def _git_times(folder):
    """({path: last commit time}, {paths with uncommitted changes}), paths relative to folder.

    One git call for the whole content folder, however many items it has. A
    file's history follows it through renames; commits listed in the checkout's
    .git-blame-ignore-revs do not count as changes (unless the file has no other).
    """
    def git(*args):
        try:
            result = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=folder,
                                    capture_output=True, text=True)
        except FileNotFoundError:  # git is not installed: files' own times
            return ""
        return result.stdout if result.returncode == 0 else ""

    top = git("rev-parse", "--show-toplevel").strip()
    ignore_file = Path(top) / IGNORE_REVS if top else None
    ignored = set()
    if ignore_file and ignore_file.exists():
        ignored = {line.split("#")[0].strip() for line in ignore_file.read_text().splitlines()}
    times, fallback = {}, {}  # fallback: the last ignored commit, for a file with no other
    names = {}  # an older path -> the path it has now
    log = git("log", "--topo-order", "--relative", "--find-renames=30%",
              "--format=%x00%H %ct", "--name-status", "--", ".")
    for line in log.splitlines():
        if line.startswith("\0"):
            commit, stamp = line[1:].split()
            kept, current = (fallback if commit in ignored else times), int(stamp)
        elif line.strip():
            status, *paths = line.split("\t")
            path = names.get(paths[-1], paths[-1])
            if status.startswith("R"):
                names[paths[0]] = path
            if status != "R100":  # a rename alone changes no page
                kept.setdefault(path, current)
    prefix = git("rev-parse", "--show-prefix").strip()  # git status names from the top
    changed = frozenset(
        name[3:].removeprefix(prefix) for name in git(
            "status", "--porcelain", "-z", "--no-renames", "--untracked-files=all",
            "--", ".").split("\0") if name)
    return {**fallback, **times}, changed


def last_change(path: str | Path, settings: Settings) -> datetime.datetime:
    """When a source file under the content folder last changed, as an aware datetime."""
    folder = os.path.abspath(settings["PATH"])
    relative = os.path.relpath(os.path.abspath(path), folder)  # string work only: no stat
    times, changed = _git_times(folder)
    stamp = times.get(relative) if relative not in changed else None
    if stamp is None:
        stamp = os.stat(path).st_mtime
    return datetime.datetime.fromtimestamp(stamp, ZoneInfo(settings["TIMEZONE"]))


def set_last_modified(instance: Content) -> None:
    """content_object_init handler: instance.last_modified for a news item or page."""
    if not isinstance(instance, (Article, Page)):
        return
    if hasattr(instance, "modified"):
        instance.last_modified = instance.modified
    else:
        instance.last_modified = last_change(instance.source_path, instance.settings)
    if hasattr(instance, "date") and instance.date > instance.last_modified:
        instance.last_modified = instance.date  # never "modified" before its own date


# Data files no page shows: the former site's addresses (redirects.py) lead
# elsewhere; a change to them changes no page's date.
NOT_SHOWN = {"redirects"}


def load_data_times(pelican: Pelican) -> None:
    """initialized handler: when each data file the pages show last changed."""
    settings = pelican.settings
    folder = Path(settings["PATH"]) / settings["DATA_PATH"]
    settings["DATA_MODIFIED"] = {
        path.stem: last_change(path, settings) for path in folder.glob("*.yaml")
        if path.stem not in NOT_SHOWN
    }


@pass_context
def newest(context: Context,
           *groups: Iterable[Content] | datetime.datetime) -> datetime.datetime | None:
    """Template global: the latest last_modified among items and data dates."""
    dates = []
    for group in groups:
        if isinstance(group, datetime.datetime):
            dates.append(group)
        else:
            dates.extend(item.last_modified for item in group)
    return max(dates) if dates else None


@pass_context
def site_modified(context: Context) -> datetime.datetime | None:
    """Template global: the newest change of any item or data file of this language."""
    items = list(context.get("articles", [])) + list(context.get("pages", []))
    return newest(context, items, *context["DATA_MODIFIED"].values())


GLOBALS = {"newest": newest, "site_modified": site_modified}

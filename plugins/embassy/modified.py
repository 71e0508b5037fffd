""""Date modified" for every page, as Canada.ca pages show it.

A page's date is its `Modified:` metadata, or else the last commit of its
source file (its modification time when it has uncommitted changes, or when
the site is not a git checkout). Lists take their newest item's date.
"""

import datetime
import functools
import os
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from pelican.contents import Article, Page


@functools.lru_cache(maxsize=None)
def _git_times(folder):
    """({path: last commit time}, {paths with uncommitted changes}), paths relative to folder.

    One git call for the whole content folder, however many items it has.
    """
    def git(*args):
        result = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=folder,
                                capture_output=True, text=True)
        return result.stdout if result.returncode == 0 else ""

    times, current = {}, None
    for line in git("log", "--relative", "--format=%x00%ct", "--name-only", "--", ".").splitlines():
        if line.startswith("\0"):
            current = int(line[1:])
        elif line.strip() and current is not None:
            times.setdefault(line.strip(), current)
    changed = frozenset(line[3:].strip() for line in git(
        "status", "--porcelain", "--untracked-files=all", "--", ".").splitlines())
    return times, changed


def last_change(path, settings):
    """When a source file under the content folder last changed, as an aware datetime."""
    folder = os.path.abspath(settings["PATH"])
    relative = os.path.relpath(os.path.abspath(path), folder)  # string work only: no stat
    times, changed = _git_times(folder)
    stamp = times.get(relative) if relative not in changed else None
    if stamp is None:
        stamp = os.stat(path).st_mtime
    return datetime.datetime.fromtimestamp(stamp, ZoneInfo(settings["TIMEZONE"]))


def set_last_modified(instance):
    """content_object_init handler: instance.last_modified for a news item or page."""
    if not isinstance(instance, (Article, Page)):
        return
    if hasattr(instance, "modified"):
        instance.last_modified = instance.modified
    else:
        instance.last_modified = last_change(instance.source_path, instance.settings)
    if hasattr(instance, "date") and instance.date > instance.last_modified:
        instance.last_modified = instance.date  # never "modified" before its own date


def load_data_times(pelican):
    """initialized handler: when each data file last changed."""
    settings = pelican.settings
    folder = Path(settings["PATH"]) / settings["DATA_PATH"]
    settings["DATA_MODIFIED"] = {
        path.stem: last_change(path, settings) for path in folder.glob("*.yaml")
    }


@pass_context
def newest(context, *groups):
    """Template global: the latest last_modified among items and data dates."""
    dates = []
    for group in groups:
        if isinstance(group, datetime.datetime):
            dates.append(group)
        else:
            dates.extend(item.last_modified for item in group)
    return max(dates) if dates else None


@pass_context
def site_modified(context):
    """Template global: the newest change of any item or data file of this language."""
    items = list(context.get("articles", [])) + list(context.get("pages", []))
    return newest(context, items, *context["DATA_MODIFIED"].values())


GLOBALS = {"newest": newest, "site_modified": site_modified}

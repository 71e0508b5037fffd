"""A rebuild's new site, made from the last output without copying it.

The new site must be whole before it replaces the output in one step, so a
rebuild starts from a folder with every file of the last output, as hard
links (never written to: files are replaced, never rewritten). Linking the
whole site costs about 0.4 s per 1,000 items, and deleting the replaced
output as much again; so the replaced output is kept beside it as a standby
(.output-standby), with the list of what the rebuild changed. The next
rebuild brings the standby up to date with those changes only, and uses it.
A standby that may not be what its list says (a stop while it was being
brought up to date, a record missing) is deleted, and the site linked anew.
"""

import json
import os
import shutil
from pathlib import Path
from typing import NamedTuple

from pelican.settings import Settings

from .. import atomic, search
from .record import LanguageRecord, identity, record_path
from .signatures import walk


class Changes(NamedTuple):
    """What a rebuild changed in the site (paths relative to it): files put in or
    replaced, files removed, folders replaced whole (search indexes)."""

    files: list[str]
    removed: list[str]
    folders: list[str]


def _standby(output):
    return output.parent / f".{output.name}-standby"


def _marker(settings, output):
    return record_path(settings, output).with_suffix(".standby.json")


def new_site(settings: Settings, output: Path, site: Path) -> None:
    """Make site a folder with every file of output, the standby's if it can be trusted."""
    standby, marker = _standby(output), _marker(settings, output)
    try:
        kept = json.loads(marker.read_text(encoding="utf-8"))
        marker.unlink()  # from here on, until keep(), the standby is not trusted
        if kept["standby"] != standby.stat().st_ino or kept["output"] != identity(output):
            raise ValueError("another folder, or an output it was not kept for")
        _bring_up_to_date(standby, output, Changes(*kept["changes"]))
        standby.rename(site)
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(standby, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
        link_tree(output, site)


def _bring_up_to_date(standby, output, changes):
    for name in changes.removed:
        (standby / name).unlink(missing_ok=True)
        remove_empty_folders(standby, (standby / name).parent)
    for name in changes.files:
        (standby / name).unlink(missing_ok=True)
        (standby / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(output / name, standby / name)
    for name in changes.folders:
        shutil.rmtree(standby / name, ignore_errors=True)
        link_tree(output / name, standby / name)


def complete(site: Path, staging: Path, previous: dict[str, LanguageRecord],
             records: dict[str, LanguageRecord], languages: list[str]) -> Changes:
    """Make site (the last output's files) the new site: move staging's files in,
    remove the pages the sources no longer make and the image variants and
    sharing cards no page shows, and index the languages built again for
    search. Returns the Changes made."""
    moved = walk(staging)
    for relative in moved:
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)
    gone = [name for lang in languages for name in previous[lang].pages
            if name not in records[lang].pages]
    gone_media = {name for part in previous.values() for name in (*part.images, *part.cards)}
    gone_media -= {name for part in records.values() for name in (*part.images, *part.cards)}
    gone += [os.path.join("media", name) for name in sorted(gone_media)]
    for name in gone:
        (site / name).unlink(missing_ok=True)
        remove_empty_folders(site, (site / name).parent)
    for lang in languages:
        # removed, not written over: these files are the live output's too
        shutil.rmtree(site / "pagefind" / lang, ignore_errors=True)
        search.index_language(site, lang)
    return Changes(moved, gone, [os.path.join("pagefind", lang) for lang in languages])


def keep(settings: Settings, output: Path, old: Path | None, changes: Changes | None) -> None:
    """After the exchange, once the old standby is forgotten (forget()): keep the last
    output (now at old) as the standby, with changes, what this rebuild changed (None
    after a full build: deleted)."""
    standby = _standby(output)
    shutil.rmtree(standby, ignore_errors=True)
    if old is None:
        return
    if changes is None:
        shutil.rmtree(old, ignore_errors=True)
        return
    old.rename(standby)
    atomic.write_text(_marker(settings, output), json.dumps(
        {"standby": standby.stat().st_ino, "output": identity(output), "changes": changes}))


def forget(settings: Settings, output: str | Path) -> None:
    """Trust the standby no more (its marker removed): it will be deleted, not used."""
    _marker(settings, output).unlink(missing_ok=True)


def remove_empty_folders(root: Path, folder: Path) -> None:
    """Remove folder and its parents up to root, as long as they are empty."""
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def remove(output: str | Path) -> None:
    """The standby of output, if any (invoke clean)."""
    shutil.rmtree(_standby(Path(output).resolve()), ignore_errors=True)


def link_tree(source: str | Path, target: str | Path) -> None:
    """Make target a copy of the folder source whose files are hard links."""
    for parent, _folders, files in os.walk(source):
        into = os.path.join(target, os.path.relpath(parent, source))
        os.makedirs(into, exist_ok=True)
        for name in files:
            os.link(os.path.join(parent, name), os.path.join(into, name))

"""The fast build: one process per language, and rebuilds that redo only what changed.

Stock pelican-i18n-subsites runs a full Pelican pass per language, and every
pass reads every file of every language. build() runs one process per
language instead (fork.py, language.py), each running its own language's
pass only (patches.py: every change to Pelican's and its plugins' internals,
applied in those processes alone); tests/test_speed.py checks the output is
byte-identical.

A rebuild (the last build's record matches its output, see record.py) builds
only the languages whose inputs changed, and in those renders only the pages
whose inputs changed (reuse.py). The new site is then the last output's
files (standby.py: hard links, or the standby brought up to date, made while
the processes render), with the new pages moved in and the pages no longer
made removed; the build puts it in place of the output in one step, as it
does a full build's.

The steps after the languages' passes are the stock build's own (finish.py),
called here with what the processes reported.
"""

import os
import shutil
from pathlib import Path

from pelican.settings import Settings

from .. import catalogs, finish, summary
from ..errors import SiteError
from ..run import Result
from ..state import BuildState
from . import fork, patches, record, signatures, standby

unsupported = patches.unsupported


def forget(settings: Settings, output: str | Path) -> None:
    """Keep nothing of this build for the next (it will build everything)."""
    standby.forget(settings, output)
    record.forget_record(settings, output)


def remember(settings: Settings, output: Path, result: Result, old: Path | None) -> None:
    """Once output/ is the new site: keep its record for the next build, and the last
    output (at old) as the next rebuild's standby (see standby.py)."""
    standby.forget(settings, output)  # until keep(): the standby matches no record
    if incremental(settings):
        record.save_record(settings, output, result.inputs, result.languages)
    else:
        record.forget_record(settings, output)
    standby.keep(settings, output, old, result.changes)  # a full build's: deleted


def incremental(settings: Settings) -> bool:
    """Whether a build may keep what the last one made (FAST_BUILD_INCREMENTAL)."""
    return settings.get("FAST_BUILD_INCREMENTAL", True)


def build(settings_file: str | Path, settings: Settings, overrides: dict, staging: Path,
          output: Path, report: summary.Report, progress: summary.Progress,
          reuse: bool = True) -> Result:
    """Build every language into staging, one process each; return a Result.

    reuse: whether a rebuild may keep what the last build made (publishing
    builds everything, and so does every build with FAST_BUILD_INCREMENTAL =
    False). report (summary.Report) gets each language's counts.
    """
    inputs = signatures.Inputs(settings_file, settings)
    _remove_other_folders(inputs.cache / "templates", keep=inputs.site)
    _remove_other_folders(inputs.cache / "items", keep=inputs.metadata)
    reuse = reuse and incremental(settings)
    previous = record.load_record(settings, output, inputs) if reuse else None
    if previous is not None and not _still_there(output, previous):
        previous = None  # the output is not what its record says: build everything
    built = previous or {}
    languages = [lang for lang in settings["LANGUAGES"]
                 if lang not in built or built[lang].signature != inputs.languages[lang]]
    if not languages:
        return Result([], unchanged=True)
    try:
        if previous is None or not catalogs.compiled(settings):
            catalogs.compile_for(settings)  # once, before the language processes read them
    except SiteError as error:
        return Result([error])
    records = {lang: built[lang] for lang in settings["LANGUAGES"] if lang not in languages}
    for lang in records:
        report.languages[lang].built = False
    progress.step(f"Reading {', '.join(languages)}")
    site = Path(f"{staging}.next") if previous else staging
    problems = fork.run_languages(settings_file, settings, overrides,
                                  staging, output if previous else None, site, inputs,
                                  languages, previous or {}, records, report, progress)
    if problems:
        return Result(problems)
    try:
        finish.finish_site(settings, staging, _made(staging, records), languages,
                           index=previous is None, published=output if previous else None,
                           progress=progress)
        report.count_files(staging)
        changes = (standby.complete(site, staging, previous, records, languages)
                   if previous else None)
    except SiteError as error:
        return Result([error])
    return Result([], site, inputs, records, changes=changes)


def _made(staging, records):
    """What the languages' passes noted for the finishing steps, from their records."""
    made = BuildState(str(staging))
    for part in records.values():
        made.images.update({name: (Path(source), width)
                            for name, (source, width) in part.images.items()})
        made.cards.update(part.cards)
        made.moved.update(part.moved)
        made.sitemap.update({name: page.sitemap for name, page in part.pages.items()
                             if page.sitemap is not None})
    return made


def _still_there(output, previous):
    """Whether every page of the last build is in its output (one deleted by hand
    means a full build)."""
    try:
        for part in previous.values():
            for name in part.pages:
                os.stat(os.path.join(output, name))
    except OSError:
        return False
    return True


def _remove_other_folders(parent, keep):
    """Caches made for other signatures (see language.template_cache, item_cache_settings)."""
    if parent.is_dir():
        for folder in parent.iterdir():
            if folder.name != keep:
                shutil.rmtree(folder, ignore_errors=True)


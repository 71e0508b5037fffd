"""The fast build: one process per language, and rebuilds that redo only what changed.

Stock pelican-i18n-subsites runs a full Pelican pass per language, and every
pass reads every file of every language. build() forks one process per
language instead (language.py), each running its own language's pass only
(patches.py: every change to Pelican's and its plugins' internals, applied
in those processes alone). Halfway, once every process has read its items,
the parent hands each one the URLs the others found, so that i18n-subsites
links translations as in a stock build; tests/test_speed.py checks the
output is byte-identical.

A rebuild (the last build's record matches its output, see record.py) builds
only the languages whose inputs changed, and in those renders only the pages
whose inputs changed (reuse.py). The new site is then the last output's
files (standby.py: hard links, or the standby brought up to date, made while
the processes render), with the new pages moved in and the pages no longer
made removed; the build puts it in place of the output in one step, as it
does a full build's.

The steps after the languages' passes are the plugin's own (images, cards,
hosting, sitemap, search), called here with what the processes reported.
"""

import gc
import multiprocessing
import os
import shutil
from pathlib import Path

from .. import admin, cards, catalogs, due, hosting, images, run, search, sitemap
from ..errors import SiteError
from ..run import Result
from . import language, patches, record, standby

unsupported = patches.unsupported


def forget(settings, output):
    """Keep nothing of this build for the next (it will build everything)."""
    standby.forget(settings, output)
    record.forget_record(settings, output)


def remember(settings, output, result, old):
    """Once output/ is the new site: keep its record for the next build, and the last
    output (at old) as the next rebuild's standby (see standby.py)."""
    standby.forget(settings, output)  # until keep(): the standby matches no record
    record.save_record(settings, output, result.inputs, result.languages)
    standby.keep(settings, output, old, result.changes)


def build(settings_file, settings, overrides, staging, output, report, progress, reuse=True):
    """Build every language into staging, one process each; return a Result.

    reuse: whether a rebuild may keep what the last build made (publishing
    builds everything). report (summary.Report) gets each language's counts.
    """
    inputs = record.Inputs(settings_file, settings)
    _remove_other_folders(inputs.cache / "templates", keep=inputs.site)
    _remove_other_folders(inputs.cache / "items", keep=inputs.metadata)
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
    problems = _run_languages(settings_file, settings, overrides,
                              staging, output if previous else None, site, inputs, languages,
                              previous or {}, records, report, progress)
    if problems:
        return Result(problems)
    wanted = {name: (Path(source), width) for part in records.values()
              for name, (source, width) in part.images.items()}
    wanted_cards = {name: card for part in records.values() for name, card in part.cards.items()}
    entries = [page.sitemap for part in records.values() for page in part.pages.values()
               if page.sitemap is not None]
    try:
        # A full build indexes every language for search while the images are made
        # (a rebuild indexes in _update); Pagefind waits on the disk, the images on the CPU.
        _index_while_making_media(settings, wanted, wanted_cards, staging,
                                   languages if previous is None else [], progress)
        images.publish_variants(settings, wanted, staging, published=output if previous else None)
        cards.publish_cards(settings, wanted_cards, staging, published=output if previous else None)
        if settings["I18N_TEMPLATES_LANG"] in languages:
            hosting.fingerprint_assets(staging, settings["THEME"], settings["THEME_STATIC_DIR"])
            admin.write_editor(staging, settings)
        moved = {old: new for part in records.values() for old, new in part.moved.items()}
        hosting.write_host_files(staging, settings, moved)
        due.write_state(staging, settings)
        sitemap.write(staging, settings["SITEURL"], entries)
        report.count_files(staging)
        changes = _update(site, staging, previous, records, languages) if previous else None
    except SiteError as error:
        return Result([error])
    return Result([], site, inputs, records, changes=changes)


def _index_while_making_media(settings, wanted, wanted_cards, staging, languages, progress):
    """Index languages for search while the image variants and sharing cards wanted
    are made (on every core, when there are several to make)."""
    jobs = images.variant_jobs(settings, wanted)
    drawings = cards.card_jobs(settings, wanted_cards)
    if languages:
        progress.step("Indexing for search, making image variants and sharing cards")
    if len(jobs) + len(drawings) < 2:
        images.make_variants(jobs)
        cards.make_cards(drawings)
        for lang in languages:
            search.index_language(staging, lang)
        return
    with run.stops_held_while_forking():
        pool = multiprocessing.get_context("fork").Pool(initializer=run.helper_process)
    with pool:
        made = [pool.map_async(images.make_variant_files, jobs),
                pool.map_async(cards.make_card_files, drawings)]
        for lang in languages:
            search.index_language(staging, lang)
        for work in made:
            work.get()
        pool.close()  # the workers end as they finish, not by a signal
        pool.join()


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


def _run_languages(settings_file, settings, overrides, staging, previous_output, site, inputs,
                   languages, previous, records, report, progress):
    """Fork a process per language, exchange their URLs, and wait for their reports
    (added to records and report); meanwhile, for a rebuild, link the last output's
    files into site. Returns the problems reported."""
    language.warm_up(settings)
    children = {}
    try:
        gc.freeze()  # the processes share what is loaded so far, untouched by their collector
        for lang in languages:
            ours, theirs = multiprocessing.Pipe()
            with run.stops_held_while_forking():
                pid = os.fork()
            if pid == 0:  # the language's process: build, report, and leave (os._exit) at once
                ours.close()
                for _other, connection in children.values():
                    connection.close()
                language.build_language(settings_file, staging, overrides, lang, theirs, inputs,
                                        previous.get(lang), previous_output)
            theirs.close()
            children[pid] = (lang, ours)
        gc.unfreeze()
        known = {url for part in records.values() for url in part.urls.items()}
        early = _exchange_urls(children, dict(known))
        progress.step(f"Writing the pages of {', '.join(languages)}")
        if previous_output is not None and not early:
            standby.new_site(settings, previous_output, site)
        return _collect_reports(children, early, records, report, progress)
    except BaseException:  # interrupted: no process may write into staging once it is removed
        _stop(children)
        raise


def _exchange_urls(children, known):
    """Collect each language's item URLs and send every process all of them (with
    known: those of the languages not built). A process that stopped before it
    read its items sends its Report instead (returned: {pid: Report}), or closes
    its connection; the others are then told to stop (they receive None)."""
    urls, early = dict(known), {}
    for pid, (_lang, connection) in children.items():
        try:
            message = connection.recv()
        except (EOFError, OSError):
            message = None
        if isinstance(message, dict):
            urls.update(message)
        else:
            early[pid] = message
    for pid, (_lang, connection) in children.items():
        if pid not in early:
            try:
                connection.send(None if early else urls)
            except OSError:
                pass  # that process has already stopped
    return early


def _collect_reports(children, early, records, report, progress):
    """Wait for each language's Report (those in early came already); add its record
    to records and its counts to report. Returns the problems reported (or why
    the processes stopped)."""
    problems, stopped, finished = [], [], []
    for pid, (lang, connection) in children.items():
        try:
            result = early[pid] if pid in early else connection.recv()
        except (EOFError, OSError):
            result = None
        os.waitpid(pid, 0)
        if result is None or result.record is None and not result.problems:
            stopped.append(SiteError(lang, "the build of this language stopped unexpectedly.",
                                     "run the build again; if this comes back, send this "
                                     "message to the site's maintainers."))
            continue
        if result.stopped:  # by another language's failure, reported by that one
            stopped.append(SiteError(lang, "the build of this language stopped because "
                                     "another language's could not read its items.",
                                     "fix the problems listed for the other language."))
            continue
        problems += [problem for problem in result.problems if problem not in problems]
        if result.record is not None:
            records[lang] = result.record
            part = report.languages[lang]
            part.count(result.record.counts)
            part.seconds = result.seconds
            finished.append(f"{lang} ({part.seconds:.1f} s)")
            progress.step(f"Written: {', '.join(finished)}")
    return problems or stopped


def _stop(children):
    """Kill the language processes still running and wait for them."""
    for pid in children:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _update(site, staging, previous, records, languages):
    """Make site (the last output's files) the new site: move staging's files in,
    remove the pages the sources no longer make and the image variants and
    sharing cards no page shows, and index the languages built again for
    search. Returns the standby.Changes made."""
    moved = record.walk(staging)
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
        standby.remove_empty_folders(site, (site / name).parent)
    for lang in languages:
        # removed, not written over: these files are the live output's too
        shutil.rmtree(site / "pagefind" / lang, ignore_errors=True)
        search.index_language(site, lang)
    return standby.Changes(moved, gone, [os.path.join("pagefind", lang) for lang in languages])


def _remove_other_folders(parent, keep):
    """Caches made for other signatures (see language.template_cache, item_cache_settings)."""
    if parent.is_dir():
        for folder in parent.iterdir():
            if folder.name != keep:
                shutil.rmtree(folder, ignore_errors=True)

